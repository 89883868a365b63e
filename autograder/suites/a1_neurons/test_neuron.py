"""Hidden tests of neuron.py: the neuron, the fully connected layer, collapsing linear layers.

Expected values are computed here in float64 with torch (``x @ w``, ``F.linear``, explicit
matrix products) from the very inputs the student's function receives; tolerances are relative
to the scale of the sums involved, since a matrix product's rounding error grows with it.
"""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from autograder.suites.helpers import (
    FLOAT_DTYPES,
    expect,
    expect_tensor_close,
    fail,
    shares_memory,
    unchanged,
)

pytestmark = pytest.mark.neuron

F64 = torch.float64
WIDE_DTYPES = (torch.float32, torch.float64)
# Relative error allowed for sums of products, as a fraction of the sum of absolute terms.
MATMUL_TOLERANCE = {
    torch.float16: 4e-3,
    torch.bfloat16: 3e-2,
    torch.float32: 1e-5,
    torch.float64: 1e-12,
}

ACTIVATIONS = ("identity", "activations.logistic", "torch.tanh")
LAYER_ACTIVATIONS = ("identity", "activations.relu", "torch.tanh")
ACTIVATION_ORACLES = {
    "identity": lambda z: z,
    "activations.logistic": torch.sigmoid,
    "activations.relu": torch.relu,
    "torch.tanh": torch.tanh,
}
ACTIVATION_NOTE = {
    "identity": "activation=None must be the identity",
    "activations.logistic": (
        "activation=activations.logistic must be applied to x·w + b (this case also uses your "
        "activations.logistic)"
    ),
    "activations.relu": (
        "activation=activations.relu must be applied to x Wᵀ + b (this case also uses your "
        "activations.relu)"
    ),
    "torch.tanh": "a callable activation such as torch.tanh must be applied to the sum",
}


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _activation(a1, kind: str):
    if kind == "identity":
        return None
    if kind == "torch.tanh":
        return torch.tanh
    return getattr(a1.activations, kind.removeprefix("activations."))


def _randn(shape, dtype, gen) -> torch.Tensor:
    return torch.randn(shape, generator=gen, dtype=F64).to(dtype)


def _expect_close_at_scale(actual, expected, scale, message, dtype=None):
    """Close within the matmul tolerance of ``dtype`` (default: expected's), absolute part
    relative to ``scale``."""
    tolerance = MATMUL_TOLERANCE[dtype or expected.dtype]
    expect_tensor_close(
        actual, expected, message, rtol=tolerance, atol=tolerance * max(float(scale), 1.0)
    )


def _gradient_scales(function, tensors64):
    """Per-argument bounds on the terms summed in each gradient: the gradients of ``function``
    at the absolute values of its arguments (every term is then added with the same sign)."""
    leaves = [t.detach().abs().requires_grad_(True) for t in tensors64]
    grads = torch.autograd.grad(function(*leaves).sum(), leaves)
    return [float(g.max()) if g.numel() else 0.0 for g in grads]


def _expect_inputs_unchanged(pairs, function):
    for before, after in pairs:
        expect(
            unchanged(before, after),
            f"{function} changed one of its input tensors in place: compute into new tensors "
            "(no x.mul_(...), W.t_(), b += ..., out=...)",
        )


def _meta_failure(function, error):
    first_line = str(error).splitlines()[0] if str(error) else ""
    fail(
        f"{function} fails on tensors on the 'meta' device (a device without data; "
        f"{type(error).__name__}: {first_line}). It must work on any device without reading "
        "values: no .item()/.tolist()/.numpy()/.cpu(), no Python loops or ifs over tensor "
        "values, and new tensors made with torch.zeros_like(...) or on the inputs' device "
        "(torch.zeros(shape) puts them on the CPU)"
    )


DTYPE_PARAM = pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
WIDE_DTYPE_PARAM = pytest.mark.parametrize("dtype", WIDE_DTYPES, ids=_name)
X_KINDS = {"x (D,)": (6,), "x (N, D)": (5, 6)}
# The values also at the empty batch N = 0 (the contract allows it: the result has shape (0,)).
X_VALUE_KINDS = {**X_KINDS, "x (0, D)": (0, 6)}


