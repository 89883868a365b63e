"""BUG: mse_loss of N = 0 examples returns NaN (the mean of nothing) instead of raising ValueError

Every shape is checked except N: an empty X and t give torch's mean of an empty tensor, NaN,
which then flows silently into gradient descent.
"""

import torch

PATCHES = "descent"


def mse_loss(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """E = 1/(2N) Σ (w·x + b - t)²."""
    if X.dim() != 2 or tuple(t.shape) != (X.shape[0],) or tuple(w.shape) != (X.shape[1],):
        raise ValueError("mse_loss: X (N, D), t (N,) and w (D,) do not fit")
    if isinstance(b, torch.Tensor) and b.dim() != 0:
        raise ValueError("mse_loss: b must be 0-d")
    residual = X @ w + b - t
    return (residual * residual).mean() / 2
