"""Public tests of descent.py: standardizing the inputs, the mean squared error of the linear
neuron, its gradient by hand (checked against autograd and against central differences), and
gradient descent on the house prices.

The oracles use torch's own statistics and autograd: the tests are allowed to, your descent.py
computes the gradient by hand.
"""

import importlib.util
import itertools
import re
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.descent

F64 = torch.float64
DATASETS = Path(__file__).resolve().parents[3] / "datasets"


def _house_prices():
    """The house-price table as float64 tensors: X (N, 4) and the prices in thousands of $."""
    spec = importlib.util.spec_from_file_location("course_datasets", DATASETS / "load.py")
    course_datasets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course_datasets)
    X, price, _ = course_datasets.load_house_prices()
    return torch.from_numpy(X), torch.from_numpy(price) / 1000


def test_standardize_gives_columns_of_mean_zero_and_std_one(a2, torch_gen):
    # Three columns on very different scales, like year built, square feet and a 0/1 flag.
    X = torch.randn(8, 3, generator=torch_gen, dtype=F64) * torch.tensor(
        [20.0, 700.0, 0.5], dtype=F64) + torch.tensor([1990.0, 2000.0, 0.5], dtype=F64)
    X_before = X.clone()
    Z, mean, std = a2.descent.standardize(X)

    assert torch.equal(X, X_before), "standardize must not change X: compute a new tensor"
    assert Z.shape == (8, 3) and mean.shape == (3,) and std.shape == (3,), (
        "X of shape (8, 3) gives Z of shape (8, 3) and one mean and one std per column, shape "
        f"(3,); got {tuple(Z.shape)}, {tuple(mean.shape)}, {tuple(std.shape)}"
    )
    torch.testing.assert_close(mean, X.mean(dim=0),
                               msg=lambda m: f"mean must be the mean of each column:\n{m}")
    torch.testing.assert_close(
        std, X.std(dim=0, correction=0),
        msg=lambda m: "std must be the population std of each column (divide by N, not N - 1: "
                      f"correction=0):\n{m}",
    )
    torch.testing.assert_close(Z.mean(dim=0), torch.zeros(3, dtype=F64), atol=1e-12, rtol=0,
                               msg=lambda m: f"every column of Z must have mean 0:\n{m}")
    torch.testing.assert_close(Z.std(dim=0, correction=0), torch.ones(3, dtype=F64),
                               msg=lambda m: f"every column of Z must have std 1:\n{m}")

    # New data (a test set) is standardized with the statistics of the training data.
    X_new = X[:2] + 1.0
    Z_new, mean_new, std_new = a2.descent.standardize(X_new, mean, std)
    torch.testing.assert_close(
        Z_new, (X_new - mean) / std,
        msg=lambda m: f"given mean and std, use them instead of X's own statistics:\n{m}",
    )
    torch.testing.assert_close(mean_new, mean, msg=lambda m: f"return the mean used:\n{m}")
    torch.testing.assert_close(std_new, std, msg=lambda m: f"return the std used:\n{m}")

    with pytest.raises(ValueError, match="1"):  # column 1 holds one value only
        a2.descent.standardize(torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]], dtype=F64))


def test_standardize_refuses_a_constant_column(a2):
    # The handout's example: torch.std of this float64 column is about 1e-17, not 0.
    X = torch.full((3, 1), 0.1, dtype=F64)
    try:
        a2.descent.standardize(X)
    except ValueError as error:
        message = str(error)
    else:
        pytest.fail("standardize of a column whose values are all equal (three float64 0.1s) "
                    "must raise ValueError; find it by comparing the values, e.g. "
                    "(X == X[0]).all(dim=0): its computed std is about 1e-17, not 0")
    assert re.search(r"(?<![\d.])0(?![\d.])", message), (
        f"the ValueError must name the constant column by its index, 0; it said: {message}")


def test_mse_loss_on_a_small_example(a2):
    X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=F64)
    t = torch.tensor([0.0, 1.0, 2.0], dtype=F64)
    w = torch.tensor([1.0, -1.0], dtype=F64)
    # y = X w + 0.5 = (-0.5, -0.5, -0.5); y - t = (-0.5, -1.5, -2.5); the squares sum to 8.75,
    # and E = 8.75 / (2 * 3).
    expected = torch.tensor(8.75 / 6, dtype=F64)

    E = a2.descent.mse_loss(X, t, w, 0.5)
    assert isinstance(E, torch.Tensor) and E.shape == (), "mse_loss must return a 0-d tensor"
    torch.testing.assert_close(E, expected, msg=lambda m: f"E = 1/(2N) Σ (w·x + b - t)²:\n{m}")
    E_tensor_bias = a2.descent.mse_loss(X, t, w, torch.tensor(0.5, dtype=F64))
    torch.testing.assert_close(E_tensor_bias, expected,
                               msg=lambda m: f"b may also be a 0-d tensor:\n{m}")

    with pytest.raises(ValueError):  # t as a column (N, 1) would broadcast to (N, N): refuse it
        a2.descent.mse_loss(X, t.reshape(3, 1), w, 0.5)
    with pytest.raises(ValueError):  # one weight per column of X
        a2.descent.mse_loss(X, t, torch.ones(3, dtype=F64), 0.5)


