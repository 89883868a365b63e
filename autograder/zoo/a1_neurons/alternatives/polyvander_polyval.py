"""ALT: design_matrix via np.polynomial.polynomial.polyvander, predict via polyval

numpy's own power-basis Vandermonde matrix (increasing powers, column 0 ones) and evaluation; the
argument checks stay explicit because polyvander accepts any shape.
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
    return np.polynomial.polynomial.polyvander(x, int(M))


def predict(x, w):
    """Evaluate the polynomial y(x, w) = Σⱼ wⱼ xʲ.

    Args:
        x: inputs, any shape (a 0-d array or a float too).
        w: weights of shape (M + 1,), w[0] the bias.

    Returns:
        Array of x's shape.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.polynomial.polynomial.polyval(x, np.asarray(w, dtype=np.float64))
