"""autograder/patches.py: every bug and alternative of every assignment's zoo applies to the
reference and changes it, every hostile patch applies to its base and changes it, every hostile
entry materialises (autograder/validate.py, the one loader) without a module copy or a committed
symlink, and the loader's rules, on small modules."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from autograder import patches, validate
from autograder.assignment import all_assignments

ZOO_ENTRIES = [(assignment, entry) for assignment in all_assignments()
               for kind in patches.KINDS
               for entry in patches.entries(assignment.zoo, kind).values()]


def top_level(source: str) -> dict[str, ast.stmt]:
    return {node.name: node for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)}


def test_every_zoo_is_made_of_patch_files_only():
    for assignment in all_assignments():
        for kind in patches.KINDS:
            folder = assignment.zoo / kind
            if folder.is_dir():
                assert not [p for p in folder.iterdir() if p.is_dir() and any(p.glob("*.py"))]
                assert sorted(patches.entries(assignment.zoo, kind)) == sorted(
                    p.stem for p in folder.glob("*.py"))


@pytest.mark.parametrize("assignment, entry", ZOO_ENTRIES,
                         ids=[f"{a.name}-{e.kind}-{e.name}" for a, e in ZOO_ENTRIES])
def test_zoo_entry_applies_and_differs_from_the_reference(assignment, entry, tmp_path):
    assert entry.module in assignment.module_names, f"{entry.path}: not a graded module"
    assert entry.summary.startswith({"bugs": "BUG: ", "alternatives": "ALT: "}[entry.kind])
    folder = patches.apply(entry, assignment.solutions, tmp_path)
    patched = (folder / f"{entry.module}.py").read_text(encoding="utf-8")
    reference = (assignment.solutions / f"{entry.module}.py").read_text(encoding="utf-8")
    compile(patched, str(folder / f"{entry.module}.py"), "exec")
    ours, theirs = top_level(patched), top_level(reference)
    assert set(theirs) <= set(ours), "the patched module lost a definition"
    changed = [name for name in theirs if ast.dump(ours[name]) != ast.dump(theirs[name])]
    assert changed, "the entry changes no definition of the reference"
    replaced = set(top_level(entry.path.read_text(encoding="utf-8")))
    assert set(changed) <= replaced, "a definition the entry does not name changed"


# ---------------------------------------------------------------- the loader's rules

REFERENCE = '''\
"""A reference module."""

import functools
import math


def first(x):
    """One more."""
    return x + 1


@functools.cache
def second(x):
    """Twice x."""
    return 2 * x


SCALE = 3


def third(x):
    return math.sqrt(x) * SCALE
'''


@pytest.fixture
def reference(tmp_path) -> Path:
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "mod.py").write_text(REFERENCE, encoding="utf-8")
    return folder


def entry_file(tmp_path: Path, body: str, kind: str = "bugs", name: str = "entry") -> Path:
    path = tmp_path / "zoo" / kind / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def patched(tmp_path: Path, reference: Path, body: str) -> str:
    """``body`` as an entry (a bug or an alternative, as its docstring says), applied."""
    kind = "alternatives" if textwrap.dedent(body).startswith('"""ALT:') else "bugs"
    path = entry_file(tmp_path, body, kind)
    return patches.patched_source(patches.read_entry(path), reference)


def run(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "mod.py", "exec"), namespace)
    return namespace


def lines_of(source: str) -> dict[str, int]:
    return {name: node.lineno for name, node in top_level(source).items()}


def test_an_entry_is_read_from_its_docstring_and_patches_line(tmp_path):
    path = entry_file(tmp_path, '''\
        """BUG: first adds two

        Off by one."""

        PATCHES = "mod"


        def first(x):
            return x + 2
        ''')
    entry = patches.read_entry(path)
    assert (entry.name, entry.kind, entry.module) == ("entry", "bugs", "mod")
    assert entry.summary == "BUG: first adds two" and entry.path == path
    assert patches.entries(tmp_path / "zoo", "bugs") == {"entry": entry}
    assert patches.entries(tmp_path / "zoo", "alternatives") == {}


