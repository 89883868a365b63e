"""BUG: standardize finds constant columns by torch.std == 0: a one-column float64 one slips by

torch.std of the float64 column (0.1, 0.1, 0.1) is about 1.4e-17, not 0 (its mean rounds a hair
away from 0.1), so the test std == 0 misses the column: no ValueError, and its z-scores are
rounding noise blown up to order 1. Comparing the values themselves finds it.
"""

import torch

PATCHES = "descent"


def standardize(X: torch.Tensor, mean=None, std=None):
    """Z = (X - mean) / std per column."""
    if X.dim() != 2:
        raise ValueError("standardize: X must have shape (N, D)")
    if (mean is None) != (std is None):
        raise ValueError("standardize: give both mean and std, or neither")
    if mean is None:
        if X.shape[0] == 0:
            raise ValueError("standardize: no examples")
        mean = X.mean(dim=0)
        std = X.std(dim=0, correction=0)
        constant = std == 0
        if bool(constant.any()):
            raise ValueError(f"standardize: column {int(constant.nonzero()[0, 0])} is constant")
    else:
        if tuple(mean.shape) != (X.shape[1],) or tuple(std.shape) != (X.shape[1],):
            raise ValueError("standardize: mean and std must have shape (D,)")
        bad = ~(std > 0)
        if bool(bad.any()):
            raise ValueError(f"standardize: std of column {int(bad.nonzero()[0, 0])} is not > 0")
    return (X - mean) / std, mean, std
