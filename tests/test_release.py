"""autograder release: the student repository holds what students need and nothing only
instructors may see, and its public tests and public grading work from a fresh copy."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from autograder import cli, release
from autograder.assignment import all_assignments, load
from autograder.notebook import graded_cells
from autograder.scoring import load_rubric

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "a1_neurons"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
HIDDEN = ROOT / "autograder" / "suites"
PUBLIC_TESTS = ROOT / "assignments" / ASSIGNMENT / "tests"

# What counts as a leak. A line of a solution body (between nbgrader's BEGIN/END SOLUTION or
# BEGIN/END HIDDEN TESTS markers in solutions/, modules and notebooks) or of any file of the
# hidden suites is *distinctive* when, stripped of surrounding whitespace:
#   1. it is at least MIN_LENGTH characters long: shorter lines are idioms every program has
#      (`return w`, `raise ValueError(`, `for M in degrees`, `) -> torch.Tensor:`);
#   2. it does not occur in the text of the public suite of this
#      repository (assignments/a1_neurons/tests), which ships by design; both suites call the
#      same functions in the same idioms (`pytestmark = pytest.mark.loss`,
#      `a1.neuron.layer_forward(x, W, b)`);
#   3. for solution lines: the same file does not also publish it outside its marked regions
#      (the student notebook's public check cells repeat lines of the hidden tests);
#   4. it is not in ALLOWED, each entry with its reason.
# A release leaks when a distinctive line occurs anywhere (as a substring) in the text of any
# release file, or in the decoded cell sources of a release notebook.
MIN_LENGTH = 20
ALLOWED = {
    "from __future__ import annotations":
        "the first line of every module of the grader's package, the shipped ones included",
}


def marked_regions(text: str, inside_wanted: bool = True) -> list[str]:
    """Stripped lines between BEGIN and END SOLUTION / HIDDEN TESTS markers (or, with
    ``inside_wanted=False``, the lines outside them: what the source itself publishes)."""
    lines, inside = [], False
    for line in text.splitlines():
        if re.search(r"BEGIN (SOLUTION|HIDDEN TESTS)", line):
            inside = True
        elif re.search(r"END (SOLUTION|HIDDEN TESTS)", line):
            inside = False
        elif inside == inside_wanted:
            lines.append(line.strip())
    return lines


def notebook_source(path: Path) -> str:
    """The cell sources of a notebook, one after the other (JSON escaping undone)."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return "\n".join("".join(c["source"]) if isinstance(c.get("source"), list)
                     else str(c.get("source", "")) for c in cells)


def solution_lines() -> dict[str, set[str]]:
    """Distinctive lines of every solution body, by solution file. A line the same file also
    has outside its marked regions (a notebook's public check cell repeats a hidden test's
    `data, _, fit = ax.get_lines()`), or that the public suite has, is published by design."""
    public_suite = "\n".join(p.read_text(encoding="utf-8")
                             for p in sorted(PUBLIC_TESTS.glob("*.py")))
    found = {}
    for path in sorted(SOLUTIONS.iterdir()):
        if path.suffix == ".py":
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            text = notebook_source(path)
        else:
            continue
        published = set(marked_regions(text, inside_wanted=False))
        found[path.name] = {line for line in marked_regions(text)
                            if len(line) >= MIN_LENGTH and line not in ALLOWED
                            and line not in published and line not in public_suite}
    return found


def hidden_lines() -> dict[str, set[str]]:
    """Distinctive lines of every file of the released assignment's hidden suite and of the
    helpers all suites share, by path. (Another assignment's suite is never packed at all:
    ``test_release_ships_one_assignment``.)"""
    public = "\n".join(p.read_text(encoding="utf-8") for p in sorted(PUBLIC_TESTS.glob("*.py")))
    files = [*sorted((HIDDEN / ASSIGNMENT).rglob("*.py")), *sorted(HIDDEN.glob("*.py"))]
    return {str(path.relative_to(HIDDEN)): {
                line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                if len(line.strip()) >= MIN_LENGTH and line.strip() not in ALLOWED
                and line.strip() not in public}
            for path in files}


