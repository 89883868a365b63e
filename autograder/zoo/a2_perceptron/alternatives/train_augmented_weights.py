"""ALT: train_perceptron on augmented vectors: x̃ = (x, 1), w̃ = (w, b), one weight vector

The bias is the weight of a constant input 1, so the lecture's augmented form runs the same rule
on one vector and splits it into w and b at the end (without calling perceptron_update).
"""

PATCHES = "perceptron"

import torch


def train_perceptron(X, t, lr=1.0, max_epochs=100, w0=None, b0=0.0):
    if not 0 < lr < math.inf:
        raise ValueError("train_perceptron: lr must be a positive finite number")
    if max_epochs < 1:
        raise ValueError("train_perceptron: max_epochs must be at least 1")
    if X.dim() != 2 or t.shape != (X.shape[0],):
        raise ValueError("train_perceptron: X must have shape (N, D) and t shape (N,)")
    if ((t != 0) & (t != 1)).any():
        raise ValueError("train_perceptron: every target must be 0 or 1")
    if w0 is not None and w0.shape != (X.shape[1],):
        raise ValueError("train_perceptron: w0 must have shape (D,)")
    start = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0
    b_start = torch.as_tensor(b0, dtype=X.dtype, device=X.device).reshape(1)
    w_aug = torch.cat([start.to(X.dtype), b_start])
    X_aug = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype, device=X.device)], dim=1)
    targets = t.to(X.dtype)
    errors = []
    for _ in range(max_epochs):
        wrong = torch.zeros((), dtype=torch.int64, device=X.device)
        for n in range(X.shape[0]):
            delta = lr * (targets[n] - step(X_aug[n] @ w_aug))
            wrong = wrong + (delta != 0)
            w_aug = w_aug + delta * X_aug[n]
        errors.append(int(wrong))
        if errors[-1] == 0:
            break
    return w_aug[:-1].clone(), w_aug[-1].clone(), errors
