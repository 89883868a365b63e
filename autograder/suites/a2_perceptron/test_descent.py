"""Hidden tests of descent.py: standardize, mse_loss, mse_gradient, numerical_gradient and
gradient_descent, edge by edge.

Every expected value is computed here in float64 numpy, from the formulas of the contract and
the very inputs the student's function receives: column means and population standard
deviations, E = 1/(2N) Σ r², ∇E = (Xᵀr / N, Σ r / N), a plain loop of gradient steps,
``np.linalg.lstsq`` for the minimiser and ``np.linalg.eigvalsh`` for λ_max of the Hessian.
Tolerances are relative to the scale of the sums involved. Several cases are stacked into one
call where they share a verdict, to keep the suite fast.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder.suites.helpers import (
    expect,
    expect_array_close,
    expect_tensor_close,
    fail,
    shares_memory,
    unchanged,
)

pytestmark = pytest.mark.descent

F64 = torch.float64
DTYPES = (torch.float32, torch.float64)
# Relative rounding allowed against a float64 oracle, as a fraction of the scale of the sums.
TOLERANCE = {torch.float32: 1e-4, torch.float64: 1e-10}
DATASETS = Path(__file__).resolve().parents[3] / "datasets"

# (N, D) of the regression cases stacked into every call: several examples and features, one
# feature, one example.
SHAPES = {"N=9, D=3": (9, 3), "one feature": (7, 1), "one example": (1, 4)}
BIAS_KINDS = ("float", "int", "0-d tensor")


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


DTYPE_PARAM = pytest.mark.parametrize("dtype", DTYPES, ids=_name)


def _np(value) -> np.ndarray:
    """A tensor or number as a float64 numpy value, exactly as the student's function saw it."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(F64).numpy()
    return np.asarray(value, dtype=np.float64)


def _tensor(array, dtype) -> torch.Tensor:
    return torch.from_numpy(np.asarray(array, dtype=np.float64)).to(dtype)


def _bias(kind: str, rng, dtype):
    value = rng.uniform(-1.5, 1.5)
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(rng.integers(-2, 3))
    return _tensor(value, dtype)


def _regression_case(rng, shape, dtype, b_kind="float"):
    n, d = shape
    X = _tensor(rng.normal(size=(n, d)), dtype)
    t = _tensor(rng.normal(size=n) * 2, dtype)
    w = _tensor(rng.normal(size=d), dtype)
    return X, t, w, _bias(b_kind, rng, dtype)


# ---------------------------------------------------------------------------------------------
# float64 oracles


def _residual64(X, t, w, b):
    return _np(X) @ _np(w) + _np(b) - _np(t)


def _loss64(X, t, w, b) -> float:
    r = _residual64(X, t, w, b)
    return 0.5 * float(np.mean(r * r))


def _gradient64(X, t, w, b):
    r = _residual64(X, t, w, b)
    return _np(X).T @ r / len(r), np.mean(r)


def _scales64(X, t, w, b):
    """Bounds on the terms summed in E and in each gradient (all terms taken positive)."""
    X64 = np.abs(_np(X))
    r_bound = X64 @ np.abs(_np(w)) + abs(_np(b)) + np.abs(_np(t))
    return (0.5 * float(np.mean(r_bound**2)),
            max(float((X64.T @ r_bound / len(r_bound)).max()), float(np.mean(r_bound))))


def _descent64(X, t, lr, steps, w0, b0):
    """``steps`` plain gradient steps in float64: (w, b, losses)."""
    X64, t64 = _np(X), _np(t)
    w = np.zeros(X64.shape[1]) if w0 is None else _np(w0)
    b = float(_np(b0))
    losses = [_loss64(X64, t64, w, b)]
    for _ in range(steps):
        grad_w, grad_b = _gradient64(X64, t64, w, b)
        w, b = w - lr * grad_w, b - lr * grad_b
        losses.append(_loss64(X64, t64, w, b))
    return w, b, losses


def _hessian_eigenvalues64(X) -> np.ndarray:
    """Eigenvalues (ascending) of the Hessian of E in (w, b): 1/N AᵀA with A = [X, 1]."""
    A = np.column_stack([_np(X), np.ones(X.shape[0])])
    return np.linalg.eigvalsh(A.T @ A / A.shape[0])


def _least_squares64(X, t):
    """The minimiser (w, b) of E, by an orthogonal solver."""
    A = np.column_stack([_np(X), np.ones(X.shape[0])])
    solution = np.linalg.lstsq(A, _np(t), rcond=None)[0]
    return solution[:-1], solution[-1]


def _standardized_case(rng, n, d, dtype):
    """Well-conditioned regression data: standardized columns, a noisy linear target."""
    X = rng.normal(size=(n, d))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    t = X @ rng.normal(size=d) * 2 + rng.normal() * 3 + rng.normal(size=n) * 0.3
    return _tensor(X, dtype), _tensor(t, dtype)


# ---------------------------------------------------------------------------------------------
# helpers that fail with words


def _tensors_of(result, count: int, function: str, what: str):
    expect(
        isinstance(result, tuple | list) and len(result) == count,
        f"{function} must return a tuple {what}",
    )
    return tuple(result)


def _expect_close(actual, expected64, dtype, scale, message):
    """``actual`` (a tensor of ``dtype``) within the tolerance of ``dtype`` of the float64
    ``expected64``, the absolute part relative to ``scale``."""
    tolerance = TOLERANCE[dtype]
    expect_tensor_close(actual, _tensor(expected64, dtype), message, rtol=tolerance,
                        atol=tolerance * max(float(scale), 1.0))


