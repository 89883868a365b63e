"""The notebook part of an assignment (``experiments.ipynb``), from source to points, with nbgrader.

* ``generate_student_notebook``: the student's notebook from the source notebook in
  ``solutions/<assignment>/`` (``nbgrader generate_assignment``: solutions and hidden tests out);
  ``stubs.py`` writes it to ``assignments/<assignment>/`` next to the stub modules.
* ``grade_notebook``: ``nbgrader autograde`` of a submitted notebook in a private course
  directory of the grader's. nbgrader restores the check cells (hidden tests included) from the
  source, then our ``ConfinedExecute`` replaces nbgrader's ``Execute``: the notebook runs in a
  process that confines itself exactly like the module worker (``worker.confine``: namespaces,
  its own root, an unprivileged uid, resource limits) and whose kernel is its child, so student
  code never runs in the grader. Only the cells' outputs come back, as JSON; nbgrader scores
  them into its gradebook, and we read the points from there.
* ``merge``: the part's points into the grade's ``Outcome``: checked cells become tests (module
  ``notebook``), written answers are listed as pending (graded by hand, not in ``score``).
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from autograder import assignment as course_
from autograder.collect import MAX_NOTEBOOK_BYTES

REPO = Path(__file__).resolve().parent.parent
CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"
STUDENT = "student"  # the one student of the grader's private course directory
MODULE = "notebook"  # the "module" of the notebook's tests in results.json
NO_NOTEBOOK = "none"  # NotebookPart.status of an assignment that has no notebook
MAX_REPLY_BYTES = 64 * 2**20  # what the confined run may send back, outputs included
STOPPED = {"dead-kernel": "the kernel died (memory limit, a crash, or exit())",
           "failed": "the notebook could not run to the end (the kernel did not start or "
                     "stopped answering)"}
# Spelled in two parts: the release refuses any file that holds the marker whole.
HIDDEN_MARK = "### BEGIN " + "HIDDEN TESTS"


def source_notebook(assignment) -> Path | None:
    """The assignment's nbgrader source notebook (None: the assignment has no notebook)."""
    return course_.resolve(assignment).source_notebook


# -- nbgrader, configured -------------------------------------------------------------------------

def nbgrader_config(course: Path, assignment: str, notebook_id: str, student: str = "."):
    """nbgrader's configuration (``nbgrader_config.py``) for a course directory of ours."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    config.CourseDirectory.notebook_id = notebook_id
    return config


class NbgraderError(RuntimeError):
    """nbgrader refused to convert a notebook; the message ends with its log."""


_ALEMBIC = threading.Lock()  # guards PATH while nbgrader creates a gradebook


def _run(converter_class, config, **traits):
    """Run an nbgrader converter the way ``nbgrader <command>`` would, but safe in a grader
    that grades in threads: its log goes to a logger of its own (and into the error if it
    fails), and the working directory is left alone (``BaseConverter.start`` changes into the
    course directory; every path here is absolute)."""
    import logging

    from nbconvert.writers import FilesWriter
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory

    class Keep(logging.Handler):
        def emit(self, record):
            kept.append(self.format(record))

    kept: list[str] = []
    log = logging.Logger(f"autograder.nbgrader.{converter_class.__name__}")
    log.addHandler(Keep(logging.ERROR))
    converter = converter_class(coursedir=CourseDirectory(config=config, log=log),
                                config=config, log=log, **traits)
    try:
        converter.init_notebooks()
        converter.writer = FilesWriter(parent=converter, config=converter.config)
        converter.exporter = converter.exporter_class(parent=converter, config=converter.config)
        for preprocessor in converter.preprocessors:
            converter.exporter.register_preprocessor(preprocessor)
        converter.convert_notebooks()
    except NbGraderException as error:
        raise NbgraderError("\n".join([str(error), *kept[-3:]])) from None
    return converter


def _source_course(course: Path, source: Path, assignment: str, database: bool) -> None:
    """``course/source/<assignment>/`` holding the source notebook alone (nbgrader copies every
    file of that folder into what it writes, and the solution modules must never go along),
    then ``nbgrader generate_assignment``: ``course/release/`` and, with ``database``, the
    gradebook that autograding needs (nbgrader fills it by running its ``alembic`` command)."""
    folder = course / "source" / assignment
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / source.name)
    from nbgrader.converters import GenerateAssignment

    config = nbgrader_config(course, assignment, source.stem)
    if not database:  # SaveCells only fills the gradebook
        config.GenerateAssignment.no_database = True
        config.GenerateAssignment.preprocessors = [
            p for p in GenerateAssignment.class_traits()["preprocessors"].default()
            if p.__name__ != "SaveCells"]
        _run(GenerateAssignment, config)
        return
    with _ALEMBIC:
        path = os.environ.get("PATH", "")
        os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), path])
        try:
            _run(GenerateAssignment, config)
        finally:
            os.environ["PATH"] = path


def generate_student_notebook(source: Path, assignment: str) -> str:
    """``nbgrader generate_assignment`` of ``source`` (of the assignment named
    ``assignment``): the student's notebook, as text."""
    source = Path(source)
    with tempfile.TemporaryDirectory(prefix="autograder-nbgrader-") as tmp:
        course = Path(tmp)
        _source_course(course, source, assignment, database=False)
        return (course / "release" / assignment / source.name).read_text(encoding="utf-8")


