"""Hidden tests of activations.py: every row and common rule of the contract.

Expected values come from torch's own float64 implementations (computed here, in the test,
never inside the student's call) rounded to the dtype under test, or from properties.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.readguard import ValueReadError, guarded, meta_shapes_only
from autograder.suites.a1_neurons.strategies import float_tensors, shapes
from autograder.suites.helpers import (
    ASSERT_CLOSE_TOLERANCES,
    FLOAT_DTYPES,
    expect,
    expect_tensor_close,
    fail,
    shares_memory,
    unchanged,
)

pytestmark = pytest.mark.activations

F64 = torch.float64
HALF_DTYPES = (torch.float16, torch.bfloat16)
WIDE_DTYPES = (torch.float32, torch.float64)
SHAPES = {"0-d": (), "empty": (0,), "1-D": (9,), "3-D": (2, 3, 4)}

# assert_close's default tolerances, which the contract adopts: (rtol, atol).
CONTRACT_TOLERANCE = ASSERT_CLOSE_TOLERANCES
# Gradient values (float32/float64 only) are held to the same bar as function values.
GRADIENT_TOLERANCE = {dtype: CONTRACT_TOLERANCE[dtype] for dtype in WIDE_DTYPES}


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _a(word: str) -> str:
    """``word`` with its indefinite article: "a 0-d", "an empty"."""
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _eps(dtype: torch.dtype) -> float:
    return torch.finfo(dtype).eps


# ---------------------------------------------------------------------------------------------
# float64 oracles (torch's own implementations, run in the test)


def _derivative(function, x64: torch.Tensor) -> torch.Tensor:
    x64 = x64.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(function(x64).sum(), x64)
    return grad


def _heaviside_oracle(x):
    return torch.heaviside(x, torch.ones_like(x))


def _leaky_relu_oracle(x, negative_slope=0.01):
    return F.leaky_relu(x, negative_slope)


def _softplus_oracle(x, beta=1.0):
    return torch.logaddexp(beta * x, torch.zeros_like(x)) / beta


def _logistic_grad_oracle(x):
    return _derivative(torch.sigmoid, x)


def _tanh_grad_oracle(x):
    return _derivative(torch.tanh, x)


def _relu_grad_oracle(x):
    return torch.heaviside(x, torch.zeros_like(x))


def _prelu_oracle(x, a):
    return F.relu(x) - a * F.relu(-x)


ORACLES = {
    "sign": torch.sign,
    "heaviside": _heaviside_oracle,
    "logistic": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": _leaky_relu_oracle,
    "silu": F.silu,
    "softplus": _softplus_oracle,
    "logistic_grad": _logistic_grad_oracle,
    "tanh_grad": _tanh_grad_oracle,
    "relu_grad": _relu_grad_oracle,
}
ELEMENTWISE = tuple(ORACLES)  # every function of the module but prelu, which takes a slope
ALL_FUNCTIONS = (*ELEMENTWISE, "prelu")
DIFFERENTIABLE = ("logistic", "tanh", "relu", "leaky_relu", "prelu", "silu", "softplus")
CONTINUOUS = (*DIFFERENTIABLE, "logistic_grad", "tanh_grad")

HINTS = {
    "sign": "sign(x) is −1 for x < 0, 0 for x = 0 and +1 for x > 0, in x's dtype",
    "heaviside": "heaviside(x) is 1 for x ≥ 0 (also at 0 and −0.0) and 0 for x < 0",
    "logistic": (
        "compute logistic from e^(−|x|) only (it lies in (0, 1]): 1/(1+e) for x ≥ 0 and "
        "e/(1+e) for x < 0"
    ),
    "tanh": "use e^(−2|x|) (or a stable logistic: tanh(x) = 2σ(2x) − 1), never e^(+|x|)",
    "relu": "relu(x) is max(0, x)",
    "leaky_relu": "leaky_relu(x) is x for x ≥ 0 and negative_slope·x (default 0.01) otherwise",
    "prelu": "prelu(x, a) is x for x ≥ 0 and a·x otherwise, a broadcast along the last dim",
    "silu": "silu(x) is x·σ(x) with a stable logistic σ",
    "softplus": "use log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)) with z = βx, then divide by β",
    "logistic_grad": "σ(x)(1 − σ(x)) equals e^(−|x|) / (1 + e^(−|x|))²",
    "tanh_grad": "1 − tanh²(x) equals 4e / (1 + e)² with e = e^(−2|x|)",
    "relu_grad": "relu_grad(x) is 1 for x > 0 and 0 for x ≤ 0 (0 at x = 0)",
}
HALF_HINT = (
    "; for float16/bfloat16 compute in float32 (x.float()) and convert back with .to(x.dtype)"
)


def _random_values(shape, dtype, gen, low=1e-3, high=60.0, zeros=True) -> torch.Tensor:
    """Random signs and log-uniform magnitudes in [low, high]; two entries ±0 if zeros."""
    n = math.prod(shape)
    magnitude = torch.empty(n, dtype=F64).uniform_(math.log(low), math.log(high), generator=gen)
    sign = torch.randint(0, 2, (n,), generator=gen).to(F64) * 2 - 1
    values = sign * magnitude.exp()
    if zeros and n >= 2:
        values[0], values[1] = 0.0, -0.0
    return values.reshape(shape).to(dtype)


def _slope(x: torch.Tensor, kind: str, gen) -> torch.Tensor:
    """A prelu slope for x: 0-d, shape (1,) or shape (D,), values in [−0.5, 1.5]."""
    shape = {"0-d": (), "(1,)": (1,), "(D,)": (x.shape[-1],) if x.dim() else ()}[kind]
    return (torch.rand(shape, generator=gen, dtype=F64) * 2 - 0.5).to(x.dtype)


def _call(a1, name, x, **kwargs):
    return getattr(a1.activations, name)(x, **kwargs)


def _extremes(dtype: torch.dtype) -> torch.Tensor:
    """Finite inputs that break naive formulas: ±the dtype's largest value, ±1e4, ±tiny, ±0."""
    info = torch.finfo(dtype)
    positive = [info.max, 1e4, 1e3, 100.0, 50.0, 1.0, info.smallest_normal]
    values = [-v for v in positive] + [-0.0, 0.0] + positive
    return torch.tensor(values, dtype=F64).to(dtype)


