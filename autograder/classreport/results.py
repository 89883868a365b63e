"""The class's results: every OUT_DIR/results/*.json read and checked, one Student each; a file
that is not a results.json is listed as unreadable, never fatal."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.layout import STUDENT_ID as SAFE_ID  # a student id: safe in a path and a URL


class ReportError(Exception):
    """Nothing to report on: the caller prints the one-line message and exits 2."""


@dataclass
class TestResult:
    name: str
    module: str
    suite: str  # public / hidden
    status: str
    score: float
    max_score: float
    number: str = ""
    output: str = ""


@dataclass
class Student:
    id: str
    page: str  # file name of the student's feedback page, safe in a path and a URL
    score: float
    max_score: float
    tests: list[TestResult]
    flags: list[dict]
    grader_error: str | None
    output: str
    assignment: str
    results: dict = field(default_factory=dict, repr=False)  # the document, as read

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score > 0 else 0.0

    @property
    def modules(self) -> dict[str, tuple[float, float]]:
        """Points earned and possible per module, summed over the student's tests."""
        totals: dict[str, list[float]] = {}
        for test in self.tests:
            earned, possible = totals.setdefault(test.module, [0.0, 0.0])
            totals[test.module] = [earned + test.score, possible + test.max_score]
        return {module: (earned, possible) for module, (earned, possible) in totals.items()}


@dataclass
class Unreadable:
    file: str
    problem: str


@dataclass
class ClassResults:
    students: list[Student]
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def graded(self) -> list[Student]:
        """Students whose grading completed (a grader error says nothing about the student)."""
        return [s for s in self.students if not s.grader_error]

    @property
    def assignment(self) -> str:
        names = Counter(s.assignment for s in self.students if s.assignment)
        return names.most_common(1)[0][0] if names else "assignment"


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where} is not a number")
    return float(value)


def _text(value, where: str, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where} is not a string")
    return value


def _test(entry, index: int) -> TestResult:
    where = f"tests[{index}]"
    if not isinstance(entry, dict):
        raise ValueError(f"{where} is not an object")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(f"{where}.tags is not a list of strings")
    visibility = _text(entry.get("visibility", ""), f"{where}.visibility")
    suite = "hidden" if "hidden" in tags or visibility == "after_due_date" else "public"
    status = _text(entry.get("status"), f"{where}.status")
    if status not in ("passed", "failed"):
        raise ValueError(f"{where}.status is neither passed nor failed")
    return TestResult(
        name=_text(entry.get("name"), f"{where}.name"),
        module=tags[0] if tags else "(no module)",
        suite=suite,
        status=status,
        score=_number(entry.get("score"), f"{where}.score"),
        max_score=_number(entry.get("max_score"), f"{where}.max_score"),
        number=str(entry.get("number", ""))[:20],
        output=_text(entry.get("output"), f"{where}.output", optional=True),
    )


def _flag(entry, index: int) -> dict:
    where = f"extra_data.flags[{index}]"
    if not isinstance(entry, dict):
        raise ValueError(f"{where} is not an object")
    return {"kind": _text(entry.get("kind"), f"{where}.kind"),
            "module": _text(entry.get("module"), f"{where}.module", optional=True),
            "message": _text(entry.get("message"), f"{where}.message", optional=True)}


def parse_results(data, student_id: str, page: str) -> Student:
    """One student from a results.json document; ValueError (one line) if it is not one."""
    if not isinstance(data, dict):
        raise ValueError("not a results.json object")
    extra = data.get("extra_data", {})
    if not isinstance(extra, dict):
        raise ValueError("extra_data is not an object")
    tests = data.get("tests", [])
    flags = extra.get("flags", [])
    if not isinstance(tests, list):
        raise ValueError("tests is not a list")
    if not isinstance(flags, list):
        raise ValueError("extra_data.flags is not a list")
    parsed = [_test(entry, i) for i, entry in enumerate(tests)]
    output = _text(data.get("output", ""), "output", optional=True)
    error = extra.get("grader_error")
    if error is not None and not isinstance(error, str):
        raise ValueError("extra_data.grader_error is not a string")
    if error is None and not parsed:
        error = "no test results"
    max_score = extra.get("max_score")
    return Student(
        id=student_id,
        page=page,
        score=_number(data.get("score"), "score"),
        max_score=(_number(max_score, "extra_data.max_score") if max_score is not None
                   else sum(t.max_score for t in parsed)),
        tests=parsed,
        flags=[_flag(entry, i) for i, entry in enumerate(flags)],
        grader_error=error,
        output=output,
        assignment=_text(extra.get("assignment", ""), "extra_data.assignment", optional=True),
        results=data,
    )


def load_results(out_dir: Path) -> ClassResults:
    """Every OUT_DIR/results/*.json; files that are not results are listed, never fatal."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ReportError(f"{out_dir}: no such directory")
    results_dir = out_dir / "results"
    files = sorted(p for p in results_dir.glob("*.json") if not p.name.startswith(".")) \
        if results_dir.is_dir() else []
    if not files:
        raise ReportError(f"{results_dir}: no results (*.json) to report on; "
                          "run autograder batch first")
    students, unreadable, pages = [], [], set()
    for path in files:
        student_id = path.name.removesuffix(".json")
        shown = "".join(c if c.isprintable() else "?" for c in path.name)
        page = student_id if SAFE_ID.fullmatch(student_id) else (
            "student-" + hashlib.sha256(student_id.encode("utf-8", "replace")).hexdigest()[:16])
        while page in pages:  # only when a safe id equals another's hashed name
            page += "_"
        try:
            data = json.loads(path.read_bytes())
            student = parse_results(data, student_id, page)
        except (OSError, UnicodeDecodeError) as error:
            unreadable.append(Unreadable(shown, f"cannot be read: {error.__class__.__name__}"))
        except json.JSONDecodeError as error:
            unreadable.append(Unreadable(shown, f"not valid JSON (line {error.lineno})"))
        except (ValueError, RecursionError) as error:
            unreadable.append(Unreadable(shown, str(error) or "not a results.json"))
        else:
            students.append(student)
            pages.add(page)
    return ClassResults(students, unreadable)