def test_a_replaced_function_takes_the_references_place(tmp_path, reference):
    source = patched(tmp_path, reference, '''\
        """BUG: first adds two"""

        PATCHES = "mod"


        def first(x):
            return x + 2  # the bug
        ''')
    assert "return x + 2  # the bug" in source and "return x + 1" not in source
    assert list(top_level(source)) == ["first", "second", "third"]
    namespace = run(source)
    assert namespace["first"](1) == 3 and namespace["third"](4) == 6


@pytest.mark.parametrize("body, problem", [
    ('"""BUG: no module named"""\n\ndef first(x):\n    return x\n', "no PATCHES"),
    ('PATCHES = "mod"\n\n\ndef first(x):\n    return x\n', "no docstring"),
    ('"""ALT: in bugs/"""\n\nPATCHES = "mod"\n\n\ndef first(x):\n    return x\n', "BUG:"),
    ('"""BUG: runs code"""\n\nPATCHES = "mod"\nprint("hello")\n', "Expr"),
    ('"""BUG: broken\n\nPATCHES = "mod"\n', "syntax error"),
])
def test_an_entry_without_patches_or_docstring_or_with_other_statements_is_refused(
        tmp_path, body, problem):
    with pytest.raises(patches.PatchError, match=problem):
        patches.read_entry(entry_file(tmp_path, body))


def test_an_entry_naming_a_function_the_reference_lacks_is_refused(tmp_path, reference):
    with pytest.raises(patches.PatchError, match="replaces no definition"):
        patched(tmp_path, reference, '''\
            """BUG: fourth"""

            PATCHES = "mod"


            def fourth(x):
                return x
            ''')


def test_an_entry_patching_a_module_that_does_not_exist_is_refused(tmp_path, reference):
    with pytest.raises(patches.PatchError, match="not a module"):
        patched(tmp_path, reference, '"""BUG: x"""\n\nPATCHES = "nope"\n\n\ndef first(x):\n'
                                     '    return x\n')


def test_an_entry_equal_to_the_reference_is_refused(tmp_path, reference):
    # comments and docstrings are no change
    with pytest.raises(patches.PatchError, match="equal the reference"):
        patched(tmp_path, reference, '''\
            """ALT: the same first"""

            PATCHES = "mod"


            def first(x):
                """Other words, same code."""
                return x + 1  # a comment
            ''')


def test_imports_are_added_once_after_the_references_imports(tmp_path, reference):
    source = patched(tmp_path, reference, '''\
        """ALT: first and third with imports"""

        import json
        import math
        import operator

        PATCHES = "mod"


        def first(x):
            return operator.add(x, len(json.dumps(None)) - 3)


        def third(x):
            return math.sqrt(x) * SCALE * json.loads("1")
        ''')
    lines = source.splitlines()
    assert [line for line in lines if line.startswith("import ")] == [
        "import functools", "import math", "import json", "import operator"]
    assert lines.index("import json") == lines.index("import math") + 1
    namespace = run(source)
    assert namespace["first"](1) == 2 and namespace["third"](4) == 6


def test_a_helper_function_is_appended(tmp_path, reference):
    source = patched(tmp_path, reference, '''\
        """ALT: first through a helper"""

        PATCHES = "mod"


        def first(x):
            return _increment(x)


        def _increment(x):
            return x + 1
        ''')
    assert list(top_level(source)) == ["first", "second", "third", "_increment"]
    assert source.endswith("def _increment(x):\n    return x + 1\n")
    assert run(source)["first"](1) == 2


def test_decorators_are_replaced_along(tmp_path, reference):
    source = patched(tmp_path, reference, '''\
        """BUG: second without its cache, and with a decorator of its own"""

        PATCHES = "mod"


        @staticmethod
        def second(x):
            return 2 * x + 1
        ''')
    assert "@functools.cache" not in source and "@staticmethod\ndef second(x):" in source
    decorators = top_level(source)["second"].decorator_list
    assert [ast.unparse(d) for d in decorators] == ["staticmethod"]


def test_assignments_are_definitions_too(tmp_path, reference):
    source = patched(tmp_path, reference, '"""BUG: scale"""\n\nPATCHES = "mod"\n\nSCALE = 4\n')
    assert "SCALE = 4" in source and "SCALE = 3" not in source
    assert run(source)["third"](4) == 8


