"""BUG: silu as x / (1 + exp(-x)): NaN gradient at x = -1e4

The value is finite (-1e4 / inf = -0), but the gradient contains 0 * exp(1e4) = 0 * inf = NaN: silu
needs the stable logistic.
"""

import torch

PATCHES = "activations"


def silu(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid-weighted linear unit SiLU(x) = x · σ(x) (also called swish).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; finite gradients at ±1e4.
    """
    return x / (1 + torch.exp(-x))
