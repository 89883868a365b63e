"""The notebook part in the grade: checked cells as scored tests with messages in words, flags
for tampering with how checks report, and its part of results.json (``merge``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from autograder import pysource
from autograder.notebook.source import GradedCell
from autograder.summary import NOTEBOOK_MODULE as MODULE  # its tests' "module" in results.json

NO_NOTEBOOK = "none"  # NotebookPart.status of an assignment that has no notebook


@dataclass
class NotebookPart:
    """The notebook part of one grade."""

    status: str  # graded, absent, refused, too large, unreadable, failed, not graded here
    scores: list = field(default_factory=list)  # scoring.TestScore, module "notebook"
    pending: list[dict] = field(default_factory=list)  # written answers: name, max_score, ...
    flags: list[dict] = field(default_factory=list)
    detail: str = ""  # a sentence for the student when the notebook was not graded
    confinement: dict = field(default_factory=dict)
    seconds: float = 0.0
    checked_points: float = 0.0  # what the checked cells are worth, graded or not
    answer_points: float = 0.0  # what the written answers are worth
    hidden_checks: list[float] = field(default_factory=list)  # points of checks not run here


# -- scores, messages, flags ------------------------------------------------------------------

_NAME_ERROR = re.compile(r"name '([A-Za-z_]\w{0,60})' is not defined")
_NOT_IMPLEMENTED = re.compile(r"[A-Za-z_][\w.]{0,80} is not implemented yet")
_ENAME = re.compile(r"[A-Za-z_][\w.]{0,79}")


def failure_message(cell: GradedCell, outputs: list) -> str:
    """Why a check cell failed, in words. The check's own assert messages are shown; anything
    else that code in the kernel could have put into an error (hidden test text included) is
    reduced to the exception's name."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if not errors:
        if any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in outputs):
            return ("the cell wrote to stderr (a warning from your code?), which nbgrader counts "
                    "as a failure")
        return "the cell did not pass"
    ename, evalue = str(errors[0].get("ename", "")), str(errors[0].get("evalue", ""))
    ename = ename if _ENAME.fullmatch(ename) else "an exception"
    if ename == "NotRun":  # our own error output: ConfinedExecute's reason
        return f"this cell did not run: {evalue}"
    if ename == "CellTimeoutError":
        return "the cell took too long and was interrupted"
    if ename == "AssertionError" and evalue in _assert_messages(cell.source):
        return evalue
    if ename == "NameError" and _NAME_ERROR.fullmatch(evalue):
        return (f"{evalue}: the cell that defines it did not run or failed (run the notebook "
                "from the top: Kernel → Restart & Run All)")
    if ename == "NotImplementedError" and (_NOT_IMPLEMENTED.fullmatch(evalue) or not evalue):
        return f"NotImplementedError: {evalue}".rstrip(": ")
    return f"the check raised {ename}"


def _assert_messages(source: str) -> set[str]:
    """The string messages of the asserts in a check cell (the grader's own words)."""
    try:
        tree = pysource.parse(source)
    except SyntaxError:
        return set()
    return {node.msg.value for node in ast.walk(tree) if isinstance(node, ast.Assert)
            and isinstance(node.msg, ast.Constant) and isinstance(node.msg.value, str)}


def unscored_cells(cells: list[GradedCell], public_only: bool, why: str, name: str):
    """A notebook that could not be graded (absent, unreadable, refused): each check it should
    have passed at 0 of its points, with ``why``, and its written answers unanswered, so that the
    maximum is the same whether or not it was handed in."""
    from autograder.scoring import TestScore

    scores = [TestScore("hidden" if cell.hidden else "public", name, cell.grade_id, module=MODULE,
                        gpu=False, max_score=cell.points, total=1, messages=[why])
              for cell in cells if not cell.manual and not (public_only and cell.hidden)]
    pending = [{"name": cell.grade_id, "max_score": cell.points, "answered": False}
               for cell in cells if cell.manual]
    return scores, pending


