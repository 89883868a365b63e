"""The steps that the GitHub workflows run: ``python -m autograder.gha STEP ...``.

* ``summary RESULTS_JSON``   grade workflow: the score table into ``$GITHUB_STEP_SUMMARY`` and an
                             ``::error`` annotation per failing public test;
* ``fence -- COMMAND ...``   run a command whose output cannot issue workflow commands;
* ``comment RESULTS_JSON``   comment workflow (``workflow_run``): create or update the pull
                             request's one score comment;
* ``collect ...``            instructor: each student's module files at the deadline;
* ``shards N``               instructor: the job matrix for ``autograder batch --shard K/N``.

Everything a student can influence (results.json from an artifact, test names and messages,
names in a repository or an archive) is data here: validated, escaped, never run and never
put into a shell. Only the standard library is used, and ``jsonschema`` for results.json (the
comment workflow installs it alone); the module list for ``collect`` comes from the seam.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import functools
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "results.schema.json"
MAX_RESULTS_BYTES = 4 * 2**20
MAX_TEXT = 300  # characters of one untrusted string shown in a comment or a log line
MAX_LISTED_FAILURES = 10  # GitHub shows at most 10 error annotations per step
COMMENT_AUTHOR = "github-actions[bot]"  # whose comment is ours (anyone can write the marker)
STUDENT_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")  # as `autograder batch` grades
REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
MAX_NOTEBOOK_BYTES = 16 * 2**20
MAX_ARCHIVE_MEMBERS = 100_000
MAX_ARCHIVE_BYTES = 4 * 2**30  # uncompressed, all members together
MAX_SHARDS = 256  # GitHub's limit of jobs per matrix


class InputError(Exception):
    """Unusable input (arguments, results.json, an event, an archive): one line, exit 2."""


# --- workflow commands ---------------------------------------------------------------------------

def escape_data(text: str) -> str:
    """The message of a workflow command (GitHub's toolkit: ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value of a workflow command (``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, **properties: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


class Fence:
    """Untrusted output between ``::stop-commands::TOKEN`` and ``::TOKEN::``: the runner acts on
    no workflow command in between. The token is random and drawn afresh, so text that was not
    written with the token in view cannot end the fence."""

    def __init__(self, stream):
        self.stream = stream
        self.token = secrets.token_hex(16)

    def __enter__(self):
        self.stream.write(f"::stop-commands::{self.token}\n")
        self.stream.flush()
        return self

    def __exit__(self, *exc):
        self.stream.write(f"\n::{self.token}::\n")  # a resume command must start its own line
        self.stream.flush()


def fence_command(command: list[str]) -> int:
    """Run ``command`` with its output (stdout and stderr) fenced off; its exit status."""
    if not command:
        raise InputError("fence: give the command to run after --")
    sys.stdout.flush()
    with Fence(sys.stdout):
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError as error:
            raise InputError(f"fence: cannot run {command[0]!r}: {error.strerror}") from None
        lock, fenced = threading.Lock(), [True]

        def copy():
            for chunk in iter(lambda: process.stdout.read1(65536), b""):
                with lock:
                    if not fenced[0]:
                        return  # a process left behind writes after the fence closed: dropped
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.buffer.flush()

        reader = threading.Thread(target=copy, daemon=True)
        reader.start()
        status = process.wait()
        reader.join(timeout=10)
        with lock:
            fenced[0] = False
    return status


# --- results.json ------------------------------------------------------------------------------

def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _where(path) -> str:
    """A schema error's location, naming only keys that look like ours (no untrusted text)."""
    parts = [str(p) if isinstance(p, int) or re.fullmatch(r"[a-z_]{1,40}", str(p)) else "?"
             for p in path]
    return "/".join(parts) or "the top level"


def load_results(path: Path) -> dict:
    """results.json, parsed and checked against the results schema, or InputError."""
    import jsonschema  # only here: the comment workflow installs it, nothing else

    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise InputError(f"{path}: not a regular file")
    if path.stat().st_size > MAX_RESULTS_BYTES:
        raise InputError(f"{path}: larger than {MAX_RESULTS_BYTES // 2**20} MiB")
    try:
        results = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "not UTF-8" if isinstance(error, UnicodeDecodeError) else "not valid JSON"
        raise InputError(f"{path}: {reason}") from None
    validator = jsonschema.Draft202012Validator(load_schema())
    error = next(iter(sorted(validator.iter_errors(results), key=lambda e: list(e.path))), None)
    if error is not None:
        raise InputError(f"{path}: does not match the results schema at "
                         f"{_where(error.absolute_path)} (rule: {error.validator})")
    return results


def plain(text: str, limit: int = MAX_TEXT) -> str:
    """Untrusted text on one line: control and format characters (newlines, bidi overrides,
    zero-width ones) become spaces, and it is cut to ``limit`` characters."""
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c
                      for c in text)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[:limit - 1] + "…"


