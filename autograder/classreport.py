"""``autograder report OUT_DIR``: what happened to the whole class, for the instructor.

Reads the per-student results.json files that ``autograder batch`` stored in OUT_DIR/results/
and writes one static page, OUT_DIR/report/index.html, with matplotlib figures beside it (score
histogram, the tests the class fails most, per-module averages), the flags with a link to each
student's feedback page (OUT_DIR/report/feedback/<student>.html), grader errors and the files
that could not be read. Everything a student controls (ids, messages, Markdown) is HTML-escaped;
the pages load nothing from outside the report folder and need no JavaScript.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import math
import re
import shutil
import statistics
import tempfile
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np

SAFE_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
HISTOGRAM_EDGES = np.linspace(0.0, 100.0, 21)  # 5 % bins; the last one holds full marks
TOP_FAILING = 25
GRADER_ERROR_NOTE = re.compile(r"^_(grader error: .*)_\s*$", re.MULTILINE)
FIGURES = {
    "histogram": ("scores.png", "Histogram of scores in percent of the maximum"),
    "failures": ("failure_rates.png", "The tests the class fails most, by failure rate"),
    "modules": ("modules.png", "Average fraction of each module's points"),
}


class ReportError(Exception):
    """Nothing to report on: the caller prints the one-line message and exits 2."""


# ---------------------------------------------------------------- reading the results


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
    notes = extra.get("notes", [])
    error = next((note for note in notes if isinstance(note, str)
                  and note.startswith("grader error")), None) if isinstance(notes, list) else None
    if error is None:  # results written before extra_data.notes existed
        found = GRADER_ERROR_NOTE.search(output)
        error = found.group(1) if found else None
    if error is None and not parsed:
        error = "grader error: no test results"
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


# ---------------------------------------------------------------- what the figures show


@dataclass
class TestRate:
    name: str
    module: str
    suite: str
    failed: int
    ran: int

    @property
    def rate(self) -> float:
        return self.failed / self.ran if self.ran else 0.0

    @property
    def label(self) -> str:
        return f"{self.name} ({self.suite})"


def score_histogram(students: list[Student]) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges in percent, number of students per bin); every student lands in one bin."""
    percents = np.clip([s.percent for s in students], 0.0, 100.0)
    counts, edges = np.histogram(percents, bins=HISTOGRAM_EDGES)
    return edges, counts


def failure_rates(students: list[Student]) -> list[TestRate]:
    """Every test, most failed first: the fraction of the students who ran it and failed it."""
    rates: dict[tuple[str, str], TestRate] = {}
    for student in students:
        for test in student.tests:
            rate = rates.setdefault((test.name, test.suite),
                                    TestRate(test.name, test.module, test.suite, 0, 0))
            rate.ran += 1
            rate.failed += test.status != "passed"
    return sorted(rates.values(), key=lambda r: (-r.rate, r.suite, r.name))


def module_averages(students: list[Student]) -> dict[str, float]:
    """Per module, in the order the results list them: mean fraction of its points earned."""
    fractions: dict[str, list[float]] = defaultdict(list)
    for student in students:
        for module, (earned, possible) in student.modules.items():
            if possible > 0:
                fractions[module].append(earned / possible)
    return {module: statistics.fmean(values) for module, values in fractions.items()}


# ---------------------------------------------------------------- figures (matplotlib, Agg)


@contextlib.contextmanager
def _figure(path: Path, width: float, height: float):
    """A figure saved to ``path`` as PNG; labels are plain text (a ``$`` in a test name is not
    mathtext, which could fail to parse)."""
    import matplotlib
    from matplotlib.figure import Figure  # a bare Figure renders with Agg, without pyplot

    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        figure = Figure(figsize=(width, height), layout="constrained")
        yield figure
        figure.savefig(path, dpi=100)


def plot_histogram(students: list[Student], path: Path) -> None:
    edges, counts = score_histogram(students)
    with _figure(path, 8, 3.6) as figure:
        axes = figure.subplots()
        axes.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="#4c72b0",
                 edgecolor="white")
        axes.set_xlim(0, 100)
        axes.set_xlabel("score (% of the maximum)")
        axes.set_ylabel("students")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_title(f"Scores of {len(students)} graded students")


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width, max_lines=2, placeholder=" …")) or "?"


