"""The course as manifests: every assignment is described by its ``assignment.toml`` alone, the
engine (``autograder/*.py``) names none of them, and commands choose one with ``--assignment``.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import assignment as course
from autograder import cli

ROOT = Path(__file__).resolve().parent.parent
ENGINE = sorted((ROOT / "autograder").glob("*.py"))


def _write_course(root: Path, manifests: dict[str, str], pyproject: str = "") -> Path:
    for name, text in manifests.items():
        folder = root / "solutions" / name
        folder.mkdir(parents=True)
        (folder / course.MANIFEST).write_text(text, encoding="utf-8")
    if pyproject:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


MINIMAL = """name = "{name}"\nfixture = "{fixture}"\n[modules.one]\npoints = 10\n"""


def test_every_assignment_of_the_course_has_what_the_engine_needs():
    assignments = course.all_assignments()
    assert [a.name for a in assignments] == ["a1_neurons", "a2_perceptron"]
    for a in assignments:
        assert a.solutions.is_dir() and a.stubs.is_dir() and a.init_file.is_file(), a.name
        assert a.public_tests.is_dir() and a.hidden_suite.is_dir() and a.rubric.is_file(), a.name
        assert a.zoo.is_dir() and a.handout.is_file(), a.name
        for module in a.modules:
            assert (a.solutions / f"{module}.py").is_file(), f"{a.name}: {module}.py"
            assert (a.stubs / f"{module}.py").is_file(), f"{a.name}: stub {module}.py"
        for name in a.datasets:
            assert (ROOT / "datasets" / name).is_file(), f"{a.name}: datasets/{name}"
        if a.notebook:
            assert a.source_notebook.is_file() and a.student_notebook.is_file(), a.name
        assert 0 < a.budgets.call < a.budgets.run
    assert len({a.fixture for a in assignments}) == len(assignments), "one fixture each"


def test_the_manifest_is_what_the_engine_uses():
    a1 = course.load("a1_neurons")
    assert a1.module_names == ("activations", "neuron", "loss", "polyfit", "regularization",
                               "splits")
    assert sum(m.points for m in a1.modules.values()) == 100
    assert "sigmoid" in a1.modules["activations"].forbidden
    assert a1.modules["activations"].forbid_functional and a1.modules["neuron"].no_in_place
    assert not a1.modules["loss"].forbidden and not a1.modules["loss"].no_in_place
    assert a1.graded_files[-1] == "experiments.ipynb"
    a2 = course.load("a2_perceptron")
    assert a2.notebook is None and a2.graded_files == ("perceptron.py", "descent.py")
    assert course.load() is a1, "pyproject.toml makes a1_neurons the current assignment"
    assert course.resolve("a2_perceptron") is a2 and course.resolve(a2) is a2


def test_the_current_assignment_comes_from_pyproject_or_is_the_only_one(tmp_path):
    one = _write_course(tmp_path / "one", {"a7_x": MINIMAL.format(name="a7_x", fixture="a7")})
    assert course.current(one) == "a7_x"
    two = _write_course(tmp_path / "two", {"a7_x": MINIMAL.format(name="a7_x", fixture="a7"),
                                           "a8_y": MINIMAL.format(name="a8_y", fixture="a8")})
    with pytest.raises(course.ManifestError, match=r"several assignments .*--assignment"):
        course.current(two)
    (two / "pyproject.toml").write_text('[tool.autograder]\ncurrent-assignment = "a8_y"\n')
    assert course.current(two) == "a8_y"
    (two / "pyproject.toml").write_text('[tool.autograder]\ncurrent-assignment = "a9_z"\n')
    with pytest.raises(course.ManifestError, match="a9_z"):
        course.current(two)
    with pytest.raises(course.ManifestError, match="no assignment"):
        course.current(tmp_path / "empty")


def test_a_release_reads_its_manifest_beside_the_stubs(tmp_path):
    folder = tmp_path / "assignments" / "a7_x"
    folder.mkdir(parents=True)
    (folder / course.MANIFEST).write_text(MINIMAL.format(name="a7_x", fixture="a7"))
    assert course.names(tmp_path) == ["a7_x"]
    assert course.parse(folder / course.MANIFEST, tmp_path).stubs == folder


@pytest.mark.parametrize(("text", "message"), [
    ('fixture = "a7"\n[modules.one]\npoints = 1\n', "'name' must be str"),
    ('name = "other"\nfixture = "a7"\n[modules.one]\npoints = 1\n', "its folder's name"),
    ('name = "a7_x"\n[modules.one]\npoints = 1\n', "'fixture' must be str"),
    ('name = "a7_x"\nfixture = "a7"\n', "'modules' must be dict"),
    ('name = "a7_x"\nfixture = "a7"\n[modules.one]\n', "'points' must be"),
    ('name = "a7_x"\nfixture = "a7"\n[modules.one]\npoints = true\n', "'points' must be"),
    ('name = "a7_x"\nfixture = "a7"\n[modules.one]\npoints = 1\nforbidden = "tanh"\n',
     "forbidden must be a list"),
    ('name = "a7_x"\nfixture = "a7"\npublic-share = 2\n[modules.one]\npoints = 1\n',
     "public-share"),
    ('name = "a7_x"\nfixture = "a7"\nnotebook = "x.py"\n[modules.one]\npoints = 1\n',
     "notebook"),
    ("name = [\n", "cannot be read"),
])
def test_a_broken_manifest_is_one_line_naming_its_file(tmp_path, text, message):
    _write_course(tmp_path, {"a7_x": text})
    with pytest.raises(course.ManifestError, match=message) as error:
        course.parse(tmp_path / "solutions" / "a7_x" / course.MANIFEST, tmp_path)
    assert str(error.value).startswith(str(tmp_path / "solutions" / "a7_x" / course.MANIFEST))
    assert "\n" not in str(error.value)


def _engine_strings_and_names(path: Path) -> set[str]:
    """String constants (docstrings aside) and identifiers of one engine module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                id(node) not in docstrings):
            found.add(node.value)
        elif isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


