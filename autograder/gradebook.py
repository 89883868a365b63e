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
    notebook's checked points (a number whatever was handed in: 0 where it was absent), what
    became of it (graded, absent, refused, too large, unreadable, failed), its written answers'
    points once merged (``--manual-scores``) and the points still to be graded by hand, flags
    and grader errors."""
    return ["student", "score", "max_score", *modules, "notebook", "notebook_status",
            "written", "notebook_pending", "flags", "grader_error"]


def _notebook_columns(extra: dict) -> dict:
    """The notebook's columns; empty for an assignment without a notebook. Once the written
    answers are merged (``apply_manual_scores``), the part has nothing pending."""
    part, manual = extra.get("notebook"), extra.get("manual")
    if not isinstance(part, dict):
        return {}
    return {"notebook": _number(part.get("score") or 0),
            "notebook_status": str(part.get("status", "")),
            "written": _number(manual.get("points")) if isinstance(manual, dict) else "",
            "notebook_pending": _number(part.get("pending_max_score"))}


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
            **_notebook_columns(extra),
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


# -- written answers, graded by hand ------------------------------------------------------------

class ManualScoresError(ValueError):
    """A manual-scores CSV that cannot be applied: one line naming the file, line and problem."""


WRITTEN_TAG = "written"  # the tag of a written answer's entry in results.json's tests


def read_manual_scores(path: Path) -> dict[str, dict[str, float]]:
    """``student,question,points`` rows (a header line first) -> {student: {question: points}}."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ManualScoresError(f"{path}: cannot be read ({type(error).__name__})") from None
    reader = csv.DictReader(lines)
    if not reader.fieldnames or {"student", "question", "points"} - set(reader.fieldnames):
        raise ManualScoresError(f"{path}: the header must name the columns student, question, "
                                "points")
    scores: dict[str, dict[str, float]] = {}
    for number, row in enumerate(reader, start=2):
        student, question = (row.get("student") or "").strip(), (row.get("question") or "").strip()
        try:
            points = float(row.get("points") or "")
        except ValueError:
            raise ManualScoresError(f"{path}, line {number}: points {row.get('points')!r} is "
                                    "not a number") from None
        if not student or not question or not points == points or points < 0:
            raise ManualScoresError(f"{path}, line {number}: needs a student, a question and "
                                    "points of at least 0")
        if question in scores.setdefault(student, {}):
            raise ManualScoresError(f"{path}, line {number}: {student}'s {question} is scored "
                                    "twice")
        scores[student][question] = points
    return scores


def apply_manual_scores(out: Path, path: Path) -> int:
    """Merge the hand-graded written answers of ``path`` into every ``out/results/*.json`` (its
    score, maximum, tests and summary; a missing answer scores 0 of its points) and its feedback;
    returns how many results changed. Applying the same file twice changes nothing more."""
    scores = read_manual_scores(path)
    known = {file.stem for file in (out / "results").glob("*.json")}
    unknown = sorted(set(scores) - known)
    if unknown:
        raise ManualScoresError(f"{path}: no graded submission for {', '.join(unknown[:5])}")
    updates: list[tuple[str, dict]] = []
    for name in sorted(known):
        data = stored_result(out, name)
        if data is None:
            continue
        extra = data["extra_data"]
        pending = [p for p in extra.get("pending", []) if isinstance(p, dict)]
        if not pending:
            continue
        worth = {str(p.get("name")): float(p.get("max_score") or 0) for p in pending}
        given = scores.get(name, {})
        for question, points in given.items():
            if question not in worth:
                raise ManualScoresError(f"{path}: {name} has no written answer {question!r} "
                                        f"(its answers: {', '.join(worth)})")
            if points > worth[question]:
                raise ManualScoresError(f"{path}: {name}'s {question} is worth "
                                        f"{worth[question]:g} points, not {points:g}")
        before = extra.get("manual") or {"points": 0.0, "max_score": 0.0}
        tests = [t for t in data.get("tests", []) if WRITTEN_TAG not in t.get("tags", [])]
        for question, most in worth.items():
            points = given.get(question, 0.0)
            tests.append({"name": f"written answer: {question}", "score": points,
                          "max_score": most, "status": "passed" if points >= most else "failed",
                          "output": f"Graded by hand: {points:g} of {most:g} points.",
                          "visibility": "visible", "tags": ["notebook", WRITTEN_TAG]})
        for entry in pending:
            entry["score"] = given.get(str(entry.get("name")), 0.0)
        manual = {"points": round(sum(given.values()), 4),
                  "max_score": round(sum(worth.values()), 4), "file": Path(path).name}
        data["tests"] = tests
        data["score"] = round(float(data.get("score") or 0) - before["points"] + manual["points"],
                              4)
        extra["max_score"] = round(float(extra.get("max_score") or 0) - before["max_score"]
                                   + manual["max_score"], 4)
        extra["manual"] = manual
        if isinstance(extra.get("notebook"), dict):
            extra["notebook"]["pending_max_score"] = 0  # graded by hand: nothing left pending
        from autograder import render, summary

        data["output"] = render.markdown(summary.build(data))
        updates.append((name, data))
    for name, data in updates:  # every row checked first: a bad file changes nothing
        grade.atomic_write(out / "feedback" / f"{name}.md", data["output"].encode())
        grade.atomic_write(out / "results" / f"{name}.json", json.dumps(data, indent=2).encode())
    return len(updates)
