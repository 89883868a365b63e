"""The GitHub workflows, proved offline: linted (zizmor, the workflow JSON schema), checked for
the properties that keep students away from secrets and hidden tests, and every step they run
(``python -m autograder.gha``) driven here with a simulated runner: ``GITHUB_*`` variables, a
step-summary file, an event payload and, for the PR comment, a fake GitHub REST API."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from autograder import gha, report
from autograder.assignment import load
from autograder.collect import MAX_MODULE_BYTES
from autograder.scoring import TestScore as Score

MODULES = load("a1_neurons").module_names

REPO = Path(__file__).resolve().parent.parent
STUDENT_WORKFLOWS = REPO / "autograder" / "templates" / "student" / ".github" / "workflows"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml")) + sorted(
    STUDENT_WORKFLOWS.glob("*.yml"))
BIN = Path(sys.executable).parent
HEAD_SHA = "a" * 40
HOSTILE = ("::set-output name=score::100\n::add-mask::x `tick` @octocat #1 <img src=x "
           "onerror=alert(1)> [click](https://evil.example) ![i](https://evil.example/i.png) "
           "\u202etxt.exe **bold** | pipe")
HOSTILE_FRAGMENTS = ("::set-output", "::add-mask", "@octocat", "<img", "evil.example", "**bold**")


def workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(path: Path):
    for job in workflow(path)["jobs"].values():
        yield from job.get("steps", [])


def test_every_workflow_is_found():
    names = {p.relative_to(REPO).as_posix() for p in WORKFLOWS}
    assert {".github/workflows/ci.yml", ".github/workflows/gpu-parity.yml",
            ".github/workflows/grade-class.yml",
            "autograder/templates/student/.github/workflows/grade.yml",
            "autograder/templates/student/.github/workflows/comment.yml"} <= names, names


# --- linters -----------------------------------------------------------------------------------

def _run_tool(*command: str) -> subprocess.CompletedProcess:
    tool = BIN / command[0]
    assert tool.is_file(), f"{command[0]} is not installed in {BIN} (pip install -e '.[dev]')"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GH_", "GITHUB_"))}
    return subprocess.run([str(tool), *command[1:]], capture_output=True, text=True, cwd=REPO,
                          env=environ, timeout=300)


def test_zizmor_finds_nothing():
    result = _run_tool("zizmor", "--offline", "--no-progress",
                       *(str(p.relative_to(REPO)) for p in WORKFLOWS))
    assert result.returncode == 0, f"zizmor --offline:\n{result.stdout}\n{result.stderr}"


def test_workflows_match_github_schema():
    result = _run_tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                       *(str(p) for p in WORKFLOWS))
    assert result.returncode == 0, f"check-jsonschema:\n{result.stdout}\n{result.stderr}"


def test_zizmor_ignores_are_justified():
    for path in WORKFLOWS:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "zizmor: ignore" in line:
                reason = line.split("zizmor: ignore", 1)[1].split("]", 1)[1]
                assert len(reason.strip(" -#")) > 20, f"{path.name}:{number}: say why"


# --- properties --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_no_injection(path):
    data = workflow(path)
    assert "permissions" in data, f"{path.name}: no top-level permissions"
    for name, job in data["jobs"].items():
        assert "timeout-minutes" in job, f"{path.name}: job {name} has no timeout"
    for step in steps(path):
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, \
                f"{path.name}: a checkout keeps its credentials"
        if "run" in step:  # inputs, event fields, matrix values: through env only
            assert "${{" not in step["run"], f"{path.name}: an expression inside run:"
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = re.search(r"uses:\s*(\S+)", line)
        if match and not match.group(1).startswith("./"):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", match.group(1)) and re.search(
                r"# v\d", line), f"{path.name}:{number}: pin actions by commit, name the version"


def test_same_action_same_commit():
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for action, sha in re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@([0-9a-f]{40})",
                                      path.read_text()):
            pins.setdefault(action, set()).add(sha)
    assert all(len(shas) == 1 for shas in pins.values()), pins


def test_student_workflows_hold_no_secret_and_little_power():
    grade, comment = (workflow(STUDENT_WORKFLOWS / f"{n}.yml") for n in ("grade", "comment"))
    for path in STUDENT_WORKFLOWS.glob("*.yml"):
        assert "secrets." not in path.read_text(), f"{path.name} references a secret"
    assert grade[True] == {"pull_request": None}  # YAML 1.1 reads the key `on` as True
    assert grade["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in grade["jobs"].values())
    runs = " ".join(s.get("run", "") for s in steps(STUDENT_WORKFLOWS / "grade.yml"))
    assert "autograder grade --public-only . -o results.json" in runs
    assert "autograder.gha fence --" in runs and "autograder.gha summary results.json" in runs
    # the comment: after grade, on the default branch's code, artifact outside the workspace
    assert comment[True]["workflow_run"]["workflows"] == [grade["name"]]
    assert comment["permissions"] == {}
    (job,) = comment["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    for step in job["steps"]:
        assert "ref" not in step.get("with", {}), "the comment job checks out the default branch"
        if step.get("uses", "").startswith("actions/download-artifact@"):
            assert step["with"]["path"].startswith("${{ runner.temp }}")


def test_instructor_workflow_keeps_inputs_and_secrets_in_their_place():
    data = workflow(REPO / ".github" / "workflows" / "grade-class.yml")
    assert set(data[True]) == {"workflow_dispatch"}
    for name, job in data["jobs"].items():
        text = yaml.safe_dump(job)
        if "secrets." in text:
            assert job.get("environment") == "grading", f"job {name}: secrets outside 'grading'"
    runs = " ".join(s.get("run", "") for s in steps(REPO / ".github/workflows/grade-class.yml"))
    for command in ("autograder.gha collect", "autograder.gha shards", "autograder batch",
                    "--shard \"$SHARD\"", "autograder merge", "autograder report"):
        assert command in runs, command


def test_gpu_workflow_is_off_unless_switched_on():
    data = workflow(REPO / ".github" / "workflows" / "gpu-parity.yml")
    (job,) = data["jobs"].values()
    assert job["if"] == "vars.GPU_PARITY == 'true'"
    assert job["runs-on"] == ["self-hosted", "gpu"]
    assert "pull_request" not in data[True] and "pull_request_target" not in data[True]


# --- a simulated runner ----------------------------------------------------------------------

def run_commands(output: str) -> list[tuple[str, dict, str]]:
    """The workflow commands the runner would act on in ``output``: (command, properties,
    data), honouring ::stop-commands:: / ::TOKEN:: as the runner does."""
    commands, stopped = [], None
    for line in output.splitlines():
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
            continue
        match = re.fullmatch(r"::([\w-]+)(?: ([^:]*))?::(.*)", line)
        if not match:
            continue
        name, props, data = match.groups()
        if name == "stop-commands":
            stopped = data
            continue
        properties = dict(p.split("=", 1) for p in props.split(",")) if props else {}
        commands.append((name, properties, data))
    return commands


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def outside_code_spans(markdown: str) -> str:
    """What GitHub would render as Markdown: the text with every code span taken out."""
    return re.sub(r"(`+)(.+?)(?<!`)\1(?!`)", " ", markdown)


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """The GITHUB_* variables of a job (its workspace: this repository, whose module files
    the annotations name), with the files they point to in ``tmp_path``."""
    for name in [n for n in os.environ if n.startswith("GITHUB_")] + ["COLLECT_TOKEN"]:
        monkeypatch.delenv(name, raising=False)
    env = {"GITHUB_WORKSPACE": str(REPO), "GITHUB_REPOSITORY": "course/alice-a1",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "step_summary.md"),
           "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
           "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
           "GITHUB_SERVER_URL": "https://github.com", "GITHUB_TOKEN": "ghs_not-a-real-token"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def score(module: str, function: str, passed: int, total: int, messages=(), suite="public",
          points=1.0) -> Score:
    return Score(suite, f"test_{module}.py", function, module, False, points,
                 score=points * passed / total, passed=passed, total=total,
                 messages=list(messages))


def made_results(tmp_path: Path, name="results.json", message=HOSTILE) -> Path:
    """results.json from autograder.report, with a student's exception text in it."""
    scores = [score("activations", "test_logistic_matches_torch", 3, 4, [message]),
              score("activations", "test_relu_is_max", 1, 1),
              score("loss", "test_rms_error_value", 0, 1,
                    ["NotImplementedError: loss.rms_error is not implemented yet"]),
              score("loss", "test_hidden_thing", 0, 1, ["hidden"], suite="hidden"),
              score("notebook", "plot_of_the_fit", 1, 1)]  # a notebook cell: no .py file
    outcome = report.Outcome("a1_neurons", scores, [], [], 1.5, public_only=False)
    path = tmp_path / name
    path.write_text(json.dumps(report.results_json(outcome)))
    return path


