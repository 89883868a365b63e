"""The one score summary (autograder.summary): the same facts in every channel (Markdown for
results.json and the PR comment, HTML for the class report, text for the terminal), and text a
submission controls inert in each of them."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder import gha, notebook, render, report, summary
from autograder.scoring import TestScore as Score

REPO = Path(__file__).resolve().parent.parent
HOSTILE = ("x</table><script>alert(1)</script> ``tick`` @octocat [link](http://evil.example) "
           "| cell \u202eevil \x1b[31mred **bold** <img src=x>\nsecond line")
HOSTILE_FRAGMENTS = ("<script", "</table>", "<img", "@octocat", "[link]", "](", "evil.example",
                     "**bold**", "second line", "tick")
SUMMARY_TAGS = {"h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code",
                "strong"}


def score(module: str, function: str, passed: int, total: int, messages=(), suite="public",
          points=1.0, errors=None) -> Score:
    return Score(suite, f"test_{module}.py", function, module, False, points,
                 score=points * passed / total, passed=passed, total=total,
                 messages=list(messages),
                 errors=list(errors or (["AssertionError"] if passed < total else [])))


def outcome() -> report.Outcome:
    """A grade with a bit of everything: modules with public and hidden tests, a flag, a note,
    a grader error and a graded notebook with a failing check and an unanswered question."""
    scores = [score("activations", "test_logistic_matches_torch", 3, 4, ["logistic overflows"]),
              score("activations", "test_relu_is_max", 1, 1),
              score("loss", "test_rms_error_value", 0, 1,
                    ["NotImplementedError: loss.rms_error is not implemented yet"]),
              score("loss", "test_hidden_thing", 0, 1, ["hidden"], suite="hidden")]
    flags = [{"kind": "timeout", "module": "polyfit",
              "message": "polyfit.fit_polynomial did not return within 10 s"}]
    graded = report.Outcome("a1_neurons", scores, [("public", "test_parity.py", "test_x")],
                            flags, 1.5, notes=["missing from the submission: splits.py"],
                            grader_error="the hidden suite crashed")
    part = notebook.NotebookPart(
        "graded", scores=[score(notebook.MODULE, "test_fig_1_4", 0, 1, ["titles are missing"]),
                          score(notebook.MODULE, "test_table_1_1", 1, 1, suite="hidden")],
        pending=[{"name": "answer_regularization", "max_score": 2.5, "answered": False}])
    return notebook.merge(graded, part)


class Markup(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.data: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.data.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.data).split())


def outside_code_spans(markdown: str) -> str:
    """What GitHub renders as Markdown: the text with every code span taken out."""
    return re.sub(r"(`+)(.+?)(?<!`)\1(?!`)", " ", markdown)


def channels(document: dict) -> dict[str, str]:
    """The student's summary of ``document`` in each channel, as the text a reader sees."""
    blocks = summary.build(document)
    return {"markdown": render.markdown(blocks).replace("`", ""),
            "html": Markup(render.html(blocks)).text,
            "text": render.text(blocks)}


def test_every_channel_shows_the_same_facts():
    document = report.results_json(outcome())
    for channel, shown in channels(document).items():
        facts = ["activations.py", "4/5", "1.75/2",  # cases passed, as the points count them
                 "loss.py", "0/1", "1.75/3",
                 "What to fix first", "activations: logistic matches torch",
                 "logistic overflows",  # the first problem of each failing public test
                 "NotImplementedError: loss.rms_error is not implemented yet",
                 "1 hidden test also ran",  # counted, never shown
                 "Flags", "timeout", "polyfit.py",
                 "polyfit.fit_polynomial did not return within 10 s",
                 "1 GPU parity test skipped", "missing from the submission: splits.py",
                 "grader error:", "the hidden suite crashed",
                 "a1_neurons: notebook", "experiments.ipynb", "notebook graded",
                 "Public checks: 0/1 passed", "titles are missing",
                 "1 check with hidden tests also ran", "Written answers: 1 (2.5 points)",
                 "Unanswered: answer_regularization"]
        missing = [fact for fact in facts if fact not in shown]
        assert not missing, f"{channel}: {missing}\n{shown}"
        assert "hidden thing" not in shown and "test_table_1_1" not in shown, channel


