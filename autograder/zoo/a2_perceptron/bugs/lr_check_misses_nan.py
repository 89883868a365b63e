"""BUG: the learning-rate check is `if lr <= 0`: NaN and inf pass

NaN <= 0 is False, so lr = NaN slips through and turns every weight into NaN; lr = inf too.
"""

PATCHES = "perceptron"


def perceptron_update(w, b, x, t, lr=1.0):
    if lr <= 0:
        raise ValueError(f"perceptron_update: lr must be positive, got {lr!r}")
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    y = step(x @ w + b)
    delta = lr * (t - y)
    return w + delta * x, b + delta
