"""The score summary, built once from a results.json document for every channel.

``build`` turns the document (``report.results_json``'s dict, or one read back from disk or an
artifact) into blocks (``autograder.render``: headings, tables, items, paragraphs) of spans that
say whose words they are; ``markdown`` (results.json's ``output``, ``--markdown``, the PR
comment), ``html`` (the class report) and ``text`` (the terminal) render them, as
``render.markdown(summary.build(document))``. Every string of the document other than a number
or a plain word is UNTRUSTED. Standard library only (the comment workflow has jsonschema).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from autograder.render import (
    Block,
    Heading,
    Items,
    Paragraph,
    Span,
    Table,
    bold,
    name,
    untrusted,
    words,
)

NOTEBOOK_MODULE = "notebook"  # the "module" of the notebook's checked cells in results.json
MAX_PROBLEM = 800  # a failing test's problem: a public test's whole teaching text
MAX_LISTED = 10  # failing tests listed under "What to fix first"


def first_problem(test: dict) -> str:
    """A failing test's first problem: ``extra_data.problems`` (``report.results_json``), or,
    in a results.json without it (an older or hand-made one), its output's first line."""
    problems = _list(_dict(_dict(test).get("extra_data")).get("problems"))
    if problems and isinstance(problems[0], str):
        return problems[0]
    lines = [line.strip() for line in str(_dict(test).get("output") or "").splitlines()
             if line.strip()]
    return (lines or ["failed"])[0]


def _unfinished(test: dict) -> bool:
    return _dict(_dict(test).get("extra_data")).get("unfinished") is True


# -- reading the document, whatever it holds --------------------------------------------------

def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return float(value)


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


@dataclass
class _Test:
    name: str
    module: str
    public: bool
    passed: bool
    score: float
    max_score: float
    problem: str = field(default="", repr=False)
    cases: tuple[int, int] = (0, 1)
    unfinished: bool = False  # (passed, total): a test's cases, its parameters


def _cases(entry: dict, passed: bool) -> tuple[int, int]:
    """(passed, total) cases of a test: its ``extra_data.cases`` (``report.results_json``), or
    one case, passed or not, where a results.json (an older one, a hand-made one) has none."""
    cases = _dict(_dict(entry.get("extra_data")).get("cases"))
    done, total = cases.get("passed"), cases.get("total")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in (done, total)) and (
            0 <= done <= total and total > 0):
        return done, total
    return int(passed), 1


def wrong_answers_first(failures: list, unfinished: Callable) -> list:
    """``failures`` with the wrong answers before the unfinished functions (``unfinished(f)``:
    a stub's NotImplementedError is a to-do, not something to fix), each group in its order;
    the order of every channel a student reads (the summaries, ``student_report``)."""
    return sorted(failures, key=lambda f: bool(unfinished(f)))


def _tests(results: dict) -> list[_Test]:
    tests = []
    for entry in _list(results.get("tests")):
        tags = [t for t in _list(_dict(entry).get("tags")) if isinstance(t, str)]
        if not isinstance(entry, dict) or "written" in tags:  # written answers: "pending"
            continue
        passed = entry.get("status") == "passed"
        tests.append(_Test(
            name=str(entry.get("name") or "(unnamed test)"),
            module=tags[0] if tags else "other",
            public=entry.get("visibility") == "visible" and "hidden" not in tags[1:],
            passed=passed, score=_number(entry.get("score")),
            max_score=_number(entry.get("max_score")),
            problem="" if passed else first_problem(entry), cases=_cases(entry, passed),
            unfinished=not passed and _unfinished(entry)))
    return tests


def _tally(tests: list[_Test]) -> list[Span]:
    """Cases passed (each parameter of a test is a case: the partial points come from them, so
    the two columns agree) and points."""
    return [words(f"{sum(t.cases[0] for t in tests)}/{sum(t.cases[1] for t in tests)}"),
            words(f"{_points(sum(t.score for t in tests))}/"
                  f"{_points(sum(t.max_score for t in tests))}")]


# -- build ------------------------------------------------------------------------------------

# how the modules' tests reached the modules they import (``autograder.standin``), in words
# the layers of ``confine.confine`` results.json records, as the staff summary names them
_LAYERS = {"network": "own network namespace", "filesystem": "own root", "user": "own uid",
           "landlock": "Landlock", "seccomp": "seccomp filter", "limits": "resource limits"}
