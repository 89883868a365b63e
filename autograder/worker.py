"""The sandboxed student process: imports a submission and runs its functions on request.

Started by ``autograder.sandbox.Sandbox`` as ``python -m autograder.worker``. Before it touches
student code it confines itself (see ``confine``): resource limits, no network, and, when it
starts as root, private temporary directories, hidden grader files and an unprivileged uid.
It then answers requests on a pipe in the plain-data wire format. Nothing it sends back can run
code in the grader; anything it does (patching torch, exiting, flooding output, hanging) costs
only the calls it makes, and is reported as an event so that the grader can flag it.
"""

from __future__ import annotations

import builtins
import operator
import os
import sys
import traceback
from pathlib import Path

import torch

from autograder import facts, watch
from autograder.confine import confine
from autograder.facts import ErrorRecord

_WATCHED = (("torch", ("allclose", "equal", "isclose", "testing", "Tensor")),
            ("Tensor", ("__eq__", "__ne__", "__bool__", "allclose", "tolist")),
            ("numpy", ("allclose", "array_equal", "isclose", "testing", "ndarray")))


def _snapshot():
    """Identities of the objects a tampering submission would patch."""
    import numpy

    owners = {"torch": torch, "Tensor": torch.Tensor, "numpy": numpy}
    watched = {f"builtins.{k}": id(v) for k, v in vars(builtins).items()}
    for owner, names in _WATCHED:
        for name in names:
            watched[f"{owner}.{name}"] = id(getattr(owners[owner], name))
    return watched


# The builtins the fingerprint uses, bound before any submission runs: a patched ``len`` or
# ``tuple`` must not break the check that looks for patches.
_vars, _tuple, _getattr, _len, _all, _map, _zip, _is = (
    vars, tuple, getattr, len, all, map, zip, operator.is_)


def _fingerprint() -> tuple:
    """The same objects, cheap to take after every call: the objects themselves, compared by
    identity (``_same``). Never ``id()``: it raises an audit event, and the worker's audit hook
    (``watch.watch_actions``) ran in Python for each of the ~170 names, a quarter of a small call's
    time in the worker."""
    import numpy

    namespace = _vars(builtins)
    return (_tuple(namespace), _tuple(namespace.values()),
            _tuple(_getattr(owner, name) for owner, names in (
                (torch, _WATCHED[0][1]), (torch.Tensor, _WATCHED[1][1]),
                (numpy, _WATCHED[2][1])) for name in names))


def _same(before: tuple, after: tuple) -> bool:
    """Whether two ``_fingerprint``s hold the same objects (identity, not ``==``: a patched
    object's ``__eq__`` has no say)."""
    return _all(_len(a) == _len(b) and _all(_map(_is, a, b)) for a, b in _zip(before, after))


# the test harness's top-level packages: a submission that imports one is looking for it
_HARNESS = ("pytest", "_pytest", "pluggy", "autograder.runner", "hypothesis")


_MT19937_BYTES = 624 * 4 + 4  # numpy's mt19937_state: uint32 key[624]; int pos


def _global_rng_state() -> tuple:
    """A fingerprint of numpy's and torch's global random state, taken before and after every
    call. numpy's legacy generator is a Mersenne Twister whose key and position are read in
    place (about 3 µs); ``numpy.random.get_state()`` copies them into Python objects (about
    75 µs, twice a call: a third of the worker's own time for a small function). Another bit
    generator (``numpy.random.set_bit_generator``) takes the slow, general way."""
    import ctypes

    import numpy

    generator = getattr(getattr(numpy.random.mtrand, "_rand", None), "_bit_generator", None)
    if type(generator).__name__ == "MT19937":
        numpy_state = ctypes.string_at(generator.ctypes.state_address, _MT19937_BYTES)
    else:  # a dict of whatever that generator keeps (arrays shown whole by repr)
        with numpy.printoptions(threshold=sys.maxsize):
            numpy_state = repr(numpy.random.get_state(legacy=False))
    return numpy_state, torch.random.initial_seed(), bytes(torch.random.get_rng_state().numpy())