def _expect_unchanged(before, after, name):
    expect(
        unchanged(before, after),
        f"{name} changed its input in place: build the result in new tensors "
        "(no x.mul_(...), x[...] = ..., out=x, or x.clamp_(...))",
    )


DTYPE_PARAM = pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
WIDE_DTYPE_PARAM = pytest.mark.parametrize("dtype", WIDE_DTYPES, ids=_name)


# ---------------------------------------------------------------------------------------------
# Values against float64 oracles, for every function, dtype and shape


@pytest.mark.parametrize("shape_name", SHAPES)
@DTYPE_PARAM
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_matches_float64_reference(a1, name, dtype, shape_name, torch_gen):
    x = _random_values(SHAPES[shape_name], dtype, torch_gen)
    before = x.clone()
    y = _call(a1, name, x)
    _expect_unchanged(before, x, name)
    expected = ORACLES[name](x.to(F64)).to(dtype)
    expect_tensor_close(
        y,
        expected,
        f"{name} on {_a(shape_name)} {_name(dtype)} tensor is not within {_name(dtype)} "
        f"tolerances of the definition (the result must be a new tensor of x's shape, dtype and "
        f"device): {HINTS[name]}" + (HALF_HINT if dtype in HALF_DTYPES else ""),
    )


@DTYPE_PARAM
@pytest.mark.parametrize("negative_slope", [0.0, 0.2, 1.5])
def test_leaky_relu_custom_slope_matches_reference(a1, negative_slope, dtype, torch_gen):
    for shape_name, shape in SHAPES.items():
        x = _random_values(shape, dtype, torch_gen)
        before = x.clone()
        y = a1.activations.leaky_relu(x, negative_slope=negative_slope)
        _expect_unchanged(before, x, "leaky_relu")
        expected = _leaky_relu_oracle(x.to(F64), negative_slope).to(dtype)
        expect_tensor_close(
            y,
            expected,
            f"leaky_relu(x, negative_slope=s) on {_a(shape_name)} {_name(dtype)} tensor is wrong "
            "for a slope other than the default: use the negative_slope argument, not 0.01",
        )


@DTYPE_PARAM
@pytest.mark.parametrize("beta", [0.5, 2.0, 10.0])
def test_softplus_with_beta_matches_reference(a1, beta, dtype, torch_gen):
    for shape_name, shape in SHAPES.items():
        x = _random_values(shape, dtype, torch_gen)
        before = x.clone()
        y = a1.activations.softplus(x, beta=beta)
        _expect_unchanged(before, x, "softplus")
        expected = _softplus_oracle(x.to(F64), beta).to(dtype)
        expect_tensor_close(
            y,
            expected,
            f"softplus(x, beta) on {_a(shape_name)} {_name(dtype)} tensor is wrong for β ≠ 1: "
            "the definition is (1/β)·log(1 + e^(βx))",
        )


@pytest.mark.parametrize("beta", [0.0, -0.0, -1.0, -1e-3])
def test_softplus_rejects_nonpositive_beta(a1, beta, torch_gen):
    x = _random_values((5,), torch.float32, torch_gen)
    with pytest.raises(ValueError):
        a1.activations.softplus(x, beta=beta)


# ---------------------------------------------------------------------------------------------
# Every finite float16 and bfloat16 value, one call per function and dtype


