"""``autograder validate``: prove the grader on this repository.

Grades, with the real grader (sandbox and all): the reference (full marks), the stubs (zero),
every bug-zoo entry (loses points), every alternative (full marks) and every hostile submission
(its ``expect.toml``: flags raised, score bounds, modules lost or kept, and containment: the run
ends, no process of the sandbox uid survives, nothing is written where it must not be, no
hidden test text reaches results.json). Two submissions are graded at a time, each with a
sandbox uid of its own; with ``--batch``, all of them as one class through ``autograder batch``.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from autograder import assignment as course
from autograder import grade, patches, seeds
from autograder.sandbox import DEFAULT_UID, processes_of
from autograder.summary import NOTEBOOK_MODULE

REPO = Path(__file__).resolve().parent.parent
PWNED_GLOB = "autograder-pwned-*"


@dataclass
class Case:
    name: str
    kind: str  # reference, stubs, bug, alternative, hostile
    base: str
    overlay: Path | None = None
    expect: dict = field(default_factory=dict)


def cases(assignment) -> list[Case]:
    """The reference, the stubs, the bugs and alternatives (patches of the reference: their
    overlay is the patch file) and the hostile submissions (folders laid over their base)."""
    zoo = course.resolve(assignment).zoo
    found = [Case("reference", "reference", "reference"), Case("stubs", "stubs", "stubs")]
    for kind, folder in (("bug", "bugs"), ("alternative", "alternatives")):
        for name, entry in patches.entries(zoo, folder).items():
            description = entry.summary.split(":", 1)[1].strip()
            found.append(Case(name, kind, "reference", entry.path, {"description": description}))
    hostile = zoo / "hostile"
    for path in sorted(hostile.iterdir()) if hostile.is_dir() else []:
        if not path.is_dir():
            continue
        expect = {}
        if (path / "expect.toml").is_file():
            expect = tomllib.loads((path / "expect.toml").read_text(encoding="utf-8"))
        found.append(Case(path.name, "hostile", expect.get("base", "reference"), path, expect))
    return found


def materialize(case: Case, assignment, target: Path) -> Path:
    """The case as a submission folder: the base's modules with the overlay on top (a bug or
    alternative: its patched module; a hostile submission: every file of its folder)."""
    assignment = course.resolve(assignment)
    base = assignment.solutions if case.base == "reference" else assignment.stubs
    target.mkdir(parents=True)
    for module in assignment.modules:
        shutil.copy2(base / f"{module}.py", target / f"{module}.py")
    if case.kind in ("bug", "alternative"):
        entry = patches.read_entry(case.overlay)
        (target / f"{entry.module}.py").write_text(
            patches.patched_source(entry, assignment.solutions), encoding="utf-8")
    elif case.overlay is not None:
        for item in case.overlay.iterdir():
            if item.name == "expect.toml":
                continue
            destination = target / item.name
            if destination.exists() or destination.is_symlink():
                destination.unlink()
            if item.is_symlink():
                os.symlink(os.readlink(item), destination)
            elif item.is_dir():
                shutil.copytree(item, destination, symlinks=True)
            else:
                shutil.copy2(item, destination)
    return target


def _hidden_markers(assignment) -> list[str]:
    """Distinctive text that must never reach a student-visible file: lines of the hidden
    suite, lines the reference has and the stubs do not (JSON would escape quotes and
    backslashes, so only lines without them), and the grading secret where one is set."""
    assignment = course.resolve(assignment)
    markers = []
    for path in sorted(assignment.hidden_suite.glob("test_*.py")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        markers += [line for line in lines if line.startswith("def test_")][:3]
    for module in assignment.module_files:
        stub = set((assignment.stubs / module).read_text(encoding="utf-8").splitlines())
        lines = (assignment.solutions / module).read_text(encoding="utf-8").splitlines()
        markers += [line.strip() for line in lines if line not in stub and len(line.strip()) > 40
                    and not set('"\\') & set(line) and "SOLUTION" not in line][:5]
    key, source = seeds.secret()
    if source != seeds.DEFAULT_SOURCE:
        markers.append(key.decode("utf-8", "replace"))
    return markers


def _pwned_files() -> list[Path]:
    """Files a hostile submission left where the sandbox must not write: the host's /tmp (at
    any of the depths where the grader keeps folders, a sandbox's own folder excepted), the
    grader's folder and the Python environment."""
    from autograder.confine import OWN_FOLDER_PREFIX

    found = [*Path("/tmp").glob(PWNED_GLOB), *Path("/tmp").glob(f"*/{PWNED_GLOB}"),
             *Path("/tmp").glob(f"*/*/{PWNED_GLOB}"), *REPO.glob(PWNED_GLOB),
             *REPO.glob(f"*/{PWNED_GLOB}"), *Path(sys.prefix).glob(f"**/{PWNED_GLOB}")]
    return [p for p in found if not any(part.startswith(OWN_FOLDER_PREFIX) for part in p.parts)]


def module_marks(results: dict) -> tuple[float, float]:
    """Score and maximum of the module suites (the zoo's cases hand in module files only: their
    notebook counts, absent, at 0 of its points, which is not what the zoo tests)."""
    tests = [t for t in results["tests"] if NOTEBOOK_MODULE not in t.get("tags", [])]
    return (round(sum(t["score"] for t in tests), 4), round(sum(t["max_score"] for t in tests), 4))


