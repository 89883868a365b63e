"""The perceptron: Rosenblatt's threshold unit, its prediction, its learning rule, and the
training loop that applies the rule example by example until no example is misclassified (torch).

Rules for every function in this file (the contract in the handout):

* ``X``, ``x``, ``w`` (and ``b``, ``t`` when they are tensors) are floating-point tensors
  (float16, bfloat16, float32 or float64) sharing one dtype and one device; targets ``t`` may
  also be an integer tensor. Results have that dtype and stay on that device.
* Results are *new* tensors: no input is ever modified in place (no ``w += ...``), and no result
  is an input itself or a view of one.
* ``step``, ``perceptron_predict`` and ``perceptron_update`` work on any device, the ``meta``
  device included: they never read a value out of a tensor (no ``.item()``, ``float(t)``,
  ``.tolist()``, ``.numpy()``, ``.cpu()``, no Python ``if`` on a tensor value, no loop over
  elements). ``train_perceptron`` is the algorithm itself: it loops over the examples in Python
  and reads one number per epoch (the error count), so it needs a device with data.
"""

import math

import torch


def step(x: torch.Tensor) -> torch.Tensor:
    """The perceptron's threshold unit: step(x) = 1 for x ≥ 0, 0 for x < 0.

    step(0) = 1, and step(−0.0) = 1 as well (−0.0 ≥ 0 is true); step(+inf) = 1,
    step(−inf) = 0. NaN is not ≥ 0 and not < 0: step(NaN) = NaN.

    Args:
        x: floating-point tensor of any shape (0-d and empty included), any device.

    Returns:
        A new tensor of x's shape, dtype and device with values in {0, 1} (NaN where x is NaN).
    """
    raise NotImplementedError("perceptron.step is not implemented yet")


def perceptron_predict(X: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """The perceptron's outputs y = step(X w + b), one per example.

    Args:
        X: inputs, shape (N, D) for N examples (N = 0 allowed), or (D,) for one example.
        w: weights, shape (D,), X's dtype and device.
        b: bias, a Python number or a 0-d tensor of X's dtype and device.

    Returns:
        Tensor of shape (N,) (a 0-d tensor for X of shape (D,)) with values in {0, 1}, of X's
        dtype and device. An example whose weighted sum is exactly 0 gets 1; a NaN anywhere in
        its weighted sum gives NaN.

    Raises:
        ValueError: if w is not 1-D, X is neither 1-D nor 2-D, or X's last dimension differs
            from the length D of w.
    """
    raise NotImplementedError("perceptron.perceptron_predict is not implemented yet")


def perceptron_update(w: torch.Tensor, b, x: torch.Tensor, t, lr: float = 1.0):
    """One step of Rosenblatt's perceptron rule on one example (x, t), targets in {0, 1}.

        y     = step(w·x + b)
        w_new = w + lr (t − y) x
        b_new = b + lr (t − y)

    When the example is classified correctly, t − y = 0 and nothing changes; otherwise the
    weights move towards x (t = 1, y = 0) or away from it (t = 0, y = 1). Write it with tensor
    arithmetic, without a Python ``if``: multiplying by (t − y) already does "only when wrong".

    Args:
        w: weights, shape (D,).
        b: bias, a Python number or a 0-d tensor of w's dtype and device.
        x: one example, shape (D,), w's dtype and device.
        t: its target, 0 or 1: a Python number or a 0-d tensor (float or integer dtype) on
            w's device. It is not checked here (that would read its value); train_perceptron
            checks its targets.
        lr: the learning rate, a positive finite Python number (default 1.0).

    Returns:
        The tuple (w_new, b_new): w_new a new tensor of w's shape, dtype and device; b_new a new
        0-d tensor of w's dtype and device (also when b is a Python number). Both are new
        tensors even when nothing changes; w and b are never modified in place.

    Raises:
        ValueError: if lr is not a positive finite number (0, negative, NaN, inf), w is not
            1-D, or x's shape differs from w's.
    """
    raise NotImplementedError("perceptron.perceptron_update is not implemented yet")


def train_perceptron(X: torch.Tensor, t: torch.Tensor, lr: float = 1.0, max_epochs: int = 100,
                     w0=None, b0=0.0):
    """Train a perceptron with Rosenblatt's rule, visiting the examples in order.

    Each epoch visits the examples n = 0, 1, ..., N − 1 in this order (no shuffling) and applies
    ``perceptron_update`` to each one with the current weights. ``errors[e]`` counts the
    examples misclassified (y ≠ t) at the moment they were visited in epoch e, which is the
    number of updates made in that epoch. Training stops after the first epoch with no error
    (that epoch is recorded: ``errors[-1] == 0``) or after ``max_epochs`` epochs, whichever comes
    first. On linearly separable data it stops (the perceptron convergence theorem: at most
    R²/γ² updates in all, started from zero); on data such as XOR it never does.

    With N = 0 examples the first epoch has no error: the result is (w0, b0, [0]) as new
    tensors (a copy of w0, never w0 or b0 itself; zeros for w0 = None).

    Args:
        X: inputs, shape (N, D), floating point, N ≥ 0, D ≥ 1.
        t: targets, shape (N,), on X's device, float or integer dtype, every value 0 or 1.
        lr: the learning rate, a positive finite Python number (default 1.0).
        max_epochs: the most epochs to run, an int ≥ 1 (default 100).
        w0: initial weights, shape (D,), X's dtype and device; None means zeros.
        b0: initial bias, a Python number or a 0-d tensor (default 0.0).

    Returns:
        The tuple (w, b, errors): w a new tensor of shape (D,), b a new 0-d tensor, both of X's
        dtype and device; errors a Python list of Python ints, 1 ≤ len(errors) ≤ max_epochs.
        X, t, w0 and b0 are not modified.

    Raises:
        ValueError: if X is not 2-D, t's shape is not (N,), a target is not 0 or 1 (±1 targets
            included), w0's shape is not (D,), lr is not a positive finite number, or
            max_epochs < 1; also when N = 0, where no example reaches a check made inside the
            loop (perceptron_update's lr check included).
    """
    raise NotImplementedError("perceptron.train_perceptron is not implemented yet")
