"""Restrictions a sandboxed worker installs on itself, unprivileged: after it has switched to
its unprivileged uid and before it runs student code. They need no root, no namespaces and no
mounts, so they still hold where ``confine`` could build none of its own (a default Docker
container, Gradescope's harness), and where it could, they narrow what is left. Plain ctypes:
no libseccomp, no compiler, and nothing heavy imported (no torch, no numpy). Linux only; on
other systems every function reports "unavailable" (False, 0 or None) instead of raising.

``no_new_privs`` sets the process's no-new-privileges bit. It stops an ``execve`` of a setuid
or setcap program (``su``, ``sudo``, ``ping``, ``newuidmap``) from gaining what the sandbox uid
does not have. The kernel requires it of an unprivileged process before a seccomp filter or a
Landlock domain, so that neither can mislead such a program into misusing its privileges. It
cannot be unset, and children keep it.

``landlock`` confines the file system to a few trees: read-only (read, list, execute) beneath
the system and Python, full access beneath the work folder, read, write and ioctl on a few
device files (``/dev/null``, the GPU's). Everything else is denied, whoever owns it and
whatever its mode: the grader's checkout (hidden suites, solutions, its ``.git``), other
submissions, home folders, credentials and sockets of the host. Where the kernel's ABI has
them, it also denies every TCP bind and connect (ABI 4), connecting to abstract unix sockets
created outside the sandbox (a desktop bus, a container runtime's) and signalling processes
outside it, the grader included (ABI 6). Landlock restricts the calling thread and the children
and threads it starts afterwards; threads that already run (torch's) are restricted too only
from ABI 8 on (``LANDLOCK_RESTRICT_SELF_TSYNC``), so call it from the thread that will run the
student code, and do not count on it for the others below ABI 8.

``seccomp`` installs a BPF filter on the system calls of every thread of the process (TSYNC:
torch has started threads by then). It answers EOPNOTSUPP to ``socket`` (every family, or
every family but ``AF_UNIX``; libzmq in the notebook's kernel aborts on EPERM): no network even
where no network namespace could be entered, and no netlink or raw sockets to probe the kernel
with; ``socketpair`` stays. It answers EPERM to ``ptrace`` and
``process_vm_readv``/``writev``: no reading or patching the memory of another process of the
same uid (another worker, or a grader process the uid shares). To ``unshare``, ``setns``,
``mount``, ``umount2``, ``pivot_root``, ``chroot``, the new mount API, and ``clone`` with any
``CLONE_NEW*`` flag: a user namespace would make the sandbox uid root of its own namespace,
with mounts to undo the private root and much more kernel to attack; a plain ``clone`` (fork,
threads) is allowed. ``clone3`` answers ENOSYS, since its flags lie in memory a filter cannot
read: glibc then falls back to ``clone``, as it does under Docker. To ``bpf``,
``perf_event_open``, ``userfaultfd``, the key ring calls, ``kexec_*`` and the module calls:
kernel attack surface no grading needs (``userfaultfd`` is what makes many kernel races
winnable). To ``io_uring_*``: its operations are not system calls, so they would pass the
filter. To ``open_by_handle_at`` and ``name_to_handle_at``: a handle opens a file without its
path, past Landlock and out of a chroot (the "shocker" escape). To ``personality``: it turns off
address-space randomization or makes data executable. Its first instructions check the
architecture of the call: an i386 ``int 0x80`` (same kernel, other numbers) kills the
process instead of slipping past the table, and on x86_64 an x32 call (bit 30 of the number
set) gets EPERM.

``landlock`` and ``seccomp`` return None where the kernel lacks or refuses them (an older
kernel, a container's own seccomp profile, a machine this module has no syscall table for).
What a machine offers, applied exactly as to a worker, is what ``autograder.probe`` (and
``autograder doctor``) reports.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import stat
import sys

PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS = 22, 38, 39
SECCOMP_MODE_FILTER, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC = 2, 1, 1


def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.syscall.restype = ctypes.c_long
    return libc


# Made once, on import: a forked child (``available``) then never has to dlopen.
_LIBC = _libc()


def _syscall(nr: int, *args) -> tuple[int, int]:
    """(result, errno) of a raw system call; integers are passed as longs."""
    ctypes.set_errno(0)
    result = _LIBC.syscall(ctypes.c_long(nr), *(
        ctypes.c_long(a) if isinstance(a, int) else a for a in args))
    return result, ctypes.get_errno()


def no_new_privs() -> bool:
    """Set no_new_privs on this process (``prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)``); True on
    success, or where it was set already."""
    if _LIBC is None:
        return False
    zero = ctypes.c_ulong(0)
    if _LIBC.prctl(PR_GET_NO_NEW_PRIVS, zero, zero, zero, zero) == 1:
        return True
    return _LIBC.prctl(PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), zero, zero, zero) == 0


# -- Landlock ----------------------------------------------------------------------------------

_LANDLOCK_CREATE_RULESET, _LANDLOCK_ADD_RULE, _LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_RESTRICT_SELF_TSYNC = 1 << 3  # ABI 8: every thread of the process

FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
FS_MAKE_REG, FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK = 1 << 8, 1 << 9, 1 << 10, 1 << 11
FS_MAKE_SYM, FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 12, 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

# The file-system rights each ABI knows (4, 6 and 7 added none).
_FS_BY_ABI = ((1, (1 << 13) - 1), (2, FS_REFER), (3, FS_TRUNCATE), (5, FS_IOCTL_DEV))
# Rights that apply to a file itself; the others (listing, creating, removing) only to folders.
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ_RIGHTS = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
# REFER is only ever granted, never denied by a rule: a rename or link across folders needs it
# on both sides, so each write tree gets it (and no read tree, which could not be written).
WRITE_RIGHTS = (READ_RIGHTS | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR
                | FS_MAKE_REG | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_SYM | FS_REFER
                | FS_TRUNCATE)
DEVICE_RIGHTS = FS_READ_FILE | FS_WRITE_FILE | FS_IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = (("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64))


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is packed: 12 bytes
    _layout_ = "ms"
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel; 0 where there is none (not Linux, not
    built in or not enabled, or a seccomp profile that refuses the call)."""
    if _LIBC is None:
        return 0
    version, _ = _syscall(_LANDLOCK_CREATE_RULESET, None, 0, LANDLOCK_CREATE_RULESET_VERSION)
    return max(version, 0)


