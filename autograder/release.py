"""``autograder release -o DIR``: build the student repository from this one.

What ships is chosen positively, by the list in ``plan``: the assignment folder (stubs, public
tests, handout, notebook), ``datasets/``, the root ``conftest.py`` (the seam), the grader's
package without what only instructors have, the rubric's public entries, the pinned
requirements, the tree ``autograder/templates/student/`` (copied to the root, with
``{{assignment}}`` and ``{{title}}`` filled in: its README, ``docs/student-guide.md`` and
workflows) and a generated ``pyproject.toml``, ``Makefile`` and ``.gitignore``. Solutions, hidden
suites, the zoo, this repository's own tests and CI never ship. Before anything is written the
whole release is checked for instructor-only paths and solution markers.

DIR may be empty, missing, or a previous release: a folder holding the manifest
``.autograder-release.json`` that an earlier run wrote. Then exactly the files that manifest
lists are replaced; anything else there (``.git/``, files an instructor added) is left alone.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder import __version__, layout
from autograder import assignment as course
from autograder.layout import student_pyproject

REPO = Path(__file__).resolve().parent.parent
MANIFEST = ".autograder-release.json"
TEMPLATE = REPO / "autograder" / "templates" / "student"

# Entries of autograder/ that stay behind, and why.
INSTRUCTOR_ONLY = {
    "suites": "the hidden suites",
    "zoo": "the bug, alternative and hostile zoo",
    "templates": "copied to the release's root instead",
    "validate.py": "grades the zoo (the command says it is not available)",
    "demo.py": "grades the zoo (the command says it is not available)",
    "stubs.py": "generates stubs from solutions/ and names the solution markers",
    "scaffold.py": "writes a new assignment's solutions, hidden suite and zoo",
    "release.py": "builds a release from the instructor repository",
    "patches.py": "applies the zoo's bug and alternative entries to the reference",
    "gradescope.py": "packages the hidden suites into Gradescope's autograder.zip",
}
# Caches, editor leftovers and nbgrader's working files (its gradebook holds grades).
SKIPPED_NAMES = {"__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints",
                 ".ruff_cache", ".DS_Store", "gradebook.db", ".nbgrader.log"}
SKIPPED_SUFFIXES = (".pyc", ".pyo", ".swp", "~")
# What must never appear in a release: folders, and text in any file.
FORBIDDEN_PARTS = {"solutions", "suites", "zoo"}
FORBIDDEN_TEXT = (b"BEGIN SOLUTION", b"END SOLUTION", b"BEGIN HIDDEN")


class TargetError(ValueError):
    """DIR cannot take a release (not empty and not a previous release, inside this repository)."""


class LeakError(RuntimeError):
    """The release would ship something only instructors may see; nothing was written."""


@dataclass(frozen=True)
class File:
    data: bytes
    executable: bool = False


def _skipped(relative: Path) -> bool:
    return any(part in SKIPPED_NAMES for part in relative.parts) or relative.name.endswith(
        SKIPPED_SUFFIXES)


def _tree(source: Path, destination: str, exclude: set[str] = frozenset()) -> dict[str, File]:
    """Every file below ``source`` (caches skipped, top-level ``exclude`` left out)."""
    files = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if relative.parts[0] in exclude or _skipped(relative):
            continue
        if path.is_symlink():
            shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            raise LeakError(f"{shown}: a symlink; a release copies files only")
        if path.is_file():
            files[f"{destination}/{relative}".lstrip("/")] = _file(path)
    return files


def _file(path: Path) -> File:
    return File(path.read_bytes(), os.access(path, os.X_OK))


STUDENT_RUBRIC_HEADER = """\
# Points of the public tests, for your information: the course's rubric without its hidden
# entries. Editing it changes your local score only: the course grades with its own copy.
"""


def public_rubric(text: str) -> str:
    """The rubric with every ``[hidden...]`` table removed, comments and layout kept."""
    kept, hidden = [], False
    for line in text.splitlines(keepends=True):
        header = re.match(r"\s*\[+\s*([^\].]+)", line)
        if header:
            hidden = header.group(1).strip().strip("\"'") == "hidden"
        if not hidden:
            kept.append(line)
    while kept and kept[0].startswith("#"):  # the instructor's header ("Edit freely", ...)
        kept.pop(0)
    result = STUDENT_RUBRIC_HEADER + "".join(kept).rstrip("\n") + "\n"
    trimmed = tomllib.loads(result)
    if "hidden" in trimmed or trimmed.get("public") != tomllib.loads(text).get("public"):
        raise LeakError("the rubric could not be trimmed to its public entries")
    return result


def student_makefile(assignment: str) -> str:
    folder = layout.student_folder(assignment)
    return f"""\
# `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# torch's CPU build on Linux: PyPI's default there is the CUDA build, several GB that a laptop
# does not need. `make setup TORCH_INDEX=` takes PyPI's default (CUDA) instead; on macOS PyPI's
# torch is the CPU (and Apple GPU) build already.
TORCH_INDEX ?= $(if $(filter Linux,$(shell uname -s)),https://download.pytorch.org/whl/cpu)

.PHONY: help setup public test grade clean

help:  ## list the targets
\t@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\\t/'

$(STAMP): pyproject.toml requirements/grading.txt
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/pip install --quiet --upgrade pip
\t$(BIN)/pip install --quiet $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) \\
\t  -c requirements/grading.txt -e .
\ttouch $(STAMP)

