"""Step 5 of grading: write what was found, for each reader.

* ``results_json``: Gradescope's autograder format (results.json);
* ``markdown``: a summary for the student (results.json's ``output``, a PR comment,
  ``$GITHUB_STEP_SUMMARY``): public results in full, hidden ones only as a count;
* ``terminal``: the instructor's table, every module, public and hidden;
* ``junit_xml``: for CI systems that show test reports.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from autograder import __version__
from autograder import assignment as course
from autograder.notebook.feedback import MODULE as NOTEBOOK_MODULE
from autograder.scoring import TestScore, format_table, module_order, module_table


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

    @property
    def grader_error(self) -> str | None:
        return next((n for n in self.notes if n.startswith("grader error")), None)

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
    } for i, test in enumerate(ordered)]
    return {
        "score": outcome.score,
        "execution_time": round(outcome.execution_time, 2),
        "output": markdown(outcome),
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
            **outcome.extra,
        },
    }


def _module_points(scores: list[TestScore], modules) -> dict[str, dict[str, float]]:
    points = {}
    for module in modules:
        tests = [t for t in scores if t.module == module]
        points[module] = {"score": round(sum(t.score for t in tests), 4),
                          "max_score": round(sum(t.max_score for t in tests), 4)}
    return points


def markdown(outcome: Outcome) -> str:
    modules = [t for t in outcome.scores if t.module != NOTEBOOK_MODULE]
    public = [t for t in modules if t.suite == "public"]
    hidden = [t for t in modules if t.suite == "hidden"]
    table = module_table(public, outcome.modules)
    lines = [f"## {outcome.assignment}: public tests",
             "",
             "| module | passed | points |",
             "| --- | ---: | ---: |"]
    for module in outcome.modules:
        tests = [t for t in public if t.module == module]
        if tests:
            passed = sum(t.status == "passed" for t in tests)
            earned, possible = table[module]["public"]
            lines.append(f"| `{module}.py` | {passed}/{len(tests)} | {earned:g}/{possible:g} |")
    earned, possible = table["total"]["public"]
    lines.append(f"| **total** | {sum(t.status == 'passed' for t in public)}/{len(public)} "
                 f"| **{earned:g}/{possible:g}** |")
    failing = [t for t in public if t.status == "failed"]
    if failing:
        lines += ["", "### What to fix first", ""]
        for test in failing[:10]:
            message = test.messages[0] if test.messages else "failed"
            lines.append(f"- **{test.name}**: {_escape(message)}")
        if len(failing) > 10:
            lines.append(f"- ... and {len(failing) - 10} more failing public tests")
    if hidden:
        lines += ["", f"{len(hidden)} hidden tests also ran; their results are released after "
                  "the due date."]
    elif outcome.public_only:
        lines += ["", "Only the public tests ran here; the hidden tests run after the deadline."]
    if outcome.flags:
        lines += ["", "### Flags", ""]
        lines += [f"- `{f['kind']}`" + (f" ({f['module']}.py)" if f.get("module") else "")
                  + f": {_escape(f['message'])}" for f in outcome.flags]
    if outcome.skipped:
        lines += ["", f"{len(outcome.skipped)} GPU parity tests were skipped (no CUDA here) "
                  "and do not count."]
    lines += _notebook_markdown(outcome)
    lines += [f"_{note}_" for note in outcome.notes]
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """Student-controlled text, safe inside Markdown (no HTML, no links, no code fences)."""
    text = text.replace("\r", " ").replace("\n", " ")
    for char in "\\`*_{}[]<>()#|!":
        text = text.replace(char, "\\" + char)
    return text[:300]


def terminal(outcome: Outcome, title: str) -> str:
    lines = [format_table(title, [t for t in outcome.scores if t.module != NOTEBOOK_MODULE],
                          outcome.modules),
             *_notebook_terminal(outcome),
             f"score: {outcome.score:g} / {outcome.max_score:g}"]
    if outcome.skipped:
        lines.append(f"({len(outcome.skipped)} GPU parity tests skipped: no CUDA; not counted)")
    for f in outcome.flags:
        lines.append(f"FLAG {f['kind']}" + (f" [{f['module']}]" if f.get("module") else "")
                     + f": {f['message'][:300]}")
    return "\n".join(lines)


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
                                        message=(test.messages or ["failed"])[0][:500])
                failure.text = _test_output(test)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# -- the notebook part's lines ----------------------------------------------------------------

def _name(outcome) -> str:
    """The notebook's file name in the assignment that ``outcome`` grades."""
    try:
        return course.load(outcome.assignment).notebook or "notebook"
    except course.ManifestError:
        return "notebook"


def _notebook_markdown(outcome) -> list[str]:
    """The notebook's section of the student's summary."""
    info = outcome.extra.get("notebook")
    if info is None:
        return []
    parts = outcome.extra["parts"]
    lines = ["", f"## {outcome.assignment}: notebook ({_name(outcome)})", "",
             f"Graded parts: modules {parts['modules']}, notebook {parts['notebook']}.", ""]
    if info["status"] != "graded":
        return [*lines, f"The notebook was not graded: {_escape(info['detail'])}."]
    tests = [t for t in outcome.scores if t.module == NOTEBOOK_MODULE]
    public = [t for t in tests if t.suite == "public"]
    hidden = [t for t in tests if t.suite == "hidden"]
    if public:
        earned, possible = sum(t.score for t in public), sum(t.max_score for t in public)
        lines.append(f"Public checks: {sum(t.status == 'passed' for t in public)}/{len(public)} "
                     f"passed, {earned:g}/{possible:g} points.")
        for test in public:
            if test.status == "failed":
                lines.append(f"- **{test.name}**: {_escape(test.messages[0])}")
    if hidden:
        lines.append(f"{len(hidden)} checks with hidden tests also ran; their results are "
                     "released after the due date.")
    pending = outcome.extra.get("pending", [])
    if pending:
        total = sum(p["max_score"] for p in pending)
        unanswered = [p["name"] for p in pending if not p["answered"]]
        lines.append(f"Written answers: {len(pending)} ({total:g} points), graded by hand; "
                     "not included in the score above.")
        if unanswered:
            lines.append(f"Unanswered: {_escape(', '.join(unanswered))}.")
    return lines


def _notebook_terminal(outcome) -> list[str]:
    """The notebook's lines of the instructor's table."""
    info = outcome.extra.get("notebook")
    if info is None:
        return []
    parts = outcome.extra["parts"]
    lines = [f"parts: modules {parts['modules']}, notebook {parts['notebook']}"]
    if info["status"] != "graded":
        return [*lines, f"notebook: not graded: {info['detail']}"]
    tests = [t for t in outcome.scores if t.module == NOTEBOOK_MODULE]
    cells = {suite: ([t for t in tests if t.suite == suite]) for suite in ("public", "hidden")}
    row = "  ".join(f"{suite} {sum(t.score for t in rows):.2f}/{sum(t.max_score for t in rows):.2f}"
                    for suite, rows in cells.items())
    return [*lines, f"notebook ({_name(outcome)}): checked cells {row}; written answers pending: "
            f"{info['pending_max_score']:g} points ({len(outcome.extra.get('pending', []))} "
            "answers, graded by hand)"]


