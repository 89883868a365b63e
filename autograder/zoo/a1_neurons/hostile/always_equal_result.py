"""HOSTILE: activations.logistic returns an object whose __eq__ is always True (and tanh a tensor
subclass whose comparisons are always true): results cross as plain data only, so both fail; the
attempt must be flagged (suspicious-code)

logistic returns an object that is equal (and close) to everything, and tanh returns a tensor
subclass whose comparisons always say True. If results crossed to the grader as live objects,
`result == expected`, torch.equal and allclose would all succeed.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


class _AlwaysEqual:
    """Equal to anything, close to anything, truthy, and with whatever attribute is asked for."""

    shape = property(lambda self: _ANY)
    dtype = property(lambda self: _ANY)

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __hash__(self):
        return 0

    def __len__(self):
        return 0

    def __float__(self):
        return 0.5

    def __getattr__(self, name):
        return lambda *args, **kwargs: self

    def __torch_function__(self, func, types, args=(), kwargs=None):
        return True


_ANY = _AlwaysEqual()


class _AgreeableTensor(torch.Tensor):
    """A tensor whose comparisons with anything are true."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = func.__name__ if hasattr(func, "__name__") else ""
        if name in ("__eq__", "eq", "equal", "allclose", "isclose", "__ne__", "ne"):
            return name not in ("__ne__", "ne")
        return super().__torch_function__(func, types, args, kwargs or {})


def logistic(x: torch.Tensor) -> torch.Tensor:
    """An answer that every comparison accepts."""
    return _AlwaysEqual()


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), without NaN at ±1e4.

    The textbook formula gives inf/inf = NaN for large |x|. tanh(x) = 2σ(2x) − 1 works; a
    more accurate form near 0 uses expm1: tanh(|x|) = −m / (2 + m) with m = expm1(−2|x|).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in [−1, 1].
    """
    return torch.zeros_like(x).as_subclass(_AgreeableTensor)
