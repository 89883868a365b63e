"""HOSTILE: regularization.select_lambda writes ~200 MB to stdout/stderr (print and os.write on fds
1 and 2) on every call, then returns the right answer: the run ends in time, the output goes
nowhere, and every module keeps its points

select_lambda prints 200 MB (100 MB to stdout, 100 MB to stderr, through print and straight onto
file descriptors 1 and 2) before it returns the right answer. A grader that captured or echoed
the worker's output would drown in it.
"""

import os
import sys

import numpy as np

from .loss import rms_error
from .polyfit import predict

PATCHES = "regularization"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "min_score": 100,
}


def _flood():
    line = "All tests passed. score: 100/100 " * 32 + "\n"  # ~1 KiB
    block = line * 1024  # ~1 MiB
    for _ in range(50):
        print(block, end="")
        sys.stderr.write(block)
        os.write(1, block.encode())
        os.write(2, block.encode())


def select_lambda(x_train, t_train, x_val, t_val, M, lambdas):
    """Choose λ by validation error.

    Fit ``fit_ridge`` on the training data for each λ and return the λ with the smallest
    validation RMS (ties: the largest λ, the simpler model).

    Args:
        x_train, t_train: 1-D training inputs and targets.
        x_val, t_val: 1-D validation inputs and targets.
        M: the degree.
        lambdas: iterable of candidate λ ≥ 0.

    Returns:
        The chosen λ, one of ``lambdas``.
    """
    _flood()
    t_val = np.asarray(t_val, dtype=np.float64)
    scored = [
        (rms_error(predict(x_val, fit_ridge(x_train, t_train, M, lam)), t_val), -lam, lam)
        for lam in lambdas
    ]
    return min(scored)[2]
