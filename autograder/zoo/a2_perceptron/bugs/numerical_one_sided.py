"""BUG: numerical_gradient uses the one-sided difference (E(w + eps eᵢ) - E(w)) / eps

The forward difference is off by about eps/2 times the curvature: O(eps) instead of the O(eps²)
of the central difference (which is exact for a quadratic E).
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss)

import torch

PATCHES = "descent"


def numerical_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b, eps: float = 1e-6):
    """Forward differences."""
    if not eps > 0:
        raise ValueError("numerical_gradient: eps must be > 0")
    E = mse_loss(X, t, w, b)
    grad_w = []
    for i in range(w.shape[0]):
        step = torch.zeros_like(w)
        step[i] = eps
        grad_w.append((mse_loss(X, t, w + step, b) - E) / eps)
    grad_b = (mse_loss(X, t, w, b + eps) - E) / eps
    return torch.stack(grad_w), grad_b
