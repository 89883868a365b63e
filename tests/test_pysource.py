"""The grader reads Python source (a submission's files, the suites) through
``autograder.pysource.parse``: a source too deep to parse never crashes it, and threads never
parse at once (CPython 3.11's AST constructor shares its depth counter between threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder import dependencies, flags, pysource
from autograder.assignment import load

A1 = load("a1_neurons")
DEEP = {
    "a sum of 10,000 terms": "x = " + "+".join(["1"] * 10_000),
    "200,000 unary minus": "x = " + "-" * 200_000 + "1",
    "a chain of 100,000 attributes": "x = " + "a." * 100_000 + "b",
}


@pytest.mark.parametrize("source", DEEP.values(), ids=DEEP.keys())
def test_a_source_too_deep_to_parse_is_a_syntax_error_of_its_own(source):
    with pytest.raises(pysource.TooDeepError, match=r"loss\.py: nested too deeply"):
        pysource.parse(source, "loss.py")
    assert issubclass(pysource.TooDeepError, SyntaxError)  # what every caller handles


def test_threads_parse_one_at_a_time_and_every_source_parses(monkeypatch):
    """The race is rare (a thread switch inside the AST constructor, e.g. through the garbage
    collector), so the test widens it: ``ast.parse`` sleeps while it runs, and no two threads
    may be inside it at once."""
    import ast
    import threading
    import time

    inside, most, lock = [0], [0], threading.Lock()
    real_parse = ast.parse

    def slow_parse(*args, **kwargs):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        try:
            time.sleep(0.002)  # releases the GIL: another thread could start its parse here
            return real_parse(*args, **kwargs)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(ast, "parse", slow_parse)
    sources = [(A1.solutions / f"{m}.py").read_text() for m in A1.modules]
    deep = list(DEEP.values())

    def parse(index: int):
        if index % 5 == 0:
            with pytest.raises(pysource.TooDeepError):
                pysource.parse(deep[index % len(deep)])
            return None
        return type(pysource.parse(sources[index % len(sources)]).body[0]).__name__

    with ThreadPoolExecutor(8) as pool:
        kinds = list(pool.map(parse, range(80)))
    assert all(kind is None or kind == "Expr" for kind in kinds)  # each starts with a docstring
    assert most[0] == 1, f"{most[0]} threads were inside ast.parse at once"


def test_a_file_the_grader_cannot_read_reaches_every_module_and_is_flagged():
    reference = (A1.solutions / "loss.py").read_text()
    deep = reference + "\n_PADDING = " + "+".join(["1"] * 10_000) + "\n"
    assert dependencies.imported_siblings(reference, A1.modules) == set()
    assert dependencies.imported_siblings(deep, A1.modules) == set(A1.modules)
    assert dependencies.imported_siblings("def broken(:\n", A1.modules) == set()
    found = flags.static_flags({"loss.py": deep, "splits.py": "def broken(:\n"})
    assert [(f["kind"], f["module"]) for f in found] == [("suspicious-code", "loss")]
    assert "nested too deeply" in found[0]["message"]


def test_the_grader_parses_source_only_through_pysource():
    """``ast.parse`` elsewhere in the grader's code would bring both problems back."""
    root = Path(__file__).resolve().parent.parent / "autograder"
    allowed = {root / "pysource.py", root / "patches.py"}  # patches: the staff's zoo, in-process
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p not in allowed and "zoo" not in p.parts and "suites" not in p.parts
                 and "ast.parse(" in p.read_text(encoding="utf-8")]
    assert offenders == []
