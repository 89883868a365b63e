"""HOSTILE: activations.logistic = torch.sigmoid (an alias, no def): the forbidden-API guard
catches it (flag forbidden-api); logistic and silu (which calls it) lose points, so do neuron's
cases that use activations.logistic; loss, polyfit, regularization and splits keep full points

logistic is torch's own sigmoid under another name (`logistic = torch.sigmoid`), which the
assignment forbids in activations.py. The guard must catch the alias, not just calls that are
spelt torch.sigmoid(...) inside a def.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["forbidden-api"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


logistic = torch.sigmoid  # "same thing, and faster"
