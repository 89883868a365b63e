"""Public tests of perceptron.py: the threshold unit, the prediction, Rosenblatt's rule, and the
training loop on the AND function (which a perceptron learns) and XOR (which it cannot learn).

The expected values are worked out by hand in the comments: follow them with pencil and paper
when a test fails.
"""

import pytest
import torch

pytestmark = pytest.mark.perceptron

NAN = float("nan")
# The four inputs of a two-input logic gate, and the targets of AND and of XOR.
GATE_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
AND_TARGETS = [0.0, 0.0, 0.0, 1.0]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_step_is_one_from_zero_on_and_nan_stays_nan(a2, dtype):
    x = torch.tensor([-2.5, -1e-30, -0.0, 0.0, 1e-30, 3.0, NAN], dtype=dtype)
    before = x.clone()
    y = a2.perceptron.step(x)
    assert isinstance(y, torch.Tensor), f"step must return a torch.Tensor, got {type(y)}"
    assert y.shape == x.shape and y.dtype == x.dtype, (
        f"step must keep the shape and dtype of x: got {tuple(y.shape)} {y.dtype} for "
        f"{tuple(x.shape)} {x.dtype}"
    )
    assert y[:6].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0], (
        f"step({x[:6].tolist()}) gave {y[:6].tolist()}: step(x) is 1 for x ≥ 0, so step(0) = 1 "
        "(and step(−0.0) = 1, since −0.0 >= 0 is true); (x > 0) gives 0 at 0, which is wrong"
    )
    assert torch.isnan(y[6]), (
        f"step(NaN) gave {y[6].item()}: NaN is neither ≥ 0 nor < 0, so the result must be NaN. "
        "(x >= 0).to(x.dtype) turns NaN into 0: keep NaN where torch.isnan(x)"
    )
    assert torch.equal(x.isnan(), before.isnan()) and torch.equal(
        x.nan_to_num(), before.nan_to_num()), "step changed its input in place"
    assert a2.perceptron.step(torch.tensor(0.0, dtype=dtype)).shape == (), (
        "step of a 0-d tensor must be a 0-d tensor"
    )
    assert a2.perceptron.step(torch.zeros(0, dtype=dtype)).shape == (0,), (
        "step of an empty tensor must be an empty tensor"
    )


def test_perceptron_predict_batch_and_single_example(a2):
    X = torch.tensor(GATE_INPUTS, dtype=torch.float64)
    w = torch.tensor([1.0, 1.0], dtype=torch.float64)
    # X w + b with b = −1 is [−1, 0, 0, 1]: the sum is exactly 0 for the middle two rows,
    # and step(0) = 1, so this perceptron computes OR.
    y = a2.perceptron.perceptron_predict(X, w, -1.0)
    assert isinstance(y, torch.Tensor), f"perceptron_predict must return a tensor, got {type(y)}"
    assert y.shape == (4,), f"X of shape (4, 2) must give shape (4,), got {tuple(y.shape)}"
    assert y.dtype == X.dtype, f"the result must have X's dtype {X.dtype}, got {y.dtype}"
    assert y.tolist() == [0.0, 1.0, 1.0, 1.0], (
        f"perceptron_predict gave {y.tolist()}, want step(X w + b) = [0, 1, 1, 1] "
        "(the weighted sum of rows 1 and 2 is exactly 0, and step(0) = 1)"
    )
    b = torch.tensor(-1.5, dtype=torch.float64)  # the bias may be a 0-d tensor: now AND
    assert a2.perceptron.perceptron_predict(X, w, b).tolist() == [0.0, 0.0, 0.0, 1.0]
    y1 = a2.perceptron.perceptron_predict(X[3], w, b)  # one example of shape (D,)
    assert y1.shape == (), f"X of shape (2,) must give a 0-d tensor, got {tuple(y1.shape)}"
    assert y1.item() == 1.0
    with pytest.raises(ValueError):
        a2.perceptron.perceptron_predict(X, torch.ones(3, dtype=torch.float64), 0.0)


