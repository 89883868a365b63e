# HOSTILE SUBMISSION (autograder zoo): l2_penalty allocates memory 256 MiB at a time, up to 8 GiB,
# before it computes anything. The sandbox's memory limit (on the data segment: allocated, touched
# or not) must stop it without hurting the grader. Each block is written once only: writing more
# (with transparent huge pages, one write per 64 KiB faults in all of it) makes the entry time out
# first on a machine slow to fault memory in (a fresh VM takes ~9 s for 4 GiB), which measures
# that machine rather than the limit (memory_hog_per_call holds fully written memory).
"""L2 regularization (weight decay, ridge regression) against over-fitting (numpy)."""

import numpy as np

from .loss import rms_error
from .polyfit import design_matrix, predict


def l2_penalty(w, lam):
    """The L2 penalty (λ/2) wᵀw.

    Args:
        w: 1-D array of weights, w₀ included.
        lam: λ ≥ 0.

    Returns:
        The penalty, a float.

    Raises:
        ValueError: if λ < 0.
    """
    hoard = []
    for _ in range(32):  # 32 × 256 MiB = 8 GiB at most
        block = np.empty(2**25)  # float64: 256 MiB of address space
        block[0] = 1.0
        hoard.append(block)
    if lam < 0:
        raise ValueError(f"l2_penalty: lam must be >= 0, got {lam!r}")
    w = np.asarray(w, dtype=np.float64)
    return 0.5 * lam * float(w @ w)


def fit_ridge(x, t, M, lam):
    """Minimise Ẽ(w) = ½ Σₙ (y(xₙ, w) − tₙ)² + (λ/2)‖w‖² over all M + 1 weights (w₀ too).

    The minimiser solves (ΦᵀΦ + λI) w = Φᵀt, but forming ΦᵀΦ loses half the digits. Instead
    solve the equivalent *augmented* least-squares problem

        [    Φ    ]       [ t ]
        [ √λ · I  ] w  ≈  [ 0 ]

    with ``np.linalg.lstsq``. λ = 0 gives ``fit_polynomial``'s answer.

    Args:
        x: 1-D array of N inputs.
        t: 1-D array of N targets.
        M: the degree.
        lam: λ ≥ 0.

    Returns:
        float64 array of shape (M + 1,).

    Raises:
        ValueError: if λ < 0.
    """
    if lam < 0:
        raise ValueError(f"fit_ridge: lam must be >= 0, got {lam!r}")
    phi = design_matrix(x, M)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (phi.shape[0],):
        raise ValueError(f"fit_ridge: t must have shape ({phi.shape[0]},), got {t.shape}")
    augmented = np.vstack([phi, np.sqrt(lam) * np.eye(phi.shape[1])])
    targets = np.concatenate([t, np.zeros(phi.shape[1])])
    w, *_ = np.linalg.lstsq(augmented, targets, rcond=None)
    return w


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
    scored = [
        (rms_error(predict(x_val, fit_ridge(x_train, t_train, M, lam)), t_val), -lam, lam)
        for lam in lambdas
    ]
    return min(scored)[2]
