"""Proxies that let the unchanged test suites call into the sandbox: ``SandboxImplementation``
has the interface of ``autograder.seam.Implementation`` (``a1.activations.logistic(x)``,
``a1.value_and_grad(...)``), but each call is encoded as plain data, run by the worker behind a
``autograder.sandbox.Sandbox``, and its result (values, errors, gradients through
``_RemoteGraph``) decoded into fresh objects of the grader's own types.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from autograder import standin, wire
from autograder.assignment import Module
from autograder.budgets import Budgets
from autograder.facts import CROSSING_ERRORS, ErrorRecord
from autograder.readguard import ValueReadError
from autograder.sandbox import (
    REFERENCE_UID_OFFSET,
    Sandbox,
    SandboxCrashError,
    SandboxTimeoutError,
)
from autograder.seam import (
    ForbiddenAPIError,
    ImplementationImportError,
    InPlaceModificationError,
)


class StudentError(Exception):
    """An exception of a type that does not cross the sandbox as itself."""


_CROSSING = {**CROSSING_ERRORS, "ValueReadError": ValueReadError}


class SandboxImplementation:
    """The seam's interface, backed by a Sandbox."""


    def __init__(self, name: str, paths, modules: dict[str, Module], init_file: Path,
                 function_budget: float = float("inf"), module_budget: float = float("inf"),
                 reference: dict | None = None, **sandbox_options):
        self.name = name
        self.paths = [Path(p) for p in paths]
        self.rules = dict(modules)
        files = {"__init__.py": Path(init_file).read_text(encoding="utf-8")}
        for module in self.rules:
            for directory in reversed(self.paths):  # earlier directories win
                candidate = directory / f"{module}.py"
                if candidate.is_file() and not candidate.is_symlink():
                    files[f"{module}.py"] = candidate.read_text(encoding="utf-8",
                                                                errors="replace")
        self.sandbox = Sandbox(files, rules={m: asdict(r) | {"forbidden": sorted(r.forbidden)}
                                             for m, r in self.rules.items()},
                               **sandbox_options)
        # the reference (``standin.reference_of``) stands in for the modules before the one
        # under test, in a sandbox of its own; its answers are kept by question
        self.reference, self._reference_sandbox, self._answers = reference, None, standin.Answers()
        if reference is not None:
            self.sandbox.answer = self._ask_reference
        self._imported: dict[str, str | None] = {}
        self.budgets = Budgets(function_budget, module_budget)  # fresh for each module's tests
        self._namedtuples: dict = {}
        self._attributes: dict = {}
        self._track_ids = itertools.count(1)
        self.group: str | None = None  # the module whose tests run now
        self._group_starts: list[tuple[int, str | None]] = []

    @property
    def events(self) -> list[dict]:
        return self.sandbox.events

    def start_group(self, module: str | None) -> None:
        """Tests of ``module`` follow: give them a fresh worker and fresh limits, so that
        what the tests of another module did (imports, patches, hangs) cannot change them."""
        if self.group is not None or self._group_starts:
            self.sandbox.close()
            self._imported.clear()
            self.budgets.reset()
            self._attributes.clear()
        self.group = self.sandbox.group = module
        self.sandbox.stand_ins = standin.plan(list(self.rules), self.reference["functions"],
                                              module) if self.reference else {}
        self._group_starts.append((len(self.sandbox.events), module))

    def _ask_reference(self, question, buffers: list[bytes], seconds: float):
        if self._reference_sandbox is None:
            own = self.sandbox
            self._reference_sandbox = Sandbox(
                self.reference["files"], rules=own.rules, call_timeout=own.call_timeout,
                import_timeout=own.import_timeout, memory_bytes=own.memory_bytes,
                uid=None if own.uid is None else own.uid + REFERENCE_UID_OFFSET,
                workdir=own.workdir + "-reference")
        try:
            return standin.answer(self._reference_sandbox, self.sandbox.stand_ins, question,
                                  buffers, seconds, self._answers)
        except Exception as error:  # a question must never crash the grader
            return standin.refusal(f"the question could not be answered ({error})"), []

    def grouped_events(self) -> list[dict]:
        """Every event, with the module whose tests were running (``group``)."""
        events = []
        for index, event in enumerate(self.sandbox.events):
            group = None
            for start, module in self._group_starts:
                if start <= index:
                    group = module
            events.append({**event, "group": group})
        return events

    def module(self, name: str):
        if name not in self.rules:
            raise AttributeError(f"the assignment has no graded module {name!r}")
        if name not in self._imported:
            self._imported[name] = None
            try:
                reply, _ = self.sandbox.request({"op": "import", "module": name}, [],
                                                self.sandbox.import_timeout, f"import of {name}.py")
                if "error" in reply:
                    error = reply["error"]
                    self._imported[name] = (str(error.get("text", "")) if error.get("type") ==
                                            "ImplementationImportError" else
                                            str(error.get("message", "")))
            except (SandboxTimeoutError, SandboxCrashError) as error:
                self._record(error, name)
                self._imported[name] = f"{name}.py cannot be imported: {error}"
        problem = self._imported[name]
        if problem:
            raise ImplementationImportError(problem)
        return ProxyModule(self, name)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.module(name)

    def _record(self, error: Exception, module: str) -> None:
        """The event of a call the sandbox stopped: a timeout, a worker that exited on its own
        (os._exit / sys.exit: tampering), or one killed by a limit."""
        if isinstance(error, SandboxTimeoutError):
            kind = "timeout"
        elif getattr(error, "cause", None) == "exit":
            kind = "tampering"
        else:
            kind = "resource-limit"
        self.sandbox.events.append({"kind": kind, "module": module, "message": str(error)})

    def call(self, module: str, function: str, args, kwargs, grad: bool = False):
        # A hang or crash is charged to the function together with the functions passed to
        # it: neuron_forward(activation=logistic) hanging in logistic must not block
        # neuron_forward with no activation.
        passed = sorted(repr(ref) for ref in (_function_ref(v) for v in (*args, *kwargs.values())
                                               if callable(v)) if ref is not None)
        key = f"{module}.{function}" + (f"[{', '.join(passed)}]" if passed else "")
        culprits = tuple(sorted({f"{v.module}.{v.name}" for v in (*args, *kwargs.values())
                                 if isinstance(v, ProxyFunction)}))
        self.budgets.charge(key, f"{module}.{function}", culprits)
        struck = self.budgets.struck_out(key, self.sandbox.call_timeout)
        if struck is not None:
            kind, why = struck
            raise {"hang": SandboxTimeoutError, "crash": SandboxCrashError,
                   "memory": MemoryError}[kind](why)
        buffers: list[bytes] = []
        grad_inputs = [t for t in wire.data_leaves([list(args), dict(kwargs)])
                       if isinstance(t, torch.Tensor) and t.requires_grad]
        track = next(self._track_ids) if grad_inputs and not grad and torch.is_grad_enabled(
            ) else 0
        header = {"op": "call", "module": module, "function": function, "grad": grad,
                  "track": track, "grad_enabled": torch.is_grad_enabled(),
                  "args": wire.encode(list(args), buffers, _function_ref),
                  "kwargs": wire.encode(dict(kwargs), buffers, _function_ref)}
        reply, out = self._request(header, buffers, key, module)
        try:
            leaves = list(wire.data_leaves([list(args), dict(kwargs)]))
            for index, out_index in reply.get("mutated", {}).items():
                wire.write_back(leaves[int(index)], out[out_index])
            result = wire.decode(reply["result"], out, None, self._namedtuples)
            aliased = wire.restore_aliases(result, reply.get("aliases") or {}, leaves)
        except (wire.WireError, ValueError, TypeError, KeyError, IndexError) as error:
            self.sandbox.events.append({"kind": "suspicious-code", "module": module,
                                        "message": f"{key} sent back malformed data: {error}"})
            raise StudentError(f"{key} returned data the grader cannot read") from None
        if reply.get("global_rng"):
            # The submission used or changed numpy's/torch's global random state over there;
            # advance ours so a test that watches the global state here sees it too.
            np.random.random()
            torch.rand(1)
        if reply.get("tracked"):
            result = self._connect(result, grad_inputs, track, key, module, set(aliased))
        return wire.substitute(result, aliased) if aliased else result

    def _request(self, header, buffers, key: str, module: str, charge: str | None = None):
        """One request, charged to the budgets of ``charge`` (the call's key: a backward pass
        is charged as its call) and named ``key`` in what it says."""
        budgets = self.budgets
        payers, group = budgets.payers(charge or key)
        tests = f"the tests of {self.group}.py" if self.group else "these tests"
        left, spent_message = budgets.left(payers, group, tests)
        if left <= 0:
            if spent_message not in budgets.told:
                budgets.told.add(spent_message)
                self._record(SandboxTimeoutError(spent_message), module)
            raise SandboxTimeoutError(
                f"{spent_message}; the tests that need it fail without calling it (make it "
                "faster: vectorise loops over elements, keep tensors as tensors)")
        limit = min(self.sandbox.call_timeout, left)
        started = time.monotonic()
        try:
            reply, out = self.sandbox.request(header, buffers, limit, key)
        except SandboxTimeoutError as error:
            budgets.spend(payers, group, time.monotonic() - started)
            if limit < self.sandbox.call_timeout:  # the budget ran out during the call
                budgets.exhaust(payers)
                budgets.told.add(spent_message)
                message = f"{spent_message} (the call that spent it was stopped)"
                self._record(SandboxTimeoutError(message), module)
                raise SandboxTimeoutError(message) from None
            budgets.strike("hang", key)
            self._record(error, module)
            raise
        except SandboxCrashError as error:
            budgets.spend(payers, group, time.monotonic() - started)
            budgets.strike("crash", key)
            self._record(error, module)
            raise
        budgets.spend(payers, group, time.monotonic() - started)
        if "error" in reply:
            if reply["error"].get("original") == "MemoryError":
                budgets.strike("memory", key)
            if reply["error"].get("original") in ("MemoryError", "RecursionError"):
                self.sandbox.close()  # a fresh worker for the next call: no leftover state
            raise _rebuild_error(reply["error"], module)
        return reply, out

    def _connect(self, result, grad_inputs, track: int, key: str, module: str,
                 aliased: set[int]):
        """Make the outputs differentiable here: their backward asks the sandbox (outputs
        that are the caller's own tensors, ``aliased``, are differentiable already)."""
        outputs = [t for t in wire.data_leaves(result)
                   if isinstance(t, torch.Tensor) and t.requires_grad and id(t) not in aliased]
        detached = tuple(t.detach() for t in outputs)
        connected = _RemoteGraph.apply(self, track, key, module, detached, *grad_inputs)
        if not isinstance(connected, tuple):
            connected = (connected,)
        return wire.substitute(result, {id(old): new for old, new in zip(outputs, connected,
                                                                      strict=True)})

    def backward(self, track: int, grad_outputs, key: str, module: str):
        buffers: list[bytes] = []
        header = {"op": "backward", "track": track, "module": module,
                  "grad_outputs": wire.encode(list(grad_outputs), buffers)}
        reply, out = self._request(header, buffers, f"backward of {key}", module, charge=key)
        return wire.decode(reply["result"], out)

    def attribute(self, module: str, name: str):
        """A proxy for a function, or a local twin of a named-tuple class, of the submission."""
        key = (module, name)
        if key not in self._attributes:
            reply, _ = self.sandbox.request({"op": "attr", "module": module, "name": name}, [],
                                            self.sandbox.call_timeout, f"{module}.{name}")
            if "error" in reply:
                raise _rebuild_error(reply["error"], module)
            if reply.get("kind") == "namedtuple":
                fields = tuple(str(f) for f in reply["fields"])
                twin = self._namedtuples.setdefault(
                    (reply["name"], fields), wire.plain_namedtuple(reply["name"], fields))
                self._attributes[key] = twin
            else:
                self._attributes[key] = ProxyFunction(self, module, name)
        return self._attributes[key]

    def restart(self) -> None:
        """A fresh worker for the next call: nothing a previous call cached survives."""
        self.sandbox.close()

    def value_and_grad(self, function, *args, **kwargs):
        if not isinstance(function, ProxyFunction):
            raise TypeError("value_and_grad needs a function of the implementation")
        result, grads = self.call(function.module, function.name, args, kwargs, grad=True)
        return result, tuple(grads)

    def close(self) -> None:
        self.sandbox.close()
        if self._reference_sandbox is not None:
            self._reference_sandbox.close()

    def __repr__(self) -> str:
        return f"SandboxImplementation({self.name!r})"


