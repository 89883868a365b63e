"""results.json from a run: loaded, checked against the results schema, and rendered as the
score summary (the ``summary`` step). Every string in it is untrusted."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .commands import Fence, annotation
from .context import Context, InputError

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "results.schema.json"
MAX_RESULTS_BYTES = 4 * 2**20
MAX_TEXT = 300  # characters of one untrusted string shown in a comment or a log line
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
