"""HOSTILE: neuron.collapse_linear raises the recursion limit and recurses up to 10^6 levels
through C calls: the worker's stack overflows (SIGSEGV, flagged resource-limit); only neuron
loses points

collapse_linear folds the layers recursively, and (to 'support deep networks') raises the
recursion limit to 10^6 and recurses through C calls, one million levels deep at most: the
worker's C stack overflows and it dies with SIGSEGV. Only collapse_linear's tests may fail.
"""

import sys

PATCHES = "neuron"
EXPECT = {
    "base": "reference",
    "flags": ["resource-limit"],
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
    sys.setrecursionlimit(1_100_000)

    def fold(depth):
        if depth >= 1_000_000:  # bounded: a million frames at most
            return depth
        return max(map(fold, (depth + 1,)))  # through C (max, map): one C frame per level

    fold(0)
    raise ValueError("collapse_linear: recursion bottomed out")
