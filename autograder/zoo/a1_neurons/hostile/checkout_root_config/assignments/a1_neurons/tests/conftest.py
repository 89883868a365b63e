"""HOSTILE SUBMISSION (autograder zoo): a conftest.py among the public tests."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.skip(reason="nothing to see here"))
