"""ALT: relu via torch.maximum(x, torch.zeros_like(x)) (maximum propagates NaN)

zeros_like keeps x's dtype and device; torch.maximum returns NaN if either side is NaN.
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
    return torch.maximum(x, torch.zeros_like(x))
