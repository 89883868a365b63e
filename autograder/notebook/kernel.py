"""The notebook run confined: ``ConfinedExecute`` stands in for nbgrader's ``Execute`` and starts
``python -m autograder.notebook.kernel``, which confines itself (``autograder.confine``) and runs
the notebook with its kernel as a child; only cell outputs come back, as JSON lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from autograder.notebook.source import REPO

MAX_REPLY_BYTES = 64 * 2**20  # what the confined run may send back, outputs included
STOPPED = {"dead-kernel": "the kernel died (memory limit, a crash, or exit())",
           "failed": "the notebook could not run to the end (the kernel did not start or "
                     "stopped answering)"}

# -- the confined run ---------------------------------------------------------------------------

class ConfinedExecute:
    """Stands in for nbgrader's ``Execute`` in ``nbgrader autograde``: runs the notebook in a
    confined process (``python -m autograder.notebook.kernel``) and copies the outputs of the
    cells that ran back into it. Cells that did not run (time limit, dead kernel) get an error
    output, so that nbgrader scores their checks as failed."""

    enabled = True

    def __init__(self, files: dict[str, str], datasets: dict[str, str], workdir: str,
                 uid: int | None, timeout: float, caches: dict[str, str] | None = None,
                 name: str = "the notebook", cell_timeout: float = 60.0):
        self.files, self.datasets, self.workdir = files, datasets, workdir
        self.name = name  # the notebook's file name, for messages
        self.caches = caches or {}
        self.uid = uid if os.geteuid() == 0 else None
        self.timeout = timeout
        self.cell_timeout = cell_timeout  # nbgrader's Execute.timeout too
        self.flags: list[dict] = []
        self.confinement: dict = {}

    def __call__(self, nb, resources):
        return self.preprocess(nb, resources)

    def preprocess(self, nb, resources):
        from nbgrader.utils import is_grade

        replies, stopped = _run_confined({
            "notebook": nb, "files": self.files, "datasets": self.datasets,
            "workdir": self.workdir, "uid": self.uid, "cell_timeout": self.cell_timeout,
            "matplotlib": self.caches,
        }, self.timeout)
        ran: set[int] = set()
        for reply in replies:
            if "ready" in reply and isinstance(reply["ready"], dict):
                self.confinement = {str(k): str(v) for k, v in reply["ready"].items()}
            index = reply.get("cell")
            if isinstance(index, int) and 0 <= index < len(nb.cells) and (
                    nb.cells[index].cell_type == "code"):
                cell = nb.cells[index]
                cell.outputs = _clean_outputs(reply.get("outputs"), grade=is_grade(cell))
                count = reply.get("execution_count")
                cell.execution_count = count if isinstance(count, int) else None
                ran.add(index)
        if stopped:
            kind = "timeout" if "time" in stopped else "resource-limit"
            self.flags.append({"kind": kind, "module": None, "message": f"{self.name}: {stopped}"})
        missing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i not in ran]
        for index in missing:
            nb.cells[index].outputs = [_error_output(
                "NotRun", stopped or "the notebook stopped before this cell")]
        timeouts = [i for i in ran if any(o.get("ename") == "CellTimeoutError"
                                          for o in nb.cells[i].outputs)]
        if timeouts:
            self.flags.append({"kind": "timeout", "module": None, "message": (
                f"{self.name}: {len(timeouts)} cell(s) ran longer than "
                f"{self.cell_timeout:g} s and were interrupted")})
        return nb, resources


def _error_output(ename: str, evalue: str):
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=evalue, traceback=[])


def _clean_outputs(outputs, grade: bool) -> list:
    """The outputs a confined run reported, as well-formed nbformat outputs. A check cell keeps
    only its streams and errors: a forged result could otherwise claim partial credit."""
    from nbformat.v4 import new_output

    cleaned = []
    for output in outputs if isinstance(outputs, list) else []:
        if not isinstance(output, dict):
            continue
        kind = output.get("output_type")
        if kind == "stream":
            name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
            cleaned.append(new_output("stream", name=name, text=_text(output.get("text"))))
        elif kind == "error":
            trace = output.get("traceback")
            cleaned.append(new_output(
                "error", ename=_text(output.get("ename"))[:200],
                evalue=_text(output.get("evalue"))[:2000],
                traceback=[_text(t)[:2000] for t in trace[:100]] if isinstance(trace, list)
                else []))
        elif kind in ("execute_result", "display_data") and not grade:
            data = output.get("data")
            plain = data.get("text/plain") if isinstance(data, dict) else None
            if plain is not None:
                extra = {"execution_count": None} if kind == "execute_result" else {}
                cleaned.append(new_output(kind, data={"text/plain": _text(plain)}, **extra))
    return cleaned


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _environment(workdir: str) -> dict[str, str]:
    """The confined run's whole environment: nothing of the grader's, every cache in workdir."""
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": f"{workdir}/.matplotlib", "IPYTHONDIR": f"{workdir}/.ipython",
           "JUPYTER_CONFIG_DIR": f"{workdir}/.jupyter",
           "JUPYTER_DATA_DIR": f"{workdir}/.local/share/jupyter",
           "JUPYTER_RUNTIME_DIR": f"{workdir}/.runtime", "JUPYTER_PLATFORM_DIRS": "1"}
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LD_LIBRARY_PATH",
                "AUTOGRADER_LAYERS_OFF"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _run_confined(request: dict, timeout: float) -> tuple[list[dict], str | None]:
    """Start ``python -m autograder.notebook.kernel``, send it ``request``, collect its replies (one
    JSON object a line) until it is done or ``timeout`` passes; then nothing of it is left.
    Returns (replies, why it stopped early or None)."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-s", "-m", "autograder.notebook.kernel", str(to_child_r),
         str(from_child_w)],
        pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(REPO),
        env=_environment(request["workdir"]), start_new_session=True)
    os.close(to_child_r)
    os.close(from_child_w)
    replies: list[dict] = []
    stopped: str | None = None
    deadline = time.monotonic() + timeout
    try:
        with os.fdopen(to_child_w, "wb") as out:
            out.write(json.dumps(request).encode() + b"\n")
    except OSError:
        stopped = "the notebook's process did not start"
    buffer, received, done = b"", 0, False
    while stopped is None and not done:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([from_child_r], [], [], remaining)[0]:
            stopped = f"the notebook did not finish within its time limit of {timeout:g} s"
            break
        chunk = os.read(from_child_r, 1 << 20)
        received += len(chunk)
        if not chunk:
            code = process.poll()
            stopped = ("the notebook's process stopped" + (
                f" (signal {-code}: memory or process limit?)" if code and code < 0 else ""))
            break
        if received > MAX_REPLY_BYTES:
            stopped = f"the notebook's outputs exceeded {MAX_REPLY_BYTES // 2**20} MiB"
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                reply = json.loads(line)
            except ValueError:
                stopped = "the notebook's process sent a malformed reply"
                break
            if isinstance(reply, dict):
                if reply.get("stopped") is not None:
                    stopped = STOPPED.get(reply["stopped"], STOPPED["failed"])
                done = done or reply.get("done") is True
                replies.append(reply)
    os.close(from_child_r)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    return replies, stopped


