"""pytest plugin that records every test's outcome as plain JSON for scoring.

Enabled with ``-p autograder.pytest_report --report-json PATH``. One record per test item:
which implementation, suite (public/hidden), file, function, module marker, outcome and a
one-line message. Messages come from the exception alone (never from pytest's traceback or
assertion introspection), so a hidden test's expected values cannot leak through them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograder import assignment as course
from autograder.facts import Facts


def pytest_addoption(parser):
    parser.addoption("--report-json", metavar="PATH", help="write per-test results as JSON")
    parser.addoption("--collect-json", metavar="PATH", help="write the collected tests as JSON")


def pytest_configure(config):
    path = config.getoption("--report-json")
    if path:
        config.pluginmanager.register(Recorder(Path(path)), "autograder-report")


def pytest_collection_finish(session):
    path = session.config.getoption("--collect-json")
    if path:
        _write_json(Path(path), [describe_item(item) for item in session.items])


def _write_json(path: Path, data) -> None:
    """Write atomically: a reader never sees half a file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)


class Recorder:
    """Appends one JSON line per finished test, so a run killed midway keeps what it did."""

    def __init__(self, path: Path):
        self.path = path
        self.records: dict[str, dict] = {}
        self.stream = path.open("w", encoding="utf-8")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        record = self.records.get(item.nodeid)
        if record is None:
            record = self.records[item.nodeid] = describe_item(item)
        if report.skipped and record["outcome"] != "failed":
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            record.update(outcome="skipped", message=str(reason).removeprefix("Skipped: "))
        elif report.failed:
            if record["outcome"] != "failed":
                from autograder.seam import describe_exception  # torch: not for read_records
                error = call.excinfo.value if call.excinfo else None
                record.update(
                    outcome="failed",
                    error=type(error).__name__ if error else "Error",
                    message=describe_exception(error, full=record["suite"] == "public")
                    if error else "failed",
                    facts=error_facts(error),
                )
        elif report.when == "call" and record["outcome"] == "pending":
            record["outcome"] = "passed"
        if report.when == "teardown":
            self.stream.write(json.dumps(self.records.pop(item.nodeid)) + "\n")
            self.stream.flush()

    def pytest_unconfigure(self):
        self.stream.close()


def error_facts(error: BaseException | None) -> Facts | None:
    """What an error knows beyond its message, kept as data so that flags never parse
    messages: a forbidden call's module and API; the type a submission's error had in its own
    process (``original``: a BlockingIOError arrives as the grader's StudentError) and an
    OSError's errno by name (EMFILE, EFBIG, ...)."""
    import errno

    from autograder.seam import ForbiddenAPIError

    if isinstance(error, ForbiddenAPIError):
        return {"module": error.module, "api": error.api}
    facts: Facts = {}
    original = getattr(error, "original", None)
    if isinstance(original, str) and original != type(error).__name__:
        facts["original"] = original
    name = getattr(error, "errno_name", None) or (
        errno.errorcode.get(error.errno) if isinstance(error, OSError) and error.errno else None)
    if name:
        facts["errno"] = name
    return facts or None


def read_records(path: Path) -> list[dict]:
    """The records of a report file; a line cut short by a kill is dropped."""
    records = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def describe_item(item) -> dict:
    path = Path(str(item.path))
    markers = {mark.name for mark in item.iter_markers()}
    assignment = next((a for f, a in course.by_fixture().items()
                       if f in getattr(item, "fixturenames", ())), None)
    modules = sorted(markers & set(assignment.modules if assignment else ()))
    params = getattr(getattr(item, "callspec", None), "params", {})
    marked = item.get_closest_marker("flag")
    impl = params.get(assignment.fixture) if assignment else None
    return {
        "nodeid": item.nodeid,
        "impl": impl if isinstance(impl, str) else getattr(impl, "name", None),
        "suite": "hidden" if "suites" in path.parts else "public",
        "file": path.name,
        "function": getattr(item, "originalname", item.name),
        "module": modules[0] if len(modules) == 1 else None,
        "modules": modules,
        "gpu": "gpu" in markers,
        "flag": {"kind": str(marked.args[0]), "message": str(marked.args[1])} if marked else None,
        "outcome": "pending",
        "error": None,
        "message": "",
    }
