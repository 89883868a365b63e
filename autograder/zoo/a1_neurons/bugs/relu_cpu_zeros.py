"""BUG: relu via torch.maximum(x, torch.zeros(x.shape)): the zeros live on the CPU

torch.zeros(x.shape, dtype=x.dtype) is created on the default device (CPU) whatever x's device is:
correct on CPU, but a CUDA (or meta) input fails with a device mismatch. Use torch.zeros_like(x).
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
    return torch.maximum(x, torch.zeros(x.shape, dtype=x.dtype))
