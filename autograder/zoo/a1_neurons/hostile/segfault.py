"""HOSTILE: activations.heaviside reads address 0 with ctypes: every call kills the worker with
SIGSEGV (flagged resource-limit, 'crashed'); only activations loses points

heaviside dereferences a NULL pointer through ctypes: the worker dies with SIGSEGV on every
call. Only heaviside's tests may fail.
"""

import ctypes

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["resource-limit", "suspicious-code"],
    "lost_modules": ["activations"],
    "full_modules": ["neuron", "loss", "polyfit", "regularization", "splits"],
}


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step function as on the lecture slide: H(x) = 1 for x ≥ 0, 0 for x < 0.

    Note H(0) = 1, and also H(−0.0) = 1 (−0.0 ≥ 0 is true).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    ctypes.string_at(0)  # read address 0: SIGSEGV
    return (x >= 0).to(x.dtype)
