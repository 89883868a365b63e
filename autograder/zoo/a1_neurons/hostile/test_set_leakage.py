"""HOSTILE: splits.select_and_evaluate selects (M, λ) by test RMS instead of validation RMS:
flagged test-set-leakage, splits loses points, the other modules keep full points

select_and_evaluate chooses (M, λ) by the TEST split's RMS: the classic leak of the lecture. The
grader's leakage checks must catch it and flag test-set-leakage.
"""

import numpy as np

from .loss import rms_error
from .polyfit import predict
from .regularization import fit_ridge

PATCHES = "splits"
EXPECT = {
    "base": "reference",
    "flags": ["test-set-leakage"],
    "lost_modules": ["splits"],
    "full_modules": ["activations", "neuron", "loss", "polyfit", "regularization"],
}


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
    best = None
    for M in degrees:
        for lam in lambdas:
            w = fit_ridge(x[train_idx], t[train_idx], M, lam)
            val_rms = float(rms_error(predict(x[val_idx], w), t[val_idx]))
            test_score = float(rms_error(predict(x[test_idx], w), t[test_idx]))
            key = (test_score, M, -lam)  # model selection on the test set
            if best is None or key < best[0]:
                best = (key, M, lam, w, val_rms)
    _, M, lam, w, val_rms = best
    test_rms = float(rms_error(predict(x[test_idx], w), t[test_idx]))
    return Evaluation(M, lam, w, val_rms, test_rms, train_idx, val_idx, test_idx)
