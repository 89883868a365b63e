"""ALT: step as (x >= 0) in x's dtype, then NaN written back through a boolean mask

The handout's own hint, finished the obvious way: (x >= 0).to(x.dtype) turns NaN into 0, so
the NaN entries are put back with y[torch.isnan(x)] = nan. Boolean-mask indexing is vectorised
and reads no value into Python; torch's meta device has no plain kernel for it (a data-dependent
shape, and a 0-d mask read inside indexing), which the suite's meta check allows for.
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
    y = (x >= 0).to(x.dtype)
    y[torch.isnan(x)] = float("nan")
    return y
