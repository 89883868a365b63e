"""HOSTILE: activations.logistic calls torch.ops.aten.sigmoid.default (the operator, not
torch.sigmoid): must be caught and flagged forbidden-api; activations loses points

logistic is torch's own torch.sigmoid, which activations.py may not use, called as the ATen
operator torch.ops.aten.sigmoid.default so that the run-time guard (a thread-local
TorchFunctionMode) does not see it. silu builds on logistic. If the guard misses it, the
forbidden API earns full points.
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
    """Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), straight from ATen."""
    return torch.ops.aten.sigmoid.default(x)
