"""``autograder batch``: grade a whole class fast, resumably and in shards; ``merge`` the shards.

For each submission folder (sorted by name; ``--shard K/N`` takes every N-th from the K-th):

1. ``collect``   as ``grade`` does; a submission whose results file is already there, for the
                 same files and the same grader, is skipped (a rerun resumes; ``--regrade``
                 forces a full pass);
2. ``reuse``     each module's results depend only on the files of its closure
                 (``dependencies``) and its seed, which is derived from them: a module graded
                 before for identical files is taken from ``OUT_DIR/cache`` (a class that left
                 a module untouched pays for it once);
3. ``run``       the other modules' tests run in a child forked from one pytest process that
                 has imported torch and collected the suites once (``forkserver``), against a
                 sandbox worker forked from one process that imported torch once (``zygote``);
                 ``--jobs`` children at a time, each with its own uid;
4. ``finish``    score, flag and write results.json and the Markdown feedback atomically, the
                 moment the submission is done; the gradebook and LMS CSVs are rebuilt from the
                 stored results at the end (and by ``merge``).

Every guarantee of ``grade`` holds per submission: the same tests, fixtures, sandbox, limits
and seeds, so a submission gets the same results from ``batch`` as from ``grade``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from autograder import __version__, collect, grade, report
from autograder import assignment as course
from autograder.forkserver import ForkServer
from autograder.gradebook import stored_result, write_gradebook, write_result
from autograder.pytest_report import read_records
from autograder.sandbox import DEFAULT_UID, kill_uid

STUDENT_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
REPO = Path(__file__).resolve().parent.parent


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
                 *(REPO / "autograder" / f"{name}.py" for name in GRADING_CODE)]
        for root in (*assignment.suite_paths(), REPO / "autograder" / "suites"):
            files += [p for p in root.glob("*.py" if root.name == "suites" else "**/*.py")
                      if "__pycache__" not in p.parts]
        for file in sorted(files):
            if file.is_file():
                code.update(str(file.relative_to(REPO)).encode() + b"\0" + file.read_bytes())
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
                "session", "dependencies", "forkserver", "pytest_report", "runner", "collect")
SCORING_CODE = ("scoring", "flags", "report", "grade", "notebook")


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


# -- the engine ----------------------------------------------------------------------------------

@dataclass
class Task:
    name: str
    submission: collect.Submission
    started: float
    seeds: dict[str, int]
    keys: dict[str, str]
    reused: dict[str, dict] = field(default_factory=dict)  # module -> cached records/events


def cache_keys(submission: collect.Submission, seeds: dict[str, int], fingerprint: Fingerprint,
               assignment: course.Assignment) -> dict[str, str]:
    from autograder import dependencies

    digests = dependencies.closure_digests(submission.files, assignment)
    return {m: hashlib.sha256(f"{fingerprint.code}/{m}/{seeds[m]}/{digests[m]}".encode())
            .hexdigest() for m in assignment.modules}


def _read_cache(out: Path, module: str, key: str) -> dict | None:
    try:
        data = json.loads((out / "cache" / module / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "records" in data else None


def run(submissions: Path, out: Path, assignment=None, jobs: int = 2,
        shard: str | None = None, regrade: bool = False, reuse: bool = True,
        stream=None) -> dict:
    """Grade the class; returns counts (graded, reused, skipped, errors)."""
    assignment = course.resolve(assignment)
    MODULES = assignment.module_names
    stream = stream or sys.stderr
    part = parse_shard(shard)
    if not submissions.is_dir():
        raise BatchError(f"{submissions}: no such directory")
    if jobs < 1 or jobs > 15:
        raise BatchError(f"--jobs {jobs}: expected 1 to 15")
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
    counts = {"graded": 0, "reused_modules": 0, "skipped": 0, "grader_errors": 0}
    todo: list[Task] = []
    for name in names:
        started = time.monotonic()
        submission = collect.collect(submissions / name, assignment)
        stored = stored_result(out, name)
        if (not regrade and stored is not None
                and stored["extra_data"].get("submission_sha256") == submission.digest
                and stored["extra_data"].get("grader_fingerprint") == fingerprint.scoring):
            counts["skipped"] += 1
            continue
        seeds = grade.module_seeds(submission.files, assignment)
        todo.append(Task(name, submission, started, seeds,
                         cache_keys(submission, seeds, fingerprint, assignment)))
    progress = Progress(len(todo), stream)
    if counts["skipped"]:
        stream.write(f"batch: {counts['skipped']} submissions already graded "
                     "(--regrade grades them again)\n")

    notebooks = Notebooks(assignment, jobs)

    def finish(task: Task, records: list[dict], events: list[dict], notes: list[str]) -> None:
        outcome = grade.finish(task.submission, records, events, notes, assignment, False,
                               task.started)
        outcome.extra.update(submission=task.name, grader_fingerprint=fingerprint.scoring)
        notebooks.grade(task.submission, outcome)
        for done in notebooks.finished():
            write(*done)

    def write(outcome: report.Outcome) -> None:
        name = outcome.extra["submission"]
        write_result(out, name, outcome)
        counts["graded"] += 1
        counts["grader_errors"] += bool(outcome.grader_error)
        progress.update(name, f"{outcome.score:g}/{outcome.max_score:g}"
                        + (" (grader error)" if outcome.grader_error else ""))

    for task in todo:
        for module in MODULES:
            cached = _read_cache(out, module, task.keys[module]) if reuse else None
            if cached is not None:
                task.reused[module] = cached
        counts["reused_modules"] += len(task.reused)
    ready = [t for t in todo if len(t.reused) == len(MODULES)]
    for task in ready:
        finish(task, *_join(task), [])
    waiting = [t for t in todo if len(t.reused) < len(MODULES)]
    try:
        if waiting:
            _run_tasks(waiting, out, assignment, jobs, reuse, finish, counts,
                       poll=lambda: [write(*done) for done in notebooks.finished()])
        for done in notebooks.finished(wait=True):
            write(*done)
    finally:
        notebooks.close()
    write_gradebook(out)
    return counts


class Notebooks:
    """The notebook part of each submission: graded beside the module tests, in threads (the
    notebook runs in a confined process of its own, with a uid of each thread's own)."""

    UID_BASE = DEFAULT_UID + 800_000  # apart from the module jobs' uids

    def __init__(self, assignment: course.Assignment, jobs: int):
        from concurrent.futures import ThreadPoolExecutor

        self.assignment = assignment
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="notebook")
        self.uids = list(range(self.UID_BASE, self.UID_BASE + jobs))
        self.lock = threading.Lock()
        self.futures: list = []

    def grade(self, submission: collect.Submission, outcome: report.Outcome) -> None:
        from autograder import notebook

        if submission.notebook is None:  # nothing to run: says absent (or refused) at once
            part = notebook.grade_submission(submission, self.assignment)
            known = Future()
            known.set_result((notebook.merge(outcome, part),))
            self.futures.append(known)
            return
        self.futures.append(self.pool.submit(self._grade, submission, outcome))

    def _grade(self, submission, outcome):
        from autograder import notebook

        with self.lock:
            uid = self.uids.pop()
        try:
            part = notebook.grade_submission(submission, self.assignment, uid=uid)
        finally:
            with self.lock:
                self.uids.append(uid)
        return (notebook.merge(outcome, part),)

    def finished(self, wait: bool = False) -> list[tuple]:
        from concurrent.futures import wait as wait_for

        if wait:
            wait_for(self.futures)
        done = [f for f in self.futures if f.done()]
        self.futures = [f for f in self.futures if not f.done()]
        return [f.result() for f in done]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _join(task: Task, fresh_records=(), fresh_events=()) -> tuple[list[dict], list[dict]]:
    # task.reused was filled in the assignment's module order
    records = [r for m in task.reused for r in task.reused[m]["records"]]
    events = [e for m in task.reused for e in task.reused[m]["events"]]
    return records + list(fresh_records), events + list(fresh_events)


