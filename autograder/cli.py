"""Command line of the autograder: ``autograder COMMAND ...`` (or ``python -m autograder``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import stubs

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ("a1_neurons",)


def _generate_stubs(args) -> int:
    solution_dir = REPO / "solutions" / args.assignment
    assignment_dir = REPO / "assignments" / args.assignment
    if args.check:
        stale = stubs.check_stubs(solution_dir, assignment_dir)
        for name in stale:
            print(f"assignments/{args.assignment}/{name}: differs from what the generator makes")
        return 1 if stale else 0
    for path in stubs.generate_stubs(solution_dir, assignment_dir):
        print(f"wrote {path.relative_to(REPO)}")
    return 0


def _demo(args) -> int:
    from . import demo

    return demo.run(args.assignment)


def _rubric(args) -> int:
    from . import rubric

    if args.draft:
        print(rubric.draft(args.assignment), end="")
        return 0
    problems = rubric.check(args.assignment)
    for problem in problems:
        print(f"autograder/rubrics/{args.assignment}.toml: {problem}")
    handout = rubric.handout_path(args.assignment)
    text = handout.read_text(encoding="utf-8")
    rendered = rubric.render_handout(args.assignment, text)
    if args.write_handout:
        handout.write_text(rendered, encoding="utf-8")
    elif rendered != text:
        problems.append("handout")
        print(f"{handout.relative_to(REPO)}: points table differs from the rubric "
              "(run: autograder rubric --write-handout)")
    return 1 if problems else 0


class UsageError(Exception):
    """Unusable arguments: exit 2 with one line."""


def _check_assignment(assignment: str) -> None:
    if assignment not in ASSIGNMENTS:
        raise UsageError(f"unknown assignment {assignment!r} (known: {', '.join(ASSIGNMENTS)})")


def _grade(args) -> int:
    from . import grade, report

    _check_assignment(args.assignment)
    submission = Path(args.submission)
    if not submission.is_dir():
        raise UsageError(f"{args.submission}: no such directory")
    outcome = grade.grade(submission, args.assignment, public_only=args.public_only,
                          timeout=args.timeout)
    grade.write_outputs(outcome, Path(args.output), args.markdown and Path(args.markdown),
                        args.junit and Path(args.junit))
    print(report.terminal(outcome, f"{args.assignment}: {submission}"))
    print(f"wrote {args.output}")
    if outcome.grader_error:  # not the submission's fault: make the failure visible
        print(f"autograder grade: {outcome.grader_error}", file=sys.stderr)
        return 1
    return 0


def _validate(args) -> int:
    from . import validate

    _check_assignment(args.assignment)
    return validate.run(args.assignment, jobs=args.jobs, only=args.only)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = commands.add_parser(
        "generate-stubs", help="regenerate the student stubs from solutions/"
    )
    generate.add_argument("--assignment", default="a1_neurons", choices=ASSIGNMENTS)
    generate.add_argument(
        "--check", action="store_true", help="only report stubs that differ; exit 1 if any"
    )
    generate.set_defaults(handler=_generate_stubs)

    demo = commands.add_parser(
        "demo", help="grade the reference solution and the stubs and print score tables"
    )
    demo.add_argument("--assignment", default="a1_neurons", choices=ASSIGNMENTS)
    demo.set_defaults(handler=_demo)

    grade = commands.add_parser("grade", help="grade one submission into results.json")
    grade.add_argument("submission", help="folder with the module files, or a student checkout")
    grade.add_argument("--assignment", default="a1_neurons")
    grade.add_argument("-o", "--output", default="results.json", help="results.json to write")
    grade.add_argument("--public-only", action="store_true", help="run the public suite only")
    grade.add_argument("--markdown", metavar="PATH", help="also write the Markdown summary")
    grade.add_argument("--junit", metavar="PATH", help="also write JUnit XML")
    grade.add_argument("--timeout", type=float, default=900.0,
                       help="seconds for the whole run (default 900)")
    grade.set_defaults(handler=_grade)

    validate = commands.add_parser(
        "validate", help="prove the grader on the reference, the stubs and the zoos")
    validate.add_argument("--assignment", default="a1_neurons")
    validate.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    validate.add_argument("only", nargs="*",
                          help="case names or kinds (bug, alternative, hostile) to run")
    validate.set_defaults(handler=_validate)

    rubric = commands.add_parser(
        "rubric", help="check that the rubric gives points to exactly the tests that exist"
    )
    rubric.add_argument("--assignment", default="a1_neurons", choices=ASSIGNMENTS)
    rubric.add_argument(
        "--write-handout", action="store_true", help="rewrite the handout's points table"
    )
    rubric.add_argument(
        "--draft", action="store_true",
        help="print a rubric that spreads each module's points evenly over its tests",
    )
    rubric.set_defaults(handler=_rubric)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"autograder {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
