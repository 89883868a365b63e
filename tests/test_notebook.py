"""The notebook part: the student's notebook is what nbgrader generates from the source, the
reference notebook runs headless and draws the lecture's figures, and grading it (confined, with
the hidden tests restored) gives the stubs nothing, the reference every point, keeps hidden test
text out of what students see, and merges into the same results.json as the module suites."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from autograder import collect, notebook, report
from autograder.assignment import load
from autograder.sandbox import DEFAULT_UID, processes_of

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "a1_neurons"
ASSIGNMENT = ROOT / "assignments" / "a1_neurons"
NOTEBOOK = load("a1_neurons").notebook
SOURCE = SOLUTIONS / NOTEBOOK
STUDENT = ASSIGNMENT / NOTEBOOK
UID = DEFAULT_UID + 12  # a uid of this test module's own (validate and demo use +4 ... +9)
CHECKS = sum(not cell.manual for cell in notebook.graded_cells(SOURCE))  # the checked cells
FIGURES = ("fig_fits", "fig_rms", "fig_more_data", "fig_ridge", "fig_activations",
           "fig_saturation", "fig_prelu", "fig_house")


def modules_of(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))
            if p.name != "__init__.py"}


def regions(source: str, begin: str, end: str) -> list[str]:
    """Distinctive lines (over 20 characters) between nbgrader's markers."""
    found = re.findall(rf"{re.escape(begin)}\n(.*?){re.escape(end)}", source, re.S)
    return [line.strip() for region in found for line in region.splitlines()
            if len(line.strip()) > 20]


def secret_lines(*markers: str) -> list[str]:
    """Distinctive lines of the source's regions of these kinds (SOLUTION, HIDDEN TESTS) that
    appear nowhere else in the source notebook."""
    cells = [cell.source for cell in nbformat.read(SOURCE, as_version=4).cells]
    rest = "\n".join(re.sub(r"### BEGIN (\w[\w ]*)\n.*?### END \1\n?", "", text, flags=re.S)
                     for text in cells)
    return [line for text in cells for marker in markers
            for line in regions(text, f"### BEGIN {marker}", f"### END {marker}")
            if line not in rest]


def hidden_lines() -> list[str]:
    return secret_lines("HIDDEN TESTS")


# -- the student's notebook ------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated() -> str:
    return notebook.generate_student_notebook(SOURCE, "a1_neurons")


def test_checked_in_student_notebook_equals_generated_one(generated):
    assert STUDENT.is_file(), "assignments/a1_neurons/experiments.ipynb is missing: make stubs"
    assert notebook.normalise(STUDENT.read_text(encoding="utf-8")) == notebook.normalise(
        generated), "the student's notebook differs from the source's: run `make stubs`"


def test_student_notebook_has_no_solution_nor_hidden_test_text():
    text = STUDENT.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "MARK SCHEME", "~~"):
        assert marker not in text, f"generator leftover in the student's notebook: {marker}"
    student = nbformat.read(STUDENT, as_version=4)
    sources = "\n".join(cell.source for cell in student.cells)
    secret = secret_lines("SOLUTION", "HIDDEN TESTS")
    assert len(secret) > 30, "the source notebook should hold solutions and hidden tests"
    for line in secret:
        assert line not in sources, f"solution or hidden test in the student's notebook: {line}"
    stubs = [cell for cell in student.cells if cell.metadata.get("nbgrader", {}).get("solution")]
    source = nbformat.read(SOURCE, as_version=4)
    solved = [cell for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")]
    assert len(stubs) == len(solved) >= 10 and all(
        "raise NotImplementedError()" in c.source or c.source == "YOUR ANSWER HERE"
        for c in stubs), "every solution cell becomes nbgrader's stub"


def test_normalise_ignores_ids_outputs_and_counts_but_not_sources():
    nb = nbformat.read(STUDENT, as_version=4)
    again = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in again.cells:
        cell.id = "other-" + cell.id
        if cell.cell_type == "code":
            cell.execution_count = 7
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    assert notebook.normalise(nbformat.writes(again)) == notebook.normalise(nbformat.writes(nb))
    again.cells[3].source += "\n# edited"
    assert notebook.normalise(nbformat.writes(again)) != notebook.normalise(nbformat.writes(nb))


def test_source_notebook_carries_checked_and_hand_graded_points():
    cells = notebook.graded_cells(SOURCE)
    checked = [c for c in cells if not c.manual]
    answers = [c for c in cells if c.manual]
    assert sum(c.points for c in checked) == 20 and sum(c.points for c in answers) == 10
    assert {c.hidden for c in checked} == {True, False}, "public and hidden checks both exist"
    assert len({c.grade_id for c in cells}) == len(cells)


# -- collect, messages, metadata, merge (no kernel) ----------------------------------------------

def test_collect_takes_the_notebook_and_refuses_symlinks_and_huge_files(tmp_path, monkeypatch):
    folder = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    submission = collect.collect(folder, "a1_neurons")
    assert submission.notebook == SOURCE.read_text(encoding="utf-8")
    assert not any("experiments" in name for name in submission.ignored)
    without = collect.collect(SOLUTIONS, "a1_neurons")
    (folder / NOTEBOOK).unlink()
    assert collect.collect(folder, "a1_neurons").digest != submission.digest
    (folder / NOTEBOOK).symlink_to(SOURCE)
    linked = collect.collect(folder, "a1_neurons")
    assert linked.notebook is None and "symlink" in linked.notebook_problem
    (folder / NOTEBOOK).unlink()
    shutil.copy(SOURCE, folder / NOTEBOOK)
    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 1000)
    huge = collect.collect(folder, "a1_neurons")
    assert huge.notebook is None and "larger than" in huge.notebook_problem
    assert without.notebook is not None  # solutions/ holds the source notebook itself


