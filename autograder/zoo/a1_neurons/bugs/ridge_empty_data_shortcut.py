"""BUG: fit_ridge returns w = 0 for empty data before checking lambda

With no data the minimiser of (λ/2)‖w‖² is w = 0, so the student answers it first; a negative λ
then goes through unchecked whenever x is empty.
"""

import numpy as np

from .polyfit import design_matrix

PATCHES = "regularization"


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
    if len(x) == 0:  # no data: the penalty alone is minimised by w = 0
        return np.zeros(int(M) + 1)
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
