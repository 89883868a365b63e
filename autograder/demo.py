"""``autograder demo``: grade a few submissions with the real grader and print their tables.

The reference solution (full marks), the untouched stubs (zero), and the zoo entries the
assignment's manifest names under ``demo`` (a1: two bugs and two hostile submissions), each
graded exactly as ``autograder grade`` would, two at a time. They hand in module files only, so
their notebook counts as absent (0 of its points): the maximum is the same for every
submission.
"""

from __future__ import annotations

import json

from autograder import assignment as course
from autograder import report, validate


def marks(assignment=None) -> tuple[float, float]:
    """The reference's score and every submission's maximum in the demo, as the grader makes
    them: every module point, of the modules' points and the notebook's checks, which a grade of
    module files only counts as absent (its written answers wait for a human, outside both)."""
    from autograder.notebook.grade import grade_notebook

    assignment = course.resolve(assignment)
    modules = sum(module.points for module in assignment.modules.values())
    absent = grade_notebook(None, {}, assignment)  # the notebook part of such a grade
    return modules, modules + sum(test.max_score for test in absent.scores)


def run(assignment=None) -> int:
    """Grade the reference, the stubs and the zoo entries the manifest's ``demo`` names."""
    assignment = course.resolve(assignment)
    shown = ("reference", "stubs", *assignment.demo)
    chosen = [case for case in validate.cases(assignment) if case.name in shown]
    print(f"Grading {len(chosen)} submissions of {assignment.name} with the public and hidden "
          "suites, each in its own sandbox ...", flush=True)
    for case, text, _ in validate.grade_cases(chosen, assignment, jobs=2, uid_base=8):
        title = f"{case.kind} {case.name}" + (
            f": {case.expect['description']}" if case.expect.get("description") else "")
        print()
        print(report.terminal_of(json.loads(text), title))
    return 0
