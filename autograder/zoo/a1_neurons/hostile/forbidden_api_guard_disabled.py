"""HOSTILE: activations.logistic switches torch-function modes off (torch._C.DisableTorchFunction)
and calls torch.sigmoid: must be caught and flagged forbidden-api; activations loses points

logistic is torch's own torch.sigmoid, which activations.py may not use, called with torch
function handling switched off (torch._C.DisableTorchFunction) so that the run-time guard (a
thread-local TorchFunctionMode) does not see it. silu builds on logistic. If the guard misses
it, the forbidden API earns full points.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["forbidden-api"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


def logistic(x: torch.Tensor) -> torch.Tensor:
    """Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), with every TorchFunctionMode switched off."""
    with torch._C.DisableTorchFunction():
        return torch.sigmoid(x)