def _every_finite_value(dtype: torch.dtype) -> torch.Tensor:
    """All finite values of a 16-bit float dtype (±0, subnormals and ±max included), 1-D."""
    x = torch.arange(-32768, 32768, dtype=torch.int16).view(dtype)
    return x[x.isfinite()]


PRELU_TEST_SLOPE = 0.3  # a 0-d slope whose products a·x are not exact in half precision
EVERY_VALUE_CASES = {
    "logistic": ("logistic", {}, torch.sigmoid),
    "tanh": ("tanh", {}, torch.tanh),
    "relu": ("relu", {}, torch.relu),
    "leaky_relu": ("leaky_relu", {}, _leaky_relu_oracle),
    "prelu": ("prelu", {"a": PRELU_TEST_SLOPE}, _prelu_oracle),
    "silu": ("silu", {}, F.silu),
    "softplus": ("softplus", {}, _softplus_oracle),
    # β < 1: for β > 1, z = βx overflows float32 for bfloat16's largest values (x > max/β),
    # and the reference's softplus is inf there; the contract leaves that input range open,
    # as test_softplus_equals_x_for_very_large_inputs does (its x = max only with β = 1).
    "softplus-beta0.5": ("softplus", {"beta": 0.5}, _softplus_oracle),
    "logistic_grad": ("logistic_grad", {}, _logistic_grad_oracle),
    "tanh_grad": ("tanh_grad", {}, _tanh_grad_oracle),
}
# Where a formula evaluated in float16 itself (no float32 working precision) leaves the
# tolerance: each rounded intermediate result adds an error, up to about two units in the last
# place at the end.
HALF_DIRECT_WHERE = {
    "tanh": " (tanh in float16 directly is off by up to two ulps for |x| between about 0.35 "
    "and 1.95)",
    "logistic_grad": " (logistic_grad in float16 directly is off by up to two ulps for |x| "
    "between about 0.5 and 3.7)",
}


@pytest.mark.parametrize("dtype", HALF_DTYPES, ids=_name)
@pytest.mark.parametrize("case", EVERY_VALUE_CASES)
def test_half_precision_is_accurate_for_every_finite_value(a1, case, dtype):
    name, kwargs, oracle = EVERY_VALUE_CASES[case]
    x = _every_finite_value(dtype)
    if name == "prelu":
        a = torch.tensor(kwargs["a"], dtype=F64).to(dtype)
        kwargs = {"a": a}
        expected = oracle(x.to(F64), a.to(F64)).to(dtype)
    else:
        expected = oracle(x.to(F64), **kwargs).to(dtype)
    y = _call(a1, name, x, **kwargs)
    expect_tensor_close(
        y,
        expected,
        f"{case} is not within {_name(dtype)} tolerances of the definition for every finite "
        f"{_name(dtype)} input (the test tries all {x.numel()} of them): compute in float32 "
        "(x.float()) and round back to x's dtype once, at the end (.to(x.dtype)); evaluated in "
        f"{_name(dtype)} itself, every intermediate result is rounded to {_name(dtype)} and "
        "the errors add up past the tolerance for some inputs"
        + (HALF_DIRECT_WHERE.get(name, "") if dtype == torch.float16 else "")
        + f"; no intermediate may overflow either: {HINTS[name]}",
    )


PRELU_CASES = [
    ("0-d", "0-d"),
    *[
        (x_shape, a_kind)
        for x_shape in ("empty", "1-D", "2-D square", "3-D")
        for a_kind in ("0-d", "(1,)", "(D,)")
    ],
]
PRELU_SHAPES = {"0-d": (), "empty": (2, 0, 5), "1-D": (9,), "2-D square": (5, 5), "3-D": (2, 3, 4)}


@DTYPE_PARAM
@pytest.mark.parametrize(
    ("x_shape", "a_kind"), PRELU_CASES, ids=[f"x {s}-a {k}" for s, k in PRELU_CASES]
)
def test_prelu_matches_reference_for_every_slope_shape(a1, x_shape, a_kind, dtype, torch_gen):
    x = _random_values(PRELU_SHAPES[x_shape], dtype, torch_gen)
    a = _slope(x, a_kind, torch_gen)
    x_before, a_before = x.clone(), a.clone()
    y = a1.activations.prelu(x, a)
    _expect_unchanged(x_before, x, "prelu")
    _expect_unchanged(a_before, a, "prelu (its slope a)")
    expected = _prelu_oracle(x.to(F64), a.to(F64)).to(dtype)
    expect_tensor_close(
        y,
        expected,
        f"prelu(x, a) with {_a(x_shape)} {_name(dtype)} x and a slope a of shape {a_kind} is "
        "wrong; the result has x's shape and a broadcasts along x's last dimension: "
        + HINTS["prelu"],
    )


# ---------------------------------------------------------------------------------------------
# Special values


