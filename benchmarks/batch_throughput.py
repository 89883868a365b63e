"""How fast does a whole class get graded: ``autograder batch`` against the naive loop.

    .venv/bin/python benchmarks/batch_throughput.py [--count 200] [--jobs N]
        [--naive-sample K] [--notebook-sample K] [--grade-runs K] [--seed 0] [--keep DIR]

Makes ``--count`` synthetic submissions in a temporary folder (the reference solution, the
untouched stubs, and mixtures: the reference with one to three modules replaced by bug-zoo
entries (applied to the reference) or left as stubs; deterministic for a given ``--seed``) and
prints one table, every row measured in this run on those submissions:

* the naive loop: a fresh ``python -m pytest <public> <hidden> --impl DIR --sandboxed`` process
  per submission, one after the other, exactly as ``autograder grade`` starts it
  (``autograder.runner.run_suites``). At ~12 s a submission it is timed on an evenly spread
  sample of ``--naive-sample`` submissions and extrapolated to all of them (the table says so);
* ``autograder batch --jobs N`` into a fresh folder, with its default reuse of module results
  for identical files (synthetic submissions share many files; a real class shares far fewer),
  with ``--no-reuse`` (every module of every submission graded: the real-class figure), then
  again on the same folder (resume: everything stored) and with ``--regrade``;
* ``nbgrader autograde`` of the notebook part (solutions/a1_neurons/experiments.ipynb with each
  submission's modules beside it), where nbgrader and the notebook exist: a different workload
  (the lecture's experiments, not the module suites), shown for scale.

* one ``autograder grade`` of the reference (module files only; and with the notebook) against
  the bare ``python -c "import torch, numpy"``, each the median of ``--grade-runs`` runs.

Then the issue's targets on 2 cores (2 submissions/s with ``--no-reuse``, 4/s with reuse, one
grade within 3 s of the bare import), each marked met or not met by this run's numbers.

A row whose tool is missing says "not available" instead of failing.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import patches

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "a1_neurons"
MODULES = ("activations", "neuron", "loss", "polyfit", "regularization", "splits")
REFERENCE = REPO / "solutions" / ASSIGNMENT
STUBS = REPO / "assignments" / ASSIGNMENT
ZOO = REPO / "autograder" / "zoo" / ASSIGNMENT
NOTEBOOK = REFERENCE / "experiments.ipynb"


# ---------------------------------------------------------------- the synthetic class


def bug_zoo(directory: Path) -> dict[str, list[Path]]:
    """module -> the module files that replace it: each bug-zoo entry applied to the reference,
    written to ``directory/<bug>/<module>.py``."""
    bugs: dict[str, list[Path]] = {module: [] for module in MODULES}
    for entry in patches.entries(ZOO, "bugs").values():
        folder = patches.apply(entry, REFERENCE, directory)
        bugs[entry.module].append(folder / f"{entry.module}.py")
    return bugs


def plan_submissions(count: int, seed: int,
                     bugs: dict[str, list[Path]]) -> list[dict[str, Path]]:
    """For each submission, module -> the file it gets (a bug from ``bugs``, see ``bug_zoo``).
    The first is the reference, the second the stubs; of the rest a tenth each are the
    reference and the stubs and the others mixtures."""
    rng = random.Random(seed)
    reference = {m: REFERENCE / f"{m}.py" for m in MODULES}
    stubs = {m: STUBS / f"{m}.py" for m in MODULES}
    plans = []
    for index in range(count):
        draw = rng.random()
        if index == 0 or (index > 1 and draw < 0.1):
            plans.append(dict(reference))
        elif index == 1 or draw < 0.2:
            plans.append(dict(stubs))
        else:
            plan = dict(reference)
            for module in rng.sample(MODULES, rng.randint(1, 3)):
                plan[module] = rng.choice(bugs[module]) if rng.random() < 0.8 else stubs[module]
            plans.append(plan)
    return plans


def describe(plan: dict[str, Path]) -> str:
    """"reference", "stubs", or the replaced modules: "bug:relu_cpu_zeros+stub:loss"."""
    if all(path.parent == REFERENCE for path in plan.values()):
        return "reference"
    if all(path.parent == STUBS for path in plan.values()):
        return "stubs"
    parts = [f"stub:{module}" if path.parent == STUBS else f"bug:{path.parent.name}"
             for module, path in plan.items() if path.parent != REFERENCE]
    return "+".join(parts)


def make_submissions(directory: Path, count: int = 200, seed: int = 0) -> dict[str, str]:
    """Write ``count`` submission folders (student-000, ...) holding the six module files;
    return student id -> what it is made of (see ``describe``)."""
    directory.mkdir(parents=True, exist_ok=True)
    made = {}
    with tempfile.TemporaryDirectory(prefix="batch-throughput-bugs-") as bugs:
        for index, plan in enumerate(plan_submissions(count, seed, bug_zoo(Path(bugs)))):
            student = directory / f"student-{index:03d}"
            student.mkdir()
            for module, source in plan.items():
                shutil.copyfile(source, student / f"{module}.py")
            made[student.name] = describe(plan)
    return made


def spread_sample(names: list[str], size: int) -> list[str]:
    """``size`` names spread evenly over the sorted list (the first one always included)."""
    size = max(1, min(size, len(names)))
    return [names[(i * len(names)) // size] for i in range(size)]


# ---------------------------------------------------------------- rows


@dataclass
class Row:
    what: str
    submissions: int | None = None  # how many the time is for
    seconds: float | None = None
    note: str = ""
    versus_naive: bool = True  # a class-grading row (its rate compares with the naive loop)
    role: str = ""  # what a target reads it as: "reuse", "no-reuse", "bare", "grade" (or none)

    @property
    def rate(self) -> float | None:
        return self.submissions / self.seconds if self.seconds else None


def naive_loop(submissions: Path, names: list[str], sample: int) -> Row:
    """A fresh pytest process per submission, started as the grader starts it, sequentially."""
    from autograder import runner
    from autograder.sandbox import DEFAULT_UID, kill_uid

    chosen = spread_sample(names, sample)
    times, failed = [], 0
    for name in chosen:
        start = time.perf_counter()
        try:
            runner.run_suites([f"{name}={submissions / name}"], ASSIGNMENT,
                              extra_args=("--sandboxed", f"--sandbox-uid={DEFAULT_UID}"))
        except RuntimeError:  # the suites did not run: still a submission's cost
            failed += 1
        finally:
            kill_uid(DEFAULT_UID)
        times.append(time.perf_counter() - start)
    what = "naive loop: fresh pytest --sandboxed per submission"
    note = f"{failed} runs failed" if failed else ""
    if len(chosen) == len(names):
        return Row(what, len(names), sum(times), note)
    return Row(what, len(names), statistics.fmean(times) * len(names),
               f"extrapolated from a sample of {len(chosen)} "
               f"(mean {statistics.fmean(times):.1f} s each)" + (f"; {note}" if note else ""))


def batch_help() -> str | None:
    run = subprocess.run([sys.executable, "-m", "autograder", "batch", "--help"], cwd=REPO,
                         capture_output=True, text=True, check=False)
    return run.stdout if run.returncode == 0 else None


def batch_run(what: str, submissions: Path, out: Path, count: int, jobs: int,
              *options: str, role: str = "") -> Row:
    command = [sys.executable, "-m", "autograder", "batch", str(submissions), "-o", str(out),
               "--jobs", str(jobs), *options]
    start = time.perf_counter()
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        return Row(what, note=f"failed (exit {run.returncode}): {tail[0][:80]}", role=role)
    return Row(what, count, seconds, gradebook_note(out, count), role=role)


def gradebook_note(out: Path, count: int) -> str:
    """Proof that the batch graded: results stored, grader errors."""
    results = len(list((out / "results").glob("*.json")))
    errors = 0
    gradebook = out / "gradebook.csv"
    if gradebook.is_file():
        with gradebook.open(newline="") as file:
            errors = sum(bool(row.get("grader_error")) for row in csv.DictReader(file))
    return f"{results}/{count} results, {errors} grader errors"


def batch_scores(out: Path, made: dict[str, str]) -> str:
    """Mean score per kind of submission: the reference must be at 100 %, the stubs at 0."""
    kinds: dict[str, list[float]] = {"reference": [], "stubs": [], "mixtures": []}
    gradebook = out / "gradebook.csv"
    if not gradebook.is_file():
        return ""
    with gradebook.open(newline="") as file:
        for row in csv.DictReader(file):
            kind = made.get(row["student"], "")
            percent = 100 * float(row["score"]) / float(row["max_score"] or 1)
            kinds[kind if kind in ("reference", "stubs") else "mixtures"].append(percent)
    return ", ".join(f"{kind} {statistics.fmean(v):.1f} % (n={len(v)})"
                     for kind, v in kinds.items() if v)


def nbgrader_autograde(submissions: Path, names: list[str], sample: int, work: Path) -> Row:
    """``nbgrader autograde`` in a course folder whose submissions are the notebook with each
    student's module files beside it; timed on a spread sample, extrapolated."""
    what = "nbgrader autograde: experiments.ipynb per submission"
    try:
        importlib.metadata.version("nbgrader")
    except importlib.metadata.PackageNotFoundError:
        return Row(what, note="not available (nbgrader is not installed)")
    if not NOTEBOOK.is_file():
        return Row(what, note=f"not available ({NOTEBOOK.relative_to(REPO)} does not exist)")
    course = work / "nbgrader-course"
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copyfile(NOTEBOOK, source / NOTEBOOK.name)
    shutil.copyfile(STUBS / "__init__.py", source / "__init__.py")  # the notebook's package
    shutil.copytree(REPO / "datasets", course / "datasets")  # found by the notebook's search
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'benchmark'\n"
        "c.Execute.timeout = 600\n")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    # nbgrader runs `alembic` from PATH: the one of this environment
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                 f"{os.environ.get('PATH', '')}"}
    prepare = subprocess.run([*nbgrader, "generate_assignment", ASSIGNMENT, "--force"],
                             cwd=course, capture_output=True, text=True, check=False, env=env)
    if prepare.returncode != 0:
        return Row(what, note="failed: nbgrader generate_assignment: "
                   + (prepare.stderr.strip().splitlines() or ["?"])[-1][:80])
    chosen = spread_sample(names, sample)
    for name in chosen:
        target = course / "submitted" / name / ASSIGNMENT
        shutil.copytree(submissions / name, target)
        shutil.copyfile(NOTEBOOK, target / NOTEBOOK.name)  # a completed notebook
    start = time.perf_counter()
    run = subprocess.run([*nbgrader, "autograde", ASSIGNMENT, "--force"], cwd=course,
                         capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    graded = len(list((course / "autograded").glob(f"*/{ASSIGNMENT}/{NOTEBOOK.name}")))
    if run.returncode != 0 and not graded:
        return Row(what, note="failed: nbgrader autograde: "
                   + (run.stderr.strip().splitlines() or ["?"])[-1][:80])
    note = f"{graded}/{len(chosen)} notebooks autograded; a different workload"
    if len(chosen) == len(names):
        return Row(what, len(names), seconds, note)
    return Row(what, len(names), seconds / len(chosen) * len(names),
               f"extrapolated from a sample of {len(chosen)} "
               f"({seconds / len(chosen):.1f} s each); {note}")


def timed_median(command: list[str], runs: int) -> tuple[float, int]:
    """Median wall seconds of ``runs`` runs of ``command``, and the last exit status."""
    times, code = [], 0
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        code = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def one_grade(work: Path, runs: int) -> list[Row]:
    """The bare torch import, then one ``autograder grade`` of the reference (module files
    only, and with its notebook): what a student's ``make grade`` waits for."""
    modules_only = work / "one-grade-modules"
    modules_only.mkdir()
    for module in MODULES:
        shutil.copyfile(REFERENCE / f"{module}.py", modules_only / f"{module}.py")
    bare, _ = timed_median([sys.executable, "-c", "import torch, numpy"], runs)
    rows = [Row('bare python -c "import torch, numpy"', 1, bare, f"median of {runs}",
                versus_naive=False, role="bare")]
    for what, folder, role in (("one autograder grade (module files)", modules_only, "grade"),
                               ("one autograder grade (modules + notebook)", REFERENCE, "")):
        seconds, code = timed_median([sys.executable, "-m", "autograder", "grade", str(folder),
                                      "-o", str(work / "one-grade.json")], runs)
        note = f"median of {runs}; {seconds - bare:+.1f} s over the bare import"
        rows.append(Row(what, 1, seconds, note if code == 0 else f"failed (exit {code})",
                        versus_naive=False, role=role))
    return rows


TARGETS = (  # (the role of the row it reads, what the issue asks on 2 cores)
    ("no-reuse", "at least 2 submissions/s with --no-reuse"),
    ("reuse", "at least 4 submissions/s with reuse"),
    ("grade", "one grade (module files) within 3 s of the bare import"),
)


def verdicts(rows: list[Row]) -> list[str]:
    """Each target with this run's number and whether it is met."""
    by_role = {row.role: row for row in rows if row.role}  # the rows' roles, never their labels
    no_reuse, reuse = (by_role.get(role) for role in ("no-reuse", "reuse"))
    no_reuse, reuse = (row if row and row.rate else None for row in (no_reuse, reuse))
    bare, grade = by_role.get("bare"), by_role.get("grade")
    lines = []
    for row, goal, need in ((no_reuse, TARGETS[0][1], 2.0), (reuse, TARGETS[1][1], 4.0)):
        if row is not None:
            lines.append(f"{goal}: {row.rate:.2f}/s, {'met' if row.rate >= need else 'NOT met'}")
    if bare and grade and bare.seconds and grade.seconds:
        extra = grade.seconds - bare.seconds
        lines.append(f"{TARGETS[2][1]}: {extra:+.1f} s, {'met' if extra <= 3 else 'NOT met'}")
    return lines


# ---------------------------------------------------------------- the table


def table(rows: list[Row], baseline: Row | None) -> str:
    lines = [f"{'what':<56}{'subm.':>6}{'wall s':>10}{'subm/s':>9}{'vs naive':>10}  note",
             "-" * 110]
    for row in rows:
        if row.seconds is None:
            lines.append(f"{row.what:<56}{'':>6}{'':>10}{'':>9}{'':>10}  {row.note}")
            continue
        ratio = (f"{row.rate / baseline.rate:.1f}x"
                 if baseline and baseline.rate and row is not baseline and row.versus_naive
                 else "")
        lines.append(f"{row.what:<56}{row.submissions:>6}{row.seconds:>10.1f}"
                     f"{row.rate:>9.2f}{ratio:>10}  {row.note}")
    return "\n".join(lines)


def machine() -> str:
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "not installed"
    root = os.geteuid() == 0
    return (f"{os.cpu_count()} cores ({platform.machine()}, {platform.system()}), "
            f"Python {platform.python_version()}, torch {torch_version}, "
            f"{'root: sandbox with its own uids' if root else 'not root: sandbox without uids'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="submissions (default 200)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="autograder batch --jobs (default: the number of cores)")
    parser.add_argument("--naive-sample", type=int, default=200, metavar="K",
                        help="time the naive loop on K submissions and extrapolate (default 200)")
    parser.add_argument("--notebook-sample", type=int, default=200, metavar="K",
                        help="time nbgrader autograde on K submissions and extrapolate "
                             "(0: skip that row)")
    parser.add_argument("--grade-runs", type=int, default=3, metavar="K",
                        help="runs of the bare import and of one grade (median; default 3)")
    parser.add_argument("--seed", type=int, default=0, help="which synthetic class")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (must not exist) and keep it, instead of a temp folder")
    args = parser.parse_args(argv)
    if args.count < 2:
        parser.error("--count must be at least 2 (the reference and the stubs)")
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"machine: {machine()}")
    if args.keep:
        args.keep.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="batch-throughput-") as tmp:
        work = args.keep or Path(tmp)
        submissions = work / "submissions"
        made = make_submissions(submissions, args.count, args.seed)
        names = sorted(made)
        kinds = [made[n] for n in names]
        print(f"class: {args.count} submissions (seed {args.seed}): "
              f"{kinds.count('reference')} reference, {kinds.count('stubs')} stubs, "
              f"{len(kinds) - kinds.count('reference') - kinds.count('stubs')} mixtures; "
              f"in {submissions}")
        print("", flush=True)

        naive = naive_loop(submissions, names, args.naive_sample)
        rows = [naive]
        usage = batch_help()
        if usage is None:
            rows.append(Row("autograder batch", note="not available (autograder batch --help "
                                                      "fails)"))
        else:
            out = work / "batch-out"
            rows.append(batch_run(f"autograder batch --jobs {args.jobs}", submissions, out,
                                  args.count, args.jobs, role="reuse"))
            if "--no-reuse" in usage:
                rows.append(batch_run(f"autograder batch --jobs {args.jobs} --no-reuse",
                                      submissions, work / "batch-out-no-reuse", args.count,
                                      args.jobs, "--no-reuse", role="no-reuse"))
            else:
                rows.append(Row("autograder batch --no-reuse", note="not available"))
            rows.append(batch_run("  again on the same OUT (resume: all stored)", submissions,
                                  out, args.count, args.jobs))
            if "--regrade" in usage:
                rows.append(batch_run("  again with --regrade", submissions, out, args.count,
                                      args.jobs, "--regrade"))
            else:
                rows.append(Row("  again with --regrade", note="not available"))
        if args.notebook_sample > 0:
            rows.append(nbgrader_autograde(submissions, names, args.notebook_sample, work))
        rows.extend(one_grade(work, args.grade_runs))
        print(table(rows, naive))
        print("\ntargets (issue 13, on 2 cores; this machine: "
              f"{os.cpu_count()} cores):")
        for line in verdicts(rows):
            print(f"  {line}")
        if usage is not None:
            print(f"\nbatch scores (last run): {batch_scores(work / 'batch-out', made)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
