"""BUG: numerical_gradient nudges w[i] in place and nudges it back: w + eps - eps is not always w

Adding and then subtracting eps rounds twice, so the caller's w comes back changed in its last
bits (and is wrong while mse_loss runs, should anything else look at it). Perturb a copy.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs, mse_loss)

import torch

PATCHES = "descent"


def numerical_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b, eps: float = 1e-6):
    """Central differences, perturbing w in place."""
    if not eps > 0:
        raise ValueError("numerical_gradient: eps must be > 0")
    _check_regression_inputs(X, t, w, b, "numerical_gradient")
    grad_w = torch.empty_like(w)
    with torch.no_grad():
        for i in range(w.shape[0]):
            w[i] += eps
            plus = mse_loss(X, t, w, b)
            w[i] -= 2 * eps
            minus = mse_loss(X, t, w, b)
            w[i] += eps
            grad_w[i] = (plus - minus) / (2 * eps)
        grad_b = (mse_loss(X, t, w, b + eps) - mse_loss(X, t, w, b - eps)) / (2 * eps)
    return grad_w, grad_b
