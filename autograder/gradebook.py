"""A class's results on disk: ``results/<student>.json`` and ``feedback/<student>.md`` written
atomically, ``gradebook.csv`` and ``lms.csv`` rebuilt from them, and shards merged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from autograder import grade, report, scoring


class MergeError(ValueError):
    """Shards that cannot be merged (not a batch output, or graded differently): one line."""


def stored_result(out: Path, name: str) -> dict | None:
    try:
        data = json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("extra_data"), dict) else None


def write_result(out: Path, name: str, outcome: report.Outcome) -> dict:
    data = report.results_json(outcome)
    grade.atomic_write(out / "feedback" / f"{name}.md", data["output"].encode())
    grade.atomic_write(out / "results" / f"{name}.json", json.dumps(data, indent=2).encode())
    return data


def gradebook_columns(modules) -> list[str]:
    """The gradebook's columns: totals, each module's points (the assignment's order), the
    notebook, flags and grader errors."""
    return ["student", "score", "max_score", *modules, "notebook", "notebook_pending",
            "flags", "grader_error"]


def gradebook(out: Path) -> tuple[str, str]:
    """(gradebook.csv, lms.csv) rebuilt from ``out/results``; the same bytes for the same
    results, however they were produced (one run, a resumed run, merged shards)."""
    rows = []
    order: list[str] = []  # the graded modules, in the manifest's order (the first result's)
    for file in sorted((out / "results").glob("*.json")):
        name = file.stem
        data = stored_result(out, name)
        if data is None:
            rows.append({"student": name, "grader_error": "results file unreadable"})
            continue
        extra = data["extra_data"]
        modules = extra.get("modules", {})
        if not order:
            order = list(scoring.module_order(str(extra.get("assignment", "")))
                         or [str(m) for m in modules if isinstance(modules, dict)])
        rows.append({
            "student": name, "score": _number(data.get("score")),
            "max_score": _number(extra.get("max_score")),
            **{m: _number(modules.get(m, {}).get("score")) for m in order},
            "notebook": _number((extra.get("notebook") or {}).get("score"))
            if (extra.get("notebook") or {}).get("status") == "graded" else
            str((extra.get("notebook") or {}).get("status", "")),
            "notebook_pending": _number((extra.get("notebook") or {}).get("pending_max_score")),
            "flags": ";".join(sorted({str(f.get("kind")) for f in extra.get("flags", [])})),
            "grader_error": str(extra.get("grader_error") or ""),
        })
    book, lms = io.StringIO(), io.StringIO()
    writer = csv.DictWriter(book, gradebook_columns(order), lineterminator="\n", restval="",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    lms_writer = csv.writer(lms, lineterminator="\n")
    lms_writer.writerow(["student_id", "score"])
    lms_writer.writerows([row["student"], row.get("score", "")] for row in rows)
    return book.getvalue(), lms.getvalue()


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else ""


def write_gradebook(out: Path) -> None:
    book, lms = gradebook(out)
    grade.atomic_write(out / "gradebook.csv", book.encode())
    grade.atomic_write(out / "lms.csv", lms.encode())


def merge(shards: list[Path], out: Path) -> int:
    """Copy the shards' results and feedback into ``out`` and rebuild its gradebook."""
    seen: dict[str, Path] = {}
    for shard in shards:
        if not (shard / "results").is_dir():
            raise MergeError(f"{shard}: not a batch output folder (no results/)")
        for file in sorted((shard / "results").glob("*.json")):
            if file.stem in seen and seen[file.stem].read_bytes() != file.read_bytes():
                other = seen[file.stem].parent.parent
                raise MergeError(f"{file.stem}: graded differently in {other} and {shard}")
            seen[file.stem] = file
    for name, file in seen.items():
        grade.atomic_write(out / "results" / file.name, file.read_bytes())
        feedback = file.parent.parent / "feedback" / f"{name}.md"
        if feedback.is_file():
            grade.atomic_write(out / "feedback" / feedback.name, feedback.read_bytes())
    write_gradebook(out)
    return len(seen)
