"""BUG: mse_gradient asks autograd (torch.autograd.grad) instead of computing the formula

The values are right, but the task is the derivation by hand: autograd is refused in
descent.py, and the function fails under torch.no_grad() (no graph is built there).
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss)

import torch

PATCHES = "descent"


def mse_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b):
    """The gradient of mse_loss, by autograd."""
    w = w.detach().requires_grad_(True)
    b = torch.as_tensor(b, dtype=X.dtype, device=X.device).detach().requires_grad_(True)
    grad_w, grad_b = torch.autograd.grad(mse_loss(X, t, w, b), (w, b))
    return grad_w, grad_b
