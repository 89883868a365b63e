"""ALT: leaky_relu by boolean-mask indexing on a copy (Chainer's way): no loop, no value read

Chainer's LeakyReLU forward copies x and scales the entries where x < 0 through a boolean
mask. Data-dependent indexing has no plain kernel on torch's meta device (and a 0-d mask is
read inside torch's indexing), but it reads no value into Python: the suite's checks allow it.
"""

import torch

PATCHES = "activations"


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU: x for x ≥ 0, negative_slope · x for x < 0.

    Args:
        x: floating-point tensor, any shape, any device.
        negative_slope: the slope for negative inputs (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.
    """
    y = x.clone()
    negative = x < 0
    y[negative] = x[negative] * negative_slope
    return y