def normalise(text: str) -> dict:
    """What must match between two versions of a notebook: each cell's type, source and
    metadata, and the kernel; not cell ids, outputs or execution counts."""
    import nbformat

    notebook = nbformat.reads(text, as_version=4)
    return {
        "kernelspec": dict(notebook.metadata.get("kernelspec", {})),
        "cells": [{"cell_type": cell.cell_type, "source": cell.source,
                   "metadata": json.loads(json.dumps(cell.metadata, sort_keys=True))}
                  for cell in notebook.cells],
    }


def student_notebook_is_current(solution_dir: Path, assignment_dir: Path,
                                assignment=None) -> bool:
    """True if ``assignment_dir`` holds what the generator makes of ``solution_dir``'s notebook
    (an assignment without a notebook: always)."""
    assignment = course_.resolve(assignment)
    if not assignment.notebook:
        return True
    target = Path(assignment_dir) / assignment.notebook
    if not target.is_file():
        return False
    expected = generate_student_notebook(Path(solution_dir) / assignment.notebook,
                                         assignment.name)
    return normalise(target.read_text(encoding="utf-8")) == normalise(expected)


# -- what the source says about its cells ---------------------------------------------------------

@dataclass(frozen=True)
class GradedCell:
    grade_id: str
    points: float
    manual: bool  # a written answer, graded by hand
    hidden: bool  # holds hidden tests
    source: str


def source_metadata(source: Path) -> dict[str, dict]:
    """{grade_id: nbgrader metadata} of every nbgrader cell of the source notebook, in order."""
    import nbformat

    return {cell.metadata["nbgrader"]["grade_id"]: dict(cell.metadata["nbgrader"])
            for cell in nbformat.read(source, as_version=4).cells
            if "nbgrader" in cell.metadata}


