"""BUG: mse_gradient uses t - y instead of y - t: the gradient points downhill

With the residual written as target minus prediction the gradient has the wrong sign, and
``w - lr * grad`` climbs the loss: gradient descent becomes gradient ascent.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs)

import torch

PATCHES = "descent"


def mse_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b):
    """(1/N Xᵀ(t - y), 1/N Σ(t - y)): the sign flipped."""
    _check_regression_inputs(X, t, w, b, "mse_gradient")
    residual = t - (X @ w + b)
    return X.T @ residual / X.shape[0], residual.mean()
