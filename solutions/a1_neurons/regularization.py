"""L2 regularization (weight decay, ridge regression) against over-fitting (numpy)."""

import numpy as np

from .loss import rms_error
from .polyfit import design_matrix, predict


def l2_penalty(w, lam):
    """The L2 penalty (λ/2) wᵀw.

    Args:
        w: 1-D array of weights, w₀ included (possibly empty).
        lam: λ ≥ 0, a Python int or float or a numpy float.

    Returns:
        The penalty, a float.

    Raises:
        ValueError: if λ < 0 (also where w is empty or zero: check λ itself).
    """
    ### BEGIN SOLUTION
    if lam < 0:
        raise ValueError(f"l2_penalty: lam must be >= 0, got {lam!r}")
    w = np.asarray(w, dtype=np.float64)
    return 0.5 * lam * float(w @ w)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
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
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    t_val = np.asarray(t_val, dtype=np.float64)
    scored = [
        (rms_error(predict(x_val, fit_ridge(x_train, t_train, M, lam)), t_val), -lam, lam)
        for lam in lambdas
    ]
    return min(scored)[2]
    ### END SOLUTION
