"""Hidden tests of perceptron.py: every line of the contract in the handout.

Expected values come from an exact oracle written here in rational arithmetic (Python's
``Fraction``), never from the reference solution. The test data are small integers and dyadic
fractions, checked to stay exactly representable in the dtype under test, so every float dtype
computes the perceptron exactly and results must match bit for bit; only the tests on
continuous random data (float32/float64) use tolerances or properties instead.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.readguard import ValueReadError, guarded, meta_shapes_only
from autograder.suites.helpers import (
    FLOAT_DTYPES,
    expect,
    expect_tensor_close,
    fail,
    shares_memory,
    unchanged,
)

pytestmark = pytest.mark.perceptron

F64 = torch.float64
WIDE_DTYPES = (torch.float32, torch.float64)
NAN, INF = float("nan"), float("inf")
# Significand bits: a dyadic value m·2^k with |m| < 2^bits is exact in the dtype.
SIGNIFICAND_BITS = {torch.float16: 11, torch.bfloat16: 8, torch.float32: 24, torch.float64: 53}
DYADIC_RATES = (1.0, 0.5, 2.0, 0.25)
GATE_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]

DTYPE_PARAM = pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: _name(d))
WIDE_DTYPE_PARAM = pytest.mark.parametrize("dtype", WIDE_DTYPES, ids=lambda d: _name(d))

STEP_HINT = (
    "step(x) is 1 for x ≥ 0 (also at 0, −0.0 and +inf), 0 for x < 0 (also −inf and tiny "
    "negative numbers), and NaN for NaN, in x's dtype"
)
RULE_HINT = (
    "y = step(w·x + b) (1 when the sum is exactly 0), w_new = w + lr (t − y) x and "
    "b_new = b + lr (t − y), with lr applied to the bias too"
)
ERRORS_HINT = (
    "errors[e] counts the examples that are misclassified (y ≠ t) at the moment they are "
    "visited in epoch e, before their update, with the examples visited in order 0..N−1 "
    "(no shuffling)"
)
STOP_HINT = (
    "training stops right after the first epoch without errors (that epoch is recorded, so "
    "errors ends with 0), or after exactly max_epochs epochs"
)
INPLACE_HINT = (
    "build new tensors (w_new = w + ...); never w += ..., w.add_(...), w[...] = ... on the "
    "caller's tensors"
)


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _a(word: str) -> str:
    """``word`` with its indefinite article: "an int", "a tensor"."""
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


# ---------------------------------------------------------------------------------------------
# The exact oracle


def _fractions(values) -> list:
    """Nested lists of exact Fractions from a tensor, an array or (nested) numbers."""
    if isinstance(values, torch.Tensor):
        values = values.detach().to(F64).tolist()
    elif isinstance(values, np.ndarray):
        values = values.astype(np.float64).tolist()
    if isinstance(values, list | tuple):
        return [_fractions(v) for v in values]
    return Fraction(float(values))


def _step(z: Fraction) -> int:
    return 1 if z >= 0 else 0


@dataclass
class Run:
    """What the perceptron rule does to a data set, in exact arithmetic."""

    w: list[Fraction]
    b: Fraction
    errors: list[int]
    largest: Fraction  # the largest magnitude any partial result reaches
    denominator: int  # the largest denominator of any value involved (a power of two)

    def exact_in(self, dtype: torch.dtype) -> bool:
        """Every value and partial sum is exactly representable in ``dtype``."""
        return self.largest * self.denominator < 2 ** SIGNIFICAND_BITS[dtype]


def _magnitudes(values) -> tuple[Fraction, int]:
    values = list(values)
    return (max((abs(v) for v in values), default=Fraction(0)),
            max((v.denominator for v in values), default=1))


def oracle_train(X, t, lr, max_epochs, w0=None, b0=0.0) -> Run:
    """Rosenblatt's rule visiting the rows of X in order, exactly (X, t as nested lists)."""
    X, t = _fractions(X), _fractions(t)
    lr = Fraction(lr)
    D = len(X[0]) if X else (len(w0) if w0 is not None else 0)
    w = _fractions(w0) if w0 is not None else [Fraction(0)] * D
    b = _fractions(b0)
    largest, denominator = _magnitudes([*w, b, lr, *itertools.chain.from_iterable(X)])
    errors = []
    for _ in range(max_epochs):
        wrong = 0
        for x, target in zip(X, t, strict=True):
            products = [wi * xi for wi, xi in zip(w, x, strict=True)]
            y = _step(sum(products) + b)
            wrong += y != target
            delta = lr * (target - y)
            steps = [delta * xi for xi in x]
            w = [wi + s for wi, s in zip(w, steps, strict=True)]
            b = b + delta
            size, denom = _magnitudes([*products, *steps, *w, b, delta])
            largest = max(largest, size, sum(abs(p) for p in products) + abs(b - delta))
            denominator = max(denominator, denom)
        errors.append(wrong)
        if wrong == 0:
            break
    return Run(w, b, errors, largest, denominator)


# ---------------------------------------------------------------------------------------------
# Test data


def _tensor(values, dtype) -> torch.Tensor:
    return torch.tensor(values, dtype=F64).to(dtype)


def _integers(rng, shape, low=-3, high=3) -> np.ndarray:
    return rng.integers(low, high + 1, size=shape).astype(np.float64)


def _separable_integer_data(rng, n, d):
    """n integer points in [−3, 3]^d, labelled by an integer hyperplane they avoid."""
    while True:
        u = _integers(rng, d)
        if np.any(u):
            break
    c = float(rng.integers(-2, 3))
    X = _integers(rng, (4 * n, d))
    s = X @ u + c
    X, s = X[s != 0][:n], s[s != 0][:n]
    return X, (s > 0).astype(np.float64)


@dataclass
class Case:
    label: str
    X: np.ndarray
    t: np.ndarray
    kwargs: dict
    run: Run


def _exact_case(rng, dtype, label, draw) -> Case:
    """The first case ``draw(rng)`` makes that runs exactly in ``dtype`` (with the AND gate as
    a fallback that always does)."""
    for _ in range(200):
        X, t, kwargs, must_converge = draw(rng)
        run = oracle_train(X, t, kwargs.get("lr", 1.0), kwargs.get("max_epochs", 100),
                           kwargs.get("w0"), kwargs.get("b0", 0.0))
        converged = run.errors[-1] == 0
        if run.exact_in(dtype) and converged == must_converge:
            return Case(label, X, t, kwargs, run)
    X, t = np.array(GATE_INPUTS), np.array([0.0, 0.0, 0.0, 1.0])
    kwargs = {"lr": 1.0, "max_epochs": 10}
    return Case(label, X, t, kwargs, oracle_train(X, t, 1.0, 10))


