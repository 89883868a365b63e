"""ALT: train_val_test_split via rng.choice(n, n, replace=False), sizes rounded down, train first

floor(frac n) is always within 1 of frac n, and rounding both sizes down leaves at least n (1 -
val_frac - test_frac) > 0 training examples; a different permutation and layout than the reference,
equally valid.
"""

import math

import numpy as np

PATCHES = "splits"


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
    for name, frac in (("val_frac", val_frac), ("test_frac", test_frac)):
        if not 0 <= frac < 1:
            raise ValueError(f"train_val_test_split: {name} must lie in [0, 1), got {frac!r}")
    if not val_frac + test_frac < 1:
        raise ValueError("train_val_test_split: val_frac + test_frac must be < 1")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"train_val_test_split: n must be a positive integer, got {n!r}")
    n = int(n)
    n_test, n_val = math.floor(test_frac * n), math.floor(val_frac * n)
    n_train = n - n_test - n_val
    order = np.random.default_rng(seed).choice(n, size=n, replace=False)
    return order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val :]
