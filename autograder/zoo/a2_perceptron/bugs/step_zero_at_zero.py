"""BUG: step via (x > 0): gives 0 at x = 0 instead of the threshold unit's 1

The strict comparison is the first thing that comes to mind; the lecture's unit fires from 0 on,
which matters from the very first update (w = 0, b = 0 gives w·x + b = 0).
"""

PATCHES = "perceptron"

import torch


def step(x):
    return torch.where(torch.isnan(x), x, (x > 0).to(x.dtype))
