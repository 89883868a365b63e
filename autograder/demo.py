"""``autograder demo``: grade the reference solution and the stubs, print their score tables."""

from __future__ import annotations

from autograder.runner import REPO, run_suites
from autograder.scoring import format_table, load_rubric, score_records


def run(assignment: str) -> int:
    rubric = load_rubric(assignment)
    impls = {
        "reference": f"solutions/{assignment}",
        "stubs": f"assignments/{assignment}",
    }
    print(f"Grading {', '.join(impls)} of {assignment} with the public and hidden suites ...")
    records = run_suites(
        [f"{name}={REPO / path}" for name, path in impls.items()], assignment
    )
    for name, path in impls.items():
        scores, skipped = score_records(records, rubric, impl=name)
        print()
        print(format_table(f"{name} ({path})", scores))
        if skipped:
            print(f"({len(skipped)} GPU parity tests skipped: no CUDA here; not counted)")
    return 0
