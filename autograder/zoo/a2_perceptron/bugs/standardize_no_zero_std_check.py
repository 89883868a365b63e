"""BUG: standardize divides by a zero std: a constant column becomes NaN instead of a ValueError

Without the check, (x - mean) / 0 is 0/0 = NaN for a constant column (and for every column when
N = 1); the NaNs then poison every gradient step. A zero given std is not refused either.
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
    elif tuple(mean.shape) != (X.shape[1],) or tuple(std.shape) != (X.shape[1],):
        raise ValueError("standardize: mean and std must have shape (D,)")
    return (X - mean) / std, mean, std
