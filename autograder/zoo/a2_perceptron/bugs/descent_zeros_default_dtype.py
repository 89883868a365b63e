"""BUG: gradient_descent starts from torch.zeros(D): float32 on the CPU whatever X is

Without dtype= and device=, the default start is float32 on the CPU: float64 data then fails
with a dtype mismatch in X @ w (and data on a GPU with a device mismatch).
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent from a float32 CPU zero vector."""
    if not lr > 0:
        raise ValueError("gradient_descent: lr must be > 0")
    if steps < 0:
        raise ValueError("gradient_descent: steps must be >= 0")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1]) if w0 is None else w0
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
    losses = [float(mse_loss(X, t, w, b))]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = w - lr * grad_w
        b = b - lr * grad_b
        losses.append(float(mse_loss(X, t, w, b)))
    return w, b, losses
