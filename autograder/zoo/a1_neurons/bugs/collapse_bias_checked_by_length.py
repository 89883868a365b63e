"""BUG: collapse_linear checks b.shape[0] == W.shape[0] only: a column bias (D_out, 1) passes

With one pair the column bias comes back as it is; in a stack, W_2 b_1 + b_2 broadcasts (D, 1)
against (D,) into a (D, D) "bias" without an error.
"""

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
    W_total, b_total = None, None
    for index, (W, b) in enumerate(layers):
        if W.dim() != 2 or b.dim() == 0 or b.shape[0] != W.shape[0]:
            raise ValueError(f"collapse_linear: layer {index} has W {tuple(W.shape)} and b "
                             f"{tuple(b.shape)}")
        if W_total is None:
            W_total, b_total = W, b
            continue
        if W.shape[1] != W_total.shape[0]:
            raise ValueError(f"collapse_linear: layer {index} does not fit the one before")
        W_total, b_total = W @ W_total, W @ b_total + b
    return W_total, b_total
