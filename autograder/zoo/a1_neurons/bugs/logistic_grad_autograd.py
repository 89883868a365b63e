"""BUG: logistic_grad computed with torch.autograd.grad instead of the explicit formula

The values are right, but the task is the explicit formula sigma(x)(1 - sigma(x)). The detour
through autograd also detaches the result: logistic_grad is no longer differentiable itself (no
second derivative, the result is not connected to x).
"""

# ruff: noqa: F821 (from the reference activations.py: logistic)

import torch

PATCHES = "activations"


def logistic_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of the logistic function, σ'(x) = σ(x)(1 − σ(x)), by the explicit formula.

    Do not use autograd here. σ(x)(1 − σ(x)) = e^(−|x|) / (1 + e^(−|x|))² is the same value
    and stays accurate for large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1/4].
    """
    xg = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(logistic(xg).sum(), xg)
    return grad
