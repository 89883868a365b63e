"""Step 1 of grading: take the assignment's module files (and its notebook) from a submission,
and nothing else.

A submission is a folder that holds the module files, or a checkout of the student repository
(which holds ``assignments/<assignment>/``). Only regular files named after the graded modules
are read, and the assignment's notebook if it has one and it was submitted; everything else (a
``conftest.py``, ``pytest.ini``, ``sitecustomize.py``, ``.pth`` files, symlinks, extra modules,
edited public tests) is listed as ignored.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder import assignment as course
from autograder import layout
from autograder.layout import MAX_MODULE_BYTES, MAX_NOTEBOOK_BYTES

MAX_LISTED = 20  # ignored files named in a flag; the rest are counted
REPO = Path(__file__).resolve().parent.parent
# files a checkout of the student repository has anyway; ignored without a word when unchanged
_CHECKOUT_CONFIG = ("conftest.py", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini",
                    "sitecustomize.py", "usercustomize.py")


@dataclass
class Submission:
    root: Path
    package_dir: Path
    files: dict[str, str] = field(default_factory=dict)  # "activations.py" -> source
    missing: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    ignored_count: int = 0
    notebook: str | None = None  # the notebook's text, if submitted and readable
    notebook_problem: str | None = None  # why a submitted notebook is not graded
    notebook_name: str = "notebook.ipynb"  # the assignment's notebook file

    @property
    def digest(self) -> str:
        """sha256 over the graded files: the identity of what is graded."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + self.files[name].encode() + b"\0")
        if self.notebook is not None:
            h.update(self.notebook_name.encode() + b"\0" + self.notebook.encode() + b"\0")
        return h.hexdigest()


def graded_list(assignment: course.Assignment) -> str:
    """'activations.py, ..., splits.py and experiments.ipynb': what a submission is graded on."""
    files = list(assignment.graded_files)
    return ", ".join(files[:-1]) + " and " + files[-1] if len(files) > 1 else files[0]


def find_package_dir(path: Path, assignment: course.Assignment | str) -> Path:
    name = assignment if isinstance(assignment, str) else assignment.name
    checkout = path / layout.student_folder(name)
    return checkout if checkout.is_dir() else path


def collect(path: Path, assignment: course.Assignment | str | None = None) -> Submission:
    assignment = course.resolve(assignment)
    path = Path(path)
    package_dir = find_package_dir(path, assignment)
    submission = Submission(root=path, package_dir=package_dir,
                            notebook_name=assignment.notebook or "notebook.ipynb")
    for module in assignment.modules:
        file = package_dir / f"{module}.py"
        if file.is_symlink():
            submission.missing.append(f"{module}.py (a symlink; only regular files are graded)")
        elif not file.is_file():
            submission.missing.append(f"{module}.py")
        elif file.stat().st_size > MAX_MODULE_BYTES:
            submission.missing.append(f"{module}.py (larger than {MAX_MODULE_BYTES // 1024} KiB)")
        else:
            submission.files[f"{module}.py"] = file.read_bytes().decode("utf-8", "replace")
    notebook = package_dir / assignment.notebook if assignment.notebook else None
    if notebook is None:
        pass
    elif notebook.is_symlink():
        submission.notebook_problem = "it is a symlink; only regular files are graded"
    elif notebook.is_file() and notebook.stat().st_size > MAX_NOTEBOOK_BYTES:
        submission.notebook_problem = f"it is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB"
    elif notebook.is_file():
        submission.notebook = notebook.read_bytes().decode("utf-8", "replace")
    _list_ignored(submission, assignment)
    return submission


def _same_as_ours(file: Path, ours: Path) -> bool:
    try:
        return (not file.is_symlink() and ours.is_file() and file.stat().st_size < 2**20
                and file.read_bytes() == ours.read_bytes())
    except OSError:
        return False


def _same_as_released(file: Path, name: str, assignment: course.Assignment) -> bool:
    """The student repository has its own generated pyproject.toml (its conftest.py is ours)."""
    try:
        return (name == "pyproject.toml" and not file.is_symlink() and file.stat().st_size < 2**20
                and file.read_bytes() == _released_pyproject(assignment.name))
    except OSError:
        return False


@cache
def _released_pyproject(assignment: str) -> bytes | None:
    """The pyproject.toml a release made from this repository has (in a student repository,
    ``_same_as_ours`` already knows it)."""
    try:
        return layout.student_pyproject(assignment, REPO).encode()
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def _list_ignored(submission: Submission, assignment: course.Assignment) -> None:
    ours = assignment.stubs
    graded = set(assignment.graded_files)
    ignored: list[str] = []
    walked = 0
    for file in sorted(submission.package_dir.rglob("*")):
        walked += 1
        if walked > 10_000:
            ignored.append("... (more files not examined)")
            break
        relative = file.relative_to(submission.package_dir)
        if "__pycache__" in relative.parts or (file.is_dir() and not file.is_symlink()):
            continue
        if str(relative) in graded and not file.is_symlink():
            continue
        if _same_as_ours(file, ours / relative) or (
                str(relative) == course.MANIFEST and _same_as_ours(file, assignment.manifest)):
            continue
        ignored.append(str(relative) + (" (symlink)" if file.is_symlink() else ""))
    if submission.package_dir != submission.root:  # a checkout: its own config files
        for name in _CHECKOUT_CONFIG:
            file = submission.root / name
            if (file.exists() or file.is_symlink()) and not _same_as_ours(file, REPO / name) \
                    and not _same_as_released(file, name, assignment):
                ignored.append(f"{name} (at the top of the repository)")
        ignored += [f"{p.name} (at the top of the repository)"
                    for p in sorted(submission.root.glob("*.pth"))]
    submission.ignored_count = len(ignored)
    submission.ignored = ignored[:MAX_LISTED]
