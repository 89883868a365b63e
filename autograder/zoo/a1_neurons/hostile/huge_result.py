"""HOSTILE: activations.relu_grad returns a 320 MiB tensor on every call: the reply is larger than
the wire limit and is refused (recorded as a crash, flagged resource-limit); only relu_grad's
tests fail

relu_grad answers with a 320 MB tensor (every call), a flood through the result channel: the
grader must refuse the oversized reply rather than read it into memory.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["resource-limit"],
    "lost_modules": ["activations"],
    "full_modules": ["neuron", "loss", "polyfit", "regularization", "splits"],
}


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (the lecture's choice at x = 0).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    flood = torch.ones(80 * 2**20, dtype=torch.float32)  # 320 MiB
    return flood