def _max(tensor) -> float:
    """The largest entry, 0 for an empty tensor (whose .max() is an error)."""
    return float(tensor.max()) if tensor.numel() else 0.0


# ---------------------------------------------------------------------------------------------
# neuron_forward


B_KINDS = ("float", "int", "0-d tensor")


def _bias(kind: str, dtype, gen):
    value = torch.randn((), generator=gen, dtype=F64)
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(torch.randint(-3, 4, (), generator=gen))
    return value.to(dtype)


@DTYPE_PARAM
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("b_kind", B_KINDS)
@pytest.mark.parametrize("x_kind", X_VALUE_KINDS)
def test_neuron_forward_matches_reference(a1, x_kind, b_kind, activation, dtype, torch_gen):
    x = _randn(X_VALUE_KINDS[x_kind], dtype, torch_gen)
    w = _randn((6,), dtype, torch_gen)
    b = _bias(b_kind, dtype, torch_gen)
    before = [(x.clone(), x), (w.clone(), w)]
    if isinstance(b, torch.Tensor):
        before.append((b.clone(), b))
    y = a1.neuron.neuron_forward(x, w, b, activation=_activation(a1, activation))
    _expect_inputs_unchanged(before, "neuron_forward")
    b64 = b.to(F64) if isinstance(b, torch.Tensor) else torch.tensor(float(b), dtype=F64)
    x64, w64 = x.to(F64), w.to(F64)
    expected = ACTIVATION_ORACLES[activation](x64 @ w64 + b64).to(dtype)
    scale = _max(x64.abs() @ w64.abs() + b64.abs())
    _expect_close_at_scale(
        y,
        expected,
        scale,
        f"neuron_forward with {x_kind}, b a {b_kind} and {activation} activation is wrong for "
        f"{_name(dtype)} inputs: y = f(x·w + b), a 0-d tensor for x of shape (D,) and shape "
        f"(N,) for x of shape (N, D), in the inputs' dtype and device; "
        + ACTIVATION_NOTE[activation],
    )


NEURON_MISMATCHES = {
    "x (D+1,)": ((7,), (6,)),
    "x (D-1,)": ((5,), (6,)),
    "x (N, D+1)": ((4, 7), (6,)),
    "x (N, D-1)": ((4, 5), (6,)),
    # the empty batch: a check made per example (or left to a loop) never runs there
    "x (0, D+1)": ((0, 7), (6,)),
    "x (0, D-1)": ((0, 5), (6,)),
    "x (0,) against w (1,)": ((0,), (1,)),
    # shapes that broadcast silently in x * w
    "x (N, 1) against w (D,)": ((4, 1), (6,)),
    "x (N, D) against w (1,)": ((4, 6), (1,)),
    "x (N, 0) against w (1,)": ((4, 0), (1,)),
}


@pytest.mark.parametrize("b_kind", B_KINDS)
@pytest.mark.parametrize("case", NEURON_MISMATCHES)
def test_neuron_forward_rejects_length_mismatch(a1, case, b_kind, torch_gen):
    x_shape, w_shape = NEURON_MISMATCHES[case]
    x = _randn(x_shape, torch.float32, torch_gen)
    w = _randn(w_shape, torch.float32, torch_gen)
    b = _bias(b_kind, torch.float32, torch_gen)
    with pytest.raises(ValueError):
        a1.neuron.neuron_forward(x, w, b)


@WIDE_DTYPE_PARAM
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("x_kind", X_KINDS)
def test_neuron_forward_gradients_match_reference(a1, x_kind, activation, dtype, torch_gen):
    x = _randn(X_KINDS[x_kind], dtype, torch_gen).requires_grad_(True)
    w = _randn((6,), dtype, torch_gen).requires_grad_(True)
    b = _randn((), dtype, torch_gen).requires_grad_(True)
    _, grads = a1.value_and_grad(
        a1.neuron.neuron_forward, x, w, b, activation=_activation(a1, activation)
    )
    leaves = [t.detach().to(F64).requires_grad_(True) for t in (x, w, b)]
    x64, w64, b64 = leaves
    expected = torch.autograd.grad(
        ACTIVATION_ORACLES[activation](x64 @ w64 + b64).sum(), leaves
    )
    scales = _gradient_scales(lambda x, w, b: x @ w + b, leaves)
    for label, grad, want, scale in zip(("x", "w", "b"), grads, expected, scales, strict=True):
        expect(
            grad is not None,
            f"neuron_forward: no gradient reaches {label}: compute with differentiable tensor "
            "operations on the inputs themselves",
        )
        _expect_close_at_scale(
            grad,
            want.to(dtype),
            scale,
            f"neuron_forward ({x_kind}, {activation} activation): the gradient with respect to "
            f"{label} is wrong",
        )


