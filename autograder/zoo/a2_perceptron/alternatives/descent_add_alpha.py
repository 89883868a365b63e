"""ALT: gradient_descent with torch.add(w, grad_w, alpha=-lr) and a clone-then-sub_ bias update

torch.add's alpha scales its second argument: w + (-lr)·grad_w in one call, a new tensor. The
bias is updated in place, but on a private copy (b0.clone()), never on the caller's tensor.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent, updates by torch.add(alpha=) and sub_ on a copy."""
    if lr <= 0:
        raise ValueError("gradient_descent: lr must be > 0")
    if steps < 0:
        raise ValueError("gradient_descent: steps must be >= 0")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = X.new_zeros(X.shape[1]) if w0 is None else w0
    b = torch.tensor(b0, dtype=X.dtype, device=X.device) if not isinstance(
        b0, torch.Tensor) else b0.clone()
    losses = [float(mse_loss(X, t, w, b))]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = torch.add(w, grad_w, alpha=-lr)
        b.sub_(lr * grad_b)
        losses.append(mse_loss(X, t, w, b).item())
    return w, b, losses
