"""BUG: train_val_test_split checks nothing: no ValueError for bad fractions or n = 0

Fractions outside [0, 1), fractions summing to >= 1 and n = 0 are silently accepted and give empty,
negative-sized or nonsense splits.
"""

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
    n = int(n)
    n_test, n_val = round(test_frac * n), round(val_frac * n)
    order = np.random.default_rng(seed).permutation(n)
    test_idx, val_idx, train_idx = np.split(order, [n_test, n_test + n_val])
    return train_idx, val_idx, test_idx
