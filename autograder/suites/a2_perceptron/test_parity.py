"""CPU/GPU parity of every torch function of perceptron.py and descent.py.

Each function runs on the same inputs on the CPU and on CUDA; the results (and, for the loss,
its autograd gradients) must agree: exactly for the perceptron's 0/1 outputs, updates and error
counts (integer-valued arithmetic on the inputs used here), to rounding level for the
regression. A function that only works on the CPU (``torch.zeros(shape)`` mixed with CUDA
tensors, ``.cpu()``, a code path per device) fails here. Every test carries ``gpu`` and its
module's marker, and is skipped where CUDA is not available.
"""

from __future__ import annotations

import pytest
import torch

from autograder.suites.helpers import expect, expect_tensor_close, fail

F64 = torch.float64
CUDA = torch.device("cuda")
WIDE_DTYPES = (torch.float32, torch.float64)

needs_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(),
    reason="CPU/GPU parity needs a CUDA device: torch.cuda.is_available() is False here",
)


def gpu_test(module_marker):
    def decorate(test):
        return needs_cuda(pytest.mark.gpu(module_marker(test)))

    return decorate


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _on_gpu(call, what):
    try:
        return call()
    except (RuntimeError, TypeError) as error:
        first_line = str(error).splitlines()[0] if str(error) else ""
        fail(f"{what} works on CPU tensors but fails on CUDA tensors ({type(error).__name__}: "
             f"{first_line}): create new tensors on x.device (torch.zeros_like, device=...), "
             "and never move data with .cpu(), .numpy() or .item()")


def _same(y_cpu, y_gpu, message, **tolerance):
    expect(isinstance(y_gpu, torch.Tensor), f"{message}: the CUDA result is not a tensor")
    expect(y_gpu.device.type == "cuda",
           f"{message}: the result for CUDA inputs is not on the CUDA device")
    expect_tensor_close(y_gpu.cpu(), y_cpu, f"{message}: the CUDA result differs from the CPU "
                        "result for the same inputs; the function must compute the same thing "
                        "on every device", **tolerance)


def _cuda(*tensors):
    return [t.to(CUDA) for t in tensors]


def _separable(dtype, gen, n=24, d=3):
    """Integer-valued points on both sides of an integer plane: exact in every dtype."""
    X = torch.randint(-4, 5, (n, d), generator=gen).to(F64)
    w_true = torch.tensor([2.0, -1.0, 1.0], dtype=F64)[:d]
    score = X @ w_true + 0.5
    return X.to(dtype), (score >= 0).to(dtype)


# ---------------------------------------------------------------------------------------------
# perceptron.py

@gpu_test(pytest.mark.perceptron)
@pytest.mark.parametrize("dtype", WIDE_DTYPES, ids=_name)
def test_perceptron_cpu_gpu_parity(a2, dtype, torch_gen):
    X, t = _separable(dtype, torch_gen)
    w = torch.tensor([1.0, -2.0, 0.0], dtype=dtype)
    b = torch.tensor(1.0, dtype=dtype)
    x = torch.cat([X.reshape(-1), torch.tensor([0.0, -0.0], dtype=dtype)])
    _same(a2.perceptron.step(x), _on_gpu(lambda: a2.perceptron.step(_cuda(x)[0]), "step"),
          "step", rtol=0, atol=0)
    _same(a2.perceptron.perceptron_predict(X, w, b),
          _on_gpu(lambda: a2.perceptron.perceptron_predict(*_cuda(X, w, b)),
                  "perceptron_predict"), "perceptron_predict", rtol=0, atol=0)
    cpu_w, cpu_b = a2.perceptron.perceptron_update(w, b, X[0], 1 - t[0], 0.5)
    gpu_w, gpu_b = _on_gpu(lambda: a2.perceptron.perceptron_update(
        *_cuda(w, b, X[0], 1 - t[0]), 0.5), "perceptron_update")
    _same(cpu_w, gpu_w, "perceptron_update's weights", rtol=0, atol=0)
    _same(cpu_b, gpu_b, "perceptron_update's bias", rtol=0, atol=0)


@gpu_test(pytest.mark.perceptron)
def test_train_perceptron_cpu_gpu_parity(a2, torch_gen):
    X, t = _separable(F64, torch_gen)
    cpu_w, cpu_b, cpu_errors = a2.perceptron.train_perceptron(X, t, lr=1.0, max_epochs=50)
    gpu_w, gpu_b, gpu_errors = _on_gpu(
        lambda: a2.perceptron.train_perceptron(*_cuda(X, t), lr=1.0, max_epochs=50),
        "train_perceptron")
    _same(cpu_w, gpu_w, "train_perceptron's weights", rtol=0, atol=0)
    _same(cpu_b, gpu_b, "train_perceptron's bias", rtol=0, atol=0)
    expect(list(cpu_errors) == list(gpu_errors),
           "train_perceptron counts different errors per epoch on CUDA than on the CPU")


