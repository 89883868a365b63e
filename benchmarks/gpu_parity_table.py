"""Measure how far CPU and CUDA results of the reference solution lie apart, per function and
dtype, and print one table (run where CUDA exists; the parity tests' tolerances come from it).

    python benchmarks/gpu_parity_table.py [--impl DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from autograder.seam import Implementation

REPO = Path(__file__).resolve().parent.parent
DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
ELEMENTWISE = ("sign", "heaviside", "logistic", "tanh", "relu", "leaky_relu", "silu", "softplus",
               "logistic_grad", "tanh_grad", "relu_grad")


def difference(cpu: torch.Tensor, gpu: torch.Tensor) -> tuple[float, float]:
    a, b = cpu.double(), gpu.cpu().double()
    absolute = (a - b).abs()
    scale = a.abs().clamp_min(torch.finfo(cpu.dtype).tiny)
    return absolute.max().item(), (absolute / scale).max().item()


def rows(impl: Implementation):
    generator = torch.Generator().manual_seed(0)
    act, neuron, loss = impl.activations, impl.neuron, impl.loss
    for dtype in DTYPES:
        x = (torch.randn(100_000, generator=generator, dtype=torch.float64) * 8).to(dtype)
        for name in ELEMENTWISE:
            function = getattr(act, name)
            yield name, dtype, difference(function(x), function(x.cuda()))
        a = torch.rand(1, generator=generator, dtype=torch.float64).to(dtype)
        yield "prelu", dtype, difference(act.prelu(x, a), act.prelu(x.cuda(), a.cuda()))
        X = torch.randn(512, 64, generator=generator, dtype=torch.float64).to(dtype)
        w = torch.randn(64, generator=generator, dtype=torch.float64).to(dtype)
        yield "neuron_forward", dtype, difference(neuron.neuron_forward(X, w, 0.5),
                                                  neuron.neuron_forward(X.cuda(), w.cuda(), 0.5))
        t = torch.randn(512, generator=generator, dtype=torch.float64).to(dtype)
        y = t + 0.1 * torch.randn(512, generator=generator, dtype=torch.float64).to(dtype)
        for name in ("sum_of_squares_error", "rms_error"):
            function = getattr(loss, name)
            yield name, dtype, difference(function(y, t), function(y.cuda(), t.cuda()))
        yield "regularized_error", dtype, difference(
            loss.regularized_error(y, t, w, 0.1),
            loss.regularized_error(y.cuda(), t.cuda(), w.cuda(), 0.1))
    X = torch.randn(4096, 256, generator=generator)
    W = torch.randn(512, 256, generator=generator)
    b = torch.randn(512, generator=generator)
    cpu = neuron.layer_forward(X, W, b)
    gpu = neuron.layer_forward(X.cuda(), W.cuda(), b.cuda())
    absolute, _ = difference(cpu, gpu)
    yield "layer_forward 4096x256 @ 256x512 (abs / scale)", torch.float32, (
        absolute, absolute / cpu.abs().max().item())
    layers = [(torch.randn(64, 64, generator=generator) / 8, torch.randn(64, generator=generator))
              for _ in range(4)]
    W_cpu, b_cpu = neuron.collapse_linear(layers)
    W_gpu, b_gpu = neuron.collapse_linear([(W.cuda(), b.cuda()) for W, b in layers])
    yield "collapse_linear (W)", torch.float32, difference(W_cpu, W_gpu)
    yield "collapse_linear (b)", torch.float32, difference(b_cpu, b_gpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default=str(REPO / "solutions" / "a1_neurons"))
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("gpu_parity_table.py: no CUDA device here; nothing to compare")
    impl = Implementation("impl", [args.impl], REPO / "assignments" / "a1_neurons" / "__init__.py")
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}")
    print(f"{'function':<48}{'dtype':<10}{'max |cpu-gpu|':>16}{'max rel':>12}")
    for name, dtype, (absolute, relative) in rows(impl):
        print(f"{name:<48}{str(dtype).removeprefix('torch.'):<10}{absolute:>16.3g}"
              f"{relative:>12.3g}")


if __name__ == "__main__":
    main()
