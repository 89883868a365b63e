"""BUG: gradient_descent insists on a float learning rate: lr = 1 raises ValueError

The check reads the type hint `lr: float` literally (isinstance(lr, float)); a Python int is
a positive finite number too, and gradient_descent(X, t, lr=1) is a valid call.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss, mse_gradient)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent, lr a float only."""
    if not isinstance(lr, float) or not 0 < lr < math.inf:
        raise ValueError(f"gradient_descent: lr must be a positive finite float, got {lr!r}")
    if steps < 0:
        raise ValueError(f"gradient_descent: steps must be >= 0, got {steps!r}")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0.clone()
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device).clone()
    losses = [float(mse_loss(X, t, w, b))]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = w - lr * grad_w
        b = b - lr * grad_b
        losses.append(float(mse_loss(X, t, w, b)))
    return w, b, losses
