"""The source notebook and nbgrader: the student's notebook generated from the source, and
what the source says about its graded cells.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from autograder import assignment as course_

REPO = Path(__file__).resolve().parent.parent.parent
CONFIG_FILE = REPO / "autograder" / "nbgrader_config.py"
STUDENT = "student"  # the one student of the grader's private course directory
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
_ENVIRON = threading.Lock()
_ENVIRON_USERS: dict[str, int] = {}


@contextlib.contextmanager
def _setenv_shared(**values: str):
    """nbgrader's ``utils.setenv`` (``NBGRADER_EXECUTION=autograde`` around each notebook),
    safe in threads: the variables are set while any converter needs them and removed when the
    last one is done. nbgrader's own deletes a key another thread set, or already deleted
    (a ``KeyError`` that failed a class's notebooks at random when graded two at a time)."""
    with _ENVIRON:
        for key, value in values.items():
            _ENVIRON_USERS[key] = _ENVIRON_USERS.get(key, 0) + 1
            os.environ[key] = value
    try:
        yield
    finally:
        with _ENVIRON:
            for key in values:
                _ENVIRON_USERS[key] -= 1
                if not _ENVIRON_USERS[key]:
                    os.environ.pop(key, None)


_PATCH = threading.Lock()


def _import_nbgrader() -> None:
    """Import nbgrader (here, not at the top: it costs seconds) and, the first time, give it
    ``_setenv_shared`` for ``utils.setenv``, which its converters call, for the whole process.
    Idempotent and safe in threads: later calls find it done."""
    from nbgrader import utils

    with _PATCH:
        if utils.setenv is not _setenv_shared:
            utils.setenv = _setenv_shared


def run_converter(converter_class, config, **traits):
    """Run an nbgrader converter the way ``nbgrader <command>`` would, but safe in a grader
    that grades in threads: its log goes to a logger of its own (and into the error if it
    fails), and the working directory is left alone (``BaseConverter.start`` changes into the
    course directory; every path here is absolute)."""
    import logging

    _import_nbgrader()
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


def source_course(course: Path, source: Path, assignment: str, database: bool) -> None:
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
        run_converter(GenerateAssignment, config)
        return
    with _ALEMBIC:
        path = os.environ.get("PATH", "")
        os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), path])
        try:
            run_converter(GenerateAssignment, config)
        finally:
            os.environ["PATH"] = path


def generate_student_notebook(source: Path, assignment: str) -> str:
    """``nbgrader generate_assignment`` of ``source`` (of the assignment named
    ``assignment``): the student's notebook, as text."""
    source = Path(source)
    with tempfile.TemporaryDirectory(prefix="autograder-nbgrader-") as tmp:
        course = Path(tmp)
        source_course(course, source, assignment, database=False)
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


def _source_cells(source: Path) -> list[tuple[dict, str]]:
    """(metadata, source text) of every cell of the course's own (trusted, nbformat 4) source
    notebook: read as JSON, because importing nbformat costs seconds (its schema validator) that
    a grade without a notebook should not pay."""
    cells = []
    for cell in json.loads(Path(source).read_text(encoding="utf-8"))["cells"]:
        text = cell.get("source", "")
        cells.append((cell.get("metadata", {}), "".join(text) if isinstance(text, list) else text))
    return cells


def source_metadata(source: Path) -> dict[str, dict]:
    """{grade_id: nbgrader metadata} of every nbgrader cell of the source notebook, in order."""
    return {meta["nbgrader"]["grade_id"]: dict(meta["nbgrader"])
            for meta, _ in _source_cells(source) if "nbgrader" in meta}


def graded_cells(source: Path) -> list[GradedCell]:
    """The cells of the source notebook that carry points, in order. A check holds hidden
    tests when its source has them, or (the public source of a student repository, where they
    are cut out) when its metadata says so."""
    cells = []
    for meta, text in _source_cells(source):
        hidden = HIDDEN_MARK in text or bool(meta.get(PUBLIC_KEY, {}).get("hidden_tests"))
        meta = meta.get("nbgrader", {})
        if meta.get("grade"):
            cells.append(GradedCell(meta["grade_id"], float(meta.get("points", 0)),
                                    bool(meta.get("solution")), hidden, text))
    return cells


PUBLIC_KEY = "autograder"  # cell metadata of the public source: {"hidden_tests": true}


def public_source(student_text: str, source: Path) -> str:
    """The notebook a student repository grades its notebook's public checks against: the
    student notebook as released (solutions and hidden tests cut out), each check cell that
    held hidden tests in ``source`` marked so in its metadata."""
    hidden = {meta["nbgrader"]["grade_id"] for meta, text in _source_cells(source)
              if "nbgrader" in meta and HIDDEN_MARK in text}
    notebook = json.loads(student_text)
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in hidden:
            cell["metadata"][PUBLIC_KEY] = {"hidden_tests": True}
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


