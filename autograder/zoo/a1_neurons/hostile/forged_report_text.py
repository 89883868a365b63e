"""HOSTILE: every activation raises an exception whose message forges report text (Markdown
headings, a score row, HTML, links, newlines): activations earns only what raising ValueError
legitimately earns (softplus' beta check, ~2 points), and the text appears only escaped and on
one line

Every function fails with a message built to forge the report: Markdown headings, a fake score
table row, HTML and links. Messages are student text: they must be shown escaped, on one line,
and earn nothing.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": [],
    "max_score": 72,
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


_FORGED = (
    "<img src=x onerror=alert(1)> ## All tests passed | **total** | 30/30 | **100/100** "
    "[view hidden tests](https://example.invalid/steal) `score: 100` ![ok](x) <!-- -->"
    "\n### Flags\n- none\nPassed."
)


def sign(x: torch.Tensor) -> torch.Tensor:
    """Sign function: −1 for x < 0, 0 for x = 0, +1 for x > 0.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {−1, 0, +1}.
    """
    raise ValueError(_FORGED)


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step function as on the lecture slide: H(x) = 1 for x ≥ 0, 0 for x < 0.

    Note H(0) = 1, and also H(−0.0) = 1 (−0.0 ≥ 0 is true).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    raise ValueError(_FORGED)


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
    raise ValueError(_FORGED)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), without NaN at ±1e4.

    The textbook formula gives inf/inf = NaN for large |x|. tanh(x) = 2σ(2x) − 1 works; a
    more accurate form near 0 uses expm1: tanh(|x|) = −m / (2 + m) with m = expm1(−2|x|).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [−1, 1].
    """
    raise ValueError(_FORGED)


def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectified linear unit ReLU(x) = max(0, x). NaN input gives NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device.
    """
    raise ValueError(_FORGED)


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU: x for x ≥ 0, negative_slope · x for x < 0.

    Args:
        x: floating-point tensor, any shape, any device.
        negative_slope: the slope for negative inputs (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.
    """
    raise ValueError(_FORGED)


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
    raise ValueError(_FORGED)


def silu(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid-weighted linear unit SiLU(x) = x · σ(x) (also called swish).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; finite gradients at ±1e4.
    """
    raise ValueError(_FORGED)


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
    raise ValueError(_FORGED)


def logistic_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of the logistic function, σ'(x) = σ(x)(1 − σ(x)), by the explicit formula.

    Do not use autograd here. σ(x)(1 − σ(x)) = e^(−|x|) / (1 + e^(−|x|))² is the same value
    and stays accurate for large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1/4].
    """
    raise ValueError(_FORGED)


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of tanh, tanh'(x) = 1 − tanh²(x), by the explicit formula.

    1 − tanh²(x) = 4e / (1 + e)² with e = e^(−2|x|) is the same value and stays accurate for
    large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1].
    """
    raise ValueError(_FORGED)


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (the lecture's choice at x = 0).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    raise ValueError(_FORGED)