def test_failure_messages_show_only_the_checks_own_words():
    cell = next(c for c in notebook.graded_cells(SOURCE) if c.grade_id == "test_table_1_1")
    own = "weights needs one entry for each M in DEGREES"
    hidden = hidden_lines()[0]

    def message(ename, evalue):
        return notebook.failure_message(cell, [nbformat.v4.new_output(
            "error", ename=ename, evalue=evalue, traceback=[hidden])])

    assert message("AssertionError", own) == own
    assert hidden not in message("AssertionError", hidden)
    assert message("AssertionError", hidden) == "the check raised AssertionError"
    assert message("ValueError", hidden) == "the check raised ValueError"
    assert "weights" in message("NameError", "name 'weights' is not defined")
    assert hidden not in message(hidden, hidden) and "exception" in message(hidden, hidden)
    assert "stderr" in notebook.failure_message(cell, [nbformat.v4.new_output(
        "stream", name="stderr", text=hidden)])


def test_cells_keep_the_source_metadata_and_invented_grades_lose_theirs():
    student = nbformat.read(STUDENT, as_version=4)
    check = next(c for c in student.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "test_table_1_1")
    check.metadata["nbgrader"].update(grade=False, points=0, locked=False)
    invented = nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {
        "grade": True, "grade_id": "free_points", "points": 100, "locked": True,
        "solution": False, "schema_version": 3}})
    student.cells.append(invented)
    restore = notebook.RestoreCellMetadata(notebook.source_metadata(SOURCE))
    restore(student, {})
    assert check.metadata["nbgrader"]["grade"] and check.metadata["nbgrader"]["points"] == 2
    assert check.metadata["nbgrader"]["locked"]
    assert "nbgrader" not in invented.metadata


def fake_part() -> notebook.NotebookPart:
    from autograder.scoring import TestScore

    public = TestScore("public", NOTEBOOK, "test_fig_1_4", notebook.MODULE, False, 2.0,
                       score=0.0, passed=0, total=1, messages=["the panels are titled ..."])
    hidden = TestScore("hidden", NOTEBOOK, "test_table_1_1", notebook.MODULE, False,
                       2.0, score=2.0, passed=1, total=1)
    return notebook.NotebookPart(
        "graded", scores=[public, hidden], checked_points=4, answer_points=2.5,
        pending=[{"name": "answer_regularization", "max_score": 2.5, "answered": False}])


