"""Shared hypothesis strategies of the a1_neurons hidden suite.

Everything here is bounded (small shapes, finite values in a given range), so that a
derandomised run of 40 examples stays fast. Torch tensors are drawn as float64 numpy arrays and
then rounded to the requested dtype (numpy has no bfloat16).
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.suites.helpers import FLOAT_DTYPES


def dtypes(choices=FLOAT_DTYPES) -> st.SearchStrategy[torch.dtype]:
    """One of the floating-point dtypes of the contract (float16, bfloat16, float32, float64)."""
    return st.sampled_from(tuple(choices))


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 0, max_side: int = 5):
    """Array shapes, 0-d (``()``) and empty (a side of 0) included by default."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def finite_floats(min_value: float = -1e3, max_value: float = 1e3) -> st.SearchStrategy[float]:
    """Finite Python floats in [min_value, max_value] (no NaN, no infinities)."""
    return st.floats(
        min_value=min_value, max_value=max_value, allow_nan=False, allow_infinity=False
    )


def positive_floats(min_value: float = 1e-2, max_value: float = 1e2) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value] with min_value > 0 (a β, a scale)."""
    if not min_value > 0:
        raise ValueError("positive_floats needs min_value > 0")
    return finite_floats(min_value, max_value)


def float_arrays(shape=None, min_value: float = -20.0, max_value: float = 20.0):
    """Float64 numpy arrays of the given shape (or of a drawn shape) with finite values.

    Built once, where ``@given`` names it: a strategy made inside a draw (``@st.composite``) is
    validated again on every example, which cost more than the drawing itself."""
    return hnp.arrays(np.float64, shapes() if shape is None else shape,
                      elements=finite_floats(min_value, max_value))


def _tensor(dtype_and_values) -> torch.Tensor:
    dtype, values = dtype_and_values
    return torch.from_numpy(values).to(dtype)


def float_tensors(dtype=None, shape=None, min_value: float = -20.0, max_value: float = 20.0):
    """CPU torch tensors of ``dtype`` (or a drawn float dtype) with finite values in range.

    ``dtype`` and ``shape`` may be fixed values or strategies; by default every float dtype of
    the contract and every shape of :func:`shapes` (0-d and empty included) can come out. The
    range must be representable in the dtype (float16 stops at 65504).
    """
    if dtype is None:
        dtype = dtypes()
    elif not isinstance(dtype, st.SearchStrategy):
        dtype = st.just(dtype)
    return st.tuples(dtype, float_arrays(shape, min_value, max_value)).map(_tensor)


# Fractions near the contract's limits (0, ½, just under 1) next to arbitrary ones.
_LIMIT_FRACTIONS = (0.0, 1e-9, 0.01, 0.1, 0.2, 1 / 3, 0.49, 0.5, 0.51, 0.9, 0.99, 1 - 1e-9)


@st.composite
def split_arguments(draw, max_n: int = 200) -> tuple[int, float, float]:
    """``(n, val_frac, test_frac)`` that ``train_val_test_split`` must accept: n ≥ 1, both
    fractions in [0, 1) and val_frac + test_frac < 1 (as a float sum), limits included."""
    n = draw(st.one_of(st.integers(1, 4), st.integers(1, max_n)))
    fraction = st.one_of(
        st.sampled_from(_LIMIT_FRACTIONS), st.floats(0.0, 1.0, exclude_max=True)
    )
    test_frac = draw(fraction)
    room = 1.0 - test_frac  # val_frac must stay below it: scale the same choices into it
    val_frac = draw(
        st.one_of(
            st.sampled_from(_LIMIT_FRACTIONS).map(lambda f: f * room),
            st.floats(0.0, room, exclude_max=True),
        ).filter(lambda v: v + test_frac < 1)
    )
    return n, val_frac, test_frac
