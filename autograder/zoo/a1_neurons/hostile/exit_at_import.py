"""HOSTILE: activations.py calls os._exit(0) at import. The worker dies with exit status 0 during
the import, which the grader flags as tampering ('the submission's process exited during import
of activations.py (os._exit / sys.exit?)'); activations is lost, neuron's cases that use
activations.relu too, the rest is graded

activations.py leaves the interpreter with os._exit(0) while it is imported. A grader that
imported it in its own process would stop there and write no results (or the results of whatever
ran before); run in the sandbox, the worker dies during the import, so only the tests that need
activations.py fail. Otherwise this is the reference activations.py.
"""

import os

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["tampering", "suspicious-code"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


os._exit(0)  # stop the test run before a single test can fail