def _expect_0d(value, dtype, message):
    expect(isinstance(value, torch.Tensor) and value.dim() == 0,
           f"{message} (it must be a 0-d tensor)")
    expect(value.dtype == dtype, f"{message} (it must keep the inputs' dtype)")


def _expect_unchanged(pairs, function):
    for before, after in pairs:
        expect(
            unchanged(before, after),
            f"{function} changed one of its input tensors in place: compute new tensors (no "
            "w -= ..., w.sub_(...), X[...] = ..., out=...)",
        )


def _snapshot(*values):
    return [(v.clone(), v) for v in values if isinstance(v, torch.Tensor)]


def _expect_value_error(call, message):
    try:
        call()
    except ValueError as error:
        return str(error)
    fail(message)
    return ""  # not reached


# ---------------------------------------------------------------------------------------------
# standardize

STANDARDIZE_SHAPES = {
    "(8, 4) on different scales": (8, 4),
    "(5, 1), one feature": (5, 1),
    "(2, 3), two examples": (2, 3),
}
# Like the house data: a year, an area, a count and a 0/1 flag.
COLUMN_SCALES = np.array([20.0, 700.0, 2.0, 0.5])
COLUMN_OFFSETS = np.array([1990.0, 2000.0, 5.0, 0.5])


def _raw_features(rng, n, d):
    return rng.normal(size=(n, d)) * COLUMN_SCALES[:d] + COLUMN_OFFSETS[:d]


# Per-column rounding allowed in the statistics and z-scores, relative to the column's largest
# |x| (the mean cancels the leading digits of x - mean, so the error scales with |x|, not std).
STATISTICS_TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-13}


def _expect_columns_close(actual, expected64, dtype, column_bound, message):
    """``actual`` within the statistics tolerance of ``expected64``, column by column: an
    absolute error up to tolerance * ``column_bound`` (shape (D,)) in each column."""
    expect(isinstance(actual, torch.Tensor), f"{message} (the result is not a torch.Tensor)")
    expect(tuple(actual.shape) == expected64.shape, f"{message} (the result has the wrong shape)")
    expect(actual.dtype == dtype, f"{message} (the result has the wrong dtype)")
    expect(actual.device.type == "cpu", f"{message} (the result is on the wrong device)")
    tolerance = STATISTICS_TOLERANCE[dtype]
    error = np.abs(_np(actual) - expected64)
    expect(np.all(error <= tolerance * (np.abs(expected64) + column_bound)), message)


@DTYPE_PARAM
def test_standardize_matches_float64_reference(a2, dtype, rng):
    for case, (n, d) in STANDARDIZE_SHAPES.items():
        X = _tensor(_raw_features(rng, n, d), dtype)
        before = _snapshot(X)
        Z, mean, std = _tensors_of(a2.descent.standardize(X), 3, "standardize",
                                   "(Z, mean, std)")
        _expect_unchanged(before, "standardize")
        X64 = _np(X)
        mean64, std64 = X64.mean(axis=0), X64.std(axis=0)
        expect(
            isinstance(mean, torch.Tensor) and isinstance(std, torch.Tensor)
            and tuple(mean.shape) == (d,) and tuple(std.shape) == (d,),
            f"standardize of X {case}: mean and std must have shape (D,), one value per column "
            "(reduce over dim 0, the examples, not over the features of each row)",
        )
        largest = np.abs(X64).max(axis=0)
        _expect_columns_close(
            mean, mean64, dtype, largest,
            f"standardize of X {case}: mean must hold the mean of each column of X")
        if n > 1 and np.allclose(_np(std), X64.std(axis=0, ddof=1), rtol=1e-4):
            fail(f"standardize of X {case}: std is the sample standard deviation (divided by "
                 "N - 1, torch.std's default correction=1); the contract asks for the "
                 "population std, divided by N (correction=0)")
        _expect_columns_close(
            std, std64, dtype, largest,
            f"standardize of X {case}: std must be the population standard deviation of each "
            "column, sqrt(1/N Σ (x - mean)²)")
        _expect_columns_close(
            Z, (X64 - mean64) / std64, dtype, largest / std64,
            f"standardize of X {case}: Z must be (X - mean) / std, column by column, of shape "
            "(N, D), in X's dtype and device")
        expect(not shares_memory(Z, X),
               f"standardize of X {case}: Z is X itself or a view of it: return a new tensor")


@DTYPE_PARAM
def test_standardize_uses_the_given_statistics(a2, dtype, rng):
    X_train = _raw_features(rng, 10, 3)
    mean64, std64 = X_train.mean(axis=0), X_train.std(axis=0)
    mean, std = _tensor(mean64, dtype), _tensor(std64, dtype)
    # Test data from elsewhere: its own statistics differ from the training ones.
    cases = {
        "4 test examples": _raw_features(rng, 4, 3) * 1.5 + 30.0,
        "1 test example": _raw_features(rng, 1, 3),
        "0 test examples": np.zeros((0, 3)),
    }
    for case, X_test64 in cases.items():
        X_test = _tensor(X_test64, dtype)
        before = _snapshot(X_test, mean, std)
        Z, mean_used, std_used = _tensors_of(a2.descent.standardize(X_test, mean, std), 3,
                                             "standardize", "(Z, mean, std)")
        _expect_unchanged(before, "standardize")
        X_seen = _np(X_test)
        largest = np.abs(X_seen).max(axis=0, initial=0) + np.abs(_np(mean))
        _expect_columns_close(
            Z, (X_seen - _np(mean)) / _np(std), dtype, largest / _np(std),
            f"standardize(X, mean, std) with {case}: Z must be (X - mean) / std with the given "
            "statistics (the training data's), not X's own: test data standardized with its own "
            "statistics no longer means what the model learned (N = 1 and N = 0 are fine when "
            "the statistics are given)")
        expect(
            isinstance(mean_used, torch.Tensor) and isinstance(std_used, torch.Tensor)
            and unchanged(mean, mean_used) and unchanged(std, std_used),
            f"standardize(X, mean, std) with {case} must return the given mean and std",
        )
        expect(not shares_memory(Z, X_test),
               f"standardize(X, mean, std) with {case}: Z is X itself or a view of it: Z must "
               "be a new tensor, at every size (N = 0 included)")


