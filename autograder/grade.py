"""``autograder grade``: one submission, from its folder to results.json, as a batch of one.

The steps, in order (each a module of its own; ``pipeline`` runs them for ``grade`` and
``batch`` alike):

1. ``collect``  take the assignment's module files from the submission, list the rest as ignored;
2. ``seeds``    derive each module's secret seed from the files its results depend on;
3. ``pipeline`` run the grader's public and hidden suites in a child of the grader's pytest
                fork server, which reaches the submission only through ``sandbox`` (a confined
                process speaking plain data); score (``scoring``), flag (``flags``), and grade
                the notebook part, if submitted, in a confined kernel (``notebook``);
4. ``report``   results.json, Markdown, JUnit XML and the terminal table.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from autograder import assignment as course
from autograder import collect, pipeline, report
from autograder.seeds import DEFAULT_SECRET, derive_seed, module_seeds, secret

__all__ = ["DEFAULT_SECRET", "atomic_write", "derive_seed", "grade", "module_seeds", "secret",
           "write_outputs"]


def grade(path: Path, assignment: course.Assignment | str | None = None,
          public_only: bool = False, timeout: float | None = None,
          uids: list[int] | None = None, outputs: list[Path] = ()) -> report.Outcome:
    """Grade the submission in ``path``; ``timeout`` bounds the suite run (default: the
    manifest's run budget). The modules are split into one job per uid of ``uids`` (default:
    one per core, at most one per module), balanced by their number of tests; the notebook
    runs as another uid. ``outputs``: the folders the results will be written to, which the
    confinement probe checks no submission can write into."""
    assignment = course.resolve(assignment)
    submission = collect.collect(Path(path), assignment)
    task = pipeline.Task("submission", submission, module_seeds(submission.files, assignment),
                         public_only=public_only)
    outcomes: list[report.Outcome] = []
    if uids is None:
        uids = pipeline.job_uids(min(pipeline.default_jobs(), len(assignment.modules)))
    pipeline.run([task], assignment, outcomes.append, uids=uids, timeout=timeout,
                 outputs=outputs)
    return outcomes[0]


def write_outputs(outcome: report.Outcome, results: Path, markdown: Path | None = None,
                  junit: Path | None = None) -> None:
    """Write each file atomically (a reader never sees half a file)."""
    outputs = {results: json.dumps(report.results_json(outcome), indent=2).encode()}
    if markdown:
        outputs[markdown] = report.markdown(outcome).encode()
    if junit:
        outputs[junit] = report.junit_xml(outcome)
    for target, data in outputs.items():
        atomic_write(target, data)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``path`` so that a reader (or a rerun after a kill) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(f.name, path)
