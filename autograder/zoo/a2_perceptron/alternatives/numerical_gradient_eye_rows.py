"""ALT: numerical_gradient stepping along the rows of eps·I, inside autograd (no torch.no_grad)

The unit vectors come from torch.eye scaled by eps; the bias is stepped as a 0-d tensor. The
differences are built with autograd on, which changes nothing for tensors that do not require
grad.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs, mse_loss)

import torch

PATCHES = "descent"


def numerical_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b, eps: float = 1e-6):
    """Central differences along each row of eps·I, and for b."""
    if eps <= 0:
        raise ValueError("numerical_gradient: eps must be positive")
    _check_regression_inputs(X, t, w, b, "numerical_gradient")
    steps = torch.eye(w.shape[0], dtype=w.dtype, device=w.device) * eps
    grad_w = torch.stack([
        (mse_loss(X, t, w + step, b) - mse_loss(X, t, w - step, b)) / (2 * eps)
        for step in steps
    ])
    b = torch.as_tensor(b, dtype=X.dtype, device=X.device)
    grad_b = (mse_loss(X, t, w, b + eps) - mse_loss(X, t, w, b - eps)) / (2 * eps)
    return grad_w, grad_b
