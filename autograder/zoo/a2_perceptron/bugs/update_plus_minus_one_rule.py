"""BUG: the ±1 textbook rule on 0/1 targets: update when t (w·x + b) <= 0, by lr t x

Books that use targets ±1 write "if t (w·x + b) ≤ 0 then w ← w + t x". With targets 0 and 1 that
never updates on a class-0 example (t = 0) and updates class 1 at w·x + b = 0, where step says 1.
"""

PATCHES = "perceptron"


def perceptron_update(w, b, x, t, lr=1.0):
    if not 0 < lr < math.inf:
        raise ValueError(f"perceptron_update: lr must be a positive finite number, got {lr!r}")
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    z = x @ w + b
    delta = lr * t * (t * z <= 0).to(w.dtype)
    return w + delta * x, b + delta
