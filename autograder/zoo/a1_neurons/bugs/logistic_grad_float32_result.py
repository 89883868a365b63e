"""BUG: logistic_grad returns float32 for float16/bfloat16 input (dtype not preserved)

It widens half precision to float32 for the computation, as allowed, but forgets to convert the
result back to x's dtype.
"""

# ruff: noqa: F821 (from the reference activations.py: _working_dtype)

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
    e = torch.exp(-xw.abs())
    return e / (1 + e) ** 2
