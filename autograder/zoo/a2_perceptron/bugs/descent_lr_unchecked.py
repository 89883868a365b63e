"""BUG: gradient_descent accepts lr <= 0 and steps < 0 without complaint

lr = 0 never moves, a negative lr climbs the loss, and range(-1) takes no step: each returns
a plausible-looking result instead of the ValueError that would point at the caller's mistake.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent, arguments unchecked."""
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
    losses = [float(mse_loss(X, t, w, b))]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = w - lr * grad_w
        b = b - lr * grad_b
        losses.append(float(mse_loss(X, t, w, b)))
    return w, b, losses
