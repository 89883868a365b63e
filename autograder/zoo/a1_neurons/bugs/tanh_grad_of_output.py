"""BUG: tanh_grad as 1 - x**2: the formula 1 - y^2 applied to the input x, not to tanh(x)

tanh'(x) = 1 - tanh(x)^2; dropping the tanh gives 1 - x^2, wrong (even negative) for |x| > 1.
"""

import torch

PATCHES = "activations"


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of tanh, tanh'(x) = 1 − tanh²(x), by the explicit formula.

    1 − tanh²(x) = 4e / (1 + e)² with e = e^(−2|x|) is the same value and stays accurate for
    large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1].
    """
    return 1 - x**2
