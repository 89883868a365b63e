"""The zoo's bug and alternative entries as patches: an entry is the function(s) it replaces in
one reference module, with its description; ``apply`` writes that module with them in place.

An entry is one file, ``autograder/zoo/<assignment>/{bugs,alternatives}/<name>.py``::

    \"\"\"BUG: relu_grad via (x >= 0): gives 1 at x = 0, the lecture's choice is 0

    Why a student writes it (one paragraph).\"\"\"

    import torch                     # the imports its code needs

    PATCHES = "activations"          # the reference module whose definitions it replaces


    def relu_grad(x):
        ...

The docstring's first line says what it is: ``BUG: ...`` in ``bugs/``, ``ALT: ...`` in
``alternatives/``. Every top-level ``def``, ``class`` or assignment of the entry replaces the
reference's definition of the same name, in place (decorators included), so every other
definition keeps its text and its place; those above the first change also keep their line
numbers, unless the entry adds imports. A name the reference lacks (a helper) is added at the
end. Imports the reference lacks go after its own. Names the code takes from the reference
module itself are not imported; the entry says so to ruff with ``# ruff: noqa: F821``.

An entry that names no reference definition, whose definitions equal the reference's (comments
and docstrings aside), or that holds other top-level statements does not apply
(``PatchError``): copies of whole modules cannot drift from the source unnoticed.

A hostile entry (``hostile/<name>.py``, or ``<module>.py`` in a folder ``hostile/<name>/``; its
docstring starts with ``HOSTILE:``) is a patch by the same rules, applied to its base (the
reference or the stubs), with three more allowances: it may hold other top-level statements
(code that runs at import, and wrappers such as ``sign = _slow(sign)``, which run after
the definition they wrap), ``REMOVES = ["name", ...]`` deletes definitions of the base, and
``EXPECT = {...}`` (a literal, read without importing the entry) holds the expectations of a
patch-file entry. Its names the base lacks, and its statements, keep their order with respect to
its replaced definitions: each goes just before the next replaced definition that follows it in
the entry, or at the end.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("bugs", "alternatives")
HOSTILE = "hostile"
_PREFIX = {"bugs": "BUG:", "alternatives": "ALT:", HOSTILE: "HOSTILE:"}
_META = ("PATCHES", "REMOVES", "EXPECT")  # an entry's own lines, not definitions
_DEFINITION = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
_IMPORT = ast.Import | ast.ImportFrom


class PatchError(ValueError):
    """A zoo entry that cannot be applied to the reference, or changes nothing."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "bugs", "alternatives" or "hostile"
    module: str  # the reference module it patches
    summary: str  # the first line of its docstring ("BUG: ...", "ALT: ...", "HOSTILE: ...")
    path: Path
    removes: tuple[str, ...] = ()  # hostile only: base definitions it deletes
    expect: dict = field(default_factory=dict, hash=False)  # hostile only: its EXPECT literal
    description: str = ""  # the docstring's first paragraph, its prefix left out


def _parse(path: Path) -> tuple[ast.Module, str]:
    source = path.read_text(encoding="utf-8")
    try:
        return ast.parse(source, filename=str(path)), source
    except SyntaxError as error:
        raise PatchError(f"{path}: syntax error, line {error.lineno}: {error.msg}") from None


def _meta_name(node: ast.stmt) -> str | None:
    """``PATCHES``, ``REMOVES`` or ``EXPECT`` where ``node`` assigns that name, else None."""
    if (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name) and node.targets[0].id in _META):
        return node.targets[0].id
    return None


def _is_patches_line(node: ast.stmt) -> bool:
    return _meta_name(node) is not None


