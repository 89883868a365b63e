"""The reference standing in for the modules a module imports (``autograder.standin``): a bug
costs points once, where it is, and the rubric's ``dependencies = "own"`` keeps the old way."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import patches, standin
from autograder.assignment import load
from autograder.proxy import SandboxImplementation
from autograder.scoring import load_rubric
from autograder.seam import ImplementationImportError
from autograder.suites.a1_neurons import oracles

ROOT = Path(__file__).resolve().parent.parent
A1 = load("a1_neurons")
X = np.linspace(0.0, 1.0, 12)
T = np.sin(2 * np.pi * X) + 0.1 * np.cos(7 * X)


def submission(tmp_path: Path, entry: str | None = None, **files: str) -> Path:
    """The reference's module files, with a zoo bug applied or files replaced."""
    folder = tmp_path / "submission"
    folder.mkdir()
    for module in A1.module_files:
        shutil.copyfile(A1.solutions / module, folder / module)
    if entry:
        patched = patches.apply(patches.read_entry(A1.zoo / "bugs" / f"{entry}.py"),
                                A1.solutions, tmp_path / "zoo")
        for file in patched.glob("*.py"):
            shutil.copyfile(file, folder / file.name)
    for module, text in files.items():
        (folder / f"{module}.py").write_text(text)
    return folder


def sandboxed(folder: Path, mode: str) -> SandboxImplementation:
    reference = standin.reference_of(A1) if mode == "reference" else None
    return SandboxImplementation("s", [folder], A1.modules, A1.init_file, reference=reference)


def test_only_the_modules_before_the_one_under_test_stand_in():
    functions = standin.reference_of(A1)["functions"]
    order = list(A1.modules)
    plan = standin.plan(order, functions, "regularization")
    assert list(plan) == order[:order.index("regularization")]
    assert "design_matrix" in plan["polyfit"] and "rms_error" in plan["loss"]
    assert not any(name.startswith("_") for names in plan.values() for name in names)
    assert standin.plan(order, functions, order[0]) == {}
    assert standin.plan(order, functions, None) == {}  # tests of no module: nothing stands in
    assert load_rubric(A1).dependencies == "reference"


def test_the_rubric_says_which_way_and_refuses_anything_else(tmp_path):
    rubric = tmp_path / "a1_neurons.toml"
    rubric.write_text('assignment = "a1_neurons"\ndependencies = "own"\n')
    assert load_rubric(A1, rubric).dependencies == "own"
    rubric.write_text('assignment = "a1_neurons"\ndependencies = "mine"\n')
    with pytest.raises(ValueError, match=r"a1_neurons.toml: dependencies must be one of "
                       r"reference, own, got 'mine'"):
        load_rubric(A1, rubric)


@pytest.mark.parametrize("mode", ["reference", "own"])
def test_a_bug_in_polyfit_costs_regularization_only_through_the_students_own(tmp_path, mode):
    impl = sandboxed(submission(tmp_path, "design_vander_decreasing"), mode)
    try:
        impl.start_group("regularization")
        w = impl.regularization.fit_ridge(X, T, 3, 1e-3)
        assert np.allclose(w, oracles.svd_ridge(X, T, 3, 1e-3)) == (mode == "reference")
        # a test may still call polyfit itself: that is the student's own, in every mode
        assert not np.allclose(impl.polyfit.design_matrix(X, 3)[:, 0], 1.0)
        impl.start_group("polyfit")  # the module under test is always the student's own
        assert not np.allclose(impl.polyfit.design_matrix(X, 3)[:, 0], 1.0)
    finally:
        impl.close()


@pytest.mark.parametrize("mode", ["reference", "own"])
def test_a_polyfit_that_cannot_be_imported_costs_regularization_nothing(tmp_path, mode):
    impl = sandboxed(submission(tmp_path, polyfit="def design_matrix(x, M:\n"), mode)
    try:
        impl.start_group("regularization")
        if mode == "own":
            with pytest.raises(ImplementationImportError, match="polyfit"):
                impl.regularization.fit_ridge(X, T, 2, 1e-3)
        else:
            w = impl.regularization.fit_ridge(X, T, 2, 1e-3)
            assert np.allclose(w, oracles.svd_ridge(X, T, 2, 1e-3))
    finally:
        impl.close()


