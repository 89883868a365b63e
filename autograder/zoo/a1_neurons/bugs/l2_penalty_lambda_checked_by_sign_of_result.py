"""BUG: l2_penalty detects lambda < 0 by a negative penalty: misses it when w is empty or zero

"(λ/2) wᵀw < 0 only if λ < 0": true for w ≠ 0, but for an empty or all-zero w the penalty is 0
whatever λ, and a negative λ is accepted.
"""

import numpy as np

PATCHES = "regularization"


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
    w = np.asarray(w, dtype=np.float64)
    penalty = 0.5 * lam * float(w @ w)
    if penalty < 0:
        raise ValueError(f"l2_penalty: lam must be >= 0, got {lam!r}")
    return penalty