def _fs_rights(abi: int) -> int:
    rights = 0
    for since, bits in _FS_BY_ABI:
        if abi >= since:
            rights |= bits
    return rights


def _features(abi: int) -> str:
    what = "files" + (", TCP" if abi >= 4 else "")
    what += ", abstract unix sockets, signals" if abi >= 6 else ""
    return what + ("; all threads" if abi >= 8 else "")


def _allow(ruleset: int, path: str, rights: int) -> bool | None:
    """Allow ``rights`` beneath ``path``: True once added, None where the path is skipped (it
    does not exist, or cannot be opened), False where the kernel refused the rule."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS  # folder rights on a file: EINVAL
        if not rights:
            return None
        rule = _PathBeneathAttr(rights, fd)
        result, _ = _syscall(_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH,
                             ctypes.byref(rule), 0)
        return result == 0
    finally:
        os.close(fd)


def landlock(read: list[str], write: list[str], devices: list[str] = ()) -> str | None:
    """Restrict this thread, and what it starts from now on, to reading beneath ``read``, full
    access beneath ``write`` and read, write and ioctl on ``devices``; no TCP (ABI 4), no
    abstract unix sockets or signals outside (ABI 6). A description of what was applied, or
    None where Landlock is unavailable or refused (nothing is restricted then)."""
    abi = landlock_abi()
    if abi <= 0 or not no_new_privs():
        return None
    handled = _fs_rights(abi)
    attr = _RulesetAttr(handled, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24  # what an older kernel's struct holds
    ruleset, _ = _syscall(_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return None
    try:
        counts = []
        for paths, rights in ((read, READ_RIGHTS), (write, WRITE_RIGHTS),
                              (devices, DEVICE_RIGHTS)):
            added = [_allow(ruleset, os.fspath(p), rights & handled) for p in paths]
            if False in added:
                return None
            counts.append(added.count(True))
        flags = LANDLOCK_RESTRICT_SELF_TSYNC if abi >= 8 else 0
        result, _ = _syscall(_LANDLOCK_RESTRICT_SELF, ruleset, flags)
        if result != 0:
            return None
    finally:
        os.close(ruleset)
    read_n, write_n, devices_n = counts
    return (f"Landlock ABI {abi}: read {read_n} paths, write {write_n}"
            + (f", devices {devices_n}" if devices_n else "") + f" ({_features(abi)})")


# -- seccomp -----------------------------------------------------------------------------------

BPF_LD_W_ABS, BPF_JEQ_K, BPF_JSET_K, BPF_RET_K = 0x20, 0x15, 0x45, 0x06
SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW = 0x80000000, 0x50000, 0x7FFF0000
OFFSET_NR, OFFSET_ARCH, OFFSET_ARG0 = 0, 4, 16  # in struct seccomp_data (args[0]: low half)
AUDIT_ARCH_X86_64, AUDIT_ARCH_AARCH64 = 0xC000003E, 0xC00000B7
X32_SYSCALL_BIT = 0x40000000
AF_UNIX = 1
CLONE_NEW_FLAGS = (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000  # NS CGROUP
                   | 0x20000000 | 0x40000000)  # UTS IPC USER PID NET (NEWTIME is clone3-only)

# What is denied with EPERM, besides socket and clone (which look at their first argument).
_DENIED = ("ptrace", "process_vm_readv", "process_vm_writev",
           "unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
           "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
           "open_tree_attr",
           "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
           "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
           "io_uring_setup", "io_uring_enter", "io_uring_register",
           "open_by_handle_at", "name_to_handle_at", "personality")
# System call numbers (x86_64: arch/x86/entry/syscalls/syscall_64.tbl; aarch64: the generic
# table, include/uapi/asm-generic/unistd.h). x86_64 has no socketcall (only i386 has, and the
# arch check kills i386 calls).
_COMMON = {"fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "move_mount": 429,
           "open_tree": 428, "mount_setattr": 442, "open_tree_attr": 467, "clone3": 435,
           "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427}
SYSCALLS = {
    "x86_64": {**_COMMON, "socket": 41, "clone": 56, "ptrace": 101, "process_vm_readv": 310,
               "process_vm_writev": 311, "unshare": 272, "setns": 308, "mount": 165,
               "umount2": 166, "pivot_root": 155, "chroot": 161, "bpf": 321,
               "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250, "add_key": 248,
               "request_key": 249, "kexec_load": 246, "kexec_file_load": 320,
               "init_module": 175, "finit_module": 313, "delete_module": 176,
               "open_by_handle_at": 304, "name_to_handle_at": 303, "personality": 135,
               "seccomp": 317},
    "aarch64": {**_COMMON, "socket": 198, "clone": 220, "ptrace": 117, "process_vm_readv": 270,
                "process_vm_writev": 271, "unshare": 97, "setns": 268, "mount": 40,
                "umount2": 39, "pivot_root": 41, "chroot": 51, "bpf": 280,
                "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219, "add_key": 217,
                "request_key": 218, "kexec_load": 104, "kexec_file_load": 294,
                "init_module": 105, "finit_module": 273, "delete_module": 106,
                "open_by_handle_at": 265, "name_to_handle_at": 264, "personality": 92,
                "seccomp": 277},
}
AUDIT_ARCH = {"x86_64": AUDIT_ARCH_X86_64, "aarch64": AUDIT_ARCH_AARCH64}


class _SockFilter(ctypes.Structure):
    _fields_ = (("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint))


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)))


Insn = tuple[int, int, int, int]  # (code, jt, jf, k), as in struct sock_filter


def _load(offset: int) -> Insn:
    return (BPF_LD_W_ABS, 0, 0, offset)


def _ret(value: int) -> Insn:
    return (BPF_RET_K, 0, 0, value)


def _if(test: int, k: int, body: list[Insn], negate: bool = False) -> list[Insn]:
    """``if A <test> k: body`` (or ``if not``); ``body`` ends in a return, so what follows it
    runs only where the test failed. The jump over the body is counted here."""
    if body[-1][0] != BPF_RET_K:
        raise ValueError("the body of a test must end with a return")
    if len(body) > 255:
        raise ValueError("body too long for a conditional jump")
    skip = len(body)
    return [(test, skip, 0, k) if negate else (test, 0, skip, k), *body]


def _deny(nr: int, error: int = errno.EPERM) -> list[Insn]:
    """``if nr == X: return ERRNO(error)``; the accumulator must hold the call's number."""
    return _if(BPF_JEQ_K, nr, [_ret(SECCOMP_RET_ERRNO | error)])