def _serve(read_fd: int, write_fd: int) -> None:
    """The confined side (``python -m autograder.notebook.kernel``): confine, then run the notebook
    with nbgrader's Execute, reporting each cell's outputs as it finishes."""
    with os.fdopen(read_fd, "rb") as inbox:
        request = json.loads(inbox.readline())
    outbox = os.fdopen(write_fd, "wb", buffering=0)
    os.set_inheritable(write_fd, False)  # the kernel must not reach the grader's pipe

    def send(message: dict) -> None:
        outbox.write(json.dumps(message).encode() + b"\n")

    # Imported before confinement: the grader's files are out of sight afterwards.
    import nbformat
    from nbclient.exceptions import DeadKernelError
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    from autograder.confine import confine

    # the kernel speaks to its client over Unix sockets: the only sockets it may open
    applied = confine({"workdir": request["workdir"], "files": request["files"],
                       "uid": request["uid"], "unix_sockets": True})
    workdir = Path(applied.pop("workdir"))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    data = workdir / "datasets"  # the notebook finds datasets/ in a folder above its own
    data.mkdir(exist_ok=True)
    for name, text in request["datasets"].items():
        (data / Path(name).name).write_text(text, encoding="utf-8")
    for variable in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
        Path(os.environ[variable]).mkdir(parents=True, exist_ok=True)
    for name, text in request["matplotlib"].items():
        (Path(os.environ["MPLCONFIGDIR"]) / Path(name).name).write_text(text, encoding="utf-8")
    send({"ready": applied})

    class StreamingExecute(Execute):
        def on_cell_executed(self, **kwargs):
            super().on_cell_executed(**kwargs)
            cell = kwargs["cell"]
            send({"cell": kwargs["cell_index"], "outputs": cell.get("outputs", []),
                  "execution_count": cell.get("execution_count")})

    config = Config()
    # A new network namespace has only a loopback that is down: the kernel speaks over Unix
    # sockets in the private runtime folder instead of TCP.
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = f"{os.environ['JUPYTER_RUNTIME_DIR']}/kernel"
    notebook = nbformat.from_dict(request["notebook"])
    executor = StreamingExecute(config=config, timeout=int(request["cell_timeout"]),
                                interrupt_on_timeout=True, kernel_name="python3")
    try:
        executor.preprocess(notebook, {"metadata": {"path": str(workdir / "submission")}})
    except DeadKernelError:
        send({"stopped": "dead-kernel"})
    except Exception:  # the kernel would not start or stopped answering
        send({"stopped": "failed"})
    send({"done": True})
    os._exit(0)




if __name__ == "__main__":
    try:
        _serve(int(sys.argv[1]), int(sys.argv[2]))
    except BaseException:  # never a traceback on the grader's terminal
        os._exit(1)
