"""BUG: sum_of_squares_error forgets the factor 1/2: returns sum (y - t)^2

E = 1/2 sum (y_n - t_n)^2 on the slide; without the 1/2 E is twice too large (and so is every RMS
and regularized error built on it).
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
        return (residual * residual).sum()
    return np.sum(residual * residual)
