"""The command line of the steps (``python -m autograder.gha STEP``), and the ``shards`` step."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .collect import collect
from .commands import fence_command
from .comment import comment
from .context import Context, InputError
from .results import summary

MAX_SHARDS = 256  # GitHub's limit of jobs per matrix


def shard_matrix(count: int) -> dict:
    return {"include": [{"shard": f"{k}/{count}", "name": f"shard-{k}-of-{count}"}
                        for k in range(1, count + 1)]}


def shards(count_text: str, context: Context, stdout=None) -> int:
    stdout = stdout or sys.stdout
    if not re.fullmatch(r"[0-9]{1,3}", count_text.strip()) or not (
            1 <= int(count_text) <= MAX_SHARDS):
        raise InputError(f"shards: give a whole number from 1 to {MAX_SHARDS}")
    line = "matrix=" + json.dumps(shard_matrix(int(count_text)), separators=(",", ":"))
    if context.output:
        with context.output.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    stdout.write(line + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from autograder import gha  # its docstring lists the steps

    parser = argparse.ArgumentParser(prog="python -m autograder.gha", description=gha.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    step = steps.add_parser("summary", help="job summary and annotations from results.json")
    step.add_argument("results")
    step = steps.add_parser("fence", help="run a command with workflow commands switched off")
    step.add_argument("command", nargs=argparse.REMAINDER)
    step = steps.add_parser("comment", help="create or update the pull request's score comment")
    step.add_argument("results")
    step = steps.add_parser("shards", help="write the shard matrix to $GITHUB_OUTPUT")
    step.add_argument("count")
    step = steps.add_parser("collect", help="each student's module files at the deadline")
    source = step.add_mutually_exclusive_group(required=True)
    source.add_argument("--repos", metavar="FILE", help="lines 'student-id owner/repo'")
    source.add_argument("--archive", metavar="FILE", help=".zip or .tar.gz, a folder per student")
    step.add_argument("--deadline", help="ISO 8601 with a time zone, or 'head' (the head now)")
    step.add_argument("--ref", help="only this branch (default: the newest commit on any)")
    step.add_argument("-o", "--output", required=True, metavar="SUBMISSIONS_DIR")
    step.add_argument("--manifest", metavar="PATH", help="also write what was taken, as JSON")
    step.add_argument("--jobs", type=int, default=4, help="repositories fetched at once")
    step.add_argument("--assignment", metavar="NAME",
                      help="the assignment whose files to take (default: the current one)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    context = Context.from_environment()
    try:
        if args.step == "summary":
            return summary(Path(args.results), context)
        if args.step == "fence":
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
            return fence_command(command)
        if args.step == "comment":
            return comment(Path(args.results), context)
        if args.step == "shards":
            return shards(args.count, context)
        return collect(args, context)
    except InputError as error:
        print(f"autograder.gha {args.step}: {error}", file=sys.stderr)
        return 2