_DEPENDENCIES = {
    "reference": "Each module's tests ran with the course's reference in place of the modules "
                 "it imports, so a mistake costs points only in its own file.",
    "own": "Each module's tests ran through your own files: a mistake in one file can also "
           "fail the tests of the files that import it.",
}


def build(results: dict, staff: bool = False,
          label: Callable[[str], str] | None = None) -> list[Block]:
    """The summary of ``results`` (a results.json document) as blocks. The student's view
    (``staff=False``): public tests in full, hidden ones only as a count; the instructor's
    (``staff=True``) adds the hidden tests of every module and the score. ``label`` names a
    module's file (default: ``<module>.py`` for the assignment's modules)."""
    results = _dict(results)
    extra = _dict(results.get("extra_data"))
    modules = _dict(extra.get("modules"))
    label = label or (lambda module: f"{module}.py" if module in modules else module)
    assignment = extra.get("assignment")
    title = name(assignment) if isinstance(assignment, str) and assignment else words("results")
    notebook = extra.get("notebook") if isinstance(extra.get("notebook"), dict) else None
    tests = _tests(results)
    # the notebook's checks have a section of their own when the document describes the notebook
    graded = [t for t in tests if notebook is None or t.module != NOTEBOOK_MODULE]
    public = [t for t in graded if t.public]
    hidden = [t for t in graded if not t.public]
    blocks: list[Block] = [Heading(2, [title, words(": public and hidden tests" if staff
                                                    else ": public tests")])]
    blocks.append(_score_table(graded if staff else public, staff, label))
    if staff:
        blocks.append(Paragraph([words(f"score: {_points(_number(results.get('score')))} / "
                                       f"{_points(_number(extra.get('max_score')))}")]))
    failing = wrong_answers_first([t for t in public if not t.passed], lambda t: t.unfinished)
    if failing:
        blocks += [Heading(3, [words("What to fix first")]), Items(
            [[untrusted(t.name), words(": "), untrusted(t.problem, MAX_PROBLEM)]
             for t in failing[:MAX_LISTED]]
            + ([[words(f"... and {len(failing) - MAX_LISTED} more failing public tests")]]
               if len(failing) > MAX_LISTED else []))]
    if hidden and not staff:
        blocks.append(Paragraph([words(
            f"{len(hidden)} hidden test{'s' * (len(hidden) != 1)} also ran; their results are "
            "released after the due date.")]))
    elif not hidden and extra.get("public_only") is True:
        blocks.append(Paragraph([words(
            "Only the public tests ran here; the hidden tests run after the deadline.")]))
    blocks += _flags(_list(extra.get("flags")), staff, label)
    skipped = len(_list(extra.get("skipped")))
    if skipped:
        blocks.append(Paragraph([words(f"{skipped} GPU parity test{'s' * (skipped != 1)} "
                                       "skipped (no CUDA here); not counted.")]))
    if len({t.module for t in graded}) > 1 and extra.get("dependencies") in _DEPENDENCIES:
        blocks.append(Paragraph([words(_DEPENDENCIES[extra["dependencies"]])]))
    confinement = extra.get("confinement")
    if staff and isinstance(confinement, dict) and isinstance(confinement.get("layers"), dict):
        layers = confinement["layers"]
        named = [name for key, name in _LAYERS.items() if key in layers and (
            key != "filesystem" or str(layers[key]).startswith("own root"))]
        verdict = {"safe": "safe", "refused": "refused"}.get(confinement.get("hidden_grading"))
        blocks.append(Paragraph([words(f"Confinement: {', '.join(named) or 'none'}"
                                       + (f"; hidden grading {verdict}." if verdict else "."))]))
    if notebook is not None:
        blocks += _notebook(title, notebook, extra, [t for t in tests
                                                     if t.module == NOTEBOOK_MODULE], staff)
    blocks += [Paragraph([words("Note: "), untrusted(note)])
               for note in _list(extra.get("notes")) if isinstance(note, str) and note]
    error = extra.get("grader_error")
    if isinstance(error, str) and error:
        blocks.append(Paragraph([bold("grader error:"), words(" "), untrusted(error),
                                 words(" (a failure of the grader itself, not of the code "
                                       "it graded)")]))
    return blocks