@DTYPE_PARAM
def test_sign_at_zero_and_both_signs(a1, dtype):
    x = _extremes(dtype)
    y = a1.activations.sign(x)
    expect_tensor_close(
        y,
        torch.sign(x.to(F64)).to(dtype),
        "sign must be exactly −1 for every x < 0 (also tiny and huge ones), 0 at ±0 and +1 for "
        "x > 0, in x's dtype",
        rtol=0,
        atol=0,
    )
    y0 = a1.activations.sign(torch.zeros((), dtype=dtype))
    expect_tensor_close(y0, torch.zeros((), dtype=dtype), "sign of a 0-d zero must be 0",
                        rtol=0, atol=0)


@DTYPE_PARAM
def test_heaviside_is_one_at_zero_and_negative_zero(a1, dtype):
    x = _extremes(dtype)
    y = a1.activations.heaviside(x)
    expect_tensor_close(
        y,
        _heaviside_oracle(x.to(F64)).to(dtype),
        "heaviside must be 1 for x ≥ 0 — including x = 0 and x = −0.0 (−0.0 >= 0 is true), as "
        "on the lecture slide — and 0 for every x < 0",
        rtol=0,
        atol=0,
    )
    for zero in (0.0, -0.0):
        y0 = a1.activations.heaviside(torch.tensor(zero, dtype=dtype))
        expect_tensor_close(
            y0, torch.ones((), dtype=dtype), "heaviside of a 0-d ±0 must be 1", rtol=0, atol=0
        )


@DTYPE_PARAM
def test_logistic_is_exactly_one_half_at_zero(a1, dtype):
    for x in (torch.zeros((), dtype=dtype), torch.tensor([0.0, -0.0], dtype=dtype)):
        y = a1.activations.logistic(x)
        expect_tensor_close(
            y,
            torch.full_like(x, 0.5),
            "logistic(0) must be exactly 0.5 (also at −0.0): 1/(1 + e^0) = 1/2",
            rtol=0,
            atol=0,
        )


@DTYPE_PARAM
def test_relu_grad_is_zero_at_zero(a1, dtype):
    x = _extremes(dtype)
    y = a1.activations.relu_grad(x)
    expect_tensor_close(
        y,
        _relu_grad_oracle(x.to(F64)).to(dtype),
        "relu_grad must be 0 at x = 0 and x = −0.0 (the lecture's choice), 0 for x < 0 and 1 "
        "for x > 0",
        rtol=0,
        atol=0,
    )


@DTYPE_PARAM
@pytest.mark.parametrize("name", ALL_FUNCTIONS)
def test_extreme_inputs_give_finite_accurate_outputs(a1, name, dtype):
    x = _extremes(dtype)
    before = x.clone()
    if name == "prelu":
        a = torch.tensor(0.25, dtype=dtype)
        y = a1.activations.prelu(x, a)
        expected = _prelu_oracle(x.to(F64), a.to(F64)).to(dtype)
    else:
        y = _call(a1, name, x)
        expected = ORACLES[name](x.to(F64)).to(dtype)
    _expect_unchanged(before, x, name)
    expect(isinstance(y, torch.Tensor), f"{name} must return a torch.Tensor")
    expect(
        bool(torch.isfinite(y).all()),
        f"{name} returns NaN or inf for finite {_name(dtype)} inputs such as ±1e4 or the "
        f"largest finite {_name(dtype)} value: {HINTS[name]}",
    )
    expect_tensor_close(
        y,
        expected,
        f"{name} is inaccurate for extreme finite {_name(dtype)} inputs (±1e4, ±the largest "
        f"finite value, ±tiny, ±0): {HINTS[name]}",
    )


@DTYPE_PARAM
@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_softplus_equals_x_for_very_large_inputs(a1, beta, dtype):
    values = [1e3, 1e4] + ([torch.finfo(dtype).max] if beta == 1.0 else [])
    x = torch.tensor(values, dtype=F64).to(dtype)
    y = a1.activations.softplus(x, beta=beta)
    expect_tensor_close(
        y,
        x.clone(),
        "softplus(x) must be x for large βx (softplus(1e4) = 1e4), not inf: e^(βx) overflows, "
        "so use max(z, 0) + log1p(e^(−|z|)) with z = βx",
    )


@pytest.mark.parametrize(
    "dtype", [torch.bfloat16, torch.float32, torch.float64], ids=_name
)
@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_softplus_relative_accuracy_for_large_negative_inputs(a1, beta, dtype):
    values = [-30.0, -50.0, -80.0] + ([-500.0, -700.0] if dtype == F64 else [])
    x = (torch.tensor(values, dtype=F64) / beta).to(dtype)
    y = a1.activations.softplus(x, beta=beta)
    expected = _softplus_oracle(x.to(F64), beta).to(dtype)
    rtol = {torch.bfloat16: 1.6e-2, torch.float32: 1e-5, F64: 1e-12}[dtype]
    expect_tensor_close(
        y,
        expected,
        "softplus loses its relative accuracy for large negative βx, where log(1 + e^z) ≈ e^z "
        "is a tiny positive number: use log1p(e^z) (never log(1 + e^z)) and do not add and "
        "subtract large terms",
        rtol=rtol,
        atol=0.0,
    )