def _with_constant_columns(rng, n, d, columns, value, dtype):
    X = _raw_features(rng, n, d)
    X[:, columns] = value
    return _tensor(X, dtype)


CONSTANT_COLUMN_CASES = {
    # name: (dtype, make X, given std or None, the column the error must name)
    "column 2 of 4 constant (float32, value 0.1)": (
        torch.float32, lambda rng: _with_constant_columns(rng, 7, 4, [2], 0.1, torch.float32),
        None, 2),
    "column 0 constant (float64, value 1983.7)": (
        F64, lambda rng: _with_constant_columns(rng, 20, 3, [0], 1983.7, F64), None, 0),
    "columns 1 and 3 constant (the first is named)": (
        F64, lambda rng: _with_constant_columns(rng, 6, 4, [1, 3], 3.0, F64), None, 1),
    # torch.std of this column is about 1e-17, not 0: only comparing values finds it
    "one column, constant (float64, N = 3, value 0.1)": (
        F64, lambda rng: _tensor(np.full((3, 1), 0.1), F64), None, 0),
    "column 1 of 2 constant (float32, N = 2, value 0.3)": (
        torch.float32, lambda rng: _with_constant_columns(rng, 2, 2, [1], 0.3, torch.float32),
        None, 1),
    "one example (every column constant)": (
        F64, lambda rng: _tensor(_raw_features(rng, 1, 3), F64), None, 0),
    "given std with a zero at column 2": (
        F64, lambda rng: _tensor(_raw_features(rng, 5, 3), F64), [1.0, 2.0, 0.0], 2),
    "given std with a negative entry at column 1": (
        torch.float32, lambda rng: _tensor(_raw_features(rng, 5, 3), torch.float32),
        [1.0, -2.0, 3.0], 1),
}


@pytest.mark.parametrize("case", CONSTANT_COLUMN_CASES)
def test_standardize_rejects_zero_std_naming_the_column(a2, case, rng):
    dtype, make, given_std, column = CONSTANT_COLUMN_CASES[case]
    X = make(rng)
    if given_std is None:
        arguments = (X,)
        reason = ("a column whose values are all equal has std 0 and cannot be standardized "
                  "(with N = 1 every column is such a column); compare the values themselves: "
                  "a computed std, torch.std's included, may keep a tiny rounding residue "
                  "there, so testing it against 0 misses the column")
    else:
        arguments = (X, _tensor(np.zeros(X.shape[1]), dtype), _tensor(given_std, dtype))
        reason = "a given std must be > 0 in every column: dividing by it must make sense"
    message = _expect_value_error(
        lambda: a2.descent.standardize(*arguments),
        f"standardize with {case} must raise ValueError: {reason}",
    )
    expect(
        re.search(rf"(?<![\d.]){column}(?![\d.])", message),
        f"standardize with {case}: the ValueError must name the column, by its index as in "
        "X[:, j] counted from 0 (the first such column if there are several)",
    )


STANDARDIZE_BAD_ARGUMENTS = {
    "X of shape (N,)": lambda: (_tensor(np.arange(5.0), F64),),
    "only mean given": lambda: (_tensor(np.ones((4, 2)) * [[1], [2], [3], [4]], F64),
                                _tensor(np.zeros(2), F64), None),
    "only std given": lambda: (_tensor(np.ones((4, 2)) * [[1], [2], [3], [4]], F64), None,
                               _tensor(np.ones(2), F64)),
    "mean and std with D + 1 entries": lambda: (_tensor(np.ones((4, 2)), F64),
                                                _tensor(np.zeros(3), F64),
                                                _tensor(np.ones(3), F64)),
    "std of shape (D, 1)": lambda: (_tensor(np.ones((4, 2)), F64), _tensor(np.zeros(2), F64),
                                    _tensor(np.ones((2, 1)), F64)),
    "N = 0 examples, statistics to compute": lambda: (_tensor(np.zeros((0, 3)), F64),),
}


@pytest.mark.parametrize("case", STANDARDIZE_BAD_ARGUMENTS)
def test_standardize_rejects_bad_arguments(a2, case):
    arguments = STANDARDIZE_BAD_ARGUMENTS[case]()
    _expect_value_error(
        lambda: a2.descent.standardize(*arguments),
        f"standardize with {case} must raise ValueError (give both mean and std of shape (D,), "
        "or neither; statistics need at least one example)",
    )


# ---------------------------------------------------------------------------------------------
# mse_loss


