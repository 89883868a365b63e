"""Which of a submission's files the tests of each module can depend on.

The tests of ``splits`` call ``splits`` functions, which call the student's ``polyfit`` and
``loss``; the tests of ``neuron`` pass the student's activations in. A module's results are a
function of the files in its closure (its own file, the sibling modules it imports, the
modules its tests reach, transitively), of its seed and of the grader. Grading derives each
module's seed from its closure, and batch grading reuses a module's results for identical
closures. Where a file could reach a sibling by a route the reader cannot follow (``importlib``,
``__import__``, ``exec``, ``sys.modules``, ...), its closure is every module.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache

from autograder import assignment as course
from autograder import pysource

_DYNAMIC = {"importlib", "__import__", "exec", "eval", "compile", "sys", "builtins",
            "globals", "locals", "vars", "getattr", "setattr", "open", "runpy", "pkgutil",
            "gc", "inspect", "types", "__builtins__", "__loader__", "__spec__", "__package__"}


def imported_siblings(source: str, modules) -> set[str]:
    """The graded ``modules`` a source file imports; every one if it may import dynamically."""
    MODULES = tuple(modules)
    try:
        tree = pysource.parse(source)
    except pysource.TooDeepError:
        return set(MODULES)  # the grader cannot read it, the worker may import it: anything
    except (SyntaxError, ValueError):
        return set()  # it cannot be imported at all: it reaches nothing
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in _DYNAMIC:
                return set(MODULES)
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in _DYNAMIC:
                    return set(MODULES)
                found |= set(parts) & set(MODULES)
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if parts[0] in _DYNAMIC:
                return set(MODULES)
            found |= set(parts) & set(MODULES)
            found |= {alias.name for alias in node.names} & set(MODULES)
            if any(alias.name == "*" for alias in node.names) and node.level:
                return set(MODULES)
    return found


@cache
def test_dependencies(assignment: course.Assignment) -> dict[str, frozenset[str]]:
    """For each module, the other modules its tests (public and hidden) reach through the
    assignment's fixture (``a1``): read from each test function and the helpers it calls; a use
    the reader cannot follow (``getattr(a1, name)``) counts as every module."""
    deps: dict[str, set[str]] = {module: set() for module in assignment.modules}
    for folder in assignment.suite_paths():
        for file in sorted(folder.glob("test_*.py")) if folder.is_dir() else []:
            for module, used in _file_dependencies(file.read_text(encoding="utf-8"),
                                                   assignment.fixture, assignment.module_names):
                deps[module] |= used
    return {module: frozenset(found) for module, found in deps.items()}


def _file_dependencies(source: str, fixture: str, MODULES: tuple[str, ...]):
    tree = pysource.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    file_marks = {m for node in tree.body if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
                  for m in _marks(node.value, MODULES)}

    def reached(function: ast.FunctionDef, seen: set[str]) -> set[str]:
        used: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and node.id == fixture:
                parent = getattr(node, "parent", None)
                if isinstance(parent, ast.Attribute):
                    if parent.attr in MODULES:
                        used.add(parent.attr)
                    elif parent.attr in ("module", "__getattr__"):
                        used.add("*")
                elif not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name)
                          and parent.func.id in functions):
                    used.add("*")  # a use the reader cannot follow, e.g. getattr(a1, name)
            elif isinstance(node, ast.Name) and node.id in functions and node.id not in seen:
                seen.add(node.id)
                used |= reached(functions[node.id], seen)
        return used

    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    for name, function in functions.items():
        if not name.startswith("test_"):
            continue
        marks = {m for decorator in function.decorator_list for m in _marks(decorator, MODULES)}
        used = reached(function, {name})
        if "*" in used:
            used = set(MODULES)
        for module in (marks or file_marks):
            yield module, used


def _marks(node: ast.AST, MODULES: tuple[str, ...]) -> set[str]:
    return {sub.attr for sub in ast.walk(node)
            if isinstance(sub, ast.Attribute) and sub.attr in MODULES
            and isinstance(sub.value, ast.Attribute) and sub.value.attr == "mark"}


def closures(files: dict[str, str], assignment=None) -> dict[str, frozenset[str]]:
    """For each module, the modules whose files its results may depend on (itself included)."""
    assignment = course.resolve(assignment)
    direct = {module: imported_siblings(files.get(f"{module}.py", ""), assignment.modules)
              for module in assignment.modules}
    tests = test_dependencies(assignment)
    result = {}
    for module in assignment.modules:
        seen, todo = {module}, [module, *tests[module]]
        while todo:
            current = todo.pop()
            seen.add(current)
            todo += [m for m in direct[current] if m not in seen]
        result[module] = frozenset(seen)
    return result


def closure_digests(files: dict[str, str], assignment=None) -> dict[str, str]:
    """For each module, sha256 over the files of its closure (absent files count as absent)."""
    assignment = course.resolve(assignment)
    digests = {}
    for module, members in closures(files, assignment).items():
        h = hashlib.sha256(f"{assignment.name}/{module}\0".encode())
        for name in sorted(members):
            text = files.get(f"{name}.py")
            h.update(name.encode() + (b"\1" + text.encode() if text is not None else b"\2")
                     + b"\0")
        digests[module] = h.hexdigest()
    return digests
