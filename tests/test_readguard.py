"""autograder/readguard.py and the wire's aliases: the two facts a hidden suite checks about
how a result is made ("no value reads", "a new tensor") hold the same in-process and under
sandboxed grading (tests/test_grader.py crosses the sandbox with both)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder import wire
from autograder.readguard import ValueReadError, guarded, meta_shapes_only, plain
from autograder.suites.helpers import shares_memory

READS = {
    "bool": lambda x: bool(x[0] > 0),
    "if": lambda x: 1 if (x > 0).any() else 0,
    "float": lambda x: float(x[0]),
    "int": lambda x: int(x[0]),
    "index": lambda x: [1, 2, 3][x[0].long()],
    "item": lambda x: x.sum().item(),
    "tolist": lambda x: x.tolist(),
    "numpy": lambda x: x.numpy(),
    "np.asarray": lambda x: np.asarray(x),
    "loop": lambda x: [v for v in x],
}


@pytest.mark.parametrize("read", READS)
def test_a_guarded_tensor_refuses_every_value_read(read):
    with pytest.raises(ValueReadError):
        READS[read](guarded(torch.tensor([1.0, -2.0, 3.0])))


def test_a_guarded_tensor_computes_in_every_vectorised_style():
    x = guarded(torch.tensor([1.0, -2.0, 0.0], requires_grad=True))
    masked = x.clone()
    masked[x < 0] = x[x < 0] * 0.5
    where = torch.where(x < 0, 0.5 * x, x)
    assert torch.equal(plain(masked), plain(where)) and type(plain(where)) is torch.Tensor
    where.sum().backward()
    assert torch.equal(x.grad, torch.tensor([1.0, 0.5, 1.0]))
    assert (x.shape, x.dim(), x.numel(), len(x), x.dtype) == ((3,), 1, 3, 3, torch.float32)


def test_meta_computes_shapes_for_masks_only_inside_the_context():
    x = torch.empty((), device="meta")
    with meta_shapes_only():
        for shape in ((), (0,), (2, 3)):
            x = torch.empty(shape, device="meta")
            y = x.clone()
            y[x < 0] = x[x < 0] * 0.5
            assert y.device.type == "meta" and tuple(y.shape) == shape
    with pytest.raises((RuntimeError, NotImplementedError)):
        x = torch.empty((), device="meta")
        x.clone()[x < 0] = 0.0


def test_helpers_shares_memory_sees_views_at_every_size():
    for x in (torch.zeros(0), torch.zeros(()), torch.arange(6.0).reshape(2, 3)):
        assert shares_memory(x, x) and shares_memory(x.view(x.shape), x)
        assert not shares_memory(x.clone(), x)
    assert not shares_memory(torch.zeros(0), torch.zeros(0))  # both data pointers are 0
    a = np.zeros((0, 3))
    assert shares_memory(a[:], a) and not shares_memory(a.copy(), a)


def test_an_alias_the_worker_reports_is_checked_before_it_is_believed():
    caller, fresh = torch.arange(6.0), torch.arange(1.0, 6.0)
    good = ["view", 0, [5], [1], 1]
    view = wire.aliased(caller, good, fresh)
    assert shares_memory(view, caller) and torch.equal(view, fresh)
    for bad in (["view", 0, [5], [1], 4],  # beyond the caller's storage
                ["view", 0, [4], [1], 1],  # not the decoded result's shape
                ["view", 0, [5], [1], -1]):
        assert wire.aliased(caller, bad, fresh) is fresh
    assert wire.aliased(caller, ["same", 0], fresh) is fresh  # another shape: not the same
    tensor = torch.zeros(3)
    assert wire.aliased(np.arange(3.0), ["same", 0], tensor) is tensor  # another kind
    array = np.arange(6.0)
    row = wire.aliased(array, ["view", 0, [3], [8], 8], np.arange(1.0, 4.0))
    assert shares_memory(row, array) and np.array_equal(row, [1.0, 2.0, 3.0])
    with pytest.raises(wire.WireError):
        wire.restore_aliases(torch.zeros(1), ["not", "a", "table"], [])
