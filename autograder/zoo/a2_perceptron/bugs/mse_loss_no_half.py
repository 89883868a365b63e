"""BUG: mse_loss forgets the ½: returns the plain mean of the squared residuals

E = 1/N Σ r² instead of 1/(2N) Σ r²: every loss is twice too large, and the hand-derived gradient
1/N Xᵀr no longer matches autograd through the loss (it is half of it).
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs)

import torch

PATCHES = "descent"


def mse_loss(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """E = 1/N Σ (w·x + b - t)² (missing the ½)."""
    _check_regression_inputs(X, t, w, b, "mse_loss")
    residual = X @ w + b - t
    return (residual * residual).mean()
