"""HOSTILE: activations.logistic calls torch.sigmoid in a helper thread (the guard's
TorchFunctionMode is thread-local): must still be caught and flagged forbidden-api; activations
(and neuron's cases that use activations.logistic) lose points

logistic is torch's own torch.sigmoid, which activations.py may not use, called in a helper
thread so that the run-time guard (a thread-local TorchFunctionMode) does not see it. silu
builds on logistic. If the guard misses it, the forbidden API earns full points.
"""

import threading

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["forbidden-api"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


def logistic(x: torch.Tensor) -> torch.Tensor:
    """Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), computed by torch in a helper thread."""
    result = []
    helper = threading.Thread(target=lambda: result.append(torch.sigmoid(x)))
    helper.start()
    helper.join()
    return result[0]
