"""CPU/GPU parity of every torch function of activations.py, neuron.py and loss.py.

Each function runs on the same inputs on the CPU and on CUDA; the two results (and, for the
differentiable functions, the two autograd gradients) must agree to rounding level. A function
that only works on the CPU (``torch.zeros(shape)`` mixed with CUDA tensors, ``.cpu()``, a
different code path per device) fails here. Every test carries ``gpu`` and its module's
marker, and is skipped where CUDA is not available.

Tolerances, from measurements of the reference on an H200 (with some margin): float32
elementwise 2e-6 absolute; float16/bfloat16 elementwise identical up to one unit in the last
place; the 4096×512×256 float32 affine map 1e-6 of its scale; reductions relative to the sum of
absolute terms.
"""

from __future__ import annotations

import itertools

import pytest
import torch

from autograder.suites.helpers import FLOAT_DTYPES, expect, expect_tensor_close, fail

F64 = torch.float64
WIDE_DTYPES = (torch.float32, torch.float64)
CUDA = torch.device("cuda")

needs_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(),
    reason="CPU/GPU parity needs a CUDA device: torch.cuda.is_available() is False here",
)


def gpu_test(module_marker):
    """Mark a parity test: gpu, its module's marker, and skipped without CUDA."""

    def decorate(test):
        return needs_cuda(pytest.mark.gpu(module_marker(test)))

    return decorate


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _elementwise_tolerance(dtype: torch.dtype) -> dict:
    if dtype == torch.float32:
        return {"rtol": 1.3e-6, "atol": 2e-6}
    if dtype == F64:
        return {"rtol": 1e-12, "atol": 1e-12}
    info = torch.finfo(dtype)  # one unit in the last place, subnormals included
    return {"rtol": info.eps, "atol": info.smallest_normal * info.eps}


# Relative error of sums of products, as a fraction of the sum of absolute terms.
REDUCTION_TOLERANCE = {
    torch.float16: 4 * torch.finfo(torch.float16).eps,
    torch.bfloat16: 4 * torch.finfo(torch.bfloat16).eps,
    torch.float32: 1e-6,
    torch.float64: 1e-13,
}


def _on_gpu(call, what):
    """Run ``call()``, the student's function on CUDA inputs, after it worked on the CPU."""
    try:
        return call()
    except (RuntimeError, TypeError) as error:
        first_line = str(error).splitlines()[0] if str(error) else ""
        fail(
            f"{what} works on CPU tensors but fails on CUDA tensors ({type(error).__name__}: "
            f"{first_line}): create new tensors with torch.zeros_like(x) or on x.device "
            "(torch.zeros(shape) and torch.tensor(...) without device= live on the CPU), and "
            "never move data with .cpu(), .numpy() or .item()"
        )


def _expect_same_on_both(y_cpu, y_gpu, message, **tolerance):
    expect(isinstance(y_gpu, torch.Tensor), f"{message}: the CUDA result is not a tensor")
    expect(
        y_gpu.device.type == "cuda",
        f"{message}: the result for CUDA inputs is not on the CUDA device (create new tensors "
        "with torch.zeros_like(x) / on x.device, never move data with .cpu())",
    )
    expect_tensor_close(
        y_gpu.cpu(),
        y_cpu,
        f"{message}: the CUDA result differs from the CPU result for the same inputs beyond "
        "rounding; the function must compute the same thing on every device",
        **tolerance,
    )


def _expect_reduction_same(y_cpu, y_gpu, scale, message, dtype):
    tolerance = REDUCTION_TOLERANCE[dtype]
    _expect_same_on_both(
        y_cpu, y_gpu, message, rtol=tolerance, atol=tolerance * max(float(scale), 1.0)
    )


def _randn(shape, dtype, gen, scale=1.0) -> torch.Tensor:
    return (torch.randn(shape, generator=gen, dtype=F64) * scale).to(dtype)


def _on_cuda(tensors, requires_grad=False):
    return [t.detach().to(CUDA).requires_grad_(requires_grad) for t in tensors]


# ---------------------------------------------------------------------------------------------
# activations.py

ACTIVATION_FUNCTIONS = (
    "sign", "heaviside", "logistic", "tanh", "relu", "leaky_relu", "prelu", "silu", "softplus",
    "logistic_grad", "tanh_grad", "relu_grad",
)
DIFFERENTIABLE = ("logistic", "tanh", "relu", "leaky_relu", "prelu", "silu", "softplus")


