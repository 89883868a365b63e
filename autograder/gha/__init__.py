"""The steps that the GitHub workflows run: ``python -m autograder.gha STEP ...``.

* ``summary RESULTS_JSON``   grade workflow: the score table into ``$GITHUB_STEP_SUMMARY`` and an
                             ``::error`` annotation per failing public test;
* ``fence -- COMMAND ...``   run a command whose output cannot issue workflow commands;
* ``comment RESULTS_JSON``   comment workflow (``workflow_run``): create or update the pull
                             request's one score comment;
* ``collect ...``            instructor: each student's module files at the deadline;
* ``shards N``               instructor: the job matrix for ``autograder batch --shard K/N``.

Everything a student can influence (results.json from an artifact, test names and messages,
names in a repository or an archive) is data here: validated, escaped, never run and never
put into a shell. Only the standard library is used, and ``jsonschema`` for results.json (the
comment workflow installs it alone); the files ``collect`` takes come from the
assignment's manifest (``autograder.assignment``).
"""

# One module per job: context (what the runner gives a step), commands (workflow commands and the
# fence), results (results.json and the summary), comment, collect, and cli (the steps' command
# line, and shards). The names below are the package's interface.

from .cli import MAX_SHARDS, build_parser, main, shard_matrix
from .collect import (
    STUDENT_ID,
    Collected,
    collect_archive,
    collect_repository,
    graded_files,
    parse_deadline,
    read_archive,
    read_roster,
)
from .collect import _git_environment as _git_environment  # tested directly
from .commands import Fence, annotation, escape_data, escape_property, fence_command
from .comment import GitHubAPI, comment_body, find_comment, marker, pull_request_number
from .context import REPOSITORY, Context, InputError
from .results import (
    MAX_LISTED_FAILURES,
    SCHEMA_PATH,
    code_span,
    first_problem,
    load_results,
    load_schema,
    plain,
    render_summary,
    visible_tests,
)

__all__ = [
    "MAX_LISTED_FAILURES",
    "MAX_SHARDS",
    "REPOSITORY",
    "SCHEMA_PATH",
    "STUDENT_ID",
    "Collected",
    "Context",
    "Fence",
    "GitHubAPI",
    "InputError",
    "annotation",
    "build_parser",
    "code_span",
    "collect_archive",
    "collect_repository",
    "comment_body",
    "escape_data",
    "escape_property",
    "fence_command",
    "find_comment",
    "first_problem",
    "graded_files",
    "load_results",
    "load_schema",
    "main",
    "marker",
    "parse_deadline",
    "plain",
    "pull_request_number",
    "read_archive",
    "read_roster",
    "render_summary",
    "shard_matrix",
    "visible_tests",
]
