"""autograder grade: command line, results.json in Gradescope's format, the other outputs,
determinism, the secret seed, and the sandbox's basic guarantees."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder import collect, flags, grade, patches, pytest_report, report, scoring, wire
from autograder.assignment import load
from autograder.proxy import SandboxImplementation

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "solutions" / "a1_neurons"
INIT = ROOT / "assignments" / "a1_neurons" / "__init__.py"
ZOO = ROOT / "autograder" / "zoo" / "a1_neurons"


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True,
                          text=True, cwd=kwargs.get("cwd", ROOT), check=False)


def submission_from(tmp_path: Path, override: Path | None = None) -> Path:
    target = tmp_path / "submission"
    # module files only: the notebook part has its own tests (tests/test_notebook.py)
    shutil.copytree(REFERENCE, target, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    if override is not None:
        for file in override.glob("*.py"):
            shutil.copy2(file, target / file.name)
    return target


@pytest.mark.parametrize("args, problem", [
    (["grade", "/no/such/dir"], "no such directory"),
    (["grade", "solutions/a1_neurons", "--assignment", "a9_nope"], "no assignment 'a9_nope'"),
])
def test_unusable_arguments_exit_2_with_one_line(args, problem):
    result = autograder(*args)
    assert result.returncode == 2
    assert problem in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def graded_bug(tmp_path_factory):
    """A submission with one realistic bug, graded twice through the command line."""
    tmp = tmp_path_factory.mktemp("graded")
    bug = patches.read_entry(ZOO / "bugs" / "design_vander_decreasing.py")
    submission = submission_from(tmp, patches.apply(bug, REFERENCE, tmp / "zoo"))
    (submission / "conftest.py").write_text("raise SystemExit('not mine')\n")
    outputs = []
    for run in range(2):
        out = tmp / f"run{run}"
        result = autograder("grade", str(submission), "-o", str(out / "results.json"),
                            "--markdown", str(out / "summary.md"), "--junit",
                            str(out / "junit.xml"))
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append((out, result.stdout))
    return outputs


@pytest.mark.slow
def test_results_json_follows_gradescopes_format(graded_bug):
    out, _ = graded_bug[0]
    results = json.loads((out / "results.json").read_text())
    assert {"score", "execution_time", "output", "tests", "extra_data"} <= results.keys()
    assert results["output_format"] == "md" and results["stdout_visibility"] == "hidden"
    extra = results["extra_data"]
    assert extra["assignment"] == "a1_neurons" and extra["grader_version"]
    assert 0 < results["score"] < extra["max_score"]
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    assert extra["max_score"] == pytest.approx(sum(t["max_score"] for t in results["tests"]))
    for test in results["tests"]:
        assert {"name", "number", "score", "max_score", "status", "output", "visibility",
                "tags"} <= test.keys()
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] == ("visible" if "public" in test["tags"] else "after_due_date")
        assert test["tags"][0] in ("activations", "neuron", "loss", "polyfit", "regularization",
                                   "splits", "notebook")  # its checks, absent: 0 of their points
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and {t["tags"][0] for t in failed} >= {"polyfit"}
    kinds = {f["kind"] for f in extra["flags"]}
    assert "ignored-files" in kinds  # the conftest.py
    assert all({"kind", "module", "message"} <= f.keys() for f in extra["flags"])
    assert "ignored-files" in results["output"]


@pytest.mark.slow
def test_grading_is_deterministic(graded_bug):
    (first, _), (second, _) = graded_bug
    a, b = (json.loads((d / "results.json").read_text()) for d in (first, second))
    assert a["score"] == b["score"]
    assert [(t["name"], t["score"], t["output"]) for t in a["tests"]] == [
        (t["name"], t["score"], t["output"]) for t in b["tests"]]


@pytest.mark.slow
def test_markdown_junit_and_terminal_outputs(graded_bug):
    out, stdout = graded_bug[0]
    markdown = (out / "summary.md").read_text()
    assert markdown.startswith("## a1_neurons: public tests") and "| **total** |" in markdown
    assert "hidden tests also ran" in markdown
    root = ET.fromstring((out / "junit.xml").read_bytes())
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"a1_neurons.public", "a1_neurons.hidden"}
    assert int(suites["a1_neurons.hidden"].get("failures")) > 0
    assert "polyfit" in stdout and "score:" in stdout and "FLAG ignored-files" in stdout


def test_seed_depends_on_secret_and_submission(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SECRET", "one")
    a, b = grade.derive_seed("x" * 64), grade.derive_seed("y" * 64)
    monkeypatch.setenv("AUTOGRADER_SECRET", "two")
    c = grade.derive_seed("x" * 64)
    assert len({a, b, c}) == 3
    monkeypatch.setenv("AUTOGRADER_SECRET", "one")
    assert grade.derive_seed("x" * 64) == a


def test_collect_takes_only_module_files_and_lists_the_rest(tmp_path):
    submission = submission_from(tmp_path)
    (submission / "conftest.py").write_text("x = 1\n")
    (submission / "helpers.py").write_text("x = 1\n")
    (submission / "evil.pth").write_text("import os\n")
    (submission / "activations.py").unlink()
    (submission / "activations.py").symlink_to(REFERENCE / "activations.py")
    found = collect.collect(submission, "a1_neurons")
    assert "activations.py" not in found.files and len(found.files) == 5
    assert any("symlink" in m for m in found.missing)
    assert {"conftest.py", "helpers.py", "evil.pth"} <= {i.split(" ")[0] for i in found.ignored}


def test_collect_finds_the_package_in_a_student_checkout(tmp_path):
    package = tmp_path / "assignments" / "a1_neurons"
    shutil.copytree(REFERENCE, package)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --collect-only\n")
    found = collect.collect(tmp_path, "a1_neurons")
    assert found.package_dir == package and len(found.files) == 6
    assert any(i.startswith("pytest.ini") for i in found.ignored)


def test_static_scan_flags_what_the_assignment_never_needs():
    found = flags.static_flags({"loss.py": "import subprocess\nopen('/etc/passwd')\n",
                                "polyfit.py": "import numpy as np\n"})
    assert [f["module"] for f in found] == ["loss"]
    assert "subprocess" in found[0]["message"] and "open" in found[0]["message"]


def test_declared_and_forbidden_api_flags_come_from_the_records_facts_not_their_text():
    leak = {"kind": "test-set-leakage", "message": "the test split changed the model"}
    records = [
        {"function": "test_any_name", "outcome": "failed", "error": "AssertionError",
         "message": "", "module": "splits", "flag": leak},
        {"function": "test_other", "outcome": "failed", "error": "AssertionError",
         "message": "", "module": "splits", "flag": leak},
        {"function": "test_nondeterministic", "outcome": "failed", "module": "splits",
         "error": "NotDeterministicError", "message": "", "flag": leak},  # not a finding
        {"function": "test_passes", "outcome": "passed", "error": None, "message": "",
         "module": "splits", "flag": leak},
        {"function": "test_logistic_values", "outcome": "failed", "error": "ForbiddenAPIError",
         "message": "a message that names loss.py calls torch's 'mse_loss'",  # never parsed
         "module": "neuron", "facts": {"module": "activations", "api": "sigmoid"}},
    ]
    kinds = {f["kind"]: f for f in flags.record_flags(records)}
    assert set(kinds) == {"test-set-leakage", "forbidden-api"}
    assert kinds["test-set-leakage"]["module"] == "splits"
    assert kinds["test-set-leakage"]["message"] == (
        "the test split changed the model (2 checks failed).")
    assert kinds["forbidden-api"]["module"] == "activations"
    assert "sigmoid" in kinds["forbidden-api"]["message"]
    assert "mse_loss" not in kinds["forbidden-api"]["message"]


def test_the_forbidden_call_crosses_the_sandbox_as_data():
    from autograder import proxy, worker
    from autograder.seam import ForbiddenAPIError

    sent = worker.describe_error(ForbiddenAPIError("activations", "sigmoid"))
    assert (sent["module"], sent["api"]) == ("activations", "sigmoid")
    rebuilt = proxy._rebuild_error(sent, "neuron")
    assert isinstance(rebuilt, ForbiddenAPIError)
    assert (rebuilt.module, rebuilt.api) == ("activations", "sigmoid")
    assert pytest_report.error_facts(rebuilt) == {"module": "activations", "api": "sigmoid"}


def test_resource_limits_crashes_and_events_are_read_from_facts_not_from_words():
    """Issue 27: a limit the submission ran into is known by the type its error had over there
    and its errno, carried across the sandbox; an exit by its cause; an event by its module."""
    import errno

    from autograder import proxy, worker
    from autograder.sandbox import SandboxCrashError

    for error, sign in ((BlockingIOError(errno.EAGAIN, "no more processes"), "processes"),
                        (OSError(errno.EMFILE, "no more files"), "open files"),
                        (MemoryError(), "memory")):
        rebuilt = proxy._rebuild_error(worker.describe_error(error), "neuron")
        record = {"function": "test_f", "outcome": "failed", "module": "neuron",
                  "error": type(rebuilt).__name__, "message": "words that say nothing",
                  "facts": pytest_report.error_facts(rebuilt)}
        (found,) = flags.record_flags([record])
        assert found["kind"] == "resource-limit" and sign in found["message"]
    liar = {"function": "test_f", "outcome": "failed", "module": "neuron", "message":
            "AssertionError: MemoryError, Too many open files", "error": "AssertionError"}
    assert flags.record_flags([liar]) == []  # the words of a message decide nothing
    crash = SandboxCrashError("the words of a crash", "exit")
    impl = SandboxImplementation.__new__(SandboxImplementation)
    impl.sandbox = type("Events", (), {"events": []})()
    impl._record(crash, "loss")
    impl._record(SandboxCrashError("the submission's process exited during it"), "loss")
    assert [e["kind"] for e in impl.sandbox.events] == ["tampering", "resource-limit"]
    events = [{"kind": "tampering", "module": "splits", "call": "loss.sum_of_squares_error",
               "message": "patched builtins"}]
    assert flags.event_flags(events)[0]["module"] == "splits"  # its module, not its call's text


def test_markdown_escapes_student_controlled_text():
    test = scoring.TestScore("public", "test_x.py", "test_x", "loss", False, 1.0, total=1,
                     messages=["<img src=x> [link](http://evil) `code` # heading"])
    outcome = report.Outcome("a1_neurons", [test], [], [], 1.0)
    text = report.markdown(outcome)
    assert "- `loss: x`: ``<img src=x> [link](http://evil) `code` # heading``" in text
    rendered = re.sub(r"(`+)(.+?)(?<!`)\1(?!`)", " ", text)  # what is not a code span
    for raw in ("<img", "[link]", "](", "code", "# heading"):  # only inside the code span
        assert raw not in rendered, rendered


def test_wire_refuses_objects_that_are_not_plain_data():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    with pytest.raises(wire.WireError):
        wire.encode(AlwaysEqual(), [])
    buffers: list[bytes] = []
    sub = torch.ones(3).as_subclass(type("Sneaky", (torch.Tensor,), {}))
    header = wire.encode([sub, np.arange(3)], buffers)
    decoded = wire.decode(header, buffers)
    assert type(decoded[0]) is torch.Tensor and torch.equal(decoded[0], torch.ones(3))


@pytest.mark.slow
def test_student_code_runs_only_in_the_sandbox_process(tmp_path):
    submission = submission_from(tmp_path)
    with (submission / "activations.py").open("a", encoding="utf-8") as module:
        module.write("\n\ndef where_am_i():\n    import os\n\n    return os.getpid()\n")
    impl = SandboxImplementation("s", [submission], load("a1_neurons").modules, INIT)
    try:
        x = torch.linspace(-3, 3, 7, requires_grad=True)
        y = impl.activations.logistic(x)
        y.sum().backward()  # backward runs over there too
        assert torch.allclose(x.grad, torch.sigmoid(x) * (1 - torch.sigmoid(x)))
        loaded = [m for m in list(sys.modules.values())
                  if str(getattr(m, "__file__", "") or "").startswith(str(submission))]
        assert loaded == []
        # the student's own code reports the process it runs in: not this one
        where = impl.activations.where_am_i()
        assert isinstance(where, int) and where != os.getpid()
        assert impl.sandbox.process.poll() is None, "the worker process is alive"
    finally:
        impl.close()


@pytest.mark.slow
def test_slow_and_memory_hungry_functions_pay_for_themselves():
    """A correct activations.py that takes 9.5 s a call (never a time-out) and an l2_penalty that
    fills memory on every call: each loses only its own tests (and, for the activations, the
    tests that pass one in), is flagged, says why in its failures, and the grade ends within two
    minutes (the function and module time budgets; no call again after two memory errors)."""
    from autograder import validate

    names = {"slow_activations", "memory_hog_per_call"}
    cases = [c for c in validate.cases(load("a1_neurons")) if c.name in names]
    assert {c.name for c in cases} == names
    for case, text, uid in validate.grade_cases(cases, "a1_neurons", jobs=2, uid_base=20):
        results = json.loads(text)
        assert validate.check(case, results, text, uid, []) == [], case.name
        assert results["execution_time"] < 120, case.name
        outputs = " ".join(t["output"] for t in results["tests"] if t["status"] == "failed")
        flags_text = " ".join(f["message"] for f in results["extra_data"]["flags"])
        if case.name == "slow_activations":
            assert "time budget" in outputs and "activations." in flags_text
        else:
            assert "not called again" in outputs and "l2_penalty" in outputs


def test_the_workers_random_state_fingerprint_sees_every_draw():
    """The worker fingerprints numpy's and torch's global random state around every call (a
    submission that draws from it is caught); numpy's Mersenne Twister is read in place."""
    import numpy as np
    import torch

    from autograder.worker import _global_rng_state as fingerprint

    saved_generator, saved_torch = np.random.get_bit_generator(), torch.get_rng_state()
    saved_numpy = np.random.get_state()
    try:
        before = fingerprint()
        assert fingerprint() == before, "no draw, the same fingerprint"
        np.random.random()
        drawn = fingerprint()
        assert drawn != before, "a numpy draw changes it"
        np.random.set_state(saved_numpy)
        assert fingerprint() == before, "the same state, the same fingerprint"
        torch.rand(1)
        assert fingerprint() != before, "a torch draw changes it"
        np.random.set_bit_generator(np.random.PCG64(1))  # another generator: the general way
        other = fingerprint()
        assert fingerprint() == other
        np.random.random()
        assert fingerprint() != other
    finally:
        np.random.set_bit_generator(saved_generator)
        np.random.set_state(saved_numpy)
        torch.set_rng_state(saved_torch)