def run_step(step: dict, cwd: Path, env: dict, values: dict | None = None,
             status: int = 0) -> str:
    """A workflow step's `run:` script as the runner runs it (bash -eo pipefail, `python` the
    set-up Python), with the step's `env:`, whose `${{ }}` expressions take their ``values``;
    its output, after checking its exit status."""
    step_env = {}
    for name, value in step.get("env", {}).items():
        value = str(value)
        if "${{" in value:
            assert value in (values or {}), f"{name}: give the test a value for {value}"
            value = values[value]
        step_env[name] = value
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    environ.update(PATH=f"{REPO / '.venv' / 'bin'}:{os.environ['PATH']}", **env, **step_env)
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                             step["run"]], cwd=cwd, env=environ, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == status, (f"{step.get('name', step['run'])}: exit "
                                         f"{result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def named_step(path: Path, name: str) -> dict:
    return next(s for s in steps(path) if s.get("name") == name)


@pytest.fixture(scope="session")
def student_job(tmp_path_factory) -> dict:
    """grade.yml's steps after `make setup`, run in a checkout of the student repository (the
    stubs, and this repository's .venv as the one `make setup` made): the real grader, a few
    seconds."""
    workspace = tmp_path_factory.mktemp("student-checkout")
    shutil.copytree(REPO / "assignments", workspace / "assignments",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (workspace / ".venv").symlink_to(REPO / ".venv")
    env = {"GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(workspace.parent / (
        workspace.name + "-summary.md")), "GITHUB_EVENT_NAME": "pull_request"}
    outputs = {}
    for step in steps(STUDENT_WORKFLOWS / "grade.yml"):
        if "run" in step and step["run"] != "make setup":
            outputs[step["name"]] = run_step(step, workspace, env)
        if step.get("uses", "").startswith("actions/upload-artifact@"):
            uploaded = workspace / step["with"]["path"]
    return {"workspace": workspace, "outputs": outputs, "results": uploaded,
            "summary": Path(env["GITHUB_STEP_SUMMARY"])}


