"""BUG: gradient_descent jumps to the least-squares solution with torch.linalg.lstsq

"Why iterate when the answer has a formula?" The module is about descending, so closed-form
solvers are refused in descent.py; and the returned weights are not what ``steps`` steps of lr
give.
"""

# ruff: noqa: F821 (from the reference descent.py: mse_loss)

import torch

PATCHES = "descent"


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """The minimiser in closed form, with a made-up loss curve."""
    if not lr > 0:
        raise ValueError("gradient_descent: lr must be > 0")
    if steps < 0:
        raise ValueError("gradient_descent: steps must be >= 0")
    if X.dim() != 2:
        raise ValueError("gradient_descent: X must have shape (N, D)")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
    losses = [float(mse_loss(X, t, w, b))]
    if steps == 0:
        return w, b, losses
    A = torch.cat([X, torch.ones_like(X[:, :1])], dim=1)
    solution = torch.linalg.lstsq(A, t.unsqueeze(1)).solution.squeeze(1)
    w, b = solution[:-1], solution[-1]
    final = float(mse_loss(X, t, w, b))
    return w, b, losses + [final] * steps
