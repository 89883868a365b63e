"""HOSTILE SUBMISSION (autograder zoo): make every test pass, whatever the code does.

If the grader let pytest pick up this conftest.py (it sits next to the graded modules), every
test report would be rewritten to 'passed' and the stubs would earn full marks.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None
    report.sections = []


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    for item in items:  # no test should be able to fail on setup either
        for marker in list(item.own_markers):
            if marker.name in ("skip", "skipif", "xfail"):
                item.own_markers.remove(marker)


def pytest_configure(config):
    config.option.tbstyle = "no"