# ---------------------------------------------------------------------------------------------
# descent.py

def _regression(dtype, gen, n=40, d=3):
    X = torch.randn((n, d), generator=gen, dtype=F64) * 3 + 1
    t = X @ torch.tensor([1.5, -2.0, 0.5], dtype=F64)[:d] + 0.3 * torch.randn(
        (n,), generator=gen, dtype=F64)
    return X.to(dtype), t.to(dtype)


TOLERANCE = {torch.float32: {"rtol": 2e-5, "atol": 2e-5}, F64: {"rtol": 1e-10, "atol": 1e-10}}


@gpu_test(pytest.mark.descent)
@pytest.mark.parametrize("dtype", WIDE_DTYPES, ids=_name)
def test_descent_cpu_gpu_parity(a2, dtype, torch_gen):
    X, t = _regression(dtype, torch_gen)
    tol = TOLERANCE[dtype]
    Z, mean, std = a2.descent.standardize(X)
    gZ, gmean, gstd = _on_gpu(lambda: a2.descent.standardize(_cuda(X)[0]), "standardize")
    for cpu, gpu, what in ((Z, gZ, "z-scores"), (mean, gmean, "means"), (std, gstd, "stds")):
        _same(cpu, gpu, f"standardize's {what}", **tol)
    w = torch.tensor([0.5, 0.25, -1.0], dtype=dtype)
    b = torch.tensor(0.1, dtype=dtype)
    _same(a2.descent.mse_loss(Z, t, w, b),
          _on_gpu(lambda: a2.descent.mse_loss(*_cuda(Z, t, w, b)), "mse_loss"), "mse_loss", **tol)
    for cpu, gpu, what in zip(
            a2.descent.mse_gradient(Z, t, w, b),
            _on_gpu(lambda: a2.descent.mse_gradient(*_cuda(Z, t, w, b)), "mse_gradient"),
            ("w", "b"), strict=True):
        _same(cpu, gpu, f"mse_gradient's gradient for {what}", **tol)
    cpu_w, cpu_b, cpu_losses = a2.descent.gradient_descent(Z, t, lr=0.1, steps=25)
    gpu_w, gpu_b, gpu_losses = _on_gpu(
        lambda: a2.descent.gradient_descent(*_cuda(Z, t), lr=0.1, steps=25), "gradient_descent")
    _same(cpu_w, gpu_w, "gradient_descent's weights", **tol)
    _same(cpu_b, gpu_b, "gradient_descent's bias", **tol)
    expect(len(cpu_losses) == len(gpu_losses)
           and all(abs(c - g) <= tol["atol"] + tol["rtol"] * abs(c)
                   for c, g in zip(cpu_losses, gpu_losses, strict=True)),
           "gradient_descent records different losses on CUDA than on the CPU")


@gpu_test(pytest.mark.descent)
def test_gradients_cpu_gpu_parity(a2, torch_gen):
    X, t = _regression(F64, torch_gen)
    w = torch.tensor([0.5, 0.25, -1.0], dtype=F64)
    b = torch.tensor(0.1, dtype=F64)
    tol = TOLERANCE[F64]
    for cpu, gpu, what in zip(
            a2.descent.numerical_gradient(X, t, w, b),
            _on_gpu(lambda: a2.descent.numerical_gradient(*_cuda(X, t, w, b)),
                    "numerical_gradient"),
            ("w", "b"), strict=True):
        _same(cpu, gpu, f"numerical_gradient for {what}", rtol=1e-6, atol=1e-6)
    w_cpu, b_cpu = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    w_gpu, b_gpu = (v.to(CUDA).requires_grad_(True) for v in (w, b))
    grads = {"cpu": a2.value_and_grad(a2.descent.mse_loss, X, t, w_cpu, b_cpu)[1],
             "cuda": _on_gpu(lambda: a2.value_and_grad(a2.descent.mse_loss, *_cuda(X, t), w_gpu,
                                                       b_gpu)[1], "mse_loss's autograd")}
    for cpu, gpu, what in zip(grads["cpu"], grads["cuda"], ("w", "b"), strict=True):
        _same(cpu, gpu, f"the autograd gradient of mse_loss for {what}", **tol)
