"""BUG: step hands an empty input back as it is (nothing to threshold for no elements)

An early return for the edge: with no elements there is nothing to compute, so x itself goes
back. The result is then the caller's tensor, not the new tensor the handout asks for at every
size; step is right on every non-empty input.
"""

import torch

PATCHES = "perceptron"


def step(x: torch.Tensor) -> torch.Tensor:
    """The perceptron's threshold unit: step(x) = 1 for x ≥ 0, 0 for x < 0.

    step(0) = 1, and step(−0.0) = 1 as well (−0.0 ≥ 0 is true); step(+inf) = 1,
    step(−inf) = 0. NaN is not ≥ 0 and not < 0: step(NaN) = NaN.

    Args:
        x: floating-point tensor of any shape (0-d and empty included), any device.

    Returns:
        A new tensor of x's shape, dtype and device with values in {0, 1} (NaN where x is NaN).
    """
    if x.numel() == 0:
        return x
    return torch.where(torch.isnan(x), x, (x >= 0).to(x.dtype))
