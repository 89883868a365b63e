"""The seeds of a submission's hidden inputs: derived from the grading secret and the files each
module's results depend on, so nobody without the secret can predict them, and identical files
get identical inputs (which is what lets ``batch`` reuse a module's results)."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from autograder import assignment as course
from autograder import dependencies

DEFAULT_SECRET = "change-me: set AUTOGRADER_SECRET for real grading"
DEFAULT_SOURCE = "default (not secret)"  # what results.json says of the secret without one


def secret() -> tuple[bytes, str]:
    """The grading secret and where it came from (never shipped to students)."""
    if os.environ.get("AUTOGRADER_SECRET"):
        return os.environ["AUTOGRADER_SECRET"].encode(), "AUTOGRADER_SECRET"
    path = os.environ.get("AUTOGRADER_SECRET_FILE")
    if path and Path(path).is_file():
        return Path(path).read_bytes().strip(), "AUTOGRADER_SECRET_FILE"
    return DEFAULT_SECRET.encode(), DEFAULT_SOURCE


def derive_seed(digest: str) -> int:
    """A seed nobody can predict without the secret, fixed for a given digest."""
    key, _ = secret()
    return int.from_bytes(hmac.new(key, digest.encode(), hashlib.sha256).digest()[:4], "big")


def module_seeds(files: dict[str, str], assignment: course.Assignment) -> dict[str, int]:
    """Each module's seed, from the files its results depend on (``dependencies``)."""
    return {module: derive_seed(digest)
            for module, digest in dependencies.closure_digests(files, assignment).items()}
