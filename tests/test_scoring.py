"""The scoring core on records made by hand: points per case, skipped tests, tests that never
ran, rounding, per-module totals, and rubric files that are not rubrics."""

from __future__ import annotations

import math

import pytest

from autograder import scoring
from autograder.report import Outcome, results_json
from autograder.scoring import Rubric, load_rubric, module_table, score_records
from autograder.scoring import TestScore as Score

A1 = "a1_neurons"


def record(function: str, outcome: str, *, suite="hidden", file="test_loss.py", module="loss",
           impl="s", message="", gpu=False) -> dict:
    return {"suite": suite, "file": file, "function": function, "outcome": outcome,
            "module": module, "impl": impl, "message": message, "gpu": gpu}


def rubric(**points: float) -> Rubric:
    return Rubric(A1, {("hidden", "test_loss.py", name): value for name, value in points.items()})


def test_a_parametrised_test_earns_its_points_in_proportion_to_the_cases_it_passes():
    records = [record("test_a", "passed"), record("test_a", "passed"),
               record("test_a", "failed", message="wrong sign"), record("test_a", "passed")]
    (test,), skipped = score_records(records, rubric(test_a=2.0))
    assert skipped == []
    assert (test.passed, test.total, test.score, test.max_score) == (3, 4, 1.5, 2.0)
    assert test.status == "failed" and test.messages == ["wrong sign"]


def test_every_case_passed_is_full_points_and_status_passed():
    (test,), _ = score_records([record("test_a", "passed")] * 3, rubric(test_a=0.7))
    assert test.score == 0.7 and test.status == "passed" and test.messages == []


def test_distinct_failure_messages_are_kept_once_each():
    records = [record("test_a", "failed", message=m) for m in ("b", "a", "b")]
    (test,), _ = score_records(records, rubric(test_a=1))
    assert test.messages == ["a", "b"] and test.score == 0


def test_a_test_skipped_everywhere_leaves_the_maximum_and_a_partly_skipped_one_counts_what_ran():
    records = [record("test_gpu", "skipped", gpu=True), record("test_gpu", "skipped", gpu=True),
               record("test_mixed", "skipped"), record("test_mixed", "passed"),
               record("test_mixed", "failed", message="m")]
    scores, skipped = score_records(records, rubric(test_gpu=0.5, test_mixed=1.0))
    assert skipped == [("hidden", "test_loss.py", "test_gpu")]
    (mixed,) = scores
    assert (mixed.passed, mixed.total, mixed.score) == (1, 2, 0.5)


def test_a_test_that_never_ran_counts_as_failed_with_a_reason():
    (test,), skipped = score_records([], rubric(test_collect_error=3.0))
    assert skipped == [] and test.score == 0 and test.max_score == 3.0
    assert test.total == 1 and test.status == "failed"
    assert test.messages == ["this test did not run (it could not be collected)"]
    # without records, the module comes from the file name
    assert test.module == "loss"


def test_records_of_another_implementation_are_left_out():
    records = [record("test_a", "passed", impl="ref"), record("test_a", "failed", impl="s")]
    (mine,), _ = score_records(records, rubric(test_a=1), impl="s")
    (theirs,), _ = score_records(records, rubric(test_a=1), impl="ref")
    assert (mine.score, theirs.score) == (0, 1)


def test_points_are_rounded_to_four_decimals_and_add_up():
    records = [record("test_a", o) for o in ("passed", "failed", "failed")]
    (test,), _ = score_records(records, rubric(test_a=1.0))
    assert test.score == 0.3333
    outcome = Outcome(A1, [test], [], [], 1.0)
    assert outcome.score == 0.3333 and outcome.max_score == 1.0
    assert results_json(outcome)["tests"][0]["score"] == 0.3333


def test_module_table_totals_each_module_and_suite_in_the_manifest_order():
    def score(module, suite, earned, possible):
        return Score(suite, f"test_{module}.py", "t", module, False, possible, earned, 0, 1)

    scores = [score("splits", "public", 1, 2), score("activations", "hidden", 3, 4),
              score("activations", "public", 0.5, 1), score("notebook", "hidden", 2, 2)]
    table = module_table(scores, scoring.module_order(A1))
    assert list(table) == ["activations", "splits", "notebook", "total"]
    assert table["activations"] == {"public": [0.5, 1], "hidden": [3, 4]}
    assert table["total"] == {"public": [1.5, 3], "hidden": [5, 6]}
    assert math.isclose(sum(table["total"]["hidden"]), 11)


def test_the_module_of_a_record_wins_over_the_file_name():
    (test,), _ = score_records([record("test_a", "passed", file="test_misc.py",
                                       module="splits")],
                               Rubric(A1, {("hidden", "test_misc.py", "test_a"): 1.0}))
    assert test.module == "splits"
    (orphan,), _ = score_records([], Rubric(A1, {("hidden", "test_misc.py", "test_a"): 1.0}))
    assert orphan.module == "other"


@pytest.mark.parametrize("text, problem", [
    ('[hidden."test_loss.py"]\ntest_a = -1\n', "non-negative"),
    ('[hidden."test_loss.py"]\ntest_a = "two"\n', "non-negative"),
])
def test_a_rubric_with_impossible_points_is_refused_naming_the_file(tmp_path, text, problem):
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=problem) as error:
        load_rubric(A1, path)
    assert str(error.value).startswith("broken.toml")


def test_each_rubric_gives_each_module_its_manifest_points():
    from autograder.assignment import all_assignments

    for assignment in all_assignments():
        points = load_rubric(assignment).points
        for module, spec in assignment.modules.items():
            stems = {f"test_{module}.py"}
            total = sum(v for (suite, file, _), v in points.items() if file in stems)
            assert math.isclose(total, spec.points, abs_tol=0.02), (assignment.name, module)


@pytest.mark.parametrize("assignment", ["a1_neurons", "a2_perceptron"])
def test_the_maximum_is_the_same_with_and_without_cuda(assignment):
    """GPU parity tests report pass/fail beside the score (0 points): a grade on a machine with
    CUDA and one without have the same maximum."""
    real = load_rubric(assignment)
    parity = [k for k in real.points if k[1] == "test_parity.py"]
    assert parity, "no parity tests: this check would prove nothing"

    def maximum(parity_outcome: str) -> float:
        records = [record(fn, parity_outcome if f == "test_parity.py" else "passed", suite=s,
                          file=f, gpu=f == "test_parity.py") for s, f, fn in real.points]
        return sum(t.max_score for t in score_records(records, real)[0])

    assert maximum("skipped") == maximum("passed") == maximum("failed") > 0
