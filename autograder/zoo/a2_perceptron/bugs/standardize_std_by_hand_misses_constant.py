"""BUG: standardize takes the std by hand from X.mean and tests std == 0: constant columns slip by

For a column of seven float32 0.1s, X.mean rounds to a value a hair away from 0.1, so
sqrt(mean((x - mean)²)) is about 1e-8, not 0: no ValueError, and the column's z-scores are
rounding noise blown up to order 1. torch.std returns exactly 0 there; so does comparing values.
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
        std = ((X - mean) ** 2).mean(dim=0).sqrt()
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