def test_merge_adds_checks_as_tests_and_answers_as_pending_outside_the_score():
    outcome = notebook.merge(report.Outcome("a1_neurons", [], [], [], 1.0), fake_part())
    results = report.results_json(outcome)
    assert results["score"] == 2 and results["extra_data"]["max_score"] == 4
    assert results["extra_data"]["parts"] == {"modules": "graded", "notebook": "graded"}
    assert results["extra_data"]["pending"] == [
        {"name": "answer_regularization", "max_score": 2.5, "answered": False}]
    by_name = {t["name"]: t for t in results["tests"]}
    assert by_name["notebook: Figure 1.4"]["tags"] == ["notebook", "public"]
    assert by_name["notebook: Figure 1.4"]["visibility"] == "visible"
    assert by_name["notebook: Table 1.1"]["visibility"] == "after_due_date"
    assert all(t["number"].startswith("7.") for t in results["tests"])
    text = report.markdown(outcome)
    assert "notebook graded" in text and "graded by hand" in text and "2.5 points" in text
    assert "Unanswered: `answer_regularization`." in text  # named, as the student's text
    assert "1 check with hidden tests also ran" in text and "Hidden checks" not in text
    terminal = report.terminal(outcome, "t")
    assert "notebook graded" in terminal and "Hidden checks: 1/1 passed, 2/2 points." in terminal


@pytest.mark.parametrize(("text", "status"), [(None, "absent"), ("{not json", "unreadable"),
                                                ('{"cells": 3}', "unreadable")])
def test_a_missing_or_broken_notebook_is_reported_not_graded(text, status):
    part = notebook.grade_notebook(text, modules_of(SOLUTIONS))
    assert part.status == status
    # the same maximum as a graded notebook: every check at 0, every written answer unanswered
    assert sum(t.max_score for t in part.scores) == 20 and not any(t.score for t in part.scores)
    assert all(t.messages[0].startswith("not graded: ") for t in part.scores)
    assert len(part.pending) == 4 and not any(p["answered"] for p in part.pending)
    outcome = notebook.merge(report.Outcome("a1_neurons", [], [], [], 1.0), part)
    assert f"notebook {status}" in report.markdown(outcome)
    assert report.results_json(outcome)["extra_data"]["parts"]["notebook"] == status


def test_a_refused_notebook_says_why_and_what_it_was_worth():
    part = notebook.grade_notebook(None, {}, problem="it is a symlink")
    assert part.status == "refused" and "symlink" in part.detail and "30" not in part.detail
    assert "(20 points)" in part.detail and "(10 points)" in part.detail


# -- running it ------------------------------------------------------------------------------

INSPECT = """
import json as _json
import matplotlib.figure as _figure

def _describe(fig):
    assert isinstance(fig, _figure.Figure)
    return [{"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
             "legend": ax.get_legend() is not None, "ylim": list(ax.get_ylim()),
             "yscale": ax.get_yscale(),
             "lines": [{"label": line.get_label(),
                        "x": np.asarray(line.get_xdata(), dtype=float).tolist(),
                        "y": np.asarray(line.get_ydata(), dtype=float).tolist()}
                       for line in ax.get_lines()]} for ax in fig.axes]

print(_json.dumps({"figures": {name: _describe(globals()[name]) for name in %r},
                   "x10": x10.tolist(), "t10": t10.tolist(), "best_degree": int(best_degree)}))
"""


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """The reference notebook, run headless by nbclient against the reference modules, and what
    its figures hold (read from the Figure objects in the kernel)."""
    env = pytest.MonkeyPatch()  # the kernel inherits the environment: headless matplotlib
    env.setenv("MPLBACKEND", "Agg")
    env.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path_factory.mktemp("runtime")))
    nb = nbformat.read(SOURCE, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(INSPECT % (FIGURES,)))
    started = time.monotonic()
    try:
        NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=False,
                       resources={"metadata": {"path": str(SOLUTIONS)}}).execute()
    finally:
        env.undo()
    seconds = time.monotonic() - started
    described = json.loads(nb.cells[-1].outputs[0]["text"])
    return nb, described, seconds


@pytest.mark.slow
def test_reference_notebook_runs_headless_within_its_time_bound(reference_run):
    nb, _, seconds = reference_run
    assert seconds < 60, f"the reference notebook took {seconds:.0f} s (bound: 60 s)"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), (
                f"a cell wrote to stderr (nbgrader fails check cells that do): {output['text']}")


