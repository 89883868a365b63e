"""BUG: silu computed in place with x.mul_(logistic(x)): overwrites the caller's input

The returned values are right, but x itself is modified (and for a leaf that requires grad, the in-
place operation raises a RuntimeError).
"""

# ruff: noqa: F821 (from the reference activations.py: logistic)

import torch

PATCHES = "activations"


def silu(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid-weighted linear unit SiLU(x) = x · σ(x) (also called swish).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; finite gradients at ±1e4.
    """
    return x.mul_(logistic(x))
