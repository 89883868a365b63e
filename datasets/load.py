"""Load the course data sets that sit next to this file, checking each one's SHA-256 first.

datasets/ is a plain folder, not a package: load this module by path, e.g.

    import importlib.util
    spec = importlib.util.spec_from_file_location("course_datasets", "datasets/load.py")
    course_datasets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course_datasets)
    x, t = course_datasets.load_sine(10)
    X, t = course_datasets.load_toy("separable")
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent
SUMS_FILE = "SHA256SUMS"
SINE_SIZES = (10, 15, 100)
HOUSE_FEATURES = ("year_built", "square_feet", "rooms", "finished")
HOUSE_TARGET = "price"
TOY_NAMES = ("separable", "xor")
TOY_COLUMNS = ("x1", "x2", "t")
REGENERATE = "regenerate with python datasets/make_datasets.py"


def load_sine(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The lecture's sine data with N = n points (10, 15 or 100): x and t, float64, shape (n,)."""
    if n not in SINE_SIZES:
        raise ValueError(f"load_sine: no sine data set with n = {n!r}; "
                         f"n must be one of {', '.join(map(str, SINE_SIZES))}")
    table = _read_table(f"sine_n{int(n)}.csv", ("x", "t"))
    return table[:, 0].copy(), table[:, 1].copy()


def load_house_prices() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The house-price table: X (rows, 4) float64 features, y (rows,) float64 prices in dollars,
    and the names of X's columns (year_built, square_feet, rooms, finished)."""
    table = _read_table("house_prices.csv", (*HOUSE_FEATURES, HOUSE_TARGET))
    return table[:, :-1].copy(), table[:, -1].copy(), HOUSE_FEATURES


def load_toy(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A two-class toy set of the perceptron lecture: ``"separable"`` (toy_separable.csv) or
    ``"xor"`` (toy_xor.csv). Returns X (N, 2) float64 points and t (N,) float64 targets, 0 or 1."""
    if name not in TOY_NAMES:
        raise ValueError(f"load_toy: no toy data set named {name!r}; "
                         f"name must be one of {', '.join(map(repr, TOY_NAMES))}")
    table = _read_table(f"toy_{name}.csv", TOY_COLUMNS)
    return table[:, :2].copy(), table[:, 2].copy()


def _read_table(name: str, columns: tuple[str, ...]) -> np.ndarray:
    """Verify `name` against SHA256SUMS, check its header, and parse it as float64."""
    data = _read_verified(name)
    text = data.decode("ascii")
    header, _, body = text.partition("\n")
    if tuple(header.split(",")) != columns:
        raise ValueError(f"{_label(name)}: header is {header!r}, expected {','.join(columns)}; "
                         f"{REGENERATE}")
    return np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.float64, ndmin=2)


def _read_verified(name: str) -> bytes:
    """The bytes of `name`, after checking their SHA-256 against the entry in SHA256SUMS."""
    expected = _expected_sums().get(name)
    if expected is None:
        raise ValueError(f"{_label(SUMS_FILE)}: no checksum listed for {name}; {REGENERATE}")
    path = DATA_DIR / name
    if not path.is_file():
        raise ValueError(f"{_label(name)}: file is missing; {REGENERATE}")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ValueError(f"{_label(name)}: checksum mismatch (expected {expected}, got {actual}): "
                         f"{REGENERATE}")
    return data


def _expected_sums() -> dict[str, str]:
    """SHA256SUMS as {file name: hex digest} (the `sha256sum` format: digest, two spaces, name)."""
    path = DATA_DIR / SUMS_FILE
    if not path.is_file():
        raise ValueError(f"{_label(SUMS_FILE)}: file is missing; {REGENERATE}")
    sums = {}
    for line in path.read_text(encoding="ascii").splitlines():
        digest, _, name = line.partition("  ")
        sums[name.removeprefix("*")] = digest
    return sums


def _label(name: str) -> str:
    return f"{DATA_DIR.name}/{name}"