def _draw_separable(n_range, d_range):
    def draw(rng):
        n, d = int(rng.integers(*n_range)), int(rng.integers(*d_range))
        X, t = _separable_integer_data(rng, n, d)
        lr = float(rng.choice(DYADIC_RATES))
        return X, t, {"lr": lr, "max_epochs": 60}, True
    return draw


def _draw_nonseparable(rng):
    n, d = int(rng.integers(5, 9)), int(rng.integers(1, 4))
    X = _integers(rng, (n, d), -2, 2)
    t = rng.integers(0, 2, size=n).astype(np.float64)
    # A contradiction makes the data inseparable: the same point with both labels.
    X[1] = X[0]
    t[0], t[1] = 0.0, 1.0
    kwargs = {"lr": float(rng.choice(DYADIC_RATES)), "max_epochs": int(rng.integers(2, 7))}
    return X, t, kwargs, False


def _draw_with_start(rng):
    n, d = int(rng.integers(4, 9)), int(rng.integers(1, 4))
    X, t = _separable_integer_data(rng, n, d)
    w0 = _integers(rng, d, -2, 2)
    b0 = float(rng.integers(-2, 3)) + float(rng.choice([0.0, 0.5]))
    return X, t, {"lr": float(rng.choice(DYADIC_RATES)), "max_epochs": 60, "w0": w0,
                  "b0": b0}, True


def _train_arguments(case: Case, dtype, target_kind="float", b0_kind="float"):
    """Positional and keyword arguments of train_perceptron for ``case`` in ``dtype``."""
    X = _tensor(case.X.tolist(), dtype).reshape(case.X.shape)
    t = (torch.tensor(case.t, dtype=torch.int64) if target_kind == "int64"
         else _tensor(case.t.tolist(), dtype))
    kwargs = dict(case.kwargs)
    if kwargs.get("w0") is not None:
        kwargs["w0"] = _tensor(kwargs["w0"].tolist(), dtype)
    if "b0" in kwargs:
        kwargs["b0"] = {"float": kwargs["b0"], "tensor": _tensor(kwargs["b0"], dtype),
                        "int": int(kwargs["b0"])}[b0_kind]
    return X, t, kwargs


def _unpack_train(result, dtype, D, context):
    """(w, b, errors) from a result of train_perceptron, checking its types and shapes."""
    expect(isinstance(result, tuple) and len(result) == 3,
           f"{context}: train_perceptron must return the tuple (w, b, errors)")
    w, b, errors = result
    expect(isinstance(w, torch.Tensor) and tuple(w.shape) == (D,),
           f"{context}: the returned w must be a tensor of shape (D,)")
    expect(isinstance(b, torch.Tensor) and b.dim() == 0,
           f"{context}: the returned b must be a 0-d tensor (also when b0 is a Python number)")
    expect(w.dtype == dtype and b.dtype == dtype,
           f"{context}: w and b must have X's dtype ({_name(dtype)})")
    expect(w.device == torch.device("cpu") and b.device == torch.device("cpu"),
           f"{context}: w and b must stay on X's device")
    expect(isinstance(errors, list) and all(type(e) is int for e in errors),
           f"{context}: errors must be a Python list of Python ints (convert each epoch's "
           "count with int(...), not a tensor, numpy integer or tuple)")
    return w, b, errors


def _expect_errors(errors, expected, context):
    if errors == expected:
        return
    common = min(len(errors), len(expected))
    if errors[:common] == expected[:common]:
        fail(f"{context}: errors counts the epochs right but has the wrong length: {STOP_HINT}")
    fail(f"{context}: the error counts per epoch are wrong: {ERRORS_HINT}; {STOP_HINT}")


def _expect_run(result, case: Case, dtype, context):
    w, b, errors = _unpack_train(result, dtype, case.X.shape[1], context)
    _expect_errors(errors, case.run.errors, context)
    expect_tensor_close(w, _tensor([float(v) for v in case.run.w], dtype),
                        f"{context}: the final weights w are wrong: each update is {RULE_HINT}",
                        rtol=0, atol=0)
    expect_tensor_close(b, _tensor(float(case.run.b), dtype),
                        f"{context}: the final bias b is wrong: each update is {RULE_HINT}",
                        rtol=0, atol=0)


# ---------------------------------------------------------------------------------------------
# step


def _step_oracle(x: torch.Tensor) -> torch.Tensor:
    x64 = x.to(F64)
    return torch.where(x64.isnan(), x64, (x64 >= 0).to(F64)).to(x.dtype)


def _special_values(dtype) -> list[float]:
    info = torch.finfo(dtype)
    return [0.0, -0.0, info.tiny, -info.tiny, info.smallest_normal / 4,
            -info.smallest_normal / 4, info.max, -info.max, INF, -INF, NAN, 1.0, -1.0]


@DTYPE_PARAM
def test_step_matches_the_definition_for_every_shape(a2, dtype, torch_gen):
    for shape_name, shape in {"0-d": (), "empty": (0,), "1-D": (40,), "3-D": (2, 3, 5)}.items():
        values = torch.randn(shape, generator=torch_gen, dtype=F64) * 100
        if shape_name == "1-D":
            values[:13] = torch.tensor(_special_values(dtype), dtype=F64)
        x = values.to(dtype)
        before = x.clone()
        y = a2.perceptron.step(x)
        expect(unchanged(before, x), f"step changed its input in place: {INPLACE_HINT}")
        expect_tensor_close(
            y, _step_oracle(x),
            f"step on a {shape_name} {_name(dtype)} tensor is wrong, or not a new tensor of x's "
            f"shape, dtype and device: {STEP_HINT}", rtol=0, atol=0)


@DTYPE_PARAM
def test_step_is_one_at_zero_and_negative_zero(a2, dtype):
    for x in (torch.tensor(0.0, dtype=dtype), torch.tensor(-0.0, dtype=dtype),
              torch.tensor([-0.0, 0.0, -0.0], dtype=dtype)):
        expect_tensor_close(
            a2.perceptron.step(x), torch.ones_like(x),
            "step(0) must be 1 and step(−0.0) must be 1 too (−0.0 >= 0 is true): the threshold "
            "unit fires from 0 on; (x > 0) gives 0 at 0", rtol=0, atol=0)


