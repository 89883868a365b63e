"""``autograder grade``: one submission, from its folder to results.json.

The pipeline, in order (each step a module of its own):

1. ``collect``  take the assignment's module files from the submission, list the rest as ignored;
2. ``stage``    copy them into a private folder and derive the run's secret seed;
3. ``runner``   run the grader's own public and hidden suites in a pytest process of the
                grader's, which reaches the submission only through ``sandbox`` (a confined
                process speaking plain data);
   ``notebook`` and the notebook part, if submitted: ``nbgrader autograde``, with the notebook
                run in a process confined like the sandbox's (its points join the tests);
4. ``scoring``  points from the rubric; ``flags`` from the records, the sandbox and the source;
5. ``report``   results.json, Markdown, JUnit XML and the terminal table.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
import time
from pathlib import Path

from autograder import assignment as course
from autograder import collect, dependencies, flags, notebook, report, runner
from autograder.sandbox import DEFAULT_UID, kill_uid
from autograder.scoring import load_rubric, score_records

DEFAULT_SECRET = "change-me: set AUTOGRADER_SECRET for real grading"


def secret() -> tuple[bytes, str]:
    """The grading secret and where it came from (never shipped to students)."""
    if os.environ.get("AUTOGRADER_SECRET"):
        return os.environ["AUTOGRADER_SECRET"].encode(), "AUTOGRADER_SECRET"
    path = os.environ.get("AUTOGRADER_SECRET_FILE")
    if path and Path(path).is_file():
        return Path(path).read_bytes().strip(), "AUTOGRADER_SECRET_FILE"
    return DEFAULT_SECRET.encode(), "default (not secret)"


def derive_seed(digest: str) -> int:
    """A seed nobody can predict without the secret, fixed for a given submission."""
    key, _ = secret()
    return int.from_bytes(hmac.new(key, digest.encode(), hashlib.sha256).digest()[:4], "big")


def module_seeds(files: dict[str, str], assignment: course.Assignment) -> dict[str, int]:
    """Each module's seed, from the files its results depend on (``dependencies``): the
    same files give the same hidden inputs in every submission, so batch grading can reuse
    a module's results, and nobody without the secret can predict them."""
    return {module: derive_seed(digest)
            for module, digest in dependencies.closure_digests(files, assignment).items()}


def seed_environment(seeds: dict[str, int]) -> dict[str, str]:
    return {"AUTOGRADER_MODULE_SEEDS": ",".join(f"{m}={s}" for m, s in sorted(seeds.items()))}


def stage(submission: collect.Submission, directory: Path) -> Path:
    """Step 2: the graded files, alone, in a folder only the grader can read."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, text in submission.files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def grade(path: Path, assignment: course.Assignment | str | None = None,
          public_only: bool = False, timeout: float | None = None,
          uid: int = DEFAULT_UID) -> report.Outcome:
    """Grade the submission in ``path``; ``timeout`` bounds the suite run (default: the
    manifest's run budget)."""
    started = time.monotonic()
    assignment = course.resolve(assignment)
    timeout = assignment.budgets.run if timeout is None else timeout
    submission = collect.collect(Path(path), assignment)
    seed = derive_seed(submission.digest)
    suites = ("public",) if public_only else ("public", "hidden")
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="autograder-grade-") as tmp:
        staged = stage(submission, Path(tmp) / "submission")
        events_file = Path(tmp) / "events.json"
        try:
            records = runner.run_suites(
                [f"submission={staged}"], assignment, suites=suites, seed=seed, timeout=timeout,
                env=seed_environment(module_seeds(submission.files, assignment)),
                extra_args=("--sandboxed", f"--sandbox-events={events_file}",
                            f"--sandbox-uid={uid}"),
            )
        except RuntimeError as error:  # the grader's own failure: say so, score what we have
            records = []
            notes.append(f"grader error: {str(error).splitlines()[0]}")
        finally:
            kill_uid(uid)  # whatever the submission left running
        if not records and not notes:
            notes.append("grader error: the test run produced no results (see the grader's log)")
        events = json.loads(events_file.read_text()) if events_file.is_file() else []
    part = notebook.grade_submission(submission, assignment, uid=uid, public_only=public_only)
    return notebook.merge(
        finish(submission, records, events, notes, assignment, public_only, started), part)


def finish(submission: collect.Submission, records: list[dict], events: list[dict],
           notes: list[str], assignment: course.Assignment | str | None, public_only: bool,
           started: float) -> report.Outcome:
    """Step 4: points from the rubric and flags from the records, the events and the source."""
    assignment = course.resolve(assignment)
    rubric = load_rubric(assignment)
    if public_only:
        rubric = type(rubric)(rubric.assignment,
                              {k: v for k, v in rubric.points.items() if k[0] == "public"})
    scores, skipped = score_records(records, rubric)
    found = (flags.record_flags(records) + flags.event_flags(events, assignment.modules)
             + flags.static_flags(submission.files))
    if submission.ignored:
        more = submission.ignored_count - len(submission.ignored)
        found.append(flags.flag(
            "ignored-files", None,
            f"only {collect.graded_list(assignment)} are graded; ignored: "
            + ", ".join(submission.ignored) + (f" and {more} more" if more > 0 else "")))
    notes = list(notes)
    if submission.missing:
        notes.append("missing from the submission: " + ", ".join(submission.missing))
    _, secret_source = secret()
    return report.Outcome(
        assignment=assignment.name, scores=scores, skipped=skipped, flags=found,
        execution_time=time.monotonic() - started, public_only=public_only, notes=notes,
        extra={"submission_sha256": submission.digest, "secret": secret_source},
    )


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
