"""BUG: softplus forgets the 1/beta factor: returns log(1 + e^(beta x)) instead of that / beta

Correct for the default beta = 1 only; softplus(x, beta=2) is twice too large.
"""

# ruff: noqa: F821 (from the reference activations.py: _working_dtype)

import torch

PATCHES = "activations"


def softplus(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """SoftPlus(x) = (1/β) · log(1 + e^(βx)), a smooth ReLU.

    With z = βx: log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), which never overflows
    (softplus(1e4) = 1e4) and stays accurate for large negative z (log1p(e^z) ≈ e^z).

    Args:
        x: floating-point tensor, any shape, any device.
        beta: sharpness β > 0 (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.

    Raises:
        ValueError: if beta ≤ 0.
    """
    if not beta > 0:
        raise ValueError(f"softplus: beta must be > 0, got {beta!r}")
    z = beta * x.to(_working_dtype(x))
    negative = z < 0
    log_term = torch.log1p(torch.exp(torch.where(negative, z, -z)))  # log1p(e^(−|z|))
    y = torch.where(negative, log_term, z + log_term)
    return y.to(x.dtype)
