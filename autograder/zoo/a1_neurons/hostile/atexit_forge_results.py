"""HOSTILE: loss.py (stubs otherwise) registers an atexit handler that would overwrite results.json
with a perfect score (it writes only /tmp/autograder-pwned-results.json): flagged tampering,
earns nothing, and the file never appears

Registers an atexit handler that writes a forged results.json (score 100). If the grader ran
this module in its own process, the handler would run after the grader wrote its results. It
only ever writes /tmp/autograder-pwned-*, so a failed defence is visible and harmless; in the
sandbox the handler never runs (the worker leaves with os._exit).
"""

import atexit
import glob
import json

PATCHES = "loss"
EXPECT = {
    "base": "stubs",
    "flags": ["tampering"],
    "max_score": 0,
}


_FORGED = {
    "score": 100.0,
    "output": "All tests passed.",
    "tests": [{"name": "everything", "score": 100.0, "max_score": 100.0, "status": "passed"}],
}


def _rewrite_results():
    """Overwrite the grader's results with a perfect score."""
    for path in ["/tmp/autograder-pwned-results.json", *glob.glob("/tmp/autograder-pwned-*.json")]:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(_FORGED, stream)


atexit.register(_rewrite_results)
