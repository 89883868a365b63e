"""What the engine knows of an assignment: its manifest, ``solutions/<name>/assignment.toml``
(in a student release, ``assignments/<name>/assignment.toml``), loaded into an ``Assignment``.

Nothing else under ``autograder/`` names an assignment: every command takes ``--assignment
NAME`` and asks this module for the rest (its modules, points, forbidden APIs, notebook, data,
limits and where its files live). ``[tool.autograder] current-assignment`` in the repository's
``pyproject.toml`` is the default where a course holds several.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from autograder import layout

REPO = Path(__file__).resolve().parent.parent
MANIFEST = "assignment.toml"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class ManifestError(ValueError):
    """A manifest that is missing, unreadable or incomplete; the message names the file."""


@dataclass(frozen=True)
class Module:
    """One graded module file of an assignment."""

    name: str
    points: float
    forbidden: frozenset[str] = frozenset()  # torch function names it may not reach
    forbid_functional: bool = False  # everything in torch.nn.functional, too
    no_in_place: bool = False  # its functions must leave their input tensors unchanged


@dataclass(frozen=True)
class Budgets:
    """Limits of one grading run of one submission, in seconds."""

    call: float = 10.0
    import_: float = 20.0
    function: float = 10.0  # every call of one student function, in one module's tests
    module: float = 45.0  # every call made by one module's tests
    run: float = 420.0  # the whole suite run: a backstop above the modules' budgets
    notebook: float = 300.0
    cell: float = 60.0


@dataclass(frozen=True, eq=False)  # one object per manifest (``load`` caches): hashed by identity
class Assignment:
    name: str
    title: str
    fixture: str  # the pytest fixture through which the suites reach an implementation
    modules: dict[str, Module]  # in the handout's order
    public_share: float
    gpu_points: float
    notebook: str | None
    datasets: tuple[str, ...]
    budgets: Budgets
    manifest: Path
    demo: tuple[str, ...] = ()  # zoo entries `autograder demo` grades beside reference and stubs
    root: Path = field(default=REPO)

    @property
    def module_names(self) -> tuple[str, ...]:
        return tuple(self.modules)

    @property
    def module_files(self) -> tuple[str, ...]:
        return tuple(f"{m}.py" for m in self.modules)

    @property
    def graded_files(self) -> tuple[str, ...]:
        """The files of a submission that are graded (everything else is ignored)."""
        return self.module_files + ((self.notebook,) if self.notebook else ())

    @property
    def forbidden(self) -> dict[str, frozenset[str]]:
        return {m.name: m.forbidden for m in self.modules.values()
                if m.forbidden or m.forbid_functional}

    @property
    def solutions(self) -> Path:
        return self.root / layout.solutions_folder(self.name)

    @property
    def stubs(self) -> Path:
        """The student's folder: generated stubs, handout, public tests."""
        return self.root / layout.student_folder(self.name)

    @property
    def init_file(self) -> Path:
        return self.stubs / "__init__.py"

    @property
    def public_tests(self) -> Path:
        return self.stubs / "tests"

    @property
    def hidden_suite(self) -> Path:
        return self.root / "autograder" / "suites" / self.name

    @property
    def rubric(self) -> Path:
        return self.root / "autograder" / "rubrics" / f"{self.name}.toml"

    @property
    def zoo(self) -> Path:
        return self.root / "autograder" / "zoo" / self.name

    @property
    def handout(self) -> Path:
        return self.stubs / "README.md"

    @property
    def source_notebook(self) -> Path | None:
        """The nbgrader source: the instructor's (in solutions/), or in a student repository the
        public source its release ships (``public_source_notebook``), or a path that does not
        exist."""
        if not self.notebook:
            return None
        instructor = self.solutions / self.notebook
        public = self.public_source_notebook
        return public if not instructor.is_file() and public.is_file() else instructor

    @property
    def public_source_notebook(self) -> Path:
        """Where a release keeps the source of its notebook's public checks."""
        return self.root / "autograder" / "notebook" / "public" / self.name / (
            self.notebook or "")

    @property
    def student_notebook(self) -> Path | None:
        return self.stubs / self.notebook if self.notebook else None

    def suite_paths(self, suites=("public", "hidden")) -> list[Path]:
        paths = {"public": self.public_tests, "hidden": self.hidden_suite}
        return [paths[suite] for suite in suites]

    def module_total(self, module: str) -> float:
        return self.modules[module].points


def _manifest_paths(root: Path) -> dict[str, Path]:
    """name -> manifest file; an instructor's ``solutions/`` wins over a release's copy."""
    found: dict[str, Path] = {}
    for folder in (layout.STUDENT_ROOT, layout.SOLUTIONS_ROOT):
        for path in sorted((root / folder).glob(f"*/{MANIFEST}")):
            found[path.parent.name] = path
    return found


def names(root: Path = REPO) -> list[str]:
    """Every assignment of the course, sorted."""
    return sorted(_manifest_paths(Path(root)))


