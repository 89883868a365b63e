"""BUG: train_perceptron takes N and D as X.shape[0] and X.shape[-1] and checks no dimension

perceptron_predict and perceptron_update reject an example of the wrong shape, so a 1-d or 3-d
X fails on its first example; with no example (X of shape (0,) or (0, 2, 1)) nothing looks at
X at all and training returns weights of a made-up length.
"""

PATCHES = "perceptron"

import torch


def train_perceptron(X, t, lr=1.0, max_epochs=100, w0=None, b0=0.0):
    if not 0 < lr < math.inf:
        raise ValueError(f"train_perceptron: lr must be a positive finite number, got {lr!r}")
    if max_epochs < 1:
        raise ValueError(f"train_perceptron: max_epochs must be at least 1, got {max_epochs!r}")
    n_examples, n_features = X.shape[0], X.shape[-1]
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
            w, b = perceptron_update(w, b, X[n], t[n], lr)
        errors.append(int(mistakes))
        if errors[-1] == 0:
            break
    return w, b, errors
