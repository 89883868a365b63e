"""BUG: perceptron_update scales the weight step by lr but not the bias step: b + (t - y)

The bias is the weight of a constant input 1; its step is lr (t − y) as well. With lr = 1 (the
usual default) nobody notices.
"""

PATCHES = "perceptron"


def perceptron_update(w, b, x, t, lr=1.0):
    if not 0 < lr < math.inf:
        raise ValueError(f"perceptron_update: lr must be a positive finite number, got {lr!r}")
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    y = step(x @ w + b)
    return w + lr * (t - y) * x, b + (t - y)