def _activation_inputs(dtype, gen, with_zeros=True):
    x = _randn((64, 33), F64, gen, scale=4.0)
    if not with_zeros:  # gradients: away from x = 0, where relu's is not graded
        x = torch.where(x.abs() < 1e-2, torch.full_like(x, 0.5), x)
    specials = [1e4, -1e4, 50.0, -50.0, 1e-3, -1e-3] + ([0.0, -0.0] if with_zeros else [])
    x.view(-1)[: len(specials)] = torch.tensor(specials, dtype=F64)
    x = x.to(dtype)
    a = (torch.rand((33,), generator=gen, dtype=F64) * 0.5).to(dtype)
    return x, a


def _activation_call(a1, name, x, a):
    function = getattr(a1.activations, name)
    return function(x, a) if name == "prelu" else function(x)


@gpu_test(pytest.mark.activations)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
@pytest.mark.parametrize("name", ACTIVATION_FUNCTIONS)
def test_activation_cpu_gpu_parity(a1, name, dtype, torch_gen):
    x, a = _activation_inputs(dtype, torch_gen)
    y_cpu = _activation_call(a1, name, x, a)
    x_gpu, a_gpu = _on_cuda([x, a])
    y_gpu = _on_gpu(lambda: _activation_call(a1, name, x_gpu, a_gpu), f"activations.{name}")
    _expect_same_on_both(
        y_cpu, y_gpu, f"activations.{name} ({_name(dtype)})", **_elementwise_tolerance(dtype)
    )


@gpu_test(pytest.mark.activations)
@pytest.mark.parametrize("dtype", WIDE_DTYPES, ids=_name)
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_activation_gradient_cpu_gpu_parity(a1, name, dtype, torch_gen):
    x, a = _activation_inputs(dtype, torch_gen, with_zeros=False)
    inputs = [x.requires_grad_(True)] + ([a.requires_grad_(True)] if name == "prelu" else [])
    function = getattr(a1.activations, name)
    _, grads_cpu = a1.value_and_grad(function, *inputs)
    inputs_gpu = _on_cuda(inputs, requires_grad=True)
    _, grads_gpu = _on_gpu(
        lambda: a1.value_and_grad(function, *inputs_gpu), f"autograd through activations.{name}"
    )
    for label, g_cpu, g_gpu in zip(("x", "a"), grads_cpu, grads_gpu, strict=False):
        expect(g_cpu is not None and g_gpu is not None, f"{name}: no gradient reaches {label}")
        if label == "a":  # a sum over the rows that share a slope
            scale = float(x.detach().to(F64).abs().sum(0).max())
            _expect_reduction_same(g_cpu, g_gpu, scale, "gradient of prelu w.r.t. a", dtype)
        else:
            _expect_same_on_both(
                g_cpu, g_gpu, f"gradient of activations.{name} ({_name(dtype)})",
                **_elementwise_tolerance(dtype),
            )


# ---------------------------------------------------------------------------------------------
# neuron.py


@gpu_test(pytest.mark.neuron)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
@pytest.mark.parametrize("activation", ["identity", "torch.tanh"])
def test_neuron_forward_cpu_gpu_parity(a1, activation, dtype, torch_gen):
    act = None if activation == "identity" else torch.tanh
    x, w, b = _randn((64, 32), dtype, torch_gen), _randn((32,), dtype, torch_gen), _randn(
        (), dtype, torch_gen
    )
    y_cpu = a1.neuron.neuron_forward(x, w, b, activation=act)
    inputs_gpu = _on_cuda([x, w, b])
    y_gpu = _on_gpu(
        lambda: a1.neuron.neuron_forward(*inputs_gpu, activation=act), "neuron.neuron_forward"
    )
    x64, w64, b64 = (v.detach().to(F64) for v in (x, w, b))
    scale = (x64.abs() @ w64.abs() + b64.abs()).max()
    _expect_reduction_same(y_cpu, y_gpu, scale, f"neuron.neuron_forward ({activation})", dtype)
    if dtype in WIDE_DTYPES:
        inputs = [t.requires_grad_(True) for t in (x, w, b)]
        _, grads_cpu = a1.value_and_grad(a1.neuron.neuron_forward, *inputs, activation=act)
        inputs_gpu = _on_cuda(inputs, requires_grad=True)
        _, grads_gpu = _on_gpu(
            lambda: a1.value_and_grad(a1.neuron.neuron_forward, *inputs_gpu, activation=act),
            "autograd through neuron.neuron_forward",
        )
        scales = (w64.abs().max(), x64.abs().sum(0).max(), x64.shape[0])
        for label, g_cpu, g_gpu, g_scale in zip("xwb", grads_cpu, grads_gpu, scales, strict=True):
            _expect_reduction_same(
                g_cpu, g_gpu, g_scale, f"gradient of neuron_forward w.r.t. {label}", dtype
            )


