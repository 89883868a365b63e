"""BUG: gradient_descent updates w in place (w -= lr * grad_w): the caller's w0 is overwritten

``w = w0`` does not copy, so the in-place update changes the tensor the caller passed: running
two experiments from the same w0 silently starts the second one where the first ended.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent, updating w in place."""
    if not lr > 0:
        raise ValueError("gradient_descent: lr must be > 0")
    if steps < 0:
        raise ValueError("gradient_descent: steps must be >= 0")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
    losses = [float(mse_loss(X, t, w, b))]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w -= lr * grad_w
        b = b - lr * grad_b
        losses.append(float(mse_loss(X, t, w, b)))
    return w, b, losses
