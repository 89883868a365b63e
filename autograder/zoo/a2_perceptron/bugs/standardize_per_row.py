"""BUG: standardize reduces over the wrong axis: one mean and std per example (row)

``X.mean(dim=1, keepdim=True)`` standardizes each example across its features, mixing years,
square feet and flags into one average; the statistics come out with shape (N, 1), not (D,).
"""

import torch

PATCHES = "descent"


def standardize(X: torch.Tensor, mean=None, std=None):
    """Z = (X - mean) / std."""
    if X.dim() != 2:
        raise ValueError("standardize: X must have shape (N, D)")
    if (mean is None) != (std is None):
        raise ValueError("standardize: give both mean and std, or neither")
    if mean is None:
        if X.shape[0] == 0:
            raise ValueError("standardize: no examples")
        mean = X.mean(dim=1, keepdim=True)
        std = X.std(dim=1, keepdim=True, correction=0)
        if bool((std == 0).any()):
            raise ValueError("standardize: column 0 is constant")
    elif bool((std <= 0).any()):
        raise ValueError("standardize: std must be > 0")
    return (X - mean) / std, mean, std
