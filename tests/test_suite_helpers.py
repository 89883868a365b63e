"""The hidden suites' shared helpers: fast paths that must decide exactly as the slow way."""

from __future__ import annotations

import pytest
import torch

from autograder.suites.helpers import _close_at_a_glance, expect_tensor_close

DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def _assert_close_passes(actual, expected, **tolerances) -> bool:
    try:
        torch.testing.assert_close(actual, expected, equal_nan=True, **tolerances)
    except AssertionError:
        return False
    return True


def _pairs(dtype, gen):
    """Expected values and results near them: off by multiples of each tolerance's size,
    NaN where there was none and the other way round, ±inf, ±0, and the wrong sign."""
    base = torch.cat([torch.randn(40, generator=gen, dtype=torch.float64) * 10,
                      torch.tensor([0.0, -0.0, 1e-30, 65000.0, float("inf"), -float("inf"),
                                    float("nan")], dtype=torch.float64)])
    expected = base.to(dtype)
    yield expected, expected.clone()
    for scale in (1e-9, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 2e-2, 1.0):
        noise = torch.randn(base.shape, generator=gen, dtype=torch.float64) * scale
        yield (base * (1 + noise) + noise).to(dtype), expected
    for index in (0, 40, 44, 46):
        changed = expected.clone()
        changed[index] = float("nan") if index != 46 else 1.0
        yield changed, expected
    yield -expected, expected


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("tolerances", [{}, {"rtol": 0.0, "atol": 0.0}, {"rtol": 1e-3,
                                                                             "atol": 1e-6}])
def test_the_fast_path_never_passes_what_assert_close_fails(dtype, tolerances):
    gen = torch.Generator().manual_seed(7)
    verdicts = []
    for actual, expected in _pairs(dtype, gen):
        slow = _assert_close_passes(actual, expected, **tolerances)
        fast = _close_at_a_glance(actual, expected, **tolerances)
        assert not fast or slow, (actual, expected)
        verdicts.append((fast, slow))
    assert any(fast for fast, _ in verdicts), "the fast path decides the common case"
    assert not all(slow for _, slow in verdicts), "the cases include failures"
    assert all(fast == slow for fast, slow in verdicts), "strided tensors: the same verdict"


def test_what_the_fast_path_declines_goes_to_assert_close():
    x = torch.tensor([1.0, 2.0])
    assert not _close_at_a_glance(x.to_sparse(), x)  # a layout assert_close handles itself
    assert not _close_at_a_glance(torch.empty(2, device="meta"), torch.empty(2, device="meta"))
    assert not _close_at_a_glance(x, x, rtol=1e-3)  # one tolerance alone: assert_close's error
    assert not _close_at_a_glance(torch.tensor([1, 2]), torch.tensor([1, 2]))  # no defaults
    expect_tensor_close(torch.tensor([1, 2]), torch.tensor([1, 2]), "ints")  # the slow way
    with pytest.raises(AssertionError, match="far off"):
        expect_tensor_close(x + 1, x, "far off")
