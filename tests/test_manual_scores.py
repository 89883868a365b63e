"""Written answers graded by hand: `batch`/`merge --manual-scores CSV` merge them into each
results.json (score, maximum, tests, summary), the feedback, gradebook.csv and lms.csv; twice is
the same as once; bad files are refused in one line naming the file and line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from autograder import cli, gradebook, notebook, report
from autograder.scoring import TestScore as Score


def outcome(modules_score: float) -> report.Outcome:
    """A graded a1 submission: one module test and a notebook with two written answers."""
    test = Score("public", "test_loss.py", "test_rms_error_value", "loss", False, 10.0,
                     score=modules_score, passed=int(modules_score == 10), total=1)
    part = notebook.NotebookPart("graded", pending=[
        {"name": "answer_regularization", "max_score": 2.5, "answered": True},
        {"name": "answer_validation_test", "max_score": 2.5, "answered": False}])
    return notebook.merge(report.Outcome("a1_neurons", [test], [], [], 1.0), part)


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "class"
    gradebook.write_result(folder, "ada", outcome(10.0))
    gradebook.write_result(folder, "bob", outcome(4.0))
    gradebook.write_gradebook(folder)
    return folder


def write_csv(path: Path, rows: list[tuple]) -> Path:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["student", "question", "points"])
        writer.writerows(rows)
    return path


def rows(out: Path, name: str) -> dict[str, dict]:
    with (out / name).open(newline="") as file:
        return {row.get("student") or row["student_id"]: row for row in csv.DictReader(file)}


def test_manual_scores_reach_results_feedback_gradebook_and_lms(out, tmp_path, capsys):
    before = rows(out, "gradebook.csv")["ada"]  # before the merge: 5 points wait for a human
    assert (before["written"], before["notebook_pending"]) == ("", "5")
    scores = write_csv(tmp_path / "written.csv", [("ada", "answer_regularization", 2),
                                                   ("ada", "answer_validation_test", 2.5),
                                                   ("bob", "answer_regularization", 1)])
    assert cli.main(["merge", str(out), "-o", str(out), "--manual-scores", str(scores)]) == 0
    assert "into 2 results" in capsys.readouterr().out
    ada = json.loads((out / "results" / "ada.json").read_text())
    assert ada["score"] == 14.5 and ada["extra_data"]["max_score"] == 15
    written = {t["name"]: t["score"] for t in ada["tests"] if "written" in t["tags"]}
    assert written == {"written answer: answer_regularization": 2,
                       "written answer: answer_validation_test": 2.5}
    assert "graded by hand: 4.5 points, in the score above" in ada["output"]
    assert (out / "feedback" / "ada.md").read_text() == ada["output"]
    bob = json.loads((out / "results" / "bob.json").read_text())
    assert bob["score"] == 5 and bob["extra_data"]["max_score"] == 15  # a missing answer: 0
    assert rows(out, "gradebook.csv")["ada"]["score"] == "14.5"
    book = rows(out, "gradebook.csv")["ada"]  # the written points, and nothing left to grade
    assert (book["written"], book["notebook_pending"]) == ("4.5", "0")
    assert rows(out, "lms.csv")["bob"]["score"] == "5"
    # the same file again: nothing more
    assert cli.main(["merge", str(out), "-o", str(out), "--manual-scores", str(scores)]) == 0
    assert json.loads((out / "results" / "ada.json").read_text()) == ada
    # a corrected file replaces the earlier marks, it does not add to them
    fixed = write_csv(tmp_path / "fixed.csv", [("ada", "answer_regularization", 0.5)])
    assert cli.main(["merge", str(out), "-o", str(out), "--manual-scores", str(fixed)]) == 0
    again = json.loads((out / "results" / "ada.json").read_text())
    assert again["score"] == 10.5 and again["extra_data"]["max_score"] == 15


@pytest.mark.parametrize(("rows_", "problem"), [
    ([("ada", "answer_regularization", 3)], "worth 2.5 points, not 3"),
    ([("ada", "answer_unknown", 1)], "has no written answer 'answer_unknown'"),
    ([("zed", "answer_regularization", 1)], "no graded submission for zed"),
    ([("ada", "answer_regularization", "two")], "line 2: points 'two' is not a number"),
    ([("ada", "answer_regularization", -1)], "line 2: needs a student"),
    ([("ada", "answer_regularization", 1), ("ada", "answer_regularization", 2)],
     "line 3: ada's answer_regularization is scored twice"),
    ([("ada", "answer_regularization", 1), ("bob", "answer_regularization", 9)],
     "bob's answer_regularization is worth 2.5"),  # ada's row is fine: nothing is written
])
def test_a_bad_file_is_refused_in_one_line_and_changes_nothing(out, tmp_path, capsys, rows_,
                                                               problem):
    before = (out / "results" / "ada.json").read_bytes()
    scores = write_csv(tmp_path / "bad.csv", rows_)
    assert cli.main(["merge", str(out), "-o", str(out), "--manual-scores", str(scores)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and problem in error[0] and "bad.csv" in error[0]
    assert (out / "results" / "ada.json").read_bytes() == before
