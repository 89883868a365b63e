"""The reference standing in for the modules a graded module imports, so that one bug costs
points once, where it is (the rubric's ``dependencies = "reference"``, the default).

While the tests of module X run, X is imported in a package of its own in which every module
*before X in the manifest's order* is a stand-in: each of its public functions (those the
reference defines) asks the grader, in the middle of the current call, to run the reference's
function, which runs in a second sandboxed worker that holds only the reference. The
submission never holds the reference's code; it can only call, for modules before X, what X
may call anyway. Only earlier modules stand in, so a reference can never answer for the module
under test (``fit_ridge`` with lambda = 0 could answer for ``fit_polynomial`` otherwise).

What stays the student's own: a stand-in module's other names (helpers, classes, constants),
taken from the student's file on first use; a call whose tensors require grad (its graph must
stay in the student's process); a call with arguments that are not plain data; and the
functions a test passes in (``neuron_forward(activation=a1.activations.relu)`` tests both).
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
import threading
import types
from pathlib import Path

from autograder import pysource
from autograder.facts import CROSSING_ERRORS, error_record

# The grader's half (which functions stand in, the answer) runs where torch is never imported
# (``batch``, ``pipeline``); the worker's half imports torch and the wire format where it runs,
# in the worker, which has both already.


def public_functions(path: Path) -> dict[str, list[list]]:
    """The public top-level functions of a reference file (read, never run), each with its
    parameters as ``[name, kind, has a default]`` (``inspect.Parameter`` kinds)."""
    tree = pysource.parse(path.read_text(encoding="utf-8"), str(path))
    functions = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        defaults = len(positional) - len(a.defaults)
        parameters = [[p.arg, 0 if p in a.posonlyargs else 1, i >= defaults]
                      for i, p in enumerate(positional)]
        parameters += [[a.vararg.arg, 2, False]] if a.vararg else []
        parameters += [[p.arg, 3, d is not None] for p, d in zip(a.kwonlyargs, a.kw_defaults,
                                                                 strict=True)]
        parameters += [[a.kwarg.arg, 4, False]] if a.kwarg else []
        functions[node.name] = parameters
    return functions


def _signature(parameters: list[list]) -> inspect.Signature:
    return inspect.Signature([inspect.Parameter(
        str(name), inspect._ParameterKind(int(kind)),
        default=None if has_default else inspect.Parameter.empty)
        for name, kind, has_default in parameters])


def plan(order: list[str], functions: dict[str, list[str]], group: str | None) -> dict:
    """The stand-ins of the tests of ``group``: the modules before it, with their functions."""
    if group not in order:
        return {}
    return {name: functions[name] for name in order[:order.index(group)]
            if functions.get(name)}


# -- in the worker ------------------------------------------------------------------------

class Channel:
    """The worker's pipe while it answers a request: a stand-in asks the grader through it."""

    def __init__(self, inbox, outbox):
        self.inbox, self.outbox, self.request_id = inbox, outbox, None
        self.lock = threading.Lock()  # a student's threads ask one at a time

    def ask(self, message: dict, buffers: list[bytes]):
        from autograder import wire

        with self.lock:
            wire.write_message(self.outbox, {"id": self.request_id, "callback": message},
                               buffers)
            return wire.read_message(self.inbox)


def _error(described: dict) -> Exception:
    """The reference's error, raised in the student's process as a builtin type, in its own
    words without the reference's file and line."""
    text = str(described.get("bare", described.get("text", "")))
    return CROSSING_ERRORS.get(str(described.get("type")), RuntimeError)(text)


def _needs_graph(args, kwargs) -> bool:
    import torch

    from autograder import wire

    return torch.is_grad_enabled() and any(
        isinstance(t, torch.Tensor) and t.requires_grad
        for t in wire.data_leaves([list(args), dict(kwargs)]))


def _stand_in(module: str, name: str, parameters: list[list], channel: Channel, own):
    from autograder import wire

    signature = _signature(parameters)

    def stand_in(*args, **kwargs):
        try:
            signature.bind(*args, **kwargs)
        except TypeError:  # a call the contract's signature does not take: the student's own
            return own(name)(*args, **kwargs)
        if _needs_graph(args, kwargs):
            return own(name)(*args, **kwargs)
        buffers: list[bytes] = []
        try:
            message = {"module": module, "function": name,
                       "args": wire.encode(list(args), buffers),
                       "kwargs": wire.encode(dict(kwargs), buffers)}
        except wire.WireError:  # not plain data: only the student's own can take it
            return own(name)(*args, **kwargs)
        reply, out = channel.ask(message, buffers)
        if "error" in reply:
            raise _error(reply["error"])
        return wire.decode(reply["result"], out)

    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in.__module__ = module
    return stand_in


