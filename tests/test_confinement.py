"""Confinement that does not depend on the host: where root cannot unshare (a default Docker
container, as on Gradescope; ``tests/dockerlike/run`` stands in for one), student code still
runs as an unprivileged uid that reaches no secret, under Landlock and a seccomp filter where
the kernel has them; a probe proves it before any student code runs, and hidden grading
refuses where it cannot. These tests need root (CI's), as the sandbox does."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder import cli, grade, probe, report, validate
from autograder.assignment import load
from autograder.gha.results import load_schema
from autograder.sandbox import DEFAULT_UID, UNCONFINED, kill_uid, processes_of

ROOT = Path(__file__).resolve().parent.parent
DOCKERLIKE = ROOT / "tests" / "dockerlike" / "run"
A1 = load("a1_neurons")
ESCAPE = next(c for c in validate.hostile_cases(A1) if c.name == "escape_without_namespaces")
SECRET = "a-course-secret-nobody-may-read-7f3a"
NOBODY = 65534

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox's uid switch needs root")


def test_kill_uid_needs_no_external_program_and_leaves_nothing_of_the_uid(tmp_path,
                                                                        monkeypatch):
    """Every process of the uid dies (a grandchild in a session of its own too), with no `kill`
    on the PATH, and what the uid left in /tmp goes, without following its symlinks."""
    uid = DEFAULT_UID + 2000
    outside = tmp_path / "root-owned.txt"
    outside.write_text("keep me\n")
    subprocess.Popen(["/bin/sh", "-c", "setsid sleep 600 & sleep 600"], user=uid, group=uid,
                     extra_groups=[], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    left = Path(tempfile.mkdtemp(prefix="autograder-test-left-"))
    (left / "link").symlink_to(outside)
    (left / "file").write_text("x")
    loose = Path(tempfile.mkstemp(prefix="autograder-test-loose-")[1])
    for path in (left, left / "file", loose):
        os.chown(path, uid, uid)
    os.lchown(left / "link", uid, uid)
    deadline = time.monotonic() + 10
    while len(processes_of(uid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(processes_of(uid)) >= 3
    monkeypatch.setenv("PATH", "/nonexistent")
    kill_uid(uid)
    assert processes_of(uid) == []
    assert not left.exists() and not loose.exists()
    assert outside.read_text() == "keep me\n"


def test_protect_closes_the_graders_folder_but_the_python_inside_it(tmp_path, monkeypatch):
    """Where no private root hides them, the grader makes its own files its owner's alone
    (never relying on the instructor's umask): every entry of its folder but the one that holds
    Python, and the folder itself keeps only others' search permission, so Python still runs."""
    tree = tmp_path / "course"
    for name in ("autograder/suites/a1", "solutions/a1", ".venv/bin", "docs"):
        (tree / name).mkdir(parents=True)
    (tree / "autograder/suites/a1/test_x.py").write_text("def test_x(): pass\n")
    (tree / "README.md").write_text("readme\n")
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    for path in (tree, *tree.rglob("*"), secret):
        path.chmod(0o755 if path.is_dir() else 0o644)
    monkeypatch.setattr(probe, "REPO", tree)
    monkeypatch.setattr(sys, "prefix", str(tree / ".venv"))
    monkeypatch.setenv("AUTOGRADER_SECRET_FILE", str(secret))
    changed = probe.protect()
    mode = {p: stat.S_IMODE(p.stat().st_mode) for p in (tree, *tree.iterdir(), secret)}
    assert mode[tree] == 0o711 and mode[tree / ".venv"] == 0o755
    assert all(mode[p] & 0o077 == 0 for p in (tree / "autograder", tree / "solutions",
                                               tree / "docs", tree / "README.md", secret))
    assert str(tree / ".venv") not in changed and str(tree / "solutions") in changed
    assert stat.S_IMODE((tree / "autograder/suites/a1/test_x.py").stat().st_mode) == 0o644
    paths = probe.secret_paths()
    assert tree / "autograder/suites" in paths and tree / "autograder/suites/a1/test_x.py" in paths
    assert secret in paths and probe.protect() == []  # closed once, then nothing to change


def test_a_hidden_grade_refuses_where_the_probe_reaches_a_secret(tmp_path, monkeypatch,
                                                                  capsys):
    """No silent unconfined run: a probe that reached a secret path ends hidden grading before
    any student code runs, with a one-line grader error naming the path and the fix, score 0
    and a non-zero exit; the public suite alone still runs."""
    reached = probe.Check(layers={"user": "uid 1", "limits": "memory"},
                          reached=[f"read {ROOT / 'solutions'}"])
    monkeypatch.setattr(probe, "prepare", lambda private=(), outputs=(): reached)
    submission = tmp_path / "mine"
    submission.mkdir()
    for module in A1.module_files:
        shutil.copyfile(A1.solutions / module, submission / module)
    out = tmp_path / "results.json"
    started = time.monotonic()
    assert cli.main(["grade", str(submission), "-o", str(out), "--assignment",
                     "a1_neurons"]) == 1
    assert time.monotonic() - started < 10  # nothing ran
    results = json.loads(out.read_text())
    error = results["extra_data"]["grader_error"]
    assert error.startswith("the autograder is misconfigured (your instructor has been told)")
    assert f"read {ROOT / 'solutions'}" in error and "fix: " in error and "\n" not in error
    assert results["score"] == 0 and results["extra_data"]["confinement"] == {
        "layers": {"user": "uid 1", "limits": "memory"}, "hidden_grading": "refused"}
    assert "misconfigured" in results["output"]
    assert "hidden grading refused" in capsys.readouterr().err
    public = report.results_json(grade.grade(submission, "a1_neurons", public_only=True))
    modules = [t for t in public["tests"] if "notebook" not in t["tags"]]
    assert public["extra_data"]["grader_error"] is None and modules
    assert sum(t["score"] for t in modules) == sum(t["max_score"] for t in modules)


def test_probes_of_grades_that_start_together_do_not_kill_each_other():
    """validate grades two submissions at once: their probes share the probe's uid, and each
    ends by killing that uid's processes, so they take turns."""
    import threading

    checks = []
    threads = [threading.Thread(target=lambda: checks.append(probe.prepare()))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [check.problem for check in checks] == [None] * 4


def test_a_probe_that_cannot_run_refuses_hidden_grading(monkeypatch):
    """No proof, no hidden grading: a probe whose process stops before it answers is the
    grader's own failure, said in one line, never taken for a safe machine."""
    monkeypatch.setattr(sys, "executable", "/bin/false")
    check = probe.prepare()
    assert not check.safe and check.error.startswith("the probe's process stopped (exit status 1)")
    refusal = check.refusal()
    assert "hidden grading refused: the confinement probe failed" in refusal
    assert "autograder doctor" in refusal and "\n" not in refusal


def test_a_batch_refuses_every_student_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    """The same refusal for a class: every result says why, nothing ran, exit 1; the class's
    own folders are among what the probe must not reach."""
    asked = {}

    def refuse(private=(), outputs=()):
        asked.update(private=[Path(p) for p in private], outputs=[Path(p) for p in outputs])
        return probe.Check(layers={"limits": "memory"}, reached=["read /somewhere/secret"])

    monkeypatch.setattr(probe, "prepare", refuse)
    submissions = tmp_path / "submissions"
    for student in ("alice", "bob"):
        (submissions / student).mkdir(parents=True)
        for module in A1.module_files:
            shutil.copyfile(A1.solutions / module, submissions / student / module)
    out = tmp_path / "class"
    assert cli.main(["batch", str(submissions), "-o", str(out), "--assignment",
                     "a1_neurons"]) == 1
    assert "hidden grading refused" in capsys.readouterr().err
    for student in ("alice", "bob"):
        result = json.loads((out / "results" / f"{student}.json").read_text())
        assert "hidden grading refused: student code could read /somewhere/secret" in result[
            "extra_data"]["grader_error"] and result["score"] == 0
    assert asked == {"private": [submissions, out], "outputs": [out]}


@pytest.mark.slow
def test_without_namespaces_root_grades_as_an_unprivileged_uid_with_every_layer_recorded(
        tmp_path):
    """Root without namespaces (tests/dockerlike/run, as in a default Docker container): the
    reference still gets full marks, its code ran as a uid of its own under Landlock and
    seccomp, results.json says so, and no note tells anyone the code ran unconfined."""
    submission = tmp_path / "mine"
    submission.mkdir()
    for module in A1.module_files:
        shutil.copyfile(A1.solutions / module, submission / module)
    out = tmp_path / "results.json"
    run = subprocess.run([str(DOCKERLIKE), sys.executable, "-m", "autograder", "grade",
                          str(submission), "-o", str(out), "--assignment", "a1_neurons"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "Traceback" not in run.stdout + run.stderr
    results = json.loads(out.read_text())
    confinement = results["extra_data"]["confinement"]
    assert confinement["hidden_grading"] == "safe"
    assert "network" not in confinement["layers"]
    assert {"user", "landlock", "seccomp", "limits"} <= set(confinement["layers"])
    assert not results["extra_data"]["notes"] and not results["extra_data"]["flags"]
    modules = [t for t in results["tests"] if "notebook" not in t["tags"]]
    assert sum(t["score"] for t in modules) == pytest.approx(sum(t["max_score"]
                                                                 for t in modules))


# -- the Gradescope zip, where Gradescope runs it ---------------------------------------------

@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gradescope")
    secret = folder / "secret.txt"
    secret.write_text(SECRET + "\n")
    assert cli.main(["gradescope", "-o", str(folder / "autograder.zip"), "--assignment",
                     "a1_neurons", "--secret-file", str(secret)]) == 0
    return folder / "autograder.zip"


@pytest.fixture
def stand_in():
    """A stand-in /autograder where the sandbox could reach it: under /tmp, mode 0755 (pytest's
    own temporary folders are root's alone, which would hide everything anyway)."""
    top = Path(tempfile.mkdtemp(prefix="autograder-gs-"))
    top.chmod(0o755)
    yield top / "autograder"
    shutil.rmtree(top, ignore_errors=True)


def _unpack(package: Path, root: Path) -> None:
    (root / "source").mkdir(parents=True)
    root.chmod(0o755)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "source")
    for path in (root / "source", *(root / "source").rglob("*")):  # as an image's umask leaves it
        path.chmod(0o755 if path.is_dir() or path.name in ("setup.sh", "run_autograder")
                   else 0o644)
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)


def _hostile(folder: Path) -> Path:
    """The zoo's escape_without_namespaces entry on its base (the stubs), as validate makes it."""
    validate.materialize(ESCAPE, A1, folder)
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


def _forbidden_text() -> list[str]:
    """Lines of the hidden suite, and lines the reference has and the stubs do not."""
    text = []
    for path in A1.hidden_suite.glob("*.py"):
        text += [line.strip() for line in path.read_text().splitlines()
                 if len(line.strip()) > 40 and not set('"\\') & set(line)]
    for module in A1.module_files:
        stub = set((A1.stubs / module).read_text().splitlines())
        text += [line.strip() for line in (A1.solutions / module).read_text().splitlines()
                 if line not in stub and len(line.strip()) > 40 and not set('"\\') & set(line)]
    return text


def _rewriters() -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"autograder-escape-rewriter" in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize("layers_off", ["", "landlock"], ids=["every-layer", "no-landlock"])
def test_the_gradescope_zip_contains_a_hostile_submission_in_a_default_docker_container(
        package, stand_in, tmp_path, layers_off):
    """setup.sh and run_autograder under tests/dockerlike/run (root without namespaces, mounts
    or CAP_SYS_ADMIN, as Gradescope's Docker runs them), with a submission that looks for the
    secret, the hidden suite and the reference anywhere readable and raises them piece by piece,
    writes into source/ and results/, and leaves a process that rewrites results.json after the
    grader is done. With Landlock off the uid and the files' modes alone must hold."""
    root = stand_in
    _unpack(package, root)
    _hostile(root / "submission")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST_",
                                                                         "AUTOGRADER_"))},
           "AUTOGRADER_ROOT": str(root), "AUTOGRADER_VENV": sys.prefix}
    if layers_off:
        env["AUTOGRADER_LAYERS_OFF"] = layers_off
    for script in (root / "source" / "setup.sh", root / "run_autograder"):
        run = subprocess.run([str(DOCKERLIKE), "bash", str(script)], env=env,
                             capture_output=True, text=True, timeout=600, check=False)
        assert run.returncode == 0, run.stderr[-2000:]
    results_path = root / "results" / "results.json"
    text = results_path.read_text()
    results = json.loads(text)
    jsonschema.Draft202012Validator(load_schema()).validate(results)
    extra = results["extra_data"]
    assert extra["grader_error"] is None and extra["secret"] == "AUTOGRADER_SECRET_FILE"
    layers = extra["confinement"]["layers"]
    assert extra["confinement"]["hidden_grading"] == "safe"
    assert "network" not in layers and layers["user"].startswith("uid ")
    assert ("landlock" in layers) is (layers_off != "landlock") and "seccomp" in layers
    assert results["score"] == 0  # the stubs' score: nothing gained
    assert "suspicious-code" in {flag["kind"] for flag in extra["flags"]}
    unescaped = json.dumps(results, ensure_ascii=False)
    assert SECRET not in unescaped and str(root / "source") not in unescaped
    if layers_off != "landlock":  # nothing of the course anywhere on this machine
        leaked = [line for line in _forbidden_text() if line in unescaped or line in text]
        assert leaked == []
    # (without Landlock, other copies of the course that this machine leaves world-readable,
    # such as this repository's checkout, are the sandbox uid's to read: the guide says so)
    assert not [p for p in root.rglob("autograder-pwned-*")]
    assert sorted(p.name for p in (root / "results").iterdir()) == ["results.json"]
    time.sleep(3)  # the rewriter tries every 0.5 s for 20 s, if anything of it is left
    assert _rewriters() == [] and results_path.read_text() == text


