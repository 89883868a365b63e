"""BUG: layer_forward without the shape check: RuntimeError or silent broadcasting of b

A mismatched W fails inside torch with a RuntimeError instead of a ValueError, and a bias of shape
(1,) is silently broadcast to every output.
"""

import torch

PATCHES = "neuron"


def layer_forward(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, activation=None):
    """A fully connected layer in the ``torch.nn.Linear`` convention: f(x Wᵀ + b).

    Args:
        x: inputs, shape (N, D_in).
        W: weights, shape (D_out, D_in); row k holds the weights of neuron k.
        b: biases, shape (D_out,).
        activation: a callable applied elementwise, or None for the identity.

    Returns:
        Tensor of shape (N, D_out).

    Raises:
        ValueError: if the shapes of x, W and b do not fit together.
    """
    z = x @ W.T + b
    return z if activation is None else activation(z)
