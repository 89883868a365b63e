"""BUG: prelu detaches the slope a: no gradient reaches a

a.detach() keeps the values right but cuts a out of the autograd graph, so a learnable slope never
learns (its gradient is None).
"""

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
    return torch.where(x < 0, a.detach() * x, x)