@pytest.mark.parametrize("dependencies, said", [
    ("reference", "the course's reference in place of the modules it imports"),
    ("own", "ran through your own files"), (None, None), ("forged", None)])
def test_every_channel_says_how_modules_reached_their_imports(dependencies, said):
    document = report.results_json(outcome())
    if dependencies is not None:
        document["extra_data"]["dependencies"] = dependencies
    for channel, shown in channels(document).items():
        for sentence in summary._DEPENDENCIES.values():
            assert (sentence in shown) == (said is not None and said in sentence), channel


def test_the_staff_view_adds_hidden_tests_per_module_and_the_score():
    document = report.results_json(outcome())
    student = render.text(summary.build(document))
    staff = render.text(summary.build(document, staff=True))
    table = {line.split()[0]: line.split()[1:] for line in staff.splitlines()
             if line.startswith(("activations.py", "loss.py", "total"))}
    # public cases passed, public points, hidden cases passed, hidden points, total points
    assert table["loss.py"] == ["0/1", "0/1", "0/1", "0/1", "0/2"]
    assert table["total"] == ["4/6", "1.75/3", "0/1", "0/1", "1.75/4"]
    assert "score: 2.75 / 6" in staff and "score:" not in student
    assert "Hidden checks: 1/1 passed" in staff and "Hidden checks" not in student
    assert "FLAG timeout (polyfit.py): polyfit.fit_polynomial" in staff
    terminal = report.terminal(outcome(), "a1_neurons: alice")
    assert terminal == "a1_neurons: alice\n" + staff
    assert "\n\n" not in terminal  # the demo separates submissions by blank lines


def test_wrong_answers_come_before_unimplemented_functions_and_cases_match_points():
    """Ten stubs ahead of the one real mistake must not hide it under "... and N more"."""
    stubs = [score("activations", f"test_stub_{i:02d}", 0, 1,
                   [f"NotImplementedError: activations.f{i} is not implemented yet"],
                   errors=["NotImplementedError"]) for i in range(12)]
    wrong = score("splits", "test_split_sizes", 2, 7, ["the validation split has 3 examples"])
    document = report.results_json(report.Outcome("a1_neurons", [*stubs, wrong], [], [], 1.0))
    shown = render.text(summary.build(document))
    fix_first = shown[shown.index("What to fix first"):]
    assert fix_first.index("the validation split has 3 examples") < fix_first.index(
        "NotImplementedError")
    assert "... and 3 more failing public tests" in fix_first
    row = next(line.split() for line in shown.splitlines() if line.startswith("splits.py"))
    assert row[1:] == ["2/7", "0.29/1"]  # partial points next to the cases that earned them


def test_cases_are_read_from_structured_fields_not_from_the_output_text():
    """results.json carries each test's cases as data (``extra_data.cases``); the summary never
    parses a test's output, which a hand-made or hostile document may word as it likes."""
    wrong = score("splits", "test_split_sizes", 2, 7, ["the validation split has 3 examples"])
    document = report.results_json(report.Outcome("a1_neurons", [wrong], [], [], 1.0))
    (entry,) = document["tests"]
    assert entry["extra_data"] == {"cases": {"passed": 2, "total": 7}, "unfinished": False,
                                   "problems": ["the validation split has 3 examples"]}
    entry["output"] = "Passed 6 of 7 cases.\n- a problem the text lies about"  # not read
    assert summary.first_problem(entry) == "the validation split has 3 examples"

    def row(doc):
        return next(line.split() for line in render.text(summary.build(doc)).splitlines()
                    if line.startswith("splits.py"))

    assert row(document)[1] == "2/7"
    for bad in ({"passed": 9, "total": 7}, {"passed": True, "total": 1}, "2/7", None):
        entry["extra_data"] = {"cases": bad}  # absent or nonsense: one case, failed
        assert row(document)[1] == "0/1"
    entry["extra_data"] = {}  # a results.json without problems: its output's first line
    assert summary.first_problem(entry) == "Passed 6 of 7 cases."


