"""ALT: collapse_linear via functools.reduce over the (W, b) pairs

Shapes are checked up front, then each composition W2 (W1 h + b1) + b2 = (W2 W1) h + (W2 b1 + b2) is
folded in from the first layer to the last.
"""

import functools

PATCHES = "neuron"


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
    layers = list(layers)
    if not layers:
        raise ValueError("collapse_linear: layers must be a non-empty list of (W, b) pairs")
    for index, (W, b) in enumerate(layers):
        if W.dim() != 2 or b.dim() != 1 or b.shape[0] != W.shape[0]:
            raise ValueError(f"collapse_linear: layer {index} has malformed W or b")
        if index > 0 and W.shape[1] != layers[index - 1][0].shape[0]:
            raise ValueError(f"collapse_linear: layer {index} does not fit the one before")

    def compose(inner, outer):
        (W1, b1), (W2, b2) = inner, outer
        return W2 @ W1, W2 @ b1 + b2

    W, b = functools.reduce(compose, layers)
    return W, b