@pytest.mark.parametrize("body, shift", [
    ("@functools.cache\ndef second(x):\n    y = 2 * x\n    return y + 1\n", 0),
    ("def second(x):\n    y = 2 * x\n    y = y + 1\n    y = y - 1\n    return y + 1\n", 1),
])
def test_line_numbers_of_untouched_functions_stay_the_same(tmp_path, reference, body, shift):
    """Above the change always; below it too when the replacement is as long as the original
    (4 lines here), else shifted by the difference, with the same text."""
    source = patched(tmp_path, reference, f'"""BUG: second"""\n\nPATCHES = "mod"\n\n\n{body}')
    before, after = lines_of(REFERENCE), lines_of(source)
    assert after["first"] == before["first"]
    assert after["third"] == before["third"] + shift
    old, new = REFERENCE.splitlines(), source.splitlines()
    for name in ("first", "third"):
        node = top_level(REFERENCE)[name]
        moved = after[name] - before[name]
        assert new[node.lineno - 1 + moved:node.end_lineno + moved] == old[
            node.lineno - 1:node.end_lineno]


def test_a_folder_holding_a_module_copy_is_refused(tmp_path):
    copy = tmp_path / "zoo" / "bugs" / "old_style"
    copy.mkdir(parents=True)
    (copy / "mod.py").write_text(REFERENCE, encoding="utf-8")
    with pytest.raises(patches.PatchError, match="old_style"):
        patches.entries(tmp_path / "zoo", "bugs")


def test_apply_writes_the_patched_module_into_a_folder_of_the_entrys_name(tmp_path, reference):
    path = entry_file(tmp_path, '"""BUG: x"""\n\nPATCHES = "mod"\n\n\ndef first(x):\n'
                                '    return x\n', name="identity")
    folder = patches.apply(patches.read_entry(path), reference, tmp_path / "out")
    assert folder == tmp_path / "out" / "identity"
    assert [p.name for p in folder.iterdir()] == ["mod.py"]
    assert run((folder / "mod.py").read_text(encoding="utf-8"))["first"](5) == 5


# ---------------------------------------------------------------- hostile entries

HOSTILE_PATCHES = [
    (assignment, case, path) for assignment in all_assignments()
    for case in validate.hostile_cases(assignment)
    for path in ([case.overlay] if case.overlay.is_file() else sorted(
        p for p in case.overlay.glob("*.py") if p.stem in assignment.module_names))]


@pytest.mark.parametrize("assignment, case, path", HOSTILE_PATCHES,
                         ids=[f"{a.name}-{c.name}-{p.stem}" for a, c, p in HOSTILE_PATCHES])
def test_every_hostile_patch_applies_and_differs_from_its_base(assignment, case, path):
    entry = patches.read_entry(path, patches.HOSTILE)
    assert entry.summary.startswith("HOSTILE: ") and entry.module in assignment.module_names
    base = assignment.solutions if case.base == "reference" else assignment.stubs
    patched_text = patches.patched_source(entry, base)
    compile(patched_text, f"{entry.module}.py", "exec")
    reference = (base / f"{entry.module}.py").read_text(encoding="utf-8")
    assert ast.dump(ast.parse(patched_text)) != ast.dump(ast.parse(reference))
    if case.overlay.is_file():  # a patch-file entry carries its expectations
        assert {"base", "flags"} <= set(entry.expect) and case.expect["description"]


@pytest.mark.parametrize("assignment", all_assignments(), ids=lambda a: a.name)
def test_every_hostile_entry_materialises_without_module_copies_or_symlinks(assignment,
                                                                          tmp_path):
    hostile = validate.hostile_cases(assignment)
    assert not [p for p in (assignment.zoo / "hostile").rglob("*") if p.is_symlink()]
    for case in hostile:
        assert case.expect.get("description") and "flags" in case.expect, case.name
        submission = validate.materialize(case, assignment, tmp_path / case.name)
        assert {f"{m}.py" for m in assignment.module_names} <= {
            p.name for p in submission.iterdir()}, case.name


