"""ALT: logistic computed in float64 internally, then converted back to x's dtype

The stable two-branch formula with e^(-|x|) (|x| written with where so that the gradient at 0 is
right), evaluated in float64 for every input dtype.
"""

import torch

PATCHES = "activations"


def logistic(x: torch.Tensor) -> torch.Tensor:
    """Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), computed without overflow.

    The naive formula overflows for large negative x (e^(−x) = inf). Evaluate e^(−|x|) only,
    which lies in (0, 1]: σ(x) = 1 / (1 + e^(−x)) for x ≥ 0 and e^x / (1 + e^x) for x < 0.
    Make sure the branch that ``torch.where`` does *not* select cannot produce inf either: its
    gradient is multiplied by 0, and 0 · inf = NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; exactly 0.5 at x = 0, never NaN or inf for
        finite x, finite autograd gradients everywhere (also at ±1e4).
    """
    xd = x.double()
    negative = xd < 0
    e = torch.exp(torch.where(negative, xd, -xd))
    return torch.where(negative, e / (1 + e), 1 / (1 + e)).to(x.dtype)