def graded_cells(source: Path) -> list[GradedCell]:
    """The cells of the source notebook that carry points, in order."""
    import nbformat

    cells = []
    for cell in nbformat.read(source, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            cells.append(GradedCell(meta["grade_id"], float(meta.get("points", 0)),
                                    bool(meta.get("solution")), HIDDEN_MARK in cell.source,
                                    cell.source))
    return cells


# -- grading ------------------------------------------------------------------------------------

@dataclass
class NotebookPart:
    """The notebook part of one grade."""

    status: str  # graded, absent, refused, too large, unreadable, failed, not graded here
    scores: list = field(default_factory=list)  # scoring.TestScore, module "notebook"
    pending: list[dict] = field(default_factory=list)  # written answers: name, max_score, ...
    flags: list[dict] = field(default_factory=list)
    detail: str = ""  # a sentence for the student when the notebook was not graded
    confinement: dict = field(default_factory=dict)
    seconds: float = 0.0
    checked_points: float = 0.0  # what the checked cells are worth, graded or not
    answer_points: float = 0.0  # what the written answers are worth


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
        return NotebookPart("not graded here", detail=f"there is no source notebook "
                            f"(solutions/{assignment.name}/{name}) where this grader runs")
    cells = graded_cells(source)
    part = NotebookPart("graded", checked_points=sum(c.points for c in cells if not c.manual),
                        answer_points=sum(c.points for c in cells if c.manual))
    if text is None:
        worth = (f"its checks ({part.checked_points:g} points) and written answers "
                 f"({part.answer_points:g} points) were not graded")
        part.status, part.detail = ("absent", f"{name} is not in the submission: {worth}") \
            if problem is None else ("refused", f"{name} was not read ({problem}): {worth}")
        return part
    if len(text.encode("utf-8", "replace")) > MAX_NOTEBOOK_BYTES:
        part.status = "too large"
        part.detail = f"{name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB"
        return part
    import nbformat

    try:
        nbformat.validate(nbformat.reads(text, as_version=4))
    except Exception as error:  # any malformed notebook: JSON, schema, version
        part.status = "unreadable"
        part.detail = f"{name} is not a valid notebook ({type(error).__name__})"
        return part
    with tempfile.TemporaryDirectory(prefix="autograder-notebook-") as tmp:
        runner = ConfinedExecute(
            files=_kernel_files(module_files, assignment), datasets=_datasets(assignment),
            caches=_matplotlib_caches(), name=name, cell_timeout=assignment.budgets.cell,
            workdir=str(Path(tmp) / "sandbox"), uid=uid, timeout=timeout)
        try:
            executed, grades = _autograde(Path(tmp) / "course", source, text, assignment.name,
                                          runner)
        except Exception as error:  # nbgrader refused the notebook (its metadata, its cells)
            part.status = "failed"
            part.detail = f"nbgrader could not grade {name}: {_first_line(error)}"
            part.flags = runner.flags
            return part
        finally:
            from autograder.sandbox import kill_uid

            kill_uid(uid)
    locked = {grade_id for grade_id, meta in source_metadata(source).items() if meta.get("locked")}
    part.flags = runner.flags + notebook_flags(text, locked, name)
    part.confinement = runner.confinement
    part.scores, part.pending = _scores(cells, grades, executed, public_only, name)
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
            _source_course(Path(tmp), source, assignment, database=True)
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
    autograde = _run(Autograde, config, **steps)
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


# -- the confined run ---------------------------------------------------------------------------

class ConfinedExecute:
    """Stands in for nbgrader's ``Execute`` in ``nbgrader autograde``: runs the notebook in a
    confined process (``python -m autograder.notebook``) and copies the outputs of the cells
    that ran back into it. Cells that did not run (time limit, dead kernel) get an error output,
    so that nbgrader scores their checks as failed."""

    enabled = True

    def __init__(self, files: dict[str, str], datasets: dict[str, str], workdir: str,
                 uid: int | None, timeout: float, caches: dict[str, str] | None = None,
                 name: str = "the notebook", cell_timeout: float = 60.0):
        self.files, self.datasets, self.workdir = files, datasets, workdir
        self.name = name  # the notebook's file name, for messages
        self.caches = caches or {}
        self.uid = uid if os.geteuid() == 0 else None
        self.timeout = timeout
        self.cell_timeout = cell_timeout  # nbgrader's Execute.timeout too
        self.flags: list[dict] = []
        self.confinement: dict = {}

    def __call__(self, nb, resources):
        return self.preprocess(nb, resources)

    def preprocess(self, nb, resources):
        from nbgrader.utils import is_grade

        replies, stopped = _run_confined({
            "notebook": nb, "files": self.files, "datasets": self.datasets,
            "workdir": self.workdir, "uid": self.uid, "cell_timeout": self.cell_timeout,
            "matplotlib": self.caches,
        }, self.timeout)
        ran: set[int] = set()
        for reply in replies:
            if "ready" in reply and isinstance(reply["ready"], dict):
                self.confinement = {str(k): str(v) for k, v in reply["ready"].items()}
            index = reply.get("cell")
            if isinstance(index, int) and 0 <= index < len(nb.cells) and (
                    nb.cells[index].cell_type == "code"):
                cell = nb.cells[index]
                cell.outputs = _clean_outputs(reply.get("outputs"), grade=is_grade(cell))
                count = reply.get("execution_count")
                cell.execution_count = count if isinstance(count, int) else None
                ran.add(index)
        if stopped:
            kind = "timeout" if "time" in stopped else "resource-limit"
            self.flags.append({"kind": kind, "module": None, "message": f"{self.name}: {stopped}"})
        missing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i not in ran]
        for index in missing:
            nb.cells[index].outputs = [_error_output(
                "NotRun", stopped or "the notebook stopped before this cell")]
        timeouts = [i for i in ran if any(o.get("ename") == "CellTimeoutError"
                                          for o in nb.cells[i].outputs)]
        if timeouts:
            self.flags.append({"kind": "timeout", "module": None, "message": (
                f"{self.name}: {len(timeouts)} cell(s) ran longer than "
                f"{self.cell_timeout:g} s and were interrupted")})
        return nb, resources


