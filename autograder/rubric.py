"""Keep the rubric, the suites and the handout in step.

``check`` lists rubric entries without a test and tests without points; ``handout_table``
renders the points table that the handout shows between its POINTS markers: the modules' points
from the rubric, and the notebook's from its nbgrader cells (``autograder.notebook``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import assignment as course
from autograder.runner import REPO, clean_environment
from autograder.scoring import Rubric, load_rubric

BEGIN, END = "<!-- BEGIN POINTS -->", "<!-- END POINTS -->"


def collect(assignment) -> list[dict]:
    """Descriptions of every test item of the public and hidden suites (one implementation)."""
    assignment = course.resolve(assignment)
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        out = Path(tmp) / "collected.json"
        subprocess.run(
            [sys.executable, "-m", "pytest", *map(str, assignment.suite_paths()),
             f"--assignment={assignment.name}",
             f"--rootdir={REPO}", "--collect-only", "-q", "-p", "_hypothesis_pytestplugin",
             "-p", "autograder.pytest_report", f"--collect-json={out}",
             f"--impl=reference={assignment.solutions}"],
            cwd=REPO, env=clean_environment(), capture_output=True, text=True, check=False,
        )
        return json.loads(out.read_text(encoding="utf-8")) if out.is_file() else []


def check(assignment) -> list[str]:
    """Problems: tests without points, rubric entries without a test, tests of no module."""
    rubric = load_rubric(assignment)
    items = collect(assignment)
    tests = {(i["suite"], i["file"], i["function"]): i for i in items}
    problems = [f"{s}/{f}::{fn}: has no points in the rubric"
                for (s, f, fn) in sorted(tests.keys() - rubric.points.keys())]
    problems += [f"{s}/{f}::{fn}: in the rubric but no such test"
                 for (s, f, fn) in sorted(rubric.points.keys() - tests.keys())]
    problems += [f"{i['nodeid']}: needs exactly one module marker, has {i['modules']}"
                 for i in items if i["module"] is None]
    return problems


def handout_table(rubric: Rubric, modules: dict[tuple[str, str, str], str],
                  gpu: set[tuple[str, str, str]], notebook_cells=(),
                  notebook_name: str = "notebook") -> str:
    rows = ["| module | public tests | hidden tests | points |", "| --- | ---: | ---: | ---: |"]
    total = {"public": 0.0, "hidden": 0.0}
    for module in course.load(rubric.assignment).modules:
        points = {suite: sum(p for k, p in rubric.points.items()
                             if k[0] == suite and modules.get(k) == module and k not in gpu)
                  for suite in total}
        for suite in total:
            total[suite] += points[suite]
        rows.append(f"| `{module}.py` | {points['public']:g} | {points['hidden']:g} "
                    f"| **{points['public'] + points['hidden']:g}** |")
    checked = [cell for cell in notebook_cells if not cell.manual]
    if checked:
        points = {suite: sum(c.points for c in checked if c.hidden == (suite == "hidden"))
                  for suite in total}
        for suite in total:
            total[suite] += points[suite]
        rows.append(f"| `{notebook_name}`: checked cells | {points['public']:g} "
                    f"| {points['hidden']:g} | **{points['public'] + points['hidden']:g}** |")
    answers = sum(cell.points for cell in notebook_cells if cell.manual)
    if answers:
        rows.append(f"| `{notebook_name}`: written answers, graded by hand | | "
                    f"| **{answers:g}** |")
    rows.append(f"| total | {total['public']:g} | {total['hidden']:g} "
                f"| **{total['public'] + total['hidden'] + answers:g}** |")
    return "\n".join(rows)


def render_handout(assignment, text: str) -> str:
    """``text`` with its points table regenerated from the rubric."""
    assignment = course.resolve(assignment)
    items = collect(assignment)
    modules = {(i["suite"], i["file"], i["function"]): i["module"] for i in items}
    gpu = {(i["suite"], i["file"], i["function"]) for i in items if i["gpu"]}
    from autograder import notebook

    source = assignment.source_notebook
    cells = notebook.graded_cells(source) if source and source.is_file() else []
    table = handout_table(load_rubric(assignment), modules, gpu, cells,
                          assignment.notebook or "notebook")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"the handout has no {BEGIN} ... {END} section")
    return pattern.sub(lambda _: f"{BEGIN}\n{table}\n{END}", text)


def handout_path(assignment) -> Path:
    return course.resolve(assignment).handout


def draft(assignment) -> str:
    """A rubric in TOML that spreads each module's points (the manifest's ``points``) evenly
    over its tests.

    A module's public tests share the manifest's ``public-share`` of its points and its hidden
    tests the rest; GPU parity tests get ``gpu-points`` each (0 by default: outside the score,
    so that the maximum does not depend on CUDA; a positive value counts only where CUDA is).
    """
    assignment = course.resolve(assignment)
    budgets = {name: module.points for name, module in assignment.modules.items()}
    public_share = assignment.public_share
    items = collect(assignment)
    keys: dict[tuple[str, str, str], dict] = {}
    for item in items:
        keys.setdefault((item["suite"], item["file"], item["function"]), item)
    points: dict[tuple[str, str, str], float] = {}
    for module, budget in budgets.items():
        for suite, share in (("public", public_share), ("hidden", 1 - public_share)):
            group = sorted(k for k, i in keys.items()
                           if k[0] == suite and i["module"] == module and not i["gpu"])
            if not group:
                continue
            each = round(budget * share / len(group), 2)
            for key in group:
                points[key] = each
            points[group[0]] = round(budget * share - each * (len(group) - 1), 2)
    for key, item in keys.items():
        if item["gpu"]:
            points[key] = assignment.gpu_points
    lines = [
        f"# Points per test of {assignment.name}. Edit freely; `autograder rubric` checks that",
        "# every test has points and every entry names a test, and `autograder rubric",
        "# --write-handout` copies the module totals into the handout.",
        f'assignment = "{assignment.name}"',
        "# How a module's tests reach the modules it imports: \"reference\" (the reference",
        "# stands in for the modules before it, so a bug costs points once, where it is) or",
        "# \"own\" (the student's own modules: a bug also costs the tests of those that use it).",
        'dependencies = "reference"',
    ]
    for suite in ("public", "hidden"):
        for file in sorted({k[1] for k in points if k[0] == suite}):
            lines += ["", f'[{suite}."{file}"]']
            lines += [f"{fn} = {points[(s, f, fn)]:g}"
                      for (s, f, fn) in sorted(points) if s == suite and f == file]
    return "\n".join(lines) + "\n"
