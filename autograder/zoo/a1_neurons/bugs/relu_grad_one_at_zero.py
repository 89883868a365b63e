"""BUG: relu_grad via (x >= 0): gives 1 at x = 0, the lecture's choice is 0

The contract fixes relu'(0) = 0 ('use 0 at x = 0'); x >= 0 gives 1 there.
"""

import torch

PATCHES = "activations"


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (the lecture's choice at x = 0).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    return (x >= 0).to(x.dtype)