def _bars(axes, labels: list[str], percents: list[float], colors, fontsize: float) -> None:
    """Horizontal bars, the first label on top, each bar with its percentage beside it."""
    positions = np.arange(len(labels))[::-1]
    axes.barh(positions, percents, color=colors)
    axes.set_yticks(positions, labels, fontsize=fontsize)
    for position, percent in zip(positions, percents, strict=True):
        axes.text(percent + 1, position, f"{percent:.0f}%", va="center", fontsize=fontsize)
    axes.set_xlim(0, 110)


def plot_failure_rates(rates: list[TestRate], path: Path) -> None:
    with _figure(path, 10, 1.2 + 0.42 * max(len(rates), 2)) as figure:
        axes = figure.subplots()
        _bars(axes, [_wrap(r.label, 48) for r in rates], [100 * r.rate for r in rates],
              ["#c44e52" if r.suite == "hidden" else "#dd8452" for r in rates], fontsize=8)
        axes.set_xlabel("students who failed the test (%)")
        axes.set_title(f"The {len(rates)} tests failed most (orange: public, red: hidden)"
                       if rates else "No test failed")


def plot_module_averages(averages: dict[str, float], path: Path) -> None:
    with _figure(path, 8, 1.2 + 0.45 * max(len(averages), 2)) as figure:
        axes = figure.subplots()
        _bars(axes, [_wrap(m, 30) for m in averages], [100 * a for a in averages.values()],
              "#55a868", fontsize=9)
        axes.set_xlabel("average fraction of the module's points (%)")
        axes.set_title("Per-module averages" if averages else "No test results")


# ---------------------------------------------------------------- HTML


def esc(text) -> str:
    return html.escape(str(text), quote=True)


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em;
       color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th, td.num { overflow-wrap: normal; white-space: nowrap; }
