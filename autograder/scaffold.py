"""``autograder new NAME``: scaffold a new assignment that every check of the repository accepts.

It writes the manifest and a reference module (one function, ``double``, between the solution
markers), the handout with its points markers, a public and a hidden test file and a GPU
parity test (each carrying the module's marker and reaching the code through the assignment's
fixture), a zoo with one bug and one alternative, then generates the stubs (and with them the
student's ``__init__.py``), drafts the rubric and writes the handout's points table. The
instructor then replaces the placeholder function, its tests and its zoo with the real ones.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

from autograder import assignment as course

# aN_word: "a", the assignment's number, "_", a lowercase word (words joined by "_" allowed)
NAME = re.compile(r"a([1-9][0-9]*)_([a-z][a-z0-9]*(?:_[a-z0-9]+)*)")
MODULE = re.compile(r"[a-z][a-z0-9_]{0,63}")
DEFAULT_MODULE = "warmup"  # the placeholder module, unless --module names the first real one
PARITY = "parity"  # the hidden suite's test_parity.py: no module may take that name
RESERVED = {PARITY, "tests"}  # ...nor the name of the public tests' folder


class ScaffoldError(ValueError):
    """A name that cannot become a new assignment; the message is one line naming why."""


MANIFEST = """\
# The manifest of this assignment: everything the grading engine knows about it. The engine
# (autograder/) names no assignment; every command reads this file (`--assignment NAME`).
# Written by `autograder new`: edit the title, the modules and their points.
name = "$name"
title = "$title"
# The suites reach an implementation through this pytest fixture: `$fixture.$module.double(x)`.
fixture = "$fixture"
# The share of each module's points that the public tests carry (the rest: the hidden suite).
public-share = 0.3
# CPU/GPU parity tests: pass/fail beside the score (0 points), the same maximum everywhere.
gpu-points = 0
# No notebook: this assignment is graded on its modules alone. No datasets yet.
datasets = []

[budgets]
call-seconds = 10.0
import-seconds = 20.0
run-seconds = 300.0
function-seconds = 10.0  # every call of one function, in one module's tests
module-seconds = 45.0    # every call made by one module's tests

[modules.$module]
points = 100
# Its functions must leave their input tensors unchanged.
no-in-place = true
# torch functions it may not reach while it runs (as a torch function mode names them).
forbidden = []
"""

INIT = '''\
"""$title.

The grader imports each module of this package on its own (``$name.$module``), so a mistake in
one file costs only the tests of that file. Do not import the modules here.
"""
'''

REFERENCE = '''\
"""$module.py of $name: a placeholder written by `autograder new`. Replace ``double`` with the
assignment's functions, each with its docstring as its specification.

Rules for every function in this file (the contract in the handout):

* Inputs are floating-point tensors (float16, bfloat16, float32 or float64), on any device.
* Results are *new* tensors of the input's dtype and device: no input is modified in place,
  and no result is an input itself or a view of one.
"""

import torch


def double(x: torch.Tensor) -> torch.Tensor:
    """Twice x, element by element: double(x) = 2 x.

    Args:
        x: floating-point tensor of any shape (0-d and empty included), any device.

    Returns:
        A new tensor of x's shape, dtype and device.
    """
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''

HANDOUT = """\
# Assignment $number: $words

(Written by `autograder new`: replace this handout with the assignment's own: what students
learn, the functions to write and the rules they follow.)

You write one file, `$module.py`. Each function's docstring is its specification: shapes,
dtypes, formula, and which errors to raise. Read it before you start a function.

## Setup

You need Python 3.11 or newer and `make`; no GPU. At the root of the repository:

```bash
make setup    # creates .venv with the pinned environment (torch, numpy, pytest, hypothesis)
make public   # runs the public tests against your code in assignments/$name
```

**What you should see first: every test fails with `NotImplementedError` until you implement
it.** As you implement functions, their tests turn green one by one.

## The tasks

### 1. `$module.py` (torch)

`double(x)`: twice x, element by element, as a new tensor of x's shape, dtype and device
(0-d and empty tensors too). x itself is never changed.

## Points

The public tests carry $public_percent% of each module's points; the hidden tests, run when
your work is graded, carry the rest.

