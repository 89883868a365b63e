"""Where one grade's time goes: the grader's pytest process of one submission, under cProfile.

    .venv/bin/python benchmarks/profile_one_grade.py [SUBMISSION] [--assignment a1_neurons]

Runs the public and hidden suites against SUBMISSION (default: the reference's module files)
in one ``pytest --sandboxed`` process, as ``autograder grade`` runs them, under cProfile, and
prints one table of wall seconds by phase (imports and collection, waiting for the worker
zygote, the pytest protocol around the tests, the test bodies: hypothesis' generation, waiting
for the sandboxed student code, the rest) and the test functions that cost most. Every number
is measured in this invocation; cProfile slows Python code down (about 1.5x), so compare the
shares, not the seconds, with ``benchmarks/batch_throughput.py``'s wall times.
``benchmarks/results/profile_one_grade.txt`` holds a run of it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cumulative(stats: pstats.Stats, match) -> float:
    """The largest cumulative time of the functions ``match(file, line, name)`` selects (the
    outermost of nested calls)."""
    best = 0.0
    for (file, line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if match(file, line, name):
            best = max(best, ct)
    return best


def total(stats: pstats.Stats, match) -> float:
    return sum(ct for (file, line, name), (_cc, _nc, _tt, ct, _c) in stats.stats.items()
               if match(file, line, name))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?")
    parser.add_argument("--assignment", default="a1_neurons")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the profiled pytest process itself
        import pytest

        from autograder import assignment as course
        from autograder.runner import LEAN_PLUGINS

        paths = [str(p) for p in course.resolve(args.assignment).suite_paths(("public", "hidden"))]
        profile = cProfile.Profile()
        profile.enable()
        pytest.main([*paths, f"--rootdir={REPO}", "-p", "_hypothesis_pytestplugin",
                     *LEAN_PLUGINS, "--assert=plain", "-q", "--tb=no", "--no-header",
                     f"--assignment={args.assignment}", f"--impl={args.submission}",
                     "--sandboxed"], plugins=[_ZygoteReady()])
        profile.disable()
        profile.dump_stats(args.out)
        return 0

    from autograder import zygote

    # As `grade` does (autograder.forkserver): the zygote imports torch while pytest starts
    # and collects; the tests wait only for what is left of it.
    workers = zygote.Zygote()
    with tempfile.TemporaryDirectory(prefix="profile-grade-") as tmp:
        submission = Path(args.submission) if args.submission else None
        if submission is None:
            submission = Path(tmp) / "reference"
            submission.mkdir()
            for source in (REPO / "solutions" / args.assignment).glob("*.py"):
                if source.name != "__init__.py":
                    shutil.copyfile(source, submission / source.name)
        out = Path(tmp) / "grade.prof"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update({"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONHASHSEED": "0",
                    zygote.ENV_VAR: workers.socket_path})
        try:
            subprocess.run([sys.executable, __file__, "--child", str(submission),
                            "--assignment", args.assignment, "--out", str(out)], cwd=REPO,
                           env=env, check=True, stdout=subprocess.DEVNULL)
        finally:
            workers.close()
        stats = pstats.Stats(str(out))

    whole = stats.total_tt
    run_loop = cumulative(stats, lambda f, _l, n: n == "pytest_runtestloop")
    zygote_wait = cumulative(stats, lambda f, _l, n: n == "wait_ready")
    bodies = total(stats, lambda f, _l, n: n == "pytest_pyfunc_call")
    hypothesis = total(stats, lambda f, _l, n: n == "wrapped_test" and "hypothesis" in f)
    generation = total(stats, lambda f, _l, n: n == "draw" and "conjecture/data.py" in f)
    worker = total(stats, lambda f, _l, n: n == "_receive" and f.endswith("sandbox.py"))
    rows = [
        ("imports, configuration and collection", whole - run_loop - zygote_wait),
        ("waiting for the worker zygote (torch import, overlapped)", zygote_wait),
        ("pytest's protocol around the tests", run_loop - bodies),
        ("test bodies: waiting for the sandboxed student code", worker),
        ("test bodies: hypothesis generating examples", generation),
        ("test bodies: the rest (oracles, comparisons, wire)", bodies - worker - generation),
    ]
    print(f"machine: {os.cpu_count()} cores ({platform.machine()}), Python "
          f"{platform.python_version()}; submission: {args.submission or 'the reference'}")
    print(f"{'phase (profiled wall seconds)':<56}{'s':>8}{'share':>8}")
    for what, seconds in rows:
        print(f"{what:<56}{seconds:>8.2f}{seconds / whole:>8.0%}")
    print(f"{'total':<56}{whole:>8.2f}")
    print(f"(hypothesis' property tests, all in: {hypothesis:.2f} s; "
          f"calls into the sandbox: {worker and _calls(stats)})")
    per_test: dict[str, float] = defaultdict(float)
    for (file, _line, name), (_cc, _nc, _tt, ct, _c) in stats.stats.items():
        if name.startswith("test_") and ("/suites/" in file or "/tests/test_" in file):
            per_test[f"{Path(file).parent.name}/{Path(file).name}::{name}"] += ct
    print("\nthe 12 costliest test functions (all their cases):")
    for name, seconds in sorted(per_test.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {seconds:6.2f} s  {name}")
    return 0


class _ZygoteReady:
    """After collection, wait for the zygote the parent started (as the fork server does)."""

    def pytest_collection_finish(self, session):
        from autograder import zygote

        def wait_ready(path: str) -> None:  # the name the profile's table looks for
            while not os.path.exists(path):
                time.sleep(0.02)

        wait_ready(os.environ[zygote.ENV_VAR])


def _calls(stats: pstats.Stats) -> int:
    return sum(nc for (file, _l, name), (_cc, nc, _tt, _ct, _c) in stats.stats.items()
               if name == "request" and file.endswith("sandbox.py"))


if __name__ == "__main__":
    sys.exit(main())
