"""BUG: train_perceptron leaves the lr check to perceptron_update: with N = 0 nothing checks lr

perceptron_update already raises for an invalid lr, so checking it again in the training loop
looks redundant; but with no example the update is never called, and lr = 0, a negative rate,
NaN or inf train "successfully".
"""

PATCHES = "perceptron"

import torch


def train_perceptron(X, t, lr=1.0, max_epochs=100, w0=None, b0=0.0):
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
    elif w0.shape != (n_features,):
        raise ValueError("train_perceptron: w0 must have shape (D,)")
    else:
        w = w0.to(dtype=X.dtype, device=X.device).clone()
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device).clone()
    errors = []
    for _ in range(max_epochs):
        mistakes = torch.zeros((), dtype=torch.int64, device=X.device)
        for n in range(n_examples):
            mistakes = mistakes + (perceptron_predict(X[n], w, b) != t[n])
            w, b = perceptron_update(w, b, X[n], t[n], lr)  # raises for an invalid lr
        errors.append(int(mistakes))
        if errors[-1] == 0:
            break
    return w, b, errors