<!-- BEGIN POINTS -->
<!-- END POINTS -->
"""

PUBLIC_TEST = '''\
"""Public tests of $module.py: small examples worked out by hand (a placeholder written by
`autograder new`). Every test file carries its module's marker and reaches the code through
the fixture ``$fixture``."""

import pytest
import torch

pytestmark = pytest.mark.$module


def test_double_of_a_small_example($fixture):
    x = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    y = $fixture.$module.double(x)
    assert isinstance(y, torch.Tensor), f"double must return a torch.Tensor, got {type(y)}"
    assert y.tolist() == [2.0, -4.0, 1.0], (
        f"double({x.tolist()}) gave {y.tolist()}, want [2.0, -4.0, 1.0]: double(x) is 2 x, "
        "element by element"
    )
'''

HIDDEN_INIT = '''\
"""Hidden suite of $name: every line of the contract in its handout."""
'''

HIDDEN_TEST = '''\
"""Hidden tests of $module.py: every line of the contract in the handout (a placeholder
written by `autograder new`). Failure messages go through ``autograder.suites.helpers``: words,
never the expected values."""

import pytest
import torch

from autograder.suites.helpers import FLOAT_DTYPES, expect, expect_tensor_close, shares_memory

pytestmark = pytest.mark.$module


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: str(d).removeprefix("torch."))
def test_double_is_twice_x_in_every_dtype($fixture, dtype, torch_gen):
    x = torch.randn(3, 4, generator=torch_gen).to(dtype)
    before = x.clone()
    y = $fixture.$module.double(x)
    expect_tensor_close(y, 2 * x, "double(x) must be 2 x element by element, in x's shape, "
                        "dtype and device")
    expect(torch.equal(x, before), "double changed its input in place")
    expect(not shares_memory(y, x), "double must return a new tensor, not x or a view of it")


def test_double_keeps_0d_and_empty_shapes($fixture):
    for x in (torch.tensor(1.5, dtype=torch.float64), torch.zeros(0, 2, dtype=torch.float64)):
        y = $fixture.$module.double(x)
        expect(isinstance(y, torch.Tensor) and tuple(y.shape) == tuple(x.shape),
               "double must keep the shape of x, 0-d and empty tensors included")
        expect_tensor_close(y, 2 * x, "double of a 0-d or empty tensor must be 2 x")
'''

PARITY_TEST = '''\
"""CPU/GPU parity of $module.py: the same inputs on the CPU and on CUDA give the same results.
Every test carries ``gpu`` and its module's marker, and is skipped where CUDA is not available."""

import pytest
import torch

from autograder.suites.helpers import expect, expect_tensor_close

needs_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(),
    reason="CPU/GPU parity needs a CUDA device: torch.cuda.is_available() is False here",
)


@needs_cuda
@pytest.mark.gpu
@pytest.mark.$module
def test_double_cpu_gpu_parity($fixture, torch_gen):
    x = torch.randn(5, 3, generator=torch_gen, dtype=torch.float64)
    y_gpu = $fixture.$module.double(x.to("cuda"))
    expect(isinstance(y_gpu, torch.Tensor) and y_gpu.device.type == "cuda",
           "double of a CUDA tensor must be a CUDA tensor")
    expect_tensor_close(y_gpu.cpu(), $fixture.$module.double(x),
                        "double must compute on CUDA what it computes on the CPU")
'''

BUG = '''\
"""BUG: double returns x * x instead of 2 x: right at 0 and 2 only

The square and the double agree at 0 and at 2: a check on those values alone misses it.
"""

PATCHES = "$module"


def double(x):
    return x * x
'''

ALTERNATIVE = '''\
"""ALT: double as x + x

The sum of x with itself is twice x, exactly, in every dtype.
"""

PATCHES = "$module"


def double(x):
    return x + x