@DTYPE_PARAM
@pytest.mark.parametrize("b_kind", BIAS_KINDS)
def test_mse_loss_matches_float64_reference(a2, b_kind, dtype, rng):
    for case, shape in SHAPES.items():
        X, t, w, b = _regression_case(rng, shape, dtype, b_kind)
        before = _snapshot(X, t, w, b)
        E = a2.descent.mse_loss(X, t, w, b)
        _expect_unchanged(before, "mse_loss")
        _expect_0d(E, dtype, f"mse_loss ({case}, b a {b_kind}) must return E")
        expected = _loss64(X, t, w, b)
        scale, _ = _scales64(X, t, w, b)
        tolerance = TOLERANCE[dtype] * max(scale, 1.0)
        value = float(E)
        if shape[0] > 1 and abs(value - 2 * expected) <= tolerance:
            fail(f"mse_loss ({case}) is twice the expected E: E = 1/(2N) Σ (w·x + b - t)² has "
                 "a factor ½")
        if shape[0] > 1 and abs(value - shape[0] * expected) <= shape[0] * tolerance:
            fail(f"mse_loss ({case}) sums the squared residuals: E is their mean (a 1/N), "
                 "halved")
        _expect_close(E, np.float64(expected), dtype, scale,
                      f"mse_loss ({case}, b a {b_kind}, {_name(dtype)}) is wrong: "
                      "E = 1/(2N) Σₙ (w·xₙ + b - tₙ)², a 0-d tensor in X's dtype")


@DTYPE_PARAM
def test_mse_loss_is_differentiable_in_w_and_b(a2, dtype, rng):
    for case, shape in SHAPES.items():
        X, t, w, b = _regression_case(rng, shape, dtype, "0-d tensor")
        w.requires_grad_(True)
        b.requires_grad_(True)
        _, (grad_w, grad_b) = a2.value_and_grad(a2.descent.mse_loss, X, t, w, b)
        expect(grad_w is not None and grad_b is not None,
               f"mse_loss ({case}): autograd must reach both w and b: compute E from them with "
               "tensor operations")
        expected_w, expected_b = _gradient64(X, t, w, b)
        _, scale = _scales64(X, t, w, b)
        _expect_close(grad_w, expected_w, dtype, scale,
                      f"mse_loss ({case}): autograd's ∂E/∂w through your E is wrong, so E is")
        _expect_close(grad_b, expected_b, dtype, scale,
                      f"mse_loss ({case}): autograd's ∂E/∂b through your E is wrong, so E is")


# ---------------------------------------------------------------------------------------------
# mse_gradient


def _gradient_diagnosis(grad_w, grad_b, expected_w, expected_b, n, tolerance) -> str | None:
    """A likely mistake that explains a wrong gradient, in words, or None."""
    actual_w, actual_b = _np(grad_w), float(_np(grad_b))

    def close(a, e, factor=1.0):
        return np.allclose(a, e, rtol=1e-3, atol=factor * tolerance * 10)

    if close(actual_w, -expected_w) and close(actual_b, -expected_b):
        return "it points the wrong way: the gradient is +1/N Xᵀ(y - t), with y - t, not t - y"
    if n > 1 and close(actual_w, n * expected_w, n) and close(actual_b, n * expected_b, n):
        return "it is N times too large: the loss is a mean, so its gradient has the 1/N too"
    if close(actual_w, expected_w) and not close(actual_b, expected_b):
        return "∂E/∂w is right but ∂E/∂b is not: ∂E/∂b = 1/N Σ (yₙ - tₙ)"
    return None


@DTYPE_PARAM
@pytest.mark.parametrize("b_kind", BIAS_KINDS)
def test_mse_gradient_matches_float64_reference(a2, b_kind, dtype, rng):
    for case, shape in SHAPES.items():
        X, t, w, b = _regression_case(rng, shape, dtype, b_kind)
        before = _snapshot(X, t, w, b)
        grad_w, grad_b = _tensors_of(a2.descent.mse_gradient(X, t, w, b), 2, "mse_gradient",
                                     "(grad_w, grad_b)")
        _expect_unchanged(before, "mse_gradient")
        _expect_0d(grad_b, dtype, f"mse_gradient ({case}, b a {b_kind}): grad_b")
        expected_w, expected_b = _gradient64(X, t, w, b)
        _, scale = _scales64(X, t, w, b)
        expect(isinstance(grad_w, torch.Tensor) and tuple(grad_w.shape) == (shape[1],),
               f"mse_gradient ({case}): grad_w must have shape (D,), like w")
        diagnosis = _gradient_diagnosis(grad_w, grad_b, expected_w, expected_b, shape[0],
                                        TOLERANCE[dtype] * max(scale, 1.0))
        what = f"mse_gradient ({case}, b a {b_kind}, {_name(dtype)}) is wrong"
        if diagnosis:
            fail(f"{what}: {diagnosis}")
        _expect_close(grad_w, expected_w, dtype, scale,
                      f"{what}: ∂E/∂w = 1/N Xᵀ(y - t), shape (D,), in X's dtype")
        _expect_close(grad_b, np.float64(expected_b), dtype, scale,
                      f"{what}: ∂E/∂b = 1/N Σ (yₙ - tₙ), a 0-d tensor in X's dtype")


def test_mse_gradient_is_computed_by_hand_without_autograd(a2, rng):
    X, t, w, b = _regression_case(rng, (9, 3), F64, "0-d tensor")
    try:
        with torch.no_grad():
            grad_w, grad_b = _tensors_of(a2.descent.mse_gradient(X, t, w, b), 2,
                                         "mse_gradient", "(grad_w, grad_b)")
    except NotImplementedError:
        raise
    except RuntimeError as error:  # "element 0 of tensors does not require grad ..."
        fail(f"mse_gradient fails under torch.no_grad() ({type(error).__name__}): it must "
             "compute the formula 1/N Xᵀ(y - t), 1/N Σ(y - t) itself, not ask autograd")
    expected_w, expected_b = _gradient64(X, t, w, b)
    _, scale = _scales64(X, t, w, b)
    message = ("mse_gradient under torch.no_grad(), for tensors that do not require grad, must "
               "give the gradient all the same: compute it by hand")
    _expect_close(grad_w, expected_w, F64, scale, message)
    _expect_close(grad_b, np.float64(expected_b), F64, scale, message)


