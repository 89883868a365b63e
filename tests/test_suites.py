"""The suites against known implementations: the reference passes every test, the stubs fail
every graded test with NotImplementedError, every bug-zoo entry fails a hidden test of its
module, and every alternative implementation passes everything.

The suites run in pytest subprocesses (one for the reference, the stubs and the alternatives;
one per module for the bugs), two at a time, once per session.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder import patches, rubric
from autograder.assignment import load
from autograder.runner import REPO, run_suites, suite_paths
from autograder.scoring import load_rubric, score_records

pytestmark = pytest.mark.slow

A1 = load("a1_neurons")
REFERENCE = A1.solutions
MODULES = A1.module_names
BUGS = patches.entries(A1.zoo, "bugs")
ALTERNATIVES = patches.entries(A1.zoo, "alternatives")


@pytest.fixture(scope="session")
def suite_results(tmp_path_factory):
    """{'main': records of reference/stubs/alternatives, module: records of its bugs}."""
    patched = tmp_path_factory.mktemp("zoo")

    def impl(name: str, entry: patches.Entry) -> str:
        return f"{name}={patches.apply(entry, REFERENCE, patched / entry.kind)},{REFERENCE}"

    main_impls = [f"reference={REFERENCE}", f"stubs={A1.stubs}"]
    main_impls += [impl(f"alt-{name}", entry) for name, entry in ALTERNATIVES.items()]
    jobs = {"main": (main_impls, ())}
    for module in MODULES:
        bugs = [impl(name, entry) for name, entry in BUGS.items() if entry.module == module]
        if bugs:
            jobs[module] = (bugs, ("-m", module))
    hidden = suite_paths(A1, ("hidden",))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            key: pool.submit(run_suites, impls, A1,
                             paths=None if key == "main" else hidden, extra_args=extra)
            for key, (impls, extra) in jobs.items()
        }
        return {key: future.result() for key, future in futures.items()}


def records_of(results, impl, key="main"):
    records = [r for r in results[key] if r["impl"] == impl]
    assert records, f"no test ran for {impl}"
    return records


def describe(records):
    return "\n".join(f"{r['nodeid']}: {r['message']}" for r in records)


def test_reference_passes_every_public_and_hidden_test(suite_results):
    records = records_of(suite_results, "reference")
    failed = [r for r in records if r["outcome"] != "passed" and not r["gpu"]]
    assert not failed, describe(failed)
    assert {r["suite"] for r in records} == {"public", "hidden"}
    assert {r["module"] for r in records} == set(MODULES)


def test_gpu_parity_tests_are_the_only_ones_skipped_and_only_without_cuda(suite_results):
    import torch

    skipped = [r for r in records_of(suite_results, "reference") if r["outcome"] == "skipped"]
    assert all(r["gpu"] for r in skipped), describe(skipped)
    if not torch.cuda.is_available():
        gpu = [r for r in records_of(suite_results, "reference") if r["gpu"]]
        assert gpu and all(r["outcome"] == "skipped" for r in gpu)


def test_stubs_fail_every_graded_test_with_not_implemented_error(suite_results):
    records = [r for r in records_of(suite_results, "stubs") if r["outcome"] != "skipped"]
    wrong = [r for r in records if r["outcome"] != "failed" or r["error"] != "NotImplementedError"]
    assert not wrong, describe(wrong)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_alternative_implementation_keeps_full_marks(suite_results, name):
    failed = [r for r in records_of(suite_results, f"alt-{name}") if r["outcome"] == "failed"]
    assert not failed, describe(failed)


@pytest.mark.parametrize("name", sorted(BUGS))
def test_bug_fails_a_hidden_test_of_its_module(suite_results, name):
    module = BUGS[name].module
    records = records_of(suite_results, name, key=module)
    caught = [r for r in records if r["outcome"] == "failed" and r["module"] == module]
    assert caught, f"no hidden test of {module} catches the bug zoo entry {name}"


def test_zoos_cover_every_module_with_the_entries_the_zoo_readme_lists():
    # Exact counts: an entry that disappears (or stops being read) is noticed here.
    assert Counter(entry.module for entry in BUGS.values()) == {
        "activations": 24, "neuron": 9, "loss": 8, "polyfit": 10, "regularization": 8,
        "splits": 10,
    }
    assert Counter(entry.module for entry in ALTERNATIVES.values()) == {
        "activations": 10, "neuron": 3, "loss": 1, "polyfit": 3, "regularization": 3,
        "splits": 2,
    }
    assert len(BUGS) == 69 and len(ALTERNATIVES) == 22
    readme = (A1.zoo / "README.md").read_text(encoding="utf-8")
    for kind, found in (("bug", BUGS), ("alternative", ALTERNATIVES)):
        for name in found:
            assert f"| {kind} | `{name}` |" in readme, f"{name}: not in the zoo README's table"


def test_scores_reference_full_marks_and_stubs_zero(suite_results):
    rubric_ = load_rubric("a1_neurons")
    reference, _ = score_records(suite_results["main"], rubric_, impl="reference")
    stubs, _ = score_records(suite_results["main"], rubric_, impl="stubs")
    possible = sum(t.max_score for t in reference)
    assert possible > 0
    assert sum(t.score for t in reference) == pytest.approx(possible)
    assert sum(t.score for t in stubs) == 0
    assert {t.max_score for t in stubs} == {t.max_score for t in reference}


def test_rubric_gives_points_to_exactly_the_existing_tests_and_the_handout_agrees():
    assert rubric.check("a1_neurons") == []
    handout = rubric.handout_path("a1_neurons").read_text(encoding="utf-8")
    assert rubric.render_handout("a1_neurons", handout) == handout, (
        "run `autograder rubric --write-handout`"
    )


def test_demo_grades_reference_stubs_bugs_and_hostile_submissions():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "autograder", "demo"], cwd=REPO,
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stderr
    blocks = {block.splitlines()[0].split(":")[0]: block
              for block in result.stdout.split("\n\n")[1:]}
    assert "score: 100 / 100" in blocks["reference reference"]
    assert "score: 0 / 100" in blocks["stubs stubs"]
    assert "score: 100 / 100" not in blocks["bug logistic_where_nan_grad"]
    hostile = [b for name, b in blocks.items() if name.startswith("hostile")]
    assert hostile and all("FLAG" in block for block in hostile)
