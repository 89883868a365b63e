"""autograder report: the instructor's class page, from stored results.json files.

The results come from the real grader (the reference and the stubs, public suite), and ten
students are derived from them by editing copies: module mixtures, flags, a grader error,
malformed files and a hostile student whose id, messages and Markdown try to inject HTML. The
page is checked as data (figures' numbers against the records), as markup (nothing a student
wrote becomes a tag) and in headless Chromium (it renders, its figures load, no script runs).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pytest
from matplotlib.image import imread

from autograder import classreport

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_ID = "<svg onload=document.title='pwned'>"
HOSTILE_TEXT = ("<script>document.title='pwned'</script> **bold** [link](javascript:alert(1)) "
                "<img src=x onerror=\"document.title='pwned'\"> $x^2$ | cell | `code`")
HOSTILE_TEST = "activations: <img src=x onerror=document.title='pwned'> $\\frac{1}{0$"
TITLE = "a1_neurons: class report"


def autograder(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)


def _mixture(base: dict, donor: dict, modules: set[str]) -> dict:
    """``base`` with the test results of ``modules`` taken from ``donor``."""
    result = copy.deepcopy(base)
    donated = {t["name"]: t for t in donor["tests"] if t["tags"][0] in modules}
    result["tests"] = [copy.deepcopy(donated.get(t["name"], t)) for t in base["tests"]]
    return _retotal(result)


def _retotal(result: dict) -> dict:
    """The score and the per-module points (extra_data.modules) from the test entries."""
    result["score"] = round(sum(t["score"] for t in result["tests"]), 4)
    result["extra_data"]["modules"] = {}
    for test in result["tests"]:
        entry = result["extra_data"]["modules"].setdefault(
            test["tags"][0], {"score": 0.0, "max_score": 0.0})
        entry["score"] += test["score"]
        entry["max_score"] += test["max_score"]
    return result


def _flag(kind: str, module: str | None, message: str) -> dict:
    return {"kind": kind, "module": module, "message": message}


def synthetic_class(reference: dict, stubs: dict) -> dict[str, object]:
    """File name in results/ -> its content (a dict, or raw text for malformed files)."""
    students: dict[str, object] = {
        "alice": _mixture(reference, stubs, set()),
        "bob": _mixture(stubs, reference, set()),
        "carol": _mixture(reference, stubs, {"polyfit", "regularization"}),
        "dave": _mixture(reference, stubs, {"activations"}),
        "erin": _mixture(reference, stubs, {"splits"}),
        "frank": _mixture(stubs, reference, {"loss"}),
    }
    students["erin"]["extra_data"]["flags"] = [
        _flag("forbidden-api", "activations", "activations.logistic reached torch.sigmoid")]
    students["frank"]["extra_data"]["flags"] = [
        _flag("timeout", "polyfit", "polyfit.fit_polynomial did not return within 10 s"),
        _flag("ignored-files", None, "only the six module files are graded; ignored: x.ipynb")]
    heidi = _mixture(reference, stubs, set())
    heidi["tests"][0].update(status="failed", score=heidi["tests"][0]["max_score"] / 2,
                             output="Passed 12 of 24 cases.\n- logistic overflows",
                             extra_data={"cases": {"passed": 12, "total": 24}})
    students["heidi"] = _retotal(heidi)
    grace = _mixture(stubs, reference, set())  # what grade writes when its pytest run fails
    for test in grace["tests"]:
        test.update(status="failed", score=0.0, output="Failed.")
    grace["extra_data"]["grader_error"] = "the test suites did not run:"
    students["grace"] = _retotal(grace)
    hostile = _mixture(reference, stubs, {"neuron"})
    hostile["output"] = (f"## {HOSTILE_TEXT}\n\n- **{HOSTILE_TEXT}**: {HOSTILE_TEXT}\n\n"
                         f"{HOSTILE_TEXT}\n")
    hostile["tests"][0].update(name=HOSTILE_TEST, status="failed", score=0.0,
                               output=HOSTILE_TEXT)
    _retotal(hostile)
    hostile["extra_data"]["flags"] = [_flag("tampering", "neuron", HOSTILE_TEXT),
                                      _flag(HOSTILE_TEXT, HOSTILE_TEXT, "")]
    hostile["extra_data"]["submission"] = HOSTILE_ID
    students[HOSTILE_ID] = hostile
    for name, data in students.items():
        data["extra_data"].setdefault("submission", name)
    files: dict[str, object] = {f"{name}.json": data for name, data in students.items()}
    files["broken.json"] = '{"score": 3, "tests": ['  # a batch killed mid-write by hand
    files["ivan.json"] = json.dumps({"score": "lots", "tests": []})
    files["judy.json"] = "[1, 2, 3]"
    files[".mallory.json.tmp"] = "{"  # an atomic write in progress: not a result
    return files


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    """results.json of the reference and of the stubs, from the real grader (public suite)."""
    tmp = tmp_path_factory.mktemp("graded")
    runs = {name: subprocess.Popen(  # both at once: each grade has a uid of its own
        [sys.executable, "-m", "autograder", "grade", "--public-only", submission, "-o",
         str(tmp / f"{name}.json")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True) for name, submission in [("reference", "solutions/a1_neurons"),
                                            ("stubs", "assignments/a1_neurons")]}
    for name, run in runs.items():
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, f"{name}: {output}"
    return {name: json.loads((tmp / f"{name}.json").read_text()) for name in runs}


@pytest.fixture(scope="module")
def class_dir(graded, tmp_path_factory) -> Path:
    """An OUT_DIR as autograder batch leaves it, with the report built by the command line."""
    out = tmp_path_factory.mktemp("class")
    (out / "results").mkdir()
    for name, data in synthetic_class(graded["reference"], graded["stubs"]).items():
        text = data if isinstance(data, str) else json.dumps(data, indent=2)
        (out / "results" / name).write_text(text, encoding="utf-8")
    run = autograder("report", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return out


def graded_records(class_dir: Path) -> dict[str, dict]:
    """The well-formed results files of completed gradings, read without the module under
    test (a grader error's zeros say nothing about the student)."""
    out = {}
    for path in (class_dir / "results").glob("*.json"):
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError:
            continue
        if (isinstance(data, dict) and isinstance(data.get("score"), float | int)
                and not data["extra_data"].get("grader_error")):
            out[path.name.removesuffix(".json")] = data
    return out


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("layout, problem", [
    (None, "no such directory"),
    ("empty", "no results"),
    ("no-json", "no results"),
])
def test_unusable_out_dir_exits_2_with_one_line(tmp_path, layout, problem):
    out = tmp_path / "out"
    if layout is not None:
        (out / "results").mkdir(parents=True)
    if layout == "no-json":
        (out / "results" / "notes.txt").write_text("not a result")
    run = autograder("report", str(out))
    assert run.returncode == 2
    assert problem in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr
    assert not (out / "report").exists()


@pytest.mark.parametrize("data, problem", [
    ([], "not a results.json object"),
    ({"score": True}, "score is not a number"),
    ({"score": float("nan")}, "score is not a number"),
    ({"score": 1, "tests": {}}, "tests is not a list"),
    ({"score": 1, "tests": [7]}, "tests[0] is not an object"),
    ({"score": 1, "tests": [{"name": 3, "status": "passed", "score": 1, "max_score": 1}]},
     "tests[0].name is not a string"),
    ({"score": 1, "tests": [{"name": "t", "status": "won", "score": 1, "max_score": 1}]},
     "tests[0].status is neither passed nor failed"),
    ({"score": 1, "extra_data": {"flags": [{"kind": ["x"]}]}}, "extra_data.flags[0].kind"),
    ({"score": 1, "extra_data": []}, "extra_data is not an object"),
])
def test_malformed_results_are_rejected_with_one_line(data, problem):
    with pytest.raises(ValueError, match=re.escape(problem)) as error:
        classreport.parse_results(data, "x", "x")
    assert "\n" not in str(error.value)


# ---------------------------------------------------------------- the figures' data


@pytest.mark.slow
def test_histogram_counts_every_graded_student_once(class_dir):
    results = classreport.load_results(class_dir)
    edges, counts = classreport.score_histogram(results.graded)
    graded = list(graded_records(class_dir).values())
    assert counts.sum() == len(graded) == 8
    percents = [100 * d["score"] / d["extra_data"]["max_score"] for d in graded]
    expected, _ = np.histogram(percents, bins=edges)
    assert counts.tolist() == expected.tolist()
    assert counts[-1] >= 1 and counts[0] >= 1  # alice (full marks) and bob (the stubs: 0)


@pytest.mark.slow
def test_failure_rates_match_the_records(class_dir):
    results = classreport.load_results(class_dir)
    rates = classreport.failure_rates(results.graded)
    failed, ran = {}, {}
    for data in graded_records(class_dir).values():
        for test in data["tests"]:
            key = (test["name"], "public" if test["visibility"] == "visible" else "hidden")
            ran[key] = ran.get(key, 0) + 1
            failed[key] = failed.get(key, 0) + (test["status"] == "failed")
    assert {(r.name, r.suite): (r.failed, r.ran) for r in rates} == {
        key: (failed[key], ran[key]) for key in ran}
    assert [r.rate for r in rates] == sorted((r.rate for r in rates), reverse=True)
    assert rates[0].rate == max(failed[k] / ran[k] for k in ran)


@pytest.mark.slow
def test_module_averages_match_the_records(class_dir):
    results = classreport.load_results(class_dir)
    averages = classreport.module_averages(results.graded)
    fractions: dict[str, list[float]] = {}
    for data in graded_records(class_dir).values():
        for module, points in data["extra_data"]["modules"].items():
            fractions.setdefault(module, []).append(points["score"] / points["max_score"])
    assert averages.keys() == fractions.keys()
    for module, values in fractions.items():
        assert averages[module] == pytest.approx(sum(values) / len(values))
    assert next(iter(averages)) == "activations"  # the results' order, not alphabetical


@pytest.mark.slow
def test_grader_errors_and_unreadable_files_are_reported_not_counted(class_dir):
    results = classreport.load_results(class_dir)
    assert [s.id for s in results.students if s.grader_error] == ["grace"]
    problems = {u.file: u.problem for u in results.unreadable}
    assert problems == {"broken.json": "not valid JSON (line 1)",
                        "ivan.json": "score is not a number",
                        "judy.json": "not a results.json object"}
    page = (class_dir / "report" / "index.html").read_text()
    for name, problem in problems.items():
        assert name in page and problem in page
    numbers = classreport.summary_numbers(results)
    assert numbers["students"] == "9" and numbers["graded"] == "8"
    assert numbers["grader errors"] == "1" and numbers["unreadable files"] == "3"


@pytest.mark.slow
def test_report_has_figures_and_a_feedback_page_per_student(class_dir):
    report = class_dir / "report"
    for name, _ in classreport.FIGURES.values():
        data = (report / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000, name
    pages = sorted(p.name for p in (report / "feedback").iterdir())
    assert len(pages) == 9 and "alice.html" in pages
    assert not any("<" in page or "'" in page for page in pages)  # the hostile id is not a path
    assert not list(class_dir.glob(".report-*"))  # the staging folder is gone


@pytest.mark.slow
def test_rebuilding_replaces_the_old_report(class_dir, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(class_dir / "results", out / "results")
    assert autograder("report", str(out)).returncode == 0
    (out / "results" / "alice.json").unlink()
    assert autograder("report", str(out)).returncode == 0
    assert not (out / "report" / "feedback" / "alice.html").exists()
    assert (out / "report" / "feedback" / "bob.html").exists()


# ---------------------------------------------------------------- markup


class Markup(HTMLParser):
    """Every tag and attribute of a page, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.title = ""
        self._open = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_endtag(self, tag):
        self._open = ""

    def handle_data(self, data):
        if self._open == "title":
            self.title += data
        (self.scripts if self._open == "script" else self.text).append(data)


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "h1", "h2", "h3",
                "h4", "p", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
                "code", "strong", "em", "b", "pre", "span", "details", "summary"}


def parse(path: Path) -> Markup:
    markup = Markup()
    markup.feed(path.read_text(encoding="utf-8"))
    return markup


@pytest.mark.slow
def test_student_text_never_becomes_markup(class_dir):
    report = class_dir / "report"
    hostile_page = next(p for p in (report / "feedback").iterdir() if p.stem.startswith("student-"))
    for path in [report / "index.html", *(report / "feedback").iterdir()]:
        markup = parse(path)
        assert {tag for tag, _ in markup.tags} <= ALLOWED_TAGS, path.name
        assert all(not name.startswith("on") for _, attrs in markup.tags for name in attrs)
        assert [s for s in markup.scripts if s.strip()] in ([], [classreport.IMAGE_CHECK])
        for tag, attrs in markup.tags:
            if tag == "a":
                target = urlparse(attrs["href"])
                assert not target.scheme and not target.netloc, attrs["href"]
                assert (path.parent / unquote(target.path)).is_file(), attrs["href"]
            if tag == "img":
                assert (path.parent / attrs["src"]).is_file()
    index_text = "".join(parse(report / "index.html").text)
    assert HOSTILE_ID in index_text  # shown as text, in the flags table and the student list
    assert HOSTILE_TEST in index_text  # among the tests failed most
    hostile_text = " ".join(parse(hostile_page).text)
    assert "<script>document.title='pwned'</script>" in hostile_text
    # the page's flags, the summary's failing test and flags, the test's output
    assert hostile_text.count("<script>") >= 4


def small_results(**extra) -> dict:
    """A results.json as the grader writes it, small: one module, a failing public test and a
    hidden one."""
    return {
        "score": 0.6, "output": "the stored summary (not what the page shows)",
        "tests": [
            {"name": "loss: rms error value", "number": "2.1", "score": 0.6, "max_score": 3,
             "status": "failed", "output": "Passed 1 of 5 cases.\n- loss.rms_error is wrong",
             "visibility": "visible", "tags": ["loss", "public"],
             "extra_data": {"cases": {"passed": 1, "total": 5},
                            "problems": ["loss.rms_error is wrong"], "unfinished": False}},
            {"name": "loss: hidden thing", "number": "2.2", "score": 0, "max_score": 1,
             "status": "failed", "output": "Failed.", "visibility": "after_due_date",
             "tags": ["loss", "hidden"]}],
        "extra_data": {"assignment": "a1_neurons", "max_score": 4, "flags": [],
                       "modules": {"loss": {"score": 0.6, "max_score": 4}}, **extra},
    }


def test_feedback_page_shows_the_summary_built_from_the_results():
    student = classreport.parse_results(small_results(grader_error="the suites did not run"),
                                        "s", "s")
    rendered = classreport.feedback_html(student)
    assert "<h3>a1_neurons: public tests</h3>" in rendered
    assert '<th>module</th><th class="num">cases passed</th>' in rendered
    assert '<td><code>loss.py</code></td><td class="num">1/5</td>' in rendered  # cases
    assert '<td><strong>total</strong></td>' in rendered
    assert ("<li><code>loss: rms error value</code>: <code>loss.rms_error is wrong</code></li>"
            in rendered)
    assert "<p>1 hidden test also ran;" in rendered and "hidden thing</code>:" not in rendered
    assert "<strong>grader error:</strong> <code>the suites did not run</code>" in rendered
    assert "the stored summary" not in rendered


@pytest.mark.parametrize("extra", [
    {"notebook": {"status": ["x"], "detail": 3}, "parts": {"modules": 1, "notebook": None}},
    {"notebook": {"status": "graded"}, "pending": [7, {"name": None}], "notes": "x"},
    {"skipped": 3, "modules": [], "public_only": "yes", "assignment": None},
])
def test_feedback_page_of_any_accepted_results_has_its_summary(extra):
    data = small_results(**extra)
    data["tests"].append({"name": "t", "status": "failed", "score": 0, "max_score": 1})
    student = classreport.parse_results(data, "s", "s")  # accepted as it is
    rendered = classreport.student_summary(student)
    assert rendered.startswith("<h3>") and "<pre>" not in rendered
    markup = Markup()
    markup.feed(rendered)
    assert {tag for tag, _ in markup.tags} <= ALLOWED_TAGS


def test_feedback_page_falls_back_to_the_stored_output_as_text(monkeypatch):
    def broken(results, staff=False, label=None):
        raise RuntimeError("a document nobody foresaw")

    monkeypatch.setattr(classreport.page.summary, "build", broken)
    student = classreport.parse_results(small_results(), "s", "s")
    student.output = "<script>alert(1)</script>"
    rendered = classreport.feedback_html(student)
    assert "<pre>&lt;script&gt;alert(1)&lt;/script&gt;</pre>" in rendered


# ---------------------------------------------------------------- in a browser


def chromium(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` (or `make browser`) installs it "
                    "(Debian's chromium package)")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
             "--virtual-time-budget=5000", *args],
            capture_output=True, text=True, timeout=timeout, check=False,
            env={**os.environ, "HOME": profile})


@pytest.mark.slow
def test_report_renders_in_headless_chromium(class_dir, tmp_path):
    control = tmp_path / "control.html"  # proves the title check would see a script run
    control.write_text("<title>before</title><script>document.title='pwned'</script>")
    markup = Markup()
    markup.feed(chromium("--dump-dom", control.as_uri()).stdout)
    assert markup.title == "pwned"

    report = class_dir / "report"
    dom = chromium("--dump-dom", (report / "index.html").as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    markup = Markup()
    markup.feed(dom.stdout)
    images = [attrs for tag, attrs in markup.tags if tag == "img"]
    assert len(images) == len(classreport.FIGURES)
    assert all(img.get("data-loaded") == "yes" for img in images), images  # naturalWidth > 0
    assert markup.title == TITLE  # no script from student text changed it

    hostile = next(p for p in (report / "feedback").iterdir() if p.stem.startswith("student-"))
    dom = chromium("--dump-dom", hostile.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    markup = Markup()
    markup.feed(dom.stdout)
    assert markup.title == f"{HOSTILE_ID}: feedback"  # the id as text; no script changed it

    shot = tmp_path / "index.png"
    run = chromium(f"--screenshot={shot}", "--window-size=1280,2400",
                   (report / "index.html").as_uri())
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    pixels = imread(shot)[..., :3]
    not_white = (pixels < 0.9).any(axis=-1).mean()
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert not_white > 0.05 and colours > 50  # text, tables and the figures' bars