MSE_FUNCTIONS = ("mse_loss", "mse_gradient")


@DTYPE_PARAM
@pytest.mark.parametrize("function", MSE_FUNCTIONS)
def test_mse_functions_work_on_meta_device(a2, function, dtype, rng):
    X, t, w, b = _regression_case(rng, (6, 3), dtype, "0-d tensor")
    getattr(a2.descent, function)(X, t, w, b)  # the ordinary call first

    def meta(shape):
        return torch.empty(shape, dtype=dtype, device="meta")

    try:
        results = [getattr(a2.descent, function)(meta((6, 3)), meta((6,)), meta((3,)), bias)
                   for bias in (meta(()), 0.5)]
    except (RuntimeError, TypeError, NotImplementedError) as error:
        if isinstance(error, NotImplementedError) and "is not implemented yet" in str(error):
            raise
        first_line = str(error).splitlines()[0] if str(error) else ""
        fail(f"{function} fails on tensors on the 'meta' device (a device without data; "
             f"{type(error).__name__}: {first_line}). It must work on any device without "
             "reading values: no .item()/.tolist()/.numpy()/.cpu(), no Python loops over the "
             "examples, and new tensors made on X's device")
    shapes = [()] if function == "mse_loss" else [(3,), ()]
    for result in results:
        parts = [result] if function == "mse_loss" else list(
            _tensors_of(result, 2, function, "(grad_w, grad_b)"))
        for part, shape in zip(parts, shapes, strict=True):
            expect(isinstance(part, torch.Tensor) and part.device.type == "meta",
                   f"{function} returns a result on another device than X's: keep it there")
            expect(tuple(part.shape) == shape and part.dtype == dtype,
                   f"{function} on the meta device returns the wrong shape or dtype")


# ---------------------------------------------------------------------------------------------
# shapes that do not fit, for every function that takes (X, t, w, b)


def _bad_inputs(case):
    """(X, t, w, b) of one mismatch, float64."""
    X, t, w, b = torch.ones(5, 3, dtype=F64), torch.ones(5, dtype=F64), torch.ones(
        3, dtype=F64), 0.5
    if case == "t of shape (N, 1)":
        t = t.reshape(5, 1)
    elif case == "t with N + 1 entries":
        t = torch.ones(6, dtype=F64)
    elif case == "w with D + 1 entries":
        w = torch.ones(4, dtype=F64)
    elif case == "w of shape (D, 1)":
        w = w.reshape(3, 1)
    elif case == "b of shape (1,)":
        b = torch.ones(1, dtype=F64)
    elif case == "X of shape (N,)":
        X, w = torch.ones(5, dtype=F64), torch.ones(1, dtype=F64)
    elif case == "N = 0 examples":
        X, t = torch.ones(0, 3, dtype=F64), torch.ones(0, dtype=F64)
    return X, t, w, b


BAD_INPUTS = ("t of shape (N, 1)", "t with N + 1 entries", "w with D + 1 entries",
              "w of shape (D, 1)", "b of shape (1,)", "X of shape (N,)", "N = 0 examples")
TAKES_X_T_W_B = ("mse_loss", "mse_gradient", "numerical_gradient", "gradient_descent",
                 "gradient_descent with steps = 0")


@pytest.mark.parametrize("case", BAD_INPUTS)
@pytest.mark.parametrize("function", TAKES_X_T_W_B)
def test_functions_reject_inputs_that_do_not_fit(a2, function, case):
    X, t, w, b = _bad_inputs(case)

    def call():
        if function.startswith("gradient_descent"):
            steps = 0 if "steps = 0" in function else 2
            return a2.descent.gradient_descent(X, t, lr=0.1, steps=steps, w0=w, b0=b)
        return getattr(a2.descent, function)(X, t, w, b)

    why = ("the mean over no examples is undefined" if case == "N = 0 examples" else
           "X (N, D), t (N,), w (D,) and b 0-d must fit exactly, never broadcast: an (N, 1) "
           "column against (N,) silently becomes (N, N)")
    _expect_value_error(call, f"{function} with {case} must raise ValueError: {why}")


# ---------------------------------------------------------------------------------------------
# numerical_gradient


@pytest.mark.parametrize("b_kind", ("float", "0-d tensor"))
def test_numerical_gradient_is_exact_for_a_quadratic_at_any_eps(a2, b_kind, rng):
    for case, shape in SHAPES.items():
        for eps in (0.5, 1e-3):
            X, t, w, b = _regression_case(rng, shape, F64, b_kind)
            before = _snapshot(X, t, w, b)
            grad_w, grad_b = _tensors_of(a2.descent.numerical_gradient(X, t, w, b, eps=eps), 2,
                                         "numerical_gradient", "(grad_w, grad_b)")
            _expect_unchanged(before, "numerical_gradient")
            expected_w, expected_b = _gradient64(X, t, w, b)
            loss_scale, _ = _scales64(X, t, w, b)
            # Central differences of a quadratic have no truncation error: only rounding,
            # about machine epsilon * E / eps.
            scale = 1e3 * loss_scale / eps
            message = (f"numerical_gradient ({case}, b a {b_kind}, eps = {eps}) is wrong: for "
                       "E, quadratic in every coordinate, the central difference "
                       "(E(w + eps eᵢ) - E(w - eps eᵢ)) / (2 eps) is exact for any eps, a "
                       "one-sided difference is off by eps/2 times the curvature")
            _expect_0d(grad_b, F64, message)
            _expect_close(grad_w, expected_w, F64, scale, message)
            _expect_close(grad_b, np.float64(expected_b), F64, scale, message)


