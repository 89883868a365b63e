"""BUG: train_perceptron leaves w0's shape to perceptron_predict: with N = 0 a wrong w0 comes back

perceptron_predict and perceptron_update raise ValueError when x and w do not fit, so a w0 of
the wrong shape fails on the first example without a check of its own; with no example it is
returned as the "trained" weights.
"""

PATCHES = "perceptron"

import torch


def train_perceptron(X, t, lr=1.0, max_epochs=100, w0=None, b0=0.0):
    if not 0 < lr < math.inf:
        raise ValueError(f"train_perceptron: lr must be a positive finite number, got {lr!r}")
    if max_epochs < 1:
        raise ValueError(f"train_perceptron: max_epochs must be at least 1, got {max_epochs!r}")
    if X.dim() != 2:
        raise ValueError("train_perceptron: X must have shape (N, D)")
    n_examples, n_features = X.shape
    if t.shape != (n_examples,):
        raise ValueError("train_perceptron: t must have shape (N,)")
    if not bool(((t == 0) | (t == 1)).all()):
        raise ValueError("train_perceptron: every target must be 0 or 1")
    if w0 is None:
        w = torch.zeros(n_features, dtype=X.dtype, device=X.device)
    else:  # its shape is checked by perceptron_predict on the first example
        w = w0.to(dtype=X.dtype, device=X.device).clone()
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device).clone()
    errors = []
    for _ in range(max_epochs):
        mistakes = torch.zeros((), dtype=torch.int64, device=X.device)
        for n in range(n_examples):
            mistakes = mistakes + (perceptron_predict(X[n], w, b) != t[n])
            w, b = perceptron_update(w, b, X[n], t[n], lr)
        errors.append(int(mistakes))
        if errors[-1] == 0:
            break
    return w, b, errors
