"""What the confinement layers cost: one grade of a real submission, layer set by layer set.

    sudo .venv/bin/python benchmarks/confinement_cost.py [--runs 3] [SUBMISSION]

Prints one table, every row measured in this invocation on this machine, each run
interleaved with the others so that a slow moment of the machine spreads over all of them:

* ``namespaces, uid, limits``: the layers before Landlock and seccomp existed (the baseline;
  ``AUTOGRADER_LAYERS_OFF=landlock,seccomp``);
* ``every layer``: the default on a Linux host as root;
* ``no namespaces (Docker)``: ``tests/dockerlike/run``, as root runs in a default Docker
  container: uid, Landlock, seccomp, limits;

and the confinement probe alone (``probe.prepare``, which every grade runs first) and one
``kill_uid`` of an idle uid. SUBMISSION defaults to the reference's modules and notebook.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCKERLIKE = REPO / "tests" / "dockerlike" / "run"


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?", default=str(REPO / "solutions" / "a1_neurons"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("confinement_cost: run it as root (the sandbox's uid switch needs root)")
    from autograder import probe
    from autograder.sandbox import DEFAULT_UID, kill_uid

    with tempfile.TemporaryDirectory() as tmp:
        grade = [sys.executable, "-m", "autograder", "grade", args.submission, "-o",
                 f"{tmp}/results.json"]
        rows = {
            "namespaces, uid, limits (baseline)": (grade, {"AUTOGRADER_LAYERS_OFF":
                                                           "landlock,seccomp"}),
            "every layer": (grade, {}),
            "no namespaces (Docker): uid, Landlock, seccomp": ([str(DOCKERLIKE), *grade], {}),
        }
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.runs):
            for name, (command, extra) in rows.items():
                times[name].append(timed(command, {**os.environ, **extra}))
    probes, kills = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        probe.prepare()
        probes.append(time.perf_counter() - start)
        start = time.perf_counter()
        kill_uid(DEFAULT_UID + 2001)
        kills.append(time.perf_counter() - start)
    base = statistics.median(times["namespaces, uid, limits (baseline)"])
    print(f"one grade of {args.submission}, median of {args.runs} (2 cores: os.cpu_count() = "
          f"{os.cpu_count()})\n")
    print(f"{'layers':<50}{'seconds':>9}{'vs baseline':>13}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<50}{median:>9.2f}{median / base:>12.2f}x")
    print(f"\n{'the probe alone (probe.prepare)':<50}{statistics.median(probes):>9.3f}")
    print(f"{'kill_uid of an idle uid':<50}{statistics.median(kills):>9.3f}")


if __name__ == "__main__":
    main()
