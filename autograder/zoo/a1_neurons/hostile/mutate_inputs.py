"""HOSTILE: every activation zeroes its input in place and returns the value at 0, so a test that
derives its expectation from x after the call compares f(0) with f(0) and passes: the mutation
must gain nothing over the same answers given without touching x (that control scores 78.75; cap
79)

Every activation first overwrites its input with zeros (in place, under no_grad) and then
returns the right value for the zeroed input. A test that computes its expected values from x
after the call compares f(0) with f(0) and passes; the in-place change is mirrored back to the
grader's tensors, so the tests must keep their own copy of the inputs.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": [],
    # Cap = what the SAME answers earn WITHOUT touching x: replace `x.zero_()` in the wrapper by
    # `return function(torch.zeros_like(x), *args, **kwargs)` and grade. At commit dfafb13 that
    # control scored 78.75 (activations 9.90, neuron 13.83, the rest 55) while this case scored
    # 91.45: the 12.7 extra points come only from the in-place mutation, mirrored back to the
    # grader's tensors, fooling 18 activation tests (5 public, 13 hidden) that compute their
    # expectation from x after the call.
    "max_score": 79,
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


def _zero_the_input_first(function):
    def wrapper(x, *args, **kwargs):
        with torch.no_grad():
            x.zero_()
        return function(x, *args, **kwargs)

    wrapper.__name__ = function.__name__
    wrapper.__qualname__ = function.__qualname__
    wrapper.__doc__ = function.__doc__
    return wrapper


sign = _zero_the_input_first(sign)
heaviside = _zero_the_input_first(heaviside)
logistic = _zero_the_input_first(logistic)
tanh = _zero_the_input_first(tanh)
relu = _zero_the_input_first(relu)
leaky_relu = _zero_the_input_first(leaky_relu)
prelu = _zero_the_input_first(prelu)
silu = _zero_the_input_first(silu)
softplus = _zero_the_input_first(softplus)
logistic_grad = _zero_the_input_first(logistic_grad)
tanh_grad = _zero_the_input_first(tanh_grad)
relu_grad = _zero_the_input_first(relu_grad)
