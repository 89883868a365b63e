"""What the root ``conftest.py`` and the grader's pytest plugins share within a pytest session:
the implementations under test, the per-module seeds, and how to make a sandboxed one."""

from __future__ import annotations

import pytest

IMPLEMENTATIONS = pytest.StashKey[list]()  # the implementations under test, in --impl order
SEEDS = pytest.StashKey[dict]()  # module -> seed of its generated inputs
SANDBOXED = pytest.StashKey[object]()  # (name, paths, uid) -> a SandboxImplementation
