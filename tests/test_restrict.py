"""The unprivileged restrictions (``autograder.restrict``): each test restricts a forked child,
never the test process itself, and reads what the child saw over a pipe."""

from __future__ import annotations

import ctypes
import errno
import json
import mmap
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

from autograder import restrict

LINUX = sys.platform.startswith("linux")
LANDLOCK_ABI = restrict.landlock_abi()
needs_landlock = pytest.mark.skipif(LANDLOCK_ABI == 0, reason="no Landlock in this kernel")
needs_seccomp = pytest.mark.skipif(restrict._machine() is None or not LINUX,
                                   reason="seccomp filter: Linux on x86_64 or aarch64 only")
libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWUSER, SIGCHLD = 0x10000000, 17
PTRACE_TRACEME = 0


def in_child(fn, *args, timeout: float = 60.0):
    """Run ``fn(*args)`` in a forked child; its result (JSON), or raise what went wrong."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            try:
                out = {"value": fn(*args)}
            except BaseException as exc:
                out = {"error": repr(exc)}
            os.write(write_end, json.dumps(out).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    data, deadline = b"", time.monotonic() + timeout
    try:
        while select.select([read_end], [], [], max(deadline - time.monotonic(), 0))[0]:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            data += chunk
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    assert data, f"the child said nothing (wait status {status})"
    out = json.loads(data)
    assert "error" not in out, out["error"]
    return out["value"]


def wait_status(fn) -> int:
    """Fork, run ``fn`` in the child, and return the child's wait status."""
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


def socket_errno(family: int) -> int:
    """0 where ``socket(family, SOCK_STREAM)`` works, else its errno."""
    try:
        socket.socket(family, socket.SOCK_STREAM).close()
    except OSError as exc:
        return exc.errno
    return 0


def libc_errno(result: int) -> int:
    return 0 if result >= 0 else ctypes.get_errno()


# -- seccomp -----------------------------------------------------------------------------------

def _seccomp_child(allow_unix: bool):
    thread_saw, go, done = {}, threading.Event(), threading.Event()

    def early():  # started before the filter: TSYNC must reach it too
        go.wait()
        thread_saw["inet"] = socket_errno(socket.AF_INET)
        done.set()

    early_thread = threading.Thread(target=early)
    early_thread.start()
    described = restrict.seccomp(allow_unix_sockets=allow_unix)
    go.set()
    done.wait(10)
    early_thread.join(10)
    saw = {"described": described, "early thread inet": thread_saw.get("inet")}
    for name in ("AF_INET", "AF_INET6", "AF_UNIX"):
        saw[name] = socket_errno(getattr(socket, name))
    a, b = socket.socketpair()
    a.close()
    b.close()

    late = {}
    thread = threading.Thread(target=lambda: late.update(ran=True))
    thread.start()
    thread.join(10)
    saw["thread"] = late.get("ran", False)
    saw["fork"] = wait_status(lambda: os._exit(7))
    saw["true"] = subprocess.run(["/bin/true"], check=False).returncode
    saw["unshare"] = libc_errno(libc.unshare(CLONE_NEWUSER))
    if hasattr(os, "unshare"):  # Python 3.12
        try:
            os.unshare(os.CLONE_NEWUSER)
            saw["os.unshare"] = 0
        except OSError as exc:
            saw["os.unshare"] = exc.errno
    saw["ptrace"] = libc_errno(libc.ptrace(PTRACE_TRACEME, 0, None, None))
    nr = restrict.SYSCALLS[restrict._machine()]
    libc.syscall.restype = ctypes.c_long
    pid = libc.syscall(ctypes.c_long(nr["clone"]), ctypes.c_long(CLONE_NEWUSER | SIGCHLD),
                       None, None, None, None)
    if pid == 0:  # the filter failed and a child runs this: leave at once
        os._exit(0)
    saw["clone newuser"] = libc_errno(pid)
    saw["clone3"] = libc_errno(libc.syscall(ctypes.c_long(nr["clone3"]), None, ctypes.c_long(0)))
    saw["bpf"] = libc_errno(libc.syscall(ctypes.c_long(nr["bpf"]), ctypes.c_long(0), None,
                                         ctypes.c_long(0)))
    if restrict._machine() == "x86_64":  # getpid (39) by its x32 number
        saw["x32"] = libc_errno(libc.syscall(ctypes.c_long(restrict.X32_SYSCALL_BIT | 39)))
    return saw


