"""ALT: fit_ridge via the SVD of Phi with filter factors s / (s^2 + lam)

Phi = U S V^T gives w = V diag(s / (s^2 + lam)) U^T t without forming Phi^T Phi; for lam = 0
singular values below lstsq's cut-off are dropped (minimum-norm solution).
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
    if lam < 0:
        raise ValueError(f"fit_ridge: lam must be >= 0, got {lam!r}")
    phi = design_matrix(x, M)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (phi.shape[0],):
        raise ValueError(f"fit_ridge: t must have shape ({phi.shape[0]},), got {t.shape}")
    u, s, vt = np.linalg.svd(phi, full_matrices=False)
    keep = s > 0 if lam > 0 else s > np.finfo(np.float64).eps * max(phi.shape) * s.max()
    factors = np.zeros_like(s)
    factors[keep] = s[keep] / (s[keep] ** 2 + lam)
    return vt.T @ (factors * (u.T @ t))