def test_a1s_hostile_entries_make_their_symlink_and_padding_when_materialised(tmp_path):
    a1 = next(a for a in all_assignments() if a.name == "a1_neurons")
    by_name = {case.name: case for case in validate.hostile_cases(a1)}
    link = validate.materialize(by_name["symlink_module"], a1, tmp_path / "s") / "activations.py"
    assert link.is_symlink() and link.resolve() == (a1.solutions / "activations.py").resolve()
    huge = validate.materialize(by_name["huge_module"], a1, tmp_path / "h") / "activations.py"
    assert huge.stat().st_size > 512 * 1024
    nested = validate.materialize(by_name["deeply_nested_source"], a1, tmp_path / "d") / "loss.py"
    assert nested.read_text(encoding="utf-8").count("+1") == 9999
    broken = validate.materialize(by_name["syntax_error"], a1, tmp_path / "e")
    with pytest.raises(SyntaxError):
        compile((broken / "regularization.py").read_text(encoding="utf-8"), "r.py", "exec")


@pytest.fixture
def toy_assignment(tmp_path, monkeypatch):
    """a1_neurons with its zoo in tmp_path/zoo (an empty hostile/ to fill)."""
    a1 = next(a for a in all_assignments() if a.name == "a1_neurons")
    monkeypatch.setattr(type(a1), "zoo", property(lambda self: tmp_path / "zoo"))
    (tmp_path / "zoo" / "hostile").mkdir(parents=True)
    return a1


def test_a_hostile_folder_holding_a_module_copy_is_refused(toy_assignment):
    folder = toy_assignment.zoo / "hostile" / "old_style"
    folder.mkdir()
    (folder / "expect.toml").write_text('description = "x"\nflags = []\n', encoding="utf-8")
    reference = toy_assignment.solutions / "activations.py"
    (folder / "activations.py").write_text(reference.read_text(encoding="utf-8"),
                                           encoding="utf-8")
    with pytest.raises(patches.PatchError, match="only as a patch file of it, not a copy"):
        validate.hostile_cases(toy_assignment)
    (folder / "activations.py").unlink()
    nested = folder / "assignments" / "a1_neurons"
    nested.mkdir(parents=True)
    (nested / "loss.py").write_text("def sum_of_squares_error(y, t):\n    return 0\n",
                                    encoding="utf-8")
    with pytest.raises(patches.PatchError, match="not a copy"):
        validate.hostile_cases(toy_assignment)


def test_a_hostile_patch_file_holding_a_module_copy_or_a_committed_symlink_is_refused(
        toy_assignment):
    hostile = toy_assignment.zoo / "hostile"
    (hostile / "copy.py").write_text(
        (toy_assignment.solutions / "loss.py").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(patches.PatchError, match="no PATCHES"):
        validate.hostile_cases(toy_assignment)
    (hostile / "copy.py").unlink()
    (hostile / "linked").mkdir()
    (hostile / "linked" / "expect.toml").write_text('flags = []\n', encoding="utf-8")
    (hostile / "linked" / "activations.py").symlink_to(toy_assignment.solutions / "loss.py")
    with pytest.raises(patches.PatchError, match="symlink"):
        validate.hostile_cases(toy_assignment)


def test_a_hostile_patch_keeps_its_statements_wrappers_removals_and_expectations(
        tmp_path, reference):
    path = entry_file(tmp_path, '''\
        """HOSTILE: first wrapped, second gone, code at import

        More."""

        PATCHES = "mod"
        REMOVES = ["second"]
        EXPECT = {"base": "reference", "flags": ["timeout"], "max_score": 0}

        CALLS = []


        def third(x):
            CALLS.append(x)
            return -1


        def _twice(function):
            return lambda x: 2 * function(x)


        first = _twice(first)
        CALLS.append("imported")
        ''', kind="hostile")
    entry = patches.read_entry(path)
    assert (entry.kind, entry.removes, entry.expect["max_score"]) == ("hostile", ("second",), 0)
    assert entry.description == "first wrapped, second gone, code at import"
    source = patches.patched_source(entry, reference)
    namespace = run(source)
    assert "second" not in namespace and namespace["first"](1) == 4
    assert namespace["third"](4) == -1 and namespace["CALLS"] == ["imported", 4]
    assert source.index("CALLS = []") < source.index("def third")  # before the next replaced


@pytest.mark.parametrize("body", [
    '"""BUG: x"""\n\nPATCHES = "mod"\nREMOVES = ["first"]\n',
    '"""BUG: x"""\n\nPATCHES = "mod"\n\nprint("at import")\n\n\ndef first(x):\n    return x\n',
])
def test_only_a_hostile_entry_may_remove_or_run_code(tmp_path, reference, body):
    with pytest.raises(patches.PatchError):
        patched(tmp_path, reference, body)
