"""BUG: softplus as log(1 + exp(beta*x))/beta: exp overflows, softplus(1e4) = inf

The textbook formula without the max(z, 0) + log1p(exp(-|z|)) rewriting: exp(1e4) = inf, so
softplus(1e4) is inf instead of 1e4 (and the gradient is NaN there).
"""

import torch

PATCHES = "activations"


def softplus(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """SoftPlus(x) = (1/β) · log(1 + e^(βx)), a smooth ReLU.

    With z = βx: log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), which never overflows
    (softplus(1e4) = 1e4) and stays accurate for large negative z (log1p(e^z) ≈ e^z).

    Args:
        x: floating-point tensor, any shape, any device.
        beta: sharpness β > 0 (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.

    Raises:
        ValueError: if beta ≤ 0.
    """
    if not beta > 0:
        raise ValueError(f"softplus: beta must be > 0, got {beta!r}")
    return torch.log(1 + torch.exp(beta * x)) / beta
