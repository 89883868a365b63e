"""BUG: mse_gradient forgets the 1/N: Xᵀ(y - t) and Σ(y - t), while the loss is a mean

The gradient is N times too large. On small data it only looks like a larger learning rate; on
the test data lr = 1/λ_max becomes N/λ_max and gradient descent diverges.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs)

import torch

PATCHES = "descent"


def mse_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b):
    """(Xᵀ(y - t), Σ(y - t)): the gradient of the sum, not of the mean."""
    _check_regression_inputs(X, t, w, b, "mse_gradient")
    residual = X @ w + b - t
    return X.T @ residual, residual.sum()
