"""ALT: mse_loss as torch.dot(r, r) / (2N): the squared norm of the residual as a dot product

rᵀr is Σ rₙ²; dividing by 2N gives E. Differentiable like the elementwise version.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs)

import torch

PATCHES = "descent"


def mse_loss(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """E = rᵀr / (2N), r = X w + b - t."""
    _check_regression_inputs(X, t, w, b, "mse_loss")
    residual = torch.mv(X, w) + b - t
    return torch.dot(residual, residual) / (2 * X.shape[0])