REGULARIZATION_WITH_HELPER = """
import numpy as np
from .polyfit import _powers, design_matrix
from .loss import rms_error


def l2_penalty(w, lam):
    return 0.5 * lam * float(np.sum(np.asarray(w, dtype=np.float64) ** 2))


def fit_ridge(x, t, M, lam):
    assert _powers(M) == list(range(M + 1))  # the student's own helper
    Phi = design_matrix(x, M)
    A = Phi.T @ Phi + lam * np.eye(M + 1)
    return np.linalg.solve(A, Phi.T @ np.asarray(t, dtype=np.float64))


def select_lambda(x_train, t_train, x_val, t_val, M, lambdas):
    errors = [rms_error(design_matrix(x_val, M) @ fit_ridge(x_train, t_train, M, lam), t_val)
              for lam in lambdas]
    return lambdas[int(np.argmin(errors))]
"""


def test_the_students_helpers_and_bad_arguments_stay_theirs(tmp_path):
    polyfit = (A1.solutions / "polyfit.py").read_text() + (
        "\n\ndef _powers(M):\n    return list(range(M + 1))\n")
    impl = sandboxed(submission(tmp_path, polyfit=polyfit,
                                regularization=REGULARIZATION_WITH_HELPER), "reference")
    try:
        impl.start_group("regularization")
        w = impl.regularization.fit_ridge(X, T, 3, 1e-3)
        assert np.allclose(w, oracles.svd_ridge(X, T, 3, 1e-3), atol=1e-6)
        lam = impl.regularization.select_lambda(X, T, X[::-1], T[::-1], 3, [1e-6, 1e-3, 1.0])
        assert lam in (1e-6, 1e-3, 1.0)
        # the reference's error crosses as itself, without the reference's file and line
        with pytest.raises(ValueError) as raised:
            impl.regularization.fit_ridge(X, T, -1, 1e-3)
        said = str(raised.value)
        assert said.startswith("design_matrix: M must be") and "polyfit.py" not in said
        assert "(raised in regularization.py, line " in said  # the student's line
    finally:
        impl.close()


def test_a_missing_helper_names_the_file_it_was_looked_for_in(tmp_path):
    impl = sandboxed(submission(tmp_path, regularization=REGULARIZATION_WITH_HELPER),
                     "reference")
    try:
        impl.start_group("regularization")
        with pytest.raises(ImplementationImportError, match=r"_powers.*polyfit"):
            impl.regularization.fit_ridge(X, T, 3, 1e-3)
    finally:
        impl.close()


def test_a_star_import_and_a_call_beyond_the_contracts_signature_use_the_students_own(
        tmp_path):
    """A student's polyfit may take more than the contract (an extra keyword) and another
    file may use it, or import everything with ``*``: the reference answers only the calls the
    contract's signature takes, and a star import brings the student's public helpers too."""
    polyfit = (A1.solutions / "polyfit.py").read_text().replace(
        "def design_matrix(x, M):", "def design_matrix(x, M, increasing=True):") + (
        "\n\ndef powers(M):\n    return list(range(M + 1))\n")
    regularization = REGULARIZATION_WITH_HELPER.replace(
        "from .polyfit import _powers, design_matrix", "from .polyfit import *").replace(
        "_powers(M)", "powers(M)").replace(
        "Phi = design_matrix(x, M)", "Phi = design_matrix(x, M, increasing=True)")
    impl = sandboxed(submission(tmp_path, polyfit=polyfit, regularization=regularization),
                     "reference")
    try:
        impl.start_group("regularization")
        w = impl.regularization.fit_ridge(X, T, 3, 1e-3)
        assert np.allclose(w, oracles.svd_ridge(X, T, 3, 1e-3), atol=1e-6)
    finally:
        impl.close()


def test_stand_ins_asked_from_the_students_threads_answer_each(tmp_path):
    regularization = REGULARIZATION_WITH_HELPER.replace(
        "from .polyfit import _powers, design_matrix", "from .polyfit import design_matrix\n"
        "from concurrent.futures import ThreadPoolExecutor").replace(
        "    assert _powers(M) == list(range(M + 1))  # the student's own helper\n", "").replace(
        "    Phi = design_matrix(x, M)\n", "    with ThreadPoolExecutor(8) as pool:\n"
        "        shapes = list(pool.map(lambda m: design_matrix(x, m).shape, range(40)))\n"
        "    assert shapes == [(len(x), m + 1) for m in range(40)], shapes\n"
        "    Phi = design_matrix(x, M)\n")
    impl = sandboxed(submission(tmp_path, regularization=regularization), "reference")
    try:
        impl.start_group("regularization")
        w = impl.regularization.fit_ridge(X, T, 3, 1e-3)
        assert np.allclose(w, oracles.svd_ridge(X, T, 3, 1e-3), atol=1e-6)
    finally:
        impl.close()


