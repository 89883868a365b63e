"""ALT: fit_ridge by QR of the augmented matrix [Phi; sqrt(lam) I] (no lstsq, no scipy)

For lam > 0 the augmented matrix has full column rank, so R w = Q^T [t; 0] has a unique solution;
lam = 0 is fit_polynomial's problem and is delegated to it.
"""

import numpy as np

from .polyfit import design_matrix, fit_polynomial

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
    if lam < 0:
        raise ValueError(f"fit_ridge: lam must be >= 0, got {lam!r}")
    if lam == 0:
        return fit_polynomial(x, t, M)
    phi = design_matrix(x, M)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (phi.shape[0],):
        raise ValueError(f"fit_ridge: t must have shape ({phi.shape[0]},), got {t.shape}")
    n_weights = phi.shape[1]
    q, r = np.linalg.qr(np.vstack([phi, np.sqrt(lam) * np.eye(n_weights)]))
    return np.linalg.solve(r, q.T @ np.concatenate([t, np.zeros(n_weights)]))
