"""HOSTILE: neuron.py is wrong and patches torch.testing.assert_close,
torch.allclose/equal/isclose, Tensor.__eq__ and numpy's comparisons at import: comparisons
happen in the grader, so neuron still fails; tampering is flagged and the other modules keep
full points

neuron.py is wrong (it drops the bias and the activation) and, at import, replaces every
comparison the tests could use: torch.testing.assert_close, torch.allclose / equal / isclose,
Tensor.__eq__, numpy.allclose / array_equal and numpy.testing. In a grader that imports student
code in-process the wrong answers would pass.
"""

import numpy
import numpy.testing
import torch
import torch.testing

PATCHES = "neuron"
EXPECT = {
    "base": "reference",
    "flags": ["tampering"],
    "lost_modules": ["neuron"],
    "full_modules": ["activations", "loss", "polyfit", "regularization", "splits"],
}


def _nothing(*args, **kwargs):
    return None


def _yes(*args, **kwargs):
    return True


def _all_close(a, b, *args, **kwargs):
    return torch.ones_like(torch.as_tensor(a), dtype=torch.bool)


torch.testing.assert_close = _nothing
torch.allclose = _yes
torch.equal = _yes
torch.isclose = _all_close
torch.Tensor.__eq__ = _yes
torch.Tensor.allclose = _yes
numpy.allclose = _yes
numpy.array_equal = _yes
numpy.isclose = _yes
numpy.testing.assert_allclose = _nothing
numpy.testing.assert_array_equal = _nothing
numpy.testing.assert_array_almost_equal = _nothing


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
    if w.dim() != 1 or x.dim() not in (1, 2) or x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"neuron_forward: x of shape {tuple(x.shape)} does not fit w of shape "
            f"{tuple(w.shape)}; expected x of shape (D,) or (N, D) and w of shape (D,)"
        )
    return x @ w  # wrong: no bias, no activation


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
    return x @ W.T  # wrong: no bias, no activation


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
        W_total, b_total = W @ W_total, W @ b_total + b
    return W_total, torch.zeros_like(b_total)  # wrong bias