def _run_tasks(tasks: list[Task], out: Path, assignment: course.Assignment, jobs: int,
               reuse: bool, finish, counts: dict, poll=lambda: None) -> None:
    """Run the tests of the modules no stored result covers. A module whose identical
    closure another running job is grading is not run twice: its task waits for that
    result (and runs the module itself if that job fails)."""
    MODULES = assignment.module_names
    with tempfile.TemporaryDirectory(prefix="autograder-batch-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o700)
        server = ForkServer(assignment, work)
        free_uids = [DEFAULT_UID + 1 + slot for slot in range(jobs)]
        running: dict[str, tuple[Task, int, Path, list[str]]] = {}
        claimed: dict[tuple[str, str], str] = {}  # (module, key) -> the task running it
        queue = list(tasks)
        blocked: list[Task] = []

        def settle() -> None:
            """Tasks whose modules are all known now are finished; the rest go back."""
            for task in list(blocked):
                for module in MODULES:
                    if module not in task.reused and reuse:
                        cached = _read_cache(out, module, task.keys[module])
                        if cached is not None:
                            task.reused[module] = cached
                            counts["reused_modules"] += 1
                missing = [m for m in MODULES if m not in task.reused]
                if not missing:
                    blocked.remove(task)
                    finish(task, *_join(task), [])
                elif not any((m, task.keys[m]) in claimed for m in missing):
                    blocked.remove(task)
                    queue.append(task)  # whoever was grading them failed: run them here

        try:
            while queue or running or blocked:
                index = 0
                while index < len(queue) and free_uids:
                    task = queue[index]
                    missing = [m for m in MODULES if m not in task.reused]
                    mine = [m for m in missing if not reuse or (m, task.keys[m]) not in claimed]
                    if not mine:  # everything it needs is being graded by others
                        queue.pop(index)
                        blocked.append(task)
                        continue
                    queue.pop(index)
                    task.started = time.monotonic()  # its execution time starts now
                    for module in mine:
                        claimed[(module, task.keys[module])] = task.name
                    uid = free_uids.pop(0)
                    folder = work / task.name
                    staged = grade.stage(task.submission, folder / "submission")
                    (folder / "report.jsonl").touch()
                    server.submit({"id": task.name, "dir": str(staged), "uid": uid,
                                   "seeds": task.seeds, "modules": mine,
                                   "suites": ["public", "hidden"],
                                   "report": str(folder / "report.jsonl"),
                                   "events": str(folder / "events.json"),
                                   "timeout": assignment.budgets.run})
                    running[task.name] = (task, uid, folder, mine)
                if not running:
                    settle()
                    if not running and not queue and blocked:
                        raise RuntimeError("batch: tasks wait for modules nobody grades")
                    continue
                poll()  # results finished elsewhere (notebooks) are written now
                for message in server.receive(timeout=1.0):
                    task, uid, folder, mine = running.pop(message["id"])
                    kill_uid(uid)
                    free_uids.append(uid)
                    for module in mine:
                        claimed.pop((module, task.keys[module]), None)
                    records = read_records(folder / "report.jsonl")
                    try:
                        events = json.loads((folder / "events.json").read_text())
                    except (OSError, ValueError):
                        events = []
                    shutil.rmtree(folder, ignore_errors=True)
                    notes = []
                    if message["status"] != "done":
                        notes.append(f"grader error: the test run {message['status']} "
                                     f"(exit status {message['code']})")
                    elif reuse:
                        _store(out, task, records, events, mine)
                    if any(m not in task.reused and m not in mine for m in MODULES) and not notes:
                        # it also waits for modules other jobs grade: keep the fresh ones
                        for module in mine:
                            task.reused[module] = {
                                "records": [r for r in records if r.get("module") == module],
                                "events": [e for e in events if e.get("group") == module]}
                        blocked.append(task)
                    else:
                        finish(task, *_join(task, records, events), notes)
                    settle()
        finally:
            server.close()
            for _task, uid, _folder, _mine in running.values():
                kill_uid(uid)


def _store(out: Path, task: Task, records: list[dict], events: list[dict],
           modules: list[str]) -> None:
    for module in modules:
        entry = {"records": [r for r in records if r.get("module") == module],
                 "events": [e for e in events if e.get("group") == module]}
        if entry["records"]:
            grade.atomic_write(out / "cache" / module / f"{task.keys[module]}.json",
                          json.dumps(entry).encode())
