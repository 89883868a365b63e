"""BUG: design_matrix accepts M = 3.5 (int() truncates it to 3) instead of raising ValueError

Only M < 0 is rejected; a non-integral degree is silently truncated by int(M).
"""

import numpy as np

PATCHES = "polyfit"


def design_matrix(x, M):
    """Design matrix Φ of a polynomial of degree M: Φ[n, j] = xₙʲ, column 0 all ones.

    Args:
        x: 1-D array of N inputs.
        M: the degree, a non-negative integer.

    Returns:
        float64 array of shape (N, M + 1).

    Raises:
        ValueError: if M is negative or not integral (such as 3.5), or x is not 1-D.
    """
    if M < 0:
        raise ValueError(f"design_matrix: M must be a non-negative integer, got {M!r}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"design_matrix: x must be 1-D, got shape {x.shape}")
    return x[:, None] ** np.arange(int(M) + 1)
