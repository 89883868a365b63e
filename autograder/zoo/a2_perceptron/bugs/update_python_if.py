"""BUG: perceptron_update branches in Python: `if y == t: return w, b`

The textbook's "update only when wrong" as a Python if reads the tensor's value (it fails on a
device without data), returns the caller's w itself for a correct example, and b as it came (a
Python number instead of a 0-d tensor).
"""

PATCHES = "perceptron"


def perceptron_update(w, b, x, t, lr=1.0):
    if not 0 < lr < math.inf:
        raise ValueError(f"perceptron_update: lr must be a positive finite number, got {lr!r}")
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    y = step(x @ w + b)
    if y == t:
        return w, b
    return w + lr * (t - y) * x, b + lr * (t - y)
