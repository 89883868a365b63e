"""The student stubs are exactly what the generator makes from the reference solutions."""

import ast
import re
from pathlib import Path

import pytest

from autograder import stubs
from autograder.assignment import load

MODULES = load("a1_neurons").module_names

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "a1_neurons"
ASSIGNMENT = ROOT / "assignments" / "a1_neurons"


def test_checked_in_stubs_equal_generator_output():
    assert stubs.check_stubs(SOLUTIONS, ASSIGNMENT) == [], (
        "stubs differ from the solutions: run `make stubs` and commit the result"
    )


def test_every_graded_module_has_a_solution_and_a_stub():
    for module in MODULES:
        assert (SOLUTIONS / f"{module}.py").is_file()
        assert (ASSIGNMENT / f"{module}.py").is_file()


@pytest.mark.parametrize("module", MODULES)
def test_stub_has_no_generator_leftovers_and_no_solution_code(module):
    text = (ASSIGNMENT / f"{module}.py").read_text(encoding="utf-8")
    assert "SOLUTION" not in text and "~~" not in text
    solution = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    hidden = re.findall(rf"{stubs.BEGIN}\n(.*?){stubs.END}", solution, re.S)
    for region in hidden:
        for line in region.splitlines():
            if len(line.strip()) > 20:  # a distinctive solution line
                assert line not in text, f"solution line leaked into the stub: {line!r}"


@pytest.mark.parametrize("module", MODULES)
def test_every_public_function_of_a_stub_raises_not_implemented_naming_its_task(module):
    tree = ast.parse((ASSIGNMENT / f"{module}.py").read_text(encoding="utf-8"))
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert functions, f"{module}.py defines no functions"
    for function in functions:
        assert not function.name.startswith("_"), "helpers belong inside solution regions"
        raises = [n for n in ast.walk(function) if isinstance(n, ast.Raise)]
        assert len(raises) == 1, f"{module}.{function.name} should only raise"
        call = raises[0].exc
        assert call.func.id == "NotImplementedError"
        assert f"{module}.{function.name}" in call.args[0].value
        assert ast.get_docstring(function), f"{module}.{function.name} needs a docstring"


def test_make_stub_replaces_function_regions_and_drops_module_regions():
    source = (
        "import a\n"
        "### BEGIN SOLUTION\n"
        "import secret\n"
        "### END SOLUTION\n"
        "\n\n"
        "def f(x):\n"
        '    """Doc."""\n'
        "    ### BEGIN SOLUTION\n"
        "    return secret.g(x)\n"
        "    ### END SOLUTION\n"
    )
    stub = stubs.make_stub(source, "mod")
    assert "secret" not in stub
    assert 'raise NotImplementedError("mod.f is not implemented yet")' in stub
    assert '"""Doc."""' in stub and stub.startswith("import a\n")


@pytest.mark.parametrize(
    "source, problem",
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "without a matching"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", "without ### BEGIN"),
        ("if x:\n    ### BEGIN SOLUTION\n    y = 1\n    ### END SOLUTION\n", "not inside"),
    ],
)
def test_make_stub_rejects_broken_markers_naming_the_line(source, problem):
    with pytest.raises(stubs.StubError, match=problem):
        stubs.make_stub(source, "mod", "mod.py")


def test_generate_stubs_command_checks_and_reports_stale_stubs(tmp_path, monkeypatch):
    import subprocess
    import sys

    check = subprocess.run([sys.executable, "-m", "autograder", "generate-stubs", "--check"],
                           cwd=ROOT, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    stale = tmp_path / "stubs"
    stale.mkdir()
    for path in [*ASSIGNMENT.glob("*.py"), ASSIGNMENT / "experiments.ipynb"]:
        (stale / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (stale / "loss.py").write_text("# edited by hand\n", encoding="utf-8")
    assert stubs.check_stubs(SOLUTIONS, stale) == ["loss.py"]
