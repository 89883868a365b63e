"""pytest plugin that turns one pytest process into a fork server for batch grading.

``-p autograder.forkserver --fork-server=READ_FD,WRITE_FD,PARENT_PID``: the process imports
torch, numpy, pytest, hypothesis and the suites and collects every test once (and dies with
PARENT_PID); then, instead of running the tests, it reads jobs (one JSON line each: a staged
submission, its per-module seeds, which modules and suites to run, where to write the records)
and forks one child per job. The child runs the selected tests exactly as ``autograder
grade``'s pytest process would (same items, same fixtures, same sandbox, fresh worker per
module) and writes its records and sandbox events; the parent answers ``{"id", "status",
"code"}`` when it ends, and kills it past its time limit.
Nothing student code does can reach this process: the children talk to sandbox workers, as
``grade`` does. ``ForkServer`` (at the end) is the other end: how ``autograder batch`` starts the
server and the worker zygote once for a whole class and sends them jobs.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import assignment as course
from autograder import pytest_report, runner, session, zygote

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--fork-server", metavar="READ_FD,WRITE_FD,PARENT_PID",
                     help="serve grading jobs on these file descriptors (autograder batch)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session):
    value = session.config.getoption("--fork-server")
    if not value:
        return None
    read_fd, write_fd, parent = (int(part) for part in value.split(","))
    zygote.die_with_parent(parent)
    _serve(session, read_fd, write_fd)
    return True


def _send(fd: int, message: dict) -> None:
    data = json.dumps(message).encode() + b"\n"
    while data:
        data = data[os.write(fd, data):]


def _serve(pytest_session: pytest.Session, read_fd: int, write_fd: int) -> None:
    import torch

    torch.set_num_threads(1)
    # each item's module and suite, once for every job; a module's number of tests is what
    # the runner balances jobs by
    places = [(item, *map(pytest_report.describe_item(item).get, ("module", "suite")))
              for item in pytest_session.items]
    sizes = collections.Counter(module for _item, module, _suite in places)
    gc.collect()
    gc.freeze()  # the collected suites stay shared with every child (no copy-on-write)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    _send(write_fd, {"ready": len(places), "sizes": sizes})
    children: dict[int, dict] = {}  # pid -> job (with its deadline)
    pending, closed = b"", False
    while children or not closed:
        deadlines = [job["deadline"] for job in children.values()]
        wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        sources = [wake_r] + ([] if closed else [read_fd])
        readable, _, _ = select.select(sources, [], [], wait)
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 512)
        _reap(children, write_fd)
        now = time.monotonic()
        for pid, job in children.items():
            if job["deadline"] <= now and not job.get("killed"):
                job["killed"] = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        if read_fd in readable:
            data = os.read(read_fd, 65536)
            if not data:
                closed = True
                continue
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                job = json.loads(line)
                job["deadline"] = time.monotonic() + float(job.get("timeout", 900))
                pid = os.fork()
                if pid == 0:
                    _child(pytest_session, places, job, (read_fd, write_fd, wake_r, wake_w))
                children[pid] = job


def _reap(children: dict[int, dict], write_fd: int) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job = children.pop(pid, None)
        if job is None:
            continue
        code = zygote.exit_status(status)
        state = "timeout" if job.get("killed") else ("done" if code == 0 else "crashed")
        _send(write_fd, {"id": job["id"], "status": state, "code": code})


def _child(pytest_session: pytest.Session, places, job: dict, close_fds) -> None:
    """Run one job's tests, then leave without running the parent's cleanup."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in close_fds:
            os.close(fd)
        os.setsid()
        zygote.die_with_parent(None)  # if the server goes, its jobs go too
        gc.unfreeze()
        _run_job(pytest_session, places, job)
        code = 0
    finally:
        os._exit(code)


def _run_job(pytest_session: pytest.Session, places, job: dict) -> None:
    from autograder.sandbox import kill_job

    config = pytest_session.config
    impl = config.stash[session.SANDBOXED]("submission", [Path(job["dir"])], int(job["uid"]))
    config.stash[session.IMPLEMENTATIONS] = {config.stash[session.ASSIGNMENT].name: [impl]}
    config.stash[session.SEEDS] = {module: int(seed) for module, seed in job["seeds"].items()}
    recorder = pytest_report.Recorder(Path(job["report"]))
    config.pluginmanager.register(recorder, "autograder-report-job")
    modules, suites = set(job["modules"]), set(job["suites"])
    items = [item for item, module, suite in places if module in modules and suite in suites]
    try:
        for index, item in enumerate(items):
            following = items[index + 1] if index + 1 < len(items) else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
    finally:
        recorder.stream.close()
        events = [{"impl": impl.name, **event} for event in impl.grouped_events()]
        impl.close()
        kill_job(int(job["uid"]))
        tmp = Path(job["events"] + ".tmp")
        tmp.write_text(json.dumps(events), encoding="utf-8")
        os.replace(tmp, job["events"])


# -- the client: how `autograder batch` starts and talks to the server -----------------------

class ForkServer:
    """The pytest fork server and the worker zygote, started once for the whole batch."""

    def __init__(self, assignment: course.Assignment, workdir: Path,
                 suites=("public", "hidden")):
        self.zygote = zygote.Zygote()
        to_server_r, self._to_server = os.pipe()
        self._from_server, from_server_w = os.pipe()
        self.log = workdir / "forkserver.log"
        command = [
            sys.executable, "-m", "pytest", *map(str, assignment.suite_paths(suites)),
            f"--rootdir={REPO}", "-p", "_hypothesis_pytestplugin", *runner.LEAN_PLUGINS,
            "-p", "autograder.forkserver",
            f"--fork-server={to_server_r},{from_server_w},{os.getpid()}", "--assert=plain",
            "-q", "-s",
            "--tb=no", "--no-header", f"--assignment={assignment.name}",
            f"--impl=submission={workdir}", "--sandboxed",
            "-p", "autograder.pytest_report",
        ]
        env = {**runner.clean_environment(), zygote.ENV_VAR: self.zygote.socket_path}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, pass_fds=(to_server_r, from_server_w),
                start_new_session=True)
        os.close(to_server_r)
        os.close(from_server_w)
        self._pending = b""
        ready = self.receive(timeout=300)
        if not ready or "ready" not in ready[0]:
            tail = self.log.read_text(errors="replace").strip().splitlines()[-5:]
            self.close()
            raise RuntimeError("the batch's pytest fork server did not start: "
                               + " | ".join(tail))
        self.sizes: dict[str, int] = ready[0].get("sizes", {})
        self.zygote.wait_ready()

    def submit(self, job: dict) -> None:
        data = json.dumps(job).encode() + b"\n"
        while data:
            data = data[os.write(self._to_server, data):]

    def receive(self, timeout: float | None) -> list[dict]:
        import select

        ready, _, _ = select.select([self._from_server], [], [], timeout)
        if not ready:
            return []
        data = os.read(self._from_server, 65536)
        if not data:
            raise RuntimeError("the batch's pytest fork server stopped")
        self._pending += data
        messages = []
        while b"\n" in self._pending:
            line, self._pending = self._pending.split(b"\n", 1)
            messages.append(json.loads(line))
        return messages

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._to_server)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, 9)
        self.process.wait()
        with contextlib.suppress(OSError):
            os.close(self._from_server)
        self.zygote.close()
