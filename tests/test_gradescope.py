"""autograder gradescope: the zip holds what Gradescope needs and nothing it must not, and its
scripts grade as Gradescope runs them: unpacked into a stand-in /autograder (a temporary
folder), setup.sh with this repository's venv instead of the network, run_autograder on the
reference, the stubs and a hostile submission, each results.json valid against the schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder import cli, validate
from autograder.assignment import load
from autograder.gha.results import load_schema

ROOT = Path(__file__).resolve().parent.parent
A1 = load("a1_neurons")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gradescope")
    secret = folder / "secret.txt"
    secret.write_text("a-course-secret-for-this-test\n")
    assert cli.main(["gradescope", "-o", str(folder / "autograder.zip"), "--assignment",
                     "a1_neurons", "--secret-file", str(secret)]) == 0
    return folder / "autograder.zip"


def test_the_zip_holds_the_grader_and_the_reference_for_the_grader_only(package):
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"setup.sh", "run_autograder", "secret", "conftest.py", "pyproject.toml",
            "requirements/grading.txt", "autograder/cli.py", "autograder/rubrics/a1_neurons.toml",
            "assignments/a1_neurons/assignment.toml",
            "solutions/a1_neurons/experiments.ipynb"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    hidden = {f"autograder/suites/a1_neurons/{p.name}" for p in A1.hidden_suite.glob("*.py")}
    assert hidden <= names
    assert not [n for n in names if n.startswith(("autograder/zoo/", "tests/",
                                                  "autograder/suites/a2_perceptron/"))]
    # the reference's modules stand in for those a module imports (autograder.standin): read
    # by the grader, never by the sandboxed submission (its own root, another uid)
    solutions = sorted(n for n in names if n.startswith("solutions/"))
    assert solutions == sorted(["solutions/a1_neurons/experiments.ipynb", *(
        f"solutions/a1_neurons/{m}" for m in A1.module_files)])
    assert "readme" not in tomllib.loads(zipfile.ZipFile(package).read(
        "pyproject.toml").decode())["project"]


def test_the_secret_is_not_in_the_repository_and_an_empty_one_is_refused(tmp_path, capsys):
    assert not (ROOT / "secret").exists()
    empty = tmp_path / "empty"
    empty.write_text("\n")
    assert cli.main(["gradescope", "-o", str(tmp_path / "a.zip"), "--secret-file",
                     str(empty)]) == 2
    assert "empty" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


def test_a_symlink_is_refused_as_the_release_refuses_it(tmp_path, monkeypatch, capsys):
    """The zip is walked as a release is (one walk, release._tree): a symlink anywhere in what
    it packs stops it with one line, and nothing is written."""
    from autograder import gradescope, release

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "data.csv").write_text("x\n")
    (tree / "link.csv").symlink_to("/etc/passwd")
    with pytest.raises(release.LeakError, match=r"link\.csv: a symlink"):
        gradescope._walk(tree, "datasets")
    real = gradescope._walk

    def walk_with_the_link(source, destination, exclude=frozenset()):
        return real(tree if destination == "datasets" else source, destination, exclude)

    monkeypatch.setattr(gradescope, "_walk", walk_with_the_link)
    assert cli.main(["gradescope", "-o", str(tmp_path / "a.zip")]) == 1
    err = capsys.readouterr().err.strip()
    assert "symlink" in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "a.zip").exists()


def submission(kind: str, folder: Path) -> Path:
    """The reference's module files, the stubs', or a hostile zoo entry on its base."""
    if kind == "hostile":  # as autograder validate makes it
        entry = next(c for c in validate.hostile_cases(A1) if c.name == "exfiltrate_hidden_tests")
        return validate.materialize(entry, A1, folder)
    folder.mkdir()
    base = {"reference": A1.solutions, "stubs": A1.stubs}[kind]
    for module in A1.module_names:
        shutil.copyfile(base / f"{module}.py", folder / f"{module}.py")
    if kind == "reference":  # and its notebook: full marks of the whole assignment
        shutil.copyfile(A1.source_notebook, folder / A1.notebook)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["reference", "stubs", "hostile"])
def test_run_autograder_grades_as_gradescope_does(package, tmp_path, kind):
    root = tmp_path / "autograder"  # stands in for /autograder
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):  # zipfile keeps no modes
        (root / "source" / name).chmod(0o755)
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST_",
                                                                         "AUTOGRADER_"))},
           "AUTOGRADER_ROOT": str(root), "AUTOGRADER_VENV": sys.prefix}
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert setup.returncode == 0, setup.stderr
    # the zip's own grader runs, not this repository's
    which = subprocess.run([str(Path(sys.prefix) / "bin" / "python"), "-c",
                            "import autograder; print(autograder.__file__)"],
                           cwd=root / "source", env=env, capture_output=True, text=True,
                           check=True)
    assert Path(which.stdout.strip()).parent == root / "source" / "autograder"
    shutil.copytree(submission(kind, tmp_path / kind), root / "submission")
    run = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                         text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.Draft202012Validator(load_schema()).validate(results)
    extra = results["extra_data"]
    assert extra["grader_error"] is None
    assert extra["secret"] == "AUTOGRADER_SECRET_FILE", "the zip's secret file was not used"
    if kind == "reference":
        assert results["score"] == extra["max_score"] > 0
    elif kind == "stubs":
        assert results["score"] == 0 and extra["max_score"] > 0
    else:
        assert "suspicious-code" in {flag["kind"] for flag in extra["flags"]}
        hidden_text = "\n".join(p.read_text() for p in A1.hidden_suite.glob("test_*.py"))
        assert not [line for line in json.dumps(results).split("\\n")
                    if len(line) > 40 and line.strip() in hidden_text]
