"""Hidden tests of loss.py: sum-of-squares, RMS and regularized error for numpy and torch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from autograder.suites.helpers import (
    expect,
    expect_array_close,
    expect_tensor_close,
    unchanged,
)

pytestmark = pytest.mark.loss

SHAPES = [(7,), (3, 4), (2, 3, 2)]
TORCH_DTYPES = [torch.float32, torch.float64]
NUMPY_DTYPES = [np.float32, np.float64]
# Mismatched shapes; the first three broadcast silently if the shapes are not checked. The
# empty ones are mismatched too (a check skipped for empty inputs never sees them); (0,) against
# (1,) broadcasts to (0,).
MISMATCHES = [((5, 1), (5,)), ((5,), (5, 1)), ((1,), (5,)), ((5,), (4,)), ((2, 3), (3, 2)),
              ((0,), (0, 1)), ((0, 1), (0,)), ((0, 3), (0,)), ((0,), (1,)), ((1,), (0,))]
LOSS_FUNCTIONS = ["sum_of_squares_error", "rms_error", "regularized_error"]


def _numpy_tol(dtype) -> float:
    return 1e-5 if dtype == np.float32 else 1e-12


def _torch_tol(dtype) -> dict:
    return {"rtol": 1e-5, "atol": 1e-6} if dtype == torch.float32 else {"rtol": 1e-12, "atol": 0.0}


def _half_sum_of_squares(y, t) -> float:
    residual = np.asarray(y, dtype=np.float64) - np.asarray(t, dtype=np.float64)
    return 0.5 * math.fsum(float(r) ** 2 for r in residual.reshape(-1))


def _numpy_pair(rng, shape, dtype):
    return rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)


def _torch_pair(torch_gen, shape, dtype, requires_grad=False):
    y = torch.randn(shape, generator=torch_gen, dtype=torch.float64).to(dtype)
    t = torch.randn(shape, generator=torch_gen, dtype=torch.float64).to(dtype)
    return y.requires_grad_(requires_grad), t.requires_grad_(requires_grad)


def _call(a1, name, y, t, w=None, lam=0.5):
    function = getattr(a1.loss, name)
    return function(y, t, w, lam) if name == "regularized_error" else function(y, t)


def _expect_numpy_scalar(result, what: str) -> None:
    expect(
        isinstance(result, (float, np.floating)),
        f"{what} with numpy inputs must return a Python float or a numpy floating scalar "
        "(not an array, not a tensor)",
    )


def _expect_torch_scalar(result, device, what: str) -> None:
    expect(isinstance(result, torch.Tensor), f"{what} with torch inputs must return a tensor")
    expect(result.dim() == 0, f"{what} with torch inputs must return a 0-d tensor (a scalar)")
    expect(result.is_floating_point(), f"{what} must return a floating-point tensor")
    expect(result.device == device, f"{what} must return its result on the inputs' device")


# ---------------------------------------------------------------- sum_of_squares_error


@pytest.mark.parametrize("dtype", NUMPY_DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_sum_of_squares_error_numpy_is_half_sum_of_squared_residuals(a1, rng, shape, dtype):
    y, t = _numpy_pair(rng, shape, dtype)
    result = a1.loss.sum_of_squares_error(y, t)
    _expect_numpy_scalar(result, "sum_of_squares_error")
    expect_array_close(
        result, _half_sum_of_squares(y, t),
        "sum_of_squares_error must be E = ½ Σₙ (yₙ − tₙ)² summed over every element "
        "(check the factor ½ and that you square the residuals before summing)",
        rtol=_numpy_tol(dtype),
    )


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_sum_of_squares_error_torch_value_is_zero_dim_on_input_device(
        a1, torch_gen, shape, dtype):
    y, t = _torch_pair(torch_gen, shape, dtype)
    result = a1.loss.sum_of_squares_error(y, t)
    _expect_torch_scalar(result, y.device, "sum_of_squares_error")
    expected = 0.5 * ((y.double() - t.double()) ** 2).sum()
    expect_tensor_close(
        result.double(), expected,
        "sum_of_squares_error with tensors must be E = ½ Σₙ (yₙ − tₙ)² over every element",
        **_torch_tol(dtype),
    )


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=["float32", "float64"])
def test_sum_of_squares_error_torch_gradient_is_the_residual(a1, torch_gen, dtype):
    y, t = _torch_pair(torch_gen, (4, 3), dtype, requires_grad=True)
    _, (grad_y, grad_t) = a1.value_and_grad(a1.loss.sum_of_squares_error, y, t)
    residual = (y - t).detach()
    expect_tensor_close(
        grad_y, residual,
        "the gradient of E = ½ Σ (y − t)² with respect to y must be y − t: build E from "
        "differentiable tensor operations only", **_torch_tol(dtype),
    )
    expect_tensor_close(
        grad_t, -residual,
        "the gradient of E with respect to t must be t − y (E must be differentiable in "
        "both arguments)", **_torch_tol(dtype),
    )


@pytest.mark.parametrize("shape", [(0,), (0, 3)], ids=str)
def test_sum_of_squares_error_of_empty_inputs_is_zero(a1, shape):
    result = a1.loss.sum_of_squares_error(np.zeros(shape), np.zeros(shape))
    _expect_numpy_scalar(result, "sum_of_squares_error")
    expect(result == 0.0, "sum_of_squares_error of empty numpy arrays must be 0")
    tensor_result = a1.loss.sum_of_squares_error(torch.zeros(shape), torch.zeros(shape))
    _expect_torch_scalar(tensor_result, torch.device("cpu"), "sum_of_squares_error")
    expect(bool(tensor_result == 0), "sum_of_squares_error of empty tensors must be 0")


# ---------------------------------------------------------------- shape checks


@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
@pytest.mark.parametrize(("y_shape", "t_shape"), MISMATCHES, ids=str)
def test_loss_functions_reject_any_shape_mismatch(a1, name, kind, y_shape, t_shape):
    make = np.ones if kind == "numpy" else torch.ones
    y, t, w = make(y_shape), make(t_shape), make((3,))
    with pytest.raises(ValueError):
        _call(a1, name, y, t, w)


# ---------------------------------------------------------------- rms_error


@pytest.mark.parametrize("dtype", NUMPY_DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_rms_error_numpy_is_sqrt_of_2E_over_element_count(a1, rng, shape, dtype):
    y, t = _numpy_pair(rng, shape, dtype)
    result = a1.loss.rms_error(y, t)
    _expect_numpy_scalar(result, "rms_error")
    expected = math.sqrt(2 * _half_sum_of_squares(y, t) / y.size)
    expect_array_close(
        result, expected,
        "rms_error must be sqrt(2E / N) with N the number of ELEMENTS (all of them, for 2-D "
        "inputs too) and E the sum-of-squares error including its ½",
        rtol=_numpy_tol(dtype),
    )


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_rms_error_torch_value_and_gradient(a1, torch_gen, shape, dtype):
    y, t = _torch_pair(torch_gen, shape, dtype, requires_grad=True)
    result, (grad_y, grad_t) = a1.value_and_grad(a1.loss.rms_error, y, t)
    _expect_torch_scalar(result, y.device, "rms_error")
    residual = (y - t).detach().double()
    expected = (residual**2).mean().sqrt()
    expect_tensor_close(
        result.detach().double(), expected,
        "rms_error with tensors must be sqrt(2E / N) with N the number of elements",
        **_torch_tol(dtype),
    )
    expected_grad = (residual / (residual.numel() * expected)).to(dtype)
    expect_tensor_close(
        grad_y, expected_grad,
        "the gradient of rms_error with respect to y must be (y − t) / (N · E_RMS): "
        "compute E_RMS with differentiable tensor operations", **_torch_tol(dtype),
    )
    expect_tensor_close(
        grad_t, -expected_grad, "rms_error must be differentiable with respect to t too",
        **_torch_tol(dtype),
    )


@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("shape", [(0,), (0, 2), (3, 0)], ids=str)
def test_rms_error_rejects_empty_inputs(a1, kind, shape):
    make = np.zeros if kind == "numpy" else torch.zeros
    with pytest.raises(ValueError):
        a1.loss.rms_error(make(shape), make(shape))


# ---------------------------------------------------------------- regularized_error


# λ is any real number ≥ 0: a Python float or int, or a numpy floating scalar.
LAMBDA_FORMS = [0.0, 0.25, 3.0, 0, 2, np.float64(0.25)]
NEGATIVE_LAMBDAS = [-1.0, -1e-12, -1, np.float64(-0.5), np.float32(-0.5)]


@pytest.mark.parametrize("lam", LAMBDA_FORMS, ids=repr)
def test_regularized_error_numpy_adds_half_lambda_squared_norm_including_bias(a1, rng, lam):
    y, t = _numpy_pair(rng, (6,), np.float64)
    w = rng.normal(size=4)
    w[0] = 5.0  # a large bias weight: leaving w₀ out of the penalty is then clearly wrong
    result = a1.loss.regularized_error(y, t, w, lam)
    _expect_numpy_scalar(result, "regularized_error")
    expected = _half_sum_of_squares(y, t) + 0.5 * lam * math.fsum(float(v) ** 2 for v in w)
    expect_array_close(
        result, expected,
        "regularized_error must be E + (λ/2)‖w‖², where ‖w‖² sums the squares of EVERY "
        "weight, the bias w₀ included (as on the slide), and E keeps its ½",
        rtol=1e-12,
    )


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=["float32", "float64"])
def test_regularized_error_torch_value_and_gradients(a1, torch_gen, dtype):
    y, t = _torch_pair(torch_gen, (5, 2), dtype, requires_grad=True)
    w = torch.randn(4, generator=torch_gen, dtype=torch.float64).to(dtype)
    w[0] = 3.0
    w.requires_grad_(True)
    lam = 0.75
    result, (grad_y, grad_t, grad_w) = a1.value_and_grad(a1.loss.regularized_error, y, t, w, lam)
    _expect_torch_scalar(result, y.device, "regularized_error")
    residual, w64 = (y - t).detach().double(), w.detach().double()
    expected = 0.5 * (residual**2).sum() + 0.5 * lam * (w64**2).sum()
    expect_tensor_close(
        result.detach().double(), expected,
        "regularized_error with tensors must be E + (λ/2)‖w‖² with w₀ included",
        **_torch_tol(dtype),
    )
    expect_tensor_close(
        grad_y, residual.to(dtype), "the gradient of Ẽ with respect to y must be y − t",
        **_torch_tol(dtype),
    )
    expect_tensor_close(
        grad_t, -residual.to(dtype), "the gradient of Ẽ with respect to t must be t − y",
        **_torch_tol(dtype),
    )
    expect_tensor_close(
        grad_w, (lam * w64).to(dtype),
        "the gradient of Ẽ with respect to w must be λ·w, for every weight w₀ included: "
        "compute the penalty from w with differentiable tensor operations",
        **_torch_tol(dtype),
    )


# (y and t shape, w shape): the empty ones too, where a penalty of 0 or an empty sum hides λ < 0.
REGULARIZED_SIZES = {"y (3,), w (2,)": ((3,), (2,)), "y empty, w (2,)": ((0,), (2,)),
                     "y empty, w empty": ((0,), (0,)), "y (2, 0), w empty": ((2, 0), (0,))}


@pytest.mark.parametrize("size", REGULARIZED_SIZES)
@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("lam", NEGATIVE_LAMBDAS, ids=repr)
def test_regularized_error_rejects_negative_lambda(a1, kind, lam, size):
    make = np.ones if kind == "numpy" else torch.ones
    y_shape, w_shape = REGULARIZED_SIZES[size]
    with pytest.raises(ValueError):
        a1.loss.regularized_error(make(y_shape), make(y_shape), make(w_shape), lam)


# ---------------------------------------------------------------- general rules


@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
def test_loss_functions_do_not_modify_their_inputs(a1, rng, torch_gen, name):
    y, t = _numpy_pair(rng, (3, 4), np.float64)
    w = rng.normal(size=5)
    before = [a.copy() for a in (y, t, w)]
    _call(a1, name, y, t, w)
    expect(
        all(unchanged(b, a) for b, a in zip(before, (y, t, w), strict=True)),
        f"{name} modified one of its numpy inputs in place: compute on new arrays instead",
    )
    y, t = _torch_pair(torch_gen, (3, 4), torch.float64)
    w = torch.randn(5, generator=torch_gen, dtype=torch.float64)
    before = [a.clone() for a in (y, t, w)]
    _call(a1, name, y, t, w)
    expect(
        all(unchanged(b, a) for b, a in zip(before, (y, t, w), strict=True)),
        f"{name} modified one of its tensor inputs in place: compute on new tensors instead",
    )


@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
def test_loss_functions_stay_on_the_input_device_meta(a1, name):
    # Tensors on the 'meta' device have shapes but no values: any .item(), .numpy(), .cpu()
    # or Python-number round trip fails on them, as it would break on a GPU.
    y = torch.empty((4, 3), device="meta")
    t = torch.empty((4, 3), device="meta")
    w = torch.empty((5,), device="meta")
    result = _call(a1, name, y, t, w)
    _expect_torch_scalar(
        result, torch.device("meta"),
        f"{name} (computed with tensor operations only, no .item()/numpy round trips)",
    )