def score_cells(cells: list[GradedCell], grades: dict, executed, public_only: bool, name: str):
    from autograder.scoring import TestScore

    outputs = {cell.metadata["nbgrader"]["grade_id"]: cell.get("outputs", [])
               for cell in executed.cells if "grade_id" in cell.metadata.get("nbgrader", {})}
    scores, pending = [], []
    for cell in cells:
        grade = grades.get(cell.grade_id, {})
        if cell.manual:
            pending.append({"name": cell.grade_id, "max_score": cell.points,
                            "answered": grade.get("auto_score") is None})
            continue
        if public_only and cell.hidden:
            continue
        test = TestScore("hidden" if cell.hidden else "public", name, cell.grade_id,
                         module=MODULE, gpu=False, max_score=cell.points, total=1)
        test.score = round(min(max(float(grade.get("auto_score") or 0.0), 0.0), cell.points), 4)
        test.passed = int(test.score >= cell.points)
        if not test.passed:
            test.messages = [failure_message(cell, outputs.get(cell.grade_id, []))]
        scores.append(test)
    return scores, pending


# Ways to change how a check cell reports (a student's cell runs in the same kernel as the checks)
_TAMPERING = {r"\bget_ipython\b": "get_ipython", r"\bshowtraceback\b": "showtraceback",
              r"\bexcepthook\b": "sys.excepthook", r"\.kernel\b": "the kernel object",
              r"^\s*(!|%%?(bash|sh|script|system|sx)\b)": "shell commands"}


def notebook_flags(text: str, locked: set[str], name: str = "the notebook") -> list[dict]:
    """suspicious-code in the student's own cells (not in cells of the ``locked`` grade ids,
    which nbgrader replaces by the source's): the module files' static checks, and ways of
    tampering with how a check cell reports."""
    import nbformat

    from autograder import flags

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception:  # any malformed notebook: already reported as unreadable
        return []
    code, found = [], set()
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or (isinstance(meta, dict) and meta.get("grade_id") in locked):
            continue
        source = str(cell.source)
        found |= {what for pattern, what in _TAMPERING.items()
                  if re.search(pattern, source, re.MULTILINE)}
        code.append("\n".join(line for line in source.splitlines()
                              if not line.lstrip().startswith(("!", "%"))))  # IPython syntax
    result = []
    for flag in flags.static_flags({"experiments.py": "\n\n".join(code)}):
        result.append(flags.flag("suspicious-code", None, flag["message"].replace(
            "experiments.py", name).replace("read the file", "read the notebook")))
    if found:
        result.append(flags.flag(
            "suspicious-code", None,
            f"{name} uses {', '.join(sorted(found))}: a cell that changes how the checks "
            "report could fake their results; read the notebook"))
    return result


# -- into the grade ---------------------------------------------------------------------------

def merge(outcome, part: NotebookPart):
    """``outcome`` (a ``report.Outcome``) with the notebook part added: its checked cells as
    tests, its flags, and ``extra_data.parts`` / ``pending`` / ``notebook``. An assignment
    without a notebook leaves ``outcome`` as it is."""
    if part.status == NO_NOTEBOOK:
        return outcome
    modules = "grader error" if outcome.grader_error else (
        "public tests only" if outcome.public_only else "graded")
    outcome.scores = [*outcome.scores, *part.scores]
    outcome.flags = [*outcome.flags, *part.flags]
    earned = round(sum(t.score for t in part.scores), 4)
    outcome.extra = {
        **outcome.extra,
        "parts": {"modules": modules, "notebook": part.status},
        "pending": part.pending,
        "notebook": {"status": part.status, "detail": part.detail, "score": earned,
                     "max_score": round(sum(t.max_score for t in part.scores), 4),
                     "pending_max_score": sum(p["max_score"] for p in part.pending),
                     **({"hidden_checks": len(part.hidden_checks),
                         "hidden_max_score": round(sum(part.hidden_checks), 4)}
                        if part.hidden_checks and part.status == "graded" else {}),
                     "seconds": round(part.seconds, 2)},
    }
    return outcome
