"""BUG: sum_of_squares_error returns a Python float for torch input (not a differentiable tensor)

float(...) turns the 0-d tensor into a number: the value is right, but the torch version must return
a 0-d tensor that autograd can differentiate.
"""

# ruff: noqa: F821 (from the reference loss.py: _check_same_shape)

import numpy as np
import torch

PATCHES = "loss"


def sum_of_squares_error(y, t):
    """Sum-of-squares error E = ½ Σₙ (yₙ − tₙ)².

    Args:
        y: predictions, numpy array or torch tensor, any shape.
        t: targets of exactly the same shape and kind (never broadcast).

    Returns:
        E (0 for empty inputs): a float / numpy scalar for numpy, a 0-d tensor for torch.

    Raises:
        ValueError: if y and t differ in shape.
    """
    _check_same_shape(y, t, "sum_of_squares_error")
    residual = y - t
    if isinstance(residual, torch.Tensor):
        return float(0.5 * (residual * residual).sum())
    return 0.5 * np.sum(residual * residual)