@pytest.mark.slow
def test_fig_1_4_shows_four_fits_and_m9_passes_through_the_points(reference_run):
    _, found, _ = reference_run
    panels, x10, t10 = found["figures"]["fig_fits"], np.array(found["x10"]), np.array(found["t10"])
    assert [p["title"] for p in panels] == ["M = 0", "M = 1", "M = 3", "M = 9"]
    for panel in panels:
        assert (panel["xlabel"], panel["ylabel"]) == ("x", "t")
        assert [line["label"] for line in panel["lines"]] == ["data", "sin(2πx)", "fit"]
        np.testing.assert_array_equal(panel["lines"][0]["x"], x10)
    fit = panel["lines"][2]  # M = 9
    curve = np.interp(x10, fit["x"], fit["y"])
    on_grid = np.isclose(np.array(fit["x"])[:, None], x10, rtol=0, atol=1e-12).any(axis=0)
    assert on_grid.all(), "the plotting grid holds the ten training inputs"
    np.testing.assert_allclose(curve, t10, atol=1e-6, err_msg="M = 9 interpolates the points")
    m0 = np.array(panels[0]["lines"][2]["y"])
    np.testing.assert_allclose(m0, t10.mean(), atol=1e-9, err_msg="M = 0 is the mean")


@pytest.mark.slow
def test_fig_1_5_training_error_falls_to_zero_and_validation_chooses_m(reference_run):
    _, found, _ = reference_run
    (panel,) = found["figures"]["fig_rms"]
    assert (panel["xlabel"], panel["ylabel"], panel["legend"]) == ("M", "E_RMS", True)
    training, validation = panel["lines"]
    assert (training["label"], validation["label"]) == ("training", "validation")
    assert training["x"] == list(range(10)) == validation["x"]
    assert np.all(np.diff(training["y"]) <= 1e-12) and training["y"][-1] < 1e-8
    assert found["best_degree"] == int(np.argmin(validation["y"]))
    assert min(validation["y"]) > 0.2, "validation error cannot beat the noise (σ = 0.3)"


@pytest.mark.slow
def test_fig_1_6_and_1_7_more_data_and_regularization_tame_m9(reference_run):
    _, found, _ = reference_run
    more, ridge = found["figures"]["fig_more_data"], found["figures"]["fig_ridge"]
    assert [p["title"] for p in more] == ["N = 15", "N = 100"]
    assert [len(p["lines"][0]["x"]) for p in more] == [15, 100]
    assert [p["title"] for p in ridge] == ["ln λ = -18", "ln λ = 0"]
    flat = np.ptp(ridge[1]["lines"][2]["y"])
    assert flat < np.ptp(ridge[0]["lines"][2]["y"]), "ln λ = 0 flattens the curve"
    for panel in (*more, *ridge):
        assert len(panel["lines"]) == 3 and panel["lines"][2]["label"] == "fit"
        assert np.all(np.abs(panel["lines"][2]["y"]) < 3), "the fit stays near the data"


@pytest.mark.slow
def test_activation_figure_plots_every_function_and_its_derivative(reference_run):
    _, found, _ = reference_run
    panels = {p["title"]: p for p in found["figures"]["fig_activations"]}
    assert list(panels) == ["sign", "heaviside", "logistic", "tanh", "relu", "leaky_relu",
                            "prelu", "silu", "softplus"]
    for name, panel in panels.items():
        curves = {line["label"]: np.array(line["y"]) for line in panel["lines"]}
        assert set(curves) == {"f", "derivative"}, name
        x = np.array(panel["lines"][0]["x"])
        inside = np.abs(x) > 0.05
        slope = np.gradient(curves["f"], x)
        np.testing.assert_allclose(curves["derivative"][inside][2:-2], slope[inside][2:-2],
                                   atol=2e-3, err_msg=f"{name}: the derivative curve is f'")
    logistic = panels["logistic"]["lines"][0]["y"]
    assert min(logistic) > 0 and max(logistic) < 1


@pytest.mark.slow
def test_saturation_figure_shows_the_derivatives_vanish(reference_run):
    _, found, _ = reference_run
    (panel,) = found["figures"]["fig_saturation"]
    assert panel["yscale"] == "log" and panel["xlabel"] == "z"
    curves = {line["label"]: line for line in panel["lines"]}
    assert set(curves) == {"logistic", "tanh", "FLAT"}
    for name in ("logistic", "tanh"):
        z, slope = np.array(curves[name]["x"]), np.array(curves[name]["y"])
        assert slope.max() == slope[np.abs(z).argmin()] and slope.min() < 1e-3, name


@pytest.mark.slow
def test_prelu_figure_shows_the_slope_learned(reference_run):
    _, found, _ = reference_run
    (panel,) = found["figures"]["fig_prelu"]
    assert (panel["xlabel"], panel["ylabel"]) == ("step", "a")
    learned = next(line for line in panel["lines"] if line["label"] == "learned a")
    history = np.array(learned["y"])
    assert history[0] == 0 and abs(history[-1] - 0.25) < 1e-3
    assert np.all(np.diff(history) > 0), "each step moves a towards the true slope"


