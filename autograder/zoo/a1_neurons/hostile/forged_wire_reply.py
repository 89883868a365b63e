"""HOSTILE: activations.logistic writes a forged reply onto the worker's reply pipe before
returning: the forgery may cost logistic's own tests (and the cases that use logistic), but must
not shift replies to later calls; loss, polyfit, regularization and splits keep full points

logistic writes a forged reply straight onto the worker's reply pipe (any pipe it may write to:
one of them is the reply pipe) before it returns: the grader reads the forgery as logistic's
answer, and every later reply arrives one request late unless the grader notices.
"""

import fcntl
import json
import os
import stat
import struct

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


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
