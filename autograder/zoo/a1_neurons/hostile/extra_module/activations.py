"""HOSTILE: activations.py imports logistic from an extra file _fast.py of the submission: only the
six module files are graded, so _fast.py is ignored (flag ignored-files) and activations.py
fails to import; the modules that do not use activations keep full points

activations.py imports its logistic from a helper module of the student's own, _fast.py. Only
the six module files are graded, so the helper is ignored (and reported) and activations.py
cannot be imported.
"""

from ._fast import logistic  # noqa: F401 (the point: logistic lives in an extra file)

PATCHES = "activations"
REMOVES = ["logistic"]


