"""Tensors that refuse to give their values to Python: how the suites check "no value reads".

A contract that says "no Python loop over elements, no ``.item()``, ``.tolist()``,
``.numpy()``, no Python ``if`` on a tensor" is a contract about what the code does, not about
which kernels torch has. ``ReadGuard`` holds real data (on the CPU), computes like any tensor and
passes its guard on to every result, but ``bool()``, ``float()``, ``int()``, ``.item()``,
``.tolist()``, ``.numpy()`` and iteration raise ``ValueReadError``. Boolean-mask indexing,
``torch.where`` and every other tensor operation work, so correct code in any vectorised style
passes. The meta device, which the suites also use, checks where results are made, but it has
no kernel for data-dependent shapes; :func:`meta_shapes_only` gives it one.

Under sandboxed grading a ``ReadGuard`` argument crosses the wire with its guard on (the worker
rebuilds it there) and results come back as plain tensors.
"""

from __future__ import annotations

import contextlib

import torch


class ValueReadError(RuntimeError):
    """Student code read a tensor's value into Python where the contract forbids it."""


_REFUSED = {
    torch.Tensor.__bool__: "bool(tensor) (a Python if or while on a tensor)",
    torch.Tensor.__float__: "float(tensor)",
    torch.Tensor.__int__: "int(tensor)",
    torch.Tensor.__index__: "a tensor as a Python index",
    torch.Tensor.__complex__: "complex(tensor)",
    torch.Tensor.item: ".item()",
    torch.Tensor.tolist: ".tolist()",
    torch.Tensor.numpy: ".numpy()",
    torch.Tensor.__array__: "numpy on a tensor (np.asarray)",
}


class ReadGuard(torch.Tensor):
    """A tensor whose values stay inside tensors (see the module's docstring)."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        what = _REFUSED.get(func)
        if what is not None:
            raise ValueReadError(
                f"the function read a tensor's value into Python with {what}: compute with "
                "tensor operations only (torch.where, masks, arithmetic), no Python loop, if "
                "or conversion on tensor values")
        return super().__torch_function__(func, types, args, kwargs or {})

    def __iter__(self):
        raise ValueReadError(
            "the function loops over a tensor's elements in Python (for v in x): compute on "
            "the whole tensor at once")

    def __reduce_ex__(self, protocol):  # never pickled: the wire carries a flag instead
        raise TypeError("a ReadGuard tensor is not pickled")


def guarded(tensor: torch.Tensor) -> ReadGuard:
    """``tensor`` (its data, dtype, device and requires_grad) with the guard on."""
    result = tensor.detach().as_subclass(ReadGuard)
    return result.requires_grad_(tensor.requires_grad) if tensor.is_floating_point() else result


def plain(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor`` without a guard (results handed back to a test)."""
    return tensor.as_subclass(torch.Tensor) if isinstance(tensor, ReadGuard) else tensor


def _shapes_only_item(tensor: torch.Tensor):
    """A stand-in value for ``.item()`` of a meta tensor: meta has no values, only shapes."""
    if tensor.dtype == torch.bool:
        return True
    return 1.0 if tensor.is_floating_point() else 1


def _all_selected(tensor: torch.Tensor) -> torch.Tensor:
    """``nonzero`` of a meta tensor: every element selected (meta has no values to test)."""
    return torch.empty((tensor.numel(), tensor.dim()), dtype=torch.long, device="meta")


def _install() -> torch.library.Library:
    library = torch.library.Library("aten", "IMPL")
    library.impl("_local_scalar_dense", _shapes_only_item, "Meta")
    library.impl("nonzero", _all_selected, "Meta")
    return library


@contextlib.contextmanager
def meta_shapes_only():
    """A context in which the meta device computes shapes for every vectorised operation:
    boolean masks select every element (``nonzero``) and torch's own internal reads (a 0-d
    mask's ``.item()`` in indexing) see a stand-in value. Value reads are the ``ReadGuard``'s
    to catch; the meta device checks only where results are made."""
    library = _install()
    try:
        yield
    finally:
        library._destroy()


_INSTALLED: list = []


def meta_shapes_only_from_now_on() -> None:
    """What :func:`meta_shapes_only` does, for the rest of this process (the sandbox's
    worker, before confinement)."""
    if not _INSTALLED:
        _INSTALLED.append(_install())
