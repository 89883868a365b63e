"""The plain-data wire format between the grader and the sandboxed student process.

A message is a JSON header plus raw byte buffers, length-prefixed on a pipe. Only numbers,
strings, None, lists, tuples, dicts with string keys, numpy arrays and scalars, torch tensors
(dtype, shape, device, requires_grad, bytes), named tuples (as field lists) and references to
functions by name cross it. Decoding builds fresh objects of the grader's own types from bytes
and never executes anything: no pickle, no eval, no user-defined classes.
"""

from __future__ import annotations

import collections
import json
import math
import struct
from typing import BinaryIO

import numpy as np
import torch

from autograder.readguard import ReadGuard

MAX_MESSAGE_BYTES = 256 * 2**20  # a reply larger than this is a flood, not a result

_TORCH_DTYPES = {
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
    "float64": torch.float64, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "uint8": torch.uint8, "bool": torch.bool,
    "complex64": torch.complex64, "complex128": torch.complex128,
}
_TORCH_NAMES = {v: k for k, v in _TORCH_DTYPES.items()}
_NUMPY_KINDS = set("biufc?")


class WireError(ValueError):
    """A value that cannot cross, or a message that is malformed or too large."""


class FunctionRef:
    """A function named by (module, name): a student function, or a torch builtin."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __repr__(self) -> str:
        return f"{self.module}.{self.name}"

    def __eq__(self, other) -> bool:
        return isinstance(other, FunctionRef) and (self.module, self.name) == (
            other.module, other.name)

    def __hash__(self) -> int:
        return hash((self.module, self.name))


# torch functions a test may pass as an argument (e.g. neuron_forward's activation)
TORCH_FUNCTIONS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}


def torch_function_ref(value) -> FunctionRef | None:
    """The reference to one of TORCH_FUNCTIONS, or None if ``value`` is not one of them."""
    for name, function in TORCH_FUNCTIONS.items():
        if value is function:
            return FunctionRef("torch", name)
    return None


def encode(value, buffers: list[bytes], function_ref=None):
    """A JSON-able description of ``value``; its array data are appended to ``buffers``.

    ``function_ref(value)`` may turn a callable into a FunctionRef (None: not allowed).
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"$": "bigint", "v": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value, buffers)
    if isinstance(value, np.ndarray | np.generic):
        return _encode_array(value, buffers)
    if isinstance(value, FunctionRef):
        return {"$": "fn", "module": value.module, "name": value.name}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {"$": "namedtuple", "type": type(value).__name__, "fields": list(value._fields),
                "items": [encode(v, buffers, function_ref) for v in value]}
    if isinstance(value, list | tuple):
        return {"$": "list" if isinstance(value, list) else "tuple",
                "items": [encode(v, buffers, function_ref) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise WireError("a dict with non-string keys")
        return {"$": "dict", "items": {k: encode(v, buffers, function_ref)
                                       for k, v in value.items()}}
    if callable(value) and function_ref is not None:
        ref = function_ref(value)
        if ref is not None:
            return encode(ref, buffers)
    raise WireError(f"a value of type {type(value).__name__}, which is not plain data "
                    "(numbers, arrays, tensors, lists, tuples)")


def data_leaves(value):
    """The tensors and arrays of ``value`` that own a buffer, in ``encode``'s order."""
    if isinstance(value, torch.Tensor):
        if value.device.type != "meta":
            yield value
    elif isinstance(value, np.ndarray | np.generic):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from data_leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from data_leaves(item)


def _storage_of(leaf):
    """What identifies a leaf's memory: a tensor's storage, an array's base."""
    if isinstance(leaf, torch.Tensor):
        return ("tensor", leaf.untyped_storage()._cdata)
    while isinstance(leaf, np.ndarray) and isinstance(leaf.base, np.ndarray):
        leaf = leaf.base
    return ("array", id(leaf))


def aliases(result, inputs: list) -> dict[str, list]:
    """Which data leaves of ``result`` are one of ``inputs`` (the call's argument leaves, in
    ``data_leaves`` order) or a view of one's memory, so that the grader can hand back the
    caller's own object: {result leaf index: ["same", input index] or ["view", input index,
    shape, strides, offset]} (elements for tensors, bytes for arrays; offset from the start of
    the input, which the worker decoded contiguous)."""
    same, views = {}, {}
    for index, leaf in enumerate(inputs):
        same.setdefault(id(leaf), index)
        views.setdefault(_storage_of(leaf), index)
    found = {}
    for index, leaf in enumerate(data_leaves(result)):
        if id(leaf) in same:
            found[str(index)] = ["same", same[id(leaf)]]
            continue
        source = views.get(_storage_of(leaf))
        base = None if source is None else inputs[source]
        if isinstance(leaf, torch.Tensor) and isinstance(base, torch.Tensor):
            found[str(index)] = ["view", source, list(leaf.shape), list(leaf.stride()),
                                 leaf.storage_offset() - base.storage_offset()]
        elif isinstance(leaf, np.ndarray) and isinstance(base, np.ndarray):
            start = base.__array_interface__["data"][0]
            found[str(index)] = ["view", source, list(leaf.shape), list(leaf.strides),
                                 leaf.__array_interface__["data"][0] - start]
    return found


def aliased(caller, alias: list, fresh):
    """The caller's own leaf for an alias ``aliases`` reported (or a view of it with the same
    layout), where the caller's leaf is laid out as the worker's copy was (contiguous, same
    dtype); otherwise ``fresh``, the decoded copy."""
    if type(caller) is not type(fresh) and not (isinstance(caller, torch.Tensor)
                                                and isinstance(fresh, torch.Tensor)):
        return fresh
    if alias[0] == "same":
        return caller if tuple(caller.shape) == tuple(fresh.shape) else fresh
    shape, strides, offset = alias[2:5]
    if tuple(shape) != tuple(fresh.shape) or offset < 0 or caller.dtype != fresh.dtype:
        return fresh
    if isinstance(caller, torch.Tensor):
        if caller.is_contiguous():
            try:
                return caller.as_strided(shape, strides, caller.storage_offset() + offset)
            except RuntimeError:  # out of the caller's storage: not a view of it after all
                return fresh
    elif isinstance(caller, np.ndarray) and caller.flags.c_contiguous:
        try:
            view = np.ndarray(shape, caller.dtype, buffer=caller, offset=offset,
                              strides=strides)
        except (ValueError, TypeError):  # beyond the caller's buffer
            return fresh
        view.flags.writeable = caller.flags.writeable
        return view
    return fresh


def restore_aliases(result, aliases: dict, leaves: list) -> dict[int, object]:
    """{id of a decoded result leaf: the caller's own leaf (or a view of it)} for the results
    the worker reported as arguments or views of them (``wire.aliases``)."""
    if not isinstance(aliases, dict):
        raise WireError("aliases that are not a table")
    replacements = {}
    for index, fresh in enumerate(data_leaves(result)):
        alias = aliases.get(str(index))
        if alias is not None:
            replacements[id(fresh)] = aliased(leaves[int(alias[1])], alias, fresh)
    return replacements


def substitute(value, replacements: dict[int, object]):
    if isinstance(value, torch.Tensor | np.ndarray | np.generic):
        return replacements.get(id(value), value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(substitute(v, replacements) for v in value))
    if isinstance(value, list | tuple):
        return type(value)(substitute(v, replacements) for v in value)
    if isinstance(value, dict):
        return {k: substitute(v, replacements) for k, v in value.items()}
    return value


def write_back(target, data: bytes) -> None:
    """Mirror an in-place change that the student function made to an argument."""
    if isinstance(target, torch.Tensor):
        storage = torch.int16 if target.dtype in (torch.float16, torch.bfloat16) else target.dtype
        fresh = torch.frombuffer(bytearray(data), dtype=storage).view(target.dtype)
        with torch.no_grad():
            target.copy_(fresh.reshape(target.shape).to(target.device))
    elif isinstance(target, np.ndarray) and target.flags.writeable:
        target[...] = np.frombuffer(data, dtype=target.dtype).reshape(target.shape)


def _encode_tensor(tensor: torch.Tensor, buffers: list[bytes]):
    guard = isinstance(tensor, ReadGuard)
    tensor = torch.Tensor._make_subclass(torch.Tensor, tensor.detach()) if type(
        tensor) is not torch.Tensor else tensor
    if tensor.dtype not in _TORCH_NAMES:
        raise WireError(f"a tensor of dtype {tensor.dtype}")
    if tensor.layout != torch.strided:
        raise WireError(f"a tensor with layout {tensor.layout}")
    header = {"$": "tensor", "dtype": _TORCH_NAMES[tensor.dtype], "shape": list(tensor.shape),
              "device": str(tensor.device), "grad": bool(tensor.requires_grad)}
    if guard:
        header["guard"] = True
    if tensor.device.type != "meta":
        data = tensor.detach().to("cpu").contiguous()
        if data.dtype in (torch.bfloat16, torch.float16):
            data = data.view(torch.int16)
        header["buffer"] = len(buffers)
        buffers.append(data.numpy().tobytes())
    return header


def _encode_array(array, buffers: list[bytes]):
    scalar = isinstance(array, np.generic)
    array = np.asarray(array)
    if array.dtype.kind not in _NUMPY_KINDS:
        raise WireError(f"a numpy array of dtype {array.dtype}")
    header = {"$": "ndarray", "dtype": array.dtype.str, "shape": list(array.shape),
              "scalar": scalar, "buffer": len(buffers)}
    buffers.append(np.ascontiguousarray(array).tobytes())
    return header


def decode(value, buffers: list[bytes], resolve_function=None, namedtuples=None,
           guards: bool = False):
    """The inverse of ``encode``, building fresh objects of the grader's own types.

    ``guards`` (the worker, decoding a call's arguments): a tensor sent as a ``ReadGuard``
    becomes one again; elsewhere every tensor arrives plain.
    """
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise WireError("a bare JSON list")
        return value
    kind = value.get("$")
    if kind == "float":
        return float(value["v"])
    if kind == "bigint":
        return int(value["v"])
    if kind == "tensor":
        return _decode_tensor(value, buffers, guards)
    if kind == "ndarray":
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in _NUMPY_KINDS:
            raise WireError(f"an array of dtype {dtype}")
        array = np.frombuffer(buffers[value["buffer"]], dtype=dtype).reshape(value["shape"])
        array = array.copy()
        return array[()] if value["scalar"] else array
    if kind == "fn":
        if resolve_function is None:
            raise WireError("a function reference where none is allowed")
        return resolve_function(FunctionRef(value["module"], value["name"]))
    items = value.get("items")
    if kind in ("list", "tuple"):
        decoded = [decode(v, buffers, resolve_function, namedtuples, guards) for v in items]
        return decoded if kind == "list" else tuple(decoded)
    if kind == "namedtuple":
        fields = tuple(str(f) for f in value["fields"])
        cls = (namedtuples or {}).get((value["type"], fields))
        decoded = [decode(v, buffers, resolve_function, namedtuples, guards) for v in items]
        if cls is None:
            cls = plain_namedtuple(value["type"], fields)
            if namedtuples is not None:
                namedtuples[(value["type"], fields)] = cls
        return cls(*decoded)
    if kind == "dict":
        return {str(k): decode(v, buffers, resolve_function, namedtuples, guards)
                for k, v in items.items()}
    raise WireError(f"unknown value kind {kind!r}")


def plain_namedtuple(name, fields):
    """A fresh named-tuple class of the grader's own, standing in for one of the submission's."""
    name = str(name) if str(name).isidentifier() else "Result"
    return collections.namedtuple(name, [str(f) for f in fields], rename=True)


def _decode_tensor(value, buffers, guards=False):
    dtype = _TORCH_DTYPES.get(value["dtype"])
    if dtype is None:
        raise WireError(f"a tensor of dtype {value['dtype']!r}")
    shape = [int(n) for n in value["shape"]]
    device = torch.device(value["device"])
    if device.type == "meta":
        tensor = torch.empty(shape, dtype=dtype, device="meta")
    else:
        raw = buffers[value["buffer"]]
        storage_dtype = torch.int16 if dtype in (torch.float16, torch.bfloat16) else dtype
        if len(raw) != math.prod(shape) * torch.empty((), dtype=storage_dtype).element_size():
            raise WireError("a tensor whose data do not match its shape")
        flat = torch.frombuffer(bytearray(raw), dtype=storage_dtype) if raw else torch.empty(
            0, dtype=storage_dtype)
        tensor = flat.view(dtype).reshape(shape).to(device)
    if guards and value.get("guard"):
        tensor = tensor.as_subclass(ReadGuard)
    if value["grad"] and dtype.is_floating_point:
        tensor.requires_grad_(True)
    return tensor


def write_message(stream: BinaryIO, header: dict, buffers: list[bytes]) -> None:
    body = json.dumps(header, allow_nan=False).encode()
    parts = [struct.pack("<QI", len(body), len(buffers)), body]
    for buffer in buffers:
        parts += [struct.pack("<Q", len(buffer)), buffer]
    stream.write(b"".join(parts))
    stream.flush()


def read_message(stream: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> tuple[dict, list[bytes]]:
    """One message; raises EOFError if the stream ended, WireError if it is malformed."""
    size, count = struct.unpack("<QI", _read_exactly(stream, 12))
    if size > limit or count > 100_000:
        raise WireError("message too large")
    header = json.loads(_read_exactly(stream, size))
    buffers, total = [], size
    for _ in range(count):
        (length,) = struct.unpack("<Q", _read_exactly(stream, 8))
        total += length
        if total > limit:
            raise WireError("message too large")
        buffers.append(_read_exactly(stream, length))
    if not isinstance(header, dict):
        raise WireError("message header is not an object")
    return header, buffers


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
