"""BUG: gradient_descent checks lr where it uses it, in the loop: steps = 0 accepts any lr

The check sits next to the update it protects, so it runs once per step; with steps = 0 it
never runs, and lr = 0, a negative lr, NaN or inf return the start without a word.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent, lr checked at every step."""
    if steps < 0:
        raise ValueError(f"gradient_descent: steps must be >= 0, got {steps!r}")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0.clone()
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device).clone()
    losses = [float(mse_loss(X, t, w, b))]
    for _ in range(steps):
        if not 0 < lr < math.inf:
            raise ValueError(f"gradient_descent: lr must be a positive finite number, got {lr!r}")
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = w - lr * grad_w
        b = b - lr * grad_b
        losses.append(float(mse_loss(X, t, w, b)))
    return w, b, losses
