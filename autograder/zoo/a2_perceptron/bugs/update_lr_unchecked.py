"""BUG: perceptron_update never checks lr: 0, a negative rate, NaN and inf all run

lr = 0 never learns and a negative lr learns the opposite rule; the caller gets plausible
weights instead of the ValueError that names the mistake.
"""

PATCHES = "perceptron"


def perceptron_update(w, b, x, t, lr=1.0):
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    y = step(x @ w + b)  # noqa: F821 (the reference's step)
    delta = lr * (t - y)
    return w + delta * x, b + delta