def hostile_document() -> dict:
    """results.json as an artifact or a stored file may hold it: every string a submission (or
    whoever wrote the file) controls is HOSTILE."""
    document = report.results_json(outcome())
    document["tests"][0].update(name=HOSTILE, output="Failed.\n- " + HOSTILE, status="failed")
    document["tests"][0]["tags"][0] = "evil|module`x\\"
    extra = document["extra_data"]
    extra["flags"] = [{"kind": HOSTILE, "module": HOSTILE, "message": HOSTILE}]
    extra["notes"] = [HOSTILE]
    extra["grader_error"] = HOSTILE
    extra["assignment"] = HOSTILE
    extra["parts"] = {"modules": HOSTILE, "notebook": "graded"}
    extra["notebook"]["file"] = HOSTILE
    extra["pending"][0]["name"] = HOSTILE
    return document


def test_hostile_text_is_inert_in_markdown():
    text = render.markdown(summary.build(hostile_document()))
    rendered = outside_code_spans(text)
    assert not [f for f in HOSTILE_FRAGMENTS if f in rendered], rendered
    assert "\u202e" not in text and "\x1b" not in text
    assert text.count("x</table><script>") >= 8  # shown, as code: name, problem, flag, note...
    for line in text.splitlines():
        if line.startswith("|"):  # a table row keeps its three cells: "|" is escaped
            assert len(re.split(r"(?<!\\)\|", line)) == 5, line


def test_hostile_text_is_inert_in_html():
    text = render.html(summary.build(hostile_document()))
    markup = Markup(text)
    assert {tag for tag, _ in markup.tags} <= SUMMARY_TAGS
    assert all(attrs in ({}, {"class": "num"}) for _, attrs in markup.tags)
    assert render.plain(HOSTILE) in markup.text  # shown as text
    assert "\u202e" not in text and "\x1b" not in text


def test_hostile_text_is_inert_in_the_terminal():
    for staff in (False, True):
        text = render.text(summary.build(hostile_document(), staff=staff))
        assert "\u202e" not in text and "\x1b" not in text
        assert render.plain(HOSTILE) in text
        assert not any(line.startswith("second line") for line in text.splitlines())


def test_the_pr_comment_is_the_students_summary():
    """One renderer: the comment (from the validated artifact, checked out beside the module
    files) is what results.json's output and --markdown hold."""
    graded = outcome()
    document = report.results_json(graded)
    assert gha.render_summary(document, REPO) == report.markdown(graded) == document["output"]
    without = gha.render_summary(document, REPO / "no-checkout-here")
    assert "| `activations` | 4/5 | 1.75/2 |" in without  # no file: the module's name


@pytest.mark.parametrize("broken", [
    {}, {"tests": "none"}, {"tests": [7, {"tags": [3]}]}, {"extra_data": []},
    {"extra_data": {"flags": [None, {"kind": 3}], "notes": {"a": 1}, "skipped": "x",
                    "notebook": {"status": None}, "parts": [], "pending": [None, {}],
                    "modules": [], "grader_error": 5, "assignment": ["a"]}},
    {"score": float("nan"), "tests": [{"score": "many", "max_score": True, "output": None}]},
])
def test_build_takes_any_document(broken):
    for staff in (False, True):
        blocks = summary.build(copy.deepcopy(broken), staff=staff)
        assert render.markdown(blocks) and render.html(blocks) and render.text(blocks)


def test_code_spans_outlast_backticks_and_plain_cuts():
    for text in ("a`b", "``x``", "`", "plain", "a\nb\r\nc\u2028d", ""):
        span = render.code_span(text)
        assert "\n" not in span and outside_code_spans("x " + span + " y") == "x   y"
    assert len(render.plain("x" * 1000)) == render.MAX_TEXT
    assert gha.code_span is render.code_span and gha.plain is render.plain
