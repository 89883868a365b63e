"""ALT: loss functions written once for numpy and torch with operators only (**, .sum())

residual ** 2 and .sum() behave the same for arrays and tensors, and ** 0.5 is the square root for
both; no isinstance branches.
"""

# ruff: noqa: F821 (from the reference loss.py: _check_same_shape)

import numpy as np

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
    return ((y - t) ** 2).sum() / 2


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
    return (2 * sum_of_squares_error(y, t) / n) ** 0.5


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
    return sum_of_squares_error(y, t) + lam / 2 * (w**2).sum()
