"""BUG: sum_of_squares_error returns 0 for empty y before comparing the shapes

"An empty sum is 0" is handled first, as a special case; y of shape (0,) against t of shape
(0, 1) (or (1,), which broadcasts to (0,)) is then accepted instead of raising ValueError.
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
    if (y.size if isinstance(y, np.ndarray) else y.numel()) == 0:
        return 0.5 * (y * y).sum()  # nothing to sum: E = 0
    _check_same_shape(y, t, "sum_of_squares_error")
    residual = y - t
    if isinstance(residual, torch.Tensor):
        return 0.5 * (residual * residual).sum()
    return 0.5 * np.sum(residual * residual)
