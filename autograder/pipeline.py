"""The staged steps every grading runs, for one submission (``grade``) or a class (``batch``).

``grade`` is a batch of one: both hand ``run`` a list of ``Task`` (a collected submission and
its per-module seeds) and receive one ``report.Outcome`` per task, through the same steps:

1. ``reuse``   modules whose records a ``Cache`` holds for identical files are not run again
               (``batch`` only: ``grade`` passes no cache);
2. ``run``     the other modules' tests run in children forked from one pytest process that
               has imported torch and collected the suites once (``forkserver``), against
               sandbox workers forked from one process that imported torch once (``zygote``);
               ``jobs`` children at a time, each with a uid of its own: a submission per child,
               or, where uids would idle (``grade``), its modules split over several;
3. ``finish``  points from the rubric, flags from the records, the sandbox's events and the
               source (``scoring``, ``flags``);
4. ``notebook`` graded in a thread beside the module tests, in a confined kernel of its own,
               and merged into the outcome.

A failure of the grader itself (the fork server does not start, a test run crashes) becomes
the outcome's ``grader_error``, never an exception that loses the results already computed.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from autograder import assignment as course
from autograder import collect, flags, notebook, probe, report, standin
from autograder.pytest_report import read_records
from autograder.sandbox import DEFAULT_UID, REFERENCE_UID_OFFSET, kill_job
from autograder.scoring import load_rubric, score_records
from autograder.seeds import secret

# the notebook kernels' uids, apart from the jobs' (and from their reference workers', at
# REFERENCE_UID_OFFSET and above)
NOTEBOOK_UID_OFFSET = REFERENCE_UID_OFFSET // 2
MAX_JOBS = NOTEBOOK_UID_OFFSET - 1  # module jobs take DEFAULT_UID + 1 ... + MAX_JOBS


def available_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may use: its CPU affinity, capped by a cgroup CPU quota (a
    container's ``--cpus``, as on Gradescope), which ``os.cpu_count()`` does not see."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    for files in (["cpu.max"], ["cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"]):  # v2, v1
        try:
            fields = " ".join((cgroup / name).read_text() for name in files).split()
            quota, period = float(fields[0]), float(fields[1])
        except (OSError, ValueError, IndexError):
            continue  # no such file, or "max": no quota
        if quota > 0 and period > 0:
            cores = min(cores, max(1, math.ceil(quota / period)))
    return max(1, cores)


def default_jobs() -> int:
    """Jobs at a time when none is asked for: one per core this process may use, as many as
    the uid range allows."""
    return max(1, min(available_cores(), MAX_JOBS))


def job_uids(jobs: int) -> list[int]:
    """The uids of ``jobs`` module jobs of this process (each job's notebook kernel runs as its
    uid + ``NOTEBOOK_UID_OFFSET``): all inside this process's range, none shared."""
    if not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs {jobs}: expected 1 to {MAX_JOBS}")
    return [DEFAULT_UID + 1 + slot for slot in range(jobs)]


@dataclass
class Task:
    """One submission on its way through the pipeline."""
    name: str
    submission: collect.Submission
    seeds: dict[str, int]  # module -> the seed of its hidden inputs
    keys: dict[str, str] = field(default_factory=dict)  # module -> its cache key (batch)
    public_only: bool = False
    started: float = field(default_factory=time.monotonic)
    # module -> {"records", "events"}: its results, stored from before or graded in this run
    known: dict[str, dict] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # what the caller adds to extra_data

    @property
    def suites(self) -> list[str]:
        return ["public"] if self.public_only else ["public", "hidden"]


class Cache(Protocol):
    """Stored module records (``batch``'s OUT_DIR/cache)."""

    def lookup(self, module: str, key: str) -> dict | None: ...

    def store(self, task: Task, records: list[dict], events: list[dict],
              modules: list[str]) -> None: ...


