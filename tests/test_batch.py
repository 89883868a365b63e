"""``autograder batch`` and ``merge``: the same results as ``grade``, resumable after a kill,
shards that merge into the same gradebook, module results reused only for identical files."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import batch, dependencies, grade
from autograder.assignment import load
from autograder.sandbox import processes

MODULES = load("a1_neurons").module_names

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solutions" / "a1_neurons"
STUBS = REPO / "assignments" / "a1_neurons"
AUTOGRADER = [sys.executable, "-m", "autograder"]

pytestmark = pytest.mark.slow


def _submission(folder: Path, stub_modules=(), extra: str = "") -> Path:
    folder.mkdir(parents=True)
    for module in MODULES:
        source = STUBS if module in stub_modules else SOLUTION
        text = (source / f"{module}.py").read_text(encoding="utf-8")
        (folder / f"{module}.py").write_text(text + extra, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """Five students: full marks, nothing done, two halfway, one reference with a comment."""
    root = tmp_path_factory.mktemp("class") / "submissions"
    _submission(root / "ada")
    _submission(root / "bob", stub_modules=MODULES)
    _submission(root / "cy", stub_modules=("splits",))
    _submission(root / "dee", stub_modules=("activations", "loss"))
    _submission(root / "eve", extra="\n# a comment changes every closure that holds this file\n")
    shutil.copy(SOLUTION / "experiments.ipynb", root / "ada" / "experiments.ipynb")
    (root / "not a student").mkdir()  # reported and skipped
    return root


def _batch(*args, check=True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([*AUTOGRADER, "batch", *map(str, args)], cwd=REPO,
                            capture_output=True, text=True, timeout=900, **kwargs)
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("graded")
    return out, _batch(klass, "-o", out, "--jobs", "2")


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_batch_grades_every_student_and_writes_the_gradebook(graded):
    out, result = graded
    rows = {row["student"]: row for row in _rows(out / "gradebook.csv")}
    assert sorted(rows) == ["ada", "bob", "cy", "dee", "eve"]
    # ada also handed in the notebook: its checks count, its written answers wait for a human
    assert float(rows["ada"]["score"]) == float(rows["ada"]["max_score"]) == 120
    assert float(rows["ada"]["notebook"]) == 20 and float(rows["ada"]["notebook_pending"]) == 10
    # eve did not: the same maximum, her notebook's checks at 0 of their points
    assert float(rows["eve"]["score"]) == 100 and float(rows["eve"]["max_score"]) == 120
    assert float(rows["eve"]["notebook"]) == 0 and rows["eve"]["notebook_status"] == "absent"
    assert rows["ada"]["notebook_status"] == "graded"
    assert float(rows["bob"]["score"]) == 0
    assert float(rows["cy"]["splits"]) == 0 and float(rows["cy"]["polyfit"]) == 20
    assert 0 < float(rows["dee"]["score"]) < 100
    for row in rows.values():  # the module (and notebook) columns add up to the score
        notebook = float(row["notebook"])  # a number in every row
        assert abs(sum(float(row[m]) for m in MODULES) + notebook - float(row["score"])) < 1e-6
    lms = _rows(out / "lms.csv")
    assert [(r["student_id"], float(r["score"])) for r in lms] == [
        (name, float(rows[name]["score"])) for name in sorted(rows)]
    assert "'not a student': not a submission folder" in result.stderr
    assert "batch: 5/5 graded" in result.stderr  # plain progress lines when not a terminal
    for name in rows:
        data = json.loads((out / "results" / f"{name}.json").read_text())
        assert data["extra_data"]["submission"] == name
        assert (out / "feedback" / f"{name}.md").read_text() == data["output"]


def test_batch_gives_the_same_results_as_grade(graded, klass, tmp_path):
    out, _ = graded
    alone = tmp_path / "dee.json"
    subprocess.run([*AUTOGRADER, "grade", str(klass / "dee"), "-o", str(alone)], cwd=REPO,
                   check=True, capture_output=True, timeout=900)
    from_grade = json.loads(alone.read_text())
    from_batch = json.loads((out / "results" / "dee.json").read_text())
    assert from_batch["score"] == from_grade["score"]
    assert [(t["name"], t["score"], t["status"], t["output"]) for t in from_batch["tests"]] == [
        (t["name"], t["score"], t["status"], t["output"]) for t in from_grade["tests"]]
    assert from_batch["extra_data"]["flags"] == from_grade["extra_data"]["flags"]


def test_module_results_are_reused_only_for_identical_closures(graded, klass):
    _, result = graded
    files = {name: {f"{m}.py": (klass / name / f"{m}.py").read_text() for m in MODULES}
             for name in ("ada", "cy", "dee", "eve")}
    keys = {name: dependencies.closure_digests(f) for name, f in files.items()}
    # cy differs from ada only in splits.py: every other module's closure is the same
    assert [m for m in MODULES if keys["cy"][m] != keys["ada"][m]] == ["splits"]
    # a stub loss changes loss and every module whose closure holds it, not activations
    # (dee stubs activations too, so ada's files with only loss stubbed show it)
    stub_loss = {**files["ada"], "loss.py": (STUBS / "loss.py").read_text(encoding="utf-8")}
    changed = dependencies.closure_digests(stub_loss, "a1_neurons")
    holds_loss = {m for m, closure in dependencies.closures(files["ada"], "a1_neurons").items()
                  if "loss" in closure}
    assert {m for m in MODULES if changed[m] != keys["ada"][m]} == holds_loss
    assert "activations" not in holds_loss and {"loss", "polyfit"} <= holds_loss
    # dee's stubs change activations, loss and polyfit
    assert keys["dee"]["activations"] != keys["ada"]["activations"]
    assert keys["dee"]["polyfit"] != keys["ada"]["polyfit"]
    assert all(keys["eve"][m] != keys["ada"][m] for m in MODULES)
    seeds = {name: grade.module_seeds(f, "a1_neurons") for name, f in files.items()}
    assert seeds["cy"]["activations"] == seeds["ada"]["activations"]
    assert seeds["cy"]["splits"] != seeds["ada"]["splits"]
    reused = int(result.stdout.split("modules reused: ")[1].split(")")[0])
    assert reused >= 5  # at least cy's five modules shared with ada


def test_a_rerun_resumes_and_regrade_grades_again(graded, klass):
    out, _ = graded
    before = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    again = _batch(klass, "-o", out)
    assert "graded 0" in again.stdout and "already graded 5" in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()} == before
    changed = out.parent / "changed"
    shutil.copytree(klass, changed)
    (changed / "bob" / "loss.py").write_text((SOLUTION / "loss.py").read_text())
    copy = out.parent / "graded-copy"
    shutil.copytree(out, copy)
    rerun = _batch(changed, "-o", copy)
    assert "graded 1" in rerun.stdout  # only the student whose files changed
    assert float({r["student"]: r for r in _rows(copy / "gradebook.csv")}["bob"]["loss"]) == 10


def test_shards_merge_into_the_same_gradebook(graded, klass, tmp_path):
    out, _ = graded
    shards = []
    for k in (1, 2, 3):
        shard = tmp_path / f"shard{k}"
        shutil.copytree(out / "cache", shard / "cache")  # the modules are known: fast
        _batch(klass, "-o", shard, "--shard", f"{k}/3")
        shards.append(shard)
    names = [sorted(p.stem for p in (s / "results").glob("*.json")) for s in shards]
    assert sorted(n for part in names for n in part) == ["ada", "bob", "cy", "dee", "eve"]
    assert all(names)  # every shard got someone
    merged = tmp_path / "merged"
    result = subprocess.run([*AUTOGRADER, "merge", *map(str, shards), "-o", str(merged)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    assert "merged 5 results" in result.stdout
    assert (merged / "gradebook.csv").read_bytes() == (out / "gradebook.csv").read_bytes()
    assert (merged / "lms.csv").read_bytes() == (out / "lms.csv").read_bytes()


def test_shards_are_deterministic_and_disjoint():
    names = [f"s{i:03d}" for i in range(23)]
    parts = [batch.shard_of(list(reversed(names)), (k, 4)) for k in (1, 2, 3, 4)]
    assert sorted(n for part in parts for n in part) == names
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert parts == [batch.shard_of(names, (k, 4)) for k in (1, 2, 3, 4)]


def _children(pid: int) -> list[int]:
    return [int(row.split()[0]) for row in processes(
        lambda fields: fields.get("PPid", "").strip() == str(pid))]


def test_a_batch_killed_midway_loses_nothing_and_grades_nothing_twice(klass, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([*AUTOGRADER, "batch", str(klass), "-o", str(out), "--jobs", "1",
                                "--no-reuse"], cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while not list((out / "results").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    servers = _children(process.pid)  # the fork server and the worker zygote
    assert len(servers) >= 2
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10  # they die with the batch: nothing is left behind
    while any(Path(f"/proc/{pid}").exists() for pid in servers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in servers if Path(f"/proc/{pid}/status").exists()
                and "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()]
    first = {p.name: (p.stat().st_mtime_ns, p.read_bytes())
             for p in (out / "results").glob("*.json")}
    assert 1 <= len(first) < 5
    for data in first.values():  # whole files only: written atomically
        json.loads(data[1])
    assert not list((out / "results").glob(".*"))  # no temporary file was renamed in
    result = _batch(klass, "-o", out, "--no-reuse")
    assert f"graded {5 - len(first)} " in result.stdout
    assert f"already graded {len(first)}" in result.stdout
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes())
             for p in (out / "results").glob("*.json")}
    assert {name: after[name] for name in first} == first  # untouched
    assert len(after) == 5
    assert len(_rows(out / "gradebook.csv")) == 5


@pytest.mark.parametrize(("args", "message"), [
    (["{tmp}/missing-folder", "-o", "{tmp}/out"], "missing-folder: no such directory"),
    (["{klass}", "-o", "{tmp}/out", "--shard", "3/2"], "--shard 3/2: expected K/N"),
    (["{klass}", "-o", "{tmp}/out", "--jobs", "0"], "--jobs 0: expected 1 to 511"),
    (["{klass}", "-o", "{klass}/out"], "must not be inside the submissions folder"),
])
def test_unusable_arguments_exit_2_with_one_line(klass, tmp_path, args, message):
    args = [a.format(klass=klass, tmp=tmp_path) for a in args]
    result = _batch(*args, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith("autograder batch: ")


def test_merge_refuses_a_folder_that_is_not_a_batch_output(tmp_path):
    result = subprocess.run([*AUTOGRADER, "merge", str(tmp_path), "-o", str(tmp_path / "m")],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "not a batch output folder" in result.stderr


def test_progress_bar_on_a_terminal_and_lines_in_a_log():
    class Stream:
        def __init__(self, tty):
            self.text, self.tty = "", tty

        def write(self, text):
            self.text += text

        def flush(self):
            pass

        def isatty(self):
            return self.tty

    terminal, log = Stream(True), Stream(False)
    for stream in (terminal, log):
        progress = batch.Progress(3, stream)
        for name in "abc":
            progress.update(name, "10/100")
    assert "\r[" in terminal.text and "3/3" in terminal.text and "ETA" in terminal.text
    assert "\r" not in log.text and log.text.count("\n") >= 2
    assert "batch: 3/3 graded" in log.text


@pytest.mark.parametrize("cores", [1, 2, 15, 16, 64, 512, 4096])
def test_batch_without_jobs_runs_on_any_core_count(monkeypatch, tmp_path, cores, capsys):
    """The default --jobs is the core count, capped by the uid range: a 16- or 64-core machine
    (and grade-class.yml, which passes no --jobs) is not refused."""
    from autograder import cli, pipeline

    monkeypatch.setattr(pipeline, "available_cores", lambda: cores)
    assert batch.default_jobs() == min(cores, batch.MAX_JOBS) and batch.MAX_JOBS >= 256
    empty = tmp_path / "class"
    empty.mkdir()
    assert cli.main(["batch", str(empty), "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "gradebook.csv").is_file()
    uids = pipeline.job_uids(batch.default_jobs())
    kernels = [uid + pipeline.NOTEBOOK_UID_OFFSET for uid in uids]
    assert len(set(uids) | set(kernels)) == 2 * len(uids)
    from autograder.sandbox import DEFAULT_UID, UIDS_PER_PROCESS
    assert all(DEFAULT_UID < u < DEFAULT_UID + UIDS_PER_PROCESS for u in uids + kernels)
    assert DEFAULT_UID + UIDS_PER_PROCESS < 2**31
    with pytest.raises(ValueError):
        pipeline.job_uids(batch.MAX_JOBS + 1)


def test_the_cores_a_grade_may_use_count_a_containers_cpu_quota(tmp_path):
    """os.cpu_count() sees the host's cores; a container's --cpus (cgroup v2's cpu.max, v1's
    cfs quota) caps the jobs that batch and grade start by default."""
    from autograder import pipeline

    cores = pipeline.available_cores(tmp_path / "none")  # no cgroup files: the affinity
    assert cores == len(os.sched_getaffinity(0))
    for files, expected in (({"cpu.max": "max 100000\n"}, cores),
                            ({"cpu.max": "150000 100000\n"}, min(cores, 2)),
                            ({"cpu.max": "50000 100000\n"}, 1),
                            ({"cpu/cpu.cfs_quota_us": "-1\n",
                              "cpu/cpu.cfs_period_us": "100000\n"}, cores),
                            ({"cpu/cpu.cfs_quota_us": "100000\n",
                              "cpu/cpu.cfs_period_us": "100000\n"}, 1),
                            ({"cpu.max": "garbage"}, cores)):
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        assert pipeline.available_cores(root) == expected, files


def test_a_grade_spreads_its_modules_over_the_cores(monkeypatch, tmp_path):
    """A submission's modules are split into as many jobs as there are idle uids (one per core,
    at most one per module), balanced by their number of tests, each job with a uid of its own:
    the same results as one job running them all."""
    from autograder import forkserver, pipeline

    jobs = []
    submit = forkserver.ForkServer.submit
    monkeypatch.setattr(forkserver.ForkServer, "submit",
                        lambda self, job: (jobs.append(job), submit(self, job))[1])
    monkeypatch.setattr(pipeline, "available_cores", lambda: 3)
    assignment = load("a1_neurons")
    outcome = grade.grade(_submission(tmp_path / "mine"), assignment, public_only=True)
    names = assignment.module_names
    assert len(jobs) == 3 and {job["uid"] for job in jobs} == set(pipeline.job_uids(3))
    assert sorted(m for job in jobs for m in job["modules"]) == sorted(names)
    assert all(job["modules"] == sorted(job["modules"], key=names.index) for job in jobs)
    assert jobs[0]["modules"] == ["activations"]  # the most tests: a job of its own
    assert outcome.grader_error is None
    modules = [s for s in outcome.scores if s.module in names]
    assert {s.module for s in modules} == set(names)
    assert all(s.score == s.max_score for s in modules), modules  # (no notebook handed in)


def test_the_run_bound_stops_every_job_and_keeps_what_they_recorded(tmp_path):
    """--timeout (the manifest's run-seconds) bounds a submission's whole run, all its jobs
    together: past it every job is stopped, the results recorded so far are kept, and
    grader_error says why."""
    from autograder import pipeline

    assignment = load("a1_neurons")
    outcome = grade.grade(_submission(tmp_path / "mine"), assignment, timeout=2.0,
                          uids=pipeline.job_uids(2))
    assert outcome.grader_error and outcome.grader_error.startswith("the test run timeout")
    modules = [s for s in outcome.scores if s.module in assignment.module_names]
    assert 0 < sum(s.score for s in modules) < sum(s.max_score for s in modules)
    assert outcome.execution_time < 30
