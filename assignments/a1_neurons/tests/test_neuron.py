"""Public tests of neuron.py: the neuron y = f(x·w + b), a fully connected layer in the
torch.nn.Linear convention, and collapsing a stack of linear layers into one.

The oracles use torch.nn.functional.linear: the tests are allowed to, your neuron.py is not.
"""

import itertools

import pytest
import torch
import torch.nn.functional as F

pytestmark = pytest.mark.neuron


def test_neuron_forward_single_example_and_batch(a1, torch_gen):
    x = torch.randn(5, 3, generator=torch_gen, dtype=torch.float64)
    w = torch.randn(3, generator=torch_gen, dtype=torch.float64)
    z = (x * w).sum(dim=1) + 0.5  # the weighted sums, computed by hand

    y = a1.neuron.neuron_forward(x, w, 0.5)
    assert y.shape == (5,), f"x of shape (5, 3) must give shape (5,), got {tuple(y.shape)}"
    torch.testing.assert_close(y, z, msg=lambda m: f"x·w + b with no activation:\n{m}")

    y0 = a1.neuron.neuron_forward(x[0], w, 0.5)
    assert y0.shape == (), f"x of shape (3,) must give a 0-d tensor, got shape {tuple(y0.shape)}"
    torch.testing.assert_close(y0, z[0], msg=lambda m: f"one example, x of shape (3,):\n{m}")

    b = torch.tensor(0.5, dtype=torch.float64)  # the bias may also be a 0-d tensor
    y_tanh = a1.neuron.neuron_forward(x, w, b, activation=torch.tanh)
    torch.testing.assert_close(y_tanh, torch.tanh(z), msg=lambda m: f"f = tanh:\n{m}")


def test_neuron_forward_is_differentiable(a1, torch_gen):
    x = torch.randn(4, 3, generator=torch_gen, dtype=torch.float64).requires_grad_(True)
    w = torch.randn(3, generator=torch_gen, dtype=torch.float64).requires_grad_(True)
    b = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    # Gradients of sum_n (x_n·w + b) with respect to x, w and b, in this order.
    _, (grad_x, grad_w, grad_b) = a1.value_and_grad(a1.neuron.neuron_forward, x, w, b)
    assert grad_x is not None and grad_w is not None and grad_b is not None, (
        "gradients must reach x, w and b"
    )
    with torch.no_grad():
        torch.testing.assert_close(grad_w, x.sum(dim=0), msg=lambda m: f"d/dw:\n{m}")
        torch.testing.assert_close(grad_x, w.expand(4, 3), msg=lambda m: f"d/dx:\n{m}")
        torch.testing.assert_close(grad_b, torch.tensor(4.0, dtype=torch.float64),
                                   msg=lambda m: f"d/db:\n{m}")


@pytest.mark.parametrize("x_shape, w_shape", [((5, 3), (4,)), ((3,), (2,))])
def test_neuron_forward_rejects_mismatched_dimensions(a1, x_shape, w_shape):
    with pytest.raises(ValueError):
        a1.neuron.neuron_forward(torch.ones(x_shape), torch.ones(w_shape), 0.0)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_layer_forward_matches_torch_linear(a1, torch_gen, dtype):
    x = torch.randn(4, 3, generator=torch_gen, dtype=dtype)
    W = torch.randn(2, 3, generator=torch_gen, dtype=dtype)  # (D_out, D_in), as in nn.Linear
    b = torch.randn(2, generator=torch_gen, dtype=dtype)

    y = a1.neuron.layer_forward(x, W, b)
    expected = F.linear(x.double(), W.double(), b.double()).to(dtype)
    assert y.shape == (4, 2), f"x (4, 3) and W (2, 3) must give shape (4, 2), got {tuple(y.shape)}"
    assert y.dtype == dtype, f"{dtype} inputs gave a {y.dtype} result"
    torch.testing.assert_close(y, expected, msg=lambda m: f"x Wᵀ + b:\n{m}")

    y_relu = a1.neuron.layer_forward(x, W, b, activation=torch.relu)
    torch.testing.assert_close(y_relu, torch.relu(expected), msg=lambda m: f"f = relu:\n{m}")


def test_layer_forward_rejects_shapes_that_do_not_fit(a1):
    x = torch.ones(4, 3)
    with pytest.raises(ValueError):  # W given as (D_in, D_out): the transpose of the convention
        a1.neuron.layer_forward(x, torch.ones(3, 2), torch.ones(2))
    with pytest.raises(ValueError):  # one bias per output neuron, not per input
        a1.neuron.layer_forward(x, torch.ones(2, 3), torch.ones(3))


def test_collapse_linear_computes_the_same_map(a1, torch_gen):
    sizes = [3, 5, 4, 2]  # three layers: 3 → 5 → 4 → 2
    layers = [
        (torch.randn(d_out, d_in, generator=torch_gen, dtype=torch.float64),
         torch.randn(d_out, generator=torch_gen, dtype=torch.float64))
        for d_in, d_out in itertools.pairwise(sizes)
    ]
    W, b = a1.neuron.collapse_linear(layers)

    assert W.shape == (2, 3) and b.shape == (2,), (
        f"three layers 3 → 5 → 4 → 2 collapse to W (2, 3) and b (2,), "
        f"got W {tuple(W.shape)} and b {tuple(b.shape)}"
    )
    x = torch.randn(6, 3, generator=torch_gen, dtype=torch.float64)
    h = x
    for W_l, b_l in layers:  # first layer first
        h = F.linear(h, W_l, b_l)
    torch.testing.assert_close(
        F.linear(x, W, b), h, msg=lambda m: f"the collapsed layer computes a different map:\n{m}"
    )

    with pytest.raises(ValueError):
        a1.neuron.collapse_linear([])
