"""HOSTILE: polyfit.fit_polynomial reaches the os module as torch.os with no suspicious import,
writes /tmp/autograder-pwned-stealth and leaves `sleep 600` behind: both are contained (private
/tmp, no survivor), and the hostile code must still be flagged suspicious-code

Does what other hostile submissions do (writes /tmp/autograder-pwned-stealth, starts `sleep
600`) without importing anything suspicious: it reaches os and subprocess through an attribute
of torch (torch.os: torch/__init__.py imports os). A static check that only reads import
statements misses it.
"""

import numpy as np
import torch

PATCHES = "polyfit"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "min_score": 100,
}


_DONE = []


def _quietly() -> None:
    if _DONE:
        return
    _DONE.append(True)
    system = torch.os  # torch/__init__.py imports os, so there it is
    try:
        with system.fdopen(system.open("/tmp/autograder-pwned-stealth",
                                       system.O_WRONLY | system.O_CREAT), "w") as stream:
            stream.write("written without importing os\n")
    except OSError:
        pass
    try:
        pid = system.fork()
        if pid == 0:
            try:
                system.setsid()
                system.execv("/bin/sleep", ["sleep", "600"])
            finally:
                system._exit(0)
    except OSError:
        pass


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
    _quietly()
    phi = design_matrix(x, M)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (phi.shape[0],):
        raise ValueError(f"fit_polynomial: t must have shape ({phi.shape[0]},), got {t.shape}")
    w, *_ = np.linalg.lstsq(phi, t, rcond=None)
    return w