@DTYPE_PARAM
def test_step_of_nan_is_nan(a2, dtype):
    x = torch.tensor([[NAN, -2.0, 0.0], [3.0, NAN, -0.5]], dtype=dtype)
    y = a2.perceptron.step(x)
    expect(isinstance(y, torch.Tensor) and tuple(y.shape) == (2, 3),
           "step must return a tensor of x's shape")
    expect(bool(y[x.isnan()].isnan().all()),
           "step(NaN) must be NaN: NaN is neither ≥ 0 nor < 0, and a comparison turns it into "
           "0 or 1 silently ((x >= 0).to(...) and torch.heaviside give 0): keep NaN where "
           "torch.isnan(x)")
    expect(torch.equal(y[~x.isnan()], _step_oracle(x)[~x.isnan()]),
           f"step is wrong next to NaN entries: {STEP_HINT}")


def test_step_returns_a_new_tensor(a2, torch_gen):
    for shape in ((3, 4), (), (1,), (0,), (0, 3)):  # every size, empty included
        x = torch.randn(shape, generator=torch_gen)
        before = x.clone()
        y = a2.perceptron.step(x)
        expect(isinstance(y, torch.Tensor), "step must return a torch.Tensor")
        expect(not shares_memory(y, x),
               f"step of a tensor of shape {shape} returns its input or a view of it: the result "
               "must be a new tensor, at every size (empty and 0-d included)")
        y.fill_(7.0)
        expect(unchanged(before, x), "writing into the result of step changes its input: the "
               "result must be a new tensor")


# ---------------------------------------------------------------------------------------------
# perceptron_predict


def _oracle_predict(X, w, b) -> list[float]:
    X, w, b = _fractions(X), _fractions(w), _fractions(b)
    return [float(_step(sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b)) for x in X]


def _predict_case(rng, n, d):
    """Integer X (n, d), w and b, with about half the rows exactly on the boundary w·x + b = 0."""
    X = _integers(rng, (n, d))
    w = _integers(rng, d)
    w[0] = w[0] or 1.0
    b = float(rng.integers(-4, 5)) + float(rng.choice([0.0, 0.5]))
    if n and b == int(b):
        on_boundary = rng.random(n) < 0.5
        # shift x_0 so that w·x + b = 0 exactly on those rows (w[0] is ±1, ±2 or ±3: keep it
        # integer by moving only rows where that works)
        needed = -(X @ w + b - X[:, 0] * w[0]) / w[0]
        fits = on_boundary & (needed == np.round(needed)) & (np.abs(needed) <= 9)
        X[fits, 0] = needed[fits]
    return X, w, b


@DTYPE_PARAM
def test_predict_matches_the_exact_definition(a2, dtype, rng):
    for (n, d), b_kind in itertools.product([(0, 2), (1, 3), (7, 1), (9, 3)],
                                            ["float", "int", "tensor"]):
        X_np, w_np, b_value = _predict_case(rng, n, d)
        if b_kind == "int":
            b_value = float(int(b_value))
        X, w = _tensor(X_np.tolist(), dtype).reshape(n, d), _tensor(w_np.tolist(), dtype)
        b = {"float": b_value, "int": int(b_value), "tensor": _tensor(b_value, dtype)}[b_kind]
        inputs = [X, w] + ([b] if b_kind == "tensor" else [])
        before = [v.clone() for v in inputs]
        y = a2.perceptron.perceptron_predict(X, w, b)
        for old, new in zip(before, inputs, strict=True):
            expect(unchanged(old, new),
                   f"perceptron_predict changed an input in place: {INPLACE_HINT}")
        expect_tensor_close(
            y, _tensor(_oracle_predict(X_np, w_np, b_value), dtype).reshape(n),
            f"perceptron_predict with X of shape ({'N' if n else 0}, D) in {_name(dtype)} and b "
            f"given as {'a 0-d tensor' if b_kind == 'tensor' else 'a Python ' + b_kind} is "
            "wrong: the result is step(X w + b), shape (N,), X's dtype and device, and a sum of "
            "exactly 0 gives 1", rtol=0, atol=0)


@DTYPE_PARAM
def test_predict_of_one_example_is_0d(a2, dtype, rng):
    X_np, w_np, b_value = _predict_case(rng, 6, 3)
    X, w = _tensor(X_np.tolist(), dtype), _tensor(w_np.tolist(), dtype)
    expected = _oracle_predict(X_np, w_np, b_value)
    for n in range(6):
        for b in (b_value, _tensor(b_value, dtype)):
            expect_tensor_close(
                a2.perceptron.perceptron_predict(X[n], w, b), _tensor(expected[n], dtype),
                "perceptron_predict of one example x of shape (D,) must be the 0-d tensor "
                "step(x·w + b) of x's dtype (not shape (1,))", rtol=0, atol=0)


def test_predict_gives_nan_for_an_example_with_nan(a2):
    X = torch.tensor([[1.0, 2.0], [NAN, 1.0], [-3.0, 0.5]], dtype=F64)
    w = torch.tensor([1.0, -1.0], dtype=F64)
    y = a2.perceptron.perceptron_predict(X, w, 0.5)
    expect(isinstance(y, torch.Tensor) and tuple(y.shape) == (3,),
           "perceptron_predict must return shape (N,)")
    expect(bool(y[1].isnan()) and not bool(y[[0, 2]].isnan().any()),
           "an example whose weighted sum is NaN must get NaN (step(NaN) = NaN), and only it")


PREDICT_MISFITS = {
    "D of X ≠ D of w": ((4, 3), (2,)),
    "one example, wrong D": ((3,), (2,)),
    "w of shape (D, 1)": ((4, 3), (3, 1)),
    "X with three dimensions": ((2, 4, 3), (3,)),
    "X 0-d": ((), (1,)),
}


@pytest.mark.parametrize("case", PREDICT_MISFITS)
def test_predict_rejects_shapes_that_do_not_fit(a2, case):
    x_shape, w_shape = PREDICT_MISFITS[case]
    try:
        a2.perceptron.perceptron_predict(torch.ones(x_shape), torch.ones(w_shape), 0.0)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as error:
        fail(f"perceptron_predict raises {type(error).__name__} for {case}, not ValueError: "
             "check the shapes yourself first (X of shape (N, D) or (D,), w of shape (D,))")
    fail(f"perceptron_predict accepts {case}: raise ValueError unless X has shape (N, D) or "
         "(D,) and w has shape (D,) (matrix products broadcast silently)")


# ---------------------------------------------------------------------------------------------
# perceptron_update


