"""BUG: mse_loss returns a Python float (.item()) instead of a 0-d tensor

The number is right, but it is cut off from autograd (no gradient reaches w or b), it cannot stay
on the GPU, and the contract asks for a 0-d tensor.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs)

import torch

PATCHES = "descent"


def mse_loss(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """E = 1/(2N) Σ (w·x + b - t)², as a Python float."""
    _check_regression_inputs(X, t, w, b, "mse_loss")
    residual = X @ w + b - t
    return ((residual * residual).mean() / 2).item()
