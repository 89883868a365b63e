"""BUG: sign via torch.sign (a forbidden torch API)

The values are right, but torch.sign is torch's own sign function, which activations.py may not
call; the grader's guard raises ForbiddenAPIError.
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
    return torch.sign(x)
