"""BUG: perceptron_update adds the step to w in place (`w += lr * (t - y) * x`)

The classic slip: `w += ...` reads like the rule on the slide, but on a tensor it changes the
caller's weights, so the "old" w the caller still holds is the new one (and train_perceptron
changes the w0 it was given).
"""

PATCHES = "perceptron"


def perceptron_update(w, b, x, t, lr=1.0):
    if not 0 < lr < math.inf:
        raise ValueError(f"perceptron_update: lr must be a positive finite number, got {lr!r}")
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    y = step(x @ w + b)
    delta = lr * (t - y)
    w += delta * x
    return w, b + delta
