"""results.json from a run: loaded, checked against the results schema, and shown as the score
summary (``autograder.summary``'s) and annotations (the ``summary`` step). Every string in it is
untrusted."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ..layout import student_folder
from ..render import MAX_TEXT, code_span, markdown, plain
from ..summary import MAX_PROBLEM, build, first_problem
from .commands import Fence, annotation
from .context import Context, InputError

__all__ = ["MAX_LISTED_FAILURES", "MAX_TEXT", "SCHEMA_PATH", "code_span", "first_problem",
           "load_results", "load_schema", "module_file", "plain", "render_summary", "summary",
           "visible_tests"]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "results.schema.json"
MAX_RESULTS_BYTES = 4 * 2**20
MAX_LISTED_FAILURES = 10  # GitHub shows at most 10 error annotations per step


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


def visible_tests(results: dict) -> list[dict]:
    return [t for t in results["tests"] if t["visibility"] == "visible"]


def module_file(results: dict, module: str, workspace: Path) -> str | None:
    """The module's file in the checkout, if there is one (the notebook's tests have none)."""
    path = f"{student_folder(results['extra_data']['assignment'])}/{module}.py"
    return path if (workspace / path).is_file() else None


def render_summary(results: dict, workspace: Path) -> str:
    """The student's summary of validated ``results``, as Markdown: ``autograder.summary``'s,
    the same as results.json's own ``output`` would be (which is never used). Modules are
    named by their file where the checkout has one."""
    def label(module: str) -> str:
        return f"{module}.py" if module_file(results, module, workspace) else module

    return markdown(build(results, label=label))


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
        stdout.write(annotation("error", plain(first_problem(test), MAX_PROBLEM), **where,
                                title=plain(test["name"], 120)) + "\n")
    passed = sum(t["status"] == "passed" for t in visible_tests(results))
    stdout.write(f"public tests passed: {passed}/{len(visible_tests(results))}\n")
    if failing:  # the names and messages once more, readable, as untrusted text
        with Fence(stdout):
            for test in failing:
                problem = plain(first_problem(test), MAX_PROBLEM)
                stdout.write(f"FAILED {plain(test['name'])}: {problem}\n")
    return 0
