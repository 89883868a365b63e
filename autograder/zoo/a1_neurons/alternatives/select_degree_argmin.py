"""ALT: select_degree via np.argmin over the degrees sorted ascending

np.argmin returns the first minimum, and with the degrees in increasing order the first is the
smallest M: the tie rule without a tuple trick.
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
    candidates = sorted(degrees)
    scores = [
        rms_error(predict(x_val, fit_polynomial(x_train, t_train, M)), t_val)
        for M in candidates
    ]
    return candidates[int(np.argmin(scores))]
