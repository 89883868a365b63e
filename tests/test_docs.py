"""The docs say what exists: every repository path that README.md, docs/ and the student
templates name is there, every link resolves, and every ``autograder`` / ``autograder.gha`` /
``make`` command they show names a real subcommand, option or target."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from autograder import assignment as course
from autograder import cli, gha, release

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "autograder" / "templates" / "student"
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *TEMPLATE.rglob("*.md"),
               *(a.handout for a in course.all_assignments()),
               ROOT / "autograder" / "zoo" / "a1_neurons" / "README.md",
               ROOT / "datasets" / "DATASHEET.md"])
# Paths starting with one of these are this repository's; others (results.json, class/,
# submissions/, OUT_DIR/...) are what commands write, not files to find here.
TOP = {p.name for p in ROOT.iterdir()} - {".git", ".venv"}
# a3_mlp: the instructor guide's example of a new assignment
PLACEHOLDER = re.compile(r"[<>*{}~$|]|\.\.\.|NAME|DIR\b|K-of-N|a3_mlp")


def _is_template(doc: Path) -> bool:
    return TEMPLATE in doc.parents


def _render(doc: Path) -> str:
    text = doc.read_text(encoding="utf-8")
    if _is_template(doc):  # as a release renders it, for the current assignment
        text = text.replace("{{assignment}}", course.current()).replace("{{title}}", "T")
    return text


def _named_paths(text: str) -> set[str]:
    found = set()
    for token in re.findall(r"`([^`\s]+)`", text):
        token = token.rstrip(".,:;")
        first = token.split("/")[0]
        if "/" in token and first in TOP and not PLACEHOLDER.search(token):
            found.add(token.split("::")[0])
    return found


def _links(text: str) -> set[str]:
    return {link.split("#")[0] for link in re.findall(r"\]\(([^)\s]+)\)", text)
            if not link.startswith(("http://", "https://", "#", "mailto:"))}


def _released() -> set[str]:
    """Paths of a student release (with their folders): docs may name them too."""
    files = set(release.plan())
    return files | {str(parent) for name in files for parent in Path(name).parents}


RELEASED = _released()


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_named_paths_exist(doc):
    text = _render(doc)
    missing = [p for p in sorted(_named_paths(text))
               if not (ROOT / p).exists() and p.rstrip("/") not in RELEASED]
    assert not missing, f"{doc.relative_to(ROOT)} names paths that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_links_resolve(doc):
    text = _render(doc)
    base = doc.parent
    if _is_template(doc):  # a release puts the template's files at its root
        base = ROOT / doc.parent.relative_to(TEMPLATE)
    missing = [link for link in sorted(_links(text))
               if link and not (base / link).exists() and not (
                   _is_template(doc) and (ROOT / link).exists())]
    missing = [m for m in missing if m.rstrip("/") not in RELEASED]
    assert not missing, f"{doc.relative_to(ROOT)}: broken links {missing}"


def _commands(text: str) -> list[list[str]]:
    """The command lines of the fenced blocks and inline code: autograder, gha and make."""
    lines, fence = [], None
    for line in text.replace("\\\n", " ").splitlines():
        if line.strip().startswith("```"):
            fence = None if fence is not None else line.strip()[3:].strip()
        elif fence in ("", "bash", "sh", "console"):
            lines.append(line)
    lines += re.findall(r"`((?:\.venv/bin/)?autograder [^`]+|make [a-z][^`]*|python -m "
                        r"autograder\.gha [^`]+)`", text)
    commands = []
    for line in lines:
        line = line.split("#")[0].strip()
        if not line:
            continue
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        for index, word in enumerate(words):
            if (word.endswith(("bin/autograder", "autograder")) and word != "autograder.gha") or (
                    word == "-m" and index + 1 < len(words) and words[index + 1] in (
                        "autograder", "autograder.gha")) or word == "make":
                commands.append(words[index:])
                break
    return commands


def _options(parser) -> dict[str, set[str]]:
    sub = parser._subparsers._group_actions[0].choices
    return {name: {o for action in p._actions for o in action.option_strings}
            for name, p in sub.items()}


AUTOGRADER = _options(cli.build_parser())
GHA = _options(gha.build_parser())


def _make_targets(doc: Path) -> set[str]:
    """The targets of this Makefile, and of the student repository's (the docs show both)."""
    student = release.student_makefile(course.current())
    if _is_template(doc) or doc in [a.handout for a in course.all_assignments()]:
        return set(re.findall(r"^([a-z][a-z-]*):", student, re.M))
    text = (ROOT / "Makefile").read_text(encoding="utf-8") + student
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


def command_problems(text: str, doc: Path) -> list[str]:
    problems = []
    for words in _commands(text):
        if words[0] == "make":
            targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            problems += [f"make {t}" for t in targets if t not in _make_targets(doc)]
            continue
        if words[0] == "-m":
            words = words[1:]
        table = GHA if words[0] == "autograder.gha" else AUTOGRADER
        if len(words) < 2 or words[1].startswith("-"):
            continue
        for command in words[1].split("|"):  # `gha summary|comment|fence`: each of them
            if command not in table:
                problems.append(f"{words[0]} {command}: no such command")
                continue
            for word in words[2:]:
                option = word.split("=")[0]
                if option.startswith("--") and option not in table[command]:
                    problems.append(f"{words[0]} {command} {option}: no such option")
    return problems


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_commands_name_real_subcommands_options_and_targets(doc):
    problems = command_problems(_render(doc), doc)
    assert not problems, f"{doc.relative_to(ROOT)}: {problems}"