class _Recorder:
    def __init__(self):
        self.calls = []

    def request(self, header, buffers, seconds, what):
        self.calls.append(header)
        return {"result": 1}, []


def test_the_grader_answers_only_for_this_groups_stand_ins():
    """A submission may write its own questions into the pipe: only a function the reference
    stands in for (a module before the one under test) is ever run."""
    reference = _Recorder()
    allowed = {"polyfit": {"design_matrix": [["x", 1, False], ["M", 1, False]]}}
    for question in ({"module": "regularization", "function": "fit_ridge"},
                     {"module": "polyfit", "function": "_private"},
                     {"module": ["polyfit"], "function": "design_matrix"}, "not a dict"):
        reply, out = standin.answer(reference, allowed, question, [], 5.0)
        assert reply["error"]["type"] == "RuntimeError" and out == []
    assert reference.calls == []
    reply, _ = standin.answer(reference, allowed, {"module": "polyfit", "function":
                                                   "design_matrix", "args": [], "kwargs": {}},
                              [], 5.0)
    assert reply == {"result": 1} and len(reference.calls) == 1


def test_the_submissions_worker_never_receives_the_reference(tmp_path):
    impl = sandboxed(submission(tmp_path, "design_vander_decreasing"), "reference")
    try:
        impl.start_group("splits")
        sent = json.dumps([impl.sandbox.files, impl.sandbox.stand_ins])
        body = (A1.solutions / "regularization.py").read_text().split('"""')[-1]
        assert body.strip() and body.strip() not in sent
        assert set(impl.sandbox.stand_ins) == {"activations", "neuron", "loss", "polyfit",
                                               "regularization"}
    finally:
        impl.close()


@pytest.mark.slow
def test_grade_charges_a_polyfit_bug_to_polyfit_alone(tmp_path):
    folder = submission(tmp_path, "design_vander_decreasing")
    out = tmp_path / "results.json"
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "-o",
                             str(out)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    results = json.loads(out.read_text())
    lost = {t["tags"][0] for t in results["tests"] if t["score"] < t["max_score"]}
    assert lost == {"polyfit", "notebook"}  # the notebook is absent here
    assert results["extra_data"]["dependencies"] == "reference"
    assert "in place of the modules it imports" in results["output"]


def test_the_graders_half_never_imports_torch():
    """``batch`` and ``pipeline`` decide whether the reference stands in without torch (its
    import costs seconds in the process that only schedules the grading)."""
    code = ("import sys, autograder.batch, autograder.pipeline, autograder.standin; "
            "sys.exit('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_a_question_asked_again_is_answered_from_the_store():
    """The reference is a function of its arguments: a question asked again gets the stored
    answer without a second hop (the same reply and buffers); another argument, another error
    or another function is asked afresh, and a refusal is never stored."""
    class Reference(_Recorder):
        def request(self, header, buffers, seconds, what):
            self.calls.append(header)
            if header["args"] == ["bad"]:
                return {"error": {"type": "ValueError", "message": "ValueError: bad"}}, []
            return {"result": len(self.calls), "extra": "dropped"}, [b"data", *buffers]

    reference, answers = Reference(), standin.Answers()
    allowed = {"polyfit": {"design_matrix": [], "fit_polynomial": []}}

    def ask(function="design_matrix", args=(1,), buffers=(b"x",), seconds=5.0):
        return standin.answer(reference, allowed, {"module": "polyfit", "function": function,
                                                   "args": list(args), "kwargs": {}},
                              list(buffers), seconds, answers)

    first = ask()
    assert first == ({"result": 1}, [b"data", b"x"])
    assert ask() == first and len(reference.calls) == 1
    first[1].append(b"changed by the caller")  # a caller's change never reaches the store
    assert ask() == ({"result": 1}, [b"data", b"x"])
    assert ask(buffers=(b"y",))[0] == {"result": 2}
    assert ask(args=(2,))[0] == {"result": 3}
    assert ask(function="fit_polynomial")[0] == {"result": 4}
    assert ask(args=("bad",))[0]["error"]["type"] == "ValueError"
    assert ask(args=("bad",))[0]["error"]["type"] == "ValueError" and len(reference.calls) == 5
    assert ask(seconds=0)[0]["error"]["message"].startswith("RuntimeError: no time left")
    assert answers.answered_from_store == 3
    small = standin.Answers(limit=10)  # past its limit a store keeps nothing more
    standin.answer(reference, allowed, {"module": "polyfit", "function": "design_matrix",
                                        "args": [9], "kwargs": {}}, [b"z" * 20], 5.0, small)
    assert small.stored == {}