class Worker:
    def __init__(self, package_dir: Path, init_file: Path, rules: dict, events: list,
                 group: str | None = None, stand_ins: dict | None = None, channel=None):
        from autograder import standin
        from autograder.assignment import Module
        from autograder.seam import Implementation

        modules = {name: Module(**{**spec, "forbidden": frozenset(spec["forbidden"])})
                   for name, spec in rules.items()}
        self.impl = Implementation("submission", [package_dir], modules, init_file)
        # The module under test, imported where the reference stands in for the modules
        # before it (``autograder.standin``); every other request uses the student's own.
        self.group, self.isolated = group, None
        if group in modules and stand_ins:
            self.isolated = Implementation("isolated", [package_dir], modules, init_file)
            standin.install(self.isolated, stand_ins, channel, self.impl.module)
        watch.watch_atexit(package_dir, events)
        watch.forbid_everywhere(package_dir, modules, events)
        self.active = [False]  # True while submission code may be running
        watch.watch_actions(events, self.active, package_dir)
        self.events = events
        self.baseline = _snapshot()
        self.fingerprint = _fingerprint()
        self.graphs: dict[int, tuple] = {}

    def check_tampering(self, where: str) -> None:
        # after every call: a cheap fingerprint first, the names of what changed only if needed
        fingerprint = _fingerprint()
        if not _same(fingerprint, self.fingerprint):
            now = _snapshot()
            changed = sorted(k for k in self.baseline if now.get(k) != self.baseline[k])
            if changed:
                self.events.append({"kind": "tampering", "where": where,
                                    "message": "patched " + ", ".join(changed[:5])})
                self.baseline = now
            self.fingerprint = fingerprint
        modules = sys.modules
        if not any(name in modules for name in _HARNESS):  # a package's parent is always there
            return
        harness = sorted(m for m in list(modules) if m.split(".")[0] in _HARNESS
                         or m.startswith("autograder.runner"))
        if harness:
            self.events.append({"kind": "suspicious-code", "where": where,
                                "message": "imported the test harness: " + ", ".join(harness[:3])})
            for name in harness:
                sys.modules.pop(name, None)

    def module(self, name: str):
        if self.isolated is not None and name == self.group:
            return self.isolated.module(name)
        return self.impl.module(name)

    def resolve(self, ref):
        from autograder import wire

        if ref.module == "torch" and ref.name in wire.TORCH_FUNCTIONS:
            return wire.TORCH_FUNCTIONS[ref.name]
        return getattr(self.module(ref.module), ref.name)

    def handle(self, request: dict, buffers: list[bytes]):
        from autograder import wire

        op = request["op"]
        if op == "import":
            self.module(request["module"])
            self.check_tampering(f"import of {request['module']}.py")
            return None, []
        if op == "attr":
            value = getattr(self.module(request["module"]), request["name"])
            if isinstance(value, type) and issubclass(value, tuple) and hasattr(value, "_fields"):
                return {"kind": "namedtuple", "name": value.__name__,
                        "fields": list(value._fields)}, []
            return {"kind": "function" if callable(value) else "other"}, []
        if op == "backward":
            return self.backward(request, buffers)
        if op != "call":
            raise ValueError(f"unknown op {op!r}")
        function = getattr(self.module(request["module"]), request["function"])
        args = wire.decode(request["args"], buffers, self.resolve, guards=True)
        kwargs = wire.decode(request["kwargs"], buffers, self.resolve, guards=True)
        rng_before = _global_rng_state()
        with torch.set_grad_enabled(request.get("grad_enabled", True) or request.get("grad")):
            if request.get("grad"):
                result = self.impl.value_and_grad(function, *args, **kwargs)
            else:
                result = function(*args, **kwargs)
        extra = {"global_rng": True} if _global_rng_state() != rng_before else {}
        self.check_tampering(f"{request['module']}.{request['function']}")
        out: list[bytes] = []
        encoded = wire.encode(result, out, self.function_ref)
        # A result that is an argument (or a view of one) goes back as the caller's own.
        aliases = wire.aliases(result, list(wire.data_leaves([args, kwargs])))
        if aliases:
            extra["aliases"] = aliases
        if request.get("track"):  # keep the graph: the grader may ask for gradients later
            inputs = [t for t in wire.data_leaves([args, kwargs]) if isinstance(
                t, torch.Tensor) and t.requires_grad]
            outputs = [t for i, t in enumerate(wire.data_leaves(result)) if isinstance(
                t, torch.Tensor) and t.requires_grad and str(i) not in aliases]
            if inputs and outputs:
                self.graphs[request["track"]] = (inputs, outputs)
                while len(self.graphs) > 256:
                    self.graphs.pop(next(iter(self.graphs)))
                extra["tracked"] = True
        # In-place changes of the arguments travel back so the caller sees them too.
        after: list[bytes] = []
        wire.encode([args, kwargs], after, self.function_ref)
        changed = {}
        if len(after) == len(buffers):  # same structure: compare argument data byte for byte
            changed = {i: after[i] for i in range(len(after)) if after[i] != buffers[i]}
        return {"result": encoded, **extra, "mutated": {
            str(i): len(out) + k for k, i in enumerate(changed)}}, out + list(changed.values())

    def backward(self, request: dict, buffers: list[bytes]):
        from autograder import wire

        inputs, outputs = self.graphs[request["track"]]
        grad_outputs = wire.decode(request["grad_outputs"], buffers)
        grads = torch.autograd.grad(outputs, inputs, grad_outputs=grad_outputs,
                                    allow_unused=True, retain_graph=True)
        out: list[bytes] = []
        return {"result": wire.encode(list(grads), out)}, out

    def function_ref(self, value):
        from autograder import wire

        ref = wire.torch_function_ref(value)
        if ref is not None:
            return ref
        module = getattr(value, "__module__", "") or ""
        name = getattr(value, "__name__", "")
        short = module.rsplit(".", 1)[-1]
        return wire.FunctionRef(short, name) if short and name else None