def test_mse_gradient_matches_autograd(a2, torch_gen):
    X = torch.randn(10, 3, generator=torch_gen, dtype=F64)
    t = torch.randn(10, generator=torch_gen, dtype=F64)
    w = torch.randn(3, generator=torch_gen, dtype=F64).requires_grad_(True)
    b = torch.tensor(0.3, dtype=F64, requires_grad=True)
    # autograd differentiates your mse_loss; mse_gradient must give the same by hand.
    _, (auto_w, auto_b) = a2.value_and_grad(a2.descent.mse_loss, X, t, w, b)

    grad_w, grad_b = a2.descent.mse_gradient(X, t, w.detach(), b.detach())
    assert grad_w.shape == (3,) and grad_b.shape == (), (
        f"the gradient has shapes (D,) and (): got {tuple(grad_w.shape)} and "
        f"{tuple(grad_b.shape)}"
    )
    torch.testing.assert_close(grad_w, auto_w,
                               msg=lambda m: f"∂E/∂w = 1/N Xᵀ(y - t) differs from autograd:\n{m}")
    torch.testing.assert_close(grad_b, auto_b,
                               msg=lambda m: f"∂E/∂b = 1/N Σ(y - t) differs from autograd:\n{m}")


def test_mse_gradient_matches_numerical_gradient(a2, torch_gen):
    # float64: central differences cancel most digits, float32 has too few to spare.
    X = torch.randn(12, 4, generator=torch_gen, dtype=F64)
    t = torch.randn(12, generator=torch_gen, dtype=F64)
    w = torch.randn(4, generator=torch_gen, dtype=F64)
    grad_w, grad_b = a2.descent.mse_gradient(X, t, w, -0.2)
    num_w, num_b = a2.descent.numerical_gradient(X, t, w, -0.2)
    assert num_w.shape == (4,) and num_b.shape == (), "the numerical gradient has shapes (D,), ()"
    torch.testing.assert_close(num_w, grad_w, rtol=1e-6, atol=1e-8,
                               msg=lambda m: f"numerical and analytic ∂E/∂w differ:\n{m}")
    torch.testing.assert_close(num_b, grad_b, rtol=1e-6, atol=1e-8,
                               msg=lambda m: f"numerical and analytic ∂E/∂b differ:\n{m}")
    with pytest.raises(ValueError):
        a2.descent.numerical_gradient(X, t, w, -0.2, eps=0.0)


def test_gradient_descent_first_step_by_hand(a2):
    X = torch.tensor([[1.0], [2.0]], dtype=F64)
    t = torch.tensor([2.0, 4.0], dtype=F64)
    # From w = 0, b = 0: y - t = (-2, -4), so ∂E/∂w = (1·(-2) + 2·(-4)) / 2 = -5 and
    # ∂E/∂b = (-2 - 4) / 2 = -3; one step of lr = 0.1 gives w = 0.5, b = 0.3.
    w, b, losses = a2.descent.gradient_descent(X, t, lr=0.1, steps=1)
    torch.testing.assert_close(w, torch.tensor([0.5], dtype=F64),
                               msg=lambda m: f"w after one step: w - lr ∂E/∂w from w0 = 0:\n{m}")
    torch.testing.assert_close(b, torch.tensor(0.3, dtype=F64),
                               msg=lambda m: f"b after one step (a 0-d tensor):\n{m}")
    assert isinstance(losses, list) and len(losses) == 2, (
        "losses must be a list of steps + 1 values: E before the first step, then after each"
    )
    assert all(isinstance(value, float) for value in losses), "losses must hold Python floats"
    assert losses[0] == pytest.approx(5.0), "losses[0] is E(0, 0) = (2² + 4²) / (2·2) = 5"
    assert losses[1] == pytest.approx(2.1825), "losses[1] is E after the step: y - t = (-1.2, -2.7)"

    with pytest.raises(ValueError):
        a2.descent.gradient_descent(X, t, lr=0.0)
    with pytest.raises(ValueError):
        a2.descent.gradient_descent(X, t, steps=-1)


def test_gradient_descent_lowers_the_loss_on_house_prices(a2):
    X, price = _house_prices()
    Z, _, _ = a2.descent.standardize(X)
    w, b, losses = a2.descent.gradient_descent(Z, price, lr=0.1, steps=100)

    assert len(losses) == 101, f"100 steps give 101 losses, got {len(losses)}"
    assert all(later <= earlier * (1 + 1e-12) for earlier, later in itertools.pairwise(losses)), (
        "with standardized inputs and lr = 0.1 the loss must fall at every step; does your "
        "step go against the gradient (w - lr ∂E/∂w)?"
    )
    assert losses[-1] < losses[0] / 100, (
        "after 100 steps the loss should be far below where it started (the bias alone "
        "should have found the mean price)"
    )
    torch.testing.assert_close(
        losses[-1], float(a2.descent.mse_loss(Z, price, w, b)), rtol=1e-9, atol=0,
        msg=lambda m: f"the last loss must be E of the returned w and b:\n{m}",
    )