# ---------------------------------------------------------------------------------------------
# NaN in, NaN out


@DTYPE_PARAM
@pytest.mark.parametrize("name", CONTINUOUS)
def test_nan_input_gives_nan_output(a1, name, dtype):
    nan = float("nan")
    x = torch.tensor([[nan, -3.0, 0.0], [2.5, nan, -0.25]], dtype=dtype)
    if name == "prelu":
        y = a1.activations.prelu(x, torch.tensor(0.25, dtype=dtype))
    else:
        y = _call(a1, name, x)
    expect(isinstance(y, torch.Tensor), f"{name} must return a torch.Tensor")
    expect(tuple(y.shape) == tuple(x.shape), f"{name} must return a tensor of x's shape")
    expect(
        bool(y[x.isnan()].isnan().all()),
        f"{name}(NaN) must be NaN for a continuous function: comparisons with NaN are false, "
        "so torch.where(x > 0, x, 0) silently maps NaN to 0; arrange the branches so that NaN "
        "flows through (e.g. torch.where(x < 0, ..., x)), or use clamp/maximum which propagate "
        "NaN",
    )


# ---------------------------------------------------------------------------------------------
# Autograd: finite gradients, and the right ones

GRADIENT_CASES = {
    "logistic": ("logistic", {}, torch.sigmoid),
    "tanh": ("tanh", {}, torch.tanh),
    "relu": ("relu", {}, torch.relu),
    "leaky_relu": ("leaky_relu", {}, _leaky_relu_oracle),
    "leaky_relu-slope0.2": (
        "leaky_relu",
        {"negative_slope": 0.2},
        lambda x: _leaky_relu_oracle(x, 0.2),
    ),
    "silu": ("silu", {}, F.silu),
    "softplus": ("softplus", {}, _softplus_oracle),
    "softplus-beta3": ("softplus", {"beta": 3.0}, lambda x: _softplus_oracle(x, 3.0)),
}
FINITE_GRADIENT_HINTS = {
    "logistic": (
        "torch.where computes the gradient of both branches and multiplies the unused one by "
        "0, and 0·inf = NaN: make sure no branch can overflow (use e^(−|x|) in both)"
    ),
    "tanh": "no intermediate may overflow: use e^(−2|x|) in every branch",
    "relu": "relu needs no exp at all",
    "leaky_relu": "leaky_relu needs no exp at all",
    "silu": "silu = x·σ(x) with a logistic whose branches cannot overflow",
    "softplus": "use max(z, 0) + log1p(e^(−|z|)); no branch of torch.where may overflow",
}


def _finite_gradient_inputs(dtype):
    positive = [1e4, 1e3, 100.0, 30.0, 1.0, 1e-3]
    values = [-v for v in positive] + [-0.0, 0.0] + positive
    return torch.tensor(values, dtype=dtype)


@DTYPE_PARAM  # "finite gradients for every finite input": half precision included
@pytest.mark.parametrize("case", [*GRADIENT_CASES, "prelu"])
def test_autograd_gradients_are_finite(a1, case, dtype):
    x = _finite_gradient_inputs(dtype).requires_grad_(True)
    if case == "prelu":
        a = torch.tensor(0.25, dtype=dtype, requires_grad=True)
        _, grads = a1.value_and_grad(a1.activations.prelu, x, a)
        hint = "prelu needs no exp at all"
    else:
        name, kwargs, _ = GRADIENT_CASES[case]
        _, grads = a1.value_and_grad(getattr(a1.activations, name), x, **kwargs)
        hint = FINITE_GRADIENT_HINTS[name]
    for grad in grads:
        expect(grad is not None, f"{case}: autograd gives no gradient for an input")
        expect(
            bool(torch.isfinite(grad).all()),
            f"{case}: autograd gives a NaN or inf gradient for a finite {_name(dtype)} input "
            f"(at ±1e4, ±0 or in between): {hint}",
        )


@WIDE_DTYPE_PARAM
@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_autograd_gradient_values_match_derivative(a1, case, dtype, torch_gen):
    name, kwargs, oracle = GRADIENT_CASES[case]
    # Away from x = 0, where the gradient of relu-like functions is not graded.
    x = _random_values((4, 6), dtype, torch_gen, low=1e-2, high=40.0, zeros=False)
    x.requires_grad_(True)
    _, (grad,) = a1.value_and_grad(getattr(a1.activations, name), x, **kwargs)
    expected = _derivative(oracle, x.detach().to(F64)).to(dtype)
    rtol, atol = GRADIENT_TOLERANCE[dtype]
    expect(grad is not None, f"{case}: autograd gives no gradient for x")
    expect_tensor_close(
        grad,
        expected,
        f"{case}: the autograd gradient is not the derivative of the function: build it from "
        "differentiable tensor operations (no .detach(), no rounding tricks, no constant "
        "branches that cut the graph)",
        rtol=rtol,
        atol=atol,
    )


