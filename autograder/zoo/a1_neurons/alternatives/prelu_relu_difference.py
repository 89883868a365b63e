"""ALT: prelu as relu(x) - a * relu(-x), with the module's own relu

For x >= 0 the second term vanishes, for x < 0 the first; a broadcasts along the last dimension and
receives the gradient -relu(-x).
"""

# ruff: noqa: F821 (from the reference activations.py: relu)

import torch

PATCHES = "activations"


def prelu(x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Parametric ReLU: x for x ≥ 0, a · x for x < 0, with a learnable slope ``a``.

    Args:
        x: floating-point tensor, any shape, any device.
        a: tensor of x's dtype and device: 0-d (one slope for everything), or, for x with at
            least one dimension, shape (1,) or (D,) where D = x.shape[-1] (one slope per
            feature, broadcast along the last dimension).

    Returns:
        Tensor of x's shape, dtype and device; autograd gradients reach both x and a.
    """
    return relu(x) - a * relu(-x)
