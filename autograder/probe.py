"""Proof before student code runs: a probe, started and confined exactly as a sandbox worker
is (``confine.confine``, with a uid of the grading process's range), tries to read every path a
submission must never read and to write into every folder it must never change. Hidden grading
runs only where the probe reaches none of them; ``autograder doctor`` prints the same check.

Where the host gives no private root (a default Docker container, as on Gradescope; a pod; a
machine without namespaces), the grader first makes its own files private to their owner
(``protect``: ``chmod go-rwx``, never relying on the instructor's umask) and probes again.

    probe.prepare(hidden=True, private=[...])   -> Check (layers, what was reached, the fix)
    python -m autograder.probe                  the probe's confined side (JSON on stdin/stdout)
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import subprocess
import sys
import sysconfig
import threading
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# never a job's, a notebook kernel's or a reference worker's uid (``pipeline.job_uids``)
PROBE_UID_OFFSET = 2047
# what no submission may read, relative to the grader's folder (``REPO``), when they exist
SECRET_ENTRIES = ("secret", "autograder/suites", "autograder/rubrics", "autograder/zoo",
                  "solutions", "tests", ".git", ".pytest_cache", ".hypothesis")


@dataclass
class Check:
    """What the probe found: the layers its confinement got, and every guarded path it could
    read or write (empty where hidden grading is safe)."""
    layers: dict[str, str] = field(default_factory=dict)
    reached: list[str] = field(default_factory=list)  # "read PATH", "write into FOLDER"
    missing: list[str] = field(default_factory=list)  # Python's paths the sandbox cannot read
    protected: list[str] = field(default_factory=list)  # made private to their owner first
    error: str | None = None  # the probe itself did not run

    @property
    def problem(self) -> str | None:
        """Why hidden grading may not run here (None: it may)."""
        if self.error is not None:
            return f"the confinement probe failed ({self.error})"
        if os.geteuid() != 0 and "network" not in self.layers:
            return "student code would run as this user, in no namespace of its own"
        if self.reached:
            more = len(self.reached) - 1
            return f"student code could {self.reached[0]}" + (
                f" (and {more} more: `autograder doctor` lists them)" if more else "")
        if self.missing:
            return (f"student code could not read Python's {self.missing[0]} (a folder above "
                    "it is closed to other users), so it could not import what it may")
        return None

    @property
    def safe(self) -> bool:
        return self.problem is None

    @property
    def own_root(self) -> bool:
        return self.layers.get("filesystem", "").startswith("own root")

    def record(self) -> dict:
        """For results.json's ``extra_data.confinement``."""
        return {"layers": dict(self.layers), "hidden_grading": "safe" if self.safe else "refused"}

    def fix(self) -> str:
        if self.error is not None:
            return "run `autograder doctor` on this machine"
        if self.missing and not self.reached:
            return ("install Python and the grading venv where every user may read them "
                    "(/usr/local, /opt, /autograder/venv), as Gradescope's image does")
        if os.geteuid() != 0:
            return ("grade as root (sudo), or where user namespaces are allowed (Ubuntu 24.04: "
                    "sysctl kernel.apparmor_restrict_unprivileged_userns=0); --public-only runs "
                    "here")
        return ("make it readable and writable by its owner only (chmod go-rwx), or grade where "
                "namespaces or Landlock are allowed (Docker: --cap-add SYS_ADMIN --security-opt "
                "seccomp=unconfined)")

    def refusal(self) -> str:
        """The one-line grader error of a refused hidden grading: what was reached, the fix."""
        return ("the autograder is misconfigured (your instructor has been told): hidden "
                f"grading refused: {self.problem}; fix: {self.fix()}")


def secret_paths(private: list[Path] = ()) -> list[Path]:
    """Every path the sandbox must not read: the grader's secret folders and one file inside
    each (a folder may be closed while a file in it is not), the secret file, and the folders
    the caller names (``batch``'s class and output folders)."""
    paths: list[Path] = []
    secret_file = os.environ.get("AUTOGRADER_SECRET_FILE")
    for path in [*(REPO / e for e in SECRET_ENTRIES), *map(Path, private),
                 *([Path(secret_file)] if secret_file else [])]:
        if not path.exists() or path.is_symlink():
            continue
        paths.append(path)
        if path.is_dir():  # the first file of a walk (no sort: .git may hold many)
            inside = next((Path(top, files[0]) for top, _, files in os.walk(path) if files),
                          None)
            if inside is not None:
                paths.append(inside)
    return list(dict.fromkeys(paths))


def python_paths() -> list[Path]:
    """What the sandbox must be able to read for student code to run at all: the interpreter,
    the standard library and the environment's packages."""
    return [Path(sys.executable).resolve(), Path(os.__file__).resolve().parent,
            Path(sysconfig.get_paths()["purelib"]).resolve()]


