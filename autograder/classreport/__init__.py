"""``autograder report OUT_DIR``: what happened to the whole class, for the instructor.

Reads the per-student results.json files that ``autograder batch`` stored in OUT_DIR/results/
and writes one static page, OUT_DIR/report/index.html, with matplotlib figures beside it (score
histogram, the tests the class fails most, per-module averages), the flags with a link to each
student's feedback page (OUT_DIR/report/feedback/<student>.html), grader errors and the files
that could not be read. Everything a student controls (ids, test names, messages) is HTML-escaped;
the pages load nothing from outside the report folder and need no JavaScript.
"""

# The steps, one module each: results (read), figures (compute and draw), page (write the HTML,
# with markup's escaping and autograder.summary's student summary); build below runs them in
# that order.

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .figures import (
    FIGURES,
    HISTOGRAM_EDGES,
    TestRate,
    failure_rates,
    module_averages,
    plot_failure_rates,
    plot_histogram,
    plot_module_averages,
    score_histogram,
)
from .markup import esc
from .page import IMAGE_CHECK, STYLE, feedback_html, index_html, student_summary, summary_numbers
from .results import (
    ClassResults,
    ReportError,
    Student,
    TestResult,
    Unreadable,
    load_results,
    parse_results,
)

TOP_FAILING = 25

__all__ = [
    "FIGURES",
    "HISTOGRAM_EDGES",
    "IMAGE_CHECK",
    "STYLE",
    "TOP_FAILING",
    "ClassResults",
    "ReportError",
    "Student",
    "TestRate",
    "TestResult",
    "Unreadable",
    "build",
    "esc",
    "failure_rates",
    "feedback_html",
    "index_html",
    "load_results",
    "module_averages",
    "parse_results",
    "score_histogram",
    "student_summary",
    "summary_numbers",
]


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