@pytest.mark.slow
def test_student_grade_job_runs_as_written(student_job):
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(gha.load_schema())
    results = gha.load_results(student_job["results"])  # what the artifact holds: valid
    assert results["extra_data"]["public_only"] and results["score"] == 0
    grading, annotating = student_job["outputs"].values()
    assert run_commands(grading) == [] and "score: 0 / " in grading  # fenced
    errors = run_commands(annotating)
    assert [name for name, _, _ in errors] == ["error"] * gha.MAX_LISTED_FAILURES
    assert {props["file"] for _, props, _ in errors} <= {
        f"assignments/a1_neurons/{m}.py" for m in MODULES}
    summary = student_job["summary"].read_text()
    assert "| **total** | 0/" in summary and "NotImplementedError" in summary


def test_summary_fences_untrusted_text(tmp_path, runner, capsys):
    results = made_results(tmp_path)
    assert gha.main(["summary", str(results)]) == 0
    out = capsys.readouterr().out
    commands = run_commands(out)
    # exactly one annotation per failing public test, and nothing else the runner acts on
    assert [name for name, _, _ in commands] == ["error", "error"]
    (_, props, data), _ = commands
    assert props["file"] == "assignments/a1_neurons/activations.py"
    assert unescape(props["title"]) == "activations: logistic matches torch"
    assert "::set-output" in unescape(data) and "\n" not in unescape(data)  # one line: inert
    assert "FAILED activations: logistic matches torch" in out  # readable, inside the fence
    tokens = re.findall(r"^::stop-commands::(\w+)$", out, re.M)
    assert len(tokens) == 1 and f"\n::{tokens[0]}::\n" in out and len(tokens[0]) >= 32
    summary = Path(runner["GITHUB_STEP_SUMMARY"]).read_text()
    assert "| `activations.py` | 4/5 | 1.75/2 |" in summary
    assert "| `notebook` | 1/1 | 1/1 |" in summary
    assert "1 hidden test also ran" in summary  # counted, never shown
    assert "test_hidden_thing" not in summary and "hidden thing" not in summary
    rendered = outside_code_spans(summary)
    assert not any(fragment in rendered for fragment in HOSTILE_FRAGMENTS), rendered
    assert "\u202e" not in summary


