"""ALT: standardize via torch.var_mean, constant columns found by comparing values (amax == amin)

var_mean computes both statistics in one pass; the std is the square root of the population
variance. A column is constant when its largest and smallest values are equal, which needs no
floating-point test of the std at all.
"""

import torch

PATCHES = "descent"


def standardize(X: torch.Tensor, mean=None, std=None):
    """Z = (X - mean) / std per column."""
    if X.ndim != 2:
        raise ValueError("standardize: X must be 2-d, (N, D)")
    if mean is None and std is None:
        if len(X) == 0:
            raise ValueError("standardize: cannot compute statistics of zero rows")
        constant = (X.amax(dim=0) == X.amin(dim=0)).tolist()
        if True in constant:
            raise ValueError(f"standardize: column {constant.index(True)} has zero spread")
        variance, mean = torch.var_mean(X, dim=0, correction=0)
        std = variance.sqrt()
    elif mean is None or std is None:
        raise ValueError("standardize: mean and std go together")
    else:
        if mean.shape != (X.shape[1],) or std.shape != (X.shape[1],):
            raise ValueError("standardize: mean and std need one entry per column")
        for column, value in enumerate(std.tolist()):
            if not value > 0:
                raise ValueError(f"standardize: std[{column}] must be positive")
    return (X - mean) / std, mean, std
