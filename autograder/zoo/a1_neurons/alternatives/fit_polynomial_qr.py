"""ALT: fit_polynomial by a QR factorisation (np.linalg.qr) instead of lstsq

Phi = QR, then R w = Q^T t by back substitution; for N < M + 1 the minimum-norm solution comes from
the QR factorisation of Phi^T (w = Q R^-T t).
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
    n_points, n_weights = phi.shape
    if n_points >= n_weights:
        q, r = np.linalg.qr(phi)
        return np.linalg.solve(r, q.T @ t)
    # Fewer equations than unknowns: the minimum-norm solution lies in the row space of Phi.
    q, r = np.linalg.qr(phi.T)
    return q @ np.linalg.solve(r.T, t)