# ---------------------------------------------------------------------------------------------
# layer_forward

# (N, D_in, D_out); D_out = 1 takes a bias of shape (1,), which is (D_out,) there.
LAYER_SHAPES = ((6, 5, 3), (1, 4, 1), (3, 1, 2), (0, 4, 3), (5, 3, 1))


@DTYPE_PARAM
@pytest.mark.parametrize("activation", LAYER_ACTIVATIONS)
def test_layer_forward_matches_reference(a1, activation, dtype, torch_gen):
    for n, d_in, d_out in LAYER_SHAPES:
        x = _randn((n, d_in), dtype, torch_gen)
        W = _randn((d_out, d_in), dtype, torch_gen)
        b = _randn((d_out,), dtype, torch_gen)
        before = [(t.clone(), t) for t in (x, W, b)]
        y = a1.neuron.layer_forward(x, W, b, activation=_activation(a1, activation))
        _expect_inputs_unchanged(before, "layer_forward")
        x64, W64, b64 = x.to(F64), W.to(F64), b.to(F64)
        expected = ACTIVATION_ORACLES[activation](F.linear(x64, W64, b64)).to(dtype)
        scale = _max(x64.abs() @ W64.abs().T + b64.abs())
        _expect_close_at_scale(
            y,
            expected,
            scale,
            f"layer_forward with x ({n}, {d_in}), W ({d_out}, {d_in}), b ({d_out},) and "
            f"{activation} activation is wrong for {_name(dtype)} inputs: f(x Wᵀ + b) has "
            "shape (N, D_out) (row k of W holds the weights of output k; keep every dimension, "
            "even of size 1); " + ACTIVATION_NOTE[activation],
        )


# b must have shape exactly (D_out,): a (1,) or 0-d bias broadcasts, and for D_out ≠ 1 it does
# not fit; for D_out = 1, (1,) is (D_out,) itself (LAYER_SHAPES has that case).
LAYER_MISMATCHES = {
    "x with D_in + 1 columns": ((4, 6), (3, 5), (3,)),
    "W given as (D_in, D_out)": ((4, 5), (5, 3), (3,)),
    "b with D_out + 1 entries": ((4, 5), (3, 5), (4,)),
    "b of length 1 (would broadcast)": ((4, 5), (3, 5), (1,)),
    "b a 0-d tensor (would broadcast)": ((4, 5), (3, 5), ()),
    "b a 0-d tensor, D_out = 1": ((4, 5), (1, 5), ()),
    "b a column (D_out, 1), N = D_out (would broadcast)": ((3, 5), (3, 5), (3, 1)),
    # the empty batch: a check made per example (or left to a loop) never runs there
    "x (0, D_in + 1)": ((0, 6), (3, 5), (3,)),
    "W given as (D_in, D_out), N = 0": ((0, 5), (5, 3), (3,)),
    "b with D_out + 1 entries, N = 0": ((0, 5), (3, 5), (4,)),
    "b of length 1, N = 0": ((0, 5), (3, 5), (1,)),
}


@pytest.mark.parametrize("case", LAYER_MISMATCHES)
def test_layer_forward_rejects_shape_mismatch(a1, case, torch_gen):
    x_shape, W_shape, b_shape = LAYER_MISMATCHES[case]
    x = _randn(x_shape, torch.float32, torch_gen)
    W = _randn(W_shape, torch.float32, torch_gen)
    b = _randn(b_shape, torch.float32, torch_gen)
    with pytest.raises(ValueError):
        a1.neuron.layer_forward(x, W, b)


