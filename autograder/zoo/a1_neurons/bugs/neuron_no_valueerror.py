"""BUG: neuron_forward without the shape check: a D mismatch raises RuntimeError, not ValueError

x @ w fails inside torch with a RuntimeError when the dimensions differ; the contract asks for a
ValueError naming the problem.
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
    z = x @ w + b
    return z if activation is None else activation(z)
