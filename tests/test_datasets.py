"""The data sets in datasets/: present, intact, reproducible from their script, and as described."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"
SCRIPT = DATASETS / "make_datasets.py"
SINE_SIZES = (10, 15, 100)
TOY_NAMES = ("separable", "xor")
CSV_FILES = (*(f"sine_n{n}.csv" for n in SINE_SIZES), "house_prices.csv",
             *(f"toy_{name}.csv" for name in TOY_NAMES))
HOUSE_ROWS = 20
TOY_ROWS = 40
# The line the separable toy set is drawn around (DATASHEET.md): -x1 + 2 x2 - 0.5 = 0.
SEPARATING_W, SEPARATING_B, SEPARABLE_MARGIN = np.array([-1.0, 2.0]), -0.5, 0.5


def load_module(path: Path, name: str) -> ModuleType:
    """Import a file by path: datasets/ is a plain folder, not a package on sys.path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def datasets() -> ModuleType:
    return load_module(DATASETS / "load.py", "course_datasets")


@pytest.fixture
def copied(tmp_path) -> Path:
    """A private copy of datasets/ to damage."""
    return Path(shutil.copytree(DATASETS, tmp_path / "datasets",
                                ignore=shutil.ignore_patterns("__pycache__")))


def run_script(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)


def read_sums(folder: Path) -> dict[str, str]:
    lines = (folder / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    return {name: digest for digest, name in (line.split("  ") for line in lines)}


def test_every_data_file_exists_and_has_a_checksum():
    for name in (*CSV_FILES, "SHA256SUMS", "DATASHEET.md", "load.py", "make_datasets.py"):
        assert (DATASETS / name).is_file(), f"datasets/{name} is missing"
    on_disk = sorted(path.name for path in DATASETS.glob("*.csv"))
    assert sorted(read_sums(DATASETS)) == on_disk == sorted(CSV_FILES), (
        f"SHA256SUMS lists {sorted(read_sums(DATASETS))}, the folder holds {on_disk}")


def test_checksums_match_the_files():
    for name, digest in read_sums(DATASETS).items():
        actual = hashlib.sha256((DATASETS / name).read_bytes()).hexdigest()
        assert actual == digest, f"datasets/{name}: sha256 {actual}, SHA256SUMS says {digest}"


def test_make_datasets_check_passes(tmp_path):
    result = run_script("--check", cwd=tmp_path)
    assert result.returncode == 0, f"make_datasets.py --check failed:\n{result.stderr}"


def test_make_datasets_check_fails_on_a_changed_file(copied, tmp_path):
    path = copied / "sine_n15.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_script("--check", "--out", str(copied), cwd=tmp_path)
    assert result.returncode == 1, "make_datasets.py --check missed a changed file"
    assert "sine_n15.csv" in result.stderr, f"--check did not name the file:\n{result.stderr}"


def test_regenerating_gives_byte_identical_files(tmp_path):
    out = tmp_path / "regenerated"
    result = run_script("--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    made = sorted(path.name for path in out.iterdir())
    assert made == sorted((*CSV_FILES, "SHA256SUMS")), f"make_datasets.py wrote {made}"
    for name in made:
        assert (out / name).read_bytes() == (DATASETS / name).read_bytes(), (
            f"datasets/{name} differs from what make_datasets.py makes")


@pytest.mark.parametrize("n", SINE_SIZES)
def test_sine_x_is_the_even_grid_on_0_1(datasets, n):
    x, _ = datasets.load_sine(n)
    assert np.array_equal(x, np.linspace(0.0, 1.0, n)), f"sine_n{n}: x is not linspace(0, 1, {n})"


def test_sine_noise_has_the_stated_size(datasets):
    x, t = datasets.load_sine(100)
    residual = t - np.array([math.sin(2.0 * math.pi * v) for v in x])
    assert 0.1 < residual.std() < 0.6, f"std of t − sin(2πx) is {residual.std()}, stated 0.3"
    assert abs(residual.mean()) < 0.15, f"mean of t − sin(2πx) is {residual.mean()}, stated 0"


def test_sine_files_are_independent_draws(datasets):
    _, t10 = datasets.load_sine(10)
    _, t15 = datasets.load_sine(15)
    _, t100 = datasets.load_sine(100)
    assert len({t10[0], t15[0], t100[0]}) == 3, "two sine files share their noise (same seed?)"


@pytest.mark.parametrize("n", SINE_SIZES)
def test_load_sine_returns_float64_vectors(datasets, n):
    x, t = datasets.load_sine(n)
    for label, array in (("x", x), ("t", t)):
        assert isinstance(array, np.ndarray), f"load_sine({n}) {label} is {type(array)}"
        assert array.dtype == np.float64, f"load_sine({n}) {label} has dtype {array.dtype}"
        assert array.shape == (n,), f"load_sine({n}) {label} has shape {array.shape}"


def test_load_house_prices_returns_float64_table(datasets):
    X, y, columns = datasets.load_house_prices()
    assert X.dtype == np.float64 and X.shape == (HOUSE_ROWS, 4), f"X: {X.dtype} {X.shape}"
    assert y.dtype == np.float64 and y.shape == (HOUSE_ROWS,), f"y: {y.dtype} {y.shape}"
    assert tuple(columns) == ("year_built", "square_feet", "rooms", "finished"), columns


def test_house_prices_are_plausible(datasets):
    X, y, _ = datasets.load_house_prices()
    year, feet, rooms, finished = X.T
    assert np.all((year >= 1900) & (year <= 2025)), f"year_built out of range: {year}"
    assert np.all((feet >= 300) & (feet <= 10_000)), f"square_feet out of range: {feet}"
    assert np.all((rooms >= 1) & (rooms <= 15) & (rooms == np.round(rooms))), rooms
    assert set(finished) == {0.0, 1.0}, f"finished should be 0/1 and use both, got {finished}"
    assert np.all((y >= 50_000) & (y <= 2_000_000)), f"price out of range: {y}"
    assert np.corrcoef(feet, y)[0, 1] > 0.5, "price should grow with square_feet"


@pytest.mark.parametrize("name", TOY_NAMES)
def test_load_toy_returns_two_balanced_classes(datasets, name):
    X, t = datasets.load_toy(name)
    assert X.dtype == np.float64 and X.shape == (TOY_ROWS, 2), f"X: {X.dtype} {X.shape}"
    assert t.dtype == np.float64 and t.shape == (TOY_ROWS,), f"t: {t.dtype} {t.shape}"
    assert set(t) == {0.0, 1.0} and t.sum() == TOY_ROWS / 2, f"targets are not 20 × 0, 20 × 1: {t}"
    assert np.array_equal(X, np.round(X, 2)), f"toy_{name}.csv: coordinates have two decimals"
    assert len({tuple(row) for row in X}) == TOY_ROWS, f"toy_{name}.csv repeats a point"


def test_separable_toy_set_lies_on_both_sides_of_its_line_with_the_stated_margin(datasets):
    X, t = datasets.load_toy("separable")
    distance = (X @ SEPARATING_W + SEPARATING_B) / np.linalg.norm(SEPARATING_W)
    assert np.array_equal(distance > 0, t == 1), "a point lies on the wrong side of the line"
    assert np.abs(distance).min() >= SEPARABLE_MARGIN, (
        f"the margin is {np.abs(distance).min()}, the datasheet says {SEPARABLE_MARGIN}")


def reference_perceptron() -> ModuleType:
    return load_module(REPO / "solutions" / "a2_perceptron" / "perceptron.py",
                       "reference_perceptron")


def test_reference_perceptron_separates_the_separable_toy_set_within_the_theorem_bound(
        datasets):
    import torch

    X, t = datasets.load_toy("separable")
    w, b, errors = reference_perceptron().train_perceptron(torch.from_numpy(X),
                                                           torch.from_numpy(t))
    assert errors[-1] == 0, f"the perceptron did not converge in 100 epochs: {errors}"
    assert np.array_equal((X @ w.numpy() + b.item() >= 0), t == 1)
    # Novikoff: at most R²/γ² updates from zero, with x̃ = (x, 1) and the line's margin γ.
    radius2 = (X * X).sum(axis=1).max() + 1
    gamma = np.abs(X @ SEPARATING_W + SEPARATING_B).min() / math.hypot(*SEPARATING_W,
                                                                       SEPARATING_B)
    assert sum(errors) <= radius2 / gamma**2, f"{sum(errors)} updates, more than R²/γ²"


def _segments_cross(a, b, c, d) -> bool:
    """True if the segments ab and cd cross (each one has the other's ends on both sides)."""
    def side(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))
    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def test_xor_toy_set_is_not_linearly_separable(datasets):
    import torch

    X, t = datasets.load_toy("xor")
    # A proof: two class-0 points and two class-1 points whose segments cross. A line with
    # class 0 on one side holds the class-0 segment there (half-planes are convex), the
    # class-1 segment on the other side, so the two segments could not meet.
    zeros, ones = X[t == 0], X[t == 1]
    witness = next(((a, b, c, d) for a, b in itertools.combinations(zeros, 2)
                    for c, d in itertools.combinations(ones, 2) if _segments_cross(a, b, c, d)),
                   None)
    assert witness is not None, "no two class-0 and two class-1 points form a crossing XOR"
    # And the perceptron, which stops at the first epoch without errors, never gets there.
    _, _, errors = reference_perceptron().train_perceptron(
        torch.from_numpy(X), torch.from_numpy(t), max_epochs=200)
    assert len(errors) == 200 and min(errors) > 0, f"an epoch without errors on XOR: {errors}"


@pytest.mark.parametrize("name", ["", "and", "separable.csv", "XOR"])
def test_load_toy_rejects_unknown_names(datasets, name):
    with pytest.raises(ValueError, match="'separable', 'xor'"):
        datasets.load_toy(name)


LOADER_CALLS = [(f"sine_n{n}.csv", "load_sine", (n,)) for n in SINE_SIZES] + [
    ("house_prices.csv", "load_house_prices", ())] + [
    (f"toy_{name}.csv", "load_toy", (name,)) for name in TOY_NAMES]


@pytest.mark.parametrize(("name", "loader", "args"), LOADER_CALLS)
def test_corrupted_file_makes_the_loader_raise_naming_it(copied, name, loader, args):
    path = copied / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    damaged = load_module(copied / "load.py", "damaged_datasets")
    with pytest.raises(ValueError, match=re.escape(name)) as caught:
        getattr(damaged, loader)(*args)
    message = str(caught.value)
    assert "checksum" in message and "\n" not in message, f"unhelpful message: {message!r}"


def test_missing_file_makes_the_loader_raise_naming_it(copied):
    (copied / "sine_n10.csv").unlink()
    damaged = load_module(copied / "load.py", "damaged_datasets")
    with pytest.raises(ValueError, match=r"sine_n10\.csv.*missing"):
        damaged.load_sine(10)


@pytest.mark.parametrize("n", [0, 9, 11, 1000, -10])
def test_load_sine_rejects_unknown_n(datasets, n):
    with pytest.raises(ValueError, match="10, 15, 100"):
        datasets.load_sine(n)


# -- the lecture's phenomena ------------------------------------------------------------------
# What the lecture's figures need from the sine data (DATASHEET.md, "Why these seeds"). The fits
# are plain least squares (numpy), independent of the assignment's code. "Test data" are fresh
# points of the same recipe that no file holds: N = 1000 drawn with seed 1000.
TEST_DRAW = (1000, 1000)
LN_LAMBDA = -18
GRID = np.linspace(0.0, 1.0, 1001)


def _fit(x, t, degree, lam=0.0):
    phi = x[:, None] ** np.arange(degree + 1)
    if lam:  # ridge: least squares of the design stacked on sqrt(λ)·I against zeros
        phi = np.vstack([phi, math.sqrt(lam) * np.eye(degree + 1)])
        t = np.concatenate([t, np.zeros(degree + 1)])
    return np.linalg.lstsq(phi, t, rcond=None)[0]


def _rms(w, x, t):
    return float(np.sqrt(np.mean((np.polynomial.polynomial.polyval(x, w) - t) ** 2)))


def _deviation(w):
    """How far the curve strays from sin(2πx) on [0, 1]: max |y(x) − sin(2πx)|."""
    return float(np.abs(np.polynomial.polynomial.polyval(GRID, w) - np.sin(2 * np.pi * GRID)).max())


@pytest.fixture(scope="module")
def phenomena(datasets):
    make = load_module(SCRIPT, "make_course_datasets")
    x10, t10 = datasets.load_sine(10)
    x15, t15 = datasets.load_sine(15)
    x100, t100 = datasets.load_sine(100)
    xt, tt = np.array(make.sine_table(*TEST_DRAW)).T
    fits = {m: _fit(x10, t10, m) for m in range(10)}
    return {
        "w9": fits[9],
        "validation": [_rms(fits[m], x100, t100) for m in range(10)],
        "test": {m: _rms(fits[m], xt, tt) for m in (3, 9)},
        "ridge_validation": _rms(_fit(x10, t10, 9, math.exp(LN_LAMBDA)), x100, t100),
        "more_data": {n: _fit(x, t, 9) for n, x, t in ((15, x15, t15), (100, x100, t100))},
    }


def test_m9_on_ten_points_has_huge_coefficients_and_swings_wildly(phenomena):
    w9 = phenomena["w9"]
    assert np.abs(w9).max() >= 1e4, f"M = 9 coefficients reach only {np.abs(w9).max():.3g}"
    curve = np.polynomial.polynomial.polyval(GRID, w9)
    assert np.abs(curve).max() > 3, (
        f"the M = 9 curve stays within [{curve.min():.2f}, {curve.max():.2f}] on [0, 1]: "
        "no wild swings between the points")


def test_m9_overfits_fresh_test_data(phenomena):
    test = phenomena["test"]
    assert test[9] >= 2 * test[3], (
        f"test RMS of M = 9 is {test[9]:.3f}, of M = 3 {test[3]:.3f}: no overfitting to see")


def test_validation_picks_a_degree_near_three(phenomena):
    validation = phenomena["validation"]
    best = int(np.argmin(validation))
    assert best in (2, 3, 4), f"validation on sine_n100 picks M = {best}, not M = 3 (or 2, 4)"
    assert validation[9] > 2 * validation[best], "the M = 9 validation error shows no spike"


def test_regularization_improves_validation(phenomena):
    ridge, plain = phenomena["ridge_validation"], phenomena["validation"][9]
    assert ridge < 0.5 * plain, (
        f"ln λ = {LN_LAMBDA} gives validation RMS {ridge:.3f} against {plain:.3f} without it")


def test_more_data_makes_m9_smooth(phenomena):
    """Smooth, measured: the M = 9 curve stays within 0.5 of sin(2πx) on [0, 1] with N = 15 and
    N = 100 points, while with N = 10 it strays by more than 2."""
    assert _deviation(phenomena["w9"]) > 2, "with ten points M = 9 should stray far from sin(2πx)"
    for n, w in phenomena["more_data"].items():
        assert _deviation(w) < 0.5, (
            f"M = 9 on N = {n} strays {_deviation(w):.2f} from sin(2πx): not visibly smoother")