def _error_output(ename: str, evalue: str):
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=evalue, traceback=[])


def _clean_outputs(outputs, grade: bool) -> list:
    """The outputs a confined run reported, as well-formed nbformat outputs. A check cell keeps
    only its streams and errors: a forged result could otherwise claim partial credit."""
    from nbformat.v4 import new_output

    cleaned = []
    for output in outputs if isinstance(outputs, list) else []:
        if not isinstance(output, dict):
            continue
        kind = output.get("output_type")
        if kind == "stream":
            name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
            cleaned.append(new_output("stream", name=name, text=_text(output.get("text"))))
        elif kind == "error":
            trace = output.get("traceback")
            cleaned.append(new_output(
                "error", ename=_text(output.get("ename"))[:200],
                evalue=_text(output.get("evalue"))[:2000],
                traceback=[_text(t)[:2000] for t in trace[:100]] if isinstance(trace, list)
                else []))
        elif kind in ("execute_result", "display_data") and not grade:
            data = output.get("data")
            plain = data.get("text/plain") if isinstance(data, dict) else None
            if plain is not None:
                extra = {"execution_count": None} if kind == "execute_result" else {}
                cleaned.append(new_output(kind, data={"text/plain": _text(plain)}, **extra))
    return cleaned


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _environment(workdir: str) -> dict[str, str]:
    """The confined run's whole environment: nothing of the grader's, every cache in workdir."""
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": f"{workdir}/.matplotlib", "IPYTHONDIR": f"{workdir}/.ipython",
           "JUPYTER_CONFIG_DIR": f"{workdir}/.jupyter",
           "JUPYTER_DATA_DIR": f"{workdir}/.local/share/jupyter",
           "JUPYTER_RUNTIME_DIR": f"{workdir}/.runtime", "JUPYTER_PLATFORM_DIRS": "1"}
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LD_LIBRARY_PATH"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _run_confined(request: dict, timeout: float) -> tuple[list[dict], str | None]:
    """Start ``python -m autograder.notebook``, send it ``request``, collect its replies (one
    JSON object a line) until it is done or ``timeout`` passes; then nothing of it is left.
    Returns (replies, why it stopped early or None)."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-s", "-m", "autograder.notebook", str(to_child_r), str(from_child_w)],
        pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(REPO),
        env=_environment(request["workdir"]), start_new_session=True)
    os.close(to_child_r)
    os.close(from_child_w)
    replies: list[dict] = []
    stopped: str | None = None
    deadline = time.monotonic() + timeout
    try:
        with os.fdopen(to_child_w, "wb") as out:
            out.write(json.dumps(request).encode() + b"\n")
    except OSError:
        stopped = "the notebook's process did not start"
    buffer, received, done = b"", 0, False
    while stopped is None and not done:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([from_child_r], [], [], remaining)[0]:
            stopped = f"the notebook did not finish within its time limit of {timeout:g} s"
            break
        chunk = os.read(from_child_r, 1 << 20)
        received += len(chunk)
        if not chunk:
            code = process.poll()
            stopped = ("the notebook's process stopped" + (
                f" (signal {-code}: memory or process limit?)" if code and code < 0 else ""))
            break
        if received > MAX_REPLY_BYTES:
            stopped = f"the notebook's outputs exceeded {MAX_REPLY_BYTES // 2**20} MiB"
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                reply = json.loads(line)
            except ValueError:
                stopped = "the notebook's process sent a malformed reply"
                break
            if isinstance(reply, dict):
                if reply.get("stopped") is not None:
                    stopped = STOPPED.get(reply["stopped"], STOPPED["failed"])
                done = done or reply.get("done") is True
                replies.append(reply)
    os.close(from_child_r)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    return replies, stopped


def _serve(read_fd: int, write_fd: int) -> None:
    """The confined side (``python -m autograder.notebook``): confine, then run the notebook
    with nbgrader's Execute, reporting each cell's outputs as it finishes."""
    with os.fdopen(read_fd, "rb") as inbox:
        request = json.loads(inbox.readline())
    outbox = os.fdopen(write_fd, "wb", buffering=0)
    os.set_inheritable(write_fd, False)  # the kernel must not reach the grader's pipe

    def send(message: dict) -> None:
        outbox.write(json.dumps(message).encode() + b"\n")

    # Imported before confinement: the grader's files are out of sight afterwards.
    import nbformat
    from nbclient.exceptions import DeadKernelError
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    from autograder.worker import confine

    workdir = Path(request["workdir"])
    applied = confine({"workdir": str(workdir), "files": request["files"],
                       "uid": request["uid"]})
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    data = workdir / "datasets"  # the notebook finds datasets/ in a folder above its own
    data.mkdir(exist_ok=True)
    for name, text in request["datasets"].items():
        (data / Path(name).name).write_text(text, encoding="utf-8")
    for variable in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
        Path(os.environ[variable]).mkdir(parents=True, exist_ok=True)
    for name, text in request["matplotlib"].items():
        (Path(os.environ["MPLCONFIGDIR"]) / Path(name).name).write_text(text, encoding="utf-8")
    send({"ready": applied})

    class StreamingExecute(Execute):
        def on_cell_executed(self, **kwargs):
            super().on_cell_executed(**kwargs)
            cell = kwargs["cell"]
            send({"cell": kwargs["cell_index"], "outputs": cell.get("outputs", []),
                  "execution_count": cell.get("execution_count")})

    config = Config()
    # A new network namespace has only a loopback that is down: the kernel speaks over Unix
    # sockets in the private runtime folder instead of TCP.
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = f"{os.environ['JUPYTER_RUNTIME_DIR']}/kernel"
    notebook = nbformat.from_dict(request["notebook"])
    executor = StreamingExecute(config=config, timeout=int(request["cell_timeout"]),
                                interrupt_on_timeout=True, kernel_name="python3")
    try:
        executor.preprocess(notebook, {"metadata": {"path": str(workdir / "submission")}})
    except DeadKernelError:
        send({"stopped": "dead-kernel"})
    except Exception:  # the kernel would not start or stopped answering
        send({"stopped": "failed"})
    send({"done": True})
    os._exit(0)


# -- scores, messages, flags ------------------------------------------------------------------

_NAME_ERROR = re.compile(r"name '([A-Za-z_]\w{0,60})' is not defined")
_NOT_IMPLEMENTED = re.compile(r"[A-Za-z_][\w.]{0,80} is not implemented yet")
_ENAME = re.compile(r"[A-Za-z_][\w.]{0,79}")


def failure_message(cell: GradedCell, outputs: list) -> str:
    """Why a check cell failed, in words. The check's own assert messages are shown; anything
    else that code in the kernel could have put into an error (hidden test text included) is
    reduced to the exception's name."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if not errors:
        if any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in outputs):
            return ("the cell wrote to stderr (a warning from your code?), which nbgrader counts "
                    "as a failure")
        return "the cell did not pass"
    ename, evalue = str(errors[0].get("ename", "")), str(errors[0].get("evalue", ""))
    ename = ename if _ENAME.fullmatch(ename) else "an exception"
    if ename == "NotRun":  # our own error output: ConfinedExecute's reason
        return f"this cell did not run: {evalue}"
    if ename == "CellTimeoutError":
        return "the cell took too long and was interrupted"
    if ename == "AssertionError" and evalue in _assert_messages(cell.source):
        return evalue
    if ename == "NameError" and _NAME_ERROR.fullmatch(evalue):
        return (f"{evalue}: the cell that defines it did not run or failed (run the notebook "
                "from the top: Kernel → Restart & Run All)")
    if ename == "NotImplementedError" and (_NOT_IMPLEMENTED.fullmatch(evalue) or not evalue):
        return f"NotImplementedError: {evalue}".rstrip(": ")
    return f"the check raised {ename}"


