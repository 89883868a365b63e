"""BUG: relu via torch.where(x > 0, x, 0): NaN > 0 is False, so relu(NaN) = 0 instead of NaN

A continuous function must map NaN to NaN (the contract), but the comparison with NaN is False and
the NaN is replaced by 0, hiding the error upstream.
"""

import torch

PATCHES = "activations"


def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectified linear unit ReLU(x) = max(0, x). NaN input gives NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device.
    """
    return torch.where(x > 0, x, torch.zeros_like(x))
