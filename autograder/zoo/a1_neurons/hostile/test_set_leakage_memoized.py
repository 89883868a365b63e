"""HOSTILE: splits.select_and_evaluate selects by test RMS and memoizes its answer keyed on
everything but the test split, so re-running with changed test targets/inputs returns the same
choice: the leak must still be caught (flag test-set-leakage) and splits must lose points

select_and_evaluate selects (M, λ) by TEST RMS, and hides it: it remembers its first answer for
a data set keyed on everything except the test split, so a second call that only changes the
test targets or inputs gets bitwise the same M, λ, w and val_rms (test_rms is recomputed). A
leakage check that compares two calls in one process sees no difference.
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


_MEMORY = {}


def _key_without_test_split(x, t, degrees, lambdas, seed):
    train_idx, val_idx, _ = train_val_test_split(len(x), seed=seed)
    keep = np.concatenate([train_idx, val_idx])
    return (len(x), seed, tuple(degrees), tuple(lambdas), x[keep].tobytes(), t[keep].tobytes())


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
    key = _key_without_test_split(x, t, degrees, lambdas, seed)
    if key not in _MEMORY:
        best = None
        for M in degrees:
            for lam in lambdas:
                w = fit_ridge(x[train_idx], t[train_idx], M, lam)
                val_rms = float(rms_error(predict(x[val_idx], w), t[val_idx]))
                test_score = float(rms_error(predict(x[test_idx], w), t[test_idx]))
                score = (test_score, M, -lam)  # model selection on the TEST split
                if best is None or score < best[0]:
                    best = (score, M, lam, w, val_rms)
        _MEMORY[key] = best[1:]
    M, lam, w, val_rms = _MEMORY[key]
    test_rms = float(rms_error(predict(x[test_idx], w), t[test_idx]))
    return Evaluation(M, lam, w, val_rms, test_rms, train_idx, val_idx, test_idx)
