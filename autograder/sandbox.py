"""The grader's side of the sandbox: one student process (``autograder.worker``, confined)
behind a pipe, restarted after a timeout or crash, and the clean-up of a sandbox uid. The
proxies through which the suites call into it are ``autograder.proxy``; the pytest process
that compares and scores never imports student code.

Each call has a time limit; a call that exceeds it, or kills the worker, fails with
``SandboxTimeoutError`` / ``SandboxCrashError`` and a fresh worker takes over. A function that
hangs twice is not called again (its later calls fail at once), so an infinite loop costs its
own tests and not the whole time budget. Every event (timeout, crash, forbidden API,
tampering) is recorded for the grader's flags.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from autograder import zygote

REPO = Path(__file__).resolve().parent.parent
# Each grading process takes its own range of 1024 uids (derived from its pid), so that graders
# running side by side never kill each other's sandboxes when they clean up; the range holds a
# uid for every job of a batch on a machine with hundreds of cores (``pipeline.job_uids``), and
# its top stays below 2**31.
UIDS_PER_PROCESS = 2048
# a worker that runs the reference (``autograder.standin``) takes its student worker's uid + this
REFERENCE_UID_OFFSET = UIDS_PER_PROCESS // 2
DEFAULT_UID = 100_000 + (os.getpid() % 1_000_000) * UIDS_PER_PROCESS


# said once per grade where the worker ran as the user who started the grader, in no namespace
# of its own (not root, on macOS or a Linux without user namespaces): only public-only grading
# runs there (``probe``)
UNCONFINED = ("your code ran as you, without the sandbox's own uid or namespaces (this machine "
              "gives neither to a user who is not root): fine for checking your own code; "
              "hidden grading refuses to run here")


class SandboxTimeoutError(Exception):
    """A call into the submission took longer than its time limit."""


class SandboxCrashError(Exception):
    """The submission's process died or stopped answering. ``cause`` says how, as data:
    "exit" (it exited on its own: os._exit / sys.exit), "signal", "malformed", "stopped" or
    "out of turn"."""

    def __init__(self, message: str, cause: str = "stopped"):
        super().__init__(message)
        self.cause = cause


class Sandbox:
    """One confined worker process, restarted after a timeout or crash."""

    def __init__(self, files: dict[str, str], *, rules: dict[str, dict] | None = None,
                 call_timeout: float = 10.0,
                 import_timeout: float = 30.0, uid: int | None = DEFAULT_UID,
                 memory_bytes: int = 4 * 2**30, workdir: str = "/tmp/autograder-sandbox"):
        self.files = files
        self.rules = rules or {}  # module -> its manifest rules (plain data for the worker)
        self.call_timeout, self.import_timeout = call_timeout, import_timeout
        self.uid = uid if os.geteuid() == 0 else None
        self.memory_bytes = memory_bytes
        self.workdir = workdir
        self.events: list[dict] = []
        self.process: subprocess.Popen | None = None
        self.confinement: dict = {}
        self.starts = 0  # the worker starts with the first request
        # the module whose tests run now, the reference's stand-ins for them (module ->
        # functions; ``autograder.standin``) and who answers their questions
        self.group: str | None = None
        self.stand_ins: dict[str, list[str]] = {}
        self.answer = None  # (question, buffers, seconds left) -> (reply, buffers)

    # -- process management -------------------------------------------------------------
    def _start(self) -> None:
        from autograder import wire  # torch: imported by the grader only where it talks to a worker
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        socket_path = os.environ.get(zygote.ENV_VAR)
        if socket_path:  # a fork of a process that has imported torch already
            try:
                self.process = zygote.spawn(socket_path, to_child_r, from_child_w)
            except OSError:
                socket_path = None  # no zygote after all: start an interpreter
        if not socket_path:
            self.process = subprocess.Popen(
                [sys.executable, "-s", "-m", "autograder.worker", str(to_child_r),
                 str(from_child_w)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env=zygote.worker_environment(self.workdir), cwd=str(REPO),
                start_new_session=True,
            )
        os.close(to_child_r)
        os.close(from_child_w)
        self._out = os.fdopen(to_child_w, "wb")
        self._in = os.fdopen(from_child_r, "rb", buffering=0)
        self.starts += 1
        config = {"workdir": f"{self.workdir}/w{self.starts}", "files": self.files,
                  "rules": self.rules, "group": self.group, "stand_ins": self.stand_ins,
                  "repo": str(REPO),
                  "uid": self.uid, "memory_bytes": self.memory_bytes}
        wire.write_message(self._out, config, [])
        reply, _ = self._receive(self.import_timeout, "starting the sandbox")
        self.confinement = reply.get("ready", {})
        if not {"network", "user"} & set(self.confinement) and not any(
                e.get("kind") == "unconfined" for e in self.events):
            self.events.append({"kind": "unconfined", "message": UNCONFINED})

    def _receive(self, timeout: float, what: str, limit: float | None = None):
        """The next message, within ``timeout`` seconds (what is left of the call's ``limit``,
        the number a time-out names, after a stand-in's question)."""
        from autograder import wire  # torch: imported by the grader only where it talks to a worker
        deadline = time.monotonic() + timeout
        ready, _, _ = select.select([self._in], [], [], max(timeout, 0))
        try:
            if not ready:
                raise TimeoutError
            return wire.read_message(_DeadlineReader(self._in, deadline))
        except TimeoutError:
            self._kill()
            raise SandboxTimeoutError(f"{what} took longer than "
                                      f"{timeout if limit is None else limit:g} s") from None
        except (EOFError, wire.WireError, ValueError) as error:
            code = self._kill()
            raise SandboxCrashError(*_crash_reason(what, code, error)) from None

    def _kill(self) -> int | None:
        process, self.process = self.process, None
        if process is None:
            return None
        for stream in (self._out, self._in):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        kill_uid(self.uid)
        return code

    def close(self) -> None:
        self._kill()

    # -- requests -----------------------------------------------------------------------
    def request(self, header: dict, buffers: list[bytes], timeout: float, what: str):
        from autograder import wire  # torch: imported by the grader only where it talks to a worker
        for _attempt in (1, 2):
            if self.process is None:
                self._start()
            header["id"] = secrets.randbits(62)  # a reply must name the request it answers
            try:
                wire.write_message(self._out, header, buffers)
            except (BrokenPipeError, OSError):
                code = self._kill()
                raise SandboxCrashError(*_crash_reason(what, code, None)) from None
            deadline = time.monotonic() + timeout
            reply, out = self._receive(timeout, what)
            while reply.get("id") == header["id"] and "callback" in reply:
                # a stand-in asks, in the middle of the call, for the reference's answer
                answer, answer_out = self._answer(reply["callback"], out,
                                                  deadline - time.monotonic())
                try:
                    wire.write_message(self._out, answer, answer_out)
                except (BrokenPipeError, OSError):
                    code = self._kill()
                    raise SandboxCrashError(*_crash_reason(what, code, None)) from None
                reply, out = self._receive(max(deadline - time.monotonic(), 0.0), what,
                                           timeout)
            if reply.get("id") == header["id"]:
                for event in reply.get("events", []):
                    self.events.append({**event, "call": what,
                                        "module": event.get("module") or header.get("module")})
                return reply, out
            # Someone wrote into the pipe besides the worker's loop: the stream can no longer
            # be trusted. Start over with a fresh worker and ask once more.
            self.events.append({"kind": "tampering", "call": what, "module": header.get("module"),
                                "message": "the submission wrote its own data into the grader's "
                                "pipe"})
            self._kill()
        raise SandboxCrashError(
            f"the submission's process kept answering out of turn during {what}", "out of turn")

    def _answer(self, question, buffers: list[bytes], seconds: float):
        if self.answer is None:  # only a worker told of stand-ins asks; this one was not
            from autograder.facts import error_record

            return {"error": error_record("RuntimeError",
                                          "no reference answers in this grading")}, []
        return self.answer(question, buffers, seconds)


class _DeadlineReader:
    """A file-like reader that raises TimeoutError past a deadline."""

    def __init__(self, stream, deadline: float):
        self.stream, self.deadline = stream, deadline

    def read(self, n: int) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.stream], [], [], remaining)[0]:
            raise TimeoutError
        return self.stream.read(n)