@gpu_test(pytest.mark.neuron)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
def test_layer_forward_cpu_gpu_parity(a1, dtype, torch_gen):
    x, W, b = (_randn(s, dtype, torch_gen) for s in ((64, 32), (16, 32), (16,)))
    y_cpu = a1.neuron.layer_forward(x, W, b)
    inputs_gpu = _on_cuda([x, W, b])
    y_gpu = _on_gpu(lambda: a1.neuron.layer_forward(*inputs_gpu), "neuron.layer_forward")
    x64, W64, b64 = (v.detach().to(F64) for v in (x, W, b))
    scale = (x64.abs() @ W64.abs().T + b64.abs()).max()
    _expect_reduction_same(y_cpu, y_gpu, scale, "neuron.layer_forward", dtype)
    if dtype in WIDE_DTYPES:
        inputs = [t.requires_grad_(True) for t in (x, W, b)]
        _, grads_cpu = a1.value_and_grad(a1.neuron.layer_forward, *inputs)
        inputs_gpu = _on_cuda(inputs, requires_grad=True)
        _, grads_gpu = _on_gpu(
            lambda: a1.value_and_grad(a1.neuron.layer_forward, *inputs_gpu),
            "autograd through neuron.layer_forward",
        )
        scales = (W64.abs().sum(0).max(), x64.abs().sum(0).max(), x64.shape[0])
        for label, g_cpu, g_gpu, g_scale in zip("xWb", grads_cpu, grads_gpu, scales, strict=True):
            _expect_reduction_same(
                g_cpu, g_gpu, g_scale, f"gradient of layer_forward w.r.t. {label}", dtype
            )


@gpu_test(pytest.mark.neuron)
def test_layer_forward_large_float32_cpu_gpu_parity(a1, torch_gen):
    x = torch.randn((4096, 512), generator=torch_gen)
    W = torch.randn((256, 512), generator=torch_gen)
    b = torch.randn((256,), generator=torch_gen)
    y_cpu = a1.neuron.layer_forward(x, W, b)
    x_gpu, W_gpu, b_gpu = _on_cuda([x, W, b])
    y_gpu = _on_gpu(lambda: a1.neuron.layer_forward(x_gpu, W_gpu, b_gpu), "neuron.layer_forward")
    scale = float((x_gpu.abs() @ W_gpu.abs().T + b_gpu.abs()).max())
    _expect_same_on_both(
        y_cpu, y_gpu, "neuron.layer_forward on a 4096×512 input with 256 outputs (float32)",
        rtol=0.0, atol=1e-6 * scale,
    )