class _RemoteGraph(torch.autograd.Function):
    """Autograd node whose backward runs in the sandbox, on the graph the call built there."""

    @staticmethod
    def forward(ctx, impl, track, key, module, outputs, *inputs):
        ctx.remote = (impl, track, key, module)
        ctx.input_meta = [(t.dtype, t.device, t.shape) for t in inputs]
        return tuple(t.clone() for t in outputs)

    @staticmethod
    def backward(ctx, *grad_outputs):
        impl, track, key, module = ctx.remote
        grads = impl.backward(track, grad_outputs, key, module)
        checked = []
        for grad, (dtype, device, shape) in zip(grads, ctx.input_meta, strict=True):
            if grad is not None and (grad.dtype != dtype or tuple(grad.shape) != tuple(shape)):
                grad = None  # malformed: treat as no gradient rather than crash the grader
            checked.append(grad.to(device) if grad is not None else None)
        return (None, None, None, None, None, *checked)


class ProxyModule:
    def __init__(self, impl: SandboxImplementation, name: str):
        self._impl, self._name = impl, name

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return self._impl.attribute(self._name, attribute)


class ProxyFunction:
    def __init__(self, impl: SandboxImplementation, module: str, name: str):
        self.impl, self.module, self.name = impl, module, name
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self.impl.call(self.module, self.name, args, kwargs)

    def __repr__(self) -> str:
        return f"<sandboxed {self.module}.{self.name}>"


