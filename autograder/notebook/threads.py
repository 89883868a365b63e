"""The notebook part of a class, graded in threads beside the module tests (``pipeline``'s
step 4): one confined kernel per thread, each with a uid of its own."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for

from autograder.notebook.feedback import merge
from autograder.notebook.grade import grade_submission
from autograder.report import Outcome
from autograder.sandbox import kill_uid


class Notebooks:
    """Step 4 of ``autograder.pipeline``: the notebook part of each submission (a pipeline
    ``Task``), graded beside the module tests in threads (each kernel runs confined, with a uid
    of its thread's own)."""

    def __init__(self, assignment, uids: list[int]):
        self.assignment = assignment
        self.pool = ThreadPoolExecutor(max_workers=len(uids), thread_name_prefix="notebook")
        self.uids = list(uids)
        self.lock = threading.Lock()
        self.futures: list[Future] = []

    def grade(self, task, outcome: Outcome) -> None:
        if task.submission.notebook is None:  # nothing to run: absent (or refused) at once
            known: Future = Future()
            known.set_result(merge(outcome, grade_submission(
                task.submission, self.assignment, public_only=task.public_only)))
            self.futures.append(known)
            return
        self.futures.append(self.pool.submit(self._grade, task, outcome))

    def _grade(self, task, outcome: Outcome) -> Outcome:
        with self.lock:
            uid = self.uids.pop()
        try:
            part = grade_submission(task.submission, self.assignment, uid=uid,
                                             public_only=task.public_only)
        finally:
            kill_uid(uid)
            with self.lock:
                self.uids.append(uid)
        return merge(outcome, part)

    def finished(self, wait: bool = False) -> list[Outcome]:
        if wait:
            wait_for(self.futures)
        done = [f for f in self.futures if f.done()]
        self.futures = [f for f in self.futures if not f.done()]
        return [f.result() for f in done]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
