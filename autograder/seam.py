"""The one seam through which every test suite reaches an implementation of an assignment.

Suites never import student code themselves: they receive an ``Implementation`` from the
assignment's fixture (its manifest names it: ``a1`` for a1_neurons) and call
``a1.activations.logistic(x)``. The same suites therefore run unchanged
against the stubs, the reference solution, a zoo entry or any submission directory; the grader
may hand them a proxy with the same interface instead.

What the seam adds to a plain import:

* each implementation is loaded under a package name of its own, with the assignment's own
  ``__init__.py`` (a submission's is never used), from one or more directories searched in
  order (a zoo entry overrides one file and takes the rest from the reference);
* each module is imported on first use, so a broken file costs only the tests that touch it,
  with an error naming the file and line;
* every call of a student function runs under a guard that raises ``ForbiddenAPIError`` when it
  reaches a torch function the assignment's manifest forbids in that module (``torch.sigmoid``
  in a1's ``activations.py``, ...), whichever route it takes there (``torch.*``, ``Tensor``
  methods, ``torch.nn.functional``, ``torch.ops.aten``), and, where the manifest says so, fails
  a call that changed an input tensor in place.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import itertools
import sys
from pathlib import Path

import torch
from torch.overrides import TorchFunctionMode

from autograder.assignment import Module

# The graded module names of every implementation created in this process: a traceback frame in
# one of their files is the student's (``student_location``).
_STUDENT_MODULES: set[str] = set()


class ForbiddenAPIError(Exception):
    """A student function called a torch function that the assignment forbids there."""

    def __init__(self, module: str, api: str):
        self.module, self.api = module, api
        super().__init__(
            f"{module}.py calls torch's '{api}', which this assignment forbids in {module}.py: "
            "build the function from elementary tensor operations instead"
        )


class ImplementationImportError(ImportError):
    """A module of the implementation could not be imported."""


class _ForbiddenTorchAPIs(TorchFunctionMode):
    def __init__(self, rules: Module):
        super().__init__()
        self.rules = rules

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        name = getattr(func, "__name__", "").split(".")[0]  # aten's "sigmoid.default" too
        base = name[:-1] if name.endswith("_") and not name.endswith("__") else name
        forbidden = base in self.rules.forbidden or (
            self.rules.forbid_functional
            and getattr(func, "__module__", "") == "torch.nn.functional"
        )
        if forbidden:
            raise ForbiddenAPIError(self.rules.name, name)
        return func(*args, **(kwargs or {}))


class InPlaceModificationError(AssertionError):
    """A function that the contract forbids to change its inputs changed one."""


def _tensors(value):
    if isinstance(value, torch.Tensor):
        if value.device.type != "meta":
            yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _tensors(item)


def guarded(rules: Module, function):
    """Wrap ``function`` so that it runs under its module's forbidden-API guard, and, where the
    manifest forbids it, fails the call if the function changed an input tensor in place (a
    test that computed its expectation from the changed input could otherwise be fooled)."""
    forbids = bool(rules.forbidden) or rules.forbid_functional
    if not forbids and not rules.no_in_place:
        return function
    module = rules.name

    @functools.wraps(function)
    def call_under_guard(*args, **kwargs):
        inputs = list(_tensors([args, list(kwargs.values())])) if rules.no_in_place else []
        before = [(t, t.detach().clone()) for t in inputs]
        if forbids:
            with _ForbiddenTorchAPIs(rules):
                result = function(*args, **kwargs)
        else:
            result = function(*args, **kwargs)
        for tensor, copy in before:
            after = tensor.detach()
            if not (torch.equal(after.isnan(), copy.isnan()) and torch.equal(
                    after.nan_to_num(), copy.nan_to_num())):
                raise InPlaceModificationError(
                    f"{module}.{getattr(function, '__name__', 'function')} changed an input "
                    "tensor in place; the contract forbids it: compute a new tensor instead "
                    "(no x.mul_(...), x[...] = ..., or out=x)")
        return result

    return call_under_guard


class GuardedModule:
    """A read-only view of a student module whose functions run under the module's guard."""

    def __init__(self, rules: Module, module):
        self._name, self._rules, self._module = rules.name, rules, module

    def __getattr__(self, attribute: str):
        value = getattr(self._module, attribute)
        # Any callable but a class runs guarded: `logistic = torch.sigmoid` is a builtin, and
        # a functools.partial or a callable object is no FunctionType either.
        if callable(value) and not isinstance(value, type):
            return guarded(self._rules, value)
        return value

    def __repr__(self) -> str:
        return f"<{self._name} from {getattr(self._module, '__file__', '?')}>"


