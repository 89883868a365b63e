"""BUG: select_and_evaluate picks M with select_degree (at lambda = 0), then lambda for that M

A coordinate search that reuses the two selection functions written before: the degree is chosen
without regularization, and λ only for that degree. Where the best λ depends on M, the best pair of
the grid is missed.
"""

# ruff: noqa: F821 (from the reference splits.py: Evaluation, train_val_test_split)

import numpy as np

from .loss import rms_error
from .polyfit import predict, select_degree
from .regularization import fit_ridge, select_lambda

PATCHES = "splits"


def select_and_evaluate(x, t, degrees, lambdas, seed=0):
    """The honest protocol: select (M, λ) on validation data, evaluate once on test data.

    1. Split with ``train_val_test_split(len(x), seed=seed)``.
    2. For every (M, λ): fit ``fit_ridge`` on the training split, score by validation RMS.
    3. Choose the best pair (ties: smaller M, then larger λ); its training-split fit is the
       final model (do not refit on training + validation).
    4. Evaluate that model once on the test split.

    Args:
        x: 1-D array of inputs.
        t: 1-D array of targets.
        degrees: candidate degrees M.
        lambdas: candidate λ ≥ 0.
        seed: seed for the split.

    Returns:
        An ``Evaluation``.
    """
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    train_idx, val_idx, test_idx = train_val_test_split(len(x), seed=seed)
    data = (x[train_idx], t[train_idx], x[val_idx], t[val_idx])
    M = select_degree(*data, degrees)
    lam = select_lambda(*data, M, lambdas)
    w = fit_ridge(x[train_idx], t[train_idx], M, lam)
    val_rms = float(rms_error(predict(x[val_idx], w), t[val_idx]))
    test_rms = float(rms_error(predict(x[test_idx], w), t[test_idx]))
    return Evaluation(M, lam, w, val_rms, test_rms, train_idx, val_idx, test_idx)
