"""Confinement of a process that will run student code: its own network and mount namespaces,
a private root holding only the system and Python (with a private ``/tmp``), an unprivileged uid,
and resource limits. The module worker (``autograder.worker``) and the notebook's kernel
(``python -m autograder.notebook.kernel``) both call ``confine`` before they touch a
submission; this module imports nothing heavy (no torch), so a process that does not need torch
never loads it.
"""

from __future__ import annotations

import ctypes
import glob
import importlib.util
import os
import resource
import sys
import tempfile
from pathlib import Path

# imported before any confinement: the grader's files are out of sight afterwards
from autograder import restrict

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


# "namespaces,landlock,seccomp" (any of them): behave as where the host lacks them (tests)
NO_LAYERS = "AUTOGRADER_LAYERS_OFF"


def layer_off(layer: str) -> bool:
    """Whether ``AUTOGRADER_LAYERS_OFF`` (a comma-separated list) turns ``layer`` off, so that a
    test can take the path of a host that lacks it."""
    return layer in os.environ.get(NO_LAYERS, "").replace(" ", "").split(",")


def _unshare(libc, flags: int) -> bool:
    """Enter new namespaces; False where the system has none (macOS: no unshare at all; Linux
    without user namespaces; a default Docker container, whose seccomp profile refuses it; or
    ``AUTOGRADER_LAYERS_OFF=namespaces``)."""
    unshare = getattr(libc, "unshare", None)
    if unshare is None or layer_off("namespaces"):
        return False
    return unshare(flags) == 0


# the folders a sandbox without a private root gets, each a fresh one of its uid's own
OWN_FOLDER_PREFIX = "autograder-sandbox-uid"
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")  # where any uid may write on a host


def _own_folder(uid: int, planned: Path) -> Path:
    """A fresh folder for the sandbox where it has no private root: created by root with mode
    0700 (``mkdtemp``: a name nobody could have taken first) directly under ``/tmp``, because
    the planned one may lie in a folder only the grader can open. Every variable of the
    environment that names the planned folder is moved with it."""
    work = Path(tempfile.mkdtemp(prefix=f"{OWN_FOLDER_PREFIX}{uid}-", dir="/tmp"))
    old = str(planned)
    for key, value in list(os.environ.items()):
        if value == old or value.startswith(old + "/"):
            os.environ[key] = str(work) + value[len(old):]
    return work


def _devices() -> list[str]:
    """The character devices student code may open for reading and writing (the GPU's, where
    there is one)."""
    return ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
            *sorted(glob.glob("/dev/nvidia*")), *sorted(glob.glob("/dev/dri/*"))]


def confine(config: dict) -> dict:
    """Limit this process before student code runs, in layers, each where the host allows it
    (``docs/threat-model.md``): namespaces and a private root; an unprivileged uid with a folder
    of its own; resource limits; Landlock and a seccomp filter. Returns what was applied, one
    entry a layer (``"network"`` is missing where no namespace could be entered), and the
    folder the process works in (``"workdir"``: the planned one, or where there is no private
    root, a fresh one of its own)."""
    applied = {}
    libc = _libc()
    is_root = os.geteuid() == 0
    uid = config.get("uid") if is_root else None
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
    if uid is not None and not new_root:
        work = _own_folder(uid, work)
        applied["filesystem"] = "the host's, seen as an unprivileged uid, in a folder of its own"
    work.mkdir(parents=True, exist_ok=True)
    package = work / "submission"
    package.mkdir(exist_ok=True)
    for name, text in config["files"].items():
        (package / name).write_text(text, encoding="utf-8")
    if not new_root:  # the host's /tmp is everyone's: home and temporary files in the own folder
        (work / "tmp").mkdir(exist_ok=True)
        os.environ.update(HOME=str(work), TMPDIR=str(work / "tmp"))
    if uid is not None:
        for path in (work, *work.rglob("*")):
            os.chown(path, uid, uid, follow_symlinks=False)
        os.chmod(work, 0o700)
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
    if uid is not None:  # counts the sandbox uid's processes and threads only
        limits[resource.RLIMIT_NPROC] = config.get("processes", 64)
    for kind, value in limits.items():
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            continue
    applied["limits"] = "memory, file size, open files, CPU time" + (
        ", processes" if resource.RLIMIT_NPROC in limits else "")
    applied.update(_restrict(work, new_root, bool(config.get("unix_sockets"))))
    os.chdir(work)
    applied["workdir"] = str(work)
    return applied


def _restrict(work: Path, new_root: bool, unix_sockets: bool) -> dict:
    """The layers that need no privilege (and so hold in a default Docker container): Landlock
    (reads limited to the system, Python and the own folder; writes to the own folder) and a
    seccomp filter (no sockets, ptrace, namespaces or mounts)."""
    applied = {}
    if not layer_off("landlock"):
        read = [p for p in (*SYSTEM_PATHS, *_python_paths()) if os.path.exists(p)]
        write = [str(work), *(SCRATCH if new_root else ())]  # a private root's /tmp is its own
        described = restrict.landlock(read, write, _devices())
        if described:
            applied["landlock"] = described
    if not layer_off("seccomp"):
        described = restrict.seccomp(allow_unix_sockets=unix_sockets)
        if described:
            applied["seccomp"] = described
    return applied
