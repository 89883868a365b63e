"""The suites against known implementations: the reference passes every test, the stubs fail
every graded test with NotImplementedError, every bug-zoo entry fails a hidden test of its
module, and every alternative implementation passes everything.

The suites run in pytest subprocesses (one for the reference, the stubs and the alternatives;
one per module for the bugs), two at a time, once per session.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder import demo, patches, rubric, seam, validate
from autograder.assignment import all_assignments
from autograder.runner import REPO, run_suites
from autograder.scoring import load_rubric, score_records

pytestmark = pytest.mark.slow

ASSIGNMENTS = {a.name: a for a in all_assignments()}
BUGS = {name: patches.entries(a.zoo, "bugs") for name, a in ASSIGNMENTS.items()}
ALTERNATIVES = {name: patches.entries(a.zoo, "alternatives") for name, a in ASSIGNMENTS.items()}
# Exact sizes: an entry that disappears (or stops being read) is noticed here.
BUG_CASES = [(a, name) for a, found in BUGS.items() for name in sorted(found)]
ALTERNATIVE_CASES = [(a, name) for a, found in ALTERNATIVES.items() for name in sorted(found)]


@pytest.fixture(scope="session")
def suite_results(tmp_path_factory):
    """{(assignment, 'main'): records of reference/stubs/alternatives,
    (assignment, module): records of its bugs}, every assignment's jobs two at a time."""
    patched = tmp_path_factory.mktemp("zoo")
    jobs = {}
    for name, assignment in ASSIGNMENTS.items():
        reference = assignment.solutions

        def impl(label: str, entry: patches.Entry, reference=reference, name=name) -> str:
            folder = patches.apply(entry, reference, patched / name / entry.kind)
            return f"{label}={folder},{reference}"

        main = [f"reference={reference}", f"stubs={assignment.stubs}"]
        main += [impl(f"alt-{alt}", entry) for alt, entry in ALTERNATIVES[name].items()]
        jobs[(name, "main")] = (assignment, main, None, ())
        for module in assignment.modules:
            bugs = [impl(bug, entry) for bug, entry in BUGS[name].items()
                    if entry.module == module]
            if bugs:
                jobs[(name, module)] = (assignment, bugs, assignment.suite_paths(("hidden",)),
                                        ("-m", module))
        # every bug against the whole public suite: what a student's own run shows
        jobs[(name, "public")] = (assignment, [impl(bug, entry) for bug, entry
                                               in BUGS[name].items()],
                                  assignment.suite_paths(("public",)), ())
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(run_suites, impls, assignment, paths=paths, extra_args=extra)
                   for key, (assignment, impls, paths, extra) in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def records_of(results, assignment, impl, key="main"):
    records = [r for r in results[(assignment, key)] if r["impl"] == impl]
    assert records, f"no test ran for {impl}"
    return records


def describe(records):
    return "\n".join(f"{r['nodeid']}: {r['message']}" for r in records)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_passes_every_public_and_hidden_test(suite_results, assignment):
    records = records_of(suite_results, assignment, "reference")
    failed = [r for r in records if r["outcome"] != "passed" and not r["gpu"]]
    assert not failed, describe(failed)
    assert {r["suite"] for r in records} == {"public", "hidden"}
    assert {r["module"] for r in records} == set(ASSIGNMENTS[assignment].modules)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_gpu_parity_tests_are_the_only_ones_skipped_and_only_without_cuda(suite_results,
                                                                         assignment):
    import torch

    records = records_of(suite_results, assignment, "reference")
    skipped = [r for r in records if r["outcome"] == "skipped"]
    assert all(r["gpu"] for r in skipped), describe(skipped)
    if not torch.cuda.is_available():
        gpu = [r for r in records if r["gpu"]]
        assert gpu and all(r["outcome"] == "skipped" for r in gpu)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stubs_fail_every_graded_test_with_not_implemented_error(suite_results, assignment):
    records = [r for r in records_of(suite_results, assignment, "stubs")
               if r["outcome"] != "skipped"]
    wrong = [r for r in records if r["outcome"] != "failed" or r["error"] != "NotImplementedError"]
    assert not wrong, describe(wrong)


@pytest.mark.parametrize(("assignment", "name"), ALTERNATIVE_CASES)
def test_alternative_implementation_keeps_full_marks(suite_results, assignment, name):
    failed = [r for r in records_of(suite_results, assignment, f"alt-{name}")
              if r["outcome"] == "failed"]
    assert not failed, describe(failed)


@pytest.mark.parametrize(("assignment", "name"), BUG_CASES)
def test_bug_fails_a_hidden_test_of_its_module(suite_results, assignment, name):
    module = BUGS[assignment][name].module
    records = records_of(suite_results, assignment, name, key=module)
    caught = [r for r in records if r["outcome"] == "failed" and r["module"] == module]
    assert caught, f"no hidden test of {module} catches the bug zoo entry {name}"


# the words of the libraries' own assertion messages: no teaching in them
BOILERPLATE = {"Tensor", "likes", "Scalars", "are", "not", "close", "Mismatched", "elements",
               "Greatest", "absolute", "relative", "difference", "at", "index", "up", "to",
               "allowed", "DID", "NOT", "RAISE", "Not", "equal", "tolerance", "rtol", "atol",
               "Arrays", "Max"}


