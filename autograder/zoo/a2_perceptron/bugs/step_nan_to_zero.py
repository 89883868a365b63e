"""BUG: step as (x >= 0).to(x.dtype): NaN >= 0 is False, so step(NaN) = 0 instead of NaN

The one-liner everybody writes; a comparison silently turns NaN into a class.
"""

PATCHES = "perceptron"


def step(x):
    return (x >= 0).to(x.dtype)
