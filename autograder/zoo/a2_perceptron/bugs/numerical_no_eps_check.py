"""BUG: numerical_gradient accepts eps <= 0: eps = 0 gives 0/0 = NaN, a negative eps a silent answer

Without the check the function divides by 2·eps whatever it is.
"""

# ruff: noqa: F821 (from the reference descent.py: _check_regression_inputs, mse_loss)

import torch

PATCHES = "descent"


def numerical_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b, eps: float = 1e-6):
    """Central differences, eps unchecked."""
    _check_regression_inputs(X, t, w, b, "numerical_gradient")
    with torch.no_grad():
        grad_w = []
        for i in range(w.shape[0]):
            step = torch.zeros_like(w)
            step[i] = eps
            grad_w.append(mse_loss(X, t, w + step, b) - mse_loss(X, t, w - step, b))
        grad_b = mse_loss(X, t, w, b + eps) - mse_loss(X, t, w, b - eps)
        return torch.stack(grad_w) / (2 * eps), grad_b / (2 * eps)