def test_perceptron_update_follows_the_rule_and_returns_new_tensors(a2):
    w = torch.tensor([0.5, -1.0], dtype=torch.float64)
    b = torch.tensor(0.25, dtype=torch.float64)
    x = torch.tensor([2.0, 1.0], dtype=torch.float64)
    w_before, b_before = w.clone(), b.clone()
    # w·x + b = 1 − 1 + 0.25 = 0.25 ≥ 0, so y = 1. With t = 0 the example is misclassified:
    # w_new = w + lr (t − y) x = [0.5, −1] − 0.5·[2, 1] = [−0.5, −1.5], b_new = 0.25 − 0.5.
    result = a2.perceptron.perceptron_update(w, b, x, 0, lr=0.5)
    assert isinstance(result, tuple) and len(result) == 2, (
        "perceptron_update must return the tuple (w_new, b_new)"
    )
    w_new, b_new = result
    assert torch.equal(w, w_before) and torch.equal(b, b_before), (
        "perceptron_update changed w or b in place (w += ..., w.add_(...), w[...] = ...): the "
        "caller's weights must stay as they were; return new tensors, e.g. w_new = w + ..."
    )
    assert w_new.tolist() == [-0.5, -1.5], f"w_new is {w_new.tolist()}, want [-0.5, -1.5]"
    assert isinstance(b_new, torch.Tensor) and b_new.shape == (), (
        f"b_new must be a 0-d tensor, got {b_new!r}"
    )
    assert b_new.item() == -0.25, f"b_new is {b_new.item()}, want 0.25 − 0.5 = −0.25"
    # With t = 1 the same example is classified correctly: nothing changes (t − y = 0), but the
    # results are still new tensors, and b_new is a 0-d tensor even for a Python number b.
    w_same, b_same = a2.perceptron.perceptron_update(w, 0.25, x, 1, lr=0.5)
    assert w_same.tolist() == [0.5, -1.0] and w_same is not w, (
        "a correctly classified example must leave the weights as they are (in a new tensor)"
    )
    assert isinstance(b_same, torch.Tensor) and b_same.shape == () and b_same.item() == 0.25, (
        f"b_new must be a 0-d tensor equal to b when nothing changes, got {b_same!r}"
    )


@pytest.mark.parametrize("lr", [0.0, -1.0])
def test_perceptron_update_rejects_a_nonpositive_learning_rate(a2, lr):
    w = torch.zeros(2, dtype=torch.float64)
    with pytest.raises(ValueError):
        a2.perceptron.perceptron_update(w, 0.0, torch.ones(2, dtype=torch.float64), 1, lr=lr)


def test_train_perceptron_learns_and_epoch_by_epoch(a2):
    X = torch.tensor(GATE_INPUTS, dtype=torch.float64)
    t = torch.tensor(AND_TARGETS, dtype=torch.float64)
    X_before, t_before = X.clone(), t.clone()
    # From w = 0, b = 0 with lr = 1, visiting the rows in order, the rule makes
    # 2, 3, 3, 2 and 1 mistakes in epochs 0-4 and none in epoch 5, and ends at w = [2, 1],
    # b = −3. (Epoch 0: row 0 has w·x + b = 0, so y = 1 ≠ 0: b becomes −1; rows 1, 2 are right;
    # row 3 gives y = 0 ≠ 1: w = [1, 1], b = 0. Carry on by hand to check the rest.)
    result = a2.perceptron.train_perceptron(X, t)
    assert isinstance(result, tuple) and len(result) == 3, (
        "train_perceptron must return the tuple (w, b, errors)"
    )
    w, b, errors = result
    assert errors == [2, 3, 3, 2, 1, 0], (
        f"errors is {errors}, want [2, 3, 3, 2, 1, 0]: one entry per epoch, counting the "
        "examples misclassified while the epoch ran, and the last epoch (0 errors) included"
    )
    assert all(type(e) is int for e in errors), "errors must hold Python ints (use int(...))"
    assert w.tolist() == [2.0, 1.0] and b.shape == () and b.item() == -3.0, (
        f"got w = {w.tolist()}, b = {b!r}; want w = [2, 1] and a 0-d b = −3"
    )
    assert torch.equal(X, X_before) and torch.equal(t, t_before), "train changed X or t"
    y = a2.perceptron.perceptron_predict(X, w, b)
    assert y.tolist() == AND_TARGETS, "the trained perceptron must compute AND"


def test_train_perceptron_cannot_learn_xor(a2):
    X = torch.tensor(GATE_INPUTS, dtype=torch.float64)
    t = torch.tensor(XOR_TARGETS, dtype=torch.float64)
    # No line separates {(0,1), (1,0)} from {(0,0), (1,1)}: every epoch has a mistake, so the
    # loop runs for all max_epochs epochs.
    _, _, errors = a2.perceptron.train_perceptron(X, t, max_epochs=25)
    assert len(errors) == 25, (
        f"with max_epochs=25 on XOR, errors must have 25 entries (one per epoch), got "
        f"{len(errors)}"
    )
    assert min(errors) > 0, f"XOR is not linearly separable; an epoch without errors: {errors}"


@pytest.mark.parametrize("bad", ["targets ±1", "too few targets", "max_epochs 0", "lr 0"])
def test_train_perceptron_rejects_invalid_arguments(a2, bad):
    X = torch.tensor(GATE_INPUTS, dtype=torch.float64)
    t = torch.tensor(AND_TARGETS, dtype=torch.float64)
    arguments = {
        "targets ±1": ((X, 2 * t - 1), {}),  # the ±1 convention of some books: not this rule
        "too few targets": ((X, t[:3]), {}),
        "max_epochs 0": ((X, t), {"max_epochs": 0}),
        "lr 0": ((X, t), {"lr": 0.0}),
    }
    args, kwargs = arguments[bad]
    with pytest.raises(ValueError):
        a2.perceptron.train_perceptron(*args, **kwargs)
