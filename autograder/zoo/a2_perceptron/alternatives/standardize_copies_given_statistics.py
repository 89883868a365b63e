"""ALT: standardize returns copies of the given mean and std, and computes Z with torch.sub/div

The contract lets standardize hand the given statistics back as they are ("possibly the very
same tensors") but does not require it: copies with the same values are as good.
"""

import torch

PATCHES = "descent"


def standardize(X: torch.Tensor, mean=None, std=None):
    """Z = (X - mean) / std per column; given statistics returned as copies."""
    if X.dim() != 2:
        raise ValueError(f"standardize: X must have shape (N, D), got {tuple(X.shape)}")
    if (mean is None) != (std is None):
        raise ValueError("standardize: give both mean and std, or neither")
    d = X.shape[1]
    if mean is None:
        if X.shape[0] == 0:
            raise ValueError("standardize: X has no examples to compute the statistics from")
        mean = X.mean(dim=0)
        std = ((X - mean) ** 2).mean(dim=0).sqrt()
        constant = (X == X[0]).all(dim=0) | (std == 0)  # equal values, or a std that underflows
        if bool(constant.any()):
            raise ValueError(f"standardize: column {int(constant.int().argmax())} of X is "
                             "constant")
    else:
        if tuple(mean.shape) != (d,) or tuple(std.shape) != (d,):
            raise ValueError(f"standardize: mean and std must have shape ({d},)")
        not_positive = ~(std > 0)
        if bool(not_positive.any()):
            raise ValueError(f"standardize: the given std of column "
                             f"{int(not_positive.int().argmax())} is not positive")
        mean, std = mean.clone(), std.clone()
    return torch.div(torch.sub(X, mean), std), mean, std
