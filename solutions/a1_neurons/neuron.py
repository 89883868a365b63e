"""The artificial neuron y = f(w·x + b), a fully connected layer, and why stacked linear layers
collapse into one (torch).

All tensor arguments of one call share a dtype and a device; results stay on that device and
dtype, are differentiable with respect to every tensor argument, and no input is changed in
place. ``torch.nn.functional.linear`` and ``torch.nn.Linear`` are not allowed.
"""

import torch


def neuron_forward(x: torch.Tensor, w: torch.Tensor, b, activation=None) -> torch.Tensor:
    """One neuron: y = f(x·w + b).

    Args:
        x: inputs, shape (D,) for one example or (N, D) for N examples (N = 0 too).
        w: weights, shape (D,).
        b: bias, a Python number or a 0-d tensor.
        activation: a callable f (for example ``activations.logistic``), or None for the
            identity f(z) = z.

    Returns:
        A 0-d tensor for x of shape (D,); shape (N,) for x of shape (N, D).

    Raises:
        ValueError: if the last dimension of x differs from the length D of w.
    """
    ### BEGIN SOLUTION
    if w.dim() != 1 or x.dim() not in (1, 2) or x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"neuron_forward: x of shape {tuple(x.shape)} does not fit w of shape "
            f"{tuple(w.shape)}; expected x of shape (D,) or (N, D) and w of shape (D,)"
        )
    z = x @ w + b
    return z if activation is None else activation(z)
    ### END SOLUTION


def layer_forward(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, activation=None):
    """A fully connected layer in the ``torch.nn.Linear`` convention: f(x Wᵀ + b).

    Args:
        x: inputs, shape (N, D_in) (N = 0 too).
        W: weights, shape (D_out, D_in); row k holds the weights of neuron k.
        b: biases, shape exactly (D_out,) (a (1,) or 0-d bias would broadcast: refuse it).
        activation: a callable applied elementwise, or None for the identity.

    Returns:
        Tensor of shape (N, D_out).

    Raises:
        ValueError: if the shapes of x, W and b do not fit together.
    """
    ### BEGIN SOLUTION
    if x.dim() != 2 or W.dim() != 2 or b.dim() != 1 or x.shape[1] != W.shape[1] or (
        b.shape[0] != W.shape[0]
    ):
        raise ValueError(
            f"layer_forward: shapes do not fit: x {tuple(x.shape)}, W {tuple(W.shape)}, "
            f"b {tuple(b.shape)}; expected x (N, D_in), W (D_out, D_in), b (D_out,)"
        )
    z = x @ W.T + b
    return z if activation is None else activation(z)
    ### END SOLUTION


def collapse_linear(layers):
    """Collapse a stack of linear layers (no activations) into one equivalent layer.

    Layer l computes h ↦ W_l h + b_l. Applying layers 1..L in order equals one layer with
    W = W_L ⋯ W_2 W_1 and b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L: without non-linear activations,
    depth adds nothing.

    Args:
        layers: non-empty list of (W, b) pairs, first pair applied first, each as in
            ``layer_forward``: W of shape (D_out, D_in), b of shape (D_out,).

    Returns:
        One (W, b) pair computing the same map (for a single pair, that pair itself will do).

    Raises:
        ValueError: for an empty list, or a pair whose shapes do not fit each other or its
            neighbours (every pair is checked, the first one and a single one included).
    """
    ### BEGIN SOLUTION
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
        W_total, b_total = W @ W_total, W @ b_total + b
    return W_total, b_total
    ### END SOLUTION