def read_entry(path: Path, kind: str | None = None) -> Entry:
    """The entry in ``path`` (not yet checked against the reference); its kind is the name of
    its folder unless given (``hostile`` for a patch file inside a hostile folder)."""
    path = Path(path)
    tree, _ = _parse(path)
    docstring = (ast.get_docstring(tree) or "").strip()
    kind = kind or path.parent.name
    meta: dict[str, object] = {}
    for node in tree.body:
        name = _meta_name(node)
        if name is not None:
            try:
                meta[name] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                raise PatchError(f"{path}, line {node.lineno}: {name} must be a literal") from None
    module = meta.get("PATCHES")
    if not isinstance(module, str):
        raise PatchError(f"{path}: no PATCHES = \"<module>\" line naming the module it replaces")
    if not docstring:
        raise PatchError(f"{path}: no docstring saying what the entry is")
    summary = docstring.splitlines()[0]
    expected = (_PREFIX[kind],) if kind in _PREFIX else tuple(_PREFIX.values())
    if not summary.startswith(expected):
        raise PatchError(f"{path}: its docstring must start with {' or '.join(expected)}")
    kind = kind if kind in _PREFIX else next(k for k, p in _PREFIX.items()
                                             if summary.startswith(p))
    if kind != HOSTILE:
        extra = sorted(set(meta) - {"PATCHES"})
        if extra:
            raise PatchError(f"{path}: {', '.join(extra)}: only a hostile entry may have them")
        for node in tree.body[1:]:
            if not (isinstance(node, _DEFINITION | _IMPORT | ast.Assign | ast.AnnAssign)):
                raise PatchError(f"{path}, line {node.lineno}: an entry holds imports and "
                                 f"definitions only, not {type(node).__name__}")
    removes = meta.get("REMOVES", ())
    expect = meta.get("EXPECT", {})
    if not (isinstance(removes, list | tuple) and all(isinstance(r, str) for r in removes)):
        raise PatchError(f"{path}: REMOVES must be a list of names")
    if not isinstance(expect, dict):
        raise PatchError(f"{path}: EXPECT must be a dict")
    paragraph = docstring.split("\n\n", 1)[0]
    description = " ".join(paragraph[len(_PREFIX[kind]):].split())
    return Entry(path.stem, kind, module, summary, path, tuple(removes), expect, description)


def entries(zoo: Path, kind: str) -> dict[str, Entry]:
    """The entries of ``zoo/kind``, by name."""
    folder = Path(zoo) / kind
    if not folder.is_dir():
        return {}
    stale = [p.name for p in sorted(folder.iterdir()) if p.is_dir() and any(p.glob("*.py"))]
    if stale:
        raise PatchError(f"{folder}: {', '.join(stale)}: a {kind[:-1]} is one <name>.py patch "
                         "file, not a folder holding a copy of the module")
    return {p.stem: read_entry(p) for p in sorted(folder.glob("*.py"))}


def _is_wrapper(node: ast.stmt) -> bool:
    """An assignment that reads a name it binds (``sign = _slow(sign)``): in a hostile entry, a
    statement run after the definition it wraps, not a replacement of it."""
    if not isinstance(node, ast.Assign):
        return False
    bound = {n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return any(isinstance(n, ast.Name) and n.id in bound for n in ast.walk(node.value))


def _definitions(tree: ast.Module, hostile: bool = False) -> dict[str, ast.stmt]:
    found: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, _DEFINITION):
            found[node.name] = node
        elif hostile and _is_wrapper(node):
            continue
        elif isinstance(node, ast.Assign | ast.AnnAssign) and not _is_patches_line(node):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        found[name.id] = node
    return found


def _without_docstrings(node: ast.stmt) -> str:
    """``node`` as ``ast.dump`` shows it, its docstrings (and its nested ones) left out."""
    copy = ast.parse(ast.unparse(node)).body[0]
    for inner in ast.walk(copy):
        if isinstance(inner, _DEFINITION) and ast.get_docstring(inner, clean=False) is not None:
            inner.body = inner.body[1:] or [ast.Pass()]
    return ast.dump(copy)


def _bound_names(node: ast.Import | ast.ImportFrom) -> set[tuple]:
    """What an import binds: (module, name, as-name) for each name."""
    source = ("." * node.level + (node.module or "")) if isinstance(node, ast.ImportFrom) else ""
    return {(source, alias.name, alias.asname) for alias in node.names}


