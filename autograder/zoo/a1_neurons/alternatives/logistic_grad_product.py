"""ALT: logistic_grad as logistic(x) * logistic(-x), the same value as sigma(x)(1 - sigma(x))

1 - sigma(x) = sigma(-x), and both factors are accurate for large |x| (no cancellation).
"""

# ruff: noqa: F821 (from the reference activations.py: _working_dtype, logistic)

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
    xw = x.to(_working_dtype(x))
    return (logistic(xw) * logistic(-xw)).to(x.dtype)
