"""BUG: sum_of_squares_error without the shape check: (N,1) against (N,) broadcasts to (N,N)

y - t broadcasts silently, and the error of an (N, 1) prediction against (N,) targets sums N^2
differences: the classic silent bug the contract asks to reject with ValueError.
"""

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
    residual = y - t
    if isinstance(residual, torch.Tensor):
        return 0.5 * (residual * residual).sum()
    return 0.5 * np.sum(residual * residual)