def _update_case(rng, output, margin):
    """w, x (integers) and b with step(w·x + b) == output; |w·x + b| == margin (0: exactly on
    the boundary, possible only for output 1)."""
    d = 3
    w, x = _integers(rng, d), _integers(rng, d)
    s = float(w @ x)
    b = -s + margin if output == 1 else -s - margin
    return w, x, b


def _oracle_update(w, b, x, t, lr):
    w, b, x, t, lr = (_fractions(v) for v in (w, b, x, t, lr))
    delta = lr * (t - _step(sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b))
    return [float(wi + delta * xi) for wi, xi in zip(w, x, strict=True)], float(b + delta)


def _make_b(kind, value, dtype):
    return {"float": float(value), "int": int(value), "tensor": _tensor(value, dtype)}[kind]


def _make_t(kind, value, dtype):
    return {"int": int(value), "float": float(value), "tensor": _tensor(value, dtype),
            "int64 tensor": torch.tensor(int(value))}[kind]


def _expect_update(result, w_expected, b_expected, dtype, context):
    expect(isinstance(result, tuple) and len(result) == 2,
           f"{context}: perceptron_update must return the tuple (w_new, b_new)")
    w_new, b_new = result
    expect(isinstance(b_new, torch.Tensor) and b_new.dim() == 0,
           f"{context}: b_new must be a 0-d tensor of w's dtype, also when b is a Python "
           "number (keep the arithmetic in tensors: b + lr (t − y) with y a tensor)")
    expect_tensor_close(w_new, _tensor(w_expected, dtype),
                        f"{context}: w_new is wrong: {RULE_HINT}", rtol=0, atol=0)
    expect_tensor_close(b_new, _tensor(b_expected, dtype),
                        f"{context}: b_new is wrong: {RULE_HINT}", rtol=0, atol=0)


@DTYPE_PARAM
def test_update_follows_the_rule_exactly(a2, dtype, rng):
    b_kinds = itertools.cycle(["float", "tensor", "int", "tensor"])
    t_kinds = itertools.cycle(["int", "tensor", "float", "int64 tensor", "tensor"])
    for (target, output), lr in itertools.product(itertools.product((0, 1), (0, 1)),
                                                  DYADIC_RATES):
        margin = float(rng.integers(0, 4)) + (0.0 if output else 1.0)
        w_np, x_np, b_value = _update_case(rng, output, margin)
        b_kind, t_kind = next(b_kinds), next(t_kinds)
        w, x = _tensor(w_np.tolist(), dtype), _tensor(x_np.tolist(), dtype)
        b, t = _make_b(b_kind, b_value, dtype), _make_t(t_kind, target, dtype)
        if b_kind == "int":
            b_value = float(int(b_value))
        inputs = [v for v in (w, x, b, t) if isinstance(v, torch.Tensor)]
        before = [v.clone() for v in inputs]
        result = a2.perceptron.perceptron_update(w, b, x, t, lr=lr)
        for old, new in zip(before, inputs, strict=True):
            expect(unchanged(old, new),
                   f"perceptron_update changed w, b, x or t in place: {INPLACE_HINT}")
        situation = "a misclassified" if target != output else "a correctly classified"
        context = (f"perceptron_update on {situation} example ({_name(dtype)}, b as "
                   f"{_a(b_kind)}, t as {_a(t_kind)}, lr={lr})")
        _expect_update(result, *_oracle_update(w_np, b_value, x_np, target, lr), dtype,
                       context)


@DTYPE_PARAM
def test_update_on_the_boundary_counts_as_output_one(a2, dtype, rng):
    for target in (0, 1):
        w_np, x_np, b_value = _update_case(rng, 1, 0.0)  # w·x + b == 0 exactly
        w, x = _tensor(w_np.tolist(), dtype), _tensor(x_np.tolist(), dtype)
        result = a2.perceptron.perceptron_update(w, _tensor(b_value, dtype), x, target)
        _expect_update(result, *_oracle_update(w_np, b_value, x_np, target, 1.0), dtype,
                       f"perceptron_update with w·x + b exactly 0 and target {target} "
                       "(step(0) = 1, so the output is 1)")


def test_update_default_learning_rate_is_one(a2, rng):
    for target, output in ((1, 0), (0, 1)):
        w_np, x_np, b_value = _update_case(rng, output, 1.5)
        result = a2.perceptron.perceptron_update(
            _tensor(w_np.tolist(), F64), b_value, _tensor(x_np.tolist(), F64), target)
        _expect_update(result, *_oracle_update(w_np, b_value, x_np, target, 1.0), F64,
                       "perceptron_update without lr (the default is lr = 1.0)")


@WIDE_DTYPE_PARAM
@pytest.mark.parametrize("lr", [0.1, 0.3, 1e-3, 7.5, 3], ids=str)  # 3: a Python int
def test_update_with_any_positive_learning_rate(a2, dtype, lr, torch_gen):
    for target in (0, 1):
        w = torch.randn(5, generator=torch_gen, dtype=F64)
        x = torch.randn(5, generator=torch_gen, dtype=F64)
        b = 0.5 - float(w @ x) if target == 0 else -0.5 - float(w @ x)  # misclassified
        w_new, b_new = a2.perceptron.perceptron_update(w.to(dtype), _tensor(b, dtype),
                                                       x.to(dtype), target, lr=lr)
        sign = 1 if target == 1 else -1
        expected_b = _tensor(b, dtype).to(F64) + sign * lr
        expect_tensor_close(w_new, (w.to(dtype).to(F64) + sign * lr * x.to(dtype).to(F64))
                            .to(dtype), f"perceptron_update with lr={lr} in {_name(dtype)}: "
                            f"w_new is wrong: {RULE_HINT}")
        expect_tensor_close(b_new, expected_b.to(dtype), f"perceptron_update with lr={lr} in "
                            f"{_name(dtype)}: b_new is wrong: {RULE_HINT}")


def test_update_leaves_its_inputs_alone_and_returns_new_tensors(a2):
    # misclassified, then correctly classified (nothing to change); D = 3, then D = 1
    for target, (w_values, x_values) in itertools.product(
            (0, 1), (([1.0, -2.0, 0.5], [2.0, 1.0, 1.0]), ([0.5], [1.0]))):
        w = torch.tensor(w_values, dtype=F64)
        b = torch.tensor(0.25, dtype=F64)
        x = torch.tensor(x_values, dtype=F64)  # w·x + b = 0.75: output 1
        before = [w.clone(), b.clone(), x.clone()]
        w_new, b_new = a2.perceptron.perceptron_update(w, b, x, target, lr=0.5)
        for old, new, name in zip(before, (w, b, x), "wbx", strict=True):
            expect(unchanged(old, new),
                   f"perceptron_update changed its argument {name} in place (the classic "
                   f"`w += lr * (t - y) * x`): the caller's tensors must stay as they were: "
                   f"{INPLACE_HINT}")
        for new, old, name in ((w_new, w, "w"), (b_new, b, "b")):
            expect(isinstance(new, torch.Tensor) and not shares_memory(new, old),
                   f"perceptron_update returns {name} itself (or a view of it) for "
                   f"{'a correctly classified' if target else 'an'} example: return new "
                   "tensors always, also when nothing changes")


