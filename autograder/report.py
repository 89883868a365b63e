"""Step 5 of grading: write what was found, for each reader.

* ``results_json``: Gradescope's autograder format (results.json), whose ``output`` is the
  student's summary: public results in full, hidden ones only as a count;
* ``markdown``: that summary (``--markdown``; the PR comment renders the same);
* ``terminal``: the instructor's view, every module, public and hidden;
* ``junit_xml``: for CI systems that show test reports.

The summaries are ``autograder.summary``'s, built from the results.json document.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from autograder import __version__, render, summary
from autograder import assignment as course
from autograder.scoring import TestScore, module_order
from autograder.summary import NOTEBOOK_MODULE


@dataclass
class Outcome:
    assignment: str
    scores: list[TestScore]
    skipped: list[tuple[str, str, str]]
    flags: list[dict]
    execution_time: float
    public_only: bool = False
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    grader_error: str | None = None  # the grader's own failure (never the submission's)

    @property
    def modules(self) -> tuple[str, ...]:
        """The graded modules of the assignment, in its manifest's order."""
        return module_order(self.assignment)

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.scores), 4)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.scores), 4)


def _number(scores: list[TestScore], MODULES: tuple[str, ...]) -> dict[int, str]:
    numbers, counters = {}, {}
    for index, test in enumerate(scores):
        module_index = (MODULES.index(test.module) + 1 if test.module in MODULES
                        else len(MODULES) + 1 if test.module == NOTEBOOK_MODULE else 0)
        counters[module_index] = counters.get(module_index, 0) + 1
        numbers[index] = f"{module_index}.{counters[module_index]}"
    return numbers


def _test_output(test: TestScore) -> str:
    if test.status == "passed":
        return "Passed."
    lines = [f"Passed {test.passed} of {test.total} cases." if test.total > 1 else "Failed."]
    lines += [f"- {message}" for message in test.messages[:3]]
    if len(test.messages) > 3:
        lines.append(f"- ... and {len(test.messages) - 3} more distinct problems")
    return "\n".join(lines)


def results_json(outcome: Outcome) -> dict:
    modules = outcome.modules
    ordered = sorted(outcome.scores, key=lambda t: (
        modules.index(t.module) if t.module in modules else 99, t.suite != "public", t.file,
        t.function))
    numbers = _number(ordered, modules)
    tests = [{
        "name": test.name,
        "number": numbers[i],
        "score": test.score,
        "max_score": test.max_score,
        "status": test.status,
        "output": _test_output(test),
        "visibility": "visible" if test.suite == "public" else "after_due_date",
        "tags": [test.module, test.suite] + (["gpu"] if test.gpu else []),
        # the cases (a test's parameters) behind its partial points, as data for the summaries
        "extra_data": {"cases": {"passed": test.passed, "total": test.total},
                       **({"problems": test.messages[:3], "unfinished": test.unfinished}
                          if test.status != "passed" else {})},
    } for i, test in enumerate(ordered)]
    extra = dict(outcome.extra)
    if isinstance(extra.get("notebook"), dict):
        extra["notebook"] = {**extra["notebook"], "file": _notebook_file(outcome)}
    document = {
        "score": outcome.score,
        "execution_time": round(outcome.execution_time, 2),
        "output": "",  # the summary of the rest, below
        "output_format": "md",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "assignment": outcome.assignment,
            "max_score": outcome.max_score,
            "flags": outcome.flags,
            "grader_version": __version__,
            "skipped": [f"{s}/{f}::{fn}" for s, f, fn in outcome.skipped],
            "public_only": outcome.public_only,
            "modules": _module_points(outcome.scores, modules),
            "notes": list(outcome.notes),
            "grader_error": outcome.grader_error,
            **extra,
        },
    }
    document["output"] = render.markdown(summary.build(document))
    return document


def _module_points(scores: list[TestScore], modules) -> dict[str, dict[str, float]]:
    points = {}
    for module in modules:
        tests = [t for t in scores if t.module == module]
        points[module] = {"score": round(sum(t.score for t in tests), 4),
                          "max_score": round(sum(t.max_score for t in tests), 4)}
    return points


def markdown(outcome: Outcome) -> str:
    """The student's summary (results.json's ``output``), as Markdown."""
    return results_json(outcome)["output"]


def terminal(outcome: Outcome, title: str) -> str:
    """The instructor's view: ``title``, then every module's public and hidden points, the
    score, what failed and the flags, as plain text."""
    return terminal_of(results_json(outcome), title)


def terminal_of(document: dict, title: str) -> str:
    """``terminal`` for a results.json document (what ``grade`` and ``batch`` wrote)."""
    return f"{title}\n{render.text(summary.build(document, staff=True))}"


def junit_xml(outcome: Outcome) -> bytes:
    root = ET.Element("testsuites", name=outcome.assignment)
    for suite in ("public", "hidden"):
        tests = [t for t in outcome.scores if t.suite == suite]
        if not tests:
            continue
        element = ET.SubElement(root, "testsuite", name=f"{outcome.assignment}.{suite}",
                                tests=str(len(tests)),
                                failures=str(sum(t.status == "failed" for t in tests)))
        for test in tests:
            case = ET.SubElement(element, "testcase", classname=f"{suite}.{test.module}",
                                 name=test.function, file=test.file)
            if test.status == "failed":
                failure = ET.SubElement(case, "failure",
                                        message=(test.messages or ["failed"])[0][:800])
                failure.text = _test_output(test)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _notebook_file(outcome) -> str:
    """The notebook's file name in the assignment that ``outcome`` grades."""
    try:
        return course.load(outcome.assignment).notebook or "notebook"
    except course.ManifestError:
        return "notebook"
