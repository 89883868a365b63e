"""ALT: step via torch.heaviside(x, ones_like(x)), with NaN put back where x is NaN

torch.heaviside with values 1 is the step function except at NaN (it gives 0 there); the values
tensor must have x's dtype, which ones_like guarantees.
"""

PATCHES = "perceptron"

import torch


def step(x):
    return torch.where(x.isnan(), x, torch.heaviside(x, torch.ones_like(x)))