@pytest.mark.parametrize("lr", [0.0, -0.0, -0.5, -2, NAN, INF])
def test_update_rejects_invalid_learning_rates(a2, lr):
    w, x = torch.zeros(2, dtype=F64), torch.ones(2, dtype=F64)
    with pytest.raises(ValueError):
        a2.perceptron.perceptron_update(w, 0.0, x, 1, lr=lr)


@pytest.mark.parametrize("shapes", [((3,), (2,)), ((2,), (2, 1)), ((2, 2), (2,))],
                         ids=["x longer than w", "x of shape (D, 1)", "w 2-D"])
def test_update_rejects_shapes_that_do_not_fit(a2, shapes):
    w_shape, x_shape = shapes
    try:
        a2.perceptron.perceptron_update(torch.zeros(w_shape), 0.0, torch.ones(x_shape), 1)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as error:
        fail(f"perceptron_update raises {type(error).__name__} when x's shape differs from "
             "w's or w is not 1-D, not ValueError: check the shapes yourself first")
    fail("perceptron_update accepts x and w of different shapes (or a w that is not 1-D): raise "
         "ValueError unless both have shape (D,)")


# ---------------------------------------------------------------------------------------------
# Any device: the meta device has no data


def _values(shape, dtype, seed=0):
    gen = torch.Generator().manual_seed(seed + len(shape))
    return torch.randn(shape, generator=gen, dtype=F64).to(dtype)


READ_HINT = (
    "compute with tensor operations only: no .item()/float()/.tolist()/.numpy(), no Python "
    "if on a tensor (multiplying by t − y already does 'only when wrong'), no loop over "
    "elements"
)


def _predict_update_calls(a2, make, dtype):
    """(name, call, result shape) of step, perceptron_predict and perceptron_update with
    tensors made by ``make(shape, dtype)`` (meta tensors, or CPU tensors refusing reads)."""
    return {
        "step (0-d)": (lambda: a2.perceptron.step(make((), dtype)), ()),
        "step (empty)": (lambda: a2.perceptron.step(make((0, 3), dtype)), (0, 3)),
        "step (3-D)": (lambda: a2.perceptron.step(make((2, 3, 4), dtype)), (2, 3, 4)),
        "perceptron_predict (N, D)": (lambda: a2.perceptron.perceptron_predict(
            make((5, 3), dtype), make((3,), dtype), 0.5), (5,)),
        "perceptron_predict (0, D), 0-d b": (lambda: a2.perceptron.perceptron_predict(
            make((0, 3), dtype), make((3,), dtype), make((), dtype)), (0,)),
        "perceptron_predict (D,)": (lambda: a2.perceptron.perceptron_predict(
            make((3,), dtype), make((3,), dtype), make((), dtype)), ()),
    }


def _update_forms(make, dtype):
    """(b, t) forms of perceptron_update: numbers, 0-d tensors, an integer target tensor."""
    return ((0.0, 1), (make((), dtype), make((), dtype).round().clamp(0, 1)),
            (1, make((), torch.int64)))


@DTYPE_PARAM
def test_step_predict_and_update_read_no_values_and_keep_the_device(a2, dtype):
    """The handout: no value read into Python, results on x's device. Value reads are checked
    with CPU tensors that refuse them (autograder/readguard.py), the device on the meta device
    (no data), where every vectorised style works, boolean masks included."""
    probe = torch.tensor([1.0, -1.0], dtype=dtype)  # an ordinary call first (stubs fail here)
    a2.perceptron.perceptron_update(probe, 0.0, probe, 1)

    def refusing(shape, dtype):
        values = _values(shape, dtype)
        return guarded(values.to(torch.int64) if dtype == torch.int64 else values)

    def meta(shape, dtype):
        return torch.empty(shape, dtype=dtype, device="meta")

    for name, (call, shape) in _predict_update_calls(a2, refusing, dtype).items():
        try:
            y = call()
        except ValueReadError as error:
            fail(f"{name} reads tensor values into Python ({str(error).splitlines()[0]}): "
                 f"{READ_HINT}")
        expect(isinstance(y, torch.Tensor) and tuple(y.shape) == shape and y.dtype == dtype,
               f"{name} returns the wrong shape or dtype")
    for b, t in _update_forms(refusing, dtype):
        try:
            a2.perceptron.perceptron_update(refusing((3,), dtype), b, refusing((3,), dtype), t,
                                            lr=0.5)
        except ValueReadError as error:
            fail(f"perceptron_update reads tensor values into Python "
                 f"({str(error).splitlines()[0]}): {READ_HINT}")
    with meta_shapes_only():
        for name, (call, shape) in _predict_update_calls(a2, meta, dtype).items():
            try:
                y = call()
            except (RuntimeError, TypeError) as error:
                fail(f"{name} fails for tensors on the 'meta' device (a device without data; "
                     f"{type(error).__name__}). It must work on any device: no .cpu()/.numpy(), "
                     "and new tensors made with *_like(x) or on x.device")
            expect(isinstance(y, torch.Tensor) and y.device.type == "meta",
                   f"{name} returns its result on another device than its input")
            expect(tuple(y.shape) == shape and y.dtype == dtype,
                   f"{name} returns the wrong shape or dtype on the meta device")
        for b, t in _update_forms(meta, dtype):
            try:
                result = a2.perceptron.perceptron_update(meta((3,), dtype), b, meta((3,), dtype),
                                                         t, lr=0.5)
            except (RuntimeError, TypeError) as error:
                fail(f"perceptron_update fails for tensors on the 'meta' device "
                     f"({type(error).__name__}): compute the update with tensor arithmetic on "
                     "the tensors' own device (no .cpu(), no new tensors on the CPU)")
            expect(isinstance(result, tuple) and len(result) == 2,
                   "perceptron_update must return the tuple (w_new, b_new)")
            w_new, b_new = result
            expect(isinstance(w_new, torch.Tensor) and w_new.device.type == "meta"
                   and tuple(w_new.shape) == (3,) and w_new.dtype == dtype,
                   "perceptron_update on the meta device: w_new must be a tensor of w's shape, "
                   "dtype and device")
            expect(isinstance(b_new, torch.Tensor) and b_new.device.type == "meta"
                   and b_new.dim() == 0 and b_new.dtype == dtype,
                   "perceptron_update on the meta device: b_new must be a 0-d tensor of w's "
                   "dtype and device, also when b or t is a Python number")


