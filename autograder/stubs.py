"""Generate the student stubs from the reference solutions (the single source).

Solution regions follow nbgrader's convention: the lines between ``### BEGIN SOLUTION`` and
``### END SOLUTION``. Inside a function the region becomes one line,
``raise NotImplementedError("<module>.<function>: ...")``; a region at module level (a helper
or an import only the solution needs) is removed. Everything else, docstrings included, is kept
as it is. ``generate_stubs`` writes ``assignments/<assignment>/``; ``check_stubs`` reports
files that differ from what the generator makes.
"""

from __future__ import annotations

import re
from pathlib import Path

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)")


class StubError(ValueError):
    """A solution file whose markers cannot be turned into a stub."""


def _enclosing_function(lines: list[str], index: int, indent: int, where: str) -> str:
    for line in reversed(lines[:index]):
        match = _DEF.match(line)
        if match and len(match.group(1)) < indent:
            return match.group(2)
    raise StubError(f"{where}: solution region is indented but not inside a function")


def make_stub(source: str, module: str, filename: str = "<source>") -> str:
    """The stub text for one solution file's ``source``."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() == END:
            raise StubError(f"{filename}, line {index + 1}: {END} without {BEGIN}")
        if line.strip() != BEGIN:
            out.append(line)
            index += 1
            continue
        indent = len(line) - len(line.lstrip())
        end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() in (BEGIN, END)),
                   None)
        if end is None or lines[end].strip() != END:
            raise StubError(f"{filename}, line {index + 1}: {BEGIN} without a matching {END}")
        if indent:
            function = _enclosing_function(lines, index, indent, f"{filename}, line {index + 1}")
            out.append(
                f'{" " * indent}raise NotImplementedError("{module}.{function} is not '
                'implemented yet")\n'
            )
        index = end + 1
    # A removed module-level region leaves its blank lines behind: keep at most two in a row.
    return re.sub(r"\n{4,}", "\n\n\n", "".join(out))


def stub_files(solution_dir: Path) -> dict[str, str]:
    """Map of file name to stub text for every ``.py`` file of ``solution_dir``."""
    return {
        path.name: make_stub(path.read_text(encoding="utf-8"), path.stem, str(path))
        for path in sorted(Path(solution_dir).glob("*.py"))
    }


def generate_stubs(solution_dir: Path, assignment_dir: Path) -> list[Path]:
    """Write the stubs into ``assignment_dir``; returns the files written."""
    written = []
    for name, text in stub_files(solution_dir).items():
        target = Path(assignment_dir) / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def check_stubs(solution_dir: Path, assignment_dir: Path) -> list[str]:
    """Names of the stub files in ``assignment_dir`` that differ from the generator's output."""
    stale = []
    for name, text in stub_files(solution_dir).items():
        target = Path(assignment_dir) / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