td.num, th.num { text-align: right; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0 1.5em; }
pre { white-space: pre-wrap; margin: 0; }
.summary td:first-child { font-weight: bold; }
.failed { color: #b00; }
"""
# Records in the DOM whether each figure loaded (the repository's browser test reads it); the
# page needs no script to be read.
IMAGE_CHECK = ("addEventListener('load', function () { for (var i = 0; i < document.images."
               "length; i++) { var img = document.images[i]; img.setAttribute('data-loaded', "
               "img.complete && img.naturalWidth > 0 ? 'yes' : 'no'); } });")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _page(title: str, body: list[str], script: str | None = None) -> str:
    # The policy allows exactly our style and script: even an escaping mistake runs nothing.
    policy = (f"default-src 'none'; img-src 'self'; style-src {_sha256(STYLE)}; "
              f"script-src {_sha256(script) if script else chr(39) + 'none' + chr(39)}; "
              "base-uri 'none'; form-action 'none'")
    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{esc(title)}</title>", f"<style>{STYLE}</style>"]
    if script:
        head.append(f"<script>{script}</script>")
    return "\n".join([*head, "</head>", "<body>", *body, "</body>", "</html>", ""])


NUMERIC = ' class="num"'


def _table(header: list[str] | None, rows: list[list[str]], numeric=frozenset(),
           css: str = "") -> str:
    """A table from cells that are already HTML (escape before calling)."""
    def cells(tag, row):
        return "".join(f"<{tag}{NUMERIC if i in numeric else ''}>{cell}</{tag}>"
                       for i, cell in enumerate(row))
    head = f"<thead><tr>{cells('th', header)}</tr></thead>" if header else ""
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    opening = f'<table class="{css}">' if css else "<table>"
    return f"{opening}{head}<tbody>{body}</tbody></table>"


def _link(student: Student) -> str:
    return f'<a href="feedback/{quote(student.page)}.html">{esc(student.id)}</a>'


def _points(value: float) -> str:
    return f"{value:.4g}"


def summary_numbers(results: ClassResults) -> dict[str, str]:
    graded = results.graded
    percents = [s.percent for s in graded]
    maxima = {s.max_score for s in graded}
    out_of = f" of {_points(maxima.pop())} points" if len(maxima) == 1 else ""
    numbers = {
        "students": str(len(results.students)),
        "graded": str(len(graded)),
        "grader errors": str(len(results.students) - len(graded)),
        "unreadable files": str(len(results.unreadable)),
        "flagged students": str(sum(bool(s.flags) for s in results.students)),
    }
    if graded:
        for name, average in (("mean", statistics.fmean), ("median", statistics.median)):
            points = f" ({_points(average(s.score for s in graded))}{out_of})" if out_of else ""
            numbers[name] = f"{average(percents):.1f} %{points}"
        numbers["full marks"] = str(sum(s.score >= s.max_score > 0 for s in graded))
        numbers["zero"] = str(sum(s.score <= 0 for s in graded))
    return numbers


def index_html(results: ClassResults, rates: list[TestRate], top: int) -> str:
    title = f"{results.assignment}: class report"
    body = [f"<h1>{esc(title)}</h1>",
            _table(None, [[esc(k), esc(v)] for k, v in summary_numbers(results).items()],
                   css="summary")]
    body += ["<h2>Scores</h2>",
             f'<img src="{FIGURES["histogram"][0]}" alt="{esc(FIGURES["histogram"][1])}">']
    body += ["<h2>The tests the class fails most</h2>",
             f'<img src="{FIGURES["failures"][0]}" alt="{esc(FIGURES["failures"][1])}">']
    failing = [r for r in rates[:top] if r.failed]
    if failing:
        body += ["<details><summary>The same as a table</summary>", _table(
            ["test", "module", "suite", "failed", "failure rate"],
            [[esc(r.name), esc(r.module), esc(r.suite), f"{r.failed}/{r.ran}",
              f"{100 * r.rate:.0f} %"] for r in failing], numeric={3, 4}), "</details>"]
    body += ["<h2>Per-module averages</h2>",
             f'<img src="{FIGURES["modules"][0]}" alt="{esc(FIGURES["modules"][1])}">']
    flagged = [(s, f) for s in results.students for f in s.flags]
    body.append(f"<h2>Flags ({len(flagged)})</h2>")
    body.append(_table(
        ["student", "kind", "module", "message"],
        [[_link(s), esc(f["kind"]), esc(f["module"]), esc(f["message"][:300])]
         for s, f in flagged]) if flagged else "<p>No flags.</p>")
    errors = [s for s in results.students if s.grader_error]
    if errors:
        body += [f"<h2>Grader errors ({len(errors)})</h2>",
                 "<p>Grading did not complete for these submissions; they are left out of the "
                 "figures and the averages. Regrade them.</p>",
                 _table(["student", "error"],
                        [[_link(s), esc(s.grader_error[:300])] for s in errors])]
    if results.unreadable:
        body += [f"<h2>Files that are not results ({len(results.unreadable)})</h2>",
                 _table(["file in results/", "problem"],
                        [[esc(u.file), esc(u.problem)] for u in results.unreadable])]
    body += [f"<h2>All students ({len(results.students)})</h2>",
             _table(["student", "score", "max", "%", "flags"],
                    [[_link(s), _points(s.score), _points(s.max_score),
                      "error" if s.grader_error else f"{s.percent:.0f}",
                      esc(", ".join(sorted({f["kind"] for f in s.flags})))]
                     for s in results.students], numeric={1, 2, 3})]
    return _page(title, body, script=IMAGE_CHECK)


def feedback_html(student: Student) -> str:
    title = f"{student.id}: feedback"
    body = ['<p><a href="../index.html">class report</a></p>',
            f"<h1>{esc(student.id)}</h1>",
            f"<p>Score: <b>{_points(student.score)}</b> of {_points(student.max_score)}</p>"]
    if student.grader_error:
        body.append(f'<p class="failed">{esc(student.grader_error)}</p>')
    if student.flags:
        body += ["<h2>Flags</h2>", "<ul>"]
        body += [f"<li><code>{esc(f['kind'])}</code>"
                 + (f" ({esc(f['module'])})" if f["module"] else "")
                 + f": {esc(f['message'])}</li>" for f in student.flags]
        body.append("</ul>")
    body += ["<h2>What the student sees (results.json output)</h2>",
             markdown_to_html(student.output)]
    if student.tests:
        body += ["<h2>Every test</h2>", _table(
            ["#", "test", "suite", "status", "points", "message"],
            [[esc(t.number), esc(t.name), esc(t.suite),
              f'<span class="failed">{esc(t.status)}</span>' if t.status != "passed"
              else esc(t.status),
              f"{_points(t.score)}/{_points(t.max_score)}",
              f"<pre>{esc(t.output)}</pre>"] for t in student.tests], numeric={4})]
    return _page(title, body)


# ---------------------------------------------------------------- Markdown (a small, safe subset)

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")
_RULE = re.compile(r"^\s*:?-{3,}:?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_INLINE = re.compile(r"\\(?P<escaped>[\\`*_{}\[\]<>()#|!.+-])"
                     r"|`(?P<code>[^`]+)`"
                     r"|\*\*(?P<bold>.+?)\*\*"
                     r"|(?<![A-Za-z0-9])_(?P<em>[^_]+?)_(?![A-Za-z0-9])")


def _inline(text: str) -> str:
    """Bold, emphasis, code spans and backslash escapes; everything else is escaped text."""
    out, position = [], 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[position:match.start()]))
        if match["escaped"] is not None:
            out.append(esc(match["escaped"]))
        elif match["code"] is not None:
            out.append(f"<code>{esc(match['code'])}</code>")
        elif match["bold"] is not None:
            out.append(f"<strong>{_inline(match['bold'])}</strong>")
        else:
            out.append(f"<em>{_inline(match['em'])}</em>")
        position = match.end()
    out.append(esc(text[position:]))
    return "".join(out)


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [cell.strip() for cell in _CELL_SPLIT.split(line)]


def _markdown_table(lines: list[str]) -> str:
    rows = [_cells(line) for line in lines]
    header, align = None, []
    if len(rows) >= 2 and rows[1] and all(_RULE.match(cell) for cell in rows[1]):
        header, align, rows = rows[0], rows[1], rows[2:]
    numeric = {i for i, cell in enumerate(align) if cell.strip().endswith(":")}
    body = [[_inline(cell) for cell in row] for row in rows]
    return _table(header and [_inline(cell) for cell in header], body, numeric)


def markdown_to_html(text: str) -> str:
    """The Markdown that ``autograder.report.markdown`` writes, as HTML. No raw HTML passes:
    every character of the input ends up escaped, only the tags made here are markup."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif heading := _HEADING.match(line):
            level = min(len(heading[1]) + 1, 6)
            out.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
            i += 1
        elif line.lstrip().startswith("|"):
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            out.append(_markdown_table(block))
        elif _ITEM.match(line):
            items = []
            while i < len(lines) and (item := _ITEM.match(lines[i])):
                items.append(f"<li>{_inline(item[1])}</li>")
                i += 1
            out.append(f"<ul>{''.join(items)}</ul>")
        else:
            paragraph = []
            while (i < len(lines) and lines[i].strip() and not _HEADING.match(lines[i])
                   and not lines[i].lstrip().startswith("|") and not _ITEM.match(lines[i])):
                paragraph.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return "\n".join(out)


# ---------------------------------------------------------------- the command


def build(out_dir: Path, top: int = TOP_FAILING) -> tuple[Path, ClassResults]:
    """Write OUT_DIR/report/ (replacing an older report whole); return index.html's path."""
    out_dir = Path(out_dir)
    results = load_results(out_dir)
    graded = results.graded
    rates = failure_rates(graded)
    with tempfile.TemporaryDirectory(prefix=".report-", dir=out_dir) as tmp:
        staging = Path(tmp) / "report"
        (staging / "feedback").mkdir(parents=True)
        plot_histogram(graded, staging / FIGURES["histogram"][0])
        plot_failure_rates([r for r in rates[:top] if r.failed], staging / FIGURES["failures"][0])
        plot_module_averages(module_averages(graded), staging / FIGURES["modules"][0])
        for student in results.students:
            (staging / "feedback" / f"{student.page}.html").write_text(
                feedback_html(student), encoding="utf-8")
        (staging / "index.html").write_text(index_html(results, rates, top), encoding="utf-8")
        target = out_dir / "report"
        if target.exists():
            old = Path(tmp) / "old"
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(Path(tmp) / "old", ignore_errors=True)
    return target / "index.html", results
