"""BUG: heaviside via (x > 0): gives 0 at x = 0 instead of the lecture's 1

The contract (and the slide) say H(0) = 1, also H(-0.0) = 1; x > 0 is False at 0.
"""

import torch

PATCHES = "activations"


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step function as on the lecture slide: H(x) = 1 for x ≥ 0, 0 for x < 0.

    Note H(0) = 1, and also H(−0.0) = 1 (−0.0 ≥ 0 is true).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    return (x > 0).to(x.dtype)
