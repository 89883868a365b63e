"""Turn per-test records (from ``autograder.pytest_report``) into points, using the rubric.

The rubric (``autograder/rubrics/<assignment>.toml``) gives the points of every test function,
per suite and file. A parametrised test earns its points in proportion to the cases it passes;
tests that were skipped everywhere (GPU parity without CUDA) are left out of the maximum.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograder import assignment as course

SUITES = ("public", "hidden")
DEPENDENCIES = ("reference", "own")


@dataclass(frozen=True)
class Rubric:
    assignment: str
    points: dict[tuple[str, str, str], float]  # (suite, file, function) -> points
    # "reference": a module's tests run with the reference standing in for the modules before
    # it, so a bug costs points once, where it is (``autograder.standin``); "own": through the
    # student's own modules (a bug in polyfit also costs regularization's and splits' tests)
    dependencies: str = "reference"



def load_rubric(assignment, path: Path | None = None) -> Rubric:
    """The rubric of ``assignment`` (an Assignment or its name), or the one at ``path``."""
    if path is None:
        assignment = course.resolve(assignment)
        path = assignment.rubric
    name = assignment if isinstance(assignment, str) else assignment.name
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    points = {}
    for suite in SUITES:
        for file, tests in data.get(suite, {}).items():
            for function, value in tests.items():
                if not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"{path.name}: [{suite}.\"{file}\"] {function}: points must "
                                     f"be a non-negative number, got {value!r}")
                points[(suite, file, function)] = float(value)
    dependencies = data.get("dependencies", "reference")
    if dependencies not in DEPENDENCIES:
        raise ValueError(f"{path.name}: dependencies must be one of {', '.join(DEPENDENCIES)}, "
                         f"got {dependencies!r}")
    return Rubric(data.get("assignment", name), points, dependencies)


@dataclass
class TestScore:
    suite: str
    file: str
    function: str
    module: str
    gpu: bool
    max_score: float
    score: float = 0.0
    passed: int = 0
    total: int = 0
    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the failing cases' exception types

    @property
    def unfinished(self) -> bool:
        """Every failing case raised NotImplementedError: a to-do, not a wrong answer."""
        return bool(self.errors) and set(self.errors) == {"NotImplementedError"}

    @property
    def status(self) -> str:
        return "passed" if self.total and self.passed == self.total else "failed"

    @property
    def name(self) -> str:
        words = self.function.removeprefix("test_")
        # a notebook check names the lecture's figures and tables: "fig_1_4" is Figure 1.4
        words = re.sub(r"(?:^|(?<=_))(fig|table)_(\d+)_(\d+)(?=_|$)", lambda m: (
            f"{'Figure' if m[1] == 'fig' else 'Table'} {m[2]}.{m[3]}"), words)
        return f"{self.module}: {words.replace('_', ' ')}"


def score_records(records: list[dict], rubric: Rubric, impl: str | None = None):
    """Scores of one implementation: (list of TestScore that ran, list of skipped test keys)."""
    grouped: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for record in records:
        if impl is None or record["impl"] == impl:
            grouped[(record["suite"], record["file"], record["function"])].append(record)
    scores, skipped = [], []
    for key, points in rubric.points.items():
        cases = grouped.get(key, [])
        ran = [case for case in cases if case["outcome"] != "skipped"]
        if cases and not ran:
            skipped.append(key)
            continue
        module = next((c["module"] for c in cases if c["module"]), None) or _module_of(
            key[1], rubric.assignment)
        test = TestScore(*key, module=module, gpu=any(c["gpu"] for c in cases), max_score=points)
        test.total = len(ran) or 1  # a test that never ran (collection failed) counts as failed
        test.passed = sum(case["outcome"] == "passed" for case in ran)
        test.score = round(points * test.passed / test.total, 4)
        test.messages = sorted({case["message"] for case in ran if case["outcome"] == "failed"})
        test.errors = sorted({str(case.get("error") or "Error") for case in ran
                              if case["outcome"] == "failed"})
        if not ran:
            test.messages = ["this test did not run (it could not be collected)"]
        scores.append(test)
    return scores, skipped


def _module_of(file: str, assignment: str) -> str:
    stem = Path(file).stem.removeprefix("test_")
    return stem if stem in module_order(assignment) else "other"


def module_order(assignment: str) -> tuple[str, ...]:
    """The modules of the assignment named ``assignment``, in its manifest's order."""
    try:
        return course.load(assignment).module_names
    except course.ManifestError:
        return ()


def module_table(scores: list[TestScore],
                 order: tuple[str, ...] = ()) -> dict[str, dict[str, list[float]]]:
    """{module: {suite: [score, max]}} in ``order`` (the assignment's module order; modules it
    does not name follow as they come), plus a 'total' row."""
    table: dict[str, dict[str, list[float]]] = {}
    for module in dict.fromkeys([*order, *(s.module for s in scores if s.module != "other"),
                                 "other"]):
        rows = [s for s in scores if s.module == module]
        if rows:
            table[module] = {
                suite: [sum(s.score for s in rows if s.suite == suite),
                        sum(s.max_score for s in rows if s.suite == suite)]
                for suite in SUITES
            }
    table["total"] = {
        suite: [sum(row[suite][0] for row in table.values()),
                sum(row[suite][1] for row in table.values())]
        for suite in SUITES
    }
    return table