def test_a_wrong_command_option_or_target_is_caught():
    text = ("```bash\n.venv/bin/autograder grade x --no-such-option\nmake no-such-target\n"
            "python -m autograder.gha nonsense\n```\n`autograder frobnicate`\n")
    assert command_problems(text, ROOT / "README.md") == [
        "grade --no-such-option: no such option".join([".venv/bin/autograder ", ""]),
        "make no-such-target", "autograder.gha nonsense: no such command",
        "autograder frobnicate: no such command"]


def test_the_checks_see_commands_and_paths():
    """The extraction is not vacuous: the README shows commands and names paths."""
    text = _render(ROOT / "README.md")
    assert len(_commands(text)) >= 10 and len(_named_paths(text)) >= 20
    assert ["make", "test"] in [c[:2] for c in _commands(text)]


ENGINE_MODULES = sorted(
    [p for p in (ROOT / "autograder").glob("*.py") if p.name != "__init__.py"
     and p.name != "__main__.py"] + [p for p in (ROOT / "autograder").iterdir()
                                     if (p / "__init__.py").is_file() and p.name not in (
                                         "suites", "zoo", "templates")])


def test_the_readme_lists_every_engine_module_in_pipeline_order():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### `autograder/`, in the order a grade runs", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| [0-9 ]*\| `autograder/([^`]+?)/?` \|", section, re.M)
    names = [p.name.removesuffix(".py") for p in ENGINE_MODULES]
    assert sorted(n.removesuffix(".py") for n in listed) == sorted(names)
    steps = [int(m) for m in re.findall(r"^\| ([0-9]) \|", section, re.M)]
    assert steps == sorted(steps), "the numbered steps are in order"


@pytest.mark.parametrize("path", [p for m in ENGINE_MODULES
                                  for p in ([m] if m.is_file() else sorted(m.glob("*.py")))],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_engine_module_says_its_job_and_holds_one(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith('"""'), f"{path.name}: starts with a docstring line on its job"
    assert len(text.splitlines()) <= 430, f"{path.name}: over about 400 lines: split it by job"


NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve"]


def test_the_readme_states_the_demos_numbers_as_the_demo_makes_them():
    """`make demo`'s paragraph: how many submissions and bugs it grades (the reference, the
    stubs and the manifest's ``demo`` entries, as ``autograder.demo`` picks them) and the
    reference's score (``demo.marks``, whose numbers tests/test_suites.py finds in the demo's
    output)."""
    from autograder import demo, validate

    assignment = course.load()  # what `autograder demo` grades without --assignment
    kinds = [case.kind for case in validate.cases(assignment) if case.name in assignment.demo]
    reference, maximum = demo.marks(assignment)
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"`make demo` grades {NUMBER_WORDS[2 + len(kinds)]} submissions" in text
    assert f"{NUMBER_WORDS[kinds.count('bug')]} realistic bugs from the bug zoo" in text
    assert f"the reference solution at {reference:g}/{maximum:g} (" in text
    assert f"the notebook's {maximum - reference:g} points of checks count as absent" in text


def test_the_not_implemented_messages_the_docs_quote_are_the_stubs():
    """Handouts and guides quote a stub's message (``perceptron.step is not implemented yet``):
    each is what that stub raises, in ``autograder.stubs.MESSAGE``'s words."""
    from autograder import stubs

    tail = stubs.MESSAGE.format(module="", function="").strip(". ")
    quoted = {(doc, match) for doc in [*DOCS, ROOT / "autograder" / "stubs.py"]
              for match in re.findall(r"([\w<>]+\.[\w<>]+) " + re.escape(tail),
                                      " ".join(doc.read_text(encoding="utf-8").split()))}
    assert len({doc for doc, _ in quoted}) >= 3, "the handouts and README quote it"
    generic = stubs.MESSAGE.format(module="<module>", function="<function>")
    assert generic in " ".join(stubs.__doc__.split()), "autograder/stubs.py says what it writes"
    raised = {f"{a.name}:{m}" for a in course.all_assignments() for m in re.findall(
        r'raise NotImplementedError\("([\w.]+) ' + re.escape(tail) + '"\\)',
        "".join(p.read_text(encoding="utf-8") for p in sorted(a.stubs.glob("*.py"))))}
    wrong = [f"{doc.relative_to(ROOT)}: {name}" for doc, name in sorted(quoted)
             if name != "<module>.<function>" and not any(r.endswith(f":{name}")
                                                          for r in raised)]
    assert not wrong, f"quoted messages no stub raises: {wrong}"


def test_the_results_schema_names_only_files_that_exist():
    text = (ROOT / "autograder" / "schemas" / "results.schema.json").read_text(encoding="utf-8")
    descriptions = " ".join(re.findall(r'"description": "([^"]*)"', text))
    named = re.findall(r"(?<![\w/:.])((?:[\w.-]+/)+[\w.-]+\.(?:py|md|json|toml))", descriptions)
    assert "autograder/report.py" in named
    missing = [path for path in named if not (ROOT / path).exists()]
    assert not missing, f"results.schema.json names files the repository lacks: {missing}"
