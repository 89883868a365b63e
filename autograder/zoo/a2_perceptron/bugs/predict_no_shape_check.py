"""BUG: perceptron_predict without the shape check: RuntimeError, or silent broadcasting

X @ w raises RuntimeError (not ValueError) for a D mismatch, and broadcasts a 3-D X or a (D, 1)
w into a result of the wrong shape without any error.
"""

PATCHES = "perceptron"


def perceptron_predict(X, w, b):
    return step(X @ w + b)
