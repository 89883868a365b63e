"""HOSTILE: regularization.l2_penalty allocates up to 8 GiB (256 MiB at a time, each block written
once): the 4 GiB address-space limit stops it, only l2_penalty's tests fail, and it must be
flagged resource-limit

l2_penalty allocates memory 256 MiB at a time, up to 8 GiB, before it computes anything. The
sandbox's memory limit (on the data segment: allocated, touched or not) must stop it without
hurting the grader. Each block is written once only: writing more (with transparent huge pages,
one write per 64 KiB faults in all of it) makes the entry time out first on a machine slow to
fault memory in (a fresh VM takes ~9 s for 4 GiB), which measures that machine rather than the
limit (memory_hog_per_call holds fully written memory).
"""

import numpy as np

PATCHES = "regularization"
EXPECT = {
    "base": "reference",
    "flags": ["resource-limit"],
    "lost_modules": ["regularization"],
    "full_modules": ["activations", "neuron", "loss", "polyfit", "splits"],
}


def l2_penalty(w, lam):
    """The L2 penalty (λ/2) wᵀw.

    Args:
        w: 1-D array of weights, w₀ included.
        lam: λ ≥ 0.

    Returns:
        The penalty, a float.

    Raises:
        ValueError: if λ < 0.
    """
    hoard = []
    for _ in range(32):  # 32 × 256 MiB = 8 GiB at most
        block = np.empty(2**25)  # float64: 256 MiB of address space
        block[0] = 1.0
        hoard.append(block)
    if lam < 0:
        raise ValueError(f"l2_penalty: lam must be >= 0, got {lam!r}")
    w = np.asarray(w, dtype=np.float64)
    return 0.5 * lam * float(w @ w)
