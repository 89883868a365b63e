"""ALT: step via two nested torch.where calls: 1 where x >= 0, else 0 where x < 0, else x (NaN)

NaN fails both comparisons and falls through to x itself, so it stays NaN without isnan.
"""

PATCHES = "perceptron"

import torch


def step(x):
    return torch.where(x >= 0, torch.ones_like(x), torch.where(x < 0, torch.zeros_like(x), x))
