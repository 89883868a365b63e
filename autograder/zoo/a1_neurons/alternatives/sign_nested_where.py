"""ALT: sign via two nested torch.where calls

+1 where x > 0, else -1 where x < 0, else 0.
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
    one = torch.ones_like(x)
    return torch.where(x > 0, one, torch.where(x < 0, -one, torch.zeros_like(x)))
