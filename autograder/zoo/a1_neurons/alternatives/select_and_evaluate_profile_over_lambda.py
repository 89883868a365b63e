"""ALT: select_and_evaluate chooses the best lambda per degree (select_lambda), then the best degree

A joint search written as a profile: min over M of (min over λ) is the minimum over the grid, and
select_lambda's ties (the larger λ) followed by the smaller M among equal scores are the contract's.
"""

# ruff: noqa: F821 (from the reference splits.py: Evaluation, train_val_test_split)

import numpy as np

from .loss import rms_error
from .polyfit import predict
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
    x_train, t_train, x_val, t_val = x[train_idx], t[train_idx], x[val_idx], t[val_idx]
    profile = []
    for M in degrees:
        lam = select_lambda(x_train, t_train, x_val, t_val, M, lambdas)
        w = fit_ridge(x_train, t_train, M, lam)
        profile.append((float(rms_error(predict(x_val, w), t_val)), M, lam, w))
    val_rms, M, lam, w = min(profile, key=lambda entry: entry[:2])
    test_rms = float(rms_error(predict(x[test_idx], w), t[test_idx]))
    return Evaluation(M, lam, w, val_rms, test_rms, train_idx, val_idx, test_idx)
