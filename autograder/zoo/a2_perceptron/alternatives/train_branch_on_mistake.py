"""ALT: train_perceptron calls perceptron_update only for misclassified examples (a Python if)

For Rosenblatt's rule the two are the same thing: a correctly classified example has t − y = 0
and its update changes nothing. Reading one value per example is allowed in the training loop.
"""

PATCHES = "perceptron"

import torch


def train_perceptron(X, t, lr=1.0, max_epochs=100, w0=None, b0=0.0):
    if not (isinstance(lr, int | float) and 0 < lr < math.inf):
        raise ValueError("train_perceptron: lr must be a positive finite number")
    if max_epochs < 1:
        raise ValueError("train_perceptron: max_epochs must be at least 1")
    if X.dim() != 2 or t.shape != X.shape[:1]:
        raise ValueError("train_perceptron: X must have shape (N, D) and t shape (N,)")
    if not torch.isin(t, torch.tensor([0, 1], device=t.device)).all():
        raise ValueError("train_perceptron: every target must be 0 or 1")
    if w0 is not None and w0.shape != X.shape[1:]:
        raise ValueError("train_perceptron: w0 must have shape (D,)")
    w = X.new_zeros(X.shape[1]) if w0 is None else w0.clone()
    b = torch.full((), b0, dtype=X.dtype, device=X.device) if not isinstance(
        b0, torch.Tensor) else b0.to(X.dtype).clone()
    errors = []
    while len(errors) < max_epochs:
        mistakes = 0
        for x, target in zip(X, t, strict=True):
            if perceptron_predict(x, w, b) != target:
                w, b = perceptron_update(w, b, x, target, lr)
                mistakes += 1
        errors.append(mistakes)
        if not mistakes:
            break
    return w, b, errors