@WIDE_DTYPE_PARAM
@pytest.mark.parametrize("a_kind", ["0-d", "(1,)", "(D,)"])
def test_prelu_gradients_reach_x_and_slope(a1, a_kind, dtype, torch_gen):
    x = _random_values((3, 5), dtype, torch_gen, low=1e-2, high=40.0, zeros=False)
    a = _slope(x, a_kind, torch_gen)
    x.requires_grad_(True)
    a.requires_grad_(True)
    _, (grad_x, grad_a) = a1.value_and_grad(a1.activations.prelu, x, a)
    x64 = x.detach().to(F64).requires_grad_(True)
    a64 = a.detach().to(F64).requires_grad_(True)
    expected_x, expected_a = torch.autograd.grad(_prelu_oracle(x64, a64).sum(), (x64, a64))
    rtol, atol = GRADIENT_TOLERANCE[dtype]
    expect(grad_x is not None, "prelu: no gradient reaches x")
    expect(grad_a is not None, "prelu: no gradient reaches the slope a: use a in the formula "
           "with differentiable operations (no a.item(), no float(a))")
    expect_tensor_close(grad_x, expected_x.to(dtype), "prelu: the gradient with respect to x is "
                        "wrong (1 for x > 0, a for x < 0)", rtol=rtol, atol=atol)
    expect_tensor_close(
        grad_a,
        expected_a.to(dtype),
        f"prelu: the gradient with respect to a slope of shape {a_kind} is wrong (it sums x "
        "over the negative inputs that share the slope) or has the wrong shape",
        rtol=rtol,
        atol=atol * 40,
    )


@pytest.mark.parametrize("name", ["logistic_grad", "tanh_grad", "relu_grad"])
def test_explicit_derivatives_work_without_autograd(a1, name, torch_gen):
    x = _random_values((3, 4), F64, torch_gen)
    with torch.no_grad():
        y = _call(a1, name, x)
    expect_tensor_close(
        y,
        ORACLES[name](x).to(F64),
        f"{name} must evaluate the explicit formula ({HINTS[name]}), not call autograd; it is "
        "also called under torch.no_grad()",
    )


# ---------------------------------------------------------------------------------------------
# Fresh results, any device, no loops


NEW_TENSOR_SHAPES = {"(3, 4)": (3, 4), "0-d": (), "empty": (0,), "(0, 3)": (0, 3)}


@pytest.mark.parametrize("name", ALL_FUNCTIONS)
def test_results_are_new_tensors(a1, name, torch_gen):
    for shape_name, shape in NEW_TENSOR_SHAPES.items():
        x = _random_values(shape, torch.float32, torch_gen)
        inputs = [x]
        if name == "prelu":
            a = _slope(x, "(D,)", torch_gen)
            inputs.append(a)
            y = a1.activations.prelu(x, a)
        else:
            y = _call(a1, name, x)
        before = [t.clone() for t in inputs]
        expect(isinstance(y, torch.Tensor), f"{name} must return a torch.Tensor")
        for t in inputs:
            expect(y is not t, f"{name} returns its input tensor itself for a {shape_name} "
                   "input: return a new tensor, at every size (also 0-d and empty)")
            expect(not shares_memory(y, t),
                   f"{name} returns a view of its input for a {shape_name} input (it shares "
                   "the input's memory), so changing the result would change the input: "
                   "return a new tensor, at every size")
        if y.dim() and all(stride != 0 for stride in y.stride()):
            y.fill_(7.0)
        for b, t in zip(before, inputs, strict=True):
            expect(unchanged(b, t), f"writing into the result of {name} changes its input: the "
                   "result must be a new tensor")


# Value reads are checked on CPU tensors that refuse them (autograder/readguard.py); where
# results are made, on the meta device (a device without data), where every vectorised style
# works, boolean masks included: what the contract asks, not which kernels torch has.
NO_VALUE_SHAPES = META_SHAPES = {"0-d": (), "empty": (0,), "3-D": (2, 3, 4)}


def _prelu_slope_like(x: torch.Tensor) -> torch.Tensor:
    return torch.full((x.shape[-1],) if x.dim() else (), 0.25, dtype=x.dtype, device=x.device)


