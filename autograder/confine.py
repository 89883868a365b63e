"""Confinement of a process that will run student code: its own network and mount namespaces,
a private root holding only the system and Python (with a private ``/tmp``), an unprivileged uid,
and resource limits. The module worker (``autograder.worker``) and the notebook's kernel
(``python -m autograder.notebook.kernel``) both call ``confine`` before they touch a
submission; this module imports nothing heavy (no torch), so a process that does not need torch
never loads it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import resource
import sys
from pathlib import Path

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER = 0x00020000, 0x40000000, 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 1, 2, 4, 16384, 1 << 18


def _libc():
    return ctypes.CDLL(None, use_errno=True)


MS_BIND = 0x1000
# What the student process may see of the machine: the system, and Python itself.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/dev",
                "/proc", "/sys")


def _bind_fd(libc, fd: int, source: str, target: str) -> bool:
    """Bind-mount the folder open as ``fd`` (it was ``source``) at ``target``."""
    os.makedirs(target, exist_ok=True)
    return libc.mount(f"/proc/self/fd/{fd}".encode(), target.encode(), None,
                      MS_BIND | MS_REC, None) == 0


def _tmpfs(libc, path: str, mode: str = "1777", size: str = "256m") -> bool:
    os.makedirs(path, exist_ok=True)
    return libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                      f"size={size},mode={mode}".encode()) == 0


def _python_paths() -> set[str]:
    """Everything Python, numpy and torch load from (their real locations), found without
    importing them."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(sys.executable)}
    for package in ("numpy", "torch"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            paths.add(os.path.dirname(os.path.dirname(spec.origin)))
    return {os.path.realpath(p) for p in paths}


def _enter_new_root(libc) -> bool:
    """chroot into a fresh tmpfs holding bind mounts of the system and of Python only.

    The grader's repository (hidden suites, solutions, its .git), other checkouts, home
    folders and the real /tmp are simply not there. The new root is a tmpfs mounted over /tmp
    in our own mount namespace (so nothing is left behind on the host); what is to be bound
    into it is opened first, since it may itself lie under /tmp.
    """
    python = sorted(p for p in _python_paths()
                    if not any(p == s or p.startswith(s + "/") for s in SYSTEM_PATHS))
    links = {p: os.readlink(p) for p in SYSTEM_PATHS if os.path.islink(p)}
    sources = [p for p in (*SYSTEM_PATHS, *python) if p not in links and os.path.isdir(p)]
    fds = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in sources}
    root = "/tmp"
    try:
        if not _tmpfs(libc, root, mode="0755"):
            return False
        for path in ("/tmp", "/var/tmp"):  # first: Python itself may be bound below /tmp
            _tmpfs(libc, root + path)
        for path in (p for p in sources if p not in python):
            _bind_fd(libc, fds[path], path, root + path)
        for path, target in links.items():  # /bin -> usr/bin on merged-/usr systems
            os.symlink(target, root + path)
        _tmpfs(libc, root + "/dev/shm")  # over the bound /dev
        for path in python:
            if not _bind_fd(libc, fds[path], path, root + path):
                return False
        # A proc of our own that shows only the sandbox uid's processes, so that the
        # grader's command line and environment are out of sight.
        os.makedirs(root + "/proc", exist_ok=True)
        libc.umount2(str(root + "/proc").encode(), 2)  # MNT_DETACH the host's
        libc.mount(b"proc", str(root + "/proc").encode(), b"proc",
                   MS_NOSUID | MS_NODEV | 8, b"hidepid=invisible")  # 8: MS_NOEXEC
    finally:
        for fd in fds.values():
            os.close(fd)
    os.chroot(root)
    os.chdir("/")
    return True


NO_NAMESPACES = "AUTOGRADER_NO_NAMESPACES"  # "1": behave as where there are none (tests, CI)


def _unshare(libc, flags: int) -> bool:
    """Enter new namespaces; False where the system has none (macOS: no unshare at all; Linux
    without user namespaces; or ``AUTOGRADER_NO_NAMESPACES=1``)."""
    unshare = getattr(libc, "unshare", None)
    if unshare is None or os.environ.get(NO_NAMESPACES) == "1":
        return False
    return unshare(flags) == 0


def confine(config: dict) -> dict:
    """Limit this process before student code runs; returns what could be applied (its
    "network" key is missing where no namespace could be entered)."""
    applied = {}
    libc = _libc()
    is_root = os.geteuid() == 0
    new_root = False
    if is_root and _unshare(libc, CLONE_NEWNET | CLONE_NEWNS):
        applied["network"] = "none (own network namespace)"
        libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
        new_root = _enter_new_root(libc)
        if new_root:
            applied["filesystem"] = "own root: system and Python only, private /tmp"
    elif not is_root and _unshare(libc, CLONE_NEWUSER | CLONE_NEWNET):
        applied["network"] = "none (user and network namespace)"
    work = Path(config["workdir"])
    work.mkdir(parents=True, exist_ok=True)
    package = work / "submission"
    package.mkdir(exist_ok=True)
    for name, text in config["files"].items():
        (package / name).write_text(text, encoding="utf-8")
    uid = config.get("uid")
    if is_root and uid is not None and not new_root:
        uid = None  # without our own root the grader's files would be readable: stay root
        applied["user"] = "root (could not build a private root)"
    if is_root and uid is not None:
        for path in (work, package, *package.iterdir()):
            os.chown(path, uid, uid)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        applied["user"] = f"uid {uid}"
    limits = {
        # RLIMIT_DATA, not RLIMIT_AS: CUDA reserves tens of GiB of address space it never
        # touches, and would not start under an address-space limit.
        resource.RLIMIT_DATA: config.get("memory_bytes", 4 * 2**30),
        resource.RLIMIT_FSIZE: config.get("file_bytes", 16 * 2**20),
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_CPU: config.get("cpu_seconds", 600),
    }
    if uid is not None and is_root:  # counts the sandbox uid's processes and threads only
        limits[resource.RLIMIT_NPROC] = config.get("processes", 64)
    for kind, value in limits.items():
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            continue
    applied["limits"] = "memory, file size, open files, CPU time" + (
        ", processes" if resource.RLIMIT_NPROC in limits else "")
    os.chdir(work)
    return applied