def code_span(text: str) -> str:
    """Untrusted text as a Markdown code span: no markup, link, mention or HTML inside is
    rendered. The fence is one backtick longer than any run of backticks in the text."""
    text = plain(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@dataclass
class ModuleRow:
    module: str
    passed: int = 0
    total: int = 0
    score: float = 0.0
    max_score: float = 0.0


def visible_tests(results: dict) -> list[dict]:
    return [t for t in results["tests"] if t["visibility"] == "visible"]


def first_problem(test: dict) -> str:
    """The first line of a failing test's output that names a problem."""
    lines = [line.strip() for line in test["output"].splitlines() if line.strip()]
    problems = [line.removeprefix("- ") for line in lines if line.startswith("- ")]
    return (problems or lines or ["failed"])[0]


def module_rows(tests: list[dict]) -> list[ModuleRow]:
    rows: dict[str, ModuleRow] = {}
    for test in tests:  # results.json lists tests in module order
        row = rows.setdefault(test["tags"][0], ModuleRow(test["tags"][0]))
        row.total += 1
        row.passed += test["status"] == "passed"
        row.score += test["score"]
        row.max_score += test["max_score"]
    return list(rows.values())


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def module_file(results: dict, module: str, workspace: Path) -> str | None:
    """The module's file in the checkout, if there is one (the notebook's tests have none)."""
    path = f"assignments/{results['extra_data']['assignment']}/{module}.py"
    return path if (workspace / path).is_file() else None


def render_summary(results: dict, workspace: Path) -> str:
    """The score table of the visible tests and what to fix first, as Markdown. Built from the
    validated fields only (never results.json's own ``output``): module names and numbers are
    checked by the schema, every other string is shown as a code span."""
    assignment = results["extra_data"]["assignment"]
    tests = visible_tests(results)
    rows = module_rows(tests)
    lines = [f"## {assignment}: public tests", "",
             "| module | passed | points |", "| --- | ---: | ---: |"]
    labels = {r.module: f"{r.module}.py" if module_file(results, r.module, workspace) else r.module
              for r in rows}
    lines += [f"| `{labels[row.module]}` | {row.passed}/{row.total} | "
              f"{_points(row.score)}/{_points(row.max_score)} |" for row in rows]
    passed = sum(row.passed for row in rows)
    score, max_score = sum(r.score for r in rows), sum(r.max_score for r in rows)
    lines.append(f"| **total** | {passed}/{len(tests)} | "
                 f"**{_points(score)}/{_points(max_score)}** |")
    failing = [t for t in tests if t["status"] == "failed"]
    if failing:
        lines += ["", "### What to fix first", ""]
        lines += [f"- {code_span(t['name'])}: {code_span(first_problem(t))}"
                  for t in failing[:MAX_LISTED_FAILURES]]
        if len(failing) > MAX_LISTED_FAILURES:
            lines.append(f"- ... and {len(failing) - MAX_LISTED_FAILURES} more failing tests")
    hidden = len(results["tests"]) - len(tests)
    if hidden:
        lines += ["", f"{hidden} hidden test{'s' * (hidden != 1)} also ran; their results are "
                  "released after the due date."]
    else:
        lines += ["", "Only the public tests ran here; the hidden tests run after the deadline."]
    kinds = sorted({f["kind"] for f in results["extra_data"]["flags"]})
    if kinds:
        lines += ["", "Flags for the course staff: " + ", ".join(f"`{k}`" for k in kinds)]
    return "\n".join(lines) + "\n"


# --- the run's context -----------------------------------------------------------------------

@dataclass
class Context:
    """What the runner tells a step, from the ``GITHUB_*`` variables (set by GitHub, trusted)."""
    api_url: str
    server_url: str
    repository: str
    token: str | None
    event_path: Path | None
    step_summary: Path | None
    output: Path | None
    workspace: Path

    @classmethod
    def from_environment(cls, environ=os.environ) -> Context:
        def path(name):
            return Path(environ[name]) if environ.get(name) else None
        return cls(api_url=environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
                   server_url=environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/"),
                   repository=environ.get("GITHUB_REPOSITORY", ""),
                   token=environ.get("GITHUB_TOKEN") or None,
                   event_path=path("GITHUB_EVENT_PATH"), step_summary=path("GITHUB_STEP_SUMMARY"),
                   output=path("GITHUB_OUTPUT"),
                   workspace=path("GITHUB_WORKSPACE") or Path.cwd())

    def event(self) -> dict:
        if not self.event_path or not self.event_path.is_file():
            raise InputError("no event payload (GITHUB_EVENT_PATH)")
        return json.loads(self.event_path.read_text(encoding="utf-8"))


# --- step: summary ---------------------------------------------------------------------------

def summary(results_path: Path, context: Context, stdout=None) -> int:
    stdout = stdout or sys.stdout
    results = load_results(results_path)
    text = render_summary(results, context.workspace)
    if context.step_summary:
        with context.step_summary.open("a", encoding="utf-8") as handle:
            handle.write(text)
    failing = [t for t in visible_tests(results) if t["status"] == "failed"]
    for test in failing[:MAX_LISTED_FAILURES]:
        path = module_file(results, test["tags"][0], context.workspace)
        where = {"file": path} if path else {}
        stdout.write(annotation("error", plain(first_problem(test)), **where,
                                title=plain(test["name"], 120)) + "\n")
    passed = sum(t["status"] == "passed" for t in visible_tests(results))
    stdout.write(f"public tests passed: {passed}/{len(visible_tests(results))}\n")
    if failing:  # the names and messages once more, readable, as untrusted text
        with Fence(stdout):
            for test in failing:
                stdout.write(f"FAILED {plain(test['name'])}: {plain(first_problem(test))}\n")
    return 0


# --- step: comment ---------------------------------------------------------------------------

class GitHubAPI:
    """The few REST calls the comment step makes (urllib; redirects are not followed, so the
    token never travels to another host)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.token = token
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def request(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "autograder-gha",
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        try:
            with self.opener.open(request, timeout=30) as response:
                payload = response.read(16 * 2**20)
        except urllib.error.HTTPError as error:
            raise InputError(f"GitHub API: {method} {path}: HTTP {error.code}") from None
        except urllib.error.URLError as error:
            raise InputError(f"GitHub API: {method} {path}: {error.reason}") from None
        return json.loads(payload) if payload else None


def marker(assignment: str) -> str:
    return f"<!-- autograder-score-comment {assignment} -->"


def pull_request_number(event: dict, repository: str, api: GitHubAPI) -> int:
    """The pull request whose grade run finished: from the event GitHub wrote, never from the
    artifact. ``workflow_run.pull_requests`` is empty for pull requests from forks; then the
    open pull requests of the head branch are asked, and the head commit must match."""
    run = event.get("workflow_run")
    if not isinstance(run, dict) or run.get("event") != "pull_request":
        raise InputError("the event is not a completed run of a pull_request workflow")
    head_sha = run.get("head_sha")
    if not isinstance(head_sha, str) or not re.fullmatch(r"[0-9a-f]{40}", head_sha):
        raise InputError("the event has no head commit")
    ours = f"/repos/{repository}".lower()
    for pull in run.get("pull_requests") or []:
        base_url = str(pull.get("base", {}).get("repo", {}).get("url", "")).lower()
        if (pull.get("head", {}).get("sha") == head_sha and base_url.endswith(ours)
                and isinstance(pull.get("number"), int)):
            return pull["number"]
    owner = (run.get("head_repository") or {}).get("owner", {}).get("login")
    branch = run.get("head_branch")
    if isinstance(owner, str) and isinstance(branch, str):
        query = urllib.parse.urlencode({"state": "open", "head": f"{owner}:{branch}",
                                        "per_page": 100})
        for pull in api.request("GET", f"/repos/{repository}/pulls?{query}") or []:
            if pull.get("head", {}).get("sha") == head_sha and isinstance(pull.get("number"), int):
                return pull["number"]
    raise InputError("no open pull request of this repository has the graded commit")


def find_comment(api: GitHubAPI, repository: str, number: int, tag: str) -> int | None:
    for page in range(1, 31):
        comments = api.request(
            "GET", f"/repos/{repository}/issues/{number}/comments?per_page=100&page={page}") or []
        for comment in comments:
            if (comment.get("user", {}).get("login") == COMMENT_AUTHOR
                    and str(comment.get("body", "")).startswith(tag)):
                return comment["id"]
        if len(comments) < 100:
            return None
    return None


def comment_body(results: dict, run: dict, context: Context) -> str:
    assignment = results["extra_data"]["assignment"]
    head = run["head_sha"][:7]
    run_id = run.get("id")
    link = (f" ([run]({context.server_url}/{context.repository}/actions/runs/{run_id}))"
            if isinstance(run_id, int) else "")
    return (f"{marker(assignment)}\n{render_summary(results, context.workspace)}\n"
            f"<sub>Public tests of commit {head}{link}. This comment is updated on every push."
            "</sub>\n")


def comment(results_path: Path, context: Context, stdout=None) -> int:
    stdout = stdout or sys.stdout
    if not REPOSITORY.fullmatch(context.repository):
        raise InputError("GITHUB_REPOSITORY is not owner/name")
    if not context.token:
        raise InputError("GITHUB_TOKEN is not set")
    results = load_results(results_path)
    event = context.event()
    api = GitHubAPI(context.api_url, context.token)
    number = pull_request_number(event, context.repository, api)
    body = comment_body(results, event["workflow_run"], context)
    existing = find_comment(api, context.repository, number,
                            marker(results["extra_data"]["assignment"]))
    if existing is None:
        created = api.request("POST", f"/repos/{context.repository}/issues/{number}/comments",
                              {"body": body})
        stdout.write(f"created comment {created.get('id')} on pull request #{number}\n")
    else:
        api.request("PATCH", f"/repos/{context.repository}/issues/comments/{existing}",
                    {"body": body})
        stdout.write(f"updated comment {existing} on pull request #{number}\n")
    return 0


# --- step: shards ----------------------------------------------------------------------------

def shard_matrix(count: int) -> dict:
    return {"include": [{"shard": f"{k}/{count}", "name": f"shard-{k}-of-{count}"}
                        for k in range(1, count + 1)]}


def shards(count_text: str, context: Context, stdout=None) -> int:
    stdout = stdout or sys.stdout
    if not re.fullmatch(r"[0-9]{1,3}", count_text.strip()) or not (
            1 <= int(count_text) <= MAX_SHARDS):
        raise InputError(f"shards: give a whole number from 1 to {MAX_SHARDS}")
    line = "matrix=" + json.dumps(shard_matrix(int(count_text)), separators=(",", ":"))
    if context.output:
        with context.output.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    stdout.write(line + "\n")
    return 0


# --- step: collect ---------------------------------------------------------------------------

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
    size limits: the module files (the manifest's, as ``autograder.collect``) and the notebook."""
    from autograder import assignment as course
    from autograder.collect import MAX_MODULE_BYTES  # the grader's own rules

    assignment = course.resolve(assignment)
    files = [(name, MAX_MODULE_BYTES) for name in assignment.module_files]
    files += [(assignment.notebook, MAX_NOTEBOOK_BYTES)] if assignment.notebook else []
    return f"assignments/{assignment.name}/", files


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
            found.error = "the folder's name is not a student id ([A-Za-z0-9._-]{1,100})"
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


# --- command line ------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder.gha", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    step = steps.add_parser("summary", help="job summary and annotations from results.json")
    step.add_argument("results")
    step = steps.add_parser("fence", help="run a command with workflow commands switched off")
    step.add_argument("command", nargs=argparse.REMAINDER)
    step = steps.add_parser("comment", help="create or update the pull request's score comment")
    step.add_argument("results")
    step = steps.add_parser("shards", help="write the shard matrix to $GITHUB_OUTPUT")
    step.add_argument("count")
    step = steps.add_parser("collect", help="each student's module files at the deadline")
    source = step.add_mutually_exclusive_group(required=True)
    source.add_argument("--repos", metavar="FILE", help="lines 'student-id owner/repo'")
    source.add_argument("--archive", metavar="FILE", help=".zip or .tar.gz, a folder per student")
    step.add_argument("--deadline", help="ISO 8601 with a time zone, or 'head' (the head now)")
    step.add_argument("--ref", help="only this branch (default: the newest commit on any)")
    step.add_argument("-o", "--output", required=True, metavar="SUBMISSIONS_DIR")
    step.add_argument("--manifest", metavar="PATH", help="also write what was taken, as JSON")
    step.add_argument("--jobs", type=int, default=4, help="repositories fetched at once")
    step.add_argument("--assignment", metavar="NAME",
                      help="the assignment whose files to take (default: the current one)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    context = Context.from_environment()
    try:
        if args.step == "summary":
            return summary(Path(args.results), context)
        if args.step == "fence":
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
            return fence_command(command)
        if args.step == "comment":
            return comment(Path(args.results), context)
        if args.step == "shards":
            return shards(args.count, context)
        return collect(args, context)
    except InputError as error:
        print(f"autograder.gha {args.step}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
