"""What the root ``conftest.py`` and the grader's pytest plugins share within a pytest session:
the implementations under test, the per-module seeds, and how to make a sandboxed one."""

from __future__ import annotations

import pytest

ASSIGNMENT = pytest.StashKey[object]()  # the assignment that --impl implements (an Assignment)
IMPLEMENTATIONS = pytest.StashKey[dict]()  # assignment name -> its implementations under test
SEEDS = pytest.StashKey[dict]()  # module -> seed of its generated inputs
SANDBOXED = pytest.StashKey[object]()  # (name, paths, uid) -> a SandboxImplementation
