"""BUG: sign by a Python loop over the elements with .item()

Element by element with .item() and a new tensor from a list: slow, synchronising on a GPU, and
explicitly forbidden (no Python loops over elements, no .item()); the grader's guard raises
ForbiddenAPIError at the first .item().
"""

import torch

PATCHES = "activations"


def sign(x: torch.Tensor) -> torch.Tensor:
    """Sign function: −1 for x < 0, 0 for x = 0, +1 for x > 0.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {−1, 0, +1}.
    """
    values = []
    for value in x.reshape(-1):
        v = value.item()
        values.append(1.0 if v > 0 else -1.0 if v < 0 else 0.0)
    return torch.tensor(values, dtype=x.dtype, device=x.device).reshape(x.shape)
