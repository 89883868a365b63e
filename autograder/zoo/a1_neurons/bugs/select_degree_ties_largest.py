"""BUG: select_degree breaks ties towards the largest M (<= in the running minimum)

With exactly equal validation RMS the contract wants the smallest (simplest) M; the comparison rms
<= best keeps replacing the choice with later (larger) degrees.
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
    t_val = np.asarray(t_val, dtype=np.float64)
    best_M, best_rms = None, np.inf
    for M in sorted(degrees):
        rms = rms_error(predict(x_val, fit_polynomial(x_train, t_train, M)), t_val)
        if rms <= best_rms:
            best_M, best_rms = M, rms
    return best_M
