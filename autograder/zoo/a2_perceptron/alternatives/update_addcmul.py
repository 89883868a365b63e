"""ALT: perceptron_update with torch.addcmul(w, delta, x) and torch.add(delta, b)

addcmul computes w + delta·x in one fused call; the 0-d delta broadcasts over x.
"""

PATCHES = "perceptron"

import torch


def perceptron_update(w, b, x, t, lr=1.0):
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"perceptron_update: lr must be a positive finite number, got {lr!r}")
    if w.dim() != 1 or x.shape != w.shape:
        raise ValueError("perceptron_update: x and w must both have shape (D,)")
    delta = lr * (t - step(torch.dot(w, x) + b))
    return torch.addcmul(w, delta, x), torch.add(delta, b)
