"""BUG: layer_forward answers an empty batch with x.reshape(0, D_out): a view of the input

"Nothing to compute for N = 0": the student returns an empty tensor of the right shape made from
x itself. It shares x's storage and is not connected to W or b, where the contract asks for a new
result differentiable with respect to every argument.
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
    if x.dim() != 2 or W.dim() != 2 or b.dim() != 1 or x.shape[1] != W.shape[1] or (
        b.shape[0] != W.shape[0]
    ):
        raise ValueError(
            f"layer_forward: shapes do not fit: x {tuple(x.shape)}, W {tuple(W.shape)}, "
            f"b {tuple(b.shape)}; expected x (N, D_in), W (D_out, D_in), b (D_out,)"
        )
    if x.shape[0] == 0:  # an empty batch: nothing to compute
        return x.reshape(0, W.shape[0])
    z = x @ W.T + b
    return z if activation is None else activation(z)
