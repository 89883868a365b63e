"""BUG: leaky_relu ignores negative_slope and always uses 0.01

The default slope is hard-coded into the formula, so leaky_relu(x, negative_slope=0.2) returns the
same as leaky_relu(x).
"""

import torch

PATCHES = "activations"


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU: x for x ≥ 0, negative_slope · x for x < 0.

    Args:
        x: floating-point tensor, any shape, any device.
        negative_slope: the slope for negative inputs (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.
    """
    return torch.where(x < 0, 0.01 * x, x)
