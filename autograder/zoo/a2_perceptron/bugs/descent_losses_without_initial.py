"""BUG: gradient_descent records the loss only after each step: the initial E(w0, b0) is missing

losses has ``steps`` entries instead of steps + 1, so a plot of it starts one step late and
steps = 0 returns an empty list.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent, losses after each step only."""
    if not lr > 0:
        raise ValueError("gradient_descent: lr must be > 0")
    if steps < 0:
        raise ValueError("gradient_descent: steps must be >= 0")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
    mse_loss(X, t, w, b)  # the shape checks
    losses = []
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = w - lr * grad_w
        b = b - lr * grad_b
        losses.append(float(mse_loss(X, t, w, b)))
    return w, b, losses
