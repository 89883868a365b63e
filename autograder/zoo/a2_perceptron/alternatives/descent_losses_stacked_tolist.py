"""ALT: gradient_descent keeps the losses as 0-d tensors and converts them once, with tolist()

torch.stack(losses).tolist() turns the steps + 1 tensors into Python floats in one go (one
device-to-host copy on a GPU instead of one per step).
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent; losses converted at the end."""
    if not lr > 0 or steps < 0:
        raise ValueError("gradient_descent: need lr > 0 and steps >= 0")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros_like(X[0]) if w0 is None else w0
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
    losses = [mse_loss(X, t, w, b).detach()]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w, b = w - lr * grad_w, b - lr * grad_b
        losses.append(mse_loss(X, t, w, b).detach())
    return w, b, torch.stack(losses).tolist()