@DTYPE_PARAM
def test_numerical_gradient_matches_the_analytic_gradient(a2, dtype, rng):
    # float64 at the default eps; float32 needs a larger eps (cancellation), and keeps float32.
    for case, shape in SHAPES.items():
        X, t, w, b = _regression_case(rng, shape, dtype, "float")
        if dtype == F64:
            result = a2.descent.numerical_gradient(X, t, w, b)
            tolerance = 1e-6
        else:
            result = a2.descent.numerical_gradient(X, t, w, b, eps=1e-2)
            tolerance = 2e-3
        grad_w, grad_b = _tensors_of(result, 2, "numerical_gradient", "(grad_w, grad_b)")
        expected_w, expected_b = _gradient64(X, t, w, b)
        loss_scale, _ = _scales64(X, t, w, b)
        message = (f"numerical_gradient ({case}, {_name(dtype)}"
                   f"{', default eps' if dtype == F64 else ', eps = 1e-2'}) is too far from the "
                   "analytic gradient: central differences with the given eps (default 1e-6) "
                   "and E from mse_loss, the result in X's dtype")
        _expect_0d(grad_b, dtype, message)
        expect_tensor_close(grad_w, _tensor(expected_w, dtype), message, rtol=tolerance,
                            atol=tolerance * max(loss_scale, 1.0))
        expect_tensor_close(grad_b, _tensor(expected_b, dtype), message, rtol=tolerance,
                            atol=tolerance * max(loss_scale, 1.0))


@DTYPE_PARAM
def test_numerical_gradient_uses_the_given_eps(a2, dtype, rng):
    X, t, _, _ = _regression_case(rng, (6, 3), dtype)
    # Weights and bias of order 1: a step of 1e-30 is far below their resolution.
    w = _tensor(rng.uniform(0.5, 2.0, size=3) * rng.choice([-1, 1], size=3), dtype)
    b = _tensor(rng.uniform(0.5, 2.0), dtype)
    grad_w, grad_b = _tensors_of(a2.descent.numerical_gradient(X, t, w, b, eps=1e-30), 2,
                                 "numerical_gradient", "(grad_w, grad_b)")
    message = ("numerical_gradient must use the eps it is given: with eps = 1e-30 and w, b of "
               "order 1, w ± eps equals w in floating point, so E(w + eps eᵢ) = E(w - eps eᵢ) "
               "and every central difference is exactly zero")
    expect(isinstance(grad_w, torch.Tensor) and isinstance(grad_b, torch.Tensor), message)
    expect(bool((grad_w == 0).all()) and bool(grad_b == 0), message)


# NaN and inf eps are not graded: the handout asked for ValueError at eps <= 0, which NaN is not.
@pytest.mark.parametrize("eps", (0.0, -0.0, 0, -1e-6, -1.0, -1), ids=repr)
def test_numerical_gradient_rejects_nonpositive_eps(a2, eps, rng):
    X, t, w, b = _regression_case(rng, (5, 2), F64)
    _expect_value_error(
        lambda: a2.descent.numerical_gradient(X, t, w, b, eps=eps),
        f"numerical_gradient with eps = {eps!r} must raise ValueError: the step must be > 0",
    )


# ---------------------------------------------------------------------------------------------
# gradient_descent


def _descent_result(result, dtype, d, steps, function="gradient_descent"):
    w, b, losses = _tensors_of(result, 3, function, "(w, b, losses)")
    expect(isinstance(w, torch.Tensor) and tuple(w.shape) == (d,) and w.dtype == dtype,
           f"{function}: w must be a tensor of shape (D,) in X's dtype")
    _expect_0d(b, dtype, f"{function}: b")
    expect(isinstance(losses, list),
           f"{function}: losses must be a Python list (of Python floats)")
    if len(losses) == steps:
        fail(f"{function}: losses has one entry per step, but it must start with E(w0, b0) "
             "before the first step: steps + 1 entries")
    expect(len(losses) == steps + 1,
           f"{function}: losses must hold exactly steps + 1 entries, E before the first step "
           "and after each step, whatever happens to the loss (no early stop)")
    expect(all(isinstance(value, float) for value in losses),
           f"{function}: every entry of losses must be a Python float (float(E)), not a tensor")
    return w, b, losses


def _expect_descent_matches(result, oracle, dtype, d, steps, what):
    w, b, losses = _descent_result(result, dtype, d, steps)
    w64, b64, losses64 = oracle
    tolerance = TOLERANCE[dtype]
    loss_scale = max(abs(losses64[0]), 1.0)
    expect_array_close(
        losses[:1], losses64[:1],
        f"{what}: losses[0] must be E(w0, b0), the loss before any step", rtol=tolerance,
        atol=tolerance * loss_scale)
    scale = max(float(np.abs(w64).max()), abs(b64), 1.0)
    _expect_close(w, w64, dtype, scale,
                  f"{what}: w is not the result of the steps w ← w - lr ∂E/∂w, each with the "
                  "gradient of all N examples at the current (w, b), starting from w0 (zeros "
                  "if None)")
    _expect_close(b, np.float64(b64), dtype, scale,
                  f"{what}: b is not the result of the steps b ← b - lr ∂E/∂b from b0")
    expect_array_close(
        losses, losses64,
        f"{what}: losses[k] must be E after k steps (losses[0] before the first)",
        rtol=tolerance, atol=tolerance * loss_scale)


DESCENT_STARTS = {
    "w0 None, b0 default": None,
    "w0 given, b0 a float": "float",
    "w0 given, b0 an int": "int",
    "w0 given, b0 a 0-d tensor": "0-d tensor",
}


