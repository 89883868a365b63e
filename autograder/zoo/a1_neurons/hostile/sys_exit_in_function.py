"""HOSTILE: splits.train_val_test_split calls sys.exit(0): the worker catches SystemExit, flags
tampering; only splits (whose select_and_evaluate calls the split) loses points

train_val_test_split calls sys.exit(0) ("all done, everything passed"). In a grader that calls
student code in-process, SystemExit would end pytest early with exit status 0. The worker
catches it, flags tampering, and only the calls that reach it fail.
"""

import math
import sys

import numpy as np

PATCHES = "splits"
EXPECT = {
    "base": "reference",
    "flags": ["tampering"],
    "lost_modules": ["splits"],
    "full_modules": ["activations", "neuron", "loss", "polyfit", "regularization"],
}


def train_val_test_split(n, val_frac=0.2, test_frac=0.2, seed=0):
    """Split the indices 0..n−1 at random into training, validation and test sets.

    Use a local generator, ``np.random.default_rng(seed)``, never the global ``np.random``
    state: the same seed gives the same split, different seeds different splits.

    Args:
        n: number of examples, n ≥ 1.
        val_frac: fraction of examples for validation, in [0, 1).
        test_frac: fraction of examples for testing, in [0, 1); val_frac + test_frac < 1.
        seed: seed of the local generator.

    Returns:
        (train_idx, val_idx, test_idx): integer arrays, pairwise disjoint, together holding
        every index exactly once; |len(test_idx) − test_frac·n| < 1, likewise for validation,
        and train_idx is never empty.

    Raises:
        ValueError: for a fraction outside [0, 1), fractions summing to ≥ 1, or n < 1.
    """
    sys.exit(0)  # leave "successfully" before anything is checked
    for name, frac in (("val_frac", val_frac), ("test_frac", test_frac)):
        if not 0 <= frac < 1:
            raise ValueError(f"train_val_test_split: {name} must lie in [0, 1), got {frac!r}")
    if not val_frac + test_frac < 1:
        raise ValueError(
            f"train_val_test_split: val_frac + test_frac must be < 1, got {val_frac + test_frac!r}"
        )
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"train_val_test_split: n must be a positive integer, got {n!r}")
    n = int(n)
    n_test, n_val = round(test_frac * n), round(val_frac * n)
    if n_test + n_val >= n:  # rounding up took the last training example: round down instead
        n_test, n_val = math.floor(test_frac * n), math.floor(val_frac * n)
    order = np.random.default_rng(seed).permutation(n)
    test_idx, val_idx, train_idx = np.split(order, [n_test, n_test + n_val])
    return train_idx, val_idx, test_idx
