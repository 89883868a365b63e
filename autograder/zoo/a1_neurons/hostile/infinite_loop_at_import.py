"""HOSTILE: polyfit.py loops forever at import: its import times out (flag timeout) and polyfit
loses points; regularization and splits, which import it, keep full points (the reference stands
in for polyfit in their tests: the rubric's dependencies = "reference"), and so do activations,
neuron and loss

polyfit.py never finishes importing: a module-level loop that 'precomputes' a table forever.
Costs polyfit.py and the modules that import it (regularization.py, splits.py), nothing else.
"""
PATCHES = "polyfit"
EXPECT = {
    "base": "reference",
    "flags": ["timeout"],
    "lost_modules": ["polyfit"],
    "full_modules": ["activations", "neuron", "loss", "regularization", "splits"],
}


_POWERS = []
_k = 0


while _k >= 0:  # precompute "all" powers: never ends
    _POWERS = [_k] if len(_POWERS) > 1000 else [*_POWERS, _k]
    _k += 1
