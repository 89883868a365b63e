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


# Files of hostile/ that are not entries: its README and the conftest.py that keeps pytest out.
_HOSTILE_OWN_FILES = ("README.md", "conftest.py")


def cases(assignment) -> list[Case]:
    """The reference, the stubs, the bugs and alternatives (patches of the reference: their
    overlay is the patch file) and the hostile submissions (``hostile_cases``)."""
    zoo = course.resolve(assignment).zoo
    found = [Case("reference", "reference", "reference"), Case("stubs", "stubs", "stubs")]
    for kind, folder in (("bug", "bugs"), ("alternative", "alternatives")):
        for name, entry in patches.entries(zoo, folder).items():
            description = entry.summary.split(":", 1)[1].strip()
            found.append(Case(name, kind, "reference", entry.path, {"description": description}))
    return found + hostile_cases(assignment)


def hostile_cases(assignment) -> list[Case]:
    """The hostile submissions of the assignment's zoo (``hostile/README.md``): a patch file
    ``hostile/<name>.py`` (its ``EXPECT`` literal holds the expectations, its docstring the
    description), or a folder ``hostile/<name>/`` holding an ``expect.toml``, the files that
    are not modules of the assignment and, for a module it changes, a patch file of that module
    (never a copy of one, never a symlink: those are made by ``materialize``)."""
    assignment = course.resolve(assignment)
    hostile = assignment.zoo / "hostile"
    found = []
    for path in sorted(hostile.iterdir()) if hostile.is_dir() else []:
        if path.name in _HOSTILE_OWN_FILES or path.name == "__pycache__":
            continue
        if path.is_file() and path.suffix == ".py":
            entry = patches.read_entry(path, patches.HOSTILE)
            _check_hostile_patch(entry, assignment, path)
            expect = {"description": entry.description, **entry.expect}
        elif path.is_dir():
            _check_hostile_folder(path, assignment)
            expect = tomllib.loads((path / "expect.toml").read_text(encoding="utf-8"))
        else:
            raise patches.PatchError(f"{path}: a hostile entry is a <name>.py patch file or a "
                                     "folder")
        found.append(Case(path.stem, "hostile", expect.get("base", "reference"), path, expect))
    return found


def _check_hostile_patch(entry: patches.Entry, assignment, path: Path) -> None:
    if entry.module not in assignment.modules:
        raise patches.PatchError(f"{path}: PATCHES names {entry.module!r}, not a module of "
                                 f"{assignment.name}")


def _check_hostile_folder(folder: Path, assignment) -> None:
    """A hostile folder holds no symlink and no module file that is not a patch of it."""
    if not (folder / "expect.toml").is_file():
        raise patches.PatchError(f"{folder}: a hostile folder needs an expect.toml")
    for item in sorted(folder.rglob("*")):
        if item.is_symlink():
            raise patches.PatchError(f"{item}: a symlink is made when the entry is materialised "
                                     "(expect.toml's symlinks), never committed")
        if item.suffix != ".py" or item.stem not in assignment.modules:
            continue
        try:
            entry = patches.read_entry(item, patches.HOSTILE)
        except patches.PatchError as error:
            raise patches.PatchError(
                f"{item}: a hostile folder holds a module only as a patch file of it, not a "
                f"copy ({error})") from None
        if item.parent != folder or entry.module != item.stem:
            raise patches.PatchError(f"{item}: a patch of {entry.module}.py must be "
                                     f"{folder.name}/{entry.module}.py")


def materialize(case: Case, assignment, target: Path) -> Path:
    """The case as a submission folder: the base's modules with the overlay on top (a bug or
    alternative: its patched module; a hostile patch file: its patched module; a hostile
    folder: its patches applied, its other files, and what its expect.toml has made here)."""
    assignment = course.resolve(assignment)
    base = assignment.solutions if case.base == "reference" else assignment.stubs
    target.mkdir(parents=True)
    for module in assignment.modules:
        shutil.copy2(base / f"{module}.py", target / f"{module}.py")
    if case.kind in ("bug", "alternative"):
        entry = patches.read_entry(case.overlay)
        (target / f"{entry.module}.py").write_text(
            patches.patched_source(entry, assignment.solutions), encoding="utf-8")
    elif case.overlay is not None and case.overlay.is_file():
        entry = patches.read_entry(case.overlay, patches.HOSTILE)
        (target / f"{entry.module}.py").write_text(patches.patched_source(entry, base),
                                                   encoding="utf-8")
    elif case.overlay is not None:
        for item in sorted(case.overlay.iterdir()):
            if item.name in ("expect.toml", "__pycache__"):
                continue
            destination = target / item.name
            if item.suffix == ".py" and item.stem in assignment.modules:
                entry = patches.read_entry(item, patches.HOSTILE)
                destination.write_text(patches.patched_source(entry, base), encoding="utf-8")
            elif item.is_dir():
                shutil.copytree(item, destination,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(item, destination)
        _made_at_runtime(case.expect, assignment, base, target)
    return target


def _made_at_runtime(expect: dict, assignment, base: Path, target: Path) -> None:
    """What a hostile folder's expect.toml asks to be made in the submission, never committed:
    ``base_copies`` (folders that get the base's modules too, as in a checkout),
    ``symlinks`` (name -> where it points; ``{solutions}``, ``{stubs}`` and ``{submission}``
    stand for those folders' absolute paths), ``pad`` (text appended to a file, ``times``
    times, ``{i}`` the count) and ``replace`` (one occurrence of ``old`` in a file made
    ``new``)."""
    for folder in expect.get("base_copies", []):
        (target / folder).mkdir(parents=True, exist_ok=True)
        for module in assignment.modules:
            shutil.copy2(base / f"{module}.py", target / folder / f"{module}.py")
    places = {"solutions": assignment.solutions.resolve(), "stubs": assignment.stubs.resolve(),
              "submission": target.resolve()}
    for name, points_to in expect.get("symlinks", {}).items():
        link = target / name
        if link.exists() or link.is_symlink():
            link.unlink()
        os.symlink(points_to.format(**places), link)
    for pad in expect.get("pad", []):
        with open(target / pad["file"], "a", encoding="utf-8") as out:
            out.writelines(pad["text"].replace("{i}", str(i)) for i in range(pad.get("times", 1)))
    for edit in expect.get("replace", []):
        path = target / edit["file"]
        text = path.read_text(encoding="utf-8")
        if text.count(edit["old"]) != 1:
            raise patches.PatchError(f"{edit['file']}: replace's old text occurs "
                                     f"{text.count(edit['old'])} times, not once")
        path.write_text(text.replace(edit["old"], edit["new"]), encoding="utf-8")


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

    def glob(folder: Path, pattern: str) -> list[Path]:
        for _ in range(5):  # a folder that another grade removes while it is listed: again
            try:
                return list(folder.glob(pattern))
            except FileNotFoundError:
                continue
        return list(folder.glob(pattern))

    found = [*glob(Path("/tmp"), PWNED_GLOB), *glob(Path("/tmp"), f"*/{PWNED_GLOB}"),
             *glob(Path("/tmp"), f"*/*/{PWNED_GLOB}"), *glob(REPO, PWNED_GLOB),
             *glob(REPO, f"*/{PWNED_GLOB}"), *glob(Path(sys.prefix), f"**/{PWNED_GLOB}")]
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
