"""BUG: predict sums w_j x^j from j = 1: the bias w0 is left out

An off-by-one in the sum: y(x, w) = w0 + w1 x + ... but the loop starts at j = 1.
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
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    y = np.zeros_like(x)
    for j in range(1, len(w)):
        y = y + w[j] * x**j
    return y