'''

ZOO_README = """\
# $name zoo: known-wrong and known-right implementations

The hidden suite (`autograder/suites/$name/`) is tested against this zoo
(`tests/test_suites.py`): every **bug** must fail at least one hidden test of its module, and
every **alternative** (correct, but not the reference's way) must keep full marks.

Each bug or alternative is one file in the patch format of `autograder/patches.py`: a docstring
whose first line says what it is (`BUG: ...` / `ALT: ...`) and the next paragraph why a student
writes it, `PATCHES = "<module>"`, the imports it needs, and only the function(s) it replaces.
`hostile/` holds submissions that attack the grader (`autograder validate`): patch files of
the reference or the stubs with their `EXPECT`, or folders with an `expect.toml`.

1 bugs ($module 1) and 1 alternatives ($module 1), and 0 hostile submissions;
`tests/test_suites.py` counts the tree and checks this sentence.

| kind | name | module | what it is |
| --- | --- | --- | --- |
| bug | `double_squares` | $module | double returns x * x instead of 2 x: right at 0 and 2 only |
| alternative | `double_as_sum` | $module | double as x + x |
"""

HOSTILE_README = """\
# Hostile submissions ($name)

None yet. Each entry here is one attack on the grader: a patch file `<name>.py` of a module of
the reference (or the stubs) with its expectations in `EXPECT`, or a folder of the other files
it needs with its `expect.toml`, which `autograder validate` checks (flags raised, score
bounds, modules lost or kept; the keys are read by `check` in `autograder/validate.py`; the
format: `$hostile_format`).
"""


def check_name(name: str, module: str = DEFAULT_MODULE, root: Path = course.REPO) -> str:
    """The fixture of the new assignment ``name`` (``aN``); ScaffoldError if ``name`` cannot be
    a new assignment or ``module`` its module."""
    match = NAME.fullmatch(name)
    if not match or len(name) > 64:
        raise ScaffoldError(f"{name!r}: not an assignment name: aN_word, lowercase (a3_mlp: "
                            "\"a\", its number, \"_\", a word), at most 64 characters")
    if not MODULE.fullmatch(module) or keyword.iskeyword(module):
        raise ScaffoldError(f"--module {module!r}: not a module name (lowercase letters, digits "
                            "and _, not a Python keyword)")
    engine = root / "autograder" / module
    if module in RESERVED or engine.is_dir() or engine.with_suffix(".py").is_file():
        raise ScaffoldError(f"--module {module}: taken (by the hidden suite's "
                            f"test_{PARITY}.py, the public tests' folder or a module of the "
                            "grader); choose another name")
    fixture = f"a{match.group(1)}"
    folders = (root / "solutions" / name, root / "assignments" / name,
               root / "autograder" / "suites" / name, root / "autograder" / "zoo" / name,
               root / "autograder" / "rubrics" / f"{name}.toml")
    existing = [str(p.relative_to(root)) for p in folders if p.exists()]
    if existing or name in course.names(root):
        raise ScaffoldError(f"{name}: the assignment exists already "
                            f"({', '.join(existing) or course.MANIFEST})")
    for other in course.all_assignments(root):
        if other.fixture == fixture:
            raise ScaffoldError(f"{name}: its fixture {fixture!r} is {other.name}'s already "
                                "(one assignment per number)")
    return fixture


def _hostile_format(root: Path) -> str:
    """Where the course describes its hostile submissions: the first zoo whose ``hostile/``
    has a README (no assignment is named here), else the validator."""
    for other in course.all_assignments(root):
        readme = other.zoo / "hostile" / "README.md"
        if readme.is_file():
            return str(readme.relative_to(root))
    return "autograder/validate.py"


def files(name: str, fixture: str, module: str, root: Path = course.REPO) -> dict[Path, str]:
    """Every file ``new`` writes by hand (the stubs, the rubric and the points table come
    from the generators), by path."""
    number, words = name.split("_", 1)[0][1:], name.split("_", 1)[1].replace("_", " ")
    values = {"name": name, "fixture": fixture, "module": module, "number": number,
              "words": words.capitalize(), "title": f"A{number}: {words.capitalize()}",
              "public_percent": "30", "hostile_format": _hostile_format(root)}
    solutions, stubs = root / "solutions" / name, root / "assignments" / name
    suite, zoo = root / "autograder" / "suites" / name, root / "autograder" / "zoo" / name
    texts = {
        solutions / course.MANIFEST: MANIFEST,
        solutions / "__init__.py": INIT,
        solutions / f"{module}.py": REFERENCE,
        stubs / "README.md": HANDOUT,
        stubs / "tests" / f"test_{module}.py": PUBLIC_TEST,
        suite / "__init__.py": HIDDEN_INIT,
        suite / f"test_{module}.py": HIDDEN_TEST,
        suite / f"test_{PARITY}.py": PARITY_TEST,
        zoo / "README.md": ZOO_README,
        zoo / "bugs" / "double_squares.py": BUG,
        zoo / "alternatives" / "double_as_sum.py": ALTERNATIVE,
        zoo / "hostile" / "README.md": HOSTILE_README,
    }
    return {path: Template(text).substitute(values) for path, text in texts.items()}


def new(name: str, module: str = DEFAULT_MODULE, root: Path = course.REPO) -> list[Path]:
    """Scaffold the assignment ``name`` with the one graded module ``module`` in ``root``;
    returns the files written, in order."""
    from autograder import rubric, stubs

    fixture = check_name(name, module, root)
    written = []
    for path, text in files(name, fixture, module, root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    made = course.load(name, root)
    written += stubs.generate_stubs(made.solutions, made.stubs)
    made.rubric.write_text(rubric.draft(made), encoding="utf-8")
    written.append(made.rubric)
    handout = rubric.handout_path(made)
    handout.write_text(rubric.render_handout(made, handout.read_text(encoding="utf-8")),
                       encoding="utf-8")
    return written
