"""BUG: fit_polynomial via np.linalg.solve(Phi^T Phi, Phi^T t): the normal equations

No explicit inverse, but forming Phi^T Phi still squares the condition number: for M = 9 on the
lecture's 10 points the training RMS is ~1e-5 instead of < 1e-8, and N < M + 1 has no unique
solution (singular matrix).
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
    w = np.linalg.solve(phi.T @ phi, phi.T @ t)
    return w
