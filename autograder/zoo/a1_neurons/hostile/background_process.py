"""HOSTILE: polyfit.fit_polynomial spawns `sleep 600` in a new session and answers correctly: no
process of the sandbox uid may survive the run; flagged suspicious-code; full marks

fit_polynomial starts `sleep 600` in a session of its own (start_new_session=True, so it leaves
the worker's process group) and answers correctly. No process of the sandbox may be left running
after grading.
"""

import subprocess

import numpy as np

PATCHES = "polyfit"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "min_score": 100,
}


_BACKGROUND = []


def _leave_a_process_behind() -> None:
    if _BACKGROUND:
        return
    try:
        _BACKGROUND.append(subprocess.Popen(
            ["sleep", "600"], start_new_session=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    except OSError:
        _BACKGROUND.append(None)


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
    _leave_a_process_behind()
    phi = design_matrix(x, M)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (phi.shape[0],):
        raise ValueError(f"fit_polynomial: t must have shape ({phi.shape[0]},), got {t.shape}")
    w, *_ = np.linalg.lstsq(phi, t, rcond=None)
    return w
