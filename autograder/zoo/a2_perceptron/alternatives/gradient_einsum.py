"""ALT: mse_gradient via torch.einsum: ∂E/∂w = einsum('nd,n->d', X, r) / N

The same contraction as Xᵀr, spelled with einsum's index notation; the bias gradient as the sum
of the residuals divided by N.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs)

import torch

PATCHES = "descent"


def mse_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b):
    """(1/N Σₙ rₙ xₙ, 1/N Σₙ rₙ) with r = X w + b - t, by einsum."""
    _check_regression_inputs(X, t, w, b, "mse_gradient")
    n = X.shape[0]
    residual = torch.einsum("nd,d->n", X, w) + b - t
    return torch.einsum("nd,n->d", X, residual) / n, residual.sum() / n
