"""HOSTILE SUBMISSION (autograder zoo): the checkout's root conftest.py, rewritten to pass all."""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None