def _function_ref(value):
    if isinstance(value, ProxyFunction):
        return wire.FunctionRef(value.module, value.name)
    return wire.torch_function_ref(value)


def _rebuild_error(error: ErrorRecord, module: str) -> Exception:
    """The submission's error (``worker.describe_error``'s record) as an exception here: a
    type that crosses as itself, or a StudentError; the original type and an OSError's errno
    kept as attributes (``pytest_report.error_facts`` records them, flags read them)."""
    message = str(error.get("message", ""))
    kind = error.get("type")
    text = str(error.get("text", message))
    if kind == "ForbiddenAPIError":
        rebuilt = ForbiddenAPIError.__new__(ForbiddenAPIError)
        Exception.__init__(rebuilt, text)
        rebuilt.module = str(error.get("module") or module)[:100]
        rebuilt.api = str(error.get("api", "?"))[:100]
        return rebuilt
    if kind in ("ImplementationImportError", "ImportError", "ModuleNotFoundError"):
        return ImplementationImportError(text)
    if kind == "InPlaceModificationError":
        return InPlaceModificationError(text)
    cls = _CROSSING.get(kind)
    try:
        rebuilt = StudentError(message) if cls is None else cls(text)
    except TypeError:
        rebuilt = StudentError(message)
    rebuilt.original = str(error.get("original") or kind)[:100]
    if error.get("errno"):
        rebuilt.errno_name = str(error["errno"])[:20]
    return rebuilt
