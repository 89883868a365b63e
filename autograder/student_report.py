"""pytest plugin of the student repository (its pyproject's addopts load it): one line per
failing test, in the words the grader's summary uses, wrong answers before unfinished functions.

A student's first run fails every test with ``NotImplementedError``; pytest's own report of that
repeats each stub's docstring and the seam's frames (thousands of lines). With ``--tb=no`` and
this plugin the run prints pytest's progress line, then one line per failing test:
``test_loss.py::test_rms_error_value: AssertionError: E_RMS = ..., want sqrt(2E / N) = ...``, the
same text as results.json and the pull request comment (``seam.describe_exception``), so the
student reads one message everywhere. ``pytest --tb=short`` still shows tracebacks on demand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_FAILURES = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[_FAILURES] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        from autograder.seam import describe_exception

        name = f"{Path(str(item.path)).name}::{item.name}"
        message = describe_exception(call.excinfo.value, full=True)
        unfinished = isinstance(call.excinfo.value, NotImplementedError)
        item.config.stash[_FAILURES].append((name, message, unfinished))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    failures = config.stash.get(_FAILURES, [])
    if not failures or config.getoption("tbstyle", "auto") != "no":
        return
    from autograder.summary import wrong_answers_first

    failures = wrong_answers_first(failures, lambda f: f[2])
    terminalreporter.section("what failed (wrong answers first)", sep="-")
    for name, message, _ in failures:
        terminalreporter.write_line(f"{name}: {message}")
    terminalreporter.write_line("(pytest --tb=short shows where each failure happened)")
