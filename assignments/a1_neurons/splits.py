"""Train/validation/test splits and the honest evaluation protocol (numpy).

"Train on training, tune hyper-parameters on validation, evaluate sparingly on test": the test
split may influence the reported test error and nothing else.
"""

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
    raise NotImplementedError("splits.train_val_test_split is not implemented yet")


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
    raise NotImplementedError("splits.select_and_evaluate is not implemented yet")