# ---------------------------------------------------------------------------------------------
# train_perceptron


@DTYPE_PARAM
def test_train_matches_the_exact_rule_on_separable_data(a2, dtype, rng):
    cases = [_exact_case(rng, dtype, "separable data", _draw_separable((6, 13), (1, 4)))
             for _ in range(3)]
    cases.append(_exact_case(rng, dtype, "separable data with one feature",
                             _draw_separable((5, 10), (1, 2))))
    for case, target_kind in zip(cases, ("float", "int64", "float", "int64"), strict=True):
        X, t, kwargs = _train_arguments(case, dtype, target_kind)
        before = [X.clone(), t.clone()]
        result = a2.perceptron.train_perceptron(X, t, **kwargs)
        expect(unchanged(before[0], X) and unchanged(before[1], t),
               f"train_perceptron changed X or t in place: {INPLACE_HINT}")
        _expect_run(result, case, dtype, f"train_perceptron on {case.label} ({_name(dtype)}, "
                    f"{target_kind} targets, lr={kwargs['lr']})")


@DTYPE_PARAM
def test_train_matches_the_exact_rule_until_max_epochs_on_inseparable_data(a2, dtype, rng):
    for _ in range(3):
        case = _exact_case(rng, dtype, "inseparable data", _draw_nonseparable)
        X, t, kwargs = _train_arguments(case, dtype)
        result = a2.perceptron.train_perceptron(X, t, **kwargs)
        _expect_run(result, case, dtype, f"train_perceptron on data that no line separates "
                    f"({_name(dtype)}, max_epochs={kwargs['max_epochs']}, lr={kwargs['lr']})")


@DTYPE_PARAM
def test_train_starts_from_w0_and_b0(a2, dtype, rng):
    for b0_kind in ("float", "tensor", "int"):
        case = _exact_case(rng, dtype, "given w0 and b0", _draw_with_start)
        if b0_kind == "int":
            case.kwargs["b0"] = float(int(case.kwargs["b0"]))
            case.run = oracle_train(case.X, case.t, case.kwargs["lr"], case.kwargs["max_epochs"],
                                    case.kwargs["w0"], case.kwargs["b0"])
            if not case.run.exact_in(dtype):
                continue
        X, t, kwargs = _train_arguments(case, dtype, b0_kind=b0_kind)
        w0 = kwargs["w0"]
        before = [w0.clone()] + ([kwargs["b0"].clone()] if b0_kind == "tensor" else [])
        result = a2.perceptron.train_perceptron(X, t, **kwargs)
        expect(unchanged(before[0], w0),
               f"train_perceptron changed w0 in place: start from a copy ({INPLACE_HINT})")
        if b0_kind == "tensor":
            expect(unchanged(before[1], kwargs["b0"]), "train_perceptron changed b0 in place")
        _expect_run(result, case, dtype, f"train_perceptron from given w0 and b0 (b0 as a "
                    f"{'0-d tensor' if b0_kind == 'tensor' else 'Python ' + b0_kind}, "
                    f"{_name(dtype)}): the first epoch must start from w0 and b0")


@WIDE_DTYPE_PARAM
def test_train_default_arguments(a2, dtype, rng):
    case = _exact_case(rng, dtype, "", _draw_separable((8, 13), (2, 4)))
    X, t, _ = _train_arguments(case, dtype)
    run = oracle_train(case.X, case.t, 1.0, 100)
    result = a2.perceptron.train_perceptron(X, t)
    _expect_run(result, Case("", case.X, case.t, {}, run), dtype,
                "train_perceptron(X, t) with the defaults (lr = 1.0, max_epochs = 100, "
                "w0 = zeros, b0 = 0.0)")
    X_xor, t_xor = _tensor(GATE_INPUTS, dtype), _tensor(XOR_TARGETS, dtype)
    _, _, errors = _unpack_train(a2.perceptron.train_perceptron(X_xor, t_xor), dtype, 2,
                                 "train_perceptron(X, t) on XOR")
    expect(len(errors) == 100, "train_perceptron(X, t) on XOR must run the default "
           "max_epochs = 100 epochs (errors has one entry per epoch)")


@DTYPE_PARAM
def test_train_one_example(a2, dtype):
    for x, target, lr in (([0.0, 0.0], 0, 1.0), ([0.0, 0.0], 1, 1), ([2.0, -1.0], 0, 0.5),
                          ([-1.0, 3.0], 1, 2), ([1.5], 0, 1.0)):  # lr 1 and 2: Python ints
        X, t = np.array([x]), np.array([float(target)])
        case = Case("one example", X, t, {"lr": lr, "max_epochs": 20},
                    oracle_train(X, t, lr, 20))
        X_t, t_t, kwargs = _train_arguments(case, dtype)
        _expect_run(a2.perceptron.train_perceptron(X_t, t_t, **kwargs), case, dtype,
                    f"train_perceptron on a single example (N = 1, D = {len(x)}, "
                    f"{_name(dtype)}, lr = {lr!r}, {_a(type(lr).__name__)})")


