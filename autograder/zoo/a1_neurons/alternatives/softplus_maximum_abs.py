"""ALT: softplus via max(z, 0) + log1p(exp(-|z|)) with torch.maximum and abs()

z = beta x; torch.maximum splits the gradient 1/2-1/2 at z = 0, so autograd still gives softplus'(0)
= 1/2 although abs() has gradient 0 there.
"""

# ruff: noqa: F821 (from the reference activations.py: _working_dtype)

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
    z = beta * x.to(_working_dtype(x))
    y = torch.maximum(z, torch.zeros_like(z)) + torch.log1p(torch.exp(-z.abs()))
    return (y / beta).to(x.dtype)