@DTYPE_PARAM
@pytest.mark.parametrize("name", ALL_FUNCTIONS)
def test_activation_reads_no_values_and_keeps_the_device(a1, name, dtype, torch_gen):
    probe = torch.tensor([1.5, -0.5], dtype=dtype)  # the ordinary call first (stubs fail here)
    _call(a1, name, probe, **({"a": torch.tensor(0.25, dtype=dtype)} if name == "prelu" else {}))
    for shape_name, shape in NO_VALUE_SHAPES.items():
        x = _random_values(shape, dtype, torch_gen)
        kwargs = {"a": guarded(_prelu_slope_like(x))} if name == "prelu" else {}
        try:
            y = _call(a1, name, guarded(x), **kwargs)
        except ValueReadError as error:
            fail(f"{name} reads tensor values into Python for a {shape_name} input "
                 f"({str(error).splitlines()[0]}); it must compute on whole tensors: a "
                 "Python loop over elements is far too slow, and .item()/.tolist()/if on a "
                 "tensor stops it working on other devices")
        expect(isinstance(y, torch.Tensor) and tuple(y.shape) == shape and y.dtype == dtype,
               f"{name} must return a tensor of x's shape and dtype ({shape_name} input)")
    for shape_name, shape in META_SHAPES.items():
        x = torch.empty(shape, dtype=dtype, device="meta")
        kwargs = {"a": _prelu_slope_like(x)} if name == "prelu" else {}
        try:
            with meta_shapes_only():
                y = _call(a1, name, x, **kwargs)
        except (RuntimeError, TypeError) as error:
            first_line = str(error).splitlines()[0] if str(error) else ""
            fail(
                f"{name} fails for a tensor on the 'meta' device (shape {shape}; a device without "
                f"data; {type(error).__name__}: {first_line}). It must work on any device "
                "without reading values or moving data: no .item()/.tolist()/.numpy()/.cpu(), "
                "and create new tensors with torch.zeros_like(x) or on x.device "
                "(torch.zeros(shape) puts them on the CPU)"
            )
        expect(isinstance(y, torch.Tensor), f"{name} must return a torch.Tensor")
        expect(
            y.device == x.device,
            f"{name} returns its result on another device than its input: create new tensors "
            "with torch.zeros_like(x) / on x.device, and do not move data (.cpu(), .to(...))",
        )
        expect(tuple(y.shape) == shape, f"{name} changes the shape of a {shape_name} input")
        expect(y.dtype == dtype, f"{name} returns another dtype than x's ({_name(dtype)})")


# ---------------------------------------------------------------------------------------------
# Properties (hypothesis)


def _contract_allowance(dtype: torch.dtype, magnitude) -> torch.Tensor | float:
    """The error one result may carry under the contract's tolerance, at this magnitude."""
    rtol, atol = CONTRACT_TOLERANCE[dtype]
    return atol + rtol * magnitude


def _expect_within(difference, allowance, message):
    expect(bool((difference.abs() <= allowance).all()), message)


def _at_x_and_minus_x(a1, name, x, **kwargs):
    """``name`` at x and at −x, from one call into the submission: the two stacked along a new
    first dimension (the functions are elementwise, so each half of the result is the function
    of that half of the input; one call per example instead of two)."""
    y = _call(a1, name, torch.stack([x, -x]), **kwargs)
    expect(
        isinstance(y, torch.Tensor) and tuple(y.shape) == (2, *x.shape),
        f"{name} must return a tensor of its input's shape (it is applied element by element)",
    )
    return y[0], y[1]


@given(x=float_tensors(min_value=-30.0, max_value=30.0))
def test_logistic_is_symmetric_and_bounded(a1, x):
    y, y_neg = _at_x_and_minus_x(a1, "logistic", x)
    expect(bool(((y >= 0) & (y <= 1)).all()), "logistic must lie in [0, 1]")
    _expect_within(
        y.to(F64) + y_neg.to(F64) - 1,
        2 * _contract_allowance(x.dtype, 1.0),
        "logistic(x) + logistic(−x) must be 1",
    )


@given(x=float_tensors(shape=shapes(min_dims=1, max_dims=1, min_side=2, max_side=30),
                       min_value=-40.0, max_value=40.0))
def test_logistic_is_monotone(a1, x):
    x = x.sort().values
    y = a1.activations.logistic(x)
    step = y[1:].to(F64) - y[:-1].to(F64)
    expect(
        bool((step >= -_eps(x.dtype) * y[:-1].to(F64).abs()).all()),
        "logistic must be non-decreasing: a larger x may never give a smaller σ(x)",
    )


@given(x=float_tensors(min_value=-30.0, max_value=30.0))
def test_tanh_is_odd_and_bounded(a1, x):
    y, y_neg = _at_x_and_minus_x(a1, "tanh", x)
    expect(bool((y.abs() <= 1).all()), "tanh must lie in [−1, 1]")
    _expect_within(
        y.to(F64) + y_neg.to(F64),
        2 * _contract_allowance(x.dtype, 1.0),
        "tanh must be odd: tanh(−x) = −tanh(x)",
    )