@pytest.mark.slow
def test_no_fixed_axis_limit_hides_a_point(reference_run):
    """Every plotted point of the lecture's figures lies inside its panel's y range (the M = 9
    curve of Fig 1.4 included: its swings are what the figure is for)."""
    _, found, _ = reference_run
    for name, panels in found["figures"].items():
        for panel in panels:
            low, high = panel["ylim"]
            for line in panel["lines"]:
                y = np.array(line["y"])
                assert low <= y.min() and y.max() <= high, (
                    f"{name}, panel {panel['title']!r}: {line['label']!r} reaches "
                    f"[{y.min():.3g}, {y.max():.3g}], the axis shows [{low:.3g}, {high:.3g}]")


QUOTED = re.compile(r"`([-+]?\d[\d.]*(?:e[-+]\d+)?)`")


@pytest.mark.slow
def test_model_answers_quote_numbers_the_notebook_prints(reference_run):
    """Each number a model answer quotes (in backticks) is printed by the reference notebook,
    so the answers follow the data; every answer about the experiments quotes some."""
    nb, _, _ = reference_run
    printed = "\n".join(output.get("text", "") for cell in nb.cells
                        for output in cell.get("outputs", []) if output["output_type"] == "stream")
    words = set(re.findall(r"[-+]?\d[\d.]*(?:e[-+]\d+)?", printed))
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nb.cells
               if cell.cell_type == "markdown"
               and cell.metadata.get("nbgrader", {}).get("solution")}
    for name in ("answer_validation_test", "answer_coefficient_blowup", "answer_regularization"):
        quoted = QUOTED.findall(answers[name])
        assert len(quoted) >= 3, f"{name} quotes {quoted}: the answer should cite what was printed"
        missing = [number for number in quoted if number not in words]
        assert not missing, f"{name} quotes {missing}, which the notebook does not print"


@pytest.mark.slow
def test_house_figure_plots_predictions_against_prices(reference_run):
    _, found, _ = reference_run
    (panel,) = found["figures"]["fig_house"]
    assert (panel["xlabel"], panel["ylabel"]) == ("actual price ($)", "predicted price ($)")
    houses = panel["lines"][0]
    assert len(houses["x"]) == 20
    assert np.corrcoef(houses["x"], houses["y"])[0, 1] > 0.9


# -- grading it, confined ---------------------------------------------------------------------

def check_nothing_left(uid: int = UID) -> None:
    if os.geteuid() == 0:
        assert processes_of(uid) == [], "a process of the sandbox uid survived"


@pytest.mark.slow
def test_stub_modules_fail_every_checked_cell_even_with_the_reference_answers():
    part = notebook.grade_notebook(SOURCE.read_text(encoding="utf-8"), modules_of(ASSIGNMENT),
                                   uid=UID)
    check_nothing_left()
    assert part.status == "graded" and len(part.scores) == CHECKS
    assert all(t.score == 0 for t in part.scores), [t.name for t in part.scores if t.score]
    assert [p["answered"] for p in part.pending] == [True] * 4
    if os.geteuid() == 0:
        assert part.confinement.get("user", "").startswith("uid ")
        assert "own network namespace" in part.confinement.get("network", "")


@pytest.mark.slow
def test_untouched_student_notebook_earns_nothing_and_says_why():
    part = notebook.grade_notebook(STUDENT.read_text(encoding="utf-8"), modules_of(SOLUTIONS),
                                   uid=UID)
    check_nothing_left()
    assert all(t.score == 0 for t in part.scores)
    assert all("is not defined" in t.messages[0] for t in part.scores)
    assert [p["answered"] for p in part.pending] == [False] * 4