def current(root: Path = REPO) -> str:
    """The default assignment: the course's current one, else the only one."""
    available = names(root)
    pyproject = Path(root) / "pyproject.toml"
    if pyproject.is_file():
        settings = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        chosen = settings.get("tool", {}).get("autograder", {}).get("current-assignment")
        if chosen:
            if chosen not in available:
                raise ManifestError(f"pyproject.toml: current-assignment = {chosen!r} has no "
                                    f"{MANIFEST} (assignments: {', '.join(available) or 'none'})")
            return chosen
    if len(available) == 1:
        return available[0]
    if not available:
        raise ManifestError(f"{root}: no assignment (no solutions/*/{MANIFEST})")
    raise ManifestError(f"several assignments ({', '.join(available)}): name one with "
                        "--assignment, or set [tool.autograder] current-assignment")


def load(name: str | None = None, root: Path = REPO) -> Assignment:
    """The assignment ``name`` (default: ``current()``)."""
    return _load(name or current(root), Path(root))


@functools.cache
def _load(name: str, root: Path) -> Assignment:
    paths = _manifest_paths(root)
    if name not in paths:
        known = ", ".join(sorted(paths)) or "none"
        raise ManifestError(f"no assignment {name!r} (there are: {known}; each has "
                            f"solutions/<name>/{MANIFEST})")
    return parse(paths[name], root)


def _require(data: dict, key: str, kind, where: str):
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ManifestError(f"{where}: {key!r} must be {getattr(kind, '__name__', kind)}, "
                            f"got {value!r}")
    return value


def parse(path: Path, root: Path = REPO) -> Assignment:
    """The manifest at ``path``; ManifestError (naming the file) if it is not one."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ManifestError(f"{where}: cannot be read: {error}") from None
    name = _require(data, "name", str, where)
    if not _NAME.fullmatch(name) or name != Path(path).parent.name:
        raise ManifestError(f"{where}: name {name!r} must be its folder's name, in lowercase "
                            "letters, digits and _")
    modules: dict[str, Module] = {}
    for module, spec in _require(data, "modules", dict, where).items():
        here = f"{where} [modules.{module}]"
        if not _NAME.fullmatch(module):
            raise ManifestError(f"{here}: not a valid module name")
        forbidden = spec.get("forbidden", [])
        if not isinstance(forbidden, list) or not all(isinstance(f, str) for f in forbidden):
            raise ManifestError(f"{here}: forbidden must be a list of torch function names")
        modules[module] = Module(
            name=module,
            points=float(_require(spec, "points", int | float, here)),
            forbidden=frozenset(forbidden),
            forbid_functional=bool(spec.get("forbid-functional", False)),
            no_in_place=bool(spec.get("no-in-place", False)),
        )
    if not modules:
        raise ManifestError(f"{where}: no [modules.<name>] table")
    budgets = data.get("budgets", {})
    share = float(data.get("public-share", 0.3))
    if not 0 <= share <= 1:
        raise ManifestError(f"{where}: public-share must lie in [0, 1], got {share}")
    notebook = data.get("notebook")
    if notebook is not None and not (isinstance(notebook, str) and notebook.endswith(".ipynb")):
        raise ManifestError(f"{where}: notebook must be a file name ending in .ipynb")
    return Assignment(
        name=name,
        title=str(data.get("title", name)),
        fixture=_require(data, "fixture", str, where),
        modules=modules,
        public_share=share,
        gpu_points=float(data.get("gpu-points", 0)),
        notebook=notebook,
        datasets=tuple(data.get("datasets", ())),
        budgets=Budgets(
            call=float(budgets.get("call-seconds", Budgets.call)),
            import_=float(budgets.get("import-seconds", Budgets.import_)),
            function=float(budgets.get("function-seconds", Budgets.function)),
            module=float(budgets.get("module-seconds", Budgets.module)),
            run=float(budgets.get("run-seconds", Budgets.run)),
            notebook=float(budgets.get("notebook-seconds", Budgets.notebook)),
            cell=float(budgets.get("cell-seconds", Budgets.cell)),
        ),
        manifest=Path(path),
        demo=tuple(data.get("demo", ())),
        root=Path(root),
    )


def resolve(assignment: Assignment | str | None) -> Assignment:
    """An Assignment, its name, or None (the current one), as an Assignment."""
    return assignment if isinstance(assignment, Assignment) else load(assignment)


def all_assignments(root: Path = REPO) -> list[Assignment]:
    return [load(name, root) for name in names(root)]


@functools.cache
def by_fixture(root: Path = REPO) -> dict[str, Assignment]:
    """fixture name -> assignment (each fixture names one assignment)."""
    found: dict[str, Assignment] = {}
    for assignment in all_assignments(root):
        if assignment.fixture in found:
            raise ManifestError(f"{assignment.manifest}: fixture {assignment.fixture!r} is "
                                f"also {found[assignment.fixture].name}'s")
        found[assignment.fixture] = assignment
    return found


def owning(path: Path, root: Path = REPO) -> Assignment | None:
    """The assignment whose folders (stubs, tests, solutions, hidden suite, zoo) hold ``path``."""
    resolved = Path(path).resolve()
    for assignment in all_assignments(root):
        for folder in (assignment.stubs, assignment.solutions, assignment.hidden_suite,
                       assignment.zoo):
            if resolved == folder or folder in resolved.parents:
                return assignment
    return None