MESSAGE_LIMIT = 500
TEACHING_LIMIT = 800  # a public test's whole message, on one line
# numpy's assertion messages open with the tolerance, the test's own words come second
_NUMPY_HEADS = ("Not equal to tolerance", "Arrays are not equal", "Arrays are not almost equal",
                "Items are not equal")


def describe_exception(error: BaseException, full: bool = False) -> str:
    """'Type: message', with the student file and line where the error was raised, if any.
    ``full`` (a public test's failure): an assertion keeps its whole message, the test's own
    words first, on one line and bounded, instead of its first line only (hidden tests keep
    their first line: their words, never the numbers that may follow)."""
    text = [line.strip() for line in str(error).strip().splitlines()]
    if full and text and text[0].startswith("DID NOT RAISE"):  # pytest.raises: say the call
        said = _did_not_raise(error, text[0].removeprefix("DID NOT RAISE").strip())
        if said:
            return said[:TEACHING_LIMIT]
    if full and isinstance(error, AssertionError):
        text = [line for line in text if line]
        # pytest's assertion rewriting appends "assert False + where ..." to the test's words
        cut = next((i for i, line in enumerate(text) if i and line.startswith("assert ")), None)
        text = text[:cut]
        if len(text) > 1 and text[0].startswith(_NUMPY_HEADS):
            text = [text[1], text[0], *text[2:]]
        message = f"{type(error).__name__}: {' '.join(text)}".rstrip(": ")
        return message if len(message) <= TEACHING_LIMIT else message[:TEACHING_LIMIT - 1] + "…"
    message = f"{type(error).__name__}: {exception_text(error)}".rstrip(": ")
    return message[:MESSAGE_LIMIT]


def exception_text(error: BaseException, where: bool = True) -> str:
    """The words of ``error`` without its type: its first line and, with ``where``, the
    student file and line it was raised in ("... (raised in neuron.py:12)")."""
    lines = [line.strip() for line in str(error).strip().splitlines()]
    text = lines[0] if lines else ""
    if isinstance(error, AssertionError | NotImplementedError) or not where:
        return text
    location = student_location(error)
    return f"{text} (raised in {location})" if location else text


def _did_not_raise(error: BaseException, expected: str) -> str | None:
    """A failed ``with pytest.raises(E): call`` of a test, in words: "Failed: <call> with
    n = 3 did not raise ValueError (the test's comment)"."""
    import linecache
    import re

    test = None
    tb = error.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name.startswith("test_"):
            test = tb
        tb = tb.tb_next
    if test is None:
        return None
    filename, number = test.tb_frame.f_code.co_filename, test.tb_lineno
    head = linecache.getline(filename, number)
    if "raises" not in head:
        return None
    indent, body = len(head) - len(head.lstrip()), []
    for following in range(number + 1, number + 4):
        line = linecache.getline(filename, following)
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line.split("  #")[0].strip())
    if not body:
        return None
    call = " ".join(body)
    names = dict.fromkeys(re.findall(r"(?<![.\w])([A-Za-z_]\w*)(?![\w(])", call))
    shown = [f"{name} = {value!r}" for name, value in test.tb_frame.f_locals.items()
             if name in names and isinstance(value, int | float | str | tuple | list | dict)
             and len(repr(value)) <= 80]
    expected = re.sub(r"<class '(?:\w+\.)*(\w+)'>", r"\1", expected)
    comment = head.split("#", 1)[1].strip() if "#" in head else ""
    return (f"Failed: {call}" + (f" with {', '.join(shown)}" if shown else "")
            + f" did not raise {expected}" + (f" ({comment})" if comment else ""))