def test_summary_runs_as_a_module(tmp_path, runner):
    """`python -m autograder.gha` is what the workflow runs."""
    results = made_results(tmp_path)
    result = subprocess.run([sys.executable, "-m", "autograder.gha", "summary", str(results)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [c[0] for c in run_commands(result.stdout)] == ["error", "error"]


def test_fence_keeps_a_command_from_issuing_workflow_commands():
    script = ("import sys; print('::set-output name=x::1'); print('::error::forged'); "
              "sys.stdout.write('no newline at the end'); sys.exit(3)")
    result = subprocess.run([sys.executable, "-m", "autograder.gha", "fence", "--",
                             sys.executable, "-c", script],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3  # the command's own status
    assert run_commands(result.stdout) == []
    assert "::set-output name=x::1" in result.stdout
    assert result.stdout.splitlines()[-2] == "no newline at the end"  # resume on its own line


# --- the comment workflow, against a fake GitHub -----------------------------------------------

class FakeGitHub:
    """Just enough of the REST API: issue comments and the pull request list."""

    def __init__(self):
        self.requests: list[dict] = []
        self.comments: dict[int, dict] = {}
        self.pulls: list[dict] = []
        self.next_id = 1000
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.requests.append({"method": self.command, "path": self.path, "body": body,
                                      "auth": self.headers.get("Authorization")})
                path = self.path.split("?")[0]
                if self.command == "GET" and re.fullmatch(r"/repos/[^/]+/[^/]+/pulls", path):
                    return self._reply(200, fake.pulls)
                match = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/(\d+)/comments", path)
                if match and self.command == "GET":
                    number = int(match.group(1))
                    return self._reply(200, [c for c in fake.comments.values()
                                             if c["issue"] == number])
                if match and self.command == "POST":
                    fake.next_id += 1
                    fake.comments[fake.next_id] = {
                        "id": fake.next_id, "issue": int(match.group(1)), "body": body["body"],
                        "user": {"login": "github-actions[bot]"}}
                    return self._reply(201, fake.comments[fake.next_id])
                match = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/comments/(\d+)", path)
                if match and self.command == "PATCH":
                    fake.comments[int(match.group(1))]["body"] = body["body"]
                    return self._reply(200, fake.comments[int(match.group(1))])
                return self._reply(404, {"message": "Not Found"})

            def do_GET(self):
                self._handle()

            def do_POST(self):
                self._handle()

            def do_PATCH(self):
                self._handle()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def github(runner, monkeypatch):
    with FakeGitHub() as fake:
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        yield fake


def write_event(runner, pull_requests, event="pull_request", **extra):
    run = {"id": 4242, "event": event, "conclusion": "success", "head_sha": HEAD_SHA,
           "head_branch": "solve", "head_repository": {"owner": {"login": "alice"}},
           "pull_requests": pull_requests, **extra}
    Path(runner["GITHUB_EVENT_PATH"]).write_text(json.dumps({"workflow_run": run}))


def pull(number, sha=HEAD_SHA, repository="course/alice-a1"):
    return {"number": number, "head": {"sha": sha},
            "base": {"repo": {"url": f"https://api.github.com/repos/{repository}"}}}


def test_comment_is_created_then_updated(tmp_path, runner, github, capsys):
    github.comments[1] = {"id": 1, "issue": 7, "user": {"login": "alice"},  # a look-alike
                          "body": gha.marker("a1_neurons") + "\nforged"}
    write_event(runner, [pull(8, sha="b" * 40), pull(7), pull(9, repository="other/repo")])
    results = made_results(tmp_path)
    data = json.loads(results.read_text())
    data["extra_data"]["pull_request"] = 99  # the artifact's word counts for nothing
    results.write_text(json.dumps(data))

    assert gha.main(["comment", str(results)]) == 0
    posted = [r for r in github.requests if r["method"] == "POST"]
    assert [r["path"] for r in posted] == ["/repos/course/alice-a1/issues/7/comments"]
    assert all(r["auth"] == "Bearer ghs_not-a-real-token" for r in github.requests)
    body = posted[0]["body"]["body"]
    assert body.startswith(gha.marker("a1_neurons"))
    assert "| `activations.py` | 4/5 | 1.75/2 |" in body and "| `loss.py` | 0/1 | 0/1 |" in body
    assert "| **total** | 5/7 | **2.75/4** |" in body
    assert "commit aaaaaaa" in body and "/course/alice-a1/actions/runs/4242" in body
    rendered = outside_code_spans(body)
    assert not any(fragment in rendered for fragment in HOSTILE_FRAGMENTS), rendered

    made_results(tmp_path, message="now a different problem")
    assert gha.main(["comment", str(results)]) == 0
    ours = [c for c in github.comments.values() if c["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1 and "now a different problem" in ours[0]["body"]  # updated in place
    assert github.comments[1]["body"].endswith("forged")  # the look-alike is left alone
    assert [r["method"] for r in github.requests].count("PATCH") == 1
    out = capsys.readouterr().out
    assert "created comment" in out and "updated comment" in out
    assert "ghs_not-a-real-token" not in out


def test_comment_finds_a_fork_pull_request_by_its_head(tmp_path, runner, github):
    """workflow_run.pull_requests is empty for pull requests from forks."""
    write_event(runner, [])
    github.pulls = [{"number": 3, "head": {"sha": "c" * 40}},
                    {"number": 5, "head": {"sha": HEAD_SHA}}]
    assert gha.main(["comment", str(made_results(tmp_path))]) == 0
    listed = [r["path"] for r in github.requests if "/pulls?" in r["path"]]
    assert listed and "head=alice%3Asolve" in listed[0]
    assert [r["path"] for r in github.requests if r["method"] == "POST"] == [
        "/repos/course/alice-a1/issues/5/comments"]


@pytest.mark.slow
def test_comment_job_runs_as_written(student_job, runner, github, tmp_path):
    """comment.yml's last step, on the artifact the grade job uploaded, as download-artifact
    leaves it: in $RUNNER_TEMP/artifact."""
    write_event(runner, [pull(7)])
    runner_temp = tmp_path / "runner-temp"
    (runner_temp / "artifact").mkdir(parents=True)
    shutil.copy(student_job["results"], runner_temp / "artifact" / "results.json")
    step = named_step(STUDENT_WORKFLOWS / "comment.yml", "Create or update the comment")
    env = {**{k: v for k, v in runner.items() if k != "GITHUB_TOKEN"},
           "GITHUB_API_URL": github.url, "RUNNER_TEMP": str(runner_temp)}
    out = run_step(step, tmp_path, env, {"${{ github.token }}": "ghs_job-token"})
    assert out.startswith("created comment")
    (request,) = [r for r in github.requests if r["method"] == "POST"]
    assert request["path"].endswith("/issues/7/comments")
    assert request["auth"] == "Bearer ghs_job-token"
    assert re.search(r"\| \*\*total\*\* \| 0/\d+ \| \*\*0/\d+\*\* \|", request["body"]["body"])


def _break(results: dict, how: str) -> str | dict:
    if how == "score is text":
        results["score"] = "100"
    elif how == "module is a path":
        results["tests"][0]["tags"][0] = "../../etc/passwd"
    elif how == "unknown test field":
        results["tests"][0]["html"] = "<script>"
    elif how == "huge name":
        results["tests"][0]["name"] = "x" * 10_000
    elif how == "negative points":
        results["tests"][0]["max_score"] = -5
    elif how == "assignment with markup":
        results["extra_data"]["assignment"] = "a1 <b>@octocat</b>"
    elif how == "not JSON":
        return "{'score': NaN"
    elif how == "NaN":
        return json.dumps(results).replace('"score": 0.0', '"score": NaN', 1)
    return results


@pytest.mark.parametrize("how", ["score is text", "module is a path", "unknown test field",
                                 "huge name", "negative points", "assignment with markup",
                                 "not JSON", "NaN"])
def test_comment_rejects_an_invalid_artifact(how, tmp_path, runner, github, capsys):
    write_event(runner, [pull(7)])
    path = made_results(tmp_path)
    broken = _break(json.loads(path.read_text()), how)
    path.write_text(broken if isinstance(broken, str) else json.dumps(broken))
    assert gha.main(["comment", str(path)]) == 2
    captured = capsys.readouterr()
    assert github.requests == []  # nothing reached GitHub
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert "octocat" not in captured.err and "<" not in captured.err
    assert run_commands(captured.out + captured.err) == []


def test_comment_refuses_other_events_and_symlinks(tmp_path, runner, github):
    write_event(runner, [pull(7)], event="push")
    assert gha.main(["comment", str(made_results(tmp_path))]) == 2
    link = tmp_path / "link.json"
    link.symlink_to(made_results(tmp_path))
    write_event(runner, [pull(7)])
    assert gha.main(["comment", str(link)]) == 2
    assert [r["method"] for r in github.requests] == []


def test_code_span_survives_backticks():
    for text in ("a`b", "``x``", "`", "plain", "a\nb\r\nc\u2028d"):
        span = gha.code_span(text)
        assert "\n" not in span and outside_code_spans("x " + span + " y") == "x   y"


# --- shards ----------------------------------------------------------------------------------

def test_shards_write_the_matrix(runner):
    assert gha.main(["shards", "3"]) == 0
    key, value = Path(runner["GITHUB_OUTPUT"]).read_text().strip().split("=", 1)
    assert key == "matrix"
    assert json.loads(value) == {"include": [
        {"shard": "1/3", "name": "shard-1-of-3"}, {"shard": "2/3", "name": "shard-2-of-3"},
        {"shard": "3/3", "name": "shard-3-of-3"}]}
    for bad in ("0", "257", "2; rm -rf /", "two", ""):
        assert gha.main(["shards", bad]) == 2


# --- collect: repositories -------------------------------------------------------------------

DEADLINE = "2025-03-14T23:59:00+01:00"  # 22:59 UTC


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environ.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd), GIT_AUTHOR_NAME="s",
                   GIT_AUTHOR_EMAIL="s@example.com", GIT_COMMITTER_NAME="s",
                   GIT_COMMITTER_EMAIL="s@example.com")
    if date:
        environ.update(GIT_COMMITTER_DATE=date, GIT_AUTHOR_DATE=date)
    return subprocess.run(["git", *args], cwd=cwd, env=environ, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit(work: Path, files: dict[str, str | None], date: str, branch: str | None = None) -> str:
    """Commit ``files`` (text, None to delete, "->target" for a symlink) dated ``date``."""
    if branch:
        git(work, "checkout", "-q", "-B", branch)
    for name, text in files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.unlink()
        elif text.startswith("->"):
            path.unlink(missing_ok=True)
            path.symlink_to(text[2:])
        else:
            path.write_text(text)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", date, date=date)
    return git(work, "rev-parse", "HEAD")


def student_repository(server: Path, name: str) -> Path:
    work = server.parent / "work" / name
    work.mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    return work


def publish(work: Path, server: Path, name: str) -> None:
    bare = server / f"{name}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(server, "clone", "-q", "--bare", str(work), str(bare))


@pytest.fixture
def classroom(tmp_path):
    """A git server (file://) with the repositories of four students."""
    server = tmp_path / "server"
    pkg = "assignments/a1_neurons/"
    alice = student_repository(server, "alice")
    commit(alice, {pkg + "activations.py": "v1", "conftest.py": "hostile",
                   pkg + "tests/test_activations.py": "edited"}, "2025-03-10T12:00:00+00:00")
    alice_taken = commit(alice, {pkg + "activations.py": "v2", pkg + "neuron.py": "n",
                                 pkg + "loss.py": "->/etc/passwd", pkg + "helper.py": "x",
                                 pkg + "experiments.ipynb": "{}"}, "2025-03-14T22:58:00+00:00")
    commit(alice, {pkg + "activations.py": "late"}, "2025-03-14T23:30:00+00:00")
    publish(alice, server, "alice/a1")

    bob = student_repository(server, "bob")  # started after the deadline
    commit(bob, {pkg + "activations.py": "b"}, "2025-03-15T09:00:00+00:00")
    publish(bob, server, "bob/a1")

    carol = student_repository(server, "carol")  # worked on a branch, as the guide says
    commit(carol, {pkg + "splits.py": "main"}, "2025-03-01T10:00:00+00:00")
    carol_branch = commit(carol, {pkg + "splits.py": "branch"}, "2025-03-12T10:00:00+00:00",
                          branch="solve")
    publish(carol, server, "carol/a1")

    mallory = student_repository(server, "mallory")  # late work, date set back by hand
    commit(mallory, {pkg + "polyfit.py": "honest"}, "2025-03-13T10:00:00+00:00")
    commit(mallory, {pkg + "polyfit.py": "late"}, "2025-03-15T10:00:00+00:00")
    forged = commit(mallory, {pkg + "polyfit.py": "forged"}, "2025-03-14T20:00:00+00:00")
    publish(mallory, server, "mallory/a1")

    roster = tmp_path / "roster.txt"
    roster.write_text("# student repository\nalice alice/a1\nbob bob/a1  # late\n\n"
                      "carol carol/a1\nmallory mallory/a1\n")
    return {"server": server, "roster": roster, "alice": alice_taken, "carol": carol_branch,
            "mallory": forged}


def test_collect_takes_the_last_commit_before_the_deadline(classroom, tmp_path, runner,
                                                            monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_SERVER_URL", f"file://{classroom['server']}")
    monkeypatch.setenv("COLLECT_TOKEN", "collect-token-secret")
    out, manifest = tmp_path / "submissions", tmp_path / "manifest.json"
    assert gha.main(["collect", "--repos", str(classroom["roster"]), "--deadline", DEADLINE,
                     "-o", str(out), "--manifest", str(manifest)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["alice", "carol", "mallory"]
    assert sorted(p.name for p in (out / "alice").iterdir()) == [
        "activations.py", "experiments.ipynb", "neuron.py"]  # no conftest, symlink, helper
    assert (out / "alice" / "activations.py").read_text() == "v2"
    assert (out / "carol" / "splits.py").read_text() == "branch"  # newest on any branch
    assert (out / "mallory" / "polyfit.py").read_text() == "forged"  # dates can be forged...
    entries = {e["student"]: e for e in json.loads(manifest.read_text())["submissions"]}
    assert entries["alice"]["commit"] == classroom["alice"]
    assert any("loss.py: not a regular file" in p for p in entries["alice"]["problems"])
    assert entries["bob"]["error"] == "no commit at or before the deadline"
    assert any("out of order" in p for p in entries["mallory"]["problems"])  # ...and are noticed
    assert entries["alice"]["problems"] == [p for p in entries["alice"]["problems"]
                                            if "out of order" not in p]
    text = capsys.readouterr().out + manifest.read_text()
    assert "collect-token-secret" not in text

    assert gha.main(["collect", "--repos", str(classroom["roster"]), "--deadline", DEADLINE,
                     "--ref", "main", "-o", str(out)]) == 0  # a rerun replaces each folder
    assert (out / "carol" / "splits.py").read_text() == "main"
    assert gha.main(["collect", "--repos", str(classroom["roster"]), "--deadline", "head",
                     "-o", str(out)]) == 0
    assert (out / "alice" / "activations.py").read_text() == "late"
    assert (out / "bob" / "activations.py").read_text() == "b"
    assert gha.main(["collect", "--repos", str(classroom["roster"]), "--deadline", DEADLINE,
                     "-o", str(out)]) == 0
    assert not (out / "bob").exists()  # nothing before the deadline: no folder, not a stale one


def test_collect_sends_the_token_as_a_header_for_the_server_only():
    environ = gha._git_environment("https://github.com", "s3cr3t")
    assert environ["GIT_CONFIG_KEY_0"] == "http.https://github.com/.extraheader"
    assert environ["GIT_CONFIG_VALUE_0"] == "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46czNjcjN0"
    assert "s3cr3t" not in " ".join(v for k, v in environ.items() if k != "GIT_CONFIG_VALUE_0")


def test_collect_reports_repositories_it_cannot_fetch(tmp_path, runner, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_SERVER_URL", f"file://{tmp_path}/nowhere")
    roster = tmp_path / "roster.txt"
    roster.write_text("dave dave/a1\n")
    assert gha.main(["collect", "--repos", str(roster), "--deadline", DEADLINE,
                     "-o", str(tmp_path / "out")]) == 1
    assert "could not fetch 1 repositories: dave" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--deadline", "2025-03-14T23:59:00"],  # no time zone
                                  ["--deadline", "friday"], [], ["--ref=-x", "--deadline",
                                                                  DEADLINE]])
def test_collect_refuses_unusable_arguments(args, tmp_path, runner):
    roster = tmp_path / "roster.txt"
    roster.write_text("alice alice/a1\n")
    assert gha.main(["collect", "--repos", str(roster), *args, "-o", str(tmp_path / "o")]) == 2


@pytest.mark.parametrize("line", ["alice", "alice alice/a1 extra", ".hidden alice/a1",
                                  "alice ../etc", "alice a/b/c", "x y/z\nx y/w"])
def test_collect_refuses_a_bad_roster(line, tmp_path, runner):
    roster = tmp_path / "roster.txt"
    roster.write_text(line + "\n")
    assert gha.main(["collect", "--repos", str(roster), "--deadline", DEADLINE, "-o",
                     str(tmp_path / "o")]) == 2


# --- collect: archives -----------------------------------------------------------------------

def tar_archive(path: Path, members: list[tuple[str, bytes | str]]) -> Path:
    """(name, bytes) files, or (name, "->target") symbolic links."""
    with tarfile.open(path, "w:gz") as archive:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.mtime = int(time.time())
            if isinstance(content, str):
                info.type, info.linkname = tarfile.SYMTYPE, content[2:]
                archive.addfile(info)
            else:
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    return path


def zip_archive(path: Path, members: list[tuple[str, bytes | str]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name)
            if isinstance(content, str):
                info.external_attr = (0o120777 << 16)
                archive.writestr(info, content[2:])
            else:
                info.external_attr = (0o100644 << 16)
                archive.writestr(info, content)
    return path


@pytest.mark.parametrize("make", [tar_archive, zip_archive], ids=["tar.gz", "zip"])
def test_collect_takes_only_module_files_from_an_archive(make, tmp_path, runner, capsys):
    archive = make(tmp_path / "export", [
        ("alice/assignments/a1_neurons/activations.py", b"a"),
        ("alice/assignments/a1_neurons/conftest.py", b"hostile"),
        ("alice/activations.py", b"not the checkout's"),
        ("alice/conftest.py", b"hostile"),
        ("bob/neuron.py", b"n"), ("bob/experiments.ipynb", b"{}"),
        ("bob/splits.py", b"x" * (MAX_MODULE_BYTES + 1)),
        ("erin/README.md", b"nothing to grade"),
        ("bad name!/activations.py", b"a"), ("notes.txt", b"top-level file")])
    out = tmp_path / "submissions"
    assert gha.main(["collect", "--archive", str(archive), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["alice", "bob", "erin"]
    assert [p.name for p in (out / "alice").iterdir()] == ["activations.py"]
    assert (out / "alice" / "activations.py").read_bytes() == b"a"
    assert sorted(p.name for p in (out / "bob").iterdir()) == ["experiments.ipynb", "neuron.py"]
    assert list((out / "erin").iterdir()) == []  # graded as an empty submission
    printed = capsys.readouterr().out
    assert "splits.py: larger than 512 KiB" in printed and "'bad name!'" in printed


@pytest.mark.parametrize("make", [tar_archive, zip_archive], ids=["tar.gz", "zip"])
@pytest.mark.parametrize("member", [("../evil.py", b"x"), ("alice/../../evil.py", b"x"),
                                    ("/tmp/evil.py", b"x"),
                                    ("alice/activations.py", "->/etc/passwd")],
                         ids=["dotdot", "nested dotdot", "absolute", "symlink"])
def test_collect_refuses_an_unsafe_archive(make, member, tmp_path, runner, capsys):
    archive = make(tmp_path / "export", [("alice/neuron.py", b"n"), member])
    out = tmp_path / "deep" / "submissions"
    assert gha.main(["collect", "--archive", str(archive), "-o", str(out)]) == 2
    assert "archive refused" in capsys.readouterr().err
    assert list(out.iterdir()) == []  # nothing was written, not even the safe member
    assert not (tmp_path / "evil.py").exists() and not (tmp_path / "deep" / "evil.py").exists()


def test_collect_refuses_what_is_not_an_archive(tmp_path, runner):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 but not really")
    assert gha.main(["collect", "--archive", str(junk), "-o", str(tmp_path / "o")]) == 2


# --- the instructor workflow's own scripts ---------------------------------------------------

GRADE_CLASS = REPO / ".github" / "workflows" / "grade-class.yml"


def class_inputs(**given) -> dict:
    inputs = {"assignment": "", "repos": "", "archive": "", "deadline": "", "ref": "",
              "shards": "2", **given}
    values = {f"${{{{ inputs.{k} }}}}": v for k, v in inputs.items()}
    values["${{ secrets.COLLECT_TOKEN }}"] = "collect-token-secret"
    values["${{ secrets.AUTOGRADER_SECRET }}"] = given.get("secret", "")
    values["${{ matrix.shard }}"] = "1/2"
    return values


def test_class_collect_job_runs_as_written(classroom, tmp_path):
    workspace = tmp_path / "instructor-checkout"
    workspace.mkdir()
    (workspace / ".venv").symlink_to(REPO / ".venv")
    env = {"GITHUB_SERVER_URL": f"file://{classroom['server']}", "RUNNER_TEMP": str(tmp_path),
           "GITHUB_OUTPUT": str(tmp_path / "output.txt")}
    values = class_inputs(repos=str(classroom["roster"]), deadline=DEADLINE, ref="main")
    out = run_step(named_step(GRADE_CLASS, "Collect"), workspace, env, values)
    assert "collect-token-secret" not in out
    (upload,) = [s for s in steps(GRADE_CLASS) if s.get("uses", "").startswith(
        "actions/upload-artifact@") and s["with"]["name"] == "submissions"]
    assert upload["with"]["path"].split() == ["submissions/", "collect-manifest.json"]
    assert sorted(p.name for p in (workspace / "submissions").iterdir()) == [
        "alice", "carol", "mallory"]
    assert (workspace / "submissions" / "carol" / "splits.py").read_text() == "main"  # --ref
    assert json.loads((workspace / "collect-manifest.json").read_text())["ref"] == "main"
    run_step(named_step(GRADE_CLASS, "Plan the shards"), workspace, env, values)
    matrix = json.loads((tmp_path / "output.txt").read_text().split("=", 1)[1])
    assert [job["shard"] for job in matrix["include"]] == ["1/2", "2/2"]

    # an archive instead of the roster (the download step leaves it in $RUNNER_TEMP), on a
    # fresh runner
    zip_archive(tmp_path / "submissions-archive", [("zoe/activations.py", b"z")])
    values = class_inputs(archive="https://lms.example/export.zip", deadline=DEADLINE)
    fresh = tmp_path / "fresh-checkout"
    fresh.mkdir()
    (fresh / ".venv").symlink_to(REPO / ".venv")
    run_step(named_step(GRADE_CLASS, "Collect"), fresh, env, values)
    assert [p.name for p in (fresh / "submissions").iterdir()] == ["zoe"]

    # another assignment of the course: its own files are taken, the current one's are not
    zip_archive(tmp_path / "submissions-archive", [("zoe/activations.py", b"a1"),
                                                   ("zoe/perceptron.py", b"a2")])
    values = class_inputs(archive="https://lms.example/export.zip", assignment="a2_perceptron")
    other = tmp_path / "other-checkout"
    other.mkdir()
    (other / ".venv").symlink_to(REPO / ".venv")
    run_step(named_step(GRADE_CLASS, "Collect"), other, env, values)
    assert [p.name for p in (other / "submissions" / "zoe").iterdir()] == ["perceptron.py"]

    # dispatch inputs are data: a deadline that is a shell command stays a (bad) deadline
    values = class_inputs(repos=str(classroom["roster"]), deadline="$(touch pwned)")
    run_step(named_step(GRADE_CLASS, "Collect"), workspace, env, values, status=2)
    assert not (workspace / "pwned").exists()


def test_class_grade_job_needs_the_secret(tmp_path):
    step = named_step(GRADE_CLASS,
                      "Grade the shard (as root, so the sandbox can switch to an unprivileged uid)")
    out = run_step(step, tmp_path, {}, class_inputs(), status=1)
    assert run_commands(out) == [("error", {}, "set the repository secret AUTOGRADER_SECRET "
                                  "(docs/instructor-guide.md)")]