def _crash_reason(what: str, code, error) -> tuple[str, str]:
    """What ended the worker during ``what``, in words, and its ``SandboxCrashError.cause``."""
    from autograder import wire  # torch: imported by the grader only where it talks to a worker
    if isinstance(error, wire.WireError | ValueError):
        return (f"the submission's process sent a malformed reply during {what} ({error})",
                "malformed")
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else code
        hint = {"SIGKILL": " (killed: memory or process limit?)",
                "SIGXCPU": " (CPU time limit)", "SIGXFSZ": " (file size limit)",
                "SIGSEGV": " (crashed)"}.get(str(name), "")
        return f"the submission's process died with {name} during {what}{hint}", "signal"
    if code == 0:
        return f"the submission's process exited during {what} (os._exit / sys.exit?)", "exit"
    return f"the submission's process stopped during {what} (exit status {code})", "stopped"


def processes(where) -> list[str]:
    """Live (not zombie) processes whose ``/proc/PID/status`` fields satisfy ``where``, as "PID
    name": read from ``/proc``, since a minimal image has no ``ps``."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines()
                          if ":\t" in line)
        except OSError:
            continue
        if not fields.get("State", "").startswith("Z") and where(fields):
            found.append(f"{status.parent.name} {fields.get('Name', '').strip()}")
    return found


def processes_of(uid: int) -> list[str]:
    """The live processes whose real uid is ``uid``."""
    return processes(lambda fields: fields.get("Uid", "").split()[:1] == [str(uid)])


def kill_job(uid: int | None) -> None:
    """Kill the processes of a grading job's sandbox uid and of its reference worker's."""
    kill_uid(uid)
    kill_uid(None if uid is None else uid + REFERENCE_UID_OFFSET)


def kill_uid(uid: int | None) -> None:
    """Kill every process of the sandbox's uid (children that left the process group too), then
    remove what it left in the host's scratch folders (``confine.SCRATCH``: where a sandbox
    without a private root could write).

    A process still starting up as root when the signal goes out would escape it, so the
    kill is repeated until none is left (a few tries, then give up). No external program is
    needed (a minimal image may have no ``kill``)."""
    if uid is None or os.geteuid() != 0:
        return
    for _ in range(10):
        _kill_all_as(uid)
        if not processes_of(uid):
            break
        time.sleep(0.1)
    remove_files_of(uid)


def _kill_all_as(uid: int) -> None:
    """``kill(-1, SIGKILL)`` as ``uid``, which the kernel sends to exactly that uid's processes
    (never to the sender). A forked child of the grader takes the uid, so that no thread of the
    grader ever holds it, even for a moment: the child does nothing but switch and signal."""
    try:
        pid = os.fork()
    except OSError:
        return  # no process to spare: the next try
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def remove_files_of(uid: int) -> None:
    """Remove every entry of the host's scratch folders that belongs to ``uid`` (its processes
    are gone: nothing can race the removal; ``rmtree`` follows no symlink)."""
    from autograder.confine import SCRATCH

    for folder in SCRATCH:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
