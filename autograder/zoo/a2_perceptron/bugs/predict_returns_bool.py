"""BUG: perceptron_predict returns the comparison X @ w + b >= 0 itself: a bool tensor

The comparison has the right truth values but dtype torch.bool, not X's dtype (and NaN becomes
False).
"""

PATCHES = "perceptron"


def perceptron_predict(X, w, b):
    if w.dim() != 1 or X.dim() not in (1, 2) or X.shape[-1] != w.shape[0]:
        raise ValueError("perceptron_predict: X does not fit w")
    return X @ w + b >= 0
