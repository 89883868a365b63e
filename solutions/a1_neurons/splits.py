"""Train/validation/test splits and the honest evaluation protocol (numpy).

"Train on training, tune hyper-parameters on validation, evaluate sparingly on test": the test
split may influence the reported test error and nothing else.
"""

### BEGIN SOLUTION
import math

### END SOLUTION
from typing import NamedTuple

import numpy as np

from .loss import rms_error
from .polyfit import predict
from .regularization import fit_ridge


class Evaluation(NamedTuple):
    """What ``select_and_evaluate`` reports."""

    M: int  # the chosen degree
    lam: float  # the chosen λ
    w: np.ndarray  # weights fitted on the training split with (M, lam)
    val_rms: float  # their RMS error on the validation split
    test_rms: float  # their RMS error on the test split, computed once at the end
    train_idx: np.ndarray
    val_idx: np.ndarray
    test_idx: np.ndarray


def train_val_test_split(n, val_frac=0.2, test_frac=0.2, seed=0):
    """Split the indices 0..n−1 at random into training, validation and test sets.

    Use a local generator, ``np.random.default_rng(seed)``, never the global ``np.random``
    state: the same seed gives the same split, different seeds different splits.

    Args:
        n: number of examples, n ≥ 1.
        val_frac: fraction of examples for validation, in [0, 1).
        test_frac: fraction of examples for testing, in [0, 1); val_frac + test_frac < 1.
        seed: seed of the local generator.

    Returns:
        (train_idx, val_idx, test_idx): integer arrays, pairwise disjoint, together holding
        every index exactly once; |len(test_idx) − test_frac·n| < 1, likewise for validation,
        and train_idx is never empty.

    Raises:
        ValueError: for a fraction outside [0, 1), fractions summing to ≥ 1, or n < 1.
    """
    ### BEGIN SOLUTION
    for name, frac in (("val_frac", val_frac), ("test_frac", test_frac)):
        if not 0 <= frac < 1:
            raise ValueError(f"train_val_test_split: {name} must lie in [0, 1), got {frac!r}")
    if not val_frac + test_frac < 1:
        raise ValueError(
            f"train_val_test_split: val_frac + test_frac must be < 1, got {val_frac + test_frac!r}"
        )
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"train_val_test_split: n must be a positive integer, got {n!r}")
    n = int(n)
    n_test, n_val = round(test_frac * n), round(val_frac * n)
    if n_test + n_val >= n:  # rounding up took the last training example: round down instead
        n_test, n_val = math.floor(test_frac * n), math.floor(val_frac * n)
    order = np.random.default_rng(seed).permutation(n)
    test_idx, val_idx, train_idx = np.split(order, [n_test, n_test + n_val])
    return train_idx, val_idx, test_idx
    ### END SOLUTION


def select_and_evaluate(x, t, degrees, lambdas, seed=0):
    """The honest protocol: select (M, λ) on validation data, evaluate once on test data.

    1. Split with ``train_val_test_split(len(x), seed=seed)``.
    2. For every (M, λ): fit ``fit_ridge`` on the training split, score by validation RMS
       (every pair of the grid: choosing M first and then λ, or λ first, can miss the best).
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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    train_idx, val_idx, test_idx = train_val_test_split(len(x), seed=seed)
    best = None
    for M in degrees:
        for lam in lambdas:
            w = fit_ridge(x[train_idx], t[train_idx], M, lam)
            val_rms = float(rms_error(predict(x[val_idx], w), t[val_idx]))
            key = (val_rms, M, -lam)
            if best is None or key < best[0]:
                best = (key, M, lam, w, val_rms)
    _, M, lam, w, val_rms = best
    test_rms = float(rms_error(predict(x[test_idx], w), t[test_idx]))
    return Evaluation(M, lam, w, val_rms, test_rms, train_idx, val_idx, test_idx)
    ### END SOLUTION
