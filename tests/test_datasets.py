"""The data sets in datasets/: present, intact, reproducible from their script, and as described."""

from __future__ import annotations

import hashlib
import importlib.util
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
SCRIPT = DATASETS / "make_datasets.py"
SINE_SIZES = (10, 15, 100)
CSV_FILES = (*(f"sine_n{n}.csv" for n in SINE_SIZES), "house_prices.csv")
HOUSE_ROWS = 20


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


LOADER_CALLS = [(f"sine_n{n}.csv", "load_sine", (n,)) for n in SINE_SIZES] + [
    ("house_prices.csv", "load_house_prices", ())]


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
