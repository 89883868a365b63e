"""``autograder batch``: grade a whole class fast, resumably and in shards; ``merge`` the shards.

For each submission folder (sorted by name; ``--shard K/N`` takes every N-th from the K-th):

1. ``collect``   as ``grade`` does; a submission whose results file is already there, for the
                 same files and the same grader (and no grader error), is skipped (a rerun
                 resumes; ``--regrade`` forces a full pass);
2. ``pipeline``  the steps ``grade`` runs for its one submission, for all of them, ``--jobs``
                 at a time: each module's results depend only on the files of its closure
                 (``dependencies``) and its seed, which is derived from them, so a module graded
                 before for identical files is taken from ``OUT_DIR/cache`` (a class that left
                 a module untouched pays for it once);
3. ``write``     results.json and the Markdown feedback, atomically, the moment a submission
                 is done; the gradebook and LMS CSVs are rebuilt from the stored results at the
                 end (and by ``merge``).

``grade`` is this pipeline with one submission and no cache: a submission gets the same results
from ``batch`` as from ``grade``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import __version__, collect, dependencies, grade, pipeline, report, standin
from autograder import assignment as course
from autograder.gradebook import stored_result, write_gradebook, write_result
from autograder.seeds import module_seeds

STUDENT_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
REPO = Path(__file__).resolve().parent.parent
MAX_JOBS = pipeline.MAX_JOBS  # the uids of one batch: DEFAULT_UID + 1 ... + MAX_JOBS


default_jobs = pipeline.default_jobs  # ``--jobs`` when none is given


class BatchError(Exception):
    """Unusable arguments or output folder: one line, exit 2."""


# -- what to grade -----------------------------------------------------------------------------

def parse_shard(text: str | None) -> tuple[int, int]:
    if not text:
        return 1, 1
    match = re.fullmatch(r"(\d+)/(\d+)", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise BatchError(f"--shard {text}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(match[1]), int(match[2])


def list_submissions(directory: Path) -> tuple[list[str], list[str]]:
    """(student ids to grade, entries that are not valid submission folders)."""
    good, bad = [], []
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        if entry.is_dir() and not entry.is_symlink() and STUDENT_ID.fullmatch(entry.name):
            good.append(entry.name)
        elif not entry.name.startswith("."):
            bad.append(entry.name)
    return good, bad


def shard_of(names: list[str], shard: tuple[int, int]) -> list[str]:
    """The K-th of N parts: every N-th name of the sorted list, from the K-th on."""
    k, n = shard
    return sorted(names)[k - 1::n]


@dataclass
class Fingerprint:
    """What a stored result depends on besides the submission."""
    code: str  # the grader's code and suites (a module's records)
    scoring: str  # the code and the rubric (a results.json)

    @classmethod
    def of(cls, assignment: course.Assignment) -> Fingerprint:
        code = hashlib.sha256(__version__.encode())
        files = [REPO / "conftest.py", assignment.init_file, assignment.manifest,
                 *(REPO / "autograder" / f"{name}.py" for name in GRADING_CODE),
                 # the reference, where it stands in for the modules a module imports
                 *(assignment.solutions / f"{name}.py" for name in assignment.modules)]
        for root in (*assignment.suite_paths(), REPO / "autograder" / "suites"):
            files += [p for p in root.glob("*.py" if root.name == "suites" else "**/*.py")
                      if "__pycache__" not in p.parts]
        for file in sorted(files):
            if file.is_file():
                code.update(str(file.relative_to(REPO)).encode() + b"\0" + file.read_bytes())
        code.update(b"reference" if standin.reference_of(assignment) else b"own")
        scoring = hashlib.sha256(code.hexdigest().encode() + assignment.rubric.read_bytes())
        for extra in (assignment.source_notebook or assignment.manifest,
                      REPO / "autograder" / "nbgrader_config.py"):
            scoring.update(extra.read_bytes() if extra.is_file() else b"")
        for name in SCORING_CODE:  # a module, or a package (every file of it)
            base = REPO / "autograder" / name
            for file in [base.with_suffix(".py"), *sorted(base.glob("*.py"))]:
                scoring.update(file.read_bytes() if file.is_file() else b"")
        return cls(code.hexdigest()[:16], scoring.hexdigest()[:16])


# the grader's files that decide a module's test records, and those that turn them into scores
GRADING_CODE = ("assignment", "seam", "sandbox", "proxy", "wire", "worker", "confine", "zygote",
                "session", "dependencies", "forkserver", "pytest_report", "runner", "collect",
                "seeds", "standin", "pysource")
SCORING_CODE = ("scoring", "flags", "report", "summary", "grade", "pipeline", "notebook")


# -- progress ------------------------------------------------------------------------------------

class Progress:
    """A bar with rate and ETA on a terminal; a plain line now and then in a CI log."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.reused = total, 0, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = self.last = time.monotonic()

    def update(self, name: str, how: str) -> None:
        self.done += 1
        now = time.monotonic()
        rate = self.done / max(now - self.started, 1e-9)
        eta = (self.total - self.done) / rate if rate > 0 else 0
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/"
                              f"{self.total} {rate:.2f}/s ETA {_clock(eta)}  ")
            if self.done == self.total:
                self.stream.write("\n")
        elif now - self.last >= 10 or self.done == self.total or self.done == 1:
            self.last = now
            self.stream.write(f"batch: {self.done}/{self.total} graded ({rate:.2f}/s, "
                              f"ETA {_clock(eta)}; last: {name}, {how})\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


# -- the class -------------------------------------------------------------------------------

class DiskCache:
    """``pipeline.Cache`` in OUT_DIR/cache: a module's records and events, by cache key."""

    def __init__(self, out: Path):
        self.root = out / "cache"

    def lookup(self, module: str, key: str) -> dict | None:
        try:
            data = json.loads((self.root / module / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and "records" in data else None

    def store(self, task: pipeline.Task, records: list[dict], events: list[dict],
              modules: list[str]) -> None:
        for module in modules:
            entry = {"records": [r for r in records if r.get("module") == module],
                     "events": pipeline.module_events(events, module, modules)}
            if entry["records"]:
                grade.atomic_write(self.root / module / f"{task.keys[module]}.json",
                                   json.dumps(entry).encode())


def cache_keys(submission: collect.Submission, seeds: dict[str, int], fingerprint: Fingerprint,
               assignment: course.Assignment) -> dict[str, str]:
    digests = dependencies.closure_digests(submission.files, assignment)
    return {m: hashlib.sha256(f"{fingerprint.code}/{m}/{seeds[m]}/{digests[m]}".encode())
            .hexdigest() for m in assignment.modules}


def run(submissions: Path, out: Path, assignment=None, jobs: int | None = None,
        shard: str | None = None, regrade: bool = False, reuse: bool = True,
        stream=None) -> dict:
    """Grade the class; returns counts (graded, reused, skipped, errors)."""
    assignment = course.resolve(assignment)
    stream = stream or sys.stderr
    part = parse_shard(shard)
    if not submissions.is_dir():
        raise BatchError(f"{submissions}: no such directory")
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1 or jobs > MAX_JOBS:
        raise BatchError(f"--jobs {jobs}: expected 1 to {MAX_JOBS}")
    if out.resolve() == submissions.resolve() or submissions.resolve() in out.resolve().parents:
        raise BatchError(f"-o {out}: must not be inside the submissions folder")
    names, rejected = list_submissions(submissions)
    for name in rejected:
        stream.write(f"batch: skipping {name!r}: not a submission folder (a folder named "
                     "with letters, digits, '.', '_' or '-')\n")
    names = shard_of(names, part)
    out.mkdir(parents=True, exist_ok=True)
    if regrade:  # a full pass: nothing stored before is taken
        shutil.rmtree(out / "cache", ignore_errors=True)
    fingerprint = Fingerprint.of(assignment)
    counts = {"graded": 0, "reused_modules": 0, "skipped": 0, "grader_errors": 0, "refused": 0}
    todo: list[pipeline.Task] = []
    for name in names:
        submission = collect.collect(submissions / name, assignment)
        stored = stored_result(out, name)
        if (not regrade and stored is not None
                and stored["extra_data"].get("submission_sha256") == submission.digest
                and stored["extra_data"].get("grader_fingerprint") == fingerprint.scoring
                and not stored["extra_data"].get("grader_error")):
            counts["skipped"] += 1
            continue
        seeds = module_seeds(submission.files, assignment)
        todo.append(pipeline.Task(
            name, submission, seeds, cache_keys(submission, seeds, fingerprint, assignment),
            extra={"submission": name, "grader_fingerprint": fingerprint.scoring}))
    progress = Progress(len(todo), stream)
    if counts["skipped"]:
        stream.write(f"batch: {counts['skipped']} submissions already graded "
                     "(--regrade grades them again)\n")

    def write(outcome: report.Outcome) -> None:
        name = outcome.extra["submission"]
        write_result(out, name, outcome)
        counts["graded"] += 1
        counts["grader_errors"] += bool(outcome.grader_error)
        counts["refused"] += (outcome.extra.get("confinement") or {}).get(
            "hidden_grading") == "refused"
        progress.update(name, f"{outcome.score:g}/{outcome.max_score:g}"
                        + (" (grader error)" if outcome.grader_error else ""))

    # the class's folders are no submission's to read: other students' files and results
    counts["reused_modules"] = pipeline.run(
        todo, assignment, write, jobs=jobs, cache=DiskCache(out) if reuse else None,
        private=[submissions, out], outputs=[out])
    write_gradebook(out)
    return counts
