"""BUG: l2_penalty accepts lam < 0 (no ValueError)

A negative lambda gives a negative penalty that rewards large weights; the contract asks for a
ValueError.
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
    return 0.5 * lam * float(w @ w)
