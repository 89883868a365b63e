"""The grader's side of the sandbox: a student process behind a pipe, and proxies that let the
unchanged test suites call into it.

``SandboxImplementation`` has the interface of ``autograder.seam.Implementation``: suites call
``a1.activations.logistic(x)`` and ``a1.value_and_grad(...)`` as usual, but each call is
encoded as plain data, executed by ``autograder.worker`` in a confined process, and its result
decoded into fresh objects of the grader's own types. The pytest process that compares and
scores never imports student code.

Each call has a time limit; a call that exceeds it, or kills the worker, fails with
``SandboxTimeoutError`` / ``SandboxCrashError`` and a fresh worker takes over. A function that
hangs twice is not called again (its later calls fail at once), so an infinite loop costs its
own tests and not the whole time budget. Every event (timeout, crash, forbidden API,
tampering) is recorded for the grader's flags.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from autograder import wire, zygote
from autograder.assignment import Module
from autograder.seam import (
    ForbiddenAPIError,
    ImplementationImportError,
    InPlaceModificationError,
)

REPO = Path(__file__).resolve().parent.parent
# Each grading process takes its own range of 16 uids (derived from its pid), so that graders
# running side by side never kill each other's sandboxes when they clean up.
DEFAULT_UID = 100_000 + (os.getpid() % 50_000) * 16


class SandboxTimeoutError(Exception):
    """A call into the submission took longer than its time limit."""


class SandboxCrashError(Exception):
    """The submission's process died during a call."""


class StudentError(Exception):
    """An exception of a type that does not cross the sandbox as itself."""


_CROSSING = {cls.__name__: cls for cls in (
    ValueError, TypeError, NotImplementedError, RuntimeError, IndexError, KeyError,
    ZeroDivisionError, AttributeError, AssertionError, ArithmeticError, OverflowError,
    FloatingPointError, MemoryError, RecursionError, LookupError, OSError, NameError,
    StopIteration,
)}


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

    # -- process management -------------------------------------------------------------
    def _start(self) -> None:
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
                  "rules": self.rules,
                  "repo": str(REPO),
                  "uid": self.uid, "memory_bytes": self.memory_bytes}
        wire.write_message(self._out, config, [])
        reply, _ = self._receive(self.import_timeout, "starting the sandbox")
        self.confinement = reply.get("ready", {})

    def _receive(self, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        remaining = timeout
        ready, _, _ = select.select([self._in], [], [], max(remaining, 0))
        if not ready:
            self._kill()
            raise SandboxTimeoutError(f"{what} took longer than {timeout:g} s")
        try:
            return wire.read_message(_DeadlineReader(self._in, deadline))
        except TimeoutError:
            self._kill()
            raise SandboxTimeoutError(f"{what} took longer than {timeout:g} s") from None
        except (EOFError, wire.WireError, ValueError) as error:
            code = self._kill()
            raise SandboxCrashError(_crash_reason(what, code, error)) from None

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
        for _attempt in (1, 2):
            if self.process is None:
                self._start()
            header["id"] = secrets.randbits(62)  # a reply must name the request it answers
            try:
                wire.write_message(self._out, header, buffers)
            except (BrokenPipeError, OSError):
                code = self._kill()
                raise SandboxCrashError(_crash_reason(what, code, None)) from None
            reply, out = self._receive(timeout, what)
            if reply.get("id") == header["id"]:
                for event in reply.get("events", []):
                    self.events.append({**event, "call": what})
                return reply, out
            # Someone wrote into the pipe besides the worker's loop: the stream can no longer
            # be trusted. Start over with a fresh worker and ask once more.
            self.events.append({"kind": "tampering", "call": what, "message":
                                "the submission wrote its own data into the grader's pipe"})
            self._kill()
        raise SandboxCrashError(
            f"the submission's process kept answering out of turn during {what}")


class _DeadlineReader:
    """A file-like reader that raises TimeoutError past a deadline."""

    def __init__(self, stream, deadline: float):
        self.stream, self.deadline = stream, deadline

    def read(self, n: int) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.stream], [], [], remaining)[0]:
            raise TimeoutError
        return self.stream.read(n)


def _crash_reason(what: str, code, error) -> str:
    if isinstance(error, wire.WireError | ValueError):
        return f"the submission's process sent a malformed reply during {what} ({error})"
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else code
        hint = {"SIGKILL": " (killed: memory or process limit?)",
                "SIGXCPU": " (CPU time limit)", "SIGXFSZ": " (file size limit)",
                "SIGSEGV": " (crashed)"}.get(str(name), "")
        return f"the submission's process died with {name} during {what}{hint}"
    if code == 0:
        return f"the submission's process exited during {what} (os._exit / sys.exit?)"
    return f"the submission's process stopped during {what} (exit status {code})"


