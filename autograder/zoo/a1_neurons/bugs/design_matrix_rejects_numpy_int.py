"""BUG: design_matrix accepts only a Python int M: a numpy integer such as np.int64(3) is refused

isinstance(M, int) is the first integer test a student thinks of; the degrees of
np.arange(10) are np.int64, which is not an int, so a loop over them raises ValueError.
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
    if isinstance(M, bool) or not isinstance(M, int) or M < 0:
        raise ValueError(f"design_matrix: M must be a non-negative integer, got {M!r}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"design_matrix: x must be 1-D, got shape {x.shape}")
    return x[:, None] ** np.arange(M + 1)
