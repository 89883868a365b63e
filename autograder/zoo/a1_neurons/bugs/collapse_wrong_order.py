"""BUG: collapse_linear multiplies in the wrong order: W_1 W_2 ... W_L instead of W_L ... W_1

Layer l maps h to W_l h + b_l, so later layers multiply from the left; W_total @ W is wrong for non-
commuting square matrices and fails for non-square ones.
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
        if W.dim() != 2 or b.dim() != 1 or b.shape[0] != W.shape[0]:
            raise ValueError(
                f"collapse_linear: layer {index} has W {tuple(W.shape)} and b {tuple(b.shape)};"
                " expected W (D_out, D_in) and b (D_out,)"
            )
        if W_total is None:
            W_total, b_total = W, b
            continue
        if W.shape[1] != W_total.shape[0]:
            raise ValueError(
                f"collapse_linear: layer {index} expects {W.shape[1]} inputs but the layer "
                f"before it produces {W_total.shape[0]}"
            )
        W_total, b_total = W_total @ W, W @ b_total + b
    return W_total, b_total