@pytest.mark.parametrize("path", ENGINE, ids=[p.name for p in ENGINE])
def test_the_engine_names_no_assignment(path):
    """Nothing under autograder/ knows an assignment: no name, fixture or module file of any
    manifest appears in the engine's code (its docstrings may use them as examples)."""
    texts = _engine_strings_and_names(path)
    for a in course.all_assignments():
        words = {a.name, *a.module_files, *(a.graded_files)}
        hits = sorted(t for t in texts for w in words if w in t)
        assert not hits, f"{path.name} names {a.name}: {hits[:5]}"
        assert a.fixture not in texts, f"{path.name} uses {a.name}'s fixture {a.fixture!r}"


def test_commands_take_an_assignment_and_refuse_an_unknown_one(capsys):
    parser = cli.build_parser()
    for command in ("generate-stubs", "demo", "grade", "batch", "validate", "rubric", "release"):
        sub = parser._subparsers._group_actions[0].choices[command]
        assert any("--assignment" in a.option_strings for a in sub._actions), command
    assert cli.main(["rubric", "--assignment", "a9_nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no assignment 'a9_nope'" in err


def test_assignments_command_lists_the_course():
    result = subprocess.run([sys.executable, "-m", "autograder", "assignments"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert "* a1_neurons" in result.stdout and "  a2_perceptron" in result.stdout
    assert "perceptron.py, descent.py" in result.stdout


def test_pytest_targets_the_assignment_whose_tests_are_named(tmp_path):
    """--impl means the assignment whose tests the command names; naming two needs
    --assignment; each suite reaches its own assignment through its own fixture."""
    command = [sys.executable, "-m", "pytest", "-q", "--co", "-p", "no:cacheprovider"]
    named = subprocess.run(
        [*command, "assignments/a2_perceptron/tests", "--impl", "ref=solutions/a2_perceptron"],
        cwd=ROOT, capture_output=True, text=True)
    assert named.returncode == 0, named.stdout[-1500:] + named.stderr[-1500:]
    assert "[ref]" in named.stdout
    both = subprocess.run(
        [*command, "assignments/a1_neurons/tests", "assignments/a2_perceptron/tests", "--impl",
         "ref=solutions/a2_perceptron"], cwd=ROOT, capture_output=True, text=True)
    assert both.returncode != 0 and "--assignment" in both.stderr
    chosen = subprocess.run(
        [*command, "assignments/a1_neurons/tests", "assignments/a2_perceptron/tests", "--impl",
         "ref=solutions/a2_perceptron", "--assignment", "a2_perceptron"],
        cwd=ROOT, capture_output=True, text=True)
    assert chosen.returncode == 0, chosen.stderr[-1500:]
    a1_items = [line for line in chosen.stdout.splitlines() if "a1_neurons/tests" in line]
    a2_items = [line for line in chosen.stdout.splitlines() if "a2_perceptron/tests" in line]
    assert a1_items and all("[assignments" in line for line in a1_items)
    assert a2_items and all("[ref" in line for line in a2_items)


def _engine_imports() -> dict[str, set[str]]:
    """Each engine module (packages' files included) -> the engine modules it imports, at the
    top or inside a function; importing ``a.b.c`` runs the package ``a.b`` too."""
    files = [p for p in (ROOT / "autograder").rglob("*.py")
             if not {"zoo", "suites", "__pycache__"} & set(p.relative_to(ROOT).parts)]
    names = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
             for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                targets |= {base} | {f"{base}.{a.name}" for a in node.names}
        edges = set()
        for target in targets:
            parts = target.split(".")
            edges |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)} & set(names)
        graph[name] = edges - {name}
    return graph


def test_no_engine_module_imports_one_that_imports_it_back():
    graph = _engine_imports()
    assert "autograder.report" in graph and "autograder.notebook.feedback" in graph

    def reaches(start: str, goal: str) -> list[str] | None:
        seen, stack = set(), [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == goal:
                    return [*path, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [cycle for name in sorted(graph) if (cycle := reaches(name, name))]
    packages = {n for n in graph if (ROOT / n.replace(".", "/") / "__init__.py").is_file()}
    # a package's __init__ re-exporting its own modules is not a cycle between jobs
    cycles = [c for c in cycles if not any(
        (a in packages and b.startswith(a + ".")) or (b in packages and a.startswith(b + "."))
        for a, b in itertools.pairwise(c))]
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_grade_is_a_batch_of_one():
    """grade and batch hand their submissions to the same staged steps (``pipeline.run``);
    neither runs the suites or scores by itself."""
    graph = _engine_imports()
    for command in ("autograder.grade", "autograder.batch"):
        assert "autograder.pipeline" in graph[command], command
        assert not graph[command] & {"autograder.runner", "autograder.forkserver",
                                     "autograder.scoring", "autograder.flags"}, command


def test_the_layout_and_the_limits_of_a_submission_are_stated_once():
    """``autograder.layout`` holds where an assignment's files lie and what a submission's files
    are held to; the steps that take files (grading, collecting at the deadline, the class
    report) use its values, and the handouts promise them."""
    import re

    from autograder import batch, collect, layout
    from autograder.classreport import results as class_results
    from autograder.gha import collect as gha_collect

    for assignment in course.all_assignments():
        name = assignment.name
        assert assignment.stubs == ROOT / layout.student_folder(name)
        assert assignment.solutions == ROOT / layout.solutions_folder(name)
        assert collect.find_package_dir(ROOT, assignment) == assignment.stubs
        folder, files = gha_collect.graded_files(assignment)
        assert folder == layout.student_folder(name) + "/"
        assert dict(files) == {**{m: layout.MAX_MODULE_BYTES for m in assignment.module_files},
                               **({assignment.notebook: layout.MAX_NOTEBOOK_BYTES}
                                  if assignment.notebook else {})}
        if assignment.notebook:  # the handout's promise is the grader's limit
            text = " ".join(assignment.handout.read_text(encoding="utf-8").split())
            promised = re.findall(rf"`{re.escape(assignment.notebook)}` \(at most (\d+) MiB\)",
                                  text)
            assert promised == [str(layout.MAX_NOTEBOOK_BYTES // 2**20)], name
    assert (collect.MAX_MODULE_BYTES, collect.MAX_NOTEBOOK_BYTES) == (
        layout.MAX_MODULE_BYTES, layout.MAX_NOTEBOOK_BYTES)
    assert gha_collect.STUDENT_ID is layout.STUDENT_ID is class_results.SAFE_ID
    assert batch.STUDENT_ID.pattern == layout.STUDENT_ID.pattern  # batch.py: its own copy
