"""Options and fixtures shared by every suite: which implementation to test, and seeded inputs.

    pytest assignments/a1_neurons/tests                      # your code (the default)
    pytest assignments/a1_neurons/tests --impl path/to/other/dir
    pytest ... --impl first=path/to/dir --impl second=other/dir    # several at once
    pytest ... --seed 7                                      # other random test inputs

Each assignment's manifest (``assignment.toml``) names the fixture through which its suites
reach an implementation (``a1`` for a1_neurons). An ``--impl`` value is ``[NAME=]DIR[,DIR...]``
for the assignment whose tests the command names (or ``--assignment NAME``): its modules are
looked up in the directories in order. A DIR that holds ``assignments/<name>`` (a checkout of
the student repository) means that folder. Other assignments' tests run against their stubs.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings

from autograder import assignment as course
from autograder import session
from autograder.seam import Implementation

ROOT = Path(__file__).resolve().parent
FIXTURES = course.by_fixture(ROOT)  # fixture name -> assignment

# Bounded and derandomised: the same examples on every run, on every machine.
settings.register_profile(
    "course",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("course")


def pytest_addoption(parser):
    group = parser.getgroup("course", "which implementation the suites test")
    group.addoption(
        "--impl",
        action="append",
        default=[],
        metavar="[NAME=]DIR[,DIR...]",
        help="implementation to test (repeatable; default: assignments/<assignment>)",
    )
    group.addoption(
        "--assignment",
        default=None,
        metavar="NAME",
        help="the assignment that --impl implements (default: the one whose tests are named)",
    )
    group.addoption(
        "--sandboxed",
        action="store_true",
        help="run each implementation in a confined process (grading mode)",
    )
    group.addoption(
        "--sandbox-uid",
        type=int,
        default=None,
        help="with --sandboxed, run as root: the unprivileged uid of the student process",
    )
    group.addoption(
        "--seed",
        type=int,
        # autograder.runner (the repository's tests, the benchmark's naive loop) passes its seed
        # in the environment: a process's command line is readable by every user, its
        # environment is not. ``grade`` and ``batch`` set each module's secret-derived seed in
        # the fork server's job instead (session.SEEDS), which ``seed`` prefers to this one.
        default=int(os.environ.get("AUTOGRADER_SEED", "0")),
        help="seed of the random test inputs (the grader derives its own)",
    )


def _parse_impl(value: str, assignment: course.Assignment) -> tuple[str, list[Path]]:
    name, _, dirs = value.rpartition("=")
    paths = []
    for part in dirs.split(","):
        path = Path(part).expanduser()
        if (path / "assignments" / assignment.name).is_dir():
            path = path / "assignments" / assignment.name
        if not path.is_dir():
            raise pytest.UsageError(f"--impl {value}: {part} is not a directory")
        paths.append(path)
    if not name:
        first = paths[0].resolve()
        name = first.parent.name if first.name == assignment.name else first.name
    return name, paths


def _target(config) -> course.Assignment:
    """The assignment that --impl means: --assignment, else the one the named paths belong
    to, else the course's current one."""
    chosen = config.getoption("--assignment")
    try:
        if chosen:
            return course.load(chosen, ROOT)
        owners = {owner.name: owner for owner in
                  (course.owning(Path(arg.split("::")[0]), ROOT) for arg in config.args) if owner}
        if len(owners) == 1:
            return next(iter(owners.values()))
        if len(owners) > 1 and config.getoption("--impl"):
            raise pytest.UsageError(f"--impl: the tests named belong to {', '.join(owners)}; "
                                    "say which one with --assignment NAME")
        return course.load(None, ROOT)
    except course.ManifestError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "flag(kind, message): when the test fails on an assertion, the grader raises "
        "the flag KIND for the staff with MESSAGE (e.g. test-set-leakage)")
    for assignment in FIXTURES.values():
        for module in assignment.modules:
            config.addinivalue_line("markers", f"{module}: {assignment.name}/{module}.py")
    target = config.stash[session.ASSIGNMENT] = _target(config)
    values = config.getoption("--impl") or [str(target.stubs)]
    parsed = [_parse_impl(value, target) for value in values]
    names = [name for name, _ in parsed]
    if len(set(names)) != len(names):
        raise pytest.UsageError(f"--impl names must be unique, got {names}")
    budgets = {"call_timeout": target.budgets.call, "import_timeout": target.budgets.import_}
    if config.getoption("--sandboxed"):
        budgets.update(function_budget=target.budgets.function,
                       module_budget=target.budgets.module)
        from autograder import standin, zygote
        from autograder.proxy import SandboxImplementation
        from autograder.sandbox import DEFAULT_UID

        if not os.environ.get(zygote.ENV_VAR):  # workers start as forks of one process
            workers = config.stash[_ZYGOTE] = zygote.Zygote()
            os.environ[zygote.ENV_VAR] = workers.socket_path
            workers.wait_ready()

        uid = config.getoption("--sandbox-uid") or DEFAULT_UID
        budgets["reference"] = standin.reference_of(target)
        config.stash[session.SANDBOXED] = lambda name, paths, uid: SandboxImplementation(
            name, paths, target.modules, target.init_file, uid=uid, **budgets)
        impls = [SandboxImplementation(name, paths, target.modules, target.init_file,
                                       uid=uid + index, **budgets)
                 for index, (name, paths) in enumerate(parsed)]
    else:
        impls = [Implementation(name, paths, target.modules, target.init_file)
                 for name, paths in parsed]
    config.stash[_IMPLS] = {target.name: impls}


