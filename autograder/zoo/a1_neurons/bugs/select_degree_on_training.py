"""BUG: select_degree scores each degree by its training RMS instead of the validation RMS

Training error only decreases with M, so the largest degree always wins: over-fitting is rewarded
instead of detected. The validation data are ignored.
"""

# ruff: noqa: F821 (from the reference polyfit.py: fit_polynomial, predict)

import numpy as np

from .loss import rms_error

PATCHES = "polyfit"


def select_degree(x_train, t_train, x_val, t_val, degrees):
    """Choose the degree M by validation error.

    For each M in ``degrees``, fit on the training data only and compute the RMS error on the
    validation data; return the M with the smallest validation RMS (ties: the smallest M).

    Args:
        x_train, t_train: 1-D training inputs and targets.
        x_val, t_val: 1-D validation inputs and targets.
        degrees: iterable of candidate degrees.

    Returns:
        The chosen degree, one of ``degrees``.
    """
    t_train = np.asarray(t_train, dtype=np.float64)
    scored = [
        (rms_error(predict(x_train, fit_polynomial(x_train, t_train, M)), t_train), M)
        for M in degrees
    ]
    return min(scored)[1]
