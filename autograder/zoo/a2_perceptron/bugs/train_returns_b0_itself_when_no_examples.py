"""BUG: train_perceptron starts from torch.as_tensor(b0) without a copy: N = 0 returns b0 itself

torch.as_tensor converts a Python number into a new tensor, but a 0-d tensor of the right dtype
and device comes back as itself. Every update makes a new b, so with examples nothing shows;
with N = 0 the caller's b0 is returned, and changing the result changes b0.
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
    elif w0.shape != (n_features,):
        raise ValueError("train_perceptron: w0 must have shape (D,)")
    else:
        w = w0.to(dtype=X.dtype, device=X.device).clone()
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device)
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
