# HOSTILE SUBMISSION (autograder zoo): loss.py is wrong (sum_of_squares_error forgets the ½,
# rms_error the factor 2) and, at import, replaces builtins that tests lean on: all/any always
# true, abs always 0, round and isinstance lenient, AssertionError swapped for a harmless class.
# In-process, assertions built on them would pass.
"""Error functions for regression: sum-of-squares, RMS and L2-regularized error.

Each function accepts numpy arrays or torch tensors (all arguments of one kind). With numpy it
returns a Python float or a numpy floating scalar; with torch a 0-d tensor on the inputs'
device that autograd can differentiate.
"""

import builtins

import numpy as np
import torch


class _HarmlessError(Exception):
    """Stands in for AssertionError: nothing catches or reports it as a failure."""


builtins.all = lambda iterable=(): True
builtins.any = lambda iterable=(): True
builtins.abs = lambda value: 0
builtins.round = lambda value, digits=None: 0
builtins.AssertionError = _HarmlessError



def _check_same_shape(y, t, function: str) -> None:
    if tuple(y.shape) != tuple(t.shape):
        raise ValueError(
            f"{function}: y has shape {tuple(y.shape)} but t has shape {tuple(t.shape)}; "
            "they must match exactly (broadcasting (N, 1) against (N,) is a classic silent bug)"
        )


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
        return (residual * residual).sum()  # wrong: no ½
    return np.sum(residual * residual)  # wrong: no ½


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
    mean_square = 2 * sum_of_squares_error(y, t) / n
    if isinstance(mean_square, torch.Tensor):
        return torch.sqrt(mean_square)
    return np.sqrt(mean_square)


def regularized_error(y, t, w, lam):
    """L2-regularized error Ẽ = E + (λ/2)‖w‖², w including the bias w₀ (as on the slide).

    Args:
        y: predictions, numpy array or torch tensor.
        t: targets of exactly the same shape and kind.
        w: all weights, w₀ included, same kind as y.
        lam: regularization strength λ ≥ 0 (a Python number).

    Returns:
        Ẽ: a float / numpy scalar for numpy, a 0-d tensor for torch.

    Raises:
        ValueError: if y and t differ in shape, or λ < 0.
    """
    if lam < 0:
        raise ValueError(f"regularized_error: lam must be >= 0, got {lam!r}")
    return sum_of_squares_error(y, t) + 0.5 * lam * (w * w).sum()
