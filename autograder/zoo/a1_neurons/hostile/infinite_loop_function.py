"""HOSTILE: activations.tanh loops forever: its calls time out (flag timeout), it is not called
again after two time-outs, and every other module keeps full points

tanh never returns (a 'refinement' loop whose stopping test can never succeed). The call must
time out, tanh must not be called again after two time-outs, and every other function must be
graded as usual.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["timeout"],
    "lost_modules": ["activations"],
    "full_modules": ["neuron", "loss", "polyfit", "regularization", "splits"],
}


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), without NaN at ±1e4.

    The textbook formula gives inf/inf = NaN for large |x|. tanh(x) = 2σ(2x) − 1 works; a
    more accurate form near 0 uses expm1: tanh(|x|) = −m / (2 + m) with m = expm1(−2|x|).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [−1, 1].
    """
    y = torch.zeros_like(x)
    while True:  # "refine until converged": the residual is never negative
        residual = (y - y).abs().sum()
        if residual < 0:
            return y
