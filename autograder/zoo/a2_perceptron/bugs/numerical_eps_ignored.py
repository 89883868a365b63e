"""BUG: numerical_gradient ignores its eps argument and always steps by 1e-6

The default is hard-coded in the body, so a caller cannot choose the step: in float32 a larger
eps is what rescues the check from cancellation, and it has no effect here.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss)

import torch

PATCHES = "descent"


def numerical_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b, eps: float = 1e-6):
    """Central differences with a step of 1e-6."""
    if not eps > 0:
        raise ValueError("numerical_gradient: eps must be > 0")
    h = 1e-6
    grad_w = []
    for i in range(w.shape[0]):
        step = torch.zeros_like(w)
        step[i] = h
        grad_w.append((mse_loss(X, t, w + step, b) - mse_loss(X, t, w - step, b)) / (2 * h))
    grad_b = (mse_loss(X, t, w, b + h) - mse_loss(X, t, w, b - h)) / (2 * h)
    return torch.stack(grad_w), grad_b
