"""Comparisons for the hidden suites of every assignment that fail with words, never with the
expected numbers.

``torch.testing.assert_close`` and numpy's ``assert_allclose`` print both arrays on failure;
from a hidden test that would hand the expected values to the student. These helpers catch
that and fail with the caller's explanation only.
"""

from __future__ import annotations

import numpy as np
import torch

FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def fail(message: str):
    """Fail the test with ``message`` and nothing else (no values, no chained traceback)."""
    raise AssertionError(message) from None


def expect(condition, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not bool(condition):
        fail(message)


def expect_tensor_close(actual, expected, message: str, **tolerances) -> None:
    """``torch.testing.assert_close`` (dtype and device checked too) that fails with words."""
    expect(isinstance(actual, torch.Tensor), f"{message} (the result is not a torch.Tensor)")
    expect(
        tuple(actual.shape) == tuple(expected.shape),
        f"{message} (the result has the wrong shape)",
    )
    expect(actual.dtype == expected.dtype, f"{message} (the result has the wrong dtype)")
    expect(actual.device == expected.device, f"{message} (the result is on the wrong device)")
    if _close_at_a_glance(actual, expected, **tolerances):
        return
    try:
        torch.testing.assert_close(actual, expected, equal_nan=True, **tolerances)
    except AssertionError:
        fail(message)


# torch.testing.assert_close's default (rtol, atol) per dtype: the bar the contracts adopt.
ASSERT_CLOSE_TOLERANCES = {
    torch.float16: (1e-3, 1e-5), torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7),
}


def _close_at_a_glance(actual, expected, rtol=None, atol=None) -> bool:
    """True where ``assert_close(..., equal_nan=True)`` must pass, for tensors whose shape,
    dtype and device ``expect_tensor_close`` has already checked: two strided tensors whose
    values are all ``torch.isclose``, the comparison it makes itself (about 60 µs against its
    500). Anything else (a failure, a sparse or meta tensor, a dtype without default
    tolerances) goes to ``assert_close``, which decides and words it."""
    if rtol is None or atol is None:
        if rtol is not None or atol is not None or expected.dtype not in ASSERT_CLOSE_TOLERANCES:
            return False
        rtol, atol = ASSERT_CLOSE_TOLERANCES[expected.dtype]
    try:
        return (type(actual) is torch.Tensor and type(expected) is torch.Tensor
                and actual.layout == expected.layout == torch.strided
                and bool(torch.isclose(actual, expected, rtol=rtol, atol=atol,
                                       equal_nan=True).all()))
    except Exception:  # whatever the student returned: assert_close has the last word
        return False


def expect_array_close(actual, expected, message: str, rtol=1e-7, atol=0.0) -> None:
    """Element-wise closeness of numpy values (shape checked), failing with words."""
    try:
        actual = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        fail(f"{message} (the result is not numeric)")
    expected = np.asarray(expected, dtype=np.float64)
    expect(actual.shape == expected.shape, f"{message} (the result has the wrong shape)")
    if not np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
        fail(message)


def unchanged(before, after) -> bool:
    """True if ``after`` equals ``before`` exactly (shape, dtype and values; NaN equals NaN)."""
    if isinstance(before, torch.Tensor):
        return (
            isinstance(after, torch.Tensor)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and torch.equal(before.isnan(), after.isnan())
            and torch.equal(before.nan_to_num(), after.nan_to_num())
        )
    return np.array_equal(before, after, equal_nan=True)


def _root(array: np.ndarray):
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def shares_memory(result, source) -> bool:
    """True if ``result`` is ``source`` or a view of its memory, at every size: two tensors
    that share one storage (also empty ones, whose data pointers are all 0), or two numpy arrays
    of one base. Under sandboxed grading the grader hands back the caller's own tensor (or a
    view of it) where the submission returned an input or a view of one, so this holds there
    too."""
    if result is source:
        return True
    if isinstance(result, torch.Tensor) and isinstance(source, torch.Tensor):
        if "meta" in (result.device.type, source.device.type):
            return False
        return result.untyped_storage()._cdata == source.untyped_storage()._cdata
    if isinstance(result, np.ndarray) and isinstance(source, np.ndarray):
        return _root(result) is _root(source) or np.shares_memory(result, source)
    return False