def release_texts(root: Path) -> dict[str, str]:
    """Every file of a release as text (notebooks twice: raw JSON and decoded sources)."""
    texts = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = str(path.relative_to(root))
            texts[name] = path.read_bytes().decode("utf-8", "replace")
            if path.suffix == ".ipynb":
                texts[name + " (cell sources)"] = notebook_source(path)
    return texts


def leaks(root: Path) -> list[str]:
    """'file: line' for every distinctive solution or hidden-suite line found in ``root``."""
    texts = release_texts(root)
    everything = "\0".join(texts.values())  # one quick pass first; then say where
    found = []
    for origin, groups in (("solution", solution_lines()), ("hidden test", hidden_lines())):
        for source, lines in groups.items():
            for line in sorted(lines):
                if line in everything:
                    where = [name for name, text in texts.items() if line in text]
                    found.append(f"{origin} {source} line {line!r} in {', '.join(where)}")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("release") / "student-repo"
    release.build(target, ASSIGNMENT)
    return target


def release_files(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*")) if p.is_file()]


# --- what ships -----------------------------------------------------------------------------

def test_release_ships_what_students_need(built):
    for name in ("README.md", "Makefile", "pyproject.toml", ".gitignore", "conftest.py",
                 "requirements/grading.txt", "docs/student-guide.md", release.MANIFEST,
                 f"assignments/{ASSIGNMENT}/README.md", "autograder/cli.py",
                 "autograder/runner.py", f"autograder/rubrics/{ASSIGNMENT}.toml",
                 "datasets/DATASHEET.md", "datasets/load.py"):
        assert (built / name).is_file(), f"{name} is missing from the release"
    copied = {"assignments/" + ASSIGNMENT: ROOT / "assignments" / ASSIGNMENT,
              "datasets": ROOT / "datasets"}
    for name, file in release.template_files(load(ASSIGNMENT)).items():
        assert (built / name).read_bytes() == file.data, f"{name} differs from its template"
        assert b"{{assignment}}" not in file.data and b"{{title}}" not in file.data, name
    assert (built / "assignments" / ASSIGNMENT / "assignment.toml").read_bytes() == (
        SOLUTIONS / "assignment.toml").read_bytes(), "the manifest ships beside the stubs"
    for prefix, source in copied.items():
        for path in release_files(source):
            relative = path.relative_to(source)
            if "__pycache__" in relative.parts or path.suffix == ".pyc":
                continue
            shipped = built / prefix / relative
            assert shipped.is_file(), f"{shipped.relative_to(built)} is missing"
            assert shipped.read_bytes() == path.read_bytes(), f"{relative} differs"
    manifest = json.loads((built / release.MANIFEST).read_text())
    on_disk = {str(p.relative_to(built)) for p in release_files(built)} - {release.MANIFEST}
    assert set(manifest["files"]) == on_disk


def test_release_ships_one_assignment(built):
    others = [a.name for a in all_assignments() if a.name != ASSIGNMENT]
    assert others, "the course has a second assignment to leave out"
    shipped = {str(p.relative_to(built)) for p in release_files(built)}
    for other in others:
        assert not [name for name in shipped if other in name], f"{other} was released"
    assert sorted(p.name for p in (built / "autograder" / "rubrics").iterdir()) == [
        f"{ASSIGNMENT}.toml"]
    pyproject = tomllib.loads((built / "pyproject.toml").read_text())
    assert pyproject["tool"]["autograder"]["current-assignment"] == ASSIGNMENT


def test_release_pyproject_and_makefile(built):
    pyproject = tomllib.loads((built / "pyproject.toml").read_text())
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == ours["project"]["dependencies"]
    options = pyproject["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == [f"assignments/{ASSIGNMENT}/tests"]
    assert "--strict-markers" in options["addopts"]
    assert "suites" not in json.dumps(pyproject) and "zoo" not in json.dumps(pyproject)
    makefile = (built / "Makefile").read_text()
    for target in ("help", "setup", "public", "test", "grade"):
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile: no {target} target"
    assert f"pytest assignments/{ASSIGNMENT}/tests" in makefile
    assert "autograder grade --public-only ." in makefile


# --- what never ships -----------------------------------------------------------------------

def test_release_has_no_instructor_only_path_or_marker(built):
    for path in release_files(built):
        relative = path.relative_to(built)
        assert relative.parts[0] != "tests", f"{relative}: this repository's own tests"
        assert not {"solutions", "suites", "zoo"} & set(relative.parts), relative
        data = path.read_bytes()
        for marker in (b"BEGIN SOLUTION", b"BEGIN HIDDEN"):
            assert marker not in data, f"{relative} contains {marker.decode()!r}"
    for name in release.INSTRUCTOR_ONLY:
        assert not (built / "autograder" / name).exists(), f"autograder/{name} shipped"


def test_release_rubric_has_only_public_entries(built):
    ours = load_rubric(ASSIGNMENT)
    shipped = load_rubric(ASSIGNMENT, built / "autograder" / "rubrics" / f"{ASSIGNMENT}.toml")
    assert shipped.points == {k: v for k, v in ours.points.items() if k[0] == "public"}
    public_names = {k[2] for k in ours.points if k[0] == "public"}
    hidden_names = {k[2] for k in ours.points if k[0] == "hidden"} - public_names
    assert hidden_names, "the rubric has no hidden tests: this check would prove nothing"
    texts = release_texts(built)
    for name in sorted(hidden_names):
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        where = [file for file, text in texts.items() if pattern.search(text)]
        assert not where, f"hidden test name {name} appears in {where}"


def test_release_has_no_instructor_leftovers(built):
    """What a student reads says nothing of the instructor's side: no "Edit freely" rubric, no
    `--impl solutions/...` example in the conftest, pytest options for a short first screen."""
    rubric_text = (built / "autograder" / "rubrics" / f"{ASSIGNMENT}.toml").read_text()
    assert "Edit freely" not in rubric_text and rubric_text.startswith(
        release.STUDENT_RUBRIC_HEADER)
    assert "solutions/" not in (built / "conftest.py").read_text()
    options = tomllib.loads((built / "pyproject.toml").read_text())["tool"]["pytest"]
    assert "-p autograder.student_report --tb=no" in options["ini_options"]["addopts"]


def test_distinctive_lines_cover_every_solution_and_hidden_file():
    """The leak check looks at something in every file it guards."""
    solutions = solution_lines()
    assert {p.name for p in SOLUTIONS.glob("*.py")} - {"__init__.py"} <= solutions.keys()
    for name, lines in solutions.items():
        if name != "__init__.py":
            assert len(lines) >= 3, f"{name}: only {len(lines)} distinctive solution lines"
    for name, lines in hidden_lines().items():
        if Path(name).name.startswith("test_"):
            assert len(lines) >= 20, f"{name}: only {len(lines)} distinctive lines"


def test_release_holds_no_solution_or_hidden_test_line(built):
    found = leaks(built)
    assert not found, "the release leaks:\n" + "\n".join(found[:20])


def test_leak_check_catches_planted_lines(built, tmp_path):
    """Plant one solution line in a stub's docstring and one hidden line in a notebook."""
    fake = tmp_path / "fake"
    shutil.copytree(built, fake)
    solution = max(set().union(*solution_lines().values()), key=len)
    hidden = max((line for lines in hidden_lines().values() for line in lines if '"' in line),
                 key=len)
    stub = fake / "assignments" / ASSIGNMENT / "loss.py"
    stub.write_text(stub.read_text() + f'\n"""Hint: {solution} (see the lecture)."""\n')
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": ["x = 1\n", f"    {hidden}\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (fake / "assignments" / ASSIGNMENT / "planted.ipynb").write_text(json.dumps(notebook))
    found = leaks(fake)
    assert any(solution in f and "loss.py" in f for f in found), found
    assert any(repr(hidden) in f and "planted.ipynb" in f for f in found), found
    assert not leaks(built)  # the planted lines, not the copy, are what was caught


@pytest.mark.parametrize("planted, problem", [
    ("notes.md", "contains 'BEGIN SOLUTION'"),
    ("zoo/bug.py", "inside zoo/"),
])
def test_release_refuses_to_ship_markers_or_instructor_folders(tmp_path, monkeypatch, planted,
                                                               problem):
    template = tmp_path / "template"
    shutil.copytree(release.TEMPLATE, template)
    (template / planted).parent.mkdir(parents=True, exist_ok=True)
    (template / planted).write_text("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n")
    monkeypatch.setattr(release, "TEMPLATE", template)
    target = tmp_path / "out"
    with pytest.raises(release.LeakError, match=re.escape(problem)):
        release.build(target)
    assert not target.exists(), "a refused release must write nothing"


# --- where a release may be written ---------------------------------------------------------

def test_release_refuses_unusable_targets(tmp_path, capsys):
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "thesis.tex").write_text("mine")
    a_file = tmp_path / "file"
    a_file.write_text("")
    for target, problem in ((occupied, "not empty and not a previous release"),
                            (a_file, "not a directory"), (ROOT, "inside this repository"),
                            (ROOT / "build" / "student", "inside this repository")):
        with pytest.raises(release.TargetError, match=problem):
            release.build(target)
    assert sorted(p.name for p in occupied.iterdir()) == ["thesis.tex"]
    assert not (ROOT / "build" / "student").exists()
    assert cli.main(["release", "-o", str(occupied)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "not a previous release" in err


def test_release_updates_a_previous_release(tmp_path):
    target = tmp_path / "student-repo"
    release.build(target)
    (target / ".git").mkdir()
    (target / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (target / "stale").mkdir()
    (target / "stale" / "old.py").write_text("gone in the next release\n")
    manifest = json.loads((target / release.MANIFEST).read_text())
    manifest["files"] += ["stale/old.py", "../outside.txt"]
    (target / release.MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "outside.txt").write_text("not the release's")
    (target / "README.md").write_text("edited")
    written = release.build(target)
    assert not (target / "stale").exists(), "a file of the previous release survived"
    assert (target / ".git" / "HEAD").is_file(), "a file the release did not write was removed"
    assert (tmp_path / "outside.txt").is_file(), "a manifest path outside DIR was followed"
    assert (target / "README.md").read_bytes() == release.template_files(
        load(ASSIGNMENT))["README.md"].data
    assert json.loads((target / release.MANIFEST).read_text())["files"] == written


def test_release_does_not_follow_a_symlinked_folder_out_of_dir(tmp_path):
    target = tmp_path / "student-repo"
    release.build(target)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(target / "docs", elsewhere)
    (target / "docs").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(release.TargetError, match="leads outside"):
        release.build(target)
    assert (elsewhere / "student-guide.md").is_file(), "a file outside DIR was touched"


# --- the release works from a fresh copy ----------------------------------------------------

@pytest.fixture(scope="module")
def fresh_copy(built, tmp_path_factory) -> Path:
    """What a student's clone holds: the release copied, nothing of this repository's."""
    copy = tmp_path_factory.mktemp("clone") / "a1-student"
    shutil.copytree(built, copy)
    return copy


def in_release(copy: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run this venv's Python in the release, with the release's package first on sys.path
    (the venv also has this repository installed in editable mode)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST_"))}
    env["PYTHONPATH"] = str(copy)
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def test_release_imports_its_own_grader(fresh_copy):
    result = in_release(fresh_copy, "-c", "import autograder.seam, conftest; "
                        "print(autograder.seam.__file__); print(conftest.__file__)")
    assert result.returncode == 0, result.stderr
    seam, conftest = map(Path, result.stdout.split())
    assert seam == fresh_copy / "autograder" / "seam.py"
    assert conftest == fresh_copy / "conftest.py"


@pytest.mark.slow
def test_release_public_tests_fail_with_not_implemented_error(fresh_copy, tmp_path):
    report = tmp_path / "report.jsonl"
    result = in_release(fresh_copy, "-m", "pytest", f"assignments/{ASSIGNMENT}/tests",
                        "-p", "autograder.pytest_report", f"--report-json={report}", "-q",
                        "--tb=no")
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    records = [json.loads(line) for line in report.read_text().splitlines()]
    public = {k[1:] for k in load_rubric(ASSIGNMENT).points if k[0] == "public"}
    assert {(r["file"], r["function"]) for r in records} == public, "not every graded test ran"
    wrong = [f"{r['nodeid']}: {r['outcome']} {r['message']}" for r in records
             if r["outcome"] != "failed" or r["error"] != "NotImplementedError"]
    assert not wrong, "\n".join(wrong[:10])


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_student_setup_takes_torchs_cpu_build_on_linux_unless_told_otherwise(fresh_copy):
    def setup_commands(*variables: str) -> str:
        return subprocess.run(["make", "-n", "-B", "setup", *variables], cwd=fresh_copy,
                              capture_output=True, text=True, check=True).stdout

    cpu = "--extra-index-url https://download.pytorch.org/whl/cpu"
    if sys.platform.startswith("linux"):
        assert cpu in setup_commands()
    assert "--extra-index-url" not in setup_commands("TORCH_INDEX=")  # PyPI's default (CUDA)
    assert "-c requirements/grading.txt" in setup_commands()  # pinned either way


def test_release_help_lists_only_the_students_commands(fresh_copy):
    result = in_release(fresh_copy, "-m", "autograder", "--help")
    assert result.returncode == 0, result.stderr
    listed = set(re.findall(r"^    ([a-z-]+)", result.stdout, re.M))
    assert listed == {"assignments", "grade"}, result.stdout
    refused = in_release(fresh_copy, "-m", "autograder", "validate")
    assert refused.returncode != 0 and "not available in the student repository" in (
        refused.stdout + refused.stderr)


@pytest.mark.slow
def test_a_students_first_run_prints_one_line_per_failing_test(fresh_copy, tmp_path):
    """Plain `pytest` in the release, on the stubs, with one bug of the handout's planted in
    loss.py: pytest's progress, then one line per failing test with the grader's message, the
    wrong answer first (not thousands of lines of docstrings and seam frames)."""
    student = tmp_path / "student"
    shutil.copytree(fresh_copy, student)
    loss = student / "assignments" / ASSIGNMENT / "loss.py"
    text = loss.read_text()
    stub = 'raise NotImplementedError("loss.sum_of_squares_error is not implemented yet")'
    assert stub in text
    # the handout's classic slip: the sum of squares without its ½
    loss.write_text(text.replace(stub, "return ((np.asarray(y) - np.asarray(t)) ** 2).sum()"))
    result = in_release(student, "-m", "pytest")
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    failing = int(re.search(r"(\d+) failed", lines[-1])[1])
    assert len(lines) <= failing + 25, "\n".join(lines[:60])
    start = next(i for i, line in enumerate(lines) if "what failed (wrong answers first)" in line)
    listed = [line for line in lines[start + 1:] if line.strip()][:failing]
    assert all(re.match(r"test_\w+\.py::test_\w+(\[.*\])?: \w+", line) for line in listed)
    assert "NotImplementedError" not in listed[0] and "factor ½" in listed[0]
    assert "where False" not in result.stdout  # the test's words, not pytest's rewriting
    assert "Docstring" not in result.stdout and "seam.py" not in result.stdout


@pytest.mark.slow
def test_release_grades_public_only_and_refuses_hidden_grading(fresh_copy, tmp_path):
    results = tmp_path / "results.json"
    graded = in_release(fresh_copy, "-m", "autograder", "grade", "--public-only", ".",
                        "-o", str(results))
    assert graded.returncode == 0, graded.stdout[-2000:] + graded.stderr[-2000:]
    data = json.loads(results.read_text())
    public_total = sum(v for k, v in load_rubric(ASSIGNMENT).points.items() if k[0] == "public")
    # the notebook's public checks are graded too, against the source the release ships
    cells = graded_cells(SOLUTIONS / load(ASSIGNMENT).notebook)
    public_checks = [c for c in cells if not c.manual and not c.hidden]
    hidden_checks = [c for c in cells if not c.manual and c.hidden]
    assert public_checks and hidden_checks, "this check needs both kinds of notebook checks"
    notebook = data["extra_data"]["notebook"]
    assert notebook["status"] == "graded", notebook
    assert notebook["hidden_checks"] == len(hidden_checks)
    assert notebook["hidden_max_score"] == pytest.approx(sum(c.points for c in hidden_checks))
    assert len(data["extra_data"]["pending"]) == sum(c.manual for c in cells)
    assert f"{len(hidden_checks)} checks with hidden tests" in data["output"]
    assert data["score"] == 0
    assert data["extra_data"]["max_score"] == pytest.approx(
        public_total + sum(c.points for c in public_checks))
    assert data["extra_data"]["flags"] == [], "a clean release checkout was flagged"
    assert data["tests"] and all("public" in t["tags"] for t in data["tests"])
    assert all(t["status"] == "failed" for t in data["tests"])
    assert "solutions/" not in data["output"]
    for command, problem in (
        (["grade", "."], "the hidden suite is not part of the student repository"),
        (["validate"], "not available in the student repository"),
        (["demo"], "not available in the student repository"),
        (["rubric"], "not available in the student repository"),
        (["generate-stubs"], "not available in the student repository"),
        (["release", "-o", str(tmp_path / "again")], "not available in the student repository"),
    ):
        result = in_release(fresh_copy, "-m", "autograder", *command)
        assert result.returncode == 2, (command, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and problem in lines[0], (command, result.stderr)


@pytest.mark.slow
def test_the_second_assignment_releases_and_grades_from_its_own_manifest(tmp_path):
    """a2's release, used as a student would: its public tests fail with NotImplementedError
    until implemented, the reference earns every public point there, and nothing of a1 ships."""
    other = "a2_perceptron"
    target = tmp_path / "a2-student"
    release.build(target, other)
    shipped = {str(p.relative_to(target)) for p in release_files(target)}
    assert f"assignments/{other}/assignment.toml" in shipped
    assert not [name for name in shipped if ASSIGNMENT in name], "a1 shipped with a2"
    # distinctive as for a1 (above), and not an idiom the grader's own code has as well
    engine = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "autograder").rglob("*.py")
                       if not {"suites", "zoo"} & set(p.parts))
    for path in sorted((ROOT / "solutions" / other).glob("*.py")):
        for line in marked_regions(path.read_text(encoding="utf-8")):
            if len(line) >= MIN_LENGTH and line not in ALLOWED and line not in engine:
                hits = [n for n in shipped if n.endswith(".py")
                        and line in (target / n).read_text(encoding="utf-8")]
                assert not hits, f"solution line {line!r} of {path.name} ships in {hits}"
    stubs = in_release(target, "-m", "pytest", f"assignments/{other}/tests", "-q", "--tb=no",
                       "-p", "no:cacheprovider")
    assert stubs.returncode == 1 and " passed" not in stubs.stdout, stubs.stdout[-1500:]
    for module in ("perceptron", "descent"):  # the student implements both files
        shutil.copy(ROOT / "solutions" / other / f"{module}.py",
                    target / "assignments" / other / f"{module}.py")
    results = tmp_path / "results.json"
    graded = in_release(target, "-m", "autograder", "grade", "--public-only", ".", "-o",
                        str(results))
    assert graded.returncode == 0, graded.stdout[-2000:] + graded.stderr[-2000:]
    data = json.loads(results.read_text())
    assert data["extra_data"]["assignment"] == other
    assert data["score"] == pytest.approx(data["extra_data"]["max_score"]) and data["score"] > 0
    assert set(data["extra_data"]["modules"]) == {"perceptron", "descent"}
    assert "notebook" not in data["extra_data"], "a2 has no notebook part"
