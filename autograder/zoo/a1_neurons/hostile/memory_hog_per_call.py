"""HOSTILE: regularization.l2_penalty fills memory until MemoryError and holds it 3 s on every
call: after two such calls it is not called again, only regularization loses points, and it is
flagged resource-limit

l2_penalty reserves memory 256 MiB at a time until the sandbox's limit raises MemoryError, holds
it for 3 s, and fails. After two such calls it must not be called again: only l2_penalty's tests
fail, it is flagged resource-limit, and the grade does not wait 3 s on each of its tests.
"""

import time as _time

import numpy as np

PATCHES = "regularization"
EXPECT = {
    "base": "reference",
    "flags": ["resource-limit"],
    "lost_modules": ["regularization"],
    "full_modules": ["activations", "neuron", "loss", "polyfit", "splits"],
    "max_seconds": 120,
}


def l2_penalty(w, lam):
    held = []
    try:
        while True:
            held.append(np.empty(256 * 2**20, dtype=np.uint8))
    except MemoryError:
        _time.sleep(3.0)
        raise
    # never reached: the loop ends only in MemoryError
