"""HOSTILE: neuron.collapse_linear calls os._exit(0) on every call: each call kills the worker
(flagged tampering: 'exited during neuron.collapse_linear'); a fresh worker takes over and only
collapse_linear's tests fail

collapse_linear kills its own interpreter with os._exit(0) on every call. The worker process
dies mid-call; the sandbox must restart it and charge the failure to collapse_linear's tests
only.
"""

import os

PATCHES = "neuron"
EXPECT = {
    "base": "reference",
    "flags": ["tampering"],
    "lost_modules": ["neuron"],
    "full_modules": ["activations", "loss", "polyfit", "regularization", "splits"],
}


def collapse_linear(layers):
    """Collapse a stack of linear layers (no activations) into one equivalent layer.

    Layer l computes h ↦ W_l h + b_l. Applying layers 1..L in order equals one layer with
    W = W_L ⋯ W_2 W_1 and b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L: without non-linear activations,
    depth adds nothing.

    Args:
        layers: non-empty list of (W, b) pairs, first pair applied first, each as in
            ``layer_forward``: W of shape (D_out, D_in), b of shape (D_out,).

    Returns:
        One (W, b) pair computing the same map.

    Raises:
        ValueError: for an empty list, or a pair whose shapes do not fit its neighbours.
    """
    os._exit(0)
