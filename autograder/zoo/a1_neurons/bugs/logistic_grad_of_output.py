"""BUG: logistic_grad as x * (1 - x): the formula y(1 - y) applied to the input x, not to sigma(x)

sigma'(x) = sigma(x)(1 - sigma(x)) is written in terms of the output y = sigma(x); plugging in x
itself gives a parabola, wrong everywhere except by accident.
"""

import torch

PATCHES = "activations"


def logistic_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of the logistic function, σ'(x) = σ(x)(1 − σ(x)), by the explicit formula.

    Do not use autograd here. σ(x)(1 − σ(x)) = e^(−|x|) / (1 + e^(−|x|))² is the same value
    and stays accurate for large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1/4].
    """
    return x * (1 - x)