setup: $(STAMP)  ## create .venv with the course's pinned environment (once)

public: $(STAMP)  ## run the public tests against your code in {folder}
\t$(BIN)/python -m pytest {folder}/tests

test: public  ## the same as public

grade: $(STAMP)  ## score your code with the public tests, as a pull request does (results.json)
\t$(BIN)/autograder grade --public-only .

clean:  ## remove the virtual environment, caches and results.json
\trm -rf $(VENV) .pytest_cache .hypothesis *.egg-info results.json
"""


STUDENT_GITIGNORE = """\
.venv/
__pycache__/
*.egg-info/
.hypothesis/
.pytest_cache/
.ipynb_checkpoints/
build/
results.json
"""


def template_files(assignment: course.Assignment) -> dict[str, File]:
    """``autograder/templates/student/``, with ``{{assignment}}`` and ``{{title}}`` filled in."""
    if not TEMPLATE.is_dir():
        return {}
    return {path: File(file.data.replace(b"{{assignment}}", assignment.name.encode())
                       .replace(b"{{title}}", assignment.title.encode()), file.executable)
            for path, file in _tree(TEMPLATE, "").items()}


def plan(assignment=None) -> dict[str, File]:
    """Every file of the release, by its path in the release; checked, nothing written."""
    assignment = course.resolve(assignment)
    name_ = assignment.name
    files: dict[str, File] = {}
    files.update(_tree(assignment.stubs, layout.student_folder(name_)))
    # the manifest, beside the stubs: a release has no solutions/
    files[f"{layout.student_folder(name_)}/{course.MANIFEST}"] = _file(assignment.manifest)
    files.update(_tree(REPO / "datasets", "datasets"))
    files.update(_tree(REPO / "autograder", "autograder", set(INSTRUCTOR_ONLY) | {"rubrics"}))
    files[f"autograder/rubrics/{name_}.toml"] = File(public_rubric(
        assignment.rubric.read_text(encoding="utf-8")).encode())
    if assignment.notebook and assignment.student_notebook.is_file():
        # what the release's `autograder grade` grades the notebook's public checks against
        from autograder.notebook.source import public_source

        files[str(assignment.public_source_notebook.relative_to(assignment.root))] = File(
            public_source(assignment.student_notebook.read_text(encoding="utf-8"),
                          assignment.solutions / assignment.notebook).encode())
    for name in ("conftest.py", "requirements/grading.txt"):
        if not (REPO / name).is_file():
            raise LeakError(f"{name}: missing, the release needs it")
        files[name] = _file(REPO / name)
    files["pyproject.toml"] = File(student_pyproject(name_).encode())
    files["Makefile"] = File(student_makefile(name_).encode())
    files[".gitignore"] = File(STUDENT_GITIGNORE.encode())
    files.update(template_files(assignment))  # the template's files win over generated ones
    files.pop(MANIFEST, None)
    _check(files)
    return files


def _check(files: dict[str, File]) -> None:
    """Refuse a release with an instructor-only folder or a solution/hidden-test marker."""
    for name, file in files.items():
        parts = set(Path(name).parts)
        if parts & FORBIDDEN_PARTS:
            raise LeakError(f"{name}: inside {', '.join(sorted(parts & FORBIDDEN_PARTS))}/")
        for marker in FORBIDDEN_TEXT:
            if marker in file.data:
                raise LeakError(f"{name}: contains {marker.decode()!r}")


def check_target(target: Path) -> list[str]:
    """The files a previous release in ``target`` wrote (empty if there is none).

    Raises TargetError if ``target`` is in this repository, is not a folder, or is a non-empty
    folder without a release manifest.
    """
    resolved = target.resolve()
    if resolved == REPO or REPO in resolved.parents:
        raise TargetError(f"{target}: inside this repository; build the release elsewhere")
    if resolved.exists() and not resolved.is_dir():
        raise TargetError(f"{target}: not a directory")
    if not resolved.is_dir() or not any(resolved.iterdir()):
        return []
    manifest = resolved / MANIFEST
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        if not all(isinstance(f, str) for f in files):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise TargetError(f"{target}: not empty and not a previous release (no readable "
                          f"{MANIFEST}); choose an empty or new directory") from None
    return [f for f in files if _inside(resolved, f)]


def _inside(root: Path, relative: str) -> bool:
    path = Path(relative)
    return not path.is_absolute() and ".." not in path.parts and path.parts != ()


def build(target: Path, assignment=None) -> list[str]:
    """Write the release into ``target``; returns the paths written, relative to it."""
    assignment = course.resolve(assignment)
    previous = check_target(target)
    files = plan(assignment)
    target = target.resolve()
    for name in (*previous, *files):  # a symlinked folder in DIR must not lead elsewhere
        parent = (target / name).parent.resolve()
        if parent != target and target not in parent.parents:
            raise TargetError(f"{target / name}: its folder leads outside {target}")
    for name in previous:  # the old release's files only; nothing else of the folder
        path = target / name
        if path.is_symlink() or path.is_file():
            path.unlink()
    for name in previous:  # folders it leaves empty
        for parent in (target / name).parents:
            if parent == target or not parent.is_dir() or any(parent.iterdir()):
                break
            parent.rmdir()
    for name, file in sorted(files.items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.data)
        path.chmod(0o755 if file.executable else 0o644)
    manifest = {"assignment": assignment.name, "grader_version": __version__,
                "files": sorted(files)}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return sorted(files)

