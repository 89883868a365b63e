"""``autograder demo``: grade a few submissions with the real grader and print their tables.

The reference solution (full marks), the untouched stubs (zero), two entries of the bug zoo and
two hostile submissions, each graded exactly as ``autograder grade`` would, two at a time.
"""

from __future__ import annotations

from autograder import report, validate

SHOWN = ("reference", "stubs", "logistic_where_nan_grad", "design_vander_decreasing",
         "conftest_force_pass", "infinite_loop_function")


def run(assignment: str) -> int:
    chosen = [case for case in validate.cases(assignment) if case.name in SHOWN]
    print(f"Grading {len(chosen)} submissions of {assignment} with the public and hidden "
          "suites, each in its own sandbox ...", flush=True)
    for case, outcome, _, _ in validate.grade_cases(chosen, assignment, jobs=2, uid_base=8):
        title = f"{case.kind} {case.name}" + (
            f": {case.expect['description']}" if case.expect.get("description") else "")
        print()
        print(report.terminal(outcome, title))
    return 0