@pytest.mark.slow
def test_notebooks_graded_at_the_same_time_are_each_graded():
    """batch grades notebooks in threads: nbgrader's process-wide state (its NBGRADER_EXECUTION
    variable, set and deleted around each notebook) must not fail a neighbour's notebook."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [SOURCE.read_text(encoding="utf-8"), STUDENT.read_text(encoding="utf-8")] * 2
    with ThreadPoolExecutor(len(texts)) as pool:
        parts = list(pool.map(lambda job: notebook.grade_notebook(
            job[1], modules_of(SOLUTIONS), uid=UID + 100 + job[0]), enumerate(texts)))
    for index in range(len(texts)):
        check_nothing_left(UID + 100 + index)
    assert [part.status for part in parts] == ["graded"] * 4, [part.detail for part in parts]
    assert [sum(t.score for t in part.scores) for part in parts] == [20, 0, 20, 0]


LEAK = '''
class LeakyDict(dict):
    def __iter__(self):  # the check cell's source, hidden tests included, as the error
        raise AssertionError(get_ipython().user_ns["In"][-1])

weights = LeakyDict()
'''


@pytest.mark.slow
def test_hidden_test_text_never_reaches_results_even_when_the_notebook_tries(tmp_path):
    nb = nbformat.read(SOURCE, as_version=4)
    fits = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "fits")
    fits.source = LEAK
    part = notebook.grade_notebook(nbformat.writes(nb), modules_of(SOLUTIONS), uid=UID)
    check_nothing_left()
    scores = {t.function: t for t in part.scores}
    assert scores["test_table_1_1"].score == 0
    assert scores["test_table_1_1"].messages == ["the check raised AssertionError"]
    assert scores["test_fig_1_5"].score == 2, "the other cells are graded as usual"
    assert any(f["kind"] == "suspicious-code" and "get_ipython" in f["message"]
               for f in part.flags)
    outcome = notebook.merge(report.Outcome("a1_neurons", [], [], [], 1.0), part)
    seen = json.dumps(report.results_json(outcome)) + report.markdown(outcome)
    for line in hidden_lines():
        assert line not in seen, f"hidden test text reached the results: {line}"


@pytest.mark.slow
def test_a_notebook_that_never_ends_is_stopped_and_leaves_nothing_behind():
    nb = nbformat.read(SOURCE, as_version=4)
    rms = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "rms")
    # as root, a forked child too: only the kill by uid reaches it
    rms.source = ("import os\nos.fork()\n" if os.geteuid() == 0 else "") + "while True:\n    pass\n"
    started = time.monotonic()
    part = notebook.grade_notebook(nbformat.writes(nb), modules_of(SOLUTIONS), uid=UID,
                                   timeout=30)
    assert time.monotonic() - started < 60
    check_nothing_left()
    scores = {t.function: t for t in part.scores}
    assert scores["test_table_1_1"].score == 2, "cells before the loop keep their points"
    assert scores["test_fig_1_5"].score == 0 and "did not run" in scores[
        "test_fig_1_5"].messages[0]
    assert any(f["kind"] == "timeout" for f in part.flags)


def autograder_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_grade_merges_the_notebook_into_results_json(tmp_path):
    submission = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, submission, ignore=shutil.ignore_patterns("__pycache__"))
    result = autograder_grade(str(submission), "-o", str(tmp_path / "results.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    extra = results["extra_data"]
    assert extra["parts"] == {"modules": "graded", "notebook": "graded"}
    notebook_tests = [t for t in results["tests"] if "notebook" in t["tags"]]
    assert len(notebook_tests) == CHECKS and all(t["status"] == "passed" for t in notebook_tests)
    assert {t["visibility"] for t in notebook_tests} == {"visible", "after_due_date"}
    assert results["score"] == extra["max_score"]
    assert extra["notebook"]["score"] == extra["notebook"]["max_score"] == 20
    assert sum(p["max_score"] for p in extra["pending"]) == 10
    assert "Written answers: 4 (10 points), graded by hand" in result.stdout
    assert "graded by hand" in results["output"]
    for line in hidden_lines():
        assert line not in results["output"] and line not in json.dumps(results["tests"])


@pytest.mark.slow
def test_grade_without_the_notebook_says_it_was_absent(tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    for name, text in modules_of(SOLUTIONS).items():
        (submission / name).write_text(text, encoding="utf-8")
    result = autograder_grade(str(submission), "-o", str(tmp_path / "results.json"),
                              "--public-only")
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["extra_data"]["parts"] == {"modules": "public tests only",
                                              "notebook": "absent"}
    checks = [t for t in results["tests"] if "notebook" in t["tags"]]
    assert checks and all(t["score"] == 0 and "public" in t["tags"] for t in checks)
    assert results["extra_data"]["max_score"] == 30 + sum(t["max_score"] for t in checks)
    assert len(results["extra_data"]["pending"]) == 4
    assert "experiments.ipynb is not in the submission" in results["output"]
    assert "notebook absent" in result.stdout
