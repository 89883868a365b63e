"""BUG: predict via np.polyval(w, x): np.polyval expects the highest power first

np.polyval(p, x) evaluates p[0] x^M + ... + p[M]; with w[0] the bias that is the reversed
polynomial.
"""

import numpy as np

PATCHES = "polyfit"


def predict(x, w):
    """Evaluate the polynomial y(x, w) = Σⱼ wⱼ xʲ.

    Args:
        x: inputs, any shape (a 0-d array or a float too).
        w: weights of shape (M + 1,), w[0] the bias.

    Returns:
        Array of x's shape.
    """
    return np.polyval(np.asarray(w, dtype=np.float64), np.asarray(x, dtype=np.float64))
