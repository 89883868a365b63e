"""Error functions for regression: sum-of-squares, RMS and L2-regularized error.

Each function accepts numpy arrays or torch tensors (all arguments of one kind). With numpy it
returns a Python float or a numpy floating scalar; with torch a 0-d tensor on the inputs'
device that autograd can differentiate.
"""

import numpy as np
import torch


def sum_of_squares_error(y, t):
    """Sum-of-squares error E = ½ Σₙ (yₙ − tₙ)².

    Args:
        y: predictions, numpy array or torch tensor, any shape.
        t: targets of exactly the same shape and kind (never broadcast).

    Returns:
        E (0 for empty inputs): a float / numpy scalar for numpy, a 0-d tensor for torch.

    Raises:
        ValueError: if y and t differ in shape (empty ones too: (0,) against (0, 1)).
    """
    raise NotImplementedError("loss.sum_of_squares_error is not implemented yet")


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
    raise NotImplementedError("loss.rms_error is not implemented yet")


def regularized_error(y, t, w, lam):
    """L2-regularized error Ẽ = E + (λ/2)‖w‖², w including the bias w₀ (as on the slide).

    Args:
        y: predictions, numpy array or torch tensor.
        t: targets of exactly the same shape and kind.
        w: all weights, w₀ included, same kind as y.
        lam: regularization strength λ ≥ 0 (a Python int or float, or a numpy float).

    Returns:
        Ẽ: a float / numpy scalar for numpy, a 0-d tensor for torch.

    Raises:
        ValueError: if y and t differ in shape, or λ < 0.
    """
    raise NotImplementedError("loss.regularized_error is not implemented yet")
