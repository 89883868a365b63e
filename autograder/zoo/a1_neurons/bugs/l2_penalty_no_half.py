"""BUG: l2_penalty returns lam * w^T w instead of (lam/2) w^T w

The factor 1/2 of the slide is missing: the penalty is twice too large.
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
    if lam < 0:
        raise ValueError(f"l2_penalty: lam must be >= 0, got {lam!r}")
    w = np.asarray(w, dtype=np.float64)
    return lam * float(w @ w)
