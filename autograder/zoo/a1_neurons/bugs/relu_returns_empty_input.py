"""BUG: relu hands an empty input back as it is (nothing to compute for no elements)

A shortcut for the edge: with no elements there is nothing to clamp, so the input itself goes
back. The result is then the caller's own tensor, not a new one, which the contract requires
at every size; on every non-empty input the function is right.
"""

import torch

PATCHES = "activations"


def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectified linear unit ReLU(x) = max(0, x). NaN input gives NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device.

    Autograd's derivative at exactly 0 is 0, as ``relu_grad`` and the lecture have it (the
    contract does not grade it: ``x.clamp(min=0)`` gives 1 there and is just as right).
    """
    if x.numel() == 0:
        return x
    return torch.where((x > 0) | x.isnan(), x, torch.zeros_like(x))