@DTYPE_PARAM
def test_train_with_no_examples(a2, dtype):
    # Every argument form the contract allows: lr a float or an int (or the default), b0 a
    # Python float, int or 0-d tensor, targets a float or an integer tensor.
    for w0, b0, kwargs, target_dtype in (
            (None, 0.0, {}, dtype),
            ([1.0, -2.0, 0.5], 1.5, {"max_epochs": 1, "lr": 2}, torch.int64),
            ([0.0, 3.0, -1.0], "tensor", {"max_epochs": 7, "lr": 0.5}, dtype),
            ([2.0, 0.0, 1.0], 2, {"max_epochs": 3, "lr": 1}, torch.int64),
            (None, "tensor", {"lr": 0.25}, dtype)):
        X, t = torch.zeros((0, 3), dtype=dtype), torch.zeros(0, dtype=target_dtype)
        w0_t = None if w0 is None else _tensor(w0, dtype)
        b0_value = -0.5 if b0 == "tensor" else b0
        b0_arg = _tensor(b0_value, dtype) if b0 == "tensor" else b0
        before = [v.clone() for v in (w0_t, b0_arg) if isinstance(v, torch.Tensor)]
        result = a2.perceptron.train_perceptron(X, t, w0=w0_t, b0=b0_arg, **kwargs)
        context = (f"train_perceptron with N = 0 examples ({_name(dtype)}, "
                   f"{'no w0' if w0 is None else 'w0 given'}, b0 "
                   f"{'a 0-d tensor' if b0 == 'tensor' else _a(type(b0).__name__)}, "
                   f"{_name(target_dtype)} targets, lr = {kwargs.get('lr', 'default')!r})")
        after = [v for v in (w0_t, b0_arg) if isinstance(v, torch.Tensor)]
        for old, new in zip(before, after, strict=True):
            expect(unchanged(old, new), f"{context} changed w0 or b0 in place: {INPLACE_HINT}")
        w, b, errors = _unpack_train(result, dtype, 3, context)
        expect(errors == [0], f"{context}: an epoch over no examples has no error, so training "
               "stops after the first epoch: errors must be [0]")
        expect_tensor_close(w, torch.zeros(3, dtype=dtype) if w0 is None else w0_t.clone(),
                            f"{context}: w must be w0 (zeros when w0 is None)", rtol=0, atol=0)
        expect_tensor_close(b, _tensor(float(b0_value), dtype),
                            f"{context}: b must be b0 as a 0-d tensor", rtol=0, atol=0)
        for new, old, name in ((w, w0_t, "w0"), (b, b0_arg, "b0")):
            if isinstance(old, torch.Tensor):
                expect(not shares_memory(new, old),
                       f"{context}: the returned {name[0]} is {name} itself (or a view of it): "
                       "with no example no update makes a new tensor, so start from a copy "
                       f"({name}.clone()); w and b must be new tensors")


def _separable_random_data(gen, n, d, margin):
    """Continuous points in [−2, 2]^d at distance ≥ margin from a random hyperplane u·x + c = 0
    (‖u‖ = 1), with the augmented margin γ and radius R of the convergence theorem."""
    u = torch.randn(d, generator=gen, dtype=F64)
    u = u / u.norm()
    c = float(torch.rand((), generator=gen, dtype=F64)) * 2 - 1
    X = torch.rand(20 * n, d, generator=gen, dtype=F64) * 4 - 2
    s = X @ u + c
    keep = s.abs() >= margin
    X, s = X[keep][:n], s[keep][:n]
    t = (s > 0).to(F64)
    gamma = margin / math.sqrt(1 + c * c)  # the margin of ũ = (u, c)/‖(u, c)‖ on x̃ = (x, 1)
    radius2 = float((X * X).sum(dim=1).max()) + 1
    return X, t, gamma, radius2


@WIDE_DTYPE_PARAM
def test_train_converges_within_the_convergence_theorem_bound(a2, dtype, torch_gen):
    for d, margin in ((2, 0.4), (3, 0.5), (5, 0.6)):
        X64, t64, gamma, radius2 = _separable_random_data(torch_gen, 30, d, margin)
        bound = radius2 / gamma**2  # Novikoff: at most R²/γ² updates, started from zero
        X, t = X64.to(dtype), t64.to(dtype)
        result = a2.perceptron.train_perceptron(X, t, lr=0.7, max_epochs=math.ceil(bound) + 2)
        context = f"train_perceptron on linearly separable data ({_name(dtype)}, D = {d})"
        w, b, errors = _unpack_train(result, dtype, d, context)
        expect(errors and errors[-1] == 0,
               f"{context} must stop after an epoch without errors, within R²/γ² updates (the "
               f"perceptron convergence theorem): {ERRORS_HINT}; {STOP_HINT}")
        expect(sum(errors) <= bound,
               f"{context}: more updates than the convergence theorem allows: {RULE_HINT}")
        z = X.to(F64) @ w.to(F64) + b.to(F64)
        slack = 1e-4 * (X.to(F64).abs() @ w.to(F64).abs() + b.to(F64).abs())
        clear = z.abs() > slack  # skip points the dtype's rounding could put on either side
        expect(bool(((z >= 0).to(F64) == t64)[clear].all()),
               f"{context}: the returned w and b do not classify every example correctly, "
               "though the last epoch had no errors")


@DTYPE_PARAM
def test_train_never_converges_on_xor(a2, dtype, rng):
    jitter = rng.integers(-2, 3, size=(16, 2)) / 8  # XOR clusters around the four corners
    corners = np.repeat(np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]), 4, axis=0)
    noisy = corners + jitter
    labels = (np.sign(noisy[:, 0]) != np.sign(noisy[:, 1])).astype(np.float64)
    for X_np, t_np, max_epochs in ((np.array(GATE_INPUTS), np.array(XOR_TARGETS), 30),
                                   (noisy, labels, 12)):
        X, t = _tensor(X_np.tolist(), dtype), _tensor(t_np.tolist(), dtype)
        context = f"train_perceptron on XOR ({_name(dtype)}, N = {len(t_np)})"
        _, _, errors = _unpack_train(
            a2.perceptron.train_perceptron(X, t, lr=0.5, max_epochs=max_epochs), dtype, 2,
            context)
        expect(len(errors) == max_epochs,
               f"{context}: no line separates XOR, so every epoch has an error and training "
               "must run exactly max_epochs epochs (one entry in errors per epoch)")
        expect(min(errors) > 0, f"{context}: an epoch without errors on XOR is impossible: "
               f"{ERRORS_HINT}")


def _gate(targets):
    return torch.tensor(GATE_INPUTS, dtype=F64), torch.tensor(targets, dtype=F64)


TRAIN_MISUSES = {
    "targets −1/+1": lambda: (*_gate([-1.0, -1.0, -1.0, 1.0]), {}),
    "a target 2": lambda: (*_gate([0.0, 2.0, 1.0, 0.0]), {}),
    "a target 0.5": lambda: (*_gate([0.0, 0.5, 1.0, 0.0]), {}),
    "a NaN target": lambda: (*_gate([0.0, NAN, 1.0, 0.0]), {}),
    "fewer targets than examples": lambda: (_gate([0.0] * 4)[0], torch.zeros(3, dtype=F64), {}),
    "more targets than examples": lambda: (_gate([0.0] * 4)[0], torch.zeros(5, dtype=F64), {}),
    "targets of shape (N, 1)": lambda: (_gate([0.0] * 4)[0], torch.zeros(4, 1, dtype=F64), {}),
    "X of one dimension": lambda: (torch.zeros(4, dtype=F64), torch.zeros(4, dtype=F64), {}),
    "X of three dimensions": lambda: (torch.zeros(4, 2, 1, dtype=F64), torch.zeros(4), {}),
    "w0 of the wrong length": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]),
                                       {"w0": torch.zeros(3, dtype=F64)}),
    "lr = 0": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"lr": 0.0}),
    "lr < 0": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"lr": -0.5}),
    "lr NaN": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"lr": NAN}),
    "lr inf": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"lr": INF}),
    "lr = 0 as an int": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"lr": 0}),
    "lr = -1 as an int": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"lr": -1}),
    "max_epochs = 0": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"max_epochs": 0}),
    "max_epochs < 0": lambda: (*_gate([0.0, 0.0, 0.0, 1.0]), {"max_epochs": -3}),
}

