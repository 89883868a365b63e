"""benchmarks/batch_throughput.py: the synthetic class it times is what it says it is, and the
same for the same seed (the script is run by hand; only its pure parts are tested here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from autograder.assignment import load

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "batch_throughput.py"
MODULES = load("a1_neurons").module_names


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("batch_throughput", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def tree(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_same_seed_same_class_other_seed_other_class(bench, tmp_path):
    first = bench.make_submissions(tmp_path / "a", 30, seed=7)
    again = bench.make_submissions(tmp_path / "b", 30, seed=7)
    other = bench.make_submissions(tmp_path / "c", 30, seed=8)
    assert first == again and tree(tmp_path / "a") == tree(tmp_path / "b")
    assert first != other


def test_every_submission_is_reference_stubs_or_zoo_files(bench, tmp_path):
    students = tmp_path / "class"
    made = bench.make_submissions(students, 60, seed=0)
    assert len(made) == 60 and sorted(made) == sorted(p.name for p in students.iterdir())
    assert made["student-000"] == "reference" and made["student-001"] == "stubs"
    mixtures = [kind for kind in made.values() if kind not in ("reference", "stubs")]
    assert len(mixtures) > 30 and any("bug:" in kind for kind in mixtures)
    bugs = bench.bug_zoo(tmp_path / "bugs")
    assert all(bugs.values()), "every module has bugs to draw from"
    for student, kind in made.items():
        folder = students / student
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{m}.py" for m in MODULES)
        changed = 0
        for module in MODULES:
            data = (folder / f"{module}.py").read_bytes()
            reference = (bench.REFERENCE / f"{module}.py").read_bytes()
            stub = (bench.STUBS / f"{module}.py").read_bytes()
            changed += data != reference
            if kind == "reference":
                assert data == reference
            elif kind == "stubs" or f"stub:{module}" in kind:
                assert data == stub
            elif data != reference:  # replaced by a bug of this very module, named in the kind
                names = [p.parent.name for p in bugs[module] if p.read_bytes() == data]
                assert names and any(f"bug:{name}" in kind for name in names), (student, module)
        if kind not in ("reference", "stubs"):
            assert 1 <= changed <= 3 and changed == len(kind.split("+")), (student, kind)


def test_spread_sample_is_even_and_starts_at_the_first(bench):
    names = [f"s{i:03d}" for i in range(200)]
    assert bench.spread_sample(names, 4) == ["s000", "s050", "s100", "s150"]
    assert bench.spread_sample(names, 500) == names
    assert bench.spread_sample(names, 0) == ["s000"]


def test_table_marks_missing_tools_and_ratios(bench):
    naive = bench.Row("naive", 200, 2400.0, "extrapolated from a sample of 2")
    rows = [naive, bench.Row("batch", 200, 40.0), bench.Row("nbgrader", note="not available")]
    text = bench.table(rows, naive)
    assert "60.0x" in text and "not available" in text and "extrapolated" in text


def test_targets_are_judged_on_this_runs_numbers(bench):
    Row = bench.Row
    rows = [Row("naive loop", 10, 100.0),
            Row("batch, reusing", 10, 2.0, role="reuse"),            # 5/s: met
            Row("batch, every module graded", 10, 10.0, role="no-reuse"),  # 1/s: not met
            Row("the bare import", 1, 2.0, versus_naive=False, role="bare"),
            Row("one grade", 1, 4.5, versus_naive=False, role="grade"),
            Row("one grade (module files) --no-reuse", 1, 99.0, versus_naive=False)]  # no role
    lines = bench.verdicts(rows)
    assert lines == ["at least 2 submissions/s with --no-reuse: 1.00/s, NOT met",
                     "at least 4 submissions/s with reuse: 5.00/s, met",
                     "one grade (module files) within 3 s of the bare import: +2.5 s, met"]
    table = {line.split("  ")[0]: line for line in bench.table(rows, rows[0]).splitlines()}
    assert "50.0x" in table["batch, reusing"]  # 5/s against the loop's 0.1/s
    assert "x " not in table["one grade"]  # not a class's rate
