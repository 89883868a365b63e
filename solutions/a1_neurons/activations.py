"""Activation functions of the artificial neuron, and three explicit derivatives (torch).

Rules for every function in this file (the contract in the handout):

* ``x`` is a floating-point ``torch.Tensor`` (float16, bfloat16, float32 or float64) of any
  shape, 0-d and empty included, on any device (CPU, CUDA, ``meta``).
* The result is a *new* tensor with the shape, dtype and device of ``x``, at every size (for
  an empty ``x`` too: never ``x`` itself or a view of it); ``x`` is never modified in place.
* Vectorised tensor operations only (``torch.where``, or boolean-mask indexing on a copy): no
  Python loops over elements, no ``if`` on a tensor, no ``.item()``, ``.tolist()``,
  ``.numpy()``, ``.cpu()`` or ``.to(device)`` round trips.
* You may compute in a wider float dtype (``x.float()``) and convert back to ``x.dtype``; that is
  how float16/bfloat16 meet the accuracy bar, which holds for every finite float16 and bfloat16
  value (a formula evaluated in float16 itself misses it for some: tanh, logistic_grad, ...).
* Do not call torch's own version of the function you are writing (``torch.sigmoid``,
  ``torch.tanh``, ``torch.relu``, ``torch.sign``, ``torch.heaviside``, ``torch.logaddexp``,
  anything in ``torch.nn.functional`` or ``torch.special.expit``/``log_expit``, and the
  matching ``Tensor`` methods). ``exp``, ``expm1``, ``log1p``, ``abs``, ``where``, ``clamp``,
  ``maximum``, comparisons and arithmetic are your material.
* Continuous functions return NaN for NaN input, and autograd must give finite gradients for
  every finite input, including ``|x| = 1e4``.
"""

import torch


### BEGIN SOLUTION
def _working_dtype(x: torch.Tensor) -> torch.dtype:
    """The dtype to compute in: float32 for the half-precision types, else x's own."""
    return torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype


### END SOLUTION


def sign(x: torch.Tensor) -> torch.Tensor:
    """Sign function: −1 for x < 0, 0 for x = 0, +1 for x > 0.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {−1, 0, +1}.
    """
    ### BEGIN SOLUTION
    return (x > 0).to(x.dtype) - (x < 0).to(x.dtype)
    ### END SOLUTION


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step function as on the lecture slide: H(x) = 1 for x ≥ 0, 0 for x < 0.

    Note H(0) = 1, and also H(−0.0) = 1 (−0.0 ≥ 0 is true).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    ### BEGIN SOLUTION
    return (x >= 0).to(x.dtype)
    ### END SOLUTION


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
        finite x, finite autograd gradients everywhere (also at ±1e4; at exactly 0 only
        finite: e^(−|x|) built with ``x.abs()`` has autograd's gradient 0 there, and that is
        fine).
    """
    ### BEGIN SOLUTION
    xw = x.to(_working_dtype(x))
    negative = xw < 0
    # −|x|, written with where so that its gradient is −1 at x = 0 (abs' gradient there is 0).
    e = torch.exp(torch.where(negative, xw, -xw))
    y = torch.where(negative, e / (1 + e), 1 / (1 + e))
    return y.to(x.dtype)
    ### END SOLUTION


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), without NaN at ±1e4.

    The textbook formula gives inf/inf = NaN for large |x|. tanh(x) = 2σ(2x) − 1 works; a
    more accurate form near 0 uses expm1: tanh(|x|) = −m / (2 + m) with m = expm1(−2|x|).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [−1, 1].
    """
    ### BEGIN SOLUTION
    xw = x.to(_working_dtype(x))
    negative = xw < 0
    m = torch.expm1(2 * torch.where(negative, xw, -xw))  # expm1(−2|x|), in (−1, 0]
    t = -m / (2 + m)  # tanh(|x|)
    return torch.where(negative, -t, t).to(x.dtype)
    ### END SOLUTION


def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectified linear unit ReLU(x) = max(0, x). NaN input gives NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device.

    Autograd's derivative at exactly 0 is 0, as ``relu_grad`` and the lecture have it (the
    contract does not grade it: ``x.clamp(min=0)`` gives 1 there and is just as right).
    """
    ### BEGIN SOLUTION
    # x where x > 0 (and NaN stays NaN); a constant 0 elsewhere, so the slope at 0 is 0
    return torch.where((x > 0) | x.isnan(), x, torch.zeros_like(x))
    ### END SOLUTION


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU: x for x ≥ 0, negative_slope · x for x < 0.

    Args:
        x: floating-point tensor, any shape, any device.
        negative_slope: the slope for negative inputs (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.
    """
    ### BEGIN SOLUTION
    return torch.where(x < 0, negative_slope * x, x)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    return torch.where(x < 0, a * x, x)
    ### END SOLUTION


def silu(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid-weighted linear unit SiLU(x) = x · σ(x) (also called swish).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; finite gradients at ±1e4.
    """
    ### BEGIN SOLUTION
    xw = x.to(_working_dtype(x))
    return (xw * logistic(xw)).to(x.dtype)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    if not beta > 0:
        raise ValueError(f"softplus: beta must be > 0, got {beta!r}")
    z = beta * x.to(_working_dtype(x))
    negative = z < 0
    log_term = torch.log1p(torch.exp(torch.where(negative, z, -z)))  # log1p(e^(−|z|))
    y = torch.where(negative, log_term, z + log_term) / beta
    return y.to(x.dtype)
    ### END SOLUTION


def logistic_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of the logistic function, σ'(x) = σ(x)(1 − σ(x)), by the explicit formula.

    Do not use autograd here. σ(x)(1 − σ(x)) = e^(−|x|) / (1 + e^(−|x|))² is the same value
    and stays accurate for large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1/4].
    """
    ### BEGIN SOLUTION
    xw = x.to(_working_dtype(x))
    e = torch.exp(-xw.abs())
    return (e / (1 + e) ** 2).to(x.dtype)
    ### END SOLUTION


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of tanh, tanh'(x) = 1 − tanh²(x), by the explicit formula.

    1 − tanh²(x) = 4e / (1 + e)² with e = e^(−2|x|) is the same value and stays accurate for
    large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1].
    """
    ### BEGIN SOLUTION
    xw = x.to(_working_dtype(x))
    e = torch.exp(-2 * xw.abs())
    return (4 * e / (1 + e) ** 2).to(x.dtype)
    ### END SOLUTION


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (the lecture's choice at x = 0).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    ### BEGIN SOLUTION
    return (x > 0).to(x.dtype)
    ### END SOLUTION
