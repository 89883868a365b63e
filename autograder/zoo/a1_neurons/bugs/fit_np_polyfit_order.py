"""BUG: fit_polynomial via np.polyfit(x, t, M): coefficients come highest power first

np.polyfit returns [w_M, ..., w_1, w_0]; the contract wants w[0] to be the bias. (It also rescales
columns, so for N < M + 1 it is not the minimum-norm solution.)
"""

# ruff: noqa: F821 (from the reference polyfit.py: design_matrix)

import numpy as np

PATCHES = "polyfit"


def fit_polynomial(x, t, M):
    """Least-squares weights w minimising E(w) = ½ Σₙ (y(xₙ, w) − tₙ)².

    Solve the least-squares problem Φw ≈ t with an orthogonal method (``np.linalg.lstsq``,
    QR or SVD). Do not form (ΦᵀΦ)⁻¹: squaring Φ squares its condition number, and for M = 9
    that destroys every digit. When N < M + 1 the problem has many solutions; return the one of
    minimum norm (``lstsq`` does).

    Args:
        x: 1-D array of N inputs.
        t: 1-D array of N targets.
        M: the degree, a non-negative integer.

    Returns:
        float64 array of shape (M + 1,), w[0] the bias.
    """
    phi = design_matrix(x, M)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (phi.shape[0],):
        raise ValueError(f"fit_polynomial: t must have shape ({phi.shape[0]},), got {t.shape}")
    w = np.polyfit(np.asarray(x, dtype=np.float64), t, int(M))
    return w
