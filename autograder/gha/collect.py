"""The ``collect`` step: each student's graded files at the deadline, from their repositories
or from an archive of folders, written one folder per student for ``autograder batch``."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..layout import (
    MAX_MODULE_BYTES,
    MAX_NOTEBOOK_BYTES,
    STUDENT_ID,
    STUDENT_ID_RULE,
    student_folder,
)
from ..render import plain
from .context import REPOSITORY, Context, InputError

MAX_ARCHIVE_MEMBERS = 100_000
MAX_ARCHIVE_BYTES = 4 * 2**30  # uncompressed, all members together


@dataclass
class Collected:
    student: str
    source: str
    files: list[str] = field(default_factory=list)
    commit: str | None = None
    committed_at: str | None = None
    problems: list[str] = field(default_factory=list)  # for a human to look at
    error: str | None = None  # nothing was collected for this student
    fetch_failed: bool = False  # the repository could not be read: a human must act


def graded_files(assignment=None) -> tuple[str, list[tuple[str, int]]]:
    """The assignment's folder in a student repository, and the files taken from it with their
    size limits (the grader's own, ``autograder.layout``): the module files (the manifest's, as
    ``autograder.collect``) and the notebook."""
    from autograder import assignment as course

    assignment = course.resolve(assignment)
    files = [(name, MAX_MODULE_BYTES) for name in assignment.module_files]
    files += [(assignment.notebook, MAX_NOTEBOOK_BYTES)] if assignment.notebook else []
    return f"{student_folder(assignment.name)}/", files


def parse_deadline(text: str) -> dt.datetime:
    try:
        deadline = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"deadline {text!r} is not ISO 8601 "
                         "(e.g. 2025-03-14T23:59:00+01:00)") from None
    if deadline.tzinfo is None:
        raise InputError(f"deadline {text!r} has no time zone (add Z or an offset like +01:00)")
    return deadline.astimezone(dt.UTC)


def read_roster(path: Path) -> list[tuple[str, str]]:
    """``student-id owner/repo`` per line; blank lines and ``#`` comments skipped."""
    roster, seen = [], set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 2 or not STUDENT_ID.fullmatch(fields[0]) or not REPOSITORY.fullmatch(
                fields[1]) or ".." in fields[1]:
            raise InputError(f"{path}:{number}: expected 'student-id owner/repo'")
        if fields[0] in seen:
            raise InputError(f"{path}:{number}: student {fields[0]} is listed twice")
        seen.add(fields[0])
        roster.append((fields[0], fields[1]))
    return roster


def _git_environment(server_url: str, token: str | None) -> dict:
    """git's environment: the token as an HTTP header for the server only, through git's
    configuration variables (not in the URL, not on a command line, not in any log)."""
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("GIT_", "GITHUB_TOKEN"))}
    environ.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_COUNT="0")
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        environ.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0=f"http.{server_url}/.extraheader",
                       GIT_CONFIG_VALUE_0=f"AUTHORIZATION: basic {basic}")
    return environ


