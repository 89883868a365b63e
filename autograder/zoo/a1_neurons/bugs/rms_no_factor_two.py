"""BUG: rms_error as sqrt(E / N) instead of sqrt(2E / N)

The factor 2 cancels the 1/2 in E; without it E_RMS is too small by a factor sqrt(2).
"""

# ruff: noqa: F821 (from the reference loss.py: _check_same_shape, sum_of_squares_error)

import numpy as np
import torch

PATCHES = "loss"


def rms_error(y, t):
    """Root-mean-square error E_RMS = sqrt(2E / N), N the number of elements.

    Dividing by N makes data sets of different sizes comparable; the square root puts the
    error on the scale of t.

    Args:
        y: predictions, numpy array or torch tensor, any non-empty shape.
        t: targets of exactly the same shape and kind.

    Returns:
        E_RMS: a float / numpy scalar for numpy, a 0-d tensor for torch.

    Raises:
        ValueError: if y and t differ in shape, or are empty.
    """
    _check_same_shape(y, t, "rms_error")
    n = int(np.prod(tuple(y.shape)))
    if n == 0:
        raise ValueError("rms_error: the RMS error of zero elements is undefined")
    mean_square = sum_of_squares_error(y, t) / n
    if isinstance(mean_square, torch.Tensor):
        return torch.sqrt(mean_square)
    return np.sqrt(mean_square)
