"""BUG: tanh by the textbook (e^x - e^-x)/(e^x + e^-x): inf/inf = NaN at |x| = 1e4

exp(1e4) = inf, so numerator and denominator are both inf (or -inf) and tanh(+-1e4) is NaN instead
of +-1; in float16 this already happens for |x| > 11.
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
    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))
