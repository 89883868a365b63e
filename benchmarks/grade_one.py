"""How long does grading one submission take, against the bare cost of importing torch?

    .venv/bin/python benchmarks/grade_one.py [--runs 3] [SUBMISSION]

Prints one table, every row measured in this invocation on this machine: the bare
``python -c "import torch, numpy"``, and ``autograder grade`` end to end (public only, and public
+ hidden), with the difference to the bare import. The issue's target for the full grade is
"bare import + 2 s".
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?", default=str(REPO / "solutions" / "a1_neurons"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        grade = [sys.executable, "-m", "autograder", "grade", args.submission, "-o",
                 f"{tmp}/results.json"]
        commands = {
            'python -c "import torch, numpy"': [sys.executable, "-c", "import torch, numpy"],
            "autograder grade --public-only": [*grade, "--public-only"],
            "autograder grade (public + hidden)": grade,
        }
        rows = {name: [timed(command) for _ in range(args.runs)]
                for name, command in commands.items()}
    bare = statistics.median(rows['python -c "import torch, numpy"'])
    print(f"{'what':<38}{'median s':>10}{'min s':>10}{'minus bare':>12}")
    for name, times in rows.items():
        median = statistics.median(times)
        print(f"{name:<38}{median:>10.2f}{min(times):>10.2f}{median - bare:>+12.2f}")
    print(f"({args.runs} runs each; submission {args.submission})")


if __name__ == "__main__":
    main()