def install(impl, stand_ins: dict[str, dict], channel: Channel, own_module) -> None:
    """Put stand-in modules into ``impl``'s package (a ``seam.Implementation`` not loaded yet),
    before anything imports from it. ``own_module(name)`` is the student's own module ``name``
    (a guarded module), for the names the reference does not define."""
    impl._load_package()
    package = sys.modules[impl._package]
    for module, names in stand_ins.items():
        def own(attribute: str, module=module):
            try:
                return getattr(own_module(module), attribute)
            except ImportError as error:
                raise ImportError(f"{module}.py: {error}") from None

        def missing(attribute: str, own=own, module=module, names=names):
            if attribute == "__all__":  # a star import: the reference's names and the student's
                try:
                    guarded = own_module(module)  # a seam.GuardedModule
                    theirs = [n for n in dir(getattr(guarded, "_module", guarded))
                              if not n.startswith("_")]
                except ImportError:
                    theirs = []
                return list(dict.fromkeys([*names, *theirs]))
            if attribute.startswith("__"):
                raise AttributeError(attribute)
            return own(attribute)

        stand_in = types.ModuleType(f"{impl._package}.{module}",
                                    f"The reference's {module}.py, standing in.")
        stand_in.__package__ = impl._package
        for name, parameters in names.items():
            setattr(stand_in, name, _stand_in(module, name, parameters, channel, own))
        stand_in.__getattr__ = missing  # PEP 562: the student's helpers, on first use
        sys.modules[stand_in.__name__] = stand_in
        setattr(package, module, stand_in)


# -- in the grader ------------------------------------------------------------------------

def refusal(text: str) -> dict:
    return {"error": error_record("RuntimeError", text)}


class Answers:
    """The reference's answers of one grade, by question: a question asked again (the splits
    tests fit the same training data many times) is answered without a second hop to the
    reference's worker. The reference is a function of its arguments (its seeds are
    arguments, as the contract asks of the student's), so a stored answer is the answer it
    would give. Bounded: past ``limit`` bytes of questions and answers, nothing more is kept."""

    def __init__(self, limit: int = 64 << 20):
        self.stored: dict[tuple, tuple[dict, list[bytes]]] = {}
        self.size, self.limit = 0, limit
        self.answered_from_store = 0

    def key(self, header: dict, buffers: list[bytes]) -> tuple | None:
        try:
            text = json.dumps([header["module"], header["function"], header["args"],
                               header["kwargs"]], sort_keys=True)
        except (ValueError, TypeError):  # not plain JSON: asked, never stored
            return None
        return text, tuple(bytes(b) for b in buffers)

    def get(self, key):
        found = self.stored.get(key) if key is not None else None
        if found is None:
            return None
        self.answered_from_store += 1
        return dict(found[0]), list(found[1])

    def put(self, key, reply: dict, out: list[bytes]) -> None:
        if key is None:
            return
        # the data is in the buffers; the headers (key[0], the reply's) are small beside them
        size = len(key[0]) + sum(map(len, key[1])) + sum(map(len, out))
        if self.size + size <= self.limit:
            self.stored[key] = (dict(reply), list(out))
            self.size += size


def answer(reference, allowed: dict[str, dict], message, buffers: list[bytes],
           seconds: float, answers: Answers | None = None):
    """The grader's reply to a stand-in's question: the reference's result, run by
    ``reference`` (a ``sandbox.Sandbox`` holding only the reference's files), or an error.
    Only a function of ``allowed`` (this group's stand-ins) is ever run; a question asked
    before is answered from ``answers``."""
    if not isinstance(message, dict):
        return refusal("a malformed question to the reference"), []
    module, function = message.get("module"), message.get("function")
    if not isinstance(module, str) or function not in allowed.get(module, ()):
        return refusal(f"the reference does not stand in for {module}.{function} here"), []
    header = {"op": "call", "module": module, "function": function, "grad": False,
              "track": 0, "grad_enabled": False, "args": message.get("args"),
              "kwargs": message.get("kwargs")}
    if seconds <= 0:
        return refusal(f"no time left to run the reference's {module}.{function}"), []
    if answers is not None:
        key = answers.key(header, buffers)
        stored = answers.get(key)
        if stored is not None:
            return stored
    try:
        reply, out = reference.request(header, buffers, seconds,
                                       f"the reference's {module}.{function}")
    except Exception as error:  # the reference's sandbox timed out or crashed
        return refusal(f"the reference's {module}.{function} could not answer: {error}"), []
    reply, out = ({"error": reply["error"]}, []) if "error" in reply else (
        {"result": reply.get("result")}, out)
    if answers is not None:
        answers.put(key, reply, out)
    return reply, out


def reference_of(assignment) -> dict | None:
    """What lets the reference stand in for ``assignment`` (an Assignment): its files and
    public functions; None where the rubric says ``dependencies = "own"`` or no reference is
    at hand (a student's release: there, modules are graded through the student's own)."""
    from autograder.scoring import load_rubric

    try:
        if load_rubric(assignment).dependencies != "reference":
            return None
    except OSError:  # no rubric here: the default
        pass
    files = {"__init__.py": assignment.init_file.read_text(encoding="utf-8")}
    functions = {}
    for module in assignment.modules:
        path = assignment.solutions / f"{module}.py"
        if not path.is_file():
            return None
        files[f"{module}.py"] = path.read_text(encoding="utf-8")
        functions[module] = public_functions(path)
    return {"files": files, "functions": functions}