@given(x=float_tensors(min_value=-1e3, max_value=1e3))
def test_relu_difference_identity(a1, x):
    y, y_neg = _at_x_and_minus_x(a1, "relu", x)
    expect(bool((y >= 0).all()), "relu must never be negative")
    expect(
        bool((y.to(F64) - y_neg.to(F64) == x.to(F64)).all()),
        "relu(x) − relu(−x) must be exactly x: relu(x) is x itself for x ≥ 0 and 0 otherwise",
    )


@given(
    x=float_tensors(min_value=-40.0, max_value=40.0),
    beta=st.sampled_from([0.5, 1.0, 2.0, 5.0]),
)
def test_softplus_difference_identity_and_above_relu(a1, x, beta):
    y, y_neg = (half.to(F64) for half in _at_x_and_minus_x(a1, "softplus", x, beta=beta))
    x64 = x.to(F64)
    _expect_within(
        y - y_neg - x64,
        2 * _contract_allowance(x.dtype, x64.abs() + 2),
        "softplus(x) − softplus(−x) must be x (for every β)",
    )
    expect(bool((y >= 0).all()), "softplus must never be negative")
    expect(
        bool((y >= x64 - _eps(x.dtype) * x64.abs()).all()),
        "softplus(x) must never lie below relu(x) = max(0, x)",
    )


@given(x=float_tensors(min_value=-20.0, max_value=20.0))
def test_silu_is_x_times_logistic(a1, x):
    y = a1.activations.silu(x).to(F64)
    product = x.to(F64) * a1.activations.logistic(x).to(F64)
    rtol, atol = CONTRACT_TOLERANCE[x.dtype]
    _expect_within(
        y - product,
        atol * (1 + x.to(F64).abs()) + 3 * rtol * product.abs(),
        "silu(x) must be x·logistic(x)",
    )


@given(
    x=float_tensors(min_value=-1e3, max_value=1e3),
    negative_slope=st.sampled_from([0.0, 0.01, 0.3, 2.0]),
)
def test_leaky_relu_passes_nonnegative_inputs_and_slope_one_is_identity(a1, x, negative_slope):
    y = a1.activations.leaky_relu(x, negative_slope=negative_slope)
    identity = a1.activations.leaky_relu(x, negative_slope=1.0)
    expect(
        bool((y[x >= 0] == x[x >= 0]).all()),
        "leaky_relu must return x itself for x ≥ 0, whatever the slope",
    )
    expect(bool((identity == x).all()), "leaky_relu with negative_slope=1 must be the identity")


@given(
    x=float_tensors(min_value=-1e3, max_value=1e3),
    slope=st.sampled_from([0.0, 0.25, 0.5, 1.0, -0.125]),
)
def test_prelu_with_scalar_slope_equals_leaky_relu(a1, x, slope):
    y = a1.activations.prelu(x, torch.tensor(slope, dtype=x.dtype))
    expected = a1.activations.leaky_relu(x, negative_slope=slope)
    _expect_within(
        y.to(F64) - expected.to(F64),
        _contract_allowance(x.dtype, x.to(F64).abs()),
        "prelu(x, a) with a 0-d slope a must equal leaky_relu(x, negative_slope=a)",
    )


@given(x=float_tensors(min_value=-1e3, max_value=1e3))
def test_step_functions_follow_their_definitions(a1, x):
    s = a1.activations.sign(x)
    h = a1.activations.heaviside(x)
    g = a1.activations.relu_grad(x)
    expect(bool((s * x.abs() == x).all()), "sign(x)·|x| must be exactly x")
    expect(bool((h == (x >= 0).to(x.dtype)).all()), "heaviside(x) must be 1 exactly where x ≥ 0")
    expect(bool((g == (x > 0).to(x.dtype)).all()), "relu_grad(x) must be 1 exactly where x > 0")


@given(x=float_tensors(min_value=-40.0, max_value=40.0))
def test_explicit_derivatives_are_even_and_bounded(a1, x):
    for name, bound in (("logistic_grad", 0.25), ("tanh_grad", 1.0)):
        y, y_neg = (half.to(F64) for half in _at_x_and_minus_x(a1, name, x))
        expect(
            bool(((y >= 0) & (y <= bound * (1 + 2 * _eps(x.dtype)))).all()),
            f"{name} must lie in [0, {bound}]",
        )
        _expect_within(
            y - y_neg,
            2 * _contract_allowance(x.dtype, bound),
            f"{name} must be even: the derivative of an odd-symmetric function",
        )


@settings(max_examples=20)
@given(
    x=float_tensors(dtype=st.sampled_from(WIDE_DTYPES), min_value=-30.0, max_value=30.0),
)
def test_tanh_is_twice_logistic_of_twice_x_minus_one(a1, x):
    t = a1.activations.tanh(x).to(F64)
    s = a1.activations.logistic(2 * x).to(F64)
    _expect_within(
        t - (2 * s - 1),
        3 * _contract_allowance(x.dtype, 1.0),
        "tanh(x) must equal 2·logistic(2x) − 1 (the two functions disagree)",
    )
