"""The report's pages: the class index (numbers, figures, flags, errors, every student) and one
feedback page per student, each with a Content-Security-Policy that runs only our own script."""

from __future__ import annotations

import base64
import hashlib
import statistics
from urllib.parse import quote

from autograder import render, summary

from .figures import FIGURES, TestRate
from .markup import esc, html_table
from .results import ClassResults, Student

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
            html_table(None, [[esc(k), esc(v)] for k, v in summary_numbers(results).items()],
                       css="summary")]
    body += ["<h2>Scores</h2>",
             f'<img src="{FIGURES["histogram"][0]}" alt="{esc(FIGURES["histogram"][1])}">']
    body += ["<h2>The tests the class fails most</h2>",
             f'<img src="{FIGURES["failures"][0]}" alt="{esc(FIGURES["failures"][1])}">']
    failing = [r for r in rates[:top] if r.failed]
    if failing:
        body += ["<details><summary>The same as a table</summary>", html_table(
            ["test", "module", "suite", "failed", "failure rate"],
            [[esc(r.name), esc(r.module), esc(r.suite), f"{r.failed}/{r.ran}",
              f"{100 * r.rate:.0f} %"] for r in failing], numeric={3, 4}), "</details>"]
    body += ["<h2>Per-module averages</h2>",
             f'<img src="{FIGURES["modules"][0]}" alt="{esc(FIGURES["modules"][1])}">']
    flagged = [(s, f) for s in results.students for f in s.flags]
    body.append(f"<h2>Flags ({len(flagged)})</h2>")
    body.append(html_table(
        ["student", "kind", "module", "message"],
        [[_link(s), esc(f["kind"]), esc(f["module"]), esc(f["message"][:300])]
         for s, f in flagged]) if flagged else "<p>No flags.</p>")
    errors = [s for s in results.students if s.grader_error]
    if errors:
        body += [f"<h2>Grader errors ({len(errors)})</h2>",
                 "<p>Grading did not complete for these submissions; they are left out of the "
                 "figures and the averages. Regrade them.</p>",
                 html_table(["student", "error"],
                            [[_link(s), esc(s.grader_error[:300])] for s in errors])]
    if results.unreadable:
        body += [f"<h2>Files that are not results ({len(results.unreadable)})</h2>",
                 html_table(["file in results/", "problem"],
                            [[esc(u.file), esc(u.problem)] for u in results.unreadable])]
    body += [f"<h2>All students ({len(results.students)})</h2>",
             html_table(["student", "score", "max", "%", "flags"],
                        [[_link(s), _points(s.score), _points(s.max_score),
                          "error" if s.grader_error else f"{s.percent:.0f}",
                          esc(", ".join(sorted({f["kind"] for f in s.flags})))]
                         for s in results.students], numeric={1, 2, 3})]
    return _page(title, body, script=IMAGE_CHECK)


def student_summary(student: Student) -> str:
    """The student's summary, rendered from their results (as results.json's ``output`` is);
    a document it cannot be built from shows its ``output`` as text."""
    try:
        return render.html(summary.build(student.results), shift=1)
    except Exception:  # a hostile file must not stop the report: its page is still made
        return f"<pre>{esc(student.output)}</pre>"


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
    body += ["<h2>What the student sees</h2>", student_summary(student)]
    if student.tests:
        body += ["<h2>Every test</h2>", html_table(
            ["#", "test", "suite", "status", "points", "message"],
            [[esc(t.number), esc(t.name), esc(t.suite),
              f'<span class="failed">{esc(t.status)}</span>' if t.status != "passed"
              else esc(t.status),
              f"{_points(t.score)}/{_points(t.max_score)}",
              f"<pre>{esc(t.output)}</pre>"] for t in student.tests], numeric={4})]
    return _page(title, body)
