"""Error functions for regression: sum-of-squares, RMS and L2-regularized error.

Each function accepts numpy arrays or torch tensors (all arguments of one kind). With numpy it
returns a Python float or a numpy floating scalar; with torch a 0-d tensor on the inputs'
device that autograd can differentiate.
"""

import numpy as np
import torch


### BEGIN SOLUTION
def _check_same_shape(y, t, function: str) -> None:
    if tuple(y.shape) != tuple(t.shape):
        raise ValueError(
            f"{function}: y has shape {tuple(y.shape)} but t has shape {tuple(t.shape)}; "
            "they must match exactly (broadcasting (N, 1) against (N,) is a classic silent bug)"
        )


### END SOLUTION
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
    ### BEGIN SOLUTION
    _check_same_shape(y, t, "sum_of_squares_error")
    residual = y - t
    if isinstance(residual, torch.Tensor):
        return 0.5 * (residual * residual).sum()
    return 0.5 * np.sum(residual * residual)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    _check_same_shape(y, t, "rms_error")
    n = int(np.prod(tuple(y.shape)))
    if n == 0:
        raise ValueError("rms_error: the RMS error of zero elements is undefined")
    mean_square = 2 * sum_of_squares_error(y, t) / n
    if isinstance(mean_square, torch.Tensor):
        return torch.sqrt(mean_square)
    return np.sqrt(mean_square)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    if lam < 0:
        raise ValueError(f"regularized_error: lam must be >= 0, got {lam!r}")
    return sum_of_squares_error(y, t) + 0.5 * lam * (w * w).sum()
    ### END SOLUTION