KILL = shutil.which("kill") or "/bin/kill"


def _alive_with_uid(uid: int) -> bool:
    """True if a live (not zombie) process of ``uid`` exists."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("Uid", "").split()[:1] == [str(uid)] and "Z" not in fields.get(
                "State", "").split()[:1]:
            return True
    return False


def kill_uid(uid: int | None) -> None:
    """Kill every process of the sandbox's uid (children that left the process group too).

    A process still starting up as root when the signal goes out would escape it, so the
    kill is repeated until none is left (a few tries, then give up)."""
    if uid is None or os.geteuid() != 0:
        return
    for _ in range(5):
        # kill(-1) as that uid reaches exactly its processes (this one included); started
        # through subprocess, which switches user safely even in a multi-threaded grader
        subprocess.run([KILL, "-9", "-1"], user=uid,
                       group=uid, extra_groups=[], env={}, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       cwd="/")
        if not _alive_with_uid(uid):
            return
        time.sleep(0.2)


class SandboxImplementation:
    """The seam's interface, backed by a Sandbox."""

    HANG_LIMIT = 2  # timeouts (or crashes) after which a function is no longer called

    def __init__(self, name: str, paths, modules: dict[str, Module], init_file: Path,
                 **sandbox_options):
        self.name = name
        self.paths = [Path(p) for p in paths]
        self.rules = dict(modules)
        files = {"__init__.py": Path(init_file).read_text(encoding="utf-8")}
        for module in self.rules:
            for directory in reversed(self.paths):  # earlier directories win
                candidate = directory / f"{module}.py"
                if candidate.is_file() and not candidate.is_symlink():
                    files[f"{module}.py"] = candidate.read_text(encoding="utf-8",
                                                                errors="replace")
        self.sandbox = Sandbox(files, rules={m: asdict(r) | {"forbidden": sorted(r.forbidden)}
                                             for m, r in self.rules.items()},
                               **sandbox_options)
        self._imported: dict[str, str | None] = {}
        self._hangs: dict[str, int] = {}
        self._crashes: dict[str, int] = {}
        self._namedtuples: dict = {}
        self._attributes: dict = {}
        self._track_ids = itertools.count(1)
        self.group: str | None = None  # the module whose tests run now
        self._group_starts: list[tuple[int, str | None]] = []

    @property
    def events(self) -> list[dict]:
        return self.sandbox.events

    def start_group(self, module: str | None) -> None:
        """Tests of ``module`` follow: give them a fresh worker and fresh limits, so that
        what the tests of another module did (imports, patches, hangs) cannot change them."""
        if self.group is not None or self._group_starts:
            self.sandbox.close()
            self._imported.clear()
            self._hangs.clear()
            self._crashes.clear()
            self._attributes.clear()
        self.group = module
        self._group_starts.append((len(self.sandbox.events), module))

    def grouped_events(self) -> list[dict]:
        """Every event, with the module whose tests were running (``group``)."""
        events = []
        for index, event in enumerate(self.sandbox.events):
            group = None
            for start, module in self._group_starts:
                if start <= index:
                    group = module
            events.append({**event, "group": group})
        return events

    def module(self, name: str):
        if name not in self.rules:
            raise AttributeError(f"the assignment has no graded module {name!r}")
        if name not in self._imported:
            self._imported[name] = None
            try:
                reply, _ = self.sandbox.request({"op": "import", "module": name}, [],
                                                self.sandbox.import_timeout, f"import of {name}.py")
                if "error" in reply:
                    self._imported[name] = reply["error"]["message"]
            except (SandboxTimeoutError, SandboxCrashError) as error:
                self._record(type(error), name, str(error))
                self._imported[name] = f"{name}.py cannot be imported: {error}"
        problem = self._imported[name]
        if problem:
            message = problem.split(": ", 1)[1] if problem.startswith(
                "ImplementationImportError: ") else problem
            raise ImplementationImportError(message)
        return ProxyModule(self, name)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.module(name)

    def _record(self, error_type, module: str, message: str) -> None:
        if error_type is SandboxTimeoutError:
            kind = "timeout"
        elif "exited during" in message:  # os._exit / sys.exit from the submission
            kind = "tampering"
        else:
            kind = "resource-limit"
        self.sandbox.events.append({"kind": kind, "module": module, "message": message})

    def call(self, module: str, function: str, args, kwargs, grad: bool = False):
        # A hang or crash is charged to the function together with the functions passed to
        # it: neuron_forward(activation=logistic) hanging in logistic must not block
        # neuron_forward with no activation.
        passed = sorted(repr(ref) for ref in (_function_ref(v) for v in (*args, *kwargs.values())
                                               if callable(v)) if ref is not None)
        key = f"{module}.{function}" + (f"[{', '.join(passed)}]" if passed else "")
        if self._hangs.get(key, 0) >= self.HANG_LIMIT:
            raise SandboxTimeoutError(
                f"{key} did not finish within {self.sandbox.call_timeout:g} s on "
                f"{self.HANG_LIMIT} earlier calls; not called again")
        if self._crashes.get(key, 0) >= self.HANG_LIMIT:
            raise SandboxCrashError(
                f"{key} killed the submission's process on {self.HANG_LIMIT} earlier calls; "
                "not called again")
        buffers: list[bytes] = []
        grad_inputs = [t for t in wire.data_leaves([list(args), dict(kwargs)])
                       if isinstance(t, torch.Tensor) and t.requires_grad]
        track = next(self._track_ids) if grad_inputs and not grad and torch.is_grad_enabled(
            ) else 0
        header = {"op": "call", "module": module, "function": function, "grad": grad,
                  "track": track, "grad_enabled": torch.is_grad_enabled(),
                  "args": wire.encode(list(args), buffers, _function_ref),
                  "kwargs": wire.encode(dict(kwargs), buffers, _function_ref)}
        reply, out = self._request(header, buffers, key, module)
        try:
            leaves = list(wire.data_leaves([list(args), dict(kwargs)]))
            for index, out_index in reply.get("mutated", {}).items():
                _write_back(leaves[int(index)], out[out_index])
            result = wire.decode(reply["result"], out, None, self._namedtuples)
        except (wire.WireError, ValueError, TypeError, KeyError, IndexError) as error:
            self.sandbox.events.append({"kind": "suspicious-code", "module": module,
                                        "message": f"{key} sent back malformed data: {error}"})
            raise StudentError(f"{key} returned data the grader cannot read") from None
        if reply.get("global_rng"):
            # The submission used or changed numpy's/torch's global random state over there;
            # advance ours so a test that watches the global state here sees it too.
            np.random.random()
            torch.rand(1)
        if reply.get("tracked"):
            result = self._connect(result, grad_inputs, track, key, module)
        return result

    def _request(self, header, buffers, key: str, module: str):
        try:
            reply, out = self.sandbox.request(header, buffers, self.sandbox.call_timeout, key)
        except SandboxTimeoutError as error:
            self._hangs[key] = self._hangs.get(key, 0) + 1
            self._record(SandboxTimeoutError, module, str(error))
            raise
        except SandboxCrashError as error:
            self._crashes[key] = self._crashes.get(key, 0) + 1
            self._record(SandboxCrashError, module, str(error))
            raise
        if "error" in reply:
            if reply["error"].get("original") in ("MemoryError", "RecursionError"):
                self.sandbox.close()  # a fresh worker for the next call: no leftover state
            raise _rebuild_error(reply["error"], module)
        return reply, out

    def _connect(self, result, grad_inputs, track: int, key: str, module: str):
        """Make the outputs differentiable here: their backward asks the sandbox."""
        outputs = [t for t in wire.data_leaves(result)
                   if isinstance(t, torch.Tensor) and t.requires_grad]
        detached = tuple(t.detach() for t in outputs)
        connected = _RemoteGraph.apply(self, track, key, module, detached, *grad_inputs)
        if not isinstance(connected, tuple):
            connected = (connected,)
        return _substitute(result, {id(old): new for old, new in zip(outputs, connected,
                                                                      strict=True)})

    def backward(self, track: int, grad_outputs, key: str, module: str):
        buffers: list[bytes] = []
        header = {"op": "backward", "track": track,
                  "grad_outputs": wire.encode(list(grad_outputs), buffers)}
        reply, out = self._request(header, buffers, f"backward of {key}", module)
        return wire.decode(reply["result"], out)

    def attribute(self, module: str, name: str):
        """A proxy for a function, or a local twin of a named-tuple class, of the submission."""
        key = (module, name)
        if key not in self._attributes:
            reply, _ = self.sandbox.request({"op": "attr", "module": module, "name": name}, [],
                                            self.sandbox.call_timeout, f"{module}.{name}")
            if "error" in reply:
                raise _rebuild_error(reply["error"], module)
            if reply.get("kind") == "namedtuple":
                fields = tuple(str(f) for f in reply["fields"])
                twin = self._namedtuples.setdefault(
                    (reply["name"], fields), wire.plain_namedtuple(reply["name"], fields))
                self._attributes[key] = twin
            else:
                self._attributes[key] = ProxyFunction(self, module, name)
        return self._attributes[key]

    def restart(self) -> None:
        """A fresh worker for the next call: nothing a previous call cached survives."""
        self.sandbox.close()

    def value_and_grad(self, function, *args, **kwargs):
        if not isinstance(function, ProxyFunction):
            raise TypeError("value_and_grad needs a function of the implementation")
        result, grads = self.call(function.module, function.name, args, kwargs, grad=True)
        return result, tuple(grads)

    def close(self) -> None:
        self.sandbox.close()

    def __repr__(self) -> str:
        return f"SandboxImplementation({self.name!r})"