@WIDE_DTYPE_PARAM
@pytest.mark.parametrize("activation", LAYER_ACTIVATIONS)
def test_layer_forward_gradients_match_reference(a1, activation, dtype, torch_gen):
    n, d_in, d_out = 6, 5, 3
    x = _randn((n, d_in), dtype, torch_gen).requires_grad_(True)
    W = _randn((d_out, d_in), dtype, torch_gen).requires_grad_(True)
    b = _randn((d_out,), dtype, torch_gen).requires_grad_(True)
    _, grads = a1.value_and_grad(
        a1.neuron.layer_forward, x, W, b, activation=_activation(a1, activation)
    )
    leaves = [t.detach().to(F64).requires_grad_(True) for t in (x, W, b)]
    expected = torch.autograd.grad(
        ACTIVATION_ORACLES[activation](F.linear(*leaves)).sum(), leaves
    )
    scales = _gradient_scales(F.linear, leaves)
    for label, grad, want, scale in zip(("x", "W", "b"), grads, expected, scales, strict=True):
        expect(grad is not None, f"layer_forward: no gradient reaches {label}")
        _expect_close_at_scale(
            grad,
            want.to(dtype),
            scale,
            f"layer_forward ({activation} activation): the gradient with respect to {label} "
            "is wrong",
        )


# ---------------------------------------------------------------------------------------------
# collapse_linear

# D_in, then each layer's D_out; the square stack catches a product taken in the wrong order.
DEPTH_DIMS = {
    "1-layer": (5, 3),
    "2-layer": (5, 3, 7),
    "3-layer": (5, 3, 7, 2),
    "3-layer square": (4, 4, 4, 4),
}


def _layers(stack, dtype, gen):
    dims = DEPTH_DIMS[stack]
    return [
        (_randn((d_out, d_in), dtype, gen), _randn((d_out,), dtype, gen))
        for d_in, d_out in itertools.pairwise(dims)
    ]


def _apply_layers(layers, x):
    for W, b in layers:
        x = x @ W.T + b
    return x


def _collapsed_oracle(layers64):
    """W = W_L ⋯ W_1 and b = the map at input 0, with bounds for their rounding errors."""
    W, W_abs = layers64[0][0], layers64[0][0].abs()
    for W_l, _ in layers64[1:]:
        W, W_abs = W_l @ W, W_l.abs() @ W_abs
    zero = torch.zeros(layers64[0][0].shape[1], dtype=F64)
    b = _apply_layers(layers64, zero)
    b_abs = _apply_layers([(W_l.abs(), b_l.abs()) for W_l, b_l in layers64], zero)
    return W, b, float(W_abs.detach().max()), float(b_abs.detach().max())


def _unpack_pair(result):
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        "collapse_linear must return one (W, b) pair",
    )
    W, b = result
    expect(
        isinstance(W, torch.Tensor) and isinstance(b, torch.Tensor),
        "collapse_linear must return a pair of tensors (W, b)",
    )
    return W, b


@DTYPE_PARAM
@pytest.mark.parametrize("stack", DEPTH_DIMS)
def test_collapse_linear_matches_product_and_map(a1, stack, dtype, torch_gen):
    depth = len(DEPTH_DIMS[stack]) - 1
    layers = _layers(stack, dtype, torch_gen)
    originals = [(W, b) for W, b in layers]
    copies = [(W.clone(), b.clone()) for W, b in layers]
    W_c, b_c = _unpack_pair(a1.neuron.collapse_linear(layers))
    expect(
        len(layers) == depth and all(
            p[0] is o[0] and p[1] is o[1] for p, o in zip(layers, originals, strict=True)
        ),
        "collapse_linear changed the list of layers it was given (pop, reverse, assignment): "
        "work on a copy",
    )
    _expect_inputs_unchanged(
        [pair for (W0, b0), (W, b) in zip(copies, layers, strict=True)
         for pair in ((W0, W), (b0, b))],
        "collapse_linear",
    )
    layers64 = [(W.to(F64), b.to(F64)) for W, b in layers]
    W64, b64, W_scale, b_scale = _collapsed_oracle(layers64)
    dims = DEPTH_DIMS[stack]
    _expect_close_at_scale(
        W_c,
        W64.to(dtype),
        W_scale,
        f"collapse_linear of {depth} layer(s) {' → '.join(map(str, dims))}: W must be "
        "W_L ⋯ W_2 W_1 (the first layer's matrix on the right, shape (D_out of the last, D_in "
        "of the first)), in the layers' dtype and device",
    )
    _expect_close_at_scale(
        b_c,
        b64.to(dtype),
        b_scale,
        f"collapse_linear of {depth} layer(s): b must be the output of the stack for input 0, "
        "b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L, shape (D_out of the last layer,)",
    )
    x64 = torch.randn((4, dims[0]), generator=torch_gen, dtype=F64)
    through_layers = _apply_layers(layers64, x64)
    collapsed_map = x64 @ W_c.to(F64).T + b_c.to(F64)
    map_scale = float(_apply_layers([(W.abs(), b.abs()) for W, b in layers64], x64.abs()).max())
    _expect_close_at_scale(
        collapsed_map,
        through_layers,
        map_scale,
        f"the pair returned by collapse_linear does not compute the same map as applying the "
        f"{depth} layer(s) in order (first pair first)",
        dtype=dtype,
    )


