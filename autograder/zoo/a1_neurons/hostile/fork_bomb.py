"""HOSTILE: polyfit.select_degree forks 7 rounds (≤128 sleeping processes): the 64-process limit
makes fork fail, select_degree's tests fail, the rest is graded, no process survives; must be
flagged resource-limit

select_degree 'parallelises' by forking: 7 rounds of os.fork() (at most 2^7 = 128 processes,
each sleeping 30 s and then leaving with os._exit). The sandbox's process limit must stop it,
and no process may survive the grading run.
"""

import os
import time

import numpy as np

from .loss import rms_error

PATCHES = "polyfit"
EXPECT = {
    "base": "reference",
    "flags": ["resource-limit"],
    "lost_modules": ["polyfit"],
    "full_modules": ["activations", "neuron", "loss", "regularization", "splits"],
}


def select_degree(x_train, t_train, x_val, t_val, degrees):
    """Choose the degree M by validation error.

    For each M in ``degrees``, fit on the training data only and compute the RMS error on the
    validation data; return the M with the smallest validation RMS (ties: the smallest M).

    Args:
        x_train, t_train: 1-D training inputs and targets.
        x_val, t_val: 1-D validation inputs and targets.
        degrees: iterable of candidate degrees.

    Returns:
        The chosen degree, one of ``degrees``.
    """
    is_child = False
    try:
        for _ in range(7):  # bounded: 2**7 = 128 processes at most
            if os.fork() == 0:
                is_child = True
    finally:
        if is_child:
            time.sleep(30)
            os._exit(0)
    t_val = np.asarray(t_val, dtype=np.float64)
    scored = [
        (rms_error(predict(x_val, fit_polynomial(x_train, t_train, M)), t_val), M)
        for M in degrees
    ]
    return min(scored)[1]