def describe_error(error: BaseException) -> ErrorRecord:
    """An exception as data: its type, its words with and without the place it was raised
    ("text", "bare"), its errno's name for an OSError, a forbidden call's module and API."""
    import errno

    from autograder.seam import ForbiddenAPIError, describe_exception, exception_text

    kind = type(error).__name__  # the grader decides which types cross as themselves
    described = {"type": kind, "original": kind, "message": describe_exception(error),
                 "text": exception_text(error), "bare": exception_text(error, where=False)}
    if isinstance(error, OSError) and error.errno in errno.errorcode:
        described["errno"] = errno.errorcode[error.errno]
    if isinstance(error, ForbiddenAPIError):  # the forbidden call, as data (for the flag)
        described.update(module=str(error.module)[:100], api=str(error.api)[:100])
    return described


def main() -> None:
    serve(int(sys.argv[1]), int(sys.argv[2]))


def serve(read_fd: int, write_fd: int) -> None:
    """Read the configuration, confine, then answer requests until the pipe closes.

    Run by ``main`` in a fresh interpreter, or by ``autograder.zygote`` in a forked child."""
    from autograder import wire

    inbox, outbox = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
    config, _ = wire.read_message(inbox)
    import numpy  # noqa: F401 - imported before confinement, as root, once

    import autograder.seam  # noqa: F401 - the grader's files are not visible after confine
    from autograder import readguard, standin

    torch.set_num_threads(1)
    readguard.meta_shapes_only_from_now_on()  # as the suites' meta checks have it
    applied = confine(config)
    workdir = Path(applied.pop("workdir"))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    events: list[dict] = []
    package = workdir / "submission"
    init_file = package / "__init__.py"
    channel = standin.Channel(inbox, outbox)
    worker = Worker(package, init_file, config["rules"], events, config.get("group"),
                    config.get("stand_ins"), channel)
    wire.write_message(outbox, {"ready": applied}, [])
    sys.setrecursionlimit(10_000)
    while True:
        try:
            request, buffers = wire.read_message(inbox)
        except EOFError:
            break
        channel.request_id = request.get("id")
        try:
            worker.active[0] = True
            reply, out = worker.handle(request, buffers)
            worker.active[0] = False
            reply = reply or {}
        except SystemExit as error:
            worker.active[0] = False
            events.append({"kind": "tampering", "where": request.get("function", "import"),
                           "message": "called sys.exit / raised SystemExit"})
            reply, out = {"error": describe_error(error)}, []
        except BaseException as error:  # student code may raise anything
            worker.active[0] = False
            reply, out = {"error": describe_error(error)}, []
        reply["events"], events[:] = list(events), []
        reply["id"] = request.get("id")
        try:
            wire.write_message(outbox, reply, out)
        except wire.WireError as error:
            wire.write_message(outbox, {"error": facts.error_record(
                "TypeError", str(error), "WireError")}, [])
        except (ValueError, TypeError, OverflowError) as error:  # JSON could not encode it
            wire.write_message(outbox, {"error": facts.error_record(
                "TypeError", str(error), "WireError")}, [])
    os._exit(0)


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # never let a traceback reach the grader's terminal
        traceback.print_exc(file=open(os.devnull, "w"))  # noqa: SIM115
        os._exit(1)