class _RemoteGraph(torch.autograd.Function):
    """Autograd node whose backward runs in the sandbox, on the graph the call built there."""

    @staticmethod
    def forward(ctx, impl, track, key, module, outputs, *inputs):
        ctx.remote = (impl, track, key, module)
        ctx.input_meta = [(t.dtype, t.device, t.shape) for t in inputs]
        return tuple(t.clone() for t in outputs)

    @staticmethod
    def backward(ctx, *grad_outputs):
        impl, track, key, module = ctx.remote
        grads = impl.backward(track, grad_outputs, key, module)
        checked = []
        for grad, (dtype, device, shape) in zip(grads, ctx.input_meta, strict=True):
            if grad is not None and (grad.dtype != dtype or tuple(grad.shape) != tuple(shape)):
                grad = None  # malformed: treat as no gradient rather than crash the grader
            checked.append(grad.to(device) if grad is not None else None)
        return (None, None, None, None, None, *checked)


def _substitute(value, replacements: dict[int, torch.Tensor]):
    if isinstance(value, torch.Tensor):
        return replacements.get(id(value), value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_substitute(v, replacements) for v in value))
    if isinstance(value, list | tuple):
        return type(value)(_substitute(v, replacements) for v in value)
    if isinstance(value, dict):
        return {k: _substitute(v, replacements) for k, v in value.items()}
    return value


