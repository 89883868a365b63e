"""BUG: standardize returns X itself when it has no rows: "nothing to standardize"

With the training statistics given, an empty batch of test data has nothing to shift or scale,
and returning it unchanged looks harmless; but Z is then the caller's X, not a new tensor.
"""

import torch

PATCHES = "descent"


def standardize(X: torch.Tensor, mean=None, std=None):
    """Z = (X - mean) / std per column, an empty X returned as it is."""
    if X.dim() != 2:
        raise ValueError(f"standardize: X must have shape (N, D), got {tuple(X.shape)}")
    if (mean is None) != (std is None):
        raise ValueError("standardize: give both mean and std, or neither")
    d = X.shape[1]
    if mean is None:
        if X.shape[0] == 0:
            raise ValueError("standardize: X has no examples to compute the statistics from")
        mean = X.mean(dim=0)
        std = X.std(dim=0, correction=0)
        constant = X.eq(X[0]).all(dim=0) | (std == 0)
        if bool(constant.any()):
            column = int(constant.nonzero()[0, 0])
            raise ValueError(f"standardize: column {column} of X is constant")
    else:
        if tuple(mean.shape) != (d,) or tuple(std.shape) != (d,):
            raise ValueError(f"standardize: mean and std must have shape ({d},)")
        not_positive = ~(std > 0)
        if bool(not_positive.any()):
            column = int(not_positive.nonzero()[0, 0])
            raise ValueError(f"standardize: the given std of column {column} is not positive")
        if X.shape[0] == 0:
            return X, mean, std  # nothing to standardize
    return (X - mean) / std, mean, std
