"""Command line of the autograder: ``autograder COMMAND ...`` (or ``python -m autograder``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _assignments(args) -> int:
    from autograder import assignment

    try:
        current = assignment.current()
    except assignment.ManifestError:
        current = None
    for item in assignment.all_assignments():
        mark = "*" if item.name == current else " "
        modules = ", ".join(f"{m.name}.py" for m in item.modules.values())
        notebook = f" + {item.notebook}" if item.notebook else ""
        print(f"{mark} {item.name:<20} {item.title}\n    {modules}{notebook}")
    if current:
        print("(* the current assignment: commands without --assignment take it)")
    return 0


def _generate_stubs(args) -> int:
    _instructor_only("solutions")
    from . import stubs

    solution_dir, assignment_dir = args.assignment.solutions, args.assignment.stubs
    if args.check:
        stale = stubs.check_stubs(solution_dir, assignment_dir)
        for name in stale:
            print(f"{(assignment_dir / name).relative_to(REPO)}: differs from what the "
                  "generator makes")
        return 1 if stale else 0
    for path in stubs.generate_stubs(solution_dir, assignment_dir):
        print(f"wrote {path.relative_to(REPO)}")
    return 0


def _demo(args) -> int:
    _instructor_only("autograder/zoo", "solutions")
    from . import demo

    return demo.run(args.assignment)


def _rubric(args) -> int:
    _instructor_only("autograder/suites", "solutions")
    from . import rubric

    if args.draft:
        print(rubric.draft(args.assignment), end="")
        return 0
    problems = rubric.check(args.assignment)
    for problem in problems:
        print(f"{args.assignment.rubric.relative_to(REPO)}: {problem}")
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


def _instructor_only(*needed: str) -> None:
    """Commands that need files the student repository lacks say so in one line."""
    missing = [name for name in needed if not (REPO / name).exists()]
    if missing:
        raise UsageError(f"not available in the student repository (it needs "
                         f"{', '.join(missing)}, which only instructors have)")


def _grade(args) -> int:
    from . import grade, report

    if not args.public_only and not args.assignment.hidden_suite.is_dir():
        raise UsageError("the hidden suite is not part of the student repository "
                         "(use --public-only)")
    submission = Path(args.submission)
    if not submission.is_dir():
        raise UsageError(f"{args.submission}: no such directory")
    outputs = [Path(p).resolve().parent for p in (args.output, args.markdown, args.junit) if p]
    outcome = grade.grade(submission, args.assignment, public_only=args.public_only,
                          timeout=args.timeout, outputs=outputs)
    grade.write_outputs(outcome, Path(args.output), args.markdown and Path(args.markdown),
                        args.junit and Path(args.junit))
    print(report.terminal(outcome, f"{args.assignment.name}: {submission}"))
    print(f"wrote {args.output}")
    if outcome.grader_error:  # not the submission's fault: make the failure visible
        print(f"autograder grade: {outcome.grader_error}", file=sys.stderr)
        return 1
    return 0


def _batch(args) -> int:
    _instructor_only("autograder/suites")
    from . import batch

    try:
        counts = batch.run(Path(args.submissions), Path(args.output), args.assignment,
                           jobs=args.jobs, shard=args.shard, regrade=args.regrade,
                           reuse=not args.no_reuse)
    except batch.BatchError as error:
        raise UsageError(str(error)) from None
    _manual_scores(args)
    print(f"graded {counts['graded']} (modules reused: {counts['reused_modules']}), "
          f"already graded {counts['skipped']}, grader errors {counts['grader_errors']}; "
          f"wrote {args.output}/gradebook.csv and lms.csv")
    if counts["refused"]:
        print("autograder batch: hidden grading refused on this machine (every result says "
              "why; `autograder doctor` shows the layers)", file=sys.stderr)
        return 1
    return 0


# the layers of ``confine.confine``, in the order they are applied
LAYERS = (("network", "network namespace"), ("filesystem", "file system"),
          ("user", "unprivileged uid"), ("limits", "resource limits"),
          ("landlock", "Landlock"), ("seccomp", "seccomp filter"))


def _doctor(args) -> int:
    from . import probe

    check = probe.prepare()
    print("autograder doctor: what confines a submission's code on this machine\n")
    for key, name in LAYERS:
        print(f"  {name:<19} {check.layers.get(key, '-')}")
    checked = len(probe.secret_paths()) + len(probe.write_targets())
    print(f"\n  guarded paths       {checked} checked (the secret, hidden suites, rubrics, "
          f"solutions, zoo, tests, .git; the grader's, Python's and the results' folders)")
    for path in check.protected:
        print(f"  made private        {path} (chmod go-rwx: no private root hides it here)")
    for reached in check.reached:
        print(f"  REACHED             {reached}")
    for path in check.missing:
        print(f"  UNREADABLE          Python's {path} (a folder above it is closed to others)")
    if check.safe:
        print("\nhidden grading: safe here")
        return 0
    print(f"\nhidden grading: refused here: {check.problem}\nfix: {check.fix()}")
    return 1


def _new(args) -> int:
    _instructor_only("autograder/suites", "solutions")
    from . import scaffold

    try:
        written = scaffold.new(args.name, args.module)
    except scaffold.ScaffoldError as error:
        raise UsageError(str(error)) from None
    for path in written:
        print(f"wrote {path.relative_to(REPO)}")
    return 0


def _manual_scores(args) -> None:
    """--manual-scores: the written answers graded by hand, merged into every result."""
    if not args.manual_scores:
        return
    from . import gradebook

    try:
        changed = gradebook.apply_manual_scores(Path(args.output), Path(args.manual_scores))
    except gradebook.ManualScoresError as error:
        raise UsageError(str(error)) from None
    gradebook.write_gradebook(Path(args.output))
    print(f"merged the written answers of {args.manual_scores} into {changed} results")


def _merge(args) -> int:
    from . import gradebook

    try:
        count = gradebook.merge([Path(p) for p in args.shards], Path(args.output))
    except gradebook.MergeError as error:
        raise UsageError(str(error)) from None
    _manual_scores(args)
    print(f"merged {count} results into {args.output}; wrote gradebook.csv and lms.csv")
    return 0


def _validate(args) -> int:
    _instructor_only("autograder/zoo", "autograder/suites", "solutions")
    from . import validate

    return validate.run(args.assignment, jobs=args.jobs, only=args.only, use_batch=args.batch)


def _class_report(args) -> int:
    from . import classreport

    try:
        index, results = classreport.build(Path(args.out_dir), top=args.top)
    except classreport.ReportError as error:
        raise UsageError(str(error)) from None
    for item in results.unreadable:
        print(f"results/{item.file}: {item.problem}")
    errors = len(results.students) - len(results.graded)
    print(f"wrote {index} ({len(results.students)} students, {errors} grader errors, "
          f"{len(results.unreadable)} unreadable files)")
    return 0


def _release(args) -> int:
    _instructor_only("autograder/suites", "solutions")
    from . import release

    try:
        written = release.build(Path(args.output), args.assignment)
    except release.TargetError as error:
        raise UsageError(str(error)) from None
    except release.LeakError as error:  # the repository's fault, not the caller's
        print(f"autograder release: {error}; nothing written", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files to {args.output}")
    return 0


def _gradescope(args) -> int:
    _instructor_only("autograder/suites")
    from . import gradescope, release

    output = Path(args.output)
    if output.is_dir() or not output.parent.is_dir():
        raise UsageError(f"-o {args.output}: give a file name in an existing folder")
    if args.secret_file and not Path(args.secret_file).is_file():
        raise UsageError(f"--secret-file {args.secret_file}: no such file")
    try:
        names = gradescope.build(output, args.assignment, args.secret_file)
    except ValueError as error:
        raise UsageError(str(error)) from None
    except release.LeakError as error:  # a symlink in the repository: refused, as by release
        print(f"autograder gradescope: {error}; nothing written", file=sys.stderr)
        return 1
    secret = "with the secret of " + args.secret_file if args.secret_file else (
        "without a secret (add --secret-file: otherwise the public default seeds the hidden "
        "inputs)")
    print(f"wrote {output} ({len(names)} files), {secret}; upload it under Configure "
          "Autograder on Gradescope")
    return 0


MANUAL_HELP = ("the written answers graded by hand (student,question,points), merged into "
               "results, gradebook.csv and lms.csv")
ASSIGNMENT_HELP = ("the assignment (default: [tool.autograder] current-assignment in "
                   "pyproject.toml, or the only one)")


def _listed(text: str) -> dict:
    """The help of an instructor's command: listed where the course's solutions are, left out
    of ``autograder --help`` in the student repository (the command still says why it cannot
    run there)."""
    return {"help": text} if (REPO / "solutions").is_dir() else {}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser(
        "assignments", help="list the course's assignments (their manifests) and the current one")
    listing.set_defaults(handler=_assignments)

    generate = commands.add_parser(
        "generate-stubs", **_listed("regenerate the student stubs from solutions/"
    ))
    generate.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    generate.add_argument(
        "--check", action="store_true", help="only report stubs that differ; exit 1 if any"
    )
    generate.set_defaults(handler=_generate_stubs)

    demo = commands.add_parser(
        "demo", **_listed("grade the reference solution and the stubs and print score tables"
    ))
    demo.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    demo.set_defaults(handler=_demo)

    grade = commands.add_parser("grade", help="grade one submission into results.json")
    grade.add_argument("submission", help="folder with the module files, or a student checkout")
    grade.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    grade.add_argument("-o", "--output", default="results.json", help="results.json to write")
    grade.add_argument("--public-only", action="store_true", help="run the public suite only")
    grade.add_argument("--markdown", metavar="PATH", help="also write the Markdown summary")
    grade.add_argument("--junit", metavar="PATH", help="also write JUnit XML")
    grade.add_argument("--timeout", type=float, default=None,
                       help="seconds for the whole run (default: the manifest's run-seconds)")
    grade.set_defaults(handler=_grade)

    batch = commands.add_parser(
        "batch", **_listed("grade every submission folder of a class (resumable, shardable)"))
    batch.add_argument("submissions", help="folder with one sub-folder per student")
    batch.add_argument("-o", "--output", required=True,
                       help="output folder: results/, feedback/, gradebook.csv, lms.csv")
    batch.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    batch.add_argument("--jobs", type=int, default=None,
                       help="submissions graded at once (default: the number of cores, at most "
                       "511)")
    batch.add_argument("--shard", metavar="K/N", help="grade only the K-th of N equal parts")
    batch.add_argument("--regrade", action="store_true",
                       help="grade everything again, ignoring stored results and reuse")
    batch.add_argument("--no-reuse", action="store_true",
                       help="do not reuse module results of identical files (benchmarking)")
    batch.add_argument("--manual-scores", metavar="CSV", help=MANUAL_HELP)
    batch.set_defaults(handler=_batch)

    merge = commands.add_parser(
        "merge", **_listed("join the output folders of sharded batch runs into one gradebook"))
    merge.add_argument("shards", nargs="+", help="output folders of `autograder batch --shard`")
    merge.add_argument("-o", "--output", required=True, help="folder for the joined results")
    merge.add_argument("--manual-scores", metavar="CSV", help=MANUAL_HELP)
    merge.set_defaults(handler=_merge)

    validate = commands.add_parser(
        "validate", **_listed("prove the grader on the reference, the stubs and the zoos"))
    validate.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    validate.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    validate.add_argument("--batch", action="store_true",
                          help="grade the cases as one class with `autograder batch`")
    validate.add_argument("only", nargs="*",
                          help="case names or kinds (bug, alternative, hostile) to run")
    validate.set_defaults(handler=_validate)

    rubric = commands.add_parser(
        "rubric", **_listed("check that the rubric gives points to exactly the tests that exist"
    ))
    rubric.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    rubric.add_argument(
        "--write-handout", action="store_true", help="rewrite the handout's points table"
    )
    rubric.add_argument(
        "--draft", action="store_true",
        help="print a rubric that spreads each module's points evenly over its tests",
    )
    rubric.set_defaults(handler=_rubric)

    class_report = commands.add_parser(
        "report", **_listed("write OUT_DIR/report/index.html: the graded class at a glance"))
    class_report.add_argument("out_dir", metavar="OUT_DIR", help="the -o folder of a batch")
    class_report.add_argument("--top", type=int, default=25,
                              help="how many of the most failed tests to show (default 25)")
    class_report.set_defaults(handler=_class_report)

    release = commands.add_parser(
        "release", **_listed("build the student repository: no solutions, hidden tests or zoo"))
    release.add_argument("-o", "--output", required=True, metavar="DIR",
                         help="an empty or new folder, or a previous release to update")
    release.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    release.set_defaults(handler=_release)
    doctor = commands.add_parser(
        "doctor", **_listed("show which confinement layers this machine gives a submission "
                            "and whether hidden grading is safe here (exit 1 if not)"))
    doctor.set_defaults(handler=_doctor)

    new = commands.add_parser(
        "new", **_listed("scaffold a new assignment: manifest, reference, handout, suites, "
                         "rubric and zoo that every check accepts, stubs and points generated"))
    new.add_argument("name", metavar="NAME", help="the new assignment: aN_word (a3_mlp)")
    new.add_argument("--module", default="warmup",
                     help="its graded module, holding a placeholder function (default: warmup)")
    new.set_defaults(handler=_new)

    gradescope = commands.add_parser(
        "gradescope", **_listed("package the assignment's grader as Gradescope's autograder.zip"))
    gradescope.add_argument("-o", "--output", default="autograder.zip", metavar="ZIP",
                            help="the zip to write (default: autograder.zip)")
    gradescope.add_argument("--assignment", metavar="NAME", help=ASSIGNMENT_HELP)
    gradescope.add_argument("--secret-file", metavar="PATH",
                            help="a file holding the grading secret, copied into the zip")
    gradescope.set_defaults(handler=_gradescope)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if "assignment" in args:  # every command that needs one gets the Assignment object
            from autograder import assignment

            try:
                args.assignment = assignment.load(args.assignment)
            except assignment.ManifestError as error:
                raise UsageError(str(error)) from None
        return args.handler(args)
    except UsageError as error:
        print(f"autograder {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
