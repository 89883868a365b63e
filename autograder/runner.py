"""Run the public and hidden suites of an assignment against implementations, in a pytest
subprocess, and return its per-test records (see ``autograder.pytest_report``)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import assignment as course
from autograder.pytest_report import read_records

REPO = Path(__file__).resolve().parent.parent


def suite_paths(assignment: course.Assignment | str | None,
                suites=("public", "hidden")) -> list[Path]:
    return course.resolve(assignment).suite_paths(suites)


# pytest plugins a grading run does without: log capture (the suites use no caplog, and
# capturing log records around each of a thousand test phases costs about a second a grade),
# and the watch for unraisable and thread exceptions (its gc.collect() passes at the end cost
# ~0.4 s a run; a student's exception in __del__ or a thread is not a test result)
LEAN_PLUGINS = ("-p", "no:logging", "-p", "no:unraisableexception", "-p", "no:threadexception")


def clean_environment() -> dict[str, str]:
    """The environment for a suite run: no PYTEST_ADDOPTS, no plugins autoloaded from it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONHASHSEED"] = "0"
    return env


def run_suites(
    impls: list[str],
    assignment: course.Assignment | str | None = None,
    suites=("public", "hidden"),
    paths: list[Path] | None = None,
    seed: int = 0,
    extra_args: tuple[str, ...] = (),
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> list[dict]:
    """Records of every test of ``suites`` (or of ``paths``) for each ``--impl`` value."""
    assignment = course.resolve(assignment)
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        report = Path(tmp) / "report.json"
        command = [
            sys.executable, "-m", "pytest",
            *(str(p) for p in (paths or suite_paths(assignment, suites))),
            f"--rootdir={REPO}", "-p", "_hypothesis_pytestplugin", *LEAN_PLUGINS,
            "-p", "autograder.pytest_report", f"--report-json={report}",
            "--assert=plain", "-q", "--tb=no", "--no-header",
            f"--assignment={assignment.name}",
            *(f"--impl={impl}" for impl in impls), *extra_args,
        ]
        output = run_bounded(command, timeout, {"AUTOGRADER_SEED": str(seed), **(env or {})})
        if not report.is_file():
            tail = output.strip().splitlines()[-15:]
            raise RuntimeError("the test suites did not run:\n" + "\n".join(tail))
        return read_records(report)


def run_bounded(command: list[str], timeout: float | None, env: dict | None = None) -> str:
    """Run ``command`` in its own process group; past ``timeout`` kill the whole group."""
    process = subprocess.Popen(
        command, cwd=REPO, env={**clean_environment(), **(env or {})}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        output += f"\n[killed after {timeout:g} s]"
    return output
