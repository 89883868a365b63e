"""BUG: select_lambda breaks ties towards the smallest lam (first minimum of sorted candidates)

With exactly equal validation RMS the contract wants the largest lambda (the simpler model); taking
the first minimum over the candidates sorted ascending picks the smallest.
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
    t_val = np.asarray(t_val, dtype=np.float64)
    candidates = sorted(lambdas)
    scores = [
        rms_error(predict(x_val, fit_ridge(x_train, t_train, M, lam)), t_val)
        for lam in candidates
    ]
    return candidates[int(np.argmin(scores))]
