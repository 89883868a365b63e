"""BUG: gradient_descent appends the 0-d loss tensors to losses instead of Python floats

``losses.append(mse_loss(...))`` keeps tensors (each holding its autograd graph if any input
requires grad); the contract asks for a list of Python floats, ready to plot or compare.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent; losses as tensors."""
    if not lr > 0:
        raise ValueError("gradient_descent: lr must be > 0")
    if steps < 0:
        raise ValueError("gradient_descent: steps must be >= 0")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
    losses = [mse_loss(X, t, w, b)]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = w - lr * grad_w
        b = b - lr * grad_b
        losses.append(mse_loss(X, t, w, b))
    return w, b, losses