def _assert_messages(source: str) -> set[str]:
    """The string messages of the asserts in a check cell (the grader's own words)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.msg.value for node in ast.walk(tree) if isinstance(node, ast.Assert)
            and isinstance(node.msg, ast.Constant) and isinstance(node.msg.value, str)}


def _scores(cells: list[GradedCell], grades: dict, executed, public_only: bool, name: str):
    from autograder.scoring import TestScore

    outputs = {cell.metadata["nbgrader"]["grade_id"]: cell.get("outputs", [])
               for cell in executed.cells if "grade_id" in cell.metadata.get("nbgrader", {})}
    scores, pending = [], []
    for cell in cells:
        grade = grades.get(cell.grade_id, {})
        if cell.manual:
            pending.append({"name": cell.grade_id, "max_score": cell.points,
                            "answered": grade.get("auto_score") is None})
            continue
        if public_only and cell.hidden:
            continue
        test = TestScore("hidden" if cell.hidden else "public", name, cell.grade_id,
                         module=MODULE, gpu=False, max_score=cell.points, total=1)
        test.score = round(min(max(float(grade.get("auto_score") or 0.0), 0.0), cell.points), 4)
        test.passed = int(test.score >= cell.points)
        if not test.passed:
            test.messages = [failure_message(cell, outputs.get(cell.grade_id, []))]
        scores.append(test)
    return scores, pending


# Ways to change how a check cell reports (a student's cell runs in the same kernel as the checks)
_TAMPERING = {r"\bget_ipython\b": "get_ipython", r"\bshowtraceback\b": "showtraceback",
              r"\bexcepthook\b": "sys.excepthook", r"\.kernel\b": "the kernel object",
              r"^\s*(!|%%?(bash|sh|script|system|sx)\b)": "shell commands"}


def notebook_flags(text: str, locked: set[str], name: str = "the notebook") -> list[dict]:
    """suspicious-code in the student's own cells (not in cells of the ``locked`` grade ids,
    which nbgrader replaces by the source's): the module files' static checks, and ways of
    tampering with how a check cell reports."""
    import nbformat

    from autograder import flags

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception:  # any malformed notebook: already reported as unreadable
        return []
    code, found = [], set()
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or (isinstance(meta, dict) and meta.get("grade_id") in locked):
            continue
        source = str(cell.source)
        found |= {what for pattern, what in _TAMPERING.items()
                  if re.search(pattern, source, re.MULTILINE)}
        code.append("\n".join(line for line in source.splitlines()
                              if not line.lstrip().startswith(("!", "%"))))  # IPython syntax
    result = []
    for flag in flags.static_flags({"experiments.py": "\n\n".join(code)}):
        result.append(flags.flag("suspicious-code", None, flag["message"].replace(
            "experiments.py", name).replace("read the file", "read the notebook")))
    if found:
        result.append(flags.flag(
            "suspicious-code", None,
            f"{name} uses {', '.join(sorted(found))}: a cell that changes how the checks "
            "report could fake their results; read the notebook"))
    return result


# -- into the grade ---------------------------------------------------------------------------

def merge(outcome, part: NotebookPart):
    """``outcome`` (a ``report.Outcome``) with the notebook part added: its checked cells as
    tests, its flags, and ``extra_data.parts`` / ``pending`` / ``notebook``. An assignment
    without a notebook leaves ``outcome`` as it is."""
    if part.status == NO_NOTEBOOK:
        return outcome
    modules = "grader error" if outcome.grader_error else (
        "public tests only" if outcome.public_only else "graded")
    outcome.scores = [*outcome.scores, *part.scores]
    outcome.flags = [*outcome.flags, *part.flags]
    earned = round(sum(t.score for t in part.scores), 4)
    outcome.extra = {
        **outcome.extra,
        "parts": {"modules": modules, "notebook": part.status},
        "pending": part.pending,
        "notebook": {"status": part.status, "detail": part.detail, "score": earned,
                     "max_score": round(sum(t.max_score for t in part.scores), 4),
                     "pending_max_score": sum(p["max_score"] for p in part.pending),
                     "seconds": round(part.seconds, 2)},
    }
    return outcome


def _name(outcome) -> str:
    """The notebook's file name in the assignment that ``outcome`` grades."""
    try:
        return course_.load(outcome.assignment).notebook or "notebook"
    except course_.ManifestError:
        return "notebook"