def _git(args: list[str], cwd: Path, environ: dict, binary: bool = False):
    result = subprocess.run(["git", *args], cwd=cwd, env=environ, capture_output=True,
                            timeout=600)
    if result.returncode != 0:
        last = (result.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[-1]
        raise RuntimeError(f"git {args[0]}: {plain(last, 200)}")
    return result.stdout if binary else result.stdout.decode("utf-8", "replace")


def _dates_out_of_order(clone: Path, environ: dict) -> bool:
    """A commit older than its parent: history rewritten, or dates set by hand."""
    dates, parents = {}, {}
    for line in _git(["log", "--branches", "--format=%H %ct %P"], clone, environ).splitlines():
        sha, when, *rest = line.split()
        dates[sha], parents[sha] = int(when), rest
    return any(dates[sha] < dates[p] for sha, ps in parents.items() for p in ps if p in dates)


def collect_repository(student: str, repository: str, deadline: dt.datetime | None, out: Path,
                       server_url: str, token: str | None, ref: str | None,
                       assignment=None) -> Collected:
    """One student's module files at their newest commit at or before the deadline (by
    committer date, on every branch unless ``ref`` names one), or at the head now."""
    found = Collected(student, repository)
    environ = _git_environment(server_url, token)
    with tempfile.TemporaryDirectory(prefix="autograder-collect-") as tmp:
        clone = Path(tmp) / "repo.git"
        try:
            _git(["clone", "--bare", "--quiet", f"{server_url}/{repository}.git", str(clone)],
                 Path(tmp), environ)
            refs = [f"refs/heads/{ref}"] if ref else ["--branches"]
            when = ([f"--before={deadline.strftime('%Y-%m-%dT%H:%M:%S+00:00')}"]
                    if deadline else [])
            commit = _git(["rev-list", "-1", *when, *refs, "--"], clone, environ).strip()
            if not commit:
                found.error = ("no commit at or before the deadline" if deadline
                               else "the repository has no commits")
            else:
                found.commit = commit
                stamp = int(_git(["show", "-s", "--format=%ct", commit], clone, environ))
                found.committed_at = dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat()
                if _dates_out_of_order(clone, environ):
                    found.problems.append("commit dates out of order (rewritten history or "
                                          "dates set by hand?)")
                files = _files_at(commit, clone, environ, found, assignment)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            found.error, found.fetch_failed = plain(str(error), 300), True
    if found.error:  # no folder, not even one from an earlier run
        shutil.rmtree(out / student, ignore_errors=True)
    else:
        _write_submission(out / student, files)
        found.files = sorted(files)
    return found


def _files_at(commit: str, clone: Path, environ: dict, found: Collected,
              assignment=None) -> dict[str, bytes]:
    folder, graded = graded_files(assignment)
    wanted = {folder + name: (name, limit) for name, limit in graded}
    files: dict[str, bytes] = {}
    listing = _git(["ls-tree", "-z", "-l", commit, "--", folder], clone, environ)
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, kind, sha, size = meta.split()
        if path not in wanted:
            continue
        name, limit = wanted[path]
        if kind != "blob" or mode not in ("100644", "100755"):
            found.problems.append(f"{name}: not a regular file (mode {mode}); not taken")
        elif int(size) > limit:
            found.problems.append(f"{name}: larger than {limit // 1024} KiB; not taken")
        else:
            files[name] = _git(["cat-file", "blob", sha], clone, environ, binary=True)
    return files


def _write_submission(folder: Path, files: dict[str, bytes]) -> None:
    """The folder holds exactly ``files`` afterwards (a rerun replaces it)."""
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, data in files.items():
        (staging / name).write_bytes(data)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def read_archive(path: Path, limit_of: Callable[[str], int | None]) -> dict[str, bytes | int]:
    """The wanted regular files of a .zip or .tar[.gz] archive, after checking the whole
    archive: no absolute or ``..`` paths, no links or special files, bounded sizes. Nothing is
    extracted. ``limit_of(name)`` is a wanted file's size limit (None: not wanted); the result
    maps each wanted name to its bytes, or to its size where that is over the limit."""
    found: dict[str, bytes | int] = {}
    total = [0, 0]  # entries, bytes

    def normalised(name: str) -> str:
        if "\\" in name or "\0" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
            raise InputError(f"archive refused: unsafe path {name!a}")
        parts = [p for p in PurePosixPath(name).parts if p != "."]
        if ".." in parts:
            raise InputError(f"archive refused: path leaves the archive: {name!a}")
        return "/".join(parts)

    def check(name: str, size: int, regular: bool) -> None:
        """Run as each header is read, before anything behind it is decompressed."""
        if not regular:
            raise InputError(f"archive refused: {name!a} is a link or a special file")
        normalised(name)
        total[0] += 1
        total[1] += max(size, 0)
        if total[0] > MAX_ARCHIVE_MEMBERS:
            raise InputError(f"archive refused: more than {MAX_ARCHIVE_MEMBERS} entries")
        if total[1] > MAX_ARCHIVE_BYTES:
            raise InputError(f"archive refused: more than {MAX_ARCHIVE_BYTES // 2**30} GiB "
                             "unpacked")

    def take(name: str, size: int, read: Callable[[], bytes]) -> None:
        limit = limit_of(name)
        if limit is not None:
            found[name] = size if size > limit else read()

    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
                for info in members:  # all checked before any is read
                    kind = stat.S_IFMT(info.external_attr >> 16)
                    check(info.filename, info.file_size, kind in (0, stat.S_IFREG, stat.S_IFDIR))
                for info in members:
                    if not info.is_dir():
                        take(normalised(info.filename), info.file_size,
                             functools.partial(archive.read, info))
        else:
            with tarfile.open(path) as archive:  # plain, gzip, bzip2 or xz, told by content
                members = []
                for info in archive:  # header by header: a limit stops the reading early
                    check(info.name, info.size, info.isfile() or info.isdir())
                    members.append(info)
                for info in members:
                    if info.isfile():
                        take(normalised(info.name), info.size,
                             lambda info=info: archive.extractfile(info).read())
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise InputError(f"{path}: not a readable zip or tar archive "
                         f"({type(error).__name__})") from None
    return found


def collect_archive(path: Path, out: Path, assignment=None) -> list[Collected]:
    """One folder per student at the archive's top level; from each, only the module files
    (from ``assignments/<assignment>/`` when the folder is a checkout) and the notebook."""
    folder, graded = graded_files(assignment)
    limits = dict(graded) | {folder + name: limit for name, limit in graded}
    students: dict[str, dict[str, bytes | int]] = {}

    def limit_of(name: str) -> int | None:
        student, _, rest = name.partition("/")
        if rest:  # every folder is a submission, even one without a module file
            students.setdefault(student, {})
        return limits.get(rest)

    for name, content in read_archive(Path(path), limit_of).items():
        student, _, rest = name.partition("/")
        students[student][rest] = content
    collected = []
    for student, entries in sorted(students.items()):
        found = Collected(student, f"archive:{student}")
        collected.append(found)
        if not STUDENT_ID.fullmatch(student):
            found.student = ascii(student)
            found.error = f"the folder's name is not a student id ({STUDENT_ID_RULE})"
            continue
        prefix = folder if any(n.startswith(folder) for n in entries) else ""  # a checkout
        files = {}
        for name, limit in graded:
            content = entries.get(prefix + name)
            if isinstance(content, int):
                found.problems.append(f"{name}: larger than {limit // 1024} KiB; not taken")
            elif content is not None:
                files[name] = content
        _write_submission(out / student, files)
        found.files = sorted(files)
    return collected


def collect(args, context: Context, stdout=None) -> int:
    stdout = stdout or sys.stdout
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    if args.repos:
        if not args.deadline:
            raise InputError("collect --repos needs --deadline (ISO 8601, or 'head')")
        deadline = None if args.deadline == "head" else parse_deadline(args.deadline)
        if args.ref and (".." in args.ref
                         or not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}", args.ref)):
            raise InputError(f"--ref {args.ref!r} is not a branch name")
        roster = read_roster(Path(args.repos))
        token = os.environ.get("COLLECT_TOKEN") or context.token
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            collected = list(pool.map(
                lambda entry: collect_repository(*entry, deadline, out, context.server_url,
                                                 token, args.ref, args.assignment), roster))
        source = {"repos": str(args.repos), "deadline": args.deadline,
                  "deadline_utc": deadline.isoformat() if deadline else None,
                  "ref": args.ref or "every branch"}
    else:
        if args.deadline:
            stdout.write("note: an archive is taken as it is; the deadline is not applied (its "
                         "files carry no dates worth trusting)\n")
        collected = collect_archive(Path(args.archive), out, args.assignment)
        source = {"archive": Path(args.archive).name}
    source["collected_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for found in collected:
        status = found.error or f"{len(found.files)} files" + (
            f" at {found.commit[:12]} ({found.committed_at})" if found.commit else "")
        stdout.write(f"{found.student}: {status}"
                     + "".join(f"; {problem}" for problem in found.problems) + "\n")
    if args.manifest:
        manifest = {**source, "submissions": [vars(found) for found in collected]}
        Path(args.manifest).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    failed = [f for f in collected if f.fetch_failed]
    stdout.write(f"collected {sum(f.error is None for f in collected)} of {len(collected)} "
                 f"submissions into {out}\n")
    if failed:
        stdout.write(f"could not fetch {len(failed)} repositories: "
                     + ", ".join(f.student for f in failed) + "\n")
    return 1 if failed else 0
