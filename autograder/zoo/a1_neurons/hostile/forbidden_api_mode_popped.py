"""HOSTILE: activations.logistic pops the guard's TorchFunctionMode off the stack
(torch.overrides._pop_mode_temporarily) and calls torch.sigmoid: must be caught and flagged
forbidden-api; activations loses points

logistic is torch's own torch.sigmoid, which activations.py may not use, called after popping
the guard off the mode stack (torch.overrides._pop_mode_temporarily) so that the run-time guard
(a thread-local TorchFunctionMode) does not see it. silu builds on logistic. If the guard misses
it, the forbidden API earns full points.
"""

import torch
from torch.overrides import _pop_mode_temporarily

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["forbidden-api"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


def logistic(x: torch.Tensor) -> torch.Tensor:
    """Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), with the innermost TorchFunctionMode removed."""
    with _pop_mode_temporarily():
        return torch.sigmoid(x)