COLLAPSE_MISMATCHES = {
    "inner dimensions differ": [((3, 5), (3,)), ((7, 4), (7,))],
    "b does not fit its W": [((3, 5), (4,))],
    "b of the second layer has length 1": [((3, 5), (3,)), ((7, 3), (1,))],
    "third layer does not fit the second": [((3, 5), (3,)), ((7, 3), (7,)), ((2, 3), (2,))],
    # one pair: checks made only between consecutive layers never see it
    "one pair, b of length 1": [((3, 5), (1,))],
    "one pair, b a column (D_out, 1)": [((3, 5), (3, 1))],
    "one pair, b a 0-d tensor": [((3, 5), ())],
    "one pair, D_out = 0 and b of length 1": [((0, 5), (1,))],
    "b of the first layer does not fit its W": [((3, 5), (4,)), ((7, 3), (7,))],
    "b of the first layer a column (D_out, 1)": [((3, 5), (3, 1)), ((7, 3), (7,))],
}


@pytest.mark.parametrize("case", COLLAPSE_MISMATCHES)
def test_collapse_linear_rejects_mismatched_shapes(a1, case, torch_gen):
    layers = [
        (_randn(W_shape, torch.float32, torch_gen), _randn(b_shape, torch.float32, torch_gen))
        for W_shape, b_shape in COLLAPSE_MISMATCHES[case]
    ]
    with pytest.raises(ValueError):
        a1.neuron.collapse_linear(layers)


def test_collapse_linear_rejects_empty_list(a1):
    with pytest.raises(ValueError):
        a1.neuron.collapse_linear([])


@WIDE_DTYPE_PARAM
@pytest.mark.parametrize("stack", DEPTH_DIMS)
def test_collapse_linear_gradients_match_reference(a1, stack, dtype, torch_gen):
    depth = len(DEPTH_DIMS[stack]) - 1
    layers = [(W.requires_grad_(True), b.requires_grad_(True))
              for W, b in _layers(stack, dtype, torch_gen)]
    params = [t for pair in layers for t in pair]
    W_c, b_c = _unpack_pair(a1.neuron.collapse_linear(layers))
    expect(
        W_c.requires_grad and b_c.requires_grad,
        "collapse_linear's result is not connected to autograd: compute W and b from the "
        "layers' tensors with differentiable operations (no .detach(), no torch.tensor(...))",
    )
    R = torch.randn(W_c.shape, generator=torch_gen, dtype=F64)
    r = torch.randn(b_c.shape, generator=torch_gen, dtype=F64)
    objective = (W_c * R.to(dtype)).sum() + (b_c * r.to(dtype)).sum()
    grads = torch.autograd.grad(objective, params, allow_unused=True)
    leaves = [t.detach().to(F64).requires_grad_(True) for t in params]

    def objective64(*tensors, R=R, r=r):
        W64, b64, _, _ = _collapsed_oracle(list(zip(tensors[0::2], tensors[1::2], strict=True)))
        return (W64 * R).sum() + (b64 * r).sum()

    expected = torch.autograd.grad(objective64(*leaves), leaves)
    scales = _gradient_scales(
        lambda *tensors: objective64(*tensors, R=R.abs(), r=r.abs()), leaves
    )
    for index, (grad, want, scale) in enumerate(zip(grads, expected, scales, strict=True)):
        label = f"{'W' if index % 2 == 0 else 'b'}_{index // 2 + 1}"
        expect(grad is not None, f"collapse_linear: no gradient reaches {label}")
        _expect_close_at_scale(
            grad,
            want.to(dtype),
            scale,
            f"collapse_linear of {depth} layer(s): the gradient with respect to {label} is wrong",
        )


