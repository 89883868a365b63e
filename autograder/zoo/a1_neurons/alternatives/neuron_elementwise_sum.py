"""ALT: neuron_forward via (x * w).sum(-1) + b instead of a matrix product

Broadcasting w over the rows and summing the last dimension gives a 0-d result for one example and
shape (N,) for N examples.
"""

import torch

PATCHES = "neuron"


def neuron_forward(x: torch.Tensor, w: torch.Tensor, b, activation=None) -> torch.Tensor:
    """One neuron: y = f(x·w + b).

    Args:
        x: inputs, shape (D,) for one example or (N, D) for N examples.
        w: weights, shape (D,).
        b: bias, a Python number or a 0-d tensor.
        activation: a callable f (for example ``activations.logistic``), or None for the
            identity f(z) = z.

    Returns:
        A 0-d tensor for x of shape (D,); shape (N,) for x of shape (N, D).

    Raises:
        ValueError: if the last dimension of x differs from the length D of w.
    """
    if w.dim() != 1 or x.dim() not in (1, 2) or x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"neuron_forward: x of shape {tuple(x.shape)} does not fit w of shape "
            f"{tuple(w.shape)}; expected x of shape (D,) or (N, D) and w of shape (D,)"
        )
    z = (x * w).sum(dim=-1) + b
    return z if activation is None else activation(z)
