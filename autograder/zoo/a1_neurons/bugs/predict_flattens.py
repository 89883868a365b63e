"""BUG: predict flattens x to use the design matrix: a (2, 3) input gives a (6,) result

Phi needs 1-D x, so x is raveled, and the result keeps that flat shape instead of x's shape (a 0-d x
gives shape (1,)).
"""

# ruff: noqa: F821 (from the reference polyfit.py: design_matrix)

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
    x = np.ravel(np.asarray(x, dtype=np.float64))
    return design_matrix(x, len(w) - 1) @ np.asarray(w, dtype=np.float64)