SOCKET_ERRNO = errno.EOPNOTSUPP  # what a refused socket() returns


def _program(machine: str, allow_unix_sockets: bool = False) -> list[Insn]:
    """The filter for ``machine`` (``"x86_64"`` or ``"aarch64"``), as instructions."""
    nr = SYSCALLS[machine]
    eperm = _ret(SECCOMP_RET_ERRNO | errno.EPERM)
    program = [_load(OFFSET_ARCH),
               *_if(BPF_JEQ_K, AUDIT_ARCH[machine], [_ret(SECCOMP_RET_KILL_PROCESS)], negate=True),
               _load(OFFSET_NR)]
    if machine == "x86_64":
        program += _if(BPF_JSET_K, X32_SYSCALL_BIT, [eperm])
    for name in _DENIED:
        program += _deny(nr[name])
    program += _deny(nr["clone3"], errno.ENOSYS)
    socket = [_load(OFFSET_ARG0)]
    if allow_unix_sockets:
        socket += _if(BPF_JEQ_K, AF_UNIX, [_ret(SECCOMP_RET_ALLOW)])
    # a refused socket reads as "not supported" (EOPNOTSUPP), which libzmq (the notebook's
    # kernel) takes as "no such interface" where EPERM would make it abort
    program += _if(BPF_JEQ_K, nr["socket"], [*socket, _ret(SECCOMP_RET_ERRNO | SOCKET_ERRNO)])
    program += _if(BPF_JEQ_K, nr["clone"], [_load(OFFSET_ARG0),
                                             *_if(BPF_JSET_K, CLONE_NEW_FLAGS, [eperm]),
                                             _ret(SECCOMP_RET_ALLOW)])
    return [*program, _ret(SECCOMP_RET_ALLOW)]