def test_the_workers_tampering_fingerprint_compares_identities():
    """The worker fingerprints builtins and torch's comparison functions after every call by
    identity: a replacement whose ``__eq__`` claims equality is still a change, and taking the
    fingerprint calls no ``id()`` (an audit event, so a Python hook call each, in the worker)."""
    import builtins
    import sys

    import torch

    from autograder.worker import _fingerprint, _same

    class Liar:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    before = _fingerprint()
    assert _same(before, _fingerprint())
    saved_len, saved_allclose = builtins.len, torch.allclose
    try:
        builtins.len = Liar()
        assert not _same(before, _fingerprint()), "a patched builtin is a change"
        builtins.len = saved_len
        assert _same(before, _fingerprint())
        torch.allclose = Liar()
        assert not _same(before, _fingerprint()), "a patched torch.allclose is a change"
        torch.allclose = saved_allclose
        builtins.extra_name_from_a_submission = 1
        assert not _same(before, _fingerprint()), "a new builtin is a change"
    finally:
        builtins.len, torch.allclose = saved_len, saved_allclose
        vars(builtins).pop("extra_name_from_a_submission", None)
    assert _same(before, _fingerprint())
    events = []

    def hook(event, args):
        if event == "builtins.id":
            events.append(event)

    sys.addaudithook(hook)  # stays for this process; it only appends to a local list
    _fingerprint()
    assert events == []


