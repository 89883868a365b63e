"""BUG: logistic_grad by the stable e^(-|x|) / (1 + e^(-|x|))^2, computed in x's own dtype

The formula is the reference's and right in float32 and float64, but half precision is never
widened to float32: in float16 the exponential, the sum, the square and the quotient are each
rounded to float16, and the result is off by up to two ulps (more than the contract's float16
tolerance) for about 0.6 % of the float16 values, most with |x| between about 0.5 and 3.7. In
bfloat16 the same rounding stays within bfloat16's wider tolerance.
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
    e = torch.exp(-x.abs())
    return e / (1 + e) ** 2