@pytest.mark.slow
def test_the_grader_alone_closes_its_folder_where_nothing_else_hides_it(package, stand_in):
    """The same stand-in without setup.sh's part (its source left 0755, as an image's umask
    leaves it), no namespaces and no Landlock: `autograder doctor` finds the hidden suite
    readable by the sandbox's uid, makes the grader's folder its owner's (chmod go-rwx) and then
    calls hidden grading safe; the probe of a grade does the same before any student code."""
    root = stand_in
    _unpack(package, root)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST_",
                                                                         "AUTOGRADER_"))},
           "AUTOGRADER_LAYERS_OFF": "landlock"}
    python = str(Path(sys.prefix) / "bin" / "python")
    doctor = subprocess.run([str(DOCKERLIKE), python, "-m", "autograder", "doctor"],
                            cwd=root / "source", env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "made private" in doctor.stdout and "hidden grading: safe here" in doctor.stdout
    assert f"{root / 'source' / 'autograder'} (chmod go-rwx" in doctor.stdout
    assert stat.S_IMODE((root / "source" / "solutions").stat().st_mode) & 0o077 == 0
    again = subprocess.run([str(DOCKERLIKE), python, "-m", "autograder", "doctor"],
                           cwd=root / "source", env=env, capture_output=True, text=True,
                           timeout=120, check=False)
    assert again.returncode == 0 and "made private" not in again.stdout


@pytest.mark.slow
def test_a_user_who_is_not_root_and_has_no_namespaces_grades_only_the_public_tests(
        package, stand_in):
    """A TA's laptop where user namespaces are off (Ubuntu 24.04's AppArmor default): student
    code would run as the TA beside the hidden suite, so hidden grading refuses (exit 1, the
    reason and the fix in results.json) and `doctor` says so; --public-only grades, and says
    truthfully how it ran."""
    root = stand_in
    _unpack(package, root)
    submission = root / "submission"
    submission.mkdir()
    for module in A1.module_files:
        shutil.copyfile(A1.solutions / module, submission / module)
    out = root / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    for path in (submission, *submission.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(out)}
    python = str(Path(sys.prefix) / "bin" / "python")

    def autograder(*args):  # a user who is not root, where unshare is refused
        return subprocess.run([str(DOCKERLIKE), "setpriv", f"--reuid={NOBODY}",
                               f"--regid={NOBODY}", "--clear-groups", python, "-m",
                               "autograder", *args], cwd=root / "source", env=env,
                              capture_output=True, text=True, timeout=600, check=False)

    hidden = autograder("grade", str(submission), "-o", str(out / "hidden.json"))
    assert hidden.returncode == 1, hidden.stdout[-2000:] + hidden.stderr[-2000:]
    error = json.loads((out / "hidden.json").read_text())["extra_data"]["grader_error"]
    assert "hidden grading refused: student code would run as this user" in error
    assert "grade as root" in error
    public = autograder("grade", str(submission), "-o", str(out / "public.json"),
                        "--public-only")
    assert public.returncode == 0, public.stdout[-2000:] + public.stderr[-2000:]
    results = json.loads((out / "public.json").read_text())
    assert results["extra_data"]["notes"] == [UNCONFINED]
    modules = [t for t in results["tests"] if "notebook" not in t["tags"]]
    failed = [f"{t['name']}: {t['output'][:300]}" for t in modules if t["status"] == "failed"]
    assert modules and not failed, failed
    doctor = autograder("doctor")
    assert doctor.returncode == 1 and "hidden grading: refused here" in doctor.stdout
