"""A fork server for sandbox workers: one process imports torch, numpy and the worker once, then
forks a fresh worker on request, so starting a worker costs a fork instead of an interpreter
and a torch import (about a second on this kind of machine).

The zygote never runs student code and never holds a secret: it is started with the workers'
own clean environment, imports only the grader's worker-side modules, and forks before any
confinement. Each forked child is exactly what ``python -m autograder.worker`` would be after its
imports: it reads its configuration from the pipe, confines itself and serves requests. CUDA is
not initialised here (children initialise it themselves, after the fork), and torch runs one
thread, so forking is safe.

Protocol, one connection per worker: the client sends a line of JSON and three file
descriptors (request pipe, reply pipe, status pipe); the zygote answers with the child's pid.
When the child exits, the zygote writes its exit status (as ``subprocess`` reports it: negative
for a signal) to the status pipe and closes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV_VAR = "AUTOGRADER_ZYGOTE"  # the socket of a running zygote, for the grader's processes


def worker_environment(workdir: str) -> dict[str, str]:
    """The whole environment of a sandbox worker: nothing of the grader's (no seed, no secret)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           "PYTHONPATH": str(REPO),
           # torch.cuda.is_available() through NVML: no CUDA context before a fork
           "PYTORCH_NVML_BASED_CUDA_CHECK": "1"}
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "CUDA_VISIBLE_DEVICES",
                "LD_LIBRARY_PATH", "CUDA_HOME", "NVIDIA_VISIBLE_DEVICES",
                "NVIDIA_DRIVER_CAPABILITIES", "AUTOGRADER_LAYERS_OFF"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def die_with_parent(parent: int | None) -> None:
    """Be killed when the process that started this one ends (however it ends), so that a
    killed grader leaves no server behind."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if parent is not None and os.getppid() != parent:  # it ended before we asked
        os._exit(1)


# -- the client side (in the grader's pytest process) ------------------------------------------

class ForkedWorker:
    """A worker forked by the zygote, with the part of ``subprocess.Popen`` the sandbox uses."""

    def __init__(self, pid: int, status_fd: int):
        self.pid = pid
        self.returncode: int | None = None
        self._status = status_fd

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is not None:
            return self.returncode
        ready, _, _ = select.select([self._status], [], [], timeout)
        if not ready:
            raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
        data = os.read(self._status, 64)
        os.close(self._status)
        try:
            self.returncode = int(data.decode().strip())
        except ValueError:  # the zygote went away: the status is unknown
            self.returncode = -int(signal.SIGKILL)
        return self.returncode

    def __del__(self):
        if self.returncode is None:
            with contextlib.suppress(OSError):
                os.close(self._status)


def spawn(socket_path: str, read_fd: int, write_fd: int) -> ForkedWorker:
    """Ask the zygote for a worker that reads ``read_fd`` and writes ``write_fd``."""
    status_r, status_w = os.pipe()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(30)
            client.connect(socket_path)
            socket.send_fds(client, [b"{}\n"], [read_fd, write_fd, status_w])
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = client.recv(64)
                if not chunk:
                    raise OSError("the worker zygote closed the connection")
                reply += chunk
        return ForkedWorker(int(json.loads(reply)["pid"]), status_r)
    except BaseException:
        os.close(status_r)
        raise
    finally:
        os.close(status_w)


class Zygote:
    """Start a zygote process and stop it (with everything it forked) when done."""

    def __init__(self, workdir: str = "/tmp/autograder-sandbox"):
        self._dir = tempfile.mkdtemp(prefix="autograder-zygote-")  # 0700: only the grader
        self.socket_path = os.path.join(self._dir, "zygote.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-s", "-m", "autograder.zygote", self.socket_path,
             str(os.getpid())],
            env=worker_environment(workdir), cwd=str(REPO), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.socket_path):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the sandbox's worker zygote did not start")
            time.sleep(0.02)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        with contextlib.suppress(OSError):
            os.unlink(self.socket_path)
            os.rmdir(self._dir)

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- the zygote itself ---------------------------------------------------------------------------

def exit_status(status: int) -> int:
    """A wait status as ``subprocess`` reports it: the exit code, or minus the signal."""
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def serve(socket_path: str, parent: int | None = None) -> None:
    die_with_parent(parent)
    import numpy  # noqa: F401 - everything a worker imports before its configuration
    import torch

    import autograder.seam  # noqa: F401
    from autograder import wire, worker  # noqa: F401

    torch.set_num_threads(1)
    # torch registers its meta-device kernels on the first meta operation (about 1.5 s): do it
    # once here rather than in every worker whose tests use the meta device
    torch.empty(1, device="meta").add(1)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = socket_path + ".new"
    listener.bind(partial)
    os.chmod(partial, 0o600)
    listener.listen(64)
    os.rename(partial, socket_path)  # the socket appears only when it accepts
    children: dict[int, int] = {}  # pid -> status pipe
    while True:
        readable, _, _ = select.select([listener, wake_r], [], [])
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 512)
        while children:  # report every child that exited
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            status_fd = children.pop(pid, None)
            if status_fd is not None:
                with contextlib.suppress(OSError):
                    os.write(status_fd, f"{exit_status(status)}\n".encode())
                    os.close(status_fd)
        if listener not in readable:
            continue
        connection, _ = listener.accept()
        try:
            connection.settimeout(10)
            _, fds, _, _ = socket.recv_fds(connection, 1024, 3)
            if len(fds) != 3:
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:  # the worker
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                listener.close()
                connection.close()
                for fd in (wake_r, wake_w, fds[2], *children.values()):
                    with contextlib.suppress(OSError):
                        os.close(fd)
                os.setsid()
                try:
                    worker.serve(fds[0], fds[1])
                finally:
                    os._exit(1)
            children[pid] = fds[2]
            os.close(fds[0])
            os.close(fds[1])
            connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        except OSError:
            continue
        finally:
            connection.close()


if __name__ == "__main__":
    try:
        serve(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
    except BaseException:  # the grader sees a missing zygote, not a traceback
        os._exit(1)
