"""Regenerate the course data sets in this folder, bit for bit, from fixed seeds.

    python datasets/make_datasets.py             # write the CSV files and SHA256SUMS here
    python datasets/make_datasets.py --check     # exit 1 unless the files here equal what it makes
    python datasets/make_datasets.py --out DIR   # write (or with --check, verify) DIR instead

DATASHEET.md describes the data; the constants below are the whole recipe.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

# Sine data of the lecture (Bishop, PRML §1.1): t = sin(2πx) + ε, ε ~ N(0, 0.3²).
SINE_NOISE_STD = 0.3
SINE_SEEDS = {10: 19, 15: 15, 100: 100}  # N -> seed of np.random.default_rng (DATASHEET.md: why)

# House-price table of the neuron slide: synthetic, from a linear model plus noise.
HOUSE_SEED = 1
HOUSE_ROWS = 20
HOUSE_COLUMNS = ("year_built", "square_feet", "rooms", "finished", "price")
HOUSE_BASE_PRICE = 40_000  # dollars
HOUSE_PRICE_PER = {"year_built": 900, "square_feet": 110, "rooms": 6_000, "finished": 30_000}
HOUSE_NOISE_STD = 25_000  # dollars
HOUSE_PRICE_ROUNDING = 1_000  # prices are quoted to the nearest thousand dollars

# Two-class toy sets of the perceptron lecture: points (x1, x2) with targets t in {0, 1}.
TOY_COLUMNS = ("x1", "x2", "t")
TOY_DECIMALS = 2  # coordinates are rounded to two decimals, as if read off a plot
# Linearly separable: uniform in [-3, 3]^2, class 1 where SEPARATING_W·x + SEPARATING_B > 0,
# only points at distance >= SEPARABLE_MARGIN from that line (rejection sampling, in draw order).
SEPARABLE_SEED = 2
SEPARABLE_PER_CLASS = 20
SEPARABLE_BOX = 3.0
SEPARATING_W = (-1.0, 2.0)  # the line x2 = x1/2 + 1/4
SEPARATING_B = -0.5
SEPARABLE_MARGIN = 0.5
# XOR-like: four Gaussian clusters at (±1, ±1); class 1 where the centre's signs differ.
XOR_SEED = 3
XOR_PER_CLUSTER = 10
XOR_CENTRES = ((-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0))
XOR_NOISE_STD = 0.3

SUMS_FILE = "SHA256SUMS"


def sine_table(n: int, seed: int) -> list[tuple[float, float]]:
    """The (x, t) rows of the sine data set with N = n points."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 1.0, n)
    noise = rng.normal(0.0, SINE_NOISE_STD, size=n)
    # math.sin (the platform's libm) rather than np.sin, whose SIMD kernels differ by an ulp
    # between CPUs: the files must come out the same on every machine.
    return [(float(xi), math.sin(2.0 * math.pi * float(xi)) + float(ei))
            for xi, ei in zip(x, noise, strict=True)]


def house_table(seed: int = HOUSE_SEED, rows: int = HOUSE_ROWS) -> list[tuple[int, ...]]:
    """The rows (year_built, square_feet, rooms, finished, price) of the house-price table."""
    rng = np.random.default_rng(seed)
    year_built = rng.integers(1950, 2021, size=rows)
    square_feet = 10 * rng.integers(70, 351, size=rows)  # 700..3500 sq ft in steps of 10
    rooms = np.clip(np.rint(square_feet / 450 + rng.normal(0.0, 0.7, size=rows)), 2, 9)
    finished = rng.integers(0, 2, size=rows)
    noise = rng.normal(0.0, HOUSE_NOISE_STD, size=rows)
    per = HOUSE_PRICE_PER
    price = (HOUSE_BASE_PRICE + per["year_built"] * (year_built - 1950)
             + per["square_feet"] * square_feet + per["rooms"] * rooms
             + per["finished"] * finished + noise)
    price = HOUSE_PRICE_ROUNDING * np.rint(price / HOUSE_PRICE_ROUNDING)
    return [tuple(int(v) for v in row)
            for row in zip(year_built, square_feet, rooms, finished, price, strict=True)]


def separable_table(seed: int = SEPARABLE_SEED) -> list[tuple[float, float, int]]:
    """The (x1, x2, t) rows of the linearly separable toy set, in the order they were drawn."""
    rng = np.random.default_rng(seed)
    norm = math.hypot(*SEPARATING_W)
    rows, counts = [], [0, 0]
    while min(counts) < SEPARABLE_PER_CLASS:
        x1, x2 = (round(float(v), TOY_DECIMALS)
                  for v in rng.uniform(-SEPARABLE_BOX, SEPARABLE_BOX, size=2))
        score = SEPARATING_W[0] * x1 + SEPARATING_W[1] * x2 + SEPARATING_B
        t = int(score > 0)
        if abs(score) / norm >= SEPARABLE_MARGIN and counts[t] < SEPARABLE_PER_CLASS:
            rows.append((x1, x2, t))
            counts[t] += 1
    return rows


def xor_table(seed: int = XOR_SEED) -> list[tuple[float, float, int]]:
    """The (x1, x2, t) rows of the XOR-like toy set, clusters mixed in a random order."""
    rng = np.random.default_rng(seed)
    rows = []
    for c1, c2 in XOR_CENTRES:
        noise = rng.normal(0.0, XOR_NOISE_STD, size=(XOR_PER_CLUSTER, 2))
        t = int((c1 > 0) != (c2 > 0))
        rows += [(round(c1 + float(e1), TOY_DECIMALS), round(c2 + float(e2), TOY_DECIMALS), t)
                 for e1, e2 in noise]
    return [rows[i] for i in rng.permutation(len(rows))]


def to_csv(header: tuple[str, ...], rows: list[tuple]) -> bytes:
    # repr() of a float is the shortest string that reads back as the same float64.
    lines = [",".join(header)] + [",".join(repr(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("ascii")


def build() -> dict[str, bytes]:
    """Every file of the folder that this script owns: name -> exact contents."""
    files = {f"sine_n{n}.csv": to_csv(("x", "t"), sine_table(n, seed))
             for n, seed in SINE_SEEDS.items()}
    files["house_prices.csv"] = to_csv(HOUSE_COLUMNS, house_table())
    files["toy_separable.csv"] = to_csv(TOY_COLUMNS, separable_table())
    files["toy_xor.csv"] = to_csv(TOY_COLUMNS, xor_table())
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items()))
    files[SUMS_FILE] = sums.encode("ascii")
    return files


def write(out: Path, files: dict[str, bytes]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
        print(f"wrote {out / name}")


def check(out: Path, files: dict[str, bytes]) -> int:
    """Exit status 0 when every file in `out` equals what build() makes, 1 otherwise."""
    wrong = []
    for name, data in files.items():
        path = out / name
        if not path.is_file():
            wrong.append(f"{path}: missing")
        elif path.read_bytes() != data:
            wrong.append(f"{path}: differs from what make_datasets.py makes")
    for line in wrong:
        print(line, file=sys.stderr)
    if wrong:
        print("regenerate with: python datasets/make_datasets.py", file=sys.stderr)
        return 1
    print(f"ok: {len(files)} files in {out} match")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="verify the files instead of writing them (exit 1 on a difference)")
    parser.add_argument("--out", type=Path, default=HERE, metavar="DIR",
                        help="folder to write or check (default: the folder of this script)")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        return check(args.out, files)
    write(args.out, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
