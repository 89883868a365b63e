"""HOSTILE SUBMISSION (autograder zoo): a helper module that the grader must not take.

It would also be a way to smuggle in anything (here: torch's own sigmoid).
"""

import torch


def logistic(x: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(x)
