"""HOSTILE: perceptron.step loops forever: its calls time out (flag timeout), it is not called
again after two time-outs, and descent.py keeps full points
"""

import torch

PATCHES = "perceptron"
EXPECT = {
    "base": "reference",
    "flags": ["timeout"],
    "lost_modules": ["perceptron"],
    "full_modules": ["descent"],
}


def step(x: torch.Tensor) -> torch.Tensor:
    """HOSTILE: never returns (an infinite loop, as a student's while loop gone wrong)."""
    while True:
        pass
