"""Grading a submitted notebook: ``nbgrader autograde`` in a private course directory, with the
check cells restored from the source and the notebook run confined (``kernel``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from autograder import assignment as course_
from autograder.layout import MAX_NOTEBOOK_BYTES
from autograder.notebook.feedback import (
    NO_NOTEBOOK,
    NotebookPart,
    notebook_flags,
    score_cells,
    unscored_cells,
)
from autograder.notebook.kernel import ConfinedExecute
from autograder.notebook.source import (
    REPO,
    STUDENT,
    graded_cells,
    nbgrader_config,
    run_converter,
    source_course,
    source_metadata,
)

# -- grading ------------------------------------------------------------------------------------

def grade_notebook(text: str | None, module_files: dict[str, str], assignment=None,
                   *, uid: int | None = None, public_only: bool = False,
                   problem: str | None = None, timeout: float | None = None) -> NotebookPart:
    """Grade the submitted notebook ``text`` (None: not submitted) against the student's own
    ``module_files`` ({"polyfit.py": source, ...}). Never raises for anything in the
    submission: what went wrong is in ``status``, ``detail`` and ``flags``."""
    started = time.monotonic()
    assignment = course_.resolve(assignment)
    if not assignment.notebook:
        return NotebookPart(NO_NOTEBOOK)
    name = assignment.notebook  # the file name, in every message below
    timeout = assignment.budgets.notebook if timeout is None else timeout
    source = assignment.source_notebook
    if not source.is_file():
        return NotebookPart("not graded here", detail=f"this grader has no source of {name} "
                            "to check it against (a release ships one: rebuild it with "
                            "`autograder release`)")
    cells = graded_cells(source)
    part = NotebookPart("graded", checked_points=sum(c.points for c in cells if not c.manual),
                        answer_points=sum(c.points for c in cells if c.manual))
    if source == assignment.public_source_notebook:  # a student repository: no hidden tests
        public_only = True
    if public_only:
        part.hidden_checks = [c.points for c in cells if c.hidden and not c.manual]
    def ungraded(status: str, detail: str) -> NotebookPart:
        """Its checks at 0 of their points: the maximum does not depend on what was handed in."""
        part.status, part.detail = status, detail
        part.scores, part.pending = unscored_cells(cells, public_only, f"not graded: {detail}",
                                                   name)
        return part

    if text is None:
        worth = (f"its checks ({part.checked_points:g} points) and written answers "
                 f"({part.answer_points:g} points) were not graded")
        return ungraded("absent", f"{name} is not in the submission: {worth}") \
            if problem is None else ungraded("refused", f"{name} was not read ({problem}): {worth}")
    if len(text.encode("utf-8", "replace")) > MAX_NOTEBOOK_BYTES:
        return ungraded("too large", f"{name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    import nbformat

    try:
        nbformat.validate(nbformat.reads(text, as_version=4))
    except Exception as error:  # any malformed notebook: JSON, schema, version
        return ungraded("unreadable", f"{name} is not a valid notebook ({type(error).__name__})")
    with tempfile.TemporaryDirectory(prefix="autograder-notebook-") as tmp:
        runner = ConfinedExecute(
            files=_kernel_files(module_files, assignment), datasets=_datasets(assignment),
            caches=_matplotlib_caches(), name=name, cell_timeout=assignment.budgets.cell,
            workdir=str(Path(tmp) / "sandbox"), uid=uid, timeout=timeout)
        try:
            executed, grades = _autograde(Path(tmp) / "course", source, text, assignment.name,
                                          runner)
        except Exception as error:  # nbgrader refused the notebook (its metadata, its cells)
            part.flags = runner.flags
            return ungraded("failed", f"nbgrader could not grade {name}: {_first_line(error)}")
        finally:
            from autograder.sandbox import kill_uid

            kill_uid(uid)
    locked = {grade_id for grade_id, meta in source_metadata(source).items() if meta.get("locked")}
    part.flags = runner.flags + notebook_flags(text, locked, name)
    part.confinement = runner.confinement
    part.scores, part.pending = score_cells(cells, grades, executed, public_only, name)
    part.seconds = time.monotonic() - started
    return part


def grade_submission(submission, assignment=None, *, uid: int | None = None,
                     public_only: bool = False) -> NotebookPart:
    """The notebook part of a ``collect.Submission``."""
    return grade_notebook(submission.notebook, submission.files, assignment, uid=uid,
                          public_only=public_only, problem=submission.notebook_problem)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


def _kernel_files(module_files: dict[str, str], assignment) -> dict[str, str]:
    """The folder the notebook runs in: the grader's ``__init__.py`` and the student's modules."""
    init = assignment.init_file.read_text(encoding="utf-8")
    return {"__init__.py": init, **module_files}


def _matplotlib_caches() -> dict[str, str]:
    """matplotlib's font list, which it would otherwise rebuild in every run (a second)."""
    folder = Path(os.environ.get("MPLCONFIGDIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib")
    with contextlib.suppress(OSError):
        return {path.name: path.read_text(encoding="utf-8")
                for path in folder.glob("fontlist-*.json") if path.stat().st_size < 2**20}
    return {}


def _datasets(assignment) -> dict[str, str]:
    """The assignment's data and their loader, which the notebook finds in a folder above its
    own."""
    folder = REPO / "datasets"
    names = (*assignment.datasets, "load.py", "SHA256SUMS")
    return {name: (folder / name).read_text(encoding="utf-8") for name in names
            if (folder / name).is_file()}


_GRADEBOOKS: dict[str, bytes] = {}  # source notebook digest -> a fresh gradebook.db, per process


def _autograde(course: Path, source: Path, text: str, assignment: str,
               runner: ConfinedExecute):
    """nbgrader autograde of ``text`` in ``course``; (autograded notebook, {grade_id: grade})."""
    import hashlib

    import nbformat
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    # Making a gradebook runs nbgrader's generate_assignment and its database migrations
    # (seconds): once per process and source notebook, then a copy of the file.
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if digest not in _GRADEBOOKS:
        with tempfile.TemporaryDirectory(prefix="autograder-nbgrader-") as tmp:
            source_course(Path(tmp), source, assignment, database=True)
            _GRADEBOOKS[digest] = (Path(tmp) / "gradebook.db").read_bytes()
    folder = course / "source" / assignment
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / source.name)
    (course / "gradebook.db").write_bytes(_GRADEBOOKS[digest])
    submitted = course / "submitted" / STUDENT / assignment
    submitted.mkdir(parents=True)
    (submitted / source.name).write_text(text, encoding="utf-8")
    config = nbgrader_config(course, assignment, source.stem, STUDENT)
    config.Execute.timeout = runner.cell_timeout
    # nbgrader's own steps, with two of ours: the cells' nbgrader metadata comes from the source
    # (a student cannot turn a check into an answer or invent one), and the notebook runs
    # confined instead of next to the grader.
    steps = {
        "sanitize_preprocessors": [
            ClearOutput, DeduplicateIds, OverwriteKernelspec,
            RestoreCellMetadata(source_metadata(source)), OverwriteCells, CheckCellMetadata],
        "autograde_preprocessors": [
            runner, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
            AssignLatePenalties, CheckCellMetadata],
    }
    # nbgrader's gradebook makes SQLAlchemy warn about its sessions on every run (a filter,
    # not catch_warnings: that is not thread-safe)
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session",
                            module=r"nbgrader\.")
    autograde = run_converter(Autograde, config, **steps)
    with Gradebook(autograde.coursedir.db_url) as gb:
        notebook = gb.find_submission_notebook(source.stem, assignment, STUDENT)
        grades = {grade.name: {"score": float(grade.score or 0.0),
                               "auto_score": grade.auto_score,
                               "max_score": float(grade.max_score),
                               "needs_manual_grade": bool(grade.needs_manual_grade)}
                  for grade in notebook.grades}
    executed = nbformat.read(course / "autograded" / STUDENT / assignment / source.name,
                             as_version=4)
    return executed, grades


class RestoreCellMetadata:
    """A sanitising step for ``nbgrader autograde``: every cell keeps the nbgrader metadata of
    the source cell of its grade_id (a student cannot turn a check into an answer, lower its
    points or unlock it), and a cell whose grade_id the source does not have loses its
    nbgrader metadata altogether (it can claim no points)."""

    enabled = True

    def __init__(self, metadata: dict[str, dict]):
        self.metadata = metadata

    def __call__(self, nb, resources):
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if grade_id not in self.metadata:
                del cell.metadata["nbgrader"]
                continue
            restored = json.loads(json.dumps(self.metadata[grade_id]))
            restored.pop("checksum", None)  # OverwriteCells sets it from the gradebook
            cell.metadata["nbgrader"] = restored
        return nb, resources