def teaches(message: str) -> bool:
    """More than an exception's type: words of the test's own after "Type:" (not
    "AssertionError: E", not "Tensor-likes are not close!" alone, not "DID NOT RAISE")."""
    said = message.split(":", 1)[1] if ":" in message.split(" ", 1)[0] else message
    own = [w for w in re.findall(r"[^\W\d_]{2,}", said) if w not in BOILERPLATE]
    return len(own) >= 2 and "DID NOT RAISE" not in said


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_public_test_is_failed_by_a_bug_and_its_failure_teaches(suite_results,
                                                                      assignment):
    """Each public test, run against a bug of the zoo that fails it, says in words what is
    wrong: the message that results.json, the summary, the PR comment and JUnit carry, whole
    (not only the exception's first line) and bounded."""
    public = {(r["file"], r["function"]) for r in records_of(suite_results, assignment,
                                                             "reference")
              if r["suite"] == "public" and r["outcome"] != "skipped"}
    failing = [r for r in suite_results[(assignment, "public")] if r["outcome"] == "failed"]
    caught = {(r["file"], r["function"]) for r in failing}
    assert not public - caught, f"no bug of the zoo fails these public tests: " \
                                f"{sorted(public - caught)}"
    mute = [r for r in failing if not teaches(r["message"])]
    assert not mute, describe(mute)
    assert max(len(r["message"]) for r in failing) <= seam.TEACHING_LIMIT


def zoo_counts(assignment: str) -> str:
    """The zoo README's count sentence, made from the tree: "N bugs (module n, ...) and M
    alternatives (module m, ...)", modules in the manifest's order."""
    modules = ASSIGNMENTS[assignment].modules
    parts = []
    for word, found in (("bugs", BUGS[assignment]), ("alternatives", ALTERNATIVES[assignment])):
        counts = Counter(entry.module for entry in found.values())
        each = ", ".join(f"{module} {counts[module]}" for module in modules if counts[module])
        parts.append(f"{sum(counts.values())} {word} ({each})")
    return " and ".join(parts)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_zoos_cover_every_module_with_the_entries_the_zoo_readme_lists(assignment):
    bugs, alternatives = BUGS[assignment], ALTERNATIVES[assignment]
    assert {entry.module for entry in bugs.values()} == set(ASSIGNMENTS[assignment].modules), (
        "a bug for every module")
    readme = (ASSIGNMENTS[assignment].zoo / "README.md").read_text(encoding="utf-8")
    prose = " ".join(readme.split())
    assert zoo_counts(assignment) in prose, f"the zoo README must say: {zoo_counts(assignment)}"
    hostile = validate.hostile_cases(ASSIGNMENTS[assignment])  # patch files and folders
    assert f"{len(hostile)} hostile submissions" in prose, (
        f"the zoo README must count the {len(hostile)} hostile submissions")
    for kind, found in (("bug", bugs), ("alternative", alternatives)):
        for name in found:
            assert f"| {kind} | `{name}` |" in readme, f"{name}: not in the zoo README's table"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_scores_reference_full_marks_and_stubs_zero(suite_results, assignment):
    rubric_ = load_rubric(assignment)
    main = suite_results[(assignment, "main")]
    reference, _ = score_records(main, rubric_, impl="reference")
    stubs, _ = score_records(main, rubric_, impl="stubs")
    possible = sum(t.max_score for t in reference)
    assert possible > 0
    assert sum(t.score for t in reference) == pytest.approx(possible)
    assert sum(t.score for t in stubs) == 0
    assert {t.max_score for t in stubs} == {t.max_score for t in reference}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_rubric_gives_points_to_exactly_the_existing_tests_and_the_handout_agrees(assignment):
    assert rubric.check(assignment) == []
    handout = rubric.handout_path(assignment).read_text(encoding="utf-8")
    assert rubric.render_handout(assignment, handout) == handout, (
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
    # module files only: the notebook counts, absent, at 0 of its points (100 / 120 for a1),
    # the numbers the README states (tests/test_docs.py)
    reference, maximum = demo.marks()
    assert f"score: {reference:g} / {maximum:g}" in blocks["reference reference"]
    assert f"score: 0 / {maximum:g}" in blocks["stubs stubs"]
    assert f"score: {reference:g} / {maximum:g}" not in blocks["bug logistic_where_nan_grad"]
    hostile = [b for name, b in blocks.items() if name.startswith("hostile")]
    assert hostile and all("FLAG" in block for block in hostile)


def test_reference_relu_slope_at_zero_is_the_lectures_zero():
    """The reference's autograd derivative of relu at exactly 0 agrees with its own relu_grad,
    the lecture ("use 0 at x = 0") and torch; the contract leaves it ungraded for students."""
    import torch

    from solutions.a1_neurons import activations

    for dtype in (torch.float32, torch.float64):
        x = torch.tensor([-1.0, -0.0, 0.0, 2.0], dtype=dtype, requires_grad=True)
        (slope,) = torch.autograd.grad(activations.relu(x).sum(), x)
        assert slope.tolist() == activations.relu_grad(x.detach()).tolist() == [0, 0, 0, 1]
        y = torch.tensor(0.0, dtype=dtype, requires_grad=True)
        torch.relu(y).backward()
        assert y.grad.item() == slope[2].item()
    assert activations.relu(torch.tensor(float("nan"))).isnan()
