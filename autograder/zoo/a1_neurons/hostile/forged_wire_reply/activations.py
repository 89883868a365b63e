# HOSTILE SUBMISSION (autograder zoo): logistic writes a forged reply straight onto the worker's
# reply pipe (any pipe it may write to: one of them is the reply pipe) before it returns: the grader
# reads the forgery as logistic's answer, and every later reply arrives one request late unless the
# grader notices.
"""Activation functions of the artificial neuron, and three explicit derivatives (torch).

Rules for every function in this file (the contract in the handout):

* ``x`` is a floating-point ``torch.Tensor`` (float16, bfloat16, float32 or float64) of any
  shape, 0-d and empty included, on any device (CPU, CUDA, ``meta``).
* The result is a *new* tensor with the shape, dtype and device of ``x``; ``x`` is never
  modified in place.
* Vectorised tensor operations only: no Python loops over elements, no ``.item()``,
  ``.tolist()``, ``.numpy()``, ``.cpu()`` or ``.to(device)`` round trips.
* You may compute in a wider float dtype (``x.float()``) and convert back to ``x.dtype``; that is
  how float16/bfloat16 meet the accuracy bar.
* Do not call torch's own version of the function you are writing (``torch.sigmoid``,
  ``torch.tanh``, ``torch.relu``, ``torch.sign``, ``torch.heaviside``, ``torch.logaddexp``,
  anything in ``torch.nn.functional`` or ``torch.special.expit``/``log_expit``, and the
  matching ``Tensor`` methods). ``exp``, ``expm1``, ``log1p``, ``abs``, ``where``, ``clamp``,
  ``maximum``, comparisons and arithmetic are your material.
* Continuous functions return NaN for NaN input, and autograd must give finite gradients for
  every finite input, including ``|x| = 1e4``.
"""

import fcntl
import json
import os
import stat
import struct

import torch


def _working_dtype(x: torch.Tensor) -> torch.dtype:
    """The dtype to compute in: float32 for the half-precision types, else x's own."""
    return torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype




def sign(x: torch.Tensor) -> torch.Tensor:
    """Sign function: −1 for x < 0, 0 for x = 0, +1 for x > 0.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {−1, 0, +1}.
    """
    return (x > 0).to(x.dtype) - (x < 0).to(x.dtype)


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step function as on the lecture slide: H(x) = 1 for x ≥ 0, 0 for x < 0.

    Note H(0) = 1, and also H(−0.0) = 1 (−0.0 ≥ 0 is true).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    return (x >= 0).to(x.dtype)


def _forge_reply() -> None:
    # Every pipe this process may write to besides stdout/stderr: one of them is the reply pipe.
    body = json.dumps({"result": 0.5, "events": [], "mutated": {}}).encode()
    frame = struct.pack("<QI", len(body), 0) + body
    for fd in range(3, 256):
        try:
            writable = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY
            if writable and stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, frame)
        except OSError:
            continue


def logistic(x: torch.Tensor) -> torch.Tensor:
    """Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), computed without overflow.

    The naive formula overflows for large negative x (e^(−x) = inf). Evaluate e^(−|x|) only,
    which lies in (0, 1]: σ(x) = 1 / (1 + e^(−x)) for x ≥ 0 and e^x / (1 + e^x) for x < 0.
    Make sure the branch that ``torch.where`` does *not* select cannot produce inf either: its
    gradient is multiplied by 0, and 0 · inf = NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; exactly 0.5 at x = 0, never NaN or inf for
        finite x, finite autograd gradients everywhere (also at ±1e4).
    """
    _forge_reply()
    xw = x.to(_working_dtype(x))
    negative = xw < 0
    e = torch.exp(torch.where(negative, xw, -xw))
    y = torch.where(negative, e / (1 + e), 1 / (1 + e))
    return y.to(x.dtype)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), without NaN at ±1e4.

    The textbook formula gives inf/inf = NaN for large |x|. tanh(x) = 2σ(2x) − 1 works; a
    more accurate form near 0 uses expm1: tanh(|x|) = −m / (2 + m) with m = expm1(−2|x|).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [−1, 1].
    """
    xw = x.to(_working_dtype(x))
    negative = xw < 0
    m = torch.expm1(2 * torch.where(negative, xw, -xw))  # expm1(−2|x|), in (−1, 0]
    t = -m / (2 + m)  # tanh(|x|)
    return torch.where(negative, -t, t).to(x.dtype)


def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectified linear unit ReLU(x) = max(0, x). NaN input gives NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device.
    """
    return torch.where(x < 0, torch.zeros_like(x), x)


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU: x for x ≥ 0, negative_slope · x for x < 0.

    Args:
        x: floating-point tensor, any shape, any device.
        negative_slope: the slope for negative inputs (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.
    """
    return torch.where(x < 0, negative_slope * x, x)


def prelu(x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Parametric ReLU: x for x ≥ 0, a · x for x < 0, with a learnable slope ``a``.

    Args:
        x: floating-point tensor, any shape, any device.
        a: tensor of x's dtype and device: 0-d (one slope for everything), or, for x with at
            least one dimension, shape (1,) or (D,) where D = x.shape[-1] (one slope per
            feature, broadcast along the last dimension).

    Returns:
        Tensor of x's shape, dtype and device; autograd gradients reach both x and a.
    """
    return torch.where(x < 0, a * x, x)


def silu(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid-weighted linear unit SiLU(x) = x · σ(x) (also called swish).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; finite gradients at ±1e4.
    """
    xw = x.to(_working_dtype(x))
    return (xw * logistic(xw)).to(x.dtype)


def softplus(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """SoftPlus(x) = (1/β) · log(1 + e^(βx)), a smooth ReLU.

    With z = βx: log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), which never overflows
    (softplus(1e4) = 1e4) and stays accurate for large negative z (log1p(e^z) ≈ e^z).

    Args:
        x: floating-point tensor, any shape, any device.
        beta: sharpness β > 0 (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.

    Raises:
        ValueError: if beta ≤ 0.
    """
    if not beta > 0:
        raise ValueError(f"softplus: beta must be > 0, got {beta!r}")
    z = beta * x.to(_working_dtype(x))
    negative = z < 0
    log_term = torch.log1p(torch.exp(torch.where(negative, z, -z)))  # log1p(e^(−|z|))
    y = torch.where(negative, log_term, z + log_term) / beta
    return y.to(x.dtype)


def logistic_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of the logistic function, σ'(x) = σ(x)(1 − σ(x)), by the explicit formula.

    Do not use autograd here. σ(x)(1 − σ(x)) = e^(−|x|) / (1 + e^(−|x|))² is the same value
    and stays accurate for large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1/4].
    """
    xw = x.to(_working_dtype(x))
    e = torch.exp(-xw.abs())
    return (e / (1 + e) ** 2).to(x.dtype)


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of tanh, tanh'(x) = 1 − tanh²(x), by the explicit formula.

    1 − tanh²(x) = 4e / (1 + e)² with e = e^(−2|x|) is the same value and stays accurate for
    large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1].
    """
    xw = x.to(_working_dtype(x))
    e = torch.exp(-2 * xw.abs())
    return (4 * e / (1 + e) ** 2).to(x.dtype)


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (the lecture's choice at x = 0).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    return (x > 0).to(x.dtype)