class ProxyModule:
    def __init__(self, impl: SandboxImplementation, name: str):
        self._impl, self._name = impl, name

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return self._impl.attribute(self._name, attribute)


class ProxyFunction:
    def __init__(self, impl: SandboxImplementation, module: str, name: str):
        self.impl, self.module, self.name = impl, module, name
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self.impl.call(self.module, self.name, args, kwargs)

    def __repr__(self) -> str:
        return f"<sandboxed {self.module}.{self.name}>"


def _function_ref(value):
    if isinstance(value, ProxyFunction):
        return wire.FunctionRef(value.module, value.name)
    return wire.torch_function_ref(value)


def _rebuild_error(error: dict, module: str) -> Exception:
    message = str(error.get("message", ""))
    kind = error.get("type")
    text = message.split(": ", 1)[1] if ": " in message else message
    if kind == "ForbiddenAPIError":
        rebuilt = ForbiddenAPIError.__new__(ForbiddenAPIError)
        Exception.__init__(rebuilt, text)
        rebuilt.module, rebuilt.api = module, ""
        return rebuilt
    if kind in ("ImplementationImportError", "ImportError", "ModuleNotFoundError"):
        return ImplementationImportError(text)
    if kind == "InPlaceModificationError":
        return InPlaceModificationError(text)
    cls = _CROSSING.get(kind)
    if cls is None:
        return StudentError(message)
    try:
        return cls(text)
    except TypeError:
        return StudentError(message)


def _write_back(target, data: bytes) -> None:
    """Mirror an in-place change that the student function made to an argument."""
    if isinstance(target, torch.Tensor):
        storage = torch.int16 if target.dtype in (torch.float16, torch.bfloat16) else target.dtype
        fresh = torch.frombuffer(bytearray(data), dtype=storage).view(target.dtype)
        with torch.no_grad():
            target.copy_(fresh.reshape(target.shape).to(target.device))
    elif isinstance(target, np.ndarray) and target.flags.writeable:
        target[...] = np.frombuffer(data, dtype=target.dtype).reshape(target.shape)