ALIASING = '''

def same(x):
    return x


def view(x):
    return x[1:]


def fresh(x):
    return x.clone()


def same_array(a):
    return a


def row_of_array(a):
    return a[1]


def first_of_pair(x, y):
    return (y, x * 2)


def reads_a_value(x):
    return x * 2 if float(x.sum()) > 0 else x


def masked(x):
    y = x.clone()
    y[x < 0] = x[x < 0] * 0.5
    return y
'''


def test_a_result_that_is_an_argument_comes_back_as_the_callers_own(tmp_path):
    """The hidden suites' "a new tensor" checks must hold under sandboxed grading too: results
    cross the wire as fresh copies, so the worker says which are arguments or views of them and
    the grader hands back the caller's own tensor or array (or a view of it)."""
    from autograder.readguard import ValueReadError, guarded
    from autograder.suites.helpers import shares_memory

    submission = submission_from(tmp_path)
    with (submission / "activations.py").open("a", encoding="utf-8") as module:
        module.write(ALIASING)
    impl = SandboxImplementation("s", [submission], load("a1_neurons").modules, INIT)
    try:
        act = impl.activations
        for x in (torch.arange(4.0), torch.zeros(0), torch.tensor(2.0)):
            assert act.same(x) is x
            assert not shares_memory(act.fresh(x), x)
        x = torch.arange(6.0)
        y = act.view(x)
        assert shares_memory(y, x) and torch.equal(y, x[1:])
        y[0] = 100.0  # a view writes through, as it would in-process
        assert x[1] == 100.0
        assert shares_memory(act.view(torch.zeros(0)), torch.zeros(0)) is False
        empty = torch.zeros(0)
        assert shares_memory(act.view(empty), empty)
        a = np.arange(6.0).reshape(2, 3)
        assert act.same_array(a) is a
        row = act.row_of_array(a)
        assert shares_memory(row, a) and np.array_equal(row, [3.0, 4.0, 5.0])
        x, z = torch.ones(2, requires_grad=True), torch.zeros(3)
        first, second = act.first_of_pair(x, z)
        assert first is z and not shares_memory(second, x)
        second.sum().backward()  # the fresh result still differentiates over there
        assert torch.equal(x.grad, torch.full((2,), 2.0))
        # a guarded argument stays guarded in the worker: value reads are refused there
        with pytest.raises(ValueReadError):
            act.reads_a_value(guarded(torch.ones(3)))
        y = act.masked(guarded(torch.tensor([1.0, -2.0])))
        assert type(y) is torch.Tensor and torch.equal(y, torch.tensor([1.0, -1.0]))
        assert act.reads_a_value(torch.ones(3)).sum() == 6.0
        # the worker's meta device computes shapes for boolean masks, 0-d ones included
        for shape in ((), (0,), (2, 3)):
            y = act.masked(torch.empty(shape, device="meta"))
            assert y.device.type == "meta" and tuple(y.shape) == shape
    finally:
        impl.close()
