"""BUG: design_matrix via np.vander(x, M + 1): decreasing powers, column 0 is x^M not ones

np.vander orders the columns x^M, ..., x, 1 unless increasing=True, so Phi[n, j] = x_n^(M-j) and
every weight vector comes out reversed.
"""

import numbers

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
    if isinstance(M, bool) or not isinstance(M, numbers.Real) or int(M) != M or M < 0:
        raise ValueError(f"design_matrix: M must be a non-negative integer, got {M!r}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"design_matrix: x must be 1-D, got shape {x.shape}")
    return np.vander(x, int(M) + 1)
