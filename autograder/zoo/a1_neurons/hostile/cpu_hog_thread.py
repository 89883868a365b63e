"""HOSTILE: activations.py (otherwise the reference) starts a CPU-burning daemon thread at import,
bounded to 5 minutes: the worker is slower but every call finishes within its limit; full marks

Importing activations.py starts a daemon thread that burns CPU (pure Python, so it competes for
the GIL with every later call) for up to 5 minutes. The code itself is correct: the run must
still finish in time and every module keep its points.
"""

import threading
import time

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "min_score": 100,
}


def _burn(seconds: float = 300.0) -> None:
    stop = time.monotonic() + seconds
    counter = 0
    while time.monotonic() < stop:
        counter = (counter * 31 + 7) % 1_000_003


threading.Thread(target=_burn, daemon=True, name="busy").start()