@needs_seccomp
def test_seccomp_denies_sockets_namespaces_and_ptrace():
    saw = in_child(_seccomp_child, False)
    assert saw["described"] and "no sockets" in saw["described"]
    for key in ("AF_INET", "AF_INET6", "AF_UNIX", "early thread inet"):
        assert saw[key] == restrict.SOCKET_ERRNO == errno.EOPNOTSUPP, (key, saw)
    for key in ("unshare", "ptrace", "clone newuser", "bpf"):
        assert saw[key] == errno.EPERM, (key, saw)
    assert saw.get("os.unshare", errno.EPERM) == errno.EPERM
    assert saw["clone3"] == errno.ENOSYS
    assert saw.get("x32", errno.EPERM) == errno.EPERM
    # fork, threads and subprocesses keep working
    assert saw["thread"] is True
    assert os.WIFEXITED(saw["fork"]) and os.WEXITSTATUS(saw["fork"]) == 7
    assert saw["true"] == 0


@needs_seccomp
def test_seccomp_can_allow_unix_sockets():
    saw = in_child(_seccomp_child, True)
    assert saw["described"] and "AF_UNIX" in saw["described"]
    assert saw["AF_UNIX"] == 0
    assert saw["AF_INET"] == saw["AF_INET6"] == saw["early thread inet"] == errno.EOPNOTSUPP
    assert saw["true"] == 0 and saw["thread"] is True


def _int80_getpid() -> int:
    """getpid through the i386 entry (``int 0x80``, call 20) of an x86_64 process."""
    code = b"\xb8\x14\x00\x00\x00\xcd\x80\xc3"  # mov eax, 20; int 0x80; ret
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(code)
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    return ctypes.CFUNCTYPE(ctypes.c_int)(address)()


@pytest.mark.skipif(restrict._machine() != "x86_64", reason="the i386 entry is x86_64's")
def test_seccomp_kills_i386_calls():
    if in_child(lambda: _int80_getpid() == os.getpid()) is not True:
        pytest.skip("this kernel has no i386 emulation")
    status = wait_status(lambda: (restrict.seccomp(), _int80_getpid()))
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSYS


# -- the BPF program ---------------------------------------------------------------------------