def write_targets(outputs: list[Path] = ()) -> list[Path]:
    """Every folder the sandbox must not write into: the grader's own, the Python environment,
    and the folders results are written to (a sticky one such as /tmp excepted: nobody but
    root can change root's files there)."""
    folders = [REPO, REPO / "autograder", Path(sys.prefix),
               Path(sysconfig.get_paths()["purelib"]), *map(Path, outputs)]
    return list(dict.fromkeys(f for f in folders if f.is_dir() and not (
        f.stat().st_mode & stat.S_ISVTX)))


def protect(private: list[Path] = ()) -> list[str]:
    """Make the grader's folder, the secret file and ``private`` readable by their owner only
    (``chmod go-rwx``), where no private root hides them from the sandbox. The grader's folder
    keeps others' search permission where the Python environment lies inside it (``.venv``):
    the sandbox must still run Python, and nothing else in the folder is open to it. Returns
    what was changed."""
    if os.geteuid() != 0:
        return []
    python = [Path(p).resolve() for p in {sys.prefix, sys.base_prefix}]
    changed = []

    def close(path: Path, keep_search: bool = False) -> None:
        try:
            mode = path.lstat().st_mode
        except OSError:
            return
        if stat.S_ISLNK(mode):
            return
        new = mode & ~(0o066 if keep_search else 0o077)
        if stat.S_IMODE(new) != stat.S_IMODE(mode):
            path.chmod(stat.S_IMODE(new))
            changed.append(str(path))

    holds_python = any(p == REPO or REPO in p.parents for p in python)
    for entry in sorted(REPO.iterdir()):
        if not any(entry == p or entry in p.parents for p in python):
            close(entry)
    close(REPO, keep_search=holds_python)
    secret_file = os.environ.get("AUTOGRADER_SECRET_FILE")
    for path in [*map(Path, private), *([Path(secret_file)] if secret_file else [])]:
        close(path)
    return changed


def probe(uid: int, read: list[Path], write: list[Path], timeout: float = 60.0) -> Check:
    """Start the probe as a worker is started (its clean environment, ``confine``) and return
    what it reached."""
    from autograder import zygote

    request = {"uid": uid, "workdir": "/tmp/autograder-probe",
               "read": [str(p) for p in read], "write": [str(p) for p in write],
               "need": [str(p) for p in python_paths()]}
    try:
        run = subprocess.run([sys.executable, "-s", "-m", "autograder.probe"],
                             input=json.dumps(request), capture_output=True, text=True,
                             env=zygote.worker_environment("/tmp/autograder-probe"),
                             cwd=str(REPO), timeout=timeout, check=False)
        lines = run.stdout.strip().splitlines()
        if not lines:
            said = (run.stderr.strip().splitlines() or ["nothing"])[-1][:200]
            return Check(error=f"the probe's process stopped (exit status {run.returncode}): "
                         f"{said}")
        reply = json.loads(lines[-1])
        return Check(layers={str(k): str(v) for k, v in reply["layers"].items()},
                     reached=[str(r) for r in reply["reached"]],
                     missing=[str(m) for m in reply["missing"]])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError, KeyError,
            AttributeError) as error:
        return Check(error=f"{type(error).__name__}: {error}"[:300])
    finally:
        from autograder.sandbox import kill_uid

        kill_uid(uid)


# one probe at a time in this process: they share the probe's uid, and each ends by killing
# that uid's processes (``validate`` grades two submissions at once, each with its own probe)
_ONE_AT_A_TIME = threading.Lock()


def prepare(private: list[Path] = (), outputs: list[Path] = ()) -> Check:
    """The check every grading runs before student code: probe; where the probe reached a
    guarded path without a private root to hide it, make the grader's files private to their
    owner (``protect``) and probe again."""
    from autograder.sandbox import DEFAULT_UID

    uid = DEFAULT_UID + PROBE_UID_OFFSET
    with _ONE_AT_A_TIME:
        check = probe(uid, secret_paths(private), write_targets(outputs))
        if check.reached and check.error is None and not check.own_root:
            protected = protect(private)
            if protected:
                check = probe(uid, secret_paths(private), write_targets(outputs))
                check.protected = protected
    return check


# -- the confined side -------------------------------------------------------------------------

def _reach(read: list[str], write: list[str]) -> list[str]:
    reached = []
    for path in read:
        try:
            if os.path.isdir(path):
                os.listdir(path)
            else:
                with open(path, "rb") as stream:
                    stream.read(1)
            reached.append(f"read {path}")
        except OSError:
            continue
    for folder in write:
        target = os.path.join(folder, f".autograder-probe-{os.getpid()}")
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError:
            continue
        reached.append(f"write into {folder}")
        with contextlib.suppress(OSError):
            os.unlink(target)
    return reached


def main() -> None:
    from autograder.confine import confine

    request = json.loads(sys.stdin.read())
    layers = confine({"workdir": request["workdir"], "files": {}, "uid": request["uid"]})
    layers.pop("workdir", None)
    reached = _reach(request["read"], request["write"])
    missing = [path for path in request["need"] if not os.access(
        path, os.R_OK | (os.X_OK if os.path.isdir(path) or path == request["need"][0] else 0))]
    sys.stdout.write(json.dumps({"layers": layers, "reached": reached, "missing": missing})
                     + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
