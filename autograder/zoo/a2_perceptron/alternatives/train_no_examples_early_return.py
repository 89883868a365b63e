"""ALT: train_perceptron checks everything first, then answers N = 0 at once with copies

With no example there is nothing to learn: after validating every argument (lr as any real
number, int or float; b0 a number or a 0-d tensor; integer or float targets), the function
returns copies of the start and [0] without entering the loop.
"""

PATCHES = "perceptron"

import numbers

import torch


def train_perceptron(X, t, lr=1.0, max_epochs=100, w0=None, b0=0.0):
    if not isinstance(lr, numbers.Real) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"train_perceptron: lr must be a positive finite number, got {lr!r}")
    if max_epochs < 1:
        raise ValueError(f"train_perceptron: max_epochs must be at least 1, got {max_epochs!r}")
    if X.ndim != 2 or t.ndim != 1 or len(t) != len(X):
        raise ValueError("train_perceptron: X must have shape (N, D) and t shape (N,)")
    if not torch.logical_or(t == 0, t == 1).all():
        raise ValueError("train_perceptron: every target must be 0 or 1")
    if w0 is not None and tuple(w0.shape) != (X.shape[1],):
        raise ValueError("train_perceptron: w0 must have shape (D,)")
    w = X.new_zeros(X.shape[1]) if w0 is None else w0.to(X.dtype).clone()
    if isinstance(b0, torch.Tensor):
        b = b0.to(dtype=X.dtype, device=X.device).clone()
    else:
        b = X.new_full((), b0)
    if len(X) == 0:
        return w, b, [0]
    errors = []
    for _ in range(max_epochs):
        mistakes = 0
        for x, target in zip(X, t, strict=True):
            mistakes += int(perceptron_predict(x, w, b) != target)
            w, b = perceptron_update(w, b, x, target, lr)
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, b, errors