# The same misuses with N = 0 examples, where a check made per example (perceptron_update's lr
# check, w0's shape in a dot product, t[n] of each example) is never reached: (shape of X,
# shape of t, keyword arguments), D = 2.
NO_EXAMPLE_MISUSES = {
    "lr = 0": ((0, 2), (0,), {"lr": 0.0}),
    "lr = 0 as an int": ((0, 2), (0,), {"lr": 0}),
    "lr < 0": ((0, 2), (0,), {"lr": -0.5}),
    "lr = -1 as an int": ((0, 2), (0,), {"lr": -1}),
    "lr NaN": ((0, 2), (0,), {"lr": NAN}),
    "lr inf": ((0, 2), (0,), {"lr": INF}),
    "w0 of the wrong length": ((0, 2), (0,), {"w0": (3,)}),
    "w0 of shape (D, 1)": ((0, 2), (0,), {"w0": (2, 1)}),
    "w0 0-d": ((0, 2), (0,), {"w0": ()}),
    "targets of shape (1,)": ((0, 2), (1,), {}),
    "targets of shape (0, 1)": ((0, 2), (0, 1), {}),
    "X of one dimension": ((0,), (0,), {}),
    "X of three dimensions": ((0, 2, 1), (0,), {}),
    "max_epochs = 0": ((0, 2), (0,), {"max_epochs": 0}),
    "max_epochs < 0": ((0, 2), (0,), {"max_epochs": -3}),
}
# The argument forms the contract allows, each with every misuse above (the misuse's own
# keyword arguments win).
NO_EXAMPLE_FORMS = {
    "float targets, b0 a float": (F64, {"b0": 0.5}),
    "int64 targets, b0 a 0-d tensor, lr an int": (torch.int64, {"b0": "tensor", "lr": 2}),
    "float targets, b0 an int, w0 given": (F64, {"b0": -1, "w0": (2,)}),
}


def _no_example_misuse(misuse, form):
    x_shape, t_shape, misuse_kwargs = NO_EXAMPLE_MISUSES[misuse]
    target_dtype, form_kwargs = NO_EXAMPLE_FORMS[form]
    kwargs = {**form_kwargs, **misuse_kwargs}
    if kwargs.get("b0") == "tensor":
        kwargs["b0"] = torch.tensor(0.5, dtype=F64)
    if "w0" in kwargs:
        kwargs["w0"] = torch.ones(kwargs["w0"], dtype=F64)
    return torch.zeros(x_shape, dtype=F64), torch.zeros(t_shape, dtype=target_dtype), kwargs


TRAIN_MISUSES.update({
    f"{misuse} with N = 0 examples ({form})":
        lambda misuse=misuse, form=form: _no_example_misuse(misuse, form)
    for misuse in NO_EXAMPLE_MISUSES for form in NO_EXAMPLE_FORMS
})


@pytest.mark.parametrize("misuse", TRAIN_MISUSES)
def test_train_rejects_invalid_arguments(a2, misuse):
    X, t, kwargs = TRAIN_MISUSES[misuse]()
    try:
        a2.perceptron.train_perceptron(X, t, **kwargs)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as error:
        fail(f"train_perceptron raises {type(error).__name__} for {misuse}, not ValueError: "
             "check the arguments before training")
    no_examples = (" With no example, a check made inside the loop (perceptron_update's lr "
                   "check, the shapes of a dot product) is never reached: check every argument "
                   "before the first epoch." if "N = 0" in misuse else "")
    fail(f"train_perceptron accepts {misuse}: raise ValueError (targets must be 0 or 1, t of "
         "shape (N,), X of shape (N, D), w0 of shape (D,), lr a positive finite number, "
         f"max_epochs ≥ 1).{no_examples}")


def test_train_returns_new_tensors_and_leaves_its_inputs_alone(a2):
    X, t = _gate([0.0, 0.0, 0.0, 1.0])
    for w0_values, b0_value in (([2.0, 1.0], -3.0), ([0.0, 0.0], 0.0)):  # done at once; learns
        w0, b0 = torch.tensor(w0_values, dtype=F64), torch.tensor(b0_value, dtype=F64)
        before = [v.clone() for v in (X, t, w0, b0)]
        w, b, _ = a2.perceptron.train_perceptron(X, t, w0=w0, b0=b0)
        for old, new, name in zip(before, (X, t, w0, b0), ("X", "t", "w0", "b0"), strict=True):
            expect(unchanged(old, new),
                   f"train_perceptron changed {name} in place: {INPLACE_HINT}")
        for new, old, name in ((w, w0, "w0"), (b, b0, "b0")):
            expect(not shares_memory(new, old),
                   f"train_perceptron returns {name} itself (or a view of it) when no update "
                   "is needed: return new tensors")


@settings(max_examples=25)
@given(
    X=hnp.arrays(np.float64, st.tuples(st.integers(0, 7), st.integers(1, 3)),
                 elements=st.integers(-3, 3).map(float)),
    data=st.data(),
    lr=st.sampled_from(DYADIC_RATES),
    max_epochs=st.integers(1, 6),
)
def test_train_matches_the_exact_rule_on_any_small_problem(a2, X, data, lr, max_epochs):
    t = data.draw(hnp.arrays(np.float64, (X.shape[0],), elements=st.sampled_from([0.0, 1.0])))
    run = oracle_train(X, t, lr, max_epochs, w0=np.zeros(X.shape[1]))
    case = Case("", X, t, {"lr": lr, "max_epochs": max_epochs}, run)
    X_t, t_t, kwargs = _train_arguments(case, F64)
    _expect_run(a2.perceptron.train_perceptron(X_t, t_t, **kwargs), case, F64,
                "train_perceptron on a small problem (integer inputs, float64)")