def student_location(error: BaseException) -> str | None:
    """'file.py, line N' of the innermost traceback frame in one of the assignment's files."""
    where = None
    tb = error.__traceback__
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        if filename.stem in _STUDENT_MODULES and "suites" not in filename.parts:
            where = f"{filename.name}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return where


_package_counter = itertools.count()


class Implementation:
    """One implementation of an assignment, loaded from ``paths`` (searched in order): its
    ``modules`` (name -> the manifest's rules), with the assignment's own ``init_file``."""

    def __init__(self, name: str, paths, modules: dict[str, Module], init_file: Path):
        self.name = name
        self.paths = [Path(p).resolve() for p in paths]
        self.rules = dict(modules)
        _STUDENT_MODULES.update(self.rules)
        self._package = f"_impl{next(_package_counter)}_{Path(init_file).parent.name}"
        self._init_file = Path(init_file)
        self._modules: dict[str, object] = {}

    def _load_package(self) -> None:
        if self._package in sys.modules:
            return
        spec = importlib.util.spec_from_file_location(
            self._package,
            self._init_file,
            submodule_search_locations=[str(p) for p in self.paths],
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[self._package] = package
        spec.loader.exec_module(package)

    def module(self, name: str):
        """The guarded module ``name``; raises ImplementationImportError if it cannot load."""
        if name not in self.rules:
            raise AttributeError(f"the assignment has no graded module {name!r}")
        cached = self._modules.get(name)
        if isinstance(cached, ImplementationImportError):
            raise ImplementationImportError(str(cached))
        if cached is None and not any((p / f"{name}.py").is_file() for p in self.paths):
            cached = self._modules[name] = ImplementationImportError(
                f"{name}.py is missing from the submission")
            raise ImplementationImportError(str(cached))
        if cached is None:
            self._load_package()
            try:
                loaded = importlib.import_module(f"{self._package}.{name}")
            except Exception as error:  # any failure of student code at import time
                cached = ImplementationImportError(_describe_import_error(name, error))
                self._modules[name] = cached
                raise ImplementationImportError(str(cached)) from None
            cached = self._modules[name] = GuardedModule(self.rules[name], loaded)
        return cached

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.module(name)

    def restart(self) -> None:
        """Forget every module: the next call imports the implementation afresh, so nothing
        a previous call cached (module globals, lru_cache) can answer the next one."""
        self._package = f"_impl{next(_package_counter)}_{self._init_file.parent.name}"
        self._modules.clear()

    @staticmethod
    def value_and_grad(function, *args, **kwargs):
        """Call ``function(*args, **kwargs)`` and differentiate the sum of its result.

        Returns ``(result, grads)`` where ``grads`` holds, for each tensor argument that
        requires grad (positional first, then keyword, in order), its gradient (None where the
        result does not depend on it). Raises AssertionError if the result is not connected to
        the autograd graph at all.
        """
        result = function(*args, **kwargs)
        inputs = [
            value
            for value in (*args, *kwargs.values())
            if isinstance(value, torch.Tensor) and value.requires_grad
        ]
        if not isinstance(result, torch.Tensor) or not result.requires_grad:
            raise AssertionError(
                "the result is not connected to autograd: it must be computed from the input "
                "tensors with differentiable torch operations (no .detach(), .item(), numpy)"
            )
        grads = torch.autograd.grad(result.sum(), inputs, allow_unused=True)
        return result, grads

    def __repr__(self) -> str:
        return f"Implementation({self.name!r}, {[str(p) for p in self.paths]})"


def _describe_import_error(module: str, error: BaseException) -> str:
    """One line naming the file and line where importing ``module`` failed."""
    if isinstance(error, SyntaxError):
        where = Path(error.filename or module + '.py').name + (
            f", line {error.lineno}" if error.lineno else "")  # a null byte has no line
        return f"{module}.py cannot be imported: syntax error in {where}: {error.msg}"
    where = student_location(error)
    where = f" ({where})" if where else ""
    return f"{module}.py cannot be imported{where}: {type(error).__name__}: {error}"