def _span(node: ast.stmt) -> tuple[int, int]:
    """Lines (0-based, end exclusive) of ``node``, its decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return first - 1, node.end_lineno


def _segment(lines: list[str], node: ast.stmt) -> str:
    start, end = _span(node)
    text = "".join(lines[start:end])
    return text if text.endswith("\n") else text + "\n"


def patched_source(entry: Entry, reference_dir: Path) -> str:
    """The reference module of ``entry`` with the entry's definitions in place."""
    reference = Path(reference_dir) / f"{entry.module}.py"
    if not reference.is_file():
        raise PatchError(f"{entry.path}: PATCHES names {entry.module!r}, which is not a module "
                         f"of {reference_dir}")
    ref_tree, ref_source = _parse(reference)
    patch_tree, patch_source = _parse(entry.path)
    ref_lines = ref_source.splitlines(keepends=True)
    if ref_lines and not ref_lines[-1].endswith("\n"):
        ref_lines[-1] += "\n"
    patch_lines = patch_source.splitlines(keepends=True)
    ref_defs = _definitions(ref_tree)
    hostile = entry.kind == HOSTILE
    patch_defs = _definitions(patch_tree, hostile)
    replaced = {name: node for name, node in patch_defs.items() if name in ref_defs}
    missing = [name for name in entry.removes if name not in ref_defs]
    if missing:
        raise PatchError(f"{entry.path}: REMOVES names {', '.join(missing)}, which "
                         f"{entry.module}.py does not define")
    # A hostile entry's other statements (code run at import) and its helpers, in its order.
    replaced_nodes = {id(node) for node in replaced.values()}
    others = [node for node in patch_tree.body[1 if ast.get_docstring(patch_tree) else 0:]
              if not isinstance(node, _IMPORT) and not _is_patches_line(node)
              and id(node) not in replaced_nodes] if hostile else []
    if not replaced and not (hostile and (others or entry.removes)):
        raise PatchError(f"{entry.path}: replaces no definition of {entry.module}.py "
                         f"(it defines {sorted(patch_defs) or 'nothing'})")
    if all(_without_docstrings(node) == _without_docstrings(ref_defs[name])
           for name, node in replaced.items()) and not (hostile and (others or entry.removes)):
        raise PatchError(f"{entry.path}: its definitions equal the reference's (comments and "
                         "docstrings aside): it tests nothing")

    # Replace from the bottom up so earlier line numbers stay valid; a reference statement
    # that defines several patched names is replaced once.
    spans: dict[tuple[int, int], list[str]] = {}
    for name, node in replaced.items():
        spans.setdefault(_span(ref_defs[name]), []).append(_segment(patch_lines, node))
    for name in entry.removes:
        spans.setdefault(_span(ref_defs[name]), []).append("")
    at_end = []
    for node in others:  # just before the next replaced definition of the entry, or at the end
        following = [ref_defs[name] for name, def_node in replaced.items()
                     if def_node.lineno > node.lineno]
        if following:
            start = min(_span(n)[0] for n in following)
            spans.setdefault((start, start), []).append(_segment(patch_lines, node) + "\n\n")
        else:
            at_end.append(_segment(patch_lines, node))
    ref_imports = [n for n in ref_tree.body if isinstance(n, _IMPORT)]
    imported = set().union(*(_bound_names(n) for n in ref_imports))
    new_imports = [_segment(patch_lines, n) for n in patch_tree.body
                   if isinstance(n, _IMPORT) and not _bound_names(n) <= imported
                   and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    if new_imports:  # after the reference's last import, else after its docstring
        docstring = ref_tree.body[:1] if ast.get_docstring(ref_tree) is not None else []
        last = max((_span(n)[1] for n in ref_imports or docstring), default=0)
        spans.setdefault((last, last), []).extend(new_imports)
    lines = list(ref_lines)
    for (start, end), texts in sorted(spans.items(), reverse=True):
        lines[start:end] = ["".join(dict.fromkeys(texts))]
    added = at_end if hostile else list(dict.fromkeys(
        _segment(patch_lines, node) for name, node in patch_defs.items() if name not in ref_defs))
    if added:
        lines.append("\n\n" + "\n\n".join(added))
    return "".join(lines)


def apply(entry: Entry, reference_dir: Path, out_dir: Path) -> Path:
    """Write the patched module into ``out_dir/<entry name>/`` and return that folder, which,
    searched before ``reference_dir``, is the entry as an implementation."""
    folder = Path(out_dir) / entry.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{entry.module}.py").write_text(patched_source(entry, reference_dir),
                                               encoding="utf-8")
    return folder
