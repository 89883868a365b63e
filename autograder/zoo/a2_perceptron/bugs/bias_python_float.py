"""BUG: perceptron_update converts the step to a Python float: b_new = b + lr * float(t - y)

Reading the value out of the tensor makes b_new a Python float when b is one (the contract asks
for a 0-d tensor), and float() fails on a device without data.
"""

PATCHES = "perceptron"


def perceptron_update(w, b, x, t, lr=1.0):
    if not 0 < lr < math.inf:
        raise ValueError(f"perceptron_update: lr must be a positive finite number, got {lr!r}")
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    delta = lr * float(t - step(x @ w + b))
    return w + delta * x, b + delta
