"""HOSTILE: every activation is correct but takes 9.5 s per call, under the 10 s call limit: the
function and module time budgets stop it, so activations' tests and the neuron tests that pass
an activation in fail, nothing else waits, and it is flagged timeout

Every activation is correct but sleeps 9.5 s per call, just under the 10 s call limit, so no
call ever times out. Each function's and each module's time budget must stop it: activations'
tests (and the tests that pass an activation in) fail with a timeout flag, every other test
keeps its points, and the whole grade ends within two minutes.
"""

import time as _time

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["timeout"],
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
    "max_seconds": 120,
}


def _slow(function):
    def slow(*args, **kwargs):
        _time.sleep(9.5)
        return function(*args, **kwargs)

    slow.__name__, slow.__doc__ = function.__name__, function.__doc__
    return slow


sign = _slow(sign)
heaviside = _slow(heaviside)
logistic = _slow(logistic)
tanh = _slow(tanh)
relu = _slow(relu)
leaky_relu = _slow(leaky_relu)
prelu = _slow(prelu)
silu = _slow(silu)
softplus = _slow(softplus)
logistic_grad = _slow(logistic_grad)
tanh_grad = _slow(tanh_grad)
relu_grad = _slow(relu_grad)
