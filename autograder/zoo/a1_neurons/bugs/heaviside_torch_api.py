"""BUG: heaviside via torch.heaviside (a forbidden torch API)

The values are right (with values=1 at 0), but the assignment forbids calling torch's own
implementation of the function being written; the grader's guard raises ForbiddenAPIError.
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
    return torch.heaviside(x, torch.ones_like(x))
