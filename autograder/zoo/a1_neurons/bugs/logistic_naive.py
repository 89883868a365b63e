"""BUG: logistic by the naive 1/(1+exp(-x)) in x's own dtype: exp(-x) overflows for x << 0

The values stay finite (1/(1+inf) = 0), but autograd multiplies 0 by exp(-x) = inf: the gradient is
NaN at x = -1e4 in float32/float64, and already at x < -11 in float16, where exp overflows beyond
65504.
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
    return 1 / (1 + torch.exp(-x))
