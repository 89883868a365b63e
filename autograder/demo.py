"""``autograder demo``: grade a few submissions with the real grader and print their tables.

The reference solution (full marks), the untouched stubs (zero), two entries of the bug zoo and
two hostile submissions, each graded exactly as ``autograder grade`` would, two at a time.
"""

from __future__ import annotations

import queue
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import grade, report, validate

SHOWN = ("reference", "stubs", "logistic_where_nan_grad", "design_vander_decreasing",
         "conftest_force_pass", "infinite_loop_function")


def run(assignment: str) -> int:
    chosen = [case for case in validate.cases(assignment) if case.name in SHOWN]
    print(f"Grading {len(chosen)} submissions of {assignment} with the public and hidden "
          "suites, each in its own sandbox ...", flush=True)

    free_uids: queue.Queue[int] = queue.Queue()
    for slot in range(2):  # one uid per running grade: never shared by two at once
        free_uids.put(grade.DEFAULT_UID + 8 + slot)

    def grade_case(index_case):
        _, case = index_case
        uid = free_uids.get()
        try:
            with tempfile.TemporaryDirectory(prefix="autograder-demo-") as tmp:
                submission = validate.materialize(case, assignment, Path(tmp) / "submission")
                return case, grade.grade(submission, assignment, uid=uid)
        finally:
            free_uids.put(uid)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for case, outcome in pool.map(grade_case, enumerate(chosen)):
            title = f"{case.kind} {case.name}" + (
                f": {case.expect['description']}" if case.expect.get("description") else "")
            print()
            print(report.terminal(outcome, title))
    return 0
