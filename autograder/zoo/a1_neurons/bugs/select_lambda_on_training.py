"""BUG: select_lambda scores each lam by its training RMS: always picks the smallest lam

The training error grows with lambda, so scoring on the training data always chooses the least
regularisation; the validation data are ignored.
"""

# ruff: noqa: F821 (from the reference regularization.py: fit_ridge)

import numpy as np

from .loss import rms_error
from .polyfit import predict

PATCHES = "regularization"


def select_lambda(x_train, t_train, x_val, t_val, M, lambdas):
    """Choose λ by validation error.

    Fit ``fit_ridge`` on the training data for each λ and return the λ with the smallest
    validation RMS (ties: the largest λ, the simpler model).

    Args:
        x_train, t_train: 1-D training inputs and targets.
        x_val, t_val: 1-D validation inputs and targets.
        M: the degree.
        lambdas: iterable of candidate λ ≥ 0.

    Returns:
        The chosen λ, one of ``lambdas``.
    """
    t_train = np.asarray(t_train, dtype=np.float64)
    scored = [
        (rms_error(predict(x_train, fit_ridge(x_train, t_train, M, lam)), t_train), -lam,
         lam)
        for lam in lambdas
    ]
    return min(scored)[2]
