"""``autograder new NAME`` scaffolds an assignment that passes every check an assignment must
pass: in a copy of this repository, ``new a3_demo``, then what ``make test`` runs for each
assignment (``generate-stubs --check``, ``rubric``, ``validate`` of the reference and the
stubs), a release of it, and ``tests/test_suites.py`` (with the docs', the zoo patches' and the
engine's checks) for it; names that cannot be an assignment are refused in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import assignment as course
from autograder import cli
from autograder.runner import clean_environment

ROOT = Path(__file__).resolve().parent.parent
NAME = "a3_demo"
MADE = [f"solutions/{NAME}/assignment.toml", f"solutions/{NAME}/warmup.py",
        f"assignments/{NAME}/__init__.py", f"assignments/{NAME}/warmup.py",
        f"assignments/{NAME}/README.md", f"assignments/{NAME}/tests/test_warmup.py",
        f"autograder/suites/{NAME}/test_warmup.py", f"autograder/suites/{NAME}/test_parity.py",
        f"autograder/rubrics/{NAME}.toml", f"autograder/zoo/{NAME}/README.md",
        f"autograder/zoo/{NAME}/bugs/double_squares.py",
        f"autograder/zoo/{NAME}/alternatives/double_as_sum.py",
        f"autograder/zoo/{NAME}/hostile/README.md"]
# the folders `new` makes: each holds only what it wrote
FOLDERS = [f"solutions/{NAME}", f"assignments/{NAME}", f"autograder/suites/{NAME}",
           f"autograder/zoo/{NAME}"]


@pytest.mark.parametrize(("args", "problem"), [
    (["a3-demo"], "not an assignment name"), (["demo"], "not an assignment name"),
    (["A3_demo"], "not an assignment name"), (["a0_demo"], "not an assignment name"),
    (["a3_"], "not an assignment name"), (["a3_Demo"], "not an assignment name"),
    (["a3_demo", "--module", "Warm-up"], "not a module name"),
    (["a3_demo", "--module", "import"], "not a module name"),
    (["a3_demo", "--module", "parity"], "taken"), (["a3_demo", "--module", "tests"], "taken"),
    (["a3_demo", "--module", "grade"], "taken"),
])
def test_new_refuses_a_name_that_is_not_aN_word_in_one_line(args, problem, capsys):
    assert cli.main(["new", *args]) == 2
    error = capsys.readouterr().err
    assert error.startswith("autograder new: ") and problem in error, error
    assert error.count("\n") == 1
    assert not (ROOT / "solutions" / args[0]).exists()


def test_new_refuses_an_existing_assignment_and_a_taken_number(capsys):
    existing = course.all_assignments()[0]
    assert cli.main(["new", existing.name]) == 2
    assert "exists already" in capsys.readouterr().err
    assert cli.main(["new", f"{existing.fixture}_other"]) == 2
    error = capsys.readouterr().err
    assert f"fixture {existing.fixture!r} is {existing.name}'s already" in error, error
    assert not (ROOT / "solutions" / f"{existing.fixture}_other").exists()


def _copy_repository(target: Path) -> None:
    """The working tree as git sees it (tracked and untracked files, ignored ones left out),
    or without git every file but .venv, .git and caches."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], cwd=ROOT, capture_output=True,
                                check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(ROOT, target, symlinks=True, ignore=shutil.ignore_patterns(
            ".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis"))
        return
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_symlink() or source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name, follow_symlinks=False)


def _run(copy: Path, *args: str, timeout: float = 300, plugins: bool = False):
    env = clean_environment()
    if plugins:  # a pytest run of the repository's own tests: its plugins as usual
        env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    result = subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True,
                            text=True, timeout=timeout, check=False)
    shown = " ".join(args)
    assert result.returncode == 0, f"{shown}: exit {result.returncode}\n" \
                                   f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.mark.slow
def test_new_assignment_passes_every_assignment_check(tmp_path):
    if NAME in course.names():
        pytest.skip(f"{NAME} is a real assignment here: nothing to scaffold")
    copy = tmp_path / "course"
    _copy_repository(copy)
    made = _run(copy, "-m", "autograder", "new", NAME)
    for path in MADE:
        assert (copy / path).is_file(), f"{path}: not written\n{made.stdout}"
    written = {str(p.relative_to(copy)) for folder in FOLDERS
               for p in (copy / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert written <= {*MADE, f"solutions/{NAME}/__init__.py",
                       f"autograder/suites/{NAME}/__init__.py"}, written
    assert not any((ROOT / folder).exists() for folder in FOLDERS), "written into this repository"

    # what `make test` runs for every assignment
    _run(copy, "-m", "autograder", "generate-stubs", "--check", "--assignment", NAME)
    _run(copy, "-m", "autograder", "rubric", "--assignment", NAME)
    graded = _run(copy, "-m", "autograder", "validate", "--assignment", NAME, "reference",
                  "stubs").stdout
    assert "2 passed, 0 failed" in graded, graded
    release = tmp_path / "release"
    _run(copy, "-m", "autograder", "release", "--assignment", NAME, "-o", str(release))
    assert (release / "assignments" / NAME / "warmup.py").is_file()
    assert not (release / "solutions").exists() and not (release / "autograder" / "zoo").exists()
    assert "raise NotImplementedError" in (release / "assignments" / NAME / "warmup.py").read_text()

    # tests/test_suites.py for the new assignment alone (the copy's, narrowed to it), and the
    # checks of the docs (its handout), of the zoo's patches and of the engine naming none
    suites = copy / "tests" / "test_suites.py"
    text = suites.read_text(encoding="utf-8")
    every = "ASSIGNMENTS = {a.name: a for a in all_assignments()}"
    assert every in text, "tests/test_suites.py no longer builds ASSIGNMENTS this way"
    suites.write_text(text.replace(every, every[:-1] + f" if a.name == {NAME!r}}}"),
                      encoding="utf-8")
    tested = _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k",
                  f"{NAME} or manifest_points or engine_names_no_assignment",
                  "tests/test_suites.py", "tests/test_docs.py", "tests/test_patches.py",
                  "tests/test_scoring.py", "tests/test_assignment.py", plugins=True).stdout
    summary = tested.strip().splitlines()[-1]
    assert "failed" not in summary and "error" not in summary and "passed" in summary, tested
    assert int(summary.split(" passed")[0].split()[-1]) >= 30, tested  # every check ran
    _run(copy, "-m", "ruff", "check", *FOLDERS)