@DTYPE_PARAM
@pytest.mark.parametrize("start", DESCENT_STARTS)
def test_gradient_descent_follows_the_update_rule(a2, start, dtype, rng):
    steps = 6
    for case, shape in SHAPES.items():
        X, t, w0, b0 = _regression_case(rng, shape, dtype, DESCENT_STARTS[start] or "float")
        lr = 0.5 / _hessian_eigenvalues64(X)[-1]
        before = _snapshot(X, t, w0, b0)
        if DESCENT_STARTS[start] is None:
            result = a2.descent.gradient_descent(X, t, lr=lr, steps=steps)
            oracle = _descent64(X, t, lr, steps, None, 0.0)
        else:
            result = a2.descent.gradient_descent(X, t, lr=lr, steps=steps, w0=w0, b0=b0)
            oracle = _descent64(X, t, lr, steps, w0, b0)
        for copy, original in before:
            expect(unchanged(copy, original),
                   f"gradient_descent ({case}, {start}) changed an input in place: "
                   "`w -= lr * grad_w` on the caller's w0 overwrites it; write "
                   "w = w - lr * grad_w, which makes a new tensor")
        _expect_descent_matches(result, oracle, dtype, shape[1], steps,
                                f"gradient_descent ({case}, {start}, {steps} steps, "
                                f"{_name(dtype)})")


@DTYPE_PARAM
def test_gradient_descent_default_arguments(a2, dtype, rng):
    X, t = _standardized_case(rng, 30, 3, dtype)
    result = a2.descent.gradient_descent(X, t)
    _expect_descent_matches(result, _descent64(X, t, 0.1, 100, None, 0.0), dtype, 3, 100,
                            "gradient_descent(X, t) with every default (lr = 0.1, steps = 100, "
                            "w0 = zeros, b0 = 0.0)")
    result = a2.descent.gradient_descent(X, t, steps=4)
    _expect_descent_matches(result, _descent64(X, t, 0.1, 4, None, 0.0), dtype, 3, 4,
                            "gradient_descent(X, t, steps=4) with the default lr = 0.1")
    result = a2.descent.gradient_descent(X, t, lr=1, steps=3)
    _expect_descent_matches(result, _descent64(X, t, 1.0, 3, None, 0.0), dtype, 3, 3,
                            "gradient_descent(X, t, lr=1, steps=3) with lr a Python int (a "
                            "positive finite number, as good as 1.0)")


@DTYPE_PARAM
def test_gradient_descent_zero_steps_returns_the_start(a2, dtype, rng):
    for shape in ((5, 2), (1, 1)):
        d = shape[1]
        X, t, w0, b_tensor = _regression_case(rng, shape, dtype, "0-d tensor")
        starts = {
            "w0 None, b0 default": ({}, np.zeros(d), 0.0),
            "w0 given, b0 a float": ({"w0": w0, "b0": -0.75}, _np(w0), -0.75),
            "w0 given, b0 an int, lr an int": ({"w0": w0, "b0": 2, "lr": 3}, _np(w0), 2.0),
            "w0 given, b0 a 0-d tensor": ({"w0": w0, "b0": b_tensor}, _np(w0),
                                          float(b_tensor)),
            "w0 None, b0 a 0-d tensor, lr an int": ({"b0": b_tensor, "lr": 1}, np.zeros(d),
                                                    float(b_tensor)),
        }
        for start, (kwargs, w64, b64) in starts.items():
            what = f"gradient_descent with steps = 0 ({start}, X of shape {shape})"
            before = _snapshot(X, t, *kwargs.values())
            w, b, losses = _descent_result(
                a2.descent.gradient_descent(X, t, steps=0, **kwargs), dtype, d, 0)
            _expect_unchanged(before, "gradient_descent")
            expect(unchanged(_tensor(w64, dtype), w.detach()),
                   f"{what} must return w0 unchanged (zeros when w0 is None)")
            expect(unchanged(_tensor(b64, dtype), b.detach()),
                   f"{what} must return b0 unchanged, as a 0-d tensor")
            expect_array_close(losses, [_loss64(X, t, w64, b64)],
                               f"{what}: losses must be [E(w0, b0)]", rtol=TOLERANCE[dtype],
                               atol=TOLERANCE[dtype] * max(abs(_loss64(X, t, w64, b64)), 1.0))


@DTYPE_PARAM
@pytest.mark.parametrize("lr_times_lambda_max", (1.0, 1.9))
def test_gradient_descent_converges_to_the_least_squares_solution(a2, lr_times_lambda_max,
                                                                   dtype, rng):
    X, t = _standardized_case(rng, 40, 3, dtype)
    eigenvalues = _hessian_eigenvalues64(X)
    lr = lr_times_lambda_max / eigenvalues[-1]
    # Every error component shrinks by |1 - lr λ| per step; take enough steps for 1e-12.
    rate = max(abs(1 - lr * eigenvalues[0]), abs(1 - lr * eigenvalues[-1]))
    steps = int(np.ceil(np.log(1e-12) / np.log(rate)))
    w, b, losses = _descent_result(a2.descent.gradient_descent(X, t, lr=lr, steps=steps),
                                   dtype, 3, steps)
    w_star, b_star = _least_squares64(X, t)
    what = (f"gradient_descent with lr = {lr_times_lambda_max} / λ_max on well-conditioned "
            f"data ({_name(dtype)}, {steps} steps)")
    tolerance = 10 * TOLERANCE[dtype]
    scale = max(float(np.abs(w_star).max()), abs(b_star), 1.0)
    expect_tensor_close(w, _tensor(w_star, dtype),
                        f"{what} must converge to the least-squares weights", rtol=tolerance,
                        atol=tolerance * scale)
    expect_tensor_close(b, _tensor(b_star, dtype),
                        f"{what} must converge to the least-squares bias", rtol=tolerance,
                        atol=tolerance * scale)
    slack = TOLERANCE[dtype] * losses[0]
    expect(all(later <= earlier + slack for earlier, later in itertools.pairwise(losses)),
           f"{what}: below lr = 2 / λ_max the loss of a quadratic falls at every step")
    expect_array_close(losses[-1:], [_loss64(X, t, w_star, b_star)],
                       f"{what}: the last loss must be the least-squares minimum of E",
                       rtol=tolerance, atol=tolerance * losses[0])


