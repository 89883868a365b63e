"""BUG: tanh by the stable expm1 formula, computed in x's own dtype (float16 never widened)

The formula is the reference's, stable and exact enough in float32 and float64, but the student
skipped the handout's "compute half precision in float32": in float16 each of expm1, the sum, the
quotient and the sign flip is rounded to float16, and the result is off by up to two ulps (more
than the contract's float16 tolerance) for about 0.4 % of the float16 values, all with |x| between
about 0.35 and 1.95. In bfloat16 the same rounding stays within bfloat16's wider tolerance.
"""

import torch

PATCHES = "activations"


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), without NaN at ±1e4.

    The textbook formula gives inf/inf = NaN for large |x|. tanh(x) = 2σ(2x) − 1 works; a
    more accurate form near 0 uses expm1: tanh(|x|) = −m / (2 + m) with m = expm1(−2|x|).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [−1, 1].
    """
    negative = x < 0
    m = torch.expm1(2 * torch.where(negative, x, -x))  # expm1(−2|x|), in (−1, 0]
    t = -m / (2 + m)  # tanh(|x|)
    return torch.where(negative, -t, t)