def run_bpf(program, nr: int, arch: int, arg0: int = 0) -> int:
    """Interpret the classic BPF subset the filter uses on one ``seccomp_data``."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    pc, acc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == restrict.BPF_LD_W_ABS:
            acc = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code == restrict.BPF_RET_K:
            return k
        elif code in (restrict.BPF_JEQ_K, restrict.BPF_JSET_K):
            hit = acc == k if code == restrict.BPF_JEQ_K else bool(acc & k)
            pc += 1 + (jt if hit else jf)
        else:
            raise AssertionError(f"unexpected instruction {code:#x}")


@pytest.mark.parametrize("machine", sorted(restrict.SYSCALLS))
@pytest.mark.parametrize("allow_unix", [False, True])
def test_bpf_program_is_well_formed(machine, allow_unix):
    program = restrict._program(machine, allow_unix)
    assert len(program) < 4096  # BPF_MAXINSNS
    codes = {restrict.BPF_LD_W_ABS, restrict.BPF_JEQ_K, restrict.BPF_JSET_K, restrict.BPF_RET_K}
    for pc, (code, jt, jf, k) in enumerate(program):
        assert code in codes and 0 <= k < 2**32
        if code in (restrict.BPF_JEQ_K, restrict.BPF_JSET_K):
            assert pc + 1 + max(jt, jf) < len(program), f"jump out of the program at {pc}"
        else:
            assert jt == jf == 0
    assert program[-1] == (restrict.BPF_RET_K, 0, 0, restrict.SECCOMP_RET_ALLOW)
    assert program[0] == (restrict.BPF_LD_W_ABS, 0, 0, restrict.OFFSET_ARCH)
    assert program[1][0] == restrict.BPF_JEQ_K and program[1][3] == restrict.AUDIT_ARCH[machine]


@pytest.mark.parametrize("machine", sorted(restrict.SYSCALLS))
def test_bpf_program_decides_as_documented(machine):
    program, open_unix = restrict._program(machine), restrict._program(machine, True)
    arch, nr = restrict.AUDIT_ARCH[machine], restrict.SYSCALLS[machine]
    errno_of = restrict.SECCOMP_RET_ERRNO.__or__
    allow, eperm = restrict.SECCOMP_RET_ALLOW, errno_of(errno.EPERM)
    assert run_bpf(program, nr["socket"], 0x40000003) == restrict.SECCOMP_RET_KILL_PROCESS  # i386
    for name in restrict._DENIED:
        assert run_bpf(program, nr[name], arch) == eperm, name
    assert run_bpf(program, nr["clone3"], arch) == errno_of(errno.ENOSYS)
    refused = errno_of(errno.EOPNOTSUPP)
    for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, 16):  # 16: netlink
        assert run_bpf(program, nr["socket"], arch, family) == refused
    assert run_bpf(open_unix, nr["socket"], arch, socket.AF_UNIX) == allow
    assert run_bpf(open_unix, nr["socket"], arch, socket.AF_INET) == refused
    thread_flags = 0x3D0F00  # what glibc's pthread_create passes to clone
    assert run_bpf(program, nr["clone"], arch, thread_flags) == allow
    assert run_bpf(program, nr["clone"], arch, SIGCHLD) == allow  # fork
    assert run_bpf(program, nr["clone"], arch, SIGCHLD | CLONE_NEWUSER) == eperm
    assert run_bpf(program, nr["clone"], arch, SIGCHLD | 0x40000000) == eperm  # CLONE_NEWNET
    for ordinary in (0, 1, 3, 63, 200, 300):  # read/write/close, uname, ...: no denied number
        if ordinary not in nr.values():
            assert run_bpf(program, ordinary, arch) == allow
    if machine == "x86_64":
        assert run_bpf(program, restrict.X32_SYSCALL_BIT | 41, arch) == eperm


def test_jump_helper_refuses_bodies_without_a_return():
    with pytest.raises(ValueError):
        restrict._if(restrict.BPF_JEQ_K, 1, [restrict._load(0)])


def test_landlock_structs_match_the_kernel():
    assert ctypes.sizeof(restrict._PathBeneathAttr) == 12
    assert ctypes.sizeof(restrict._RulesetAttr) == 24
    assert ctypes.sizeof(restrict._SockFilter) == 8


# -- Landlock ----------------------------------------------------------------------------------

def _errno_of(action) -> int:
    try:
        action()
    except OSError as exc:
        return exc.errno
    return 0


def _read(path):
    with open(path) as f:
        return f.read()


def _write(path, text="x"):
    with open(path, "w") as f:
        f.write(text)


def _landlock_child(a, b, b2, c, lone_file, listener_port):
    described = restrict.landlock(
        read=[a, lone_file, sys.prefix, sys.base_prefix, "/usr", "/does/not/exist"],
        write=[b, b2], devices=["/dev/null"])
    saw = {"described": described}
    saw["read a"] = _read(os.path.join(a, "in_a.txt"))
    saw["append a"] = _errno_of(lambda: open(os.path.join(a, "in_a.txt"), "a").close())
    saw["create a"] = _errno_of(lambda: _write(os.path.join(a, "new.txt")))
    created = os.path.join(b, "new.txt")
    _write(created, "written")
    saw["read b"] = _read(created)
    os.mkdir(os.path.join(b, "sub"))
    os.rmdir(os.path.join(b, "sub"))
    os.rename(created, os.path.join(b2, "moved.txt"))  # across trees: REFER on both
    os.remove(os.path.join(b2, "moved.txt"))
    saw["b after"] = sorted(os.listdir(b))
    saw["read c"] = _errno_of(lambda: _read(os.path.join(c, "in_c.txt")))
    saw["list c"] = _errno_of(lambda: os.listdir(c))
    saw["read lone"] = _read(lone_file)
    saw["write lone"] = _errno_of(lambda: _write(lone_file))
    saw["list /"] = _errno_of(lambda: os.listdir("/"))
    saw["/dev/null"] = _errno_of(lambda: _write("/dev/null", "gone"))
    saw["/dev/zero"] = _errno_of(lambda: _read("/dev/zero"))
    if LANDLOCK_ABI >= 4:
        saw["connect"] = _errno_of(
            lambda: socket.create_connection(("127.0.0.1", listener_port), 5).close())
        server = socket.socket()
        saw["bind"] = _errno_of(lambda: server.bind(("127.0.0.1", 0)))
        server.close()
    if LANDLOCK_ABI >= 6:
        saw["signal parent"] = _errno_of(lambda: os.kill(os.getppid(), 0))
    saw["read python"] = os.path.isfile(sys.executable) and _errno_of(
        lambda: open(os.path.realpath(sys.executable), "rb").close())
    return saw


@needs_landlock
def test_landlock_confines_the_file_system(tmp_path):
    a, b, b2, c = (tmp_path / name for name in ("a", "b", "b2", "c"))
    for folder in (a, b, b2, c):
        folder.mkdir()
    (a / "in_a.txt").write_text("from a")
    (c / "in_c.txt").write_text("from c")
    lone = c / "lone.txt"
    lone.write_text("lone")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        saw = in_child(_landlock_child, str(a), str(b), str(b2), str(c), str(lone),
                       listener.getsockname()[1])
    assert saw["described"].startswith(f"Landlock ABI {LANDLOCK_ABI}: read 5 paths, write 2")
    assert saw["read a"] == "from a"
    assert saw["append a"] == saw["create a"] == errno.EACCES
    assert saw["read b"] == "written" and saw["b after"] == []
    assert saw["read c"] == saw["list c"] == errno.EACCES
    assert saw["read lone"] == "lone" and saw["write lone"] == errno.EACCES
    assert saw["list /"] == errno.EACCES
    assert saw["/dev/null"] == 0 and saw["/dev/zero"] == errno.EACCES
    assert saw["read python"] == 0
    if LANDLOCK_ABI >= 4:
        assert saw["connect"] == saw["bind"] == errno.EACCES
    if LANDLOCK_ABI >= 6:
        assert saw["signal parent"] == errno.EPERM
    assert (c / "lone.txt").read_text() == "lone"  # and the test process itself is untouched


def _older_abi_child(abi, a, b, b2, c):
    restrict.landlock_abi = lambda: abi  # as an older kernel would answer
    described = restrict.landlock(read=[a], write=[b, b2], devices=["/dev/null"])
    saw = {"described": described, "read a": _read(os.path.join(a, "in_a.txt"))}
    saw["read c"] = _errno_of(lambda: _read(os.path.join(c, "in_c.txt")))
    saw["/dev/null"] = _errno_of(lambda: _write("/dev/null", "gone"))
    _write(os.path.join(b, "f.txt"))
    saw["rename across"] = _errno_of(
        lambda: os.rename(os.path.join(b, "f.txt"), os.path.join(b2, "f.txt")))
    return saw


@needs_landlock
@pytest.mark.parametrize("abi", range(1, LANDLOCK_ABI + 1))
def test_landlock_masks_rights_an_older_abi_lacks(tmp_path, abi):
    a, b, b2, c = (tmp_path / name for name in ("a", "b", "b2", "c"))
    for folder in (a, b, b2, c):
        folder.mkdir()
    (a / "in_a.txt").write_text("from a")
    (c / "in_c.txt").write_text("from c")
    saw = in_child(_older_abi_child, abi, str(a), str(b), str(b2), str(c))
    assert saw["described"].startswith(f"Landlock ABI {abi}: read 1 paths, write 2, devices 1")
    assert saw["read a"] == "from a" and saw["read c"] == errno.EACCES
    assert saw["/dev/null"] == 0
    # ABI 1 cannot grant REFER: a rename across folders is always refused there
    assert saw["rename across"] == (errno.EXDEV if abi == 1 else 0)


def test_rights_by_abi():
    assert not restrict._fs_rights(1) & (restrict.FS_REFER | restrict.FS_TRUNCATE)
    assert restrict._fs_rights(2) & restrict.FS_REFER
    assert not restrict._fs_rights(4) & restrict.FS_IOCTL_DEV
    assert restrict._fs_rights(5) == (1 << 16) - 1
    assert restrict.WRITE_RIGHTS & restrict.FS_REFER and not restrict.READ_RIGHTS & ~(
        restrict.FS_EXECUTE | restrict.FS_READ_FILE | restrict.FS_READ_DIR)


@needs_seccomp
def test_seccomp_installs_nothing_on_an_unsupported_machine():
    def child():
        restrict.platform.machine = lambda: "riscv64"
        return restrict.seccomp(), socket_errno(socket.AF_INET)

    assert in_child(child) == [None, 0]


def test_abi_and_refusals_never_raise():
    assert isinstance(LANDLOCK_ABI, int) and LANDLOCK_ABI >= 0
    if not LINUX:
        assert restrict.landlock([], []) is None and restrict.seccomp() is None
