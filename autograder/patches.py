"""The zoo's bug and alternative entries as patches: an entry is the function(s) it replaces in
one reference module, with its description; ``apply`` writes that module with them in place.

An entry is one file, ``autograder/zoo/<assignment>/{bugs,alternatives}/<name>.py``::

    \"\"\"BUG: relu_grad via (x >= 0): gives 1 at x = 0, the lecture's choice is 0

    Why a student writes it (one paragraph).\"\"\"

    PATCHES = "activations"          # the reference module whose definitions it replaces

    import torch                     # the imports its code needs


    def relu_grad(x):
        ...

Every top-level ``def`` (or assignment) of the entry replaces the reference's definition of the
same name, in place, so line numbers and the other functions stay the reference's; a name the
reference lacks (a helper) is added at the end. Imports the reference lacks go after its own.
An entry that names no reference definition, or whose definitions equal the reference's, does
not apply (``PatchError``): copies of whole modules cannot drift from the source unnoticed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

KINDS = ("bugs", "alternatives")


class PatchError(ValueError):
    """A zoo entry that cannot be applied to the reference, or changes nothing."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "bugs" or "alternatives"
    module: str  # the reference module it patches
    summary: str  # the first line of its docstring ("BUG: ..." or "ALT: ...")
    path: Path


def _parse(path: Path) -> tuple[ast.Module, str]:
    source = path.read_text(encoding="utf-8")
    try:
        return ast.parse(source, filename=str(path)), source
    except SyntaxError as error:
        raise PatchError(f"{path}: syntax error, line {error.lineno}: {error.msg}") from None


def read_entry(path: Path) -> Entry:
    """The entry in ``path`` (not yet checked against the reference)."""
    tree, _ = _parse(path)
    docstring = ast.get_docstring(tree) or ""
    module = None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "PATCHES"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            module = node.value.value
    if module is None:
        raise PatchError(f"{path}: no PATCHES = \"<module>\" line naming the module it replaces")
    if not docstring.strip():
        raise PatchError(f"{path}: no docstring saying what the entry is")
    return Entry(path.stem, path.parent.name, module, docstring.strip().splitlines()[0], path)


def entries(zoo: Path, kind: str) -> dict[str, Entry]:
    """The entries of ``zoo/kind``, by name."""
    folder = Path(zoo) / kind
    return {p.stem: read_entry(p) for p in sorted(folder.glob("*.py"))} if folder.is_dir() else {}


def _definitions(tree: ast.Module) -> dict[str, ast.stmt]:
    found: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id != "PATCHES":
                    found[target.id] = node
    return found


def _span(node: ast.stmt) -> tuple[int, int]:
    """Lines (0-based, end exclusive) of ``node``, its decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return first - 1, node.end_lineno


def _segment(lines: list[str], node: ast.stmt) -> str:
    start, end = _span(node)
    return "".join(lines[start:end])


def patched_source(entry: Entry, reference_dir: Path) -> str:
    """The reference module of ``entry`` with the entry's definitions in place."""
    reference = Path(reference_dir) / f"{entry.module}.py"
    if not reference.is_file():
        raise PatchError(f"{entry.path}: PATCHES names {entry.module!r}, which is not a module "
                         f"of {reference_dir}")
    ref_tree, ref_source = _parse(reference)
    patch_tree, patch_source = _parse(entry.path)
    ref_lines = ref_source.splitlines(keepends=True)
    patch_lines = patch_source.splitlines(keepends=True)
    ref_defs = _definitions(ref_tree)
    patch_defs = _definitions(patch_tree)
    replaced = {name: node for name, node in patch_defs.items() if name in ref_defs}
    if not replaced:
        raise PatchError(f"{entry.path}: replaces no definition of {entry.module}.py "
                         f"(it defines {sorted(patch_defs) or 'nothing'})")
    changed = [name for name, node in replaced.items()
               if ast.dump(node) != ast.dump(ref_defs[name])]
    if not changed:
        raise PatchError(f"{entry.path}: its definitions equal the reference's: it tests nothing")

    # Replace from the bottom up so earlier line numbers stay valid; a reference statement
    # that defines several patched names is replaced once.
    spans: dict[tuple[int, int], list[str]] = {}
    for name, node in replaced.items():
        spans.setdefault(_span(ref_defs[name]), []).append(_segment(patch_lines, node))
    ref_imports = {ast.dump(n) for n in ref_tree.body if isinstance(n, ast.Import | ast.ImportFrom)}
    new_imports = [_segment(patch_lines, n) for n in patch_tree.body
                   if isinstance(n, ast.Import | ast.ImportFrom) and ast.dump(n) not in ref_imports
                   and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    if new_imports:  # after the reference's last import
        last = max((_span(n)[1] for n in ref_tree.body
                    if isinstance(n, ast.Import | ast.ImportFrom)), default=0)
        spans.setdefault((last, last), []).extend(new_imports)
    lines = list(ref_lines)
    for (start, end), texts in sorted(spans.items(), reverse=True):
        lines[start:end] = ["".join(dict.fromkeys(texts))]
    added = [_segment(patch_lines, node) for name, node in patch_defs.items()
             if name not in ref_defs]
    if added:
        lines.append("\n\n" + "\n\n".join(text.rstrip("\n") + "\n" for text in added))
    return "".join(lines)


def apply(entry: Entry, reference_dir: Path, out_dir: Path) -> Path:
    """Write the patched module into ``out_dir/<entry name>/`` and return that folder, which,
    searched before ``reference_dir``, is the entry as an implementation."""
    folder = Path(out_dir) / entry.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{entry.module}.py").write_text(patched_source(entry, reference_dir),
                                               encoding="utf-8")
    return folder