@gpu_test(pytest.mark.neuron)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
def test_collapse_linear_cpu_gpu_parity(a1, dtype, torch_gen):
    dims = (16, 12, 8, 4)
    layers = [
        (_randn((d_out, d_in), dtype, torch_gen), _randn((d_out,), dtype, torch_gen))
        for d_in, d_out in itertools.pairwise(dims)
    ]
    requires_grad = dtype in WIDE_DTYPES
    layers = [(W.requires_grad_(requires_grad), b.requires_grad_(requires_grad))
              for W, b in layers]
    layers_gpu = [tuple(_on_cuda(pair, requires_grad)) for pair in layers]
    W_cpu, b_cpu = a1.neuron.collapse_linear(layers)
    W_gpu, b_gpu = _on_gpu(lambda: a1.neuron.collapse_linear(layers_gpu), "neuron.collapse_linear")
    layers64 = [(W.detach().to(F64), b.detach().to(F64)) for W, b in layers]
    W_abs, b_abs = _collapse64([(W.abs(), b.abs()) for W, b in layers64])
    _expect_reduction_same(W_cpu.detach(), W_gpu.detach(), W_abs.max(),
                           "collapse_linear's W", dtype)
    _expect_reduction_same(b_cpu.detach(), b_gpu.detach(), b_abs.max(),
                           "collapse_linear's b", dtype)
    if requires_grad:
        R = torch.randn(W_cpu.shape, generator=torch_gen, dtype=F64).to(dtype)
        r = torch.randn(b_cpu.shape, generator=torch_gen, dtype=F64).to(dtype)
        params_cpu = [t for pair in layers for t in pair]
        params_gpu = [t for pair in layers_gpu for t in pair]
        grads_cpu = torch.autograd.grad((W_cpu * R).sum() + (b_cpu * r).sum(), params_cpu)
        grads_gpu = torch.autograd.grad(
            (W_gpu * R.to(CUDA)).sum() + (b_gpu * r.to(CUDA)).sum(), params_gpu
        )
        # Bounds on the summed terms: the same gradients at absolute values.
        leaves = [t.abs().requires_grad_(True) for pair in layers64 for t in pair]
        W_bound, b_bound = _collapse64(list(zip(leaves[0::2], leaves[1::2], strict=True)))
        objective = (W_bound * R.to(F64).abs()).sum() + (b_bound * r.to(F64).abs()).sum()
        scales = torch.autograd.grad(objective, leaves)
        for index, (g_cpu, g_gpu, g_scale) in enumerate(
            zip(grads_cpu, grads_gpu, scales, strict=True)
        ):
            _expect_reduction_same(
                g_cpu, g_gpu, g_scale.max(),
                f"gradient of collapse_linear w.r.t. parameter {index}", dtype,
            )


def _collapse64(layers):
    """W = W_L ⋯ W_1 and b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L, the test's own computation."""
    W_total, b_total = layers[0]
    for W, b in layers[1:]:
        W_total, b_total = W @ W_total, W @ b_total + b
    return W_total, b_total


# ---------------------------------------------------------------------------------------------
# loss.py (its torch path)

LOSS_FUNCTIONS = ("sum_of_squares_error", "rms_error", "regularized_error")


def _loss_call(a1, name, y, t, w):
    if name == "regularized_error":
        return a1.loss.regularized_error(y, t, w, 0.3)
    return getattr(a1.loss, name)(y, t)


@gpu_test(pytest.mark.loss)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
def test_loss_cpu_gpu_parity(a1, name, dtype, torch_gen):
    y, t, w = (_randn(s, dtype, torch_gen) for s in ((50, 3), (50, 3), (10,)))
    e_cpu = _loss_call(a1, name, y, t, w)
    inputs_gpu = _on_cuda([y, t, w])
    e_gpu = _on_gpu(lambda: _loss_call(a1, name, *inputs_gpu), f"loss.{name}")
    expect(
        isinstance(e_gpu, torch.Tensor) and e_gpu.dim() == 0,
        f"loss.{name} must return a 0-d tensor for torch inputs, on their device",
    )
    # Every term of these sums is non-negative, so a relative tolerance is the right one.
    _expect_reduction_same(e_cpu, e_gpu, 0.0, f"loss.{name} ({_name(dtype)})", dtype)
    if dtype in WIDE_DTYPES:
        labels = "ytw" if name == "regularized_error" else "yt"
        inputs = [v.requires_grad_(True) for v in (y, t, w)[: len(labels)]]
        extra = (0.3,) if name == "regularized_error" else ()
        function = getattr(a1.loss, name)
        _, grads_cpu = a1.value_and_grad(function, *inputs, *extra)
        inputs_gpu = _on_cuda(inputs, requires_grad=True)
        _, grads_gpu = _on_gpu(
            lambda: a1.value_and_grad(function, *inputs_gpu, *extra),
            f"autograd through loss.{name}",
        )
        for label, g_cpu, g_gpu in zip(labels, grads_cpu, grads_gpu, strict=True):
            expect(g_cpu is not None and g_gpu is not None,
                   f"loss.{name}: no gradient reaches {label}")
            _expect_same_on_both(
                g_cpu, g_gpu, f"gradient of loss.{name} w.r.t. {label}",
                rtol=REDUCTION_TOLERANCE[dtype], atol=REDUCTION_TOLERANCE[dtype],
            )
