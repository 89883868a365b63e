"""BUG: logistic as exp(x)/(1+exp(x)) in x's own dtype: inf/inf = NaN for large positive x

e^x overflows to inf for x > 88.7 in float32 (x > 11.1 in float16), and inf/inf is NaN:
logistic(1000) is NaN instead of 1.
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
    e = torch.exp(x)
    return e / (1 + e)
