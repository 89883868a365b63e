"""What the sandboxed worker watches for while submission code runs: atexit handlers, calls of
forbidden torch functions on every route, and actions (processes, signals, sockets, file
writes) seen by an audit hook. Each becomes an event (``autograder.facts.Event``)."""

from __future__ import annotations

import atexit
import os
import sys
import types
from pathlib import Path

import torch


def watch_atexit(package_dir: Path, events: list) -> None:
    """Record atexit handlers registered from the submission's files (they never run)."""
    register = atexit.register

    def watched_register(function, *args, **kwargs):
        caller = sys._getframe(1).f_code.co_filename
        if Path(caller).parent == package_dir:
            events.append({"kind": "tampering", "where": Path(caller).name,
                           "message": "registered an atexit handler (it will not run)"})
        return register(function, *args, **kwargs)

    atexit.register = watched_register


def forbid_everywhere(package_dir: Path, rules: dict, events: list) -> None:
    """Second line behind the seam's guard: replace each forbidden torch callable, on every
    route we know of, by a wrapper that refuses when a frame of the forbidding module's file is
    on the stack. Unlike the torch function mode this holds in other threads, with torch
    functions disabled, and with the mode popped off its stack.
    """
    from autograder.seam import ForbiddenAPIError

    owners = [torch, torch.Tensor, torch._C.TensorBase, torch._C._VariableFunctions,
              torch.nn.functional, torch._C._nn, torch.special]

    def make_wrapper(original, name: str, files: dict[str, str]):
        def refuse_in_forbidding_module(*args, **kwargs):
            frame = sys._getframe(1)
            while frame is not None:
                module = files.get(frame.f_code.co_filename)
                if module is not None:
                    events.append({"kind": "forbidden-api", "module": module,
                                   "message": f"{module}.py calls torch's '{name}'"})
                    raise ForbiddenAPIError(module, name)
                frame = frame.f_back
            return original(*args, **kwargs)

        refuse_in_forbidding_module.__name__ = getattr(original, "__name__", name)
        return refuse_in_forbidding_module

    by_name: dict[str, dict[str, str]] = {}
    for module, module_rules in rules.items():
        for name in module_rules.forbidden:
            by_name.setdefault(name, {})[str(package_dir / f"{module}.py")] = module
    for name, files in by_name.items():
        for owner in owners:
            for attribute in (name, f"{name}_"):
                original = owner.__dict__.get(attribute) if isinstance(owner, type) else getattr(
                    owner, attribute, None)
                if not callable(original) or isinstance(original, type | types.ModuleType):
                    continue
                try:
                    setattr(owner, attribute, make_wrapper(original, attribute, files))
                except (AttributeError, TypeError):
                    continue


_AUDITED = {
    "subprocess.Popen": "started a process", "os.system": "ran a shell command",
    "os.exec": "replaced the process", "os.fork": "forked", "os.forkpty": "forked",
    "os.posix_spawn": "started a process", "os.spawn": "started a process",
    "os.kill": "sent a signal", "os.killpg": "sent a signal", "socket.connect": "connected",
    "socket.bind": "opened a server socket", "socket.sendto": "sent network data",
    "os.remove": "deleted a file", "os.rename": "renamed a file", "shutil.rmtree": "deleted files",
    "os.chmod": "changed permissions", "os.putenv": "changed the environment",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def watch_actions(events: list, active: list, package_dir: Path) -> None:
    """Record, through an audit hook (PEP 578: it cannot be removed), what submission code
    does that this assignment never needs: processes, signals, sockets, file writes.

    Only actions whose nearest caller outside the standard library is a submission file count:
    torch and numpy may write caches or set variables on the submission's behalf."""
    seen: set[str] = set()
    stdlib = os.path.dirname(os.path.realpath(os.__file__))
    submission = str(package_dir)

    def from_submission() -> bool:
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not (name.startswith(("<frozen", stdlib)) or name == __file__):
                return name.startswith(submission)
            frame = frame.f_back
        return False

    def hook(event: str, args) -> None:
        if not active[0]:
            return
        try:
            if (event in _AUDITED or event == "open") and not from_submission():
                return
            what = _AUDITED.get(event)
            detail = ""
            if what is None and event == "open" and args:
                path, mode, flags = [*args, None, None][:3]
                writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & _WRITE_FLAGS)
                reads_others = isinstance(path, str) and path.startswith("/proc/") and not (
                    path.startswith(("/proc/self/", "/proc/thread-self/")))
                if writes or reads_others:
                    what, detail = ("wrote" if writes else "read"), f" {path}"
            if what is not None:
                message = f"at run time: {what}{detail or ''} ({event})"
                if message not in seen and len(seen) < 20:
                    seen.add(message)
                    events.append({"kind": "suspicious-code", "where": "run time",
                                   "message": message})
        except Exception:  # an audit hook must never raise
            return

    sys.addaudithook(hook)