@DTYPE_PARAM
def test_gradient_descent_diverges_above_two_over_lambda_max(a2, dtype, rng):
    X, t = _standardized_case(rng, 20, 3, dtype)
    steps = 40
    A = np.column_stack([_np(X), np.ones(20)])
    eigenvalues, eigenvectors = np.linalg.eigh(A.T @ A / 20)
    lr = 2.2 / eigenvalues[-1]
    # Start off the minimiser along the steepest direction of E: every step multiplies that
    # offset by 1 - lr λ_max = -1.2, and the loss above the minimum by 1.44.
    w_star, b_star = _least_squares64(X, t)
    w0 = _tensor(w_star + eigenvectors[:-1, -1], dtype)
    b0 = _tensor(b_star + eigenvectors[-1, -1], dtype)
    w, b, losses = _descent_result(
        a2.descent.gradient_descent(X, t, lr=lr, steps=steps, w0=w0, b0=b0), dtype, 3, steps)
    what = "gradient_descent with lr = 2.2 / λ_max"
    expect(losses[-1] > 1e3 * losses[0] and losses[-1] > losses[-2],
           f"{what} must diverge: the loss grows step after step (the steps overshoot). Take "
           "every step with the given lr: no clipping, no normalising of the gradient")
    _expect_descent_matches((w, b, losses), _descent64(X, t, lr, steps, w0, b0), dtype, 3,
                            steps, what)

    # Far too large: the loss overflows to inf and then NaN. Still no error, every entry there.
    _descent_result(a2.descent.gradient_descent(X, t, lr=1e20, steps=8), dtype, 3, 8)


DESCENT_BAD_ARGUMENTS = {
    "lr = 0": {"lr": 0.0},
    "lr < 0": {"lr": -0.1},
    "lr = 0 as an int": {"lr": 0},
    "lr = -1 as an int": {"lr": -1},
    "steps < 0": {"steps": -1},
    "steps < 0, w0 and a 0-d b0 given": {"steps": -3, "w0": "given", "b0": "tensor"},
}
# steps = 0 takes no step: a learning rate checked only where a step is taken is never checked.
DESCENT_BAD_ARGUMENTS.update({
    f"{case}, steps = 0{extra}": {**arguments, "steps": 0, **start}
    for case, arguments in list(DESCENT_BAD_ARGUMENTS.items()) if "steps" not in arguments
    for extra, start in (("", {}), (", w0 and a 0-d b0 given", {"w0": "given", "b0": "tensor"}),
                         (", b0 an int", {"b0": 1}))
})


@pytest.mark.parametrize("case", DESCENT_BAD_ARGUMENTS)
def test_gradient_descent_rejects_bad_lr_or_steps(a2, case, rng):
    X, t = _standardized_case(rng, 6, 2, F64)
    kwargs = dict(DESCENT_BAD_ARGUMENTS[case])
    if kwargs.get("w0") == "given":
        kwargs["w0"] = _tensor(rng.normal(size=2), F64)
    if kwargs.get("b0") == "tensor":
        kwargs["b0"] = _tensor(0.5, F64)
    _expect_value_error(
        lambda: a2.descent.gradient_descent(X, t, **kwargs),
        f"gradient_descent with {case} must raise ValueError: lr must be > 0 and steps >= 0, "
        "also when steps = 0 (a check made only where a step is taken is never reached then: "
        "check the arguments before the loop)",
    )


def _house_prices():
    spec = importlib.util.spec_from_file_location("course_datasets", DATASETS / "load.py")
    course_datasets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course_datasets)
    X, price, _ = course_datasets.load_house_prices()
    return X, price / 1000


def test_house_prices_trained_on_training_rows_and_tested_with_their_statistics(a2):
    X64, t64 = _house_prices()
    train, test = slice(0, 15), slice(15, None)
    Z_train, mean, std = a2.descent.standardize(_tensor(X64[train], F64))
    Z_test, _, _ = a2.descent.standardize(_tensor(X64[test], F64), mean, std)
    w, b, losses = _descent_result(
        a2.descent.gradient_descent(Z_train, _tensor(t64[train], F64), lr=0.1, steps=200),
        F64, X64.shape[1], 200)
    mean64, std64 = X64[train].mean(axis=0), X64[train].std(axis=0)
    w64, b64, losses64 = _descent64((X64[train] - mean64) / std64, t64[train], 0.1, 200, None,
                                    0.0)
    what = ("the house prices (prices in thousands), standardized with the 15 training rows' "
            "statistics, 200 steps of lr = 0.1")
    expect_array_close(losses, losses64, f"{what}: the training losses are wrong", rtol=1e-8,
                       atol=1e-8)
    test_error = _loss64((X64[test] - mean64) / std64, t64[test], w64, b64)
    expect_array_close([_loss64(Z_test, t64[test], w, b)], [test_error],
                       f"{what}: the test error is wrong; standardize the test rows with the "
                       "training statistics (pass mean and std), never with their own",
                       rtol=1e-8, atol=1e-8)
