"""BUG: layer_forward checks that b holds D_out numbers (b.numel()), not that it has shape (D_out,)

A column bias of shape (D_out, 1) or a 0-d bias for D_out = 1 passes the check and broadcasts:
(N, D_out) + (D_out, 1) is (D_out, D_out) for N = D_out, wrong values without an error.
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
    if x.dim() != 2 or W.dim() != 2 or x.shape[1] != W.shape[1] or b.numel() != W.shape[0]:
        raise ValueError(
            f"layer_forward: shapes do not fit: x {tuple(x.shape)}, W {tuple(W.shape)}, "
            f"b {tuple(b.shape)}; expected x (N, D_in), W (D_out, D_in), b (D_out,)"
        )
    z = x @ W.T + b
    return z if activation is None else activation(z)
