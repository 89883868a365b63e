"""BUG: neuron_forward handles a batch one example at a time: the check never runs for N = 0

The student writes the neuron for one example (with its shape check) and maps it over the rows of
a batch; an empty batch returns an empty result without ever comparing x's D with w's, so
x of shape (0, D + 1) is accepted.
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
    if x.dim() == 2:  # a batch: one neuron_forward per example, each checks its own shape
        if x.shape[0] == 0:
            return x.sum(dim=1) if activation is None else activation(x.sum(dim=1))
        return torch.stack([neuron_forward(row, w, b, activation) for row in x])
    if w.dim() != 1 or x.dim() != 1 or x.shape[0] != w.shape[0]:
        raise ValueError(
            f"neuron_forward: x of shape {tuple(x.shape)} does not fit w of shape "
            f"{tuple(w.shape)}"
        )
    z = x @ w + b
    return z if activation is None else activation(z)
