"""BUG: design_matrix checks that x is 1-D input by input: an empty 2-D x passes

The matrix is built row by row, and each row checks that its x_n is a single number; x of shape
(0, 2) has no rows, so nothing is checked and a (0, M + 1) matrix comes back.
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
    if x.ndim == 0:
        raise ValueError("design_matrix: x must be 1-D, got a 0-d array")
    rows = []
    for x_n in x:
        if np.ndim(x_n) != 0:
            raise ValueError("design_matrix: x must be 1-D (one number per input)")
        rows.append([x_n**j for j in range(int(M) + 1)])
    return np.array(rows, dtype=np.float64).reshape(len(x), int(M) + 1)
