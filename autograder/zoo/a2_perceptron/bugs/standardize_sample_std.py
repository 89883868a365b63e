"""BUG: standardize divides by the sample standard deviation (torch.std's default correction=1)

``X.std(dim=0)`` divides by N - 1, not N: the columns of Z then have a std of sqrt((N-1)/N),
not 1, and the returned std is not the population std the contract asks for.
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
        std = X.std(dim=0)
        constant = X.std(dim=0, correction=0) == 0
        if bool(constant.any()):
            raise ValueError(f"standardize: column {int(constant.nonzero()[0, 0])} is constant")
    else:
        if tuple(mean.shape) != (X.shape[1],) or tuple(std.shape) != (X.shape[1],):
            raise ValueError("standardize: mean and std must have shape (D,)")
        bad = ~(std > 0)
        if bool(bad.any()):
            raise ValueError(f"standardize: std of column {int(bad.nonzero()[0, 0])} is not > 0")
    return (X - mean) / std, mean, std