def check(case: Case, results: dict, results_text: str,
          uid_survivors: tuple[int, list[str]], markers: list[str]) -> list[str]:
    """What is wrong with ``results`` (a results.json document) for ``case`` (empty: as
    expected)."""
    problems = []
    score, full = module_marks(results)
    kinds = {f["kind"] for f in results["extra_data"]["flags"]}
    by_module = {m: [p["score"], p["max_score"]]
                 for m, p in results["extra_data"]["modules"].items()}
    if results["extra_data"].get("grader_error"):
        problems.append(f"grader error: {results['extra_data']['grader_error']}")
    if case.kind in ("reference", "alternative") and score < full - 1e-6:
        lost = [t["name"] for t in results["tests"] if t["status"] == "failed"][:3]
        problems.append(f"expected full marks, got {score:g}/{full:g} ({'; '.join(lost)})")
    if case.kind == "stubs" and score > 0:
        problems.append(f"expected 0, got {score:g}")
    if case.kind == "bug" and score >= full - 1e-6:
        problems.append("the bug lost no points")
    expect = case.expect
    for kind in expect.get("flags", []):
        if kind not in kinds:
            problems.append(f"flag {kind} missing (got {sorted(kinds) or 'none'})")
    if "max_score" in expect and score > expect["max_score"] + 1e-6:
        problems.append(f"score {score:g} above {expect['max_score']}")
    if "min_score" in expect and score < expect["min_score"] - 1e-6:
        problems.append(f"score {score:g} below {expect['min_score']}")
    if "max_seconds" in expect and results["execution_time"] > expect["max_seconds"]:
        problems.append(f"graded in {results['execution_time']:.0f} s, more than "
                        f"{expect['max_seconds']} s")
    for module in expect.get("lost_modules", []):
        if by_module[module][0] >= by_module[module][1] - 1e-6:
            problems.append(f"{module} kept full points")
    for module in expect.get("full_modules", []):
        if by_module[module][0] < by_module[module][1] - 1e-6:
            problems.append(f"{module} lost points ({by_module[module][0]:g}/"
                            f"{by_module[module][1]:g})")
    uid, survivors = uid_survivors
    if survivors:
        problems.append(f"processes of uid {uid} survived: {', '.join(survivors[:3])}")
    pwned = _pwned_files()
    if pwned:
        problems.append(f"a file was written outside the sandbox: {pwned[0]}")
    leaked = [m for m in markers if m in results_text]
    if leaked:
        problems.append(f"hidden test text reached results.json: {leaked[0]}")
    return problems


def grade_cases(all_cases: list[Case], assignment: str, jobs: int = 2, uid_base: int = 4):
    """Grade the cases ``jobs`` at a time, in order: yields (case, results.json text,
    (uid, processes of that uid still alive afterwards))."""
    free_uids: queue.Queue[int] = queue.Queue()
    for slot in range(max(jobs, 1)):  # one uid per running grade: never shared by two at once
        free_uids.put(DEFAULT_UID + uid_base + slot)

    def grade_case(case):
        uid = free_uids.get()
        try:
            with tempfile.TemporaryDirectory(prefix="autograder-validate-") as tmp:
                submission = materialize(case, assignment, Path(tmp) / "submission")
                outcome = grade.grade(submission, assignment, timeout=600, uids=[uid])
                results = Path(tmp) / "results.json"
                grade.write_outputs(outcome, results)
                text = results.read_text(encoding="utf-8")
            survivors = processes_of(uid)  # before the uid is handed to the next grade
        finally:
            free_uids.put(uid)
        return case, text, (uid, survivors)

    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        yield from pool.map(grade_case, all_cases)


def batch_cases(all_cases: list[Case], assignment: str, jobs: int = 2):
    """Grade the cases as one class with ``autograder batch``: yields what ``grade_cases``
    yields, so that every guarantee is checked for batch grading too."""
    from autograder import batch

    with tempfile.TemporaryDirectory(prefix="autograder-validate-") as tmp:
        submissions, out = Path(tmp) / "submissions", Path(tmp) / "out"
        for case in all_cases:
            materialize(case, assignment, submissions / f"{case.kind}-{case.name}")
        batch.run(submissions, out, assignment, jobs=jobs)
        uids = [DEFAULT_UID + 1 + slot for slot in range(jobs)]
        survivors = [p for uid in uids for p in processes_of(uid)]
        for case in all_cases:
            path = out / "results" / f"{case.kind}-{case.name}.json"
            text = path.read_text(encoding="utf-8")
            yield case, text, (uids[0], survivors)


def run(assignment=None, jobs: int = 2, only: list[str] | None = None,
        use_batch: bool = False) -> int:
    assignment = course.resolve(assignment)
    all_cases = [c for c in cases(assignment) if not only or c.name in only or c.kind in only]
    markers = _hidden_markers(assignment)
    rows: list[tuple[Case, float, float, list[str], str]] = []
    graded = (batch_cases if use_batch else grade_cases)(all_cases, assignment, jobs)
    for case, text, uid in graded:  # both ways, judged by the results.json they wrote
        results = json.loads(text)
        problems = check(case, results, text, uid, markers)
        score, full = module_marks(results)
        flags = ",".join(sorted({f["kind"] for f in results["extra_data"]["flags"]})) or "-"
        rows.append((case, score, full, problems, flags))
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{case.kind:<12}{case.name:<34}{score:7.2f}/{full:<7g}"
              f"{results['execution_time']:6.1f}s  {flags:<40} {status}", flush=True)
    failed = [row for row in rows if row[3]]
    print(f"\n{len(rows) - len(failed)} passed, {len(failed)} failed")
    summary = {case.name: {"kind": case.kind, "score": score, "max_score": full,
                           "problems": problems} for case, score, full, problems, _ in rows}
    (Path(tempfile.gettempdir()) / "autograder-validate.json").write_text(json.dumps(summary))
    return 1 if failed else 0
