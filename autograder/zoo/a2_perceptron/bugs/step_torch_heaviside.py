"""BUG: step via torch.heaviside(x, torch.tensor(1.0)): NaN gives 0, and other dtypes fail

torch.heaviside is the step function, but it maps NaN to 0, and its `values` argument must have
x's dtype: a float32 `torch.tensor(1.0)` fails for float64, float16 and bfloat16 inputs.
"""

PATCHES = "perceptron"

import torch


def step(x):
    return torch.heaviside(x, torch.tensor(1.0))