def _machine() -> str | None:
    """The supported architecture this process runs as, or None (a 32-bit Python on a 64-bit
    kernel makes the other architecture's calls: it gets no filter)."""
    machine = {"arm64": "aarch64"}.get(platform.machine(), platform.machine())
    if machine not in SYSCALLS or ctypes.sizeof(ctypes.c_void_p) != 8:
        return None
    return machine


def _single_threaded() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def seccomp(allow_unix_sockets: bool = False) -> str | None:
    """Install the filter on every thread of this process; a description, or None where the
    machine is not supported or the kernel refused (nothing is installed then)."""
    machine = _machine() if _LIBC is not None else None
    if machine is None or not no_new_privs():
        return None
    program = _program(machine, allow_unix_sockets)
    filters = (_SockFilter * len(program))(*(_SockFilter(*insn) for insn in program))
    fprog = _SockFprog(len(program), filters)
    result, error = _syscall(SYSCALLS[machine]["seccomp"], SECCOMP_SET_MODE_FILTER,
                             SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog))
    if result != 0 and error == errno.ENOSYS and _single_threaded():
        zero = ctypes.c_ulong(0)  # no seccomp(2), but then no thread to synchronize either
        result = _LIBC.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER),
                             ctypes.byref(fprog), zero, zero)
    if result != 0:  # -1, or the id of a thread that could not be synchronized
        return None
    sockets = "no sockets but AF_UNIX" if allow_unix_sockets else "no sockets"
    return f"seccomp: {sockets}, ptrace, namespaces, mounts, bpf, io_uring, keys, modules"


# -- probing -----------------------------------------------------------------------------------

AF_INET, SOCK_STREAM = 2, 1
