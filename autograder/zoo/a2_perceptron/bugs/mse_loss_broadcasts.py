"""BUG: mse_loss checks no shapes: a t of shape (N, 1) broadcasts the residual to (N, N)

X @ w + b has shape (N,); minus a column t of shape (N, 1) it becomes an (N, N) matrix of every
prediction minus every target, and its mean is a wrong number without any error. N = 0 gives
NaN instead of a ValueError.
"""

import torch

PATCHES = "descent"


def mse_loss(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """E = 1/(2N) Σ (w·x + b - t)² (no shape checks)."""
    residual = X @ w + b - t
    return (residual * residual).mean() / 2