def markdown_lines(outcome) -> list[str]:
    """The notebook's section of the student's summary."""
    info = outcome.extra.get("notebook")
    if info is None:
        return []
    from autograder.report import _escape

    parts = outcome.extra["parts"]
    lines = ["", f"## {outcome.assignment}: notebook ({_name(outcome)})", "",
             f"Graded parts: modules {parts['modules']}, notebook {parts['notebook']}.", ""]
    if info["status"] != "graded":
        return [*lines, f"The notebook was not graded: {_escape(info['detail'])}."]
    tests = [t for t in outcome.scores if t.module == MODULE]
    public = [t for t in tests if t.suite == "public"]
    hidden = [t for t in tests if t.suite == "hidden"]
    if public:
        earned, possible = sum(t.score for t in public), sum(t.max_score for t in public)
        lines.append(f"Public checks: {sum(t.status == 'passed' for t in public)}/{len(public)} "
                     f"passed, {earned:g}/{possible:g} points.")
        for test in public:
            if test.status == "failed":
                lines.append(f"- **{test.name}**: {_escape(test.messages[0])}")
    if hidden:
        lines.append(f"{len(hidden)} checks with hidden tests also ran; their results are "
                     "released after the due date.")
    pending = outcome.extra.get("pending", [])
    if pending:
        total = sum(p["max_score"] for p in pending)
        unanswered = [p["name"] for p in pending if not p["answered"]]
        lines.append(f"Written answers: {len(pending)} ({total:g} points), graded by hand; "
                     "not included in the score above.")
        if unanswered:
            lines.append(f"Unanswered: {_escape(', '.join(unanswered))}.")
    return lines


def terminal_lines(outcome) -> list[str]:
    """The notebook's lines of the instructor's table."""
    info = outcome.extra.get("notebook")
    if info is None:
        return []
    parts = outcome.extra["parts"]
    lines = [f"parts: modules {parts['modules']}, notebook {parts['notebook']}"]
    if info["status"] != "graded":
        return [*lines, f"notebook: not graded: {info['detail']}"]
    tests = [t for t in outcome.scores if t.module == MODULE]
    cells = {suite: ([t for t in tests if t.suite == suite]) for suite in ("public", "hidden")}
    row = "  ".join(f"{suite} {sum(t.score for t in rows):.2f}/{sum(t.max_score for t in rows):.2f}"
                    for suite, rows in cells.items())
    return [*lines, f"notebook ({_name(outcome)}): checked cells {row}; written answers pending: "
            f"{info['pending_max_score']:g} points ({len(outcome.extra.get('pending', []))} "
            "answers, graded by hand)"]


if __name__ == "__main__":
    try:
        _serve(int(sys.argv[1]), int(sys.argv[2]))
    except BaseException:  # never a traceback on the grader's terminal
        os._exit(1)