def stage(submission: collect.Submission, directory: Path) -> Path:
    """The graded files, alone, in a folder only the grader can read."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, text in submission.files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def finish(task: Task, records: list[dict], events: list[dict], error: str | None,
           assignment: course.Assignment) -> report.Outcome:
    """Step 3: points from the rubric and flags from the records, the events and the source."""
    submission = task.submission
    rubric = load_rubric(assignment)
    if task.public_only:
        rubric = type(rubric)(rubric.assignment,
                              {k: v for k, v in rubric.points.items() if k[0] == "public"})
    scores, skipped = score_records(records, rubric)
    if not records and error is None:
        error = "the test run produced no results (see the grader's log)"
    found = (flags.record_flags(records)
             + flags.event_flags(events)
             + flags.static_flags(submission.files))
    if submission.ignored:
        more = submission.ignored_count - len(submission.ignored)
        found.append(flags.flag(
            "ignored-files", None,
            f"only {collect.graded_list(assignment)} are graded; ignored: "
            + ", ".join(submission.ignored) + (f" and {more} more" if more > 0 else "")))
    notes = list(dict.fromkeys(e["message"] for e in events if e.get("kind") == "unconfined"))
    if submission.missing:
        notes.append("missing from the submission: " + ", ".join(submission.missing))
    return report.Outcome(
        assignment=assignment.name, scores=scores, skipped=skipped, flags=found,
        execution_time=time.monotonic() - task.started, public_only=task.public_only,
        notes=notes, grader_error=error,
        extra={"submission_sha256": submission.digest, "secret": secret()[1],
               "dependencies": "reference" if standin.reference_of(assignment) else "own",
               **task.extra},
    )


def run(tasks: list[Task], assignment: course.Assignment, on_done: Callable, *, jobs: int = 1,
        cache: Cache | None = None, uids: list[int] | None = None,
        timeout: float | None = None, private: list[Path] = (),
        outputs: list[Path] = ()) -> int:
    """Grade ``tasks``; ``on_done(outcome)`` is called for each as soon as it is finished
    (notebook included). Returns how many modules were taken from ``cache``.

    Step 0, before any student code: the confinement probe (``probe.prepare``; ``private``:
    more folders no submission may read, ``outputs``: folders results are written to). Where
    it reached a guarded path, every hidden grading ends at once with the refusal as its
    ``grader_error``; public-only grading goes on, and says how it ran."""
    modules = assignment.module_names
    uids = uids or job_uids(jobs)
    check = probe.prepare(private, outputs)
    for task in tasks:
        task.extra["confinement"] = check.record()
    if not check.safe:
        for task in [t for t in tasks if not t.public_only]:
            on_done(finish(task, [], [], check.refusal(), assignment))
        tasks = [t for t in tasks if t.public_only]
        if not tasks:
            return 0
    notebooks = notebook.Notebooks(assignment, [uid + NOTEBOOK_UID_OFFSET for uid in uids])
    reused = 0

    def finished(task: Task, records: list[dict], events: list[dict], error: str | None):
        notebooks.grade(task, finish(task, records, events, error, assignment))
        for outcome in notebooks.finished():
            on_done(outcome)

    for task in tasks:
        for module in modules if cache is not None else ():
            stored = cache.lookup(module, task.keys[module])
            if stored is not None:
                task.known[module] = stored
        reused += len(task.known)
    try:
        for task in [t for t in tasks if len(t.known) == len(modules)]:
            finished(task, *_join(task, modules), None)
        waiting = [t for t in tasks if len(t.known) < len(modules)]
        if waiting:
            runner = _Runner(waiting, assignment, uids, cache, finished,
                             assignment.budgets.run if timeout is None else timeout)
            runner.poll = lambda: [on_done(o) for o in notebooks.finished()]
            reused += runner.run()
        for outcome in notebooks.finished(wait=True):
            on_done(outcome)
    finally:
        notebooks.close()
    return reused


def module_events(events: list[dict], module: str, modules: list[str]) -> list[dict]:
    """The events charged to ``module`` of a job that ran ``modules``: those of its tests'
    group, and an event outside every module's tests goes to the first module. One rule for
    the outcome and the cache (``batch``)."""
    return [e for e in events if e.get("group") == module
            or (module == modules[0] and e.get("group") not in modules)]


def _join(task: Task, modules: list[str]) -> tuple[list[dict], list[dict]]:
    """The records and events of ``task``'s known modules, in the assignment's order."""
    known = [task.known[m] for m in modules if m in task.known]
    return [r for k in known for r in k["records"]], [e for k in known for e in k["events"]]


class _Runner:
    """Step 2: run the tests of the modules no stored result covers. A submission's modules
    are split into as many jobs as there are uids the rest of the queue leaves idle (``grade``:
    one per core, at most one per module; a busy ``batch``: one per submission, no job's
    start-up paid twice), balanced by their number of tests. A module whose identical closure
    another job is grading is not run twice: its task waits for that result (and runs the
    module itself if that job fails)."""

    def __init__(self, tasks, assignment, uids, cache, finished, timeout):
        self.queue, self.assignment, self.cache = list(tasks), assignment, cache
        self.free_uids, self.finished, self.timeout = list(uids), finished, timeout
        self.modules = assignment.module_names
        self.sizes: dict[str, int] = {}
        self.jobs: list[tuple[Task, list[str]]] = []  # jobs waiting for a uid, in order
        self.running: dict[str, tuple[Task, list[str], int, Path]] = {}  # job id -> its job
        self.claimed: dict[tuple[str, str], str] = {}  # (module, key) -> the task running it
        self.waiting: dict[str, Task] = {}  # tasks with modules still to come
        self.deadlines: dict[str, float] = {}  # task -> the end of its run (the run bound)
        self.errors: dict[str, str] = {}  # task -> the first failure of one of its jobs
        self.count = 0
        self.reused = 0
        self.poll = lambda: None

    def run(self) -> int:
        from autograder.forkserver import ForkServer

        with tempfile.TemporaryDirectory(prefix="autograder-run-") as tmp:
            self.work = Path(tmp)
            os.chmod(self.work, 0o700)
            try:
                suites = [s for s in ("public", "hidden") if any(
                    s in task.suites for task in self.queue)]
                server = ForkServer(self.assignment, self.work, suites)
            except RuntimeError as error:  # the grader's failure: every task says so
                for task in self.queue:
                    self.finished(task, *_join(task, self.modules), str(error).splitlines()[0])
                return 0
            self.sizes = server.sizes
            try:
                self._loop(server)
            finally:
                server.close()
                for _task, _modules, uid, _folder in self.running.values():
                    kill_job(uid)
        return self.reused

    def _loop(self, server) -> None:
        while self.queue or self.jobs or self.running or self.waiting:
            self._start(server)
            if not self.running:
                self._settle()
                if not (self.running or self.jobs or self.queue) and self.waiting:
                    raise RuntimeError("tasks wait for modules nobody grades")
                continue
            self.poll()  # outcomes finished elsewhere (notebooks) are handed on now
            for message in server.receive(timeout=1.0):
                self._done(message)
            self._settle()

    def _plan(self, task: Task) -> None:
        task.started = time.monotonic()  # its execution time: from here to its outcome
        if self.cache is not None:  # what finished while it waited in the queue
            self._look_up(task)
        self.waiting[task.name] = task
        self._claim(task)

    def _claim(self, task: Task) -> None:
        """Jobs for the modules of ``task`` neither known nor claimed by another job."""
        mine = []
        for module in self.modules:
            if module in task.known:
                continue
            if self.cache is not None:
                if (module, task.keys[module]) in self.claimed:
                    continue  # another job grades the same closure: wait for it
                self.claimed[(module, task.keys[module])] = task.name
            mine.append(module)
        parts = max(1, min(len(mine), len(self.free_uids) - len(self.queue)))
        groups: list[list[str]] = [[] for _ in range(parts)]
        loads = [0] * parts
        for module in sorted(mine, key=lambda m: -self.sizes.get(m, 1)):  # largest first
            lightest = loads.index(min(loads))
            groups[lightest].append(module)
            loads[lightest] += self.sizes.get(module, 1)
        self.jobs += [(task, [m for m in mine if m in group]) for group in groups if group]

    def _start(self, server) -> None:
        while self.free_uids:
            if not self.jobs:
                if not self.queue:
                    return
                self._plan(self.queue.pop(0))
                self._settle()
                continue
            task, modules = self.jobs.pop(0)
            now = time.monotonic()
            if task.name not in self.deadlines:  # the run's bound counts from its first job
                self.deadlines[task.name] = now + self.timeout
            if self.deadlines[task.name] <= now:  # its run's bound is spent: not run
                self._release(task, modules)
                self.errors.setdefault(task.name, f"the test run reached its {self.timeout:g} s "
                                                  f"bound before {modules[0]}.py was graded")
                continue
            uid = self.free_uids.pop(0)
            self.count += 1
            job = f"job-{self.count}"
            folder = self.work / job
            staged = stage(task.submission, folder / "submission")
            (folder / "report.jsonl").touch()
            server.submit({"id": job, "dir": str(staged), "uid": uid, "seeds": task.seeds,
                           "modules": modules, "suites": task.suites,
                           "report": str(folder / "report.jsonl"),
                           "events": str(folder / "events.json"),
                           "timeout": self.deadlines[task.name] - now})
            self.running[job] = (task, modules, uid, folder)

    def _release(self, task: Task, modules: list[str]) -> None:
        for module in modules if self.cache is not None else ():
            if self.claimed.get((module, task.keys[module])) == task.name:
                del self.claimed[(module, task.keys[module])]

    def _done(self, message: dict) -> None:
        task, modules, uid, folder = self.running.pop(message["id"])
        kill_job(uid)
        self.free_uids.append(uid)
        self._release(task, modules)
        records = read_records(folder / "report.jsonl")
        try:
            events = json.loads((folder / "events.json").read_text())
        except (OSError, ValueError):
            events = []
        shutil.rmtree(folder, ignore_errors=True)
        if message["status"] != "done":
            self.errors.setdefault(task.name, f"the test run {message['status']} (exit status "
                                              f"{message['code']})")
        elif self.cache is not None:
            self.cache.store(task, records, events, modules)
        for module in modules:
            task.known[module] = {"records": [r for r in records if r.get("module") == module],
                                  "events": module_events(events, module, modules)}

    def _look_up(self, task: Task) -> None:
        """Take from the cache the modules of ``task`` that another job stored meanwhile."""
        for module in self.modules:
            if module not in task.known and (module, task.keys[module]) not in self.claimed:
                stored = self.cache.lookup(module, task.keys[module])
                if stored is not None:
                    task.known[module] = stored
                    self.reused += 1

    def _settle(self) -> None:
        """Tasks whose modules are all known now are finished; a module that the job it waited
        for did not store is graded by the task itself."""
        for name, task in list(self.waiting.items()):
            if any(other is task for other, _modules in self.jobs) or any(
                    other is task for other, *_rest in self.running.values()):
                continue
            if self.cache is not None:
                self._look_up(task)
            missing = [m for m in self.modules if m not in task.known]
            if self.cache is not None and any((m, task.keys[m]) in self.claimed
                                              for m in missing):
                continue  # another job still grades one of them
            if missing and name not in self.errors:
                self._claim(task)  # whoever was grading them failed: run them here
                continue
            del self.waiting[name]
            self.finished(task, *_join(task, self.modules), self.errors.get(name))