def _impls(config, assignment: course.Assignment) -> list:
    """The implementations of ``assignment`` under test (its stubs unless --impl named some)."""
    found = config.stash[_IMPLS]
    if assignment.name not in found:
        name, paths = _parse_impl(str(assignment.stubs), assignment)
        found[assignment.name] = [Implementation(name, paths, assignment.modules,
                                                 assignment.init_file)]
    return found[assignment.name]


def pytest_unconfigure(config):
    impls = [impl for group in config.stash.get(_IMPLS, {}).values() for impl in group]
    for impl in impls:
        if hasattr(impl, "close"):
            impl.close()
    workers = config.stash.get(_ZYGOTE, None)
    if workers is not None:
        workers.close()
        os.environ.pop("AUTOGRADER_ZYGOTE", None)


_IMPLS = session.IMPLEMENTATIONS
_SEEDS = session.SEEDS
_ZYGOTE = pytest.StashKey[object]()


def pytest_generate_tests(metafunc):
    for fixture, assignment in FIXTURES.items():
        if fixture in metafunc.fixturenames:
            names = [impl.name for impl in _impls(metafunc.config, assignment)]
            metafunc.parametrize(fixture, names, ids=names, indirect=True, scope="session")


def _implementation_fixture(fixture: str, assignment: course.Assignment):
    @pytest.fixture(scope="session", name=fixture)
    def implementation(request):
        return next(impl for impl in _impls(request.config, assignment)
                    if impl.name == request.param)

    implementation.__doc__ = (f"The implementation of {assignment.name} under test (the seam): "
                              f"``{fixture}.<module>.<function>(...)``.")
    return implementation


# One fixture per assignment, named by its manifest: ``a1.activations.logistic(x)``, ...
for _fixture, _assignment in FIXTURES.items():
    globals()[f"_fixture_{_fixture}"] = _implementation_fixture(_fixture, _assignment)


def assignment_of(item) -> course.Assignment | None:
    """The assignment whose fixture the test uses."""
    return next((a for f, a in FIXTURES.items() if f in getattr(item, "fixturenames", ())), None)


def module_of(item) -> str | None:
    """The graded module a test belongs to: its one module marker."""
    assignment = assignment_of(item)
    modules = assignment.modules if assignment else ()
    found = [mark.name for mark in item.iter_markers() if mark.name in modules]
    return found[0] if len(found) == 1 else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Each implementation's tests, module by module (public before hidden): in grading mode
    # every module's tests then start from a fresh worker, so one module's results never
    # depend on what another module did, and can be reused for the same files (batch).
    assignments = list(FIXTURES.values())

    def order(item):
        assignment = assignment_of(item)
        if assignment is None:
            return (-1, -1, -1)
        names = [impl.name for impl in _impls(config, assignment)]
        callspec = getattr(item, "callspec", None)
        impl = callspec.params.get(assignment.fixture) if callspec else None
        modules = list(assignment.modules)
        module = module_of(item)
        return (assignments.index(assignment), names.index(impl) if impl in names else -1,
                modules.index(module) if module in modules else len(modules))

    items.sort(key=order)


def pytest_runtest_setup(item):
    if not item.config.getoption("--sandboxed"):
        return
    module = module_of(item)
    for impl in item.config.stash[_IMPLS].get(item.config.stash[session.ASSIGNMENT].name, []):
        if impl.group != module:
            impl.start_group(module)


def _seed_of(request) -> int:
    seeds = request.config.stash.setdefault(_SEEDS, {})
    return seeds.get(module_of(request.node), request.config.getoption("--seed"))


@pytest.fixture
def seed(request) -> int:
    """The seed for this test's generated inputs: its module's seed if the grader's job set one
    (each module's seed depends only on the files it uses), else the run's ``--seed``."""
    return _seed_of(request)


def _test_seed(request) -> list[int]:
    # Same inputs for every implementation under test, different ones for every test function
    # (keyed by file and function name: the cases of a parametrised test share them).
    key = f"{request.node.path.name}::{request.node.originalname}"
    return [_seed_of(request), zlib.crc32(key.encode())]


# rng and torch_gen take the seed themselves, not through the ``seed`` fixture: each fixture
# that asks for ``request`` costs pytest a fixture definition per test (a grade runs ~1,000).
@pytest.fixture
def rng(request) -> np.random.Generator:
    """A numpy generator seeded from the test's module's seed (``seed``) and its name."""
    return np.random.default_rng(_test_seed(request))


@pytest.fixture
def torch_gen(request) -> torch.Generator:
    """A torch CPU generator seeded from the test's module's seed (``seed``) and its name."""
    state = np.random.SeedSequence(_test_seed(request)).generate_state(1)[0]
    return torch.Generator().manual_seed(int(state))