# ---------------------------------------------------------------------------------------------
# Fresh results, any device


def _run_neuron_function(a1, function, dtype, device, gen=None, n=4):
    """Call ``function`` on small inputs (``n`` examples, or for collapse_linear ``n`` - 1
    inputs: n = 0 makes x, or the first W, empty); returns (inputs, results)."""
    def make(shape):
        if device == "meta":
            return torch.empty(shape, dtype=dtype, device="meta")
        return _randn(shape, dtype, gen)

    if function == "neuron_forward":
        inputs = [make((n, 3)), make((3,)), make(())]
        results = [a1.neuron.neuron_forward(*inputs)]
    elif function == "layer_forward":
        inputs = [make((n, 3)), make((2, 3)), make((2,))]
        results = [a1.neuron.layer_forward(*inputs)]
    else:
        # Two pairs: their product is a new tensor. (For a single pair the contract lets
        # collapse_linear return that pair itself, so it is not asked here.)
        inputs = [make((2, max(n - 1, 0))), make((2,)), make((5, 2)), make((5,))]
        results = list(a1.neuron.collapse_linear([(inputs[0], inputs[1]), (inputs[2], inputs[3])]))
    return inputs, results


NEURON_FUNCTIONS = ("neuron_forward", "layer_forward", "collapse_linear")


@pytest.mark.parametrize("n", [4, 0], ids=["N=4", "empty"])
@pytest.mark.parametrize("function", NEURON_FUNCTIONS)
def test_neuron_results_are_new_tensors(a1, function, n, torch_gen):
    inputs, results = _run_neuron_function(a1, function, torch.float32, "cpu", torch_gen, n=n)
    before = [t.clone() for t in inputs]
    for y in results:
        expect(isinstance(y, torch.Tensor), f"{function} must return tensors")
        for t in inputs:
            expect(y is not t, f"{function} returns one of its inputs itself: return new tensors")
            expect(
                not shares_memory(y, t),
                f"{function} returns a view of one of its inputs (at N = {n}): return new "
                "tensors, also for an empty batch",
            )
    with torch.no_grad():
        for y in results:
            if all(stride != 0 for stride in y.stride()):
                y.fill_(7.0)
    for b, t in zip(before, inputs, strict=True):
        expect(unchanged(b, t), f"writing into the result of {function} changes its inputs")


EXPECTED_META_SHAPES = {
    "neuron_forward": [(4,)],
    "layer_forward": [(4, 2)],
    "collapse_linear": [(5, 3), (5,)],
}


@DTYPE_PARAM
@pytest.mark.parametrize("function", NEURON_FUNCTIONS)
def test_neuron_function_works_on_meta_device(a1, function, dtype, torch_gen):
    _run_neuron_function(a1, function, dtype, "cpu", torch_gen)  # the ordinary call first
    try:
        _, results = _run_neuron_function(a1, function, dtype, "meta")
        if function == "neuron_forward":  # one example, a Python bias
            x, w = torch.empty((3,), dtype=dtype, device="meta"), torch.empty(
                (3,), dtype=dtype, device="meta"
            )
            single = a1.neuron.neuron_forward(x, w, 0.25)
    except (RuntimeError, TypeError) as error:
        _meta_failure(function, error)
    for y, shape in zip(results, EXPECTED_META_SHAPES[function], strict=True):
        expect(isinstance(y, torch.Tensor), f"{function} must return tensors")
        expect(
            y.device.type == "meta",
            f"{function} returns its result on another device than its inputs: create new "
            "tensors on the inputs' device and do not move data (.cpu(), .to(...))",
        )
        expect(tuple(y.shape) == shape, f"{function} returns the wrong shape")
        expect(y.dtype == dtype, f"{function} returns another dtype than its inputs'")
    if function == "neuron_forward":
        expect(
            isinstance(single, torch.Tensor) and single.device.type == "meta"
            and single.dim() == 0 and single.dtype == dtype,
            "neuron_forward of one example must be a 0-d tensor on the inputs' device",
        )