def _score_table(tests: list[_Test], staff: bool, label: Callable[[str], str]) -> Table:
    """One row per module, in the document's order (the assignment's), and the total."""
    modules = list(dict.fromkeys(t.module for t in tests))
    rows = []
    for module in [*modules, None]:
        mine = [t for t in tests if module is None or t.module == module]
        head = [bold("total")] if module is None else [untrusted(label(module))]
        if staff:
            cells = [*_tally([t for t in mine if t.public]),
                     *_tally([t for t in mine if not t.public]), _tally(mine)[1]]
        else:
            cells = _tally(mine)
        if module is None:
            cells[-1] = bold(cells[-1].text)
        rows.append([head, *[[cell] for cell in cells]])
    if staff:
        return Table(["module", "public cases passed", "public points", "hidden cases passed",
                      "hidden points", "points"], rows, frozenset(range(1, 6)), total=True)
    return Table(["module", "cases passed", "points"], rows, frozenset({1, 2}), total=True)


def _flags(flags: list, staff: bool, label: Callable[[str], str]) -> list[Block]:
    items = []
    for flag in flags:
        if not isinstance(flag, dict):
            continue
        item = [words("FLAG ")] if staff else []
        item.append(untrusted(flag.get("kind") or "flag"))
        module = flag.get("module")
        if isinstance(module, str) and module:
            item += [words(" ("), untrusted(label(module)), words(")")]
        item += [words(": "), untrusted(flag.get("message") or "")]
        items.append(item)
    return [Heading(3, [words("Flags")]), Items(items)] if items else []


def _notebook(title: Span, info: dict, extra: dict, tests: list[_Test],
              staff: bool) -> list[Block]:
    """The notebook's section: which parts were graded, its checks, the written answers."""
    file = info.get("file")
    blocks: list[Block] = [Heading(2, [title, words(": notebook"), *(
        [words(" ("), untrusted(file), words(")")] if isinstance(file, str) and file else [])])]
    parts = _dict(extra.get("parts"))
    if "modules" in parts and "notebook" in parts:
        blocks.append(Paragraph([words("Graded parts: modules "), name(parts["modules"]),
                                 words(", notebook "), name(parts["notebook"]), words(".")]))
    if info.get("status") != "graded":
        detail = info.get("detail")
        return [*blocks, Paragraph(
            [words("The notebook was not graded: "), untrusted(detail), words(".")]
            if isinstance(detail, str) and detail else [words("The notebook was not graded.")])]
    public = [t for t in tests if t.public]
    hidden = [t for t in tests if not t.public]
    if public:
        passed, points = _tally(public)
        blocks.append(Paragraph([words(f"Public checks: {passed.text} passed, "
                                       f"{points.text} points.")]))
        failing = [[untrusted(t.name), words(": "), untrusted(t.problem)]
                   for t in public if not t.passed]
        blocks += [Items(failing)] if failing else []
    if hidden and staff:
        passed, points = _tally(hidden)
        blocks.append(Paragraph([words(f"Hidden checks: {passed.text} passed, "
                                       f"{points.text} points.")]))
    elif hidden:
        blocks.append(Paragraph([words(
            f"{len(hidden)} check{'s' * (len(hidden) != 1)} with hidden tests also ran; their "
            "results are released after the due date.")]))
    if (unrun := _number(info.get("hidden_checks"))) and not hidden:
        blocks.append(Paragraph([words(f"{unrun:g} check{'s' * (unrun != 1)} with hidden tests "
                                       f"({_points(_number(info.get('hidden_max_score')))} "
                                       "points) run when the course grades.")]))
    pending = [p for p in _list(extra.get("pending")) if isinstance(p, dict)]
    if pending:
        total = sum(_number(p.get("max_score")) for p in pending)
        marked = [p for p in pending if "score" in p]  # merged from the instructor's CSV
        blocks.append(Paragraph([words(
            f"Written answers: {len(pending)} ({_points(total)} points), graded by hand" + (
                f": {_points(sum(_number(p['score']) for p in marked))} points, in the score "
                "above." if marked else "; not included in the score above."))]))
        unanswered = [p.get("name") or "(unnamed)" for p in pending if not p.get("answered")]
        if unanswered:
            spans = [words("Unanswered: ")]
            for index, answer in enumerate(unanswered):
                spans += [words(", ")] * (index > 0) + [untrusted(answer)]
            blocks.append(Paragraph([*spans, words(".")]))
    return blocks


