"""Public tests of loss.py: sum-of-squares, RMS and regularized error, for numpy arrays and for
torch tensors, and the shape mismatch that must never be broadcast away.
"""

import math

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.loss


def test_sum_of_squares_error_numpy(a1, rng):
    y, t = rng.normal(size=7), rng.normal(size=7)
    E = a1.loss.sum_of_squares_error(y, t)
    expected = 0.5 * math.fsum((yn - tn) ** 2 for yn, tn in zip(y, t, strict=True))
    assert isinstance(E, float | np.floating), f"numpy inputs must give a float, got {type(E)}"
    assert math.isclose(E, expected, rel_tol=1e-12), (
        f"E = {E}, want ½ Σ (y − t)² = {expected} (is the factor ½ there?)")

    E_empty = a1.loss.sum_of_squares_error(np.zeros(0), np.zeros(0))
    assert E_empty == 0, f"the error of no data is 0, got {E_empty}"


def test_sum_of_squares_error_torch_is_differentiable(a1, torch_gen):
    y = torch.randn(7, generator=torch_gen, dtype=torch.float64).requires_grad_(True)
    t = torch.randn(7, generator=torch_gen, dtype=torch.float64)
    E, (grad_y,) = a1.value_and_grad(a1.loss.sum_of_squares_error, y, t)
    assert E.shape == (), f"torch inputs must give a 0-d tensor, got shape {tuple(E.shape)}"
    with torch.no_grad():
        torch.testing.assert_close(E, 0.5 * ((y - t) ** 2).sum(), msg=lambda m: f"E:\n{m}")
        torch.testing.assert_close(grad_y, y - t, msg=lambda m: f"dE/dy must be y − t:\n{m}")


@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("function", ["sum_of_squares_error", "rms_error"])
def test_losses_reject_column_against_flat_vector(a1, kind, function):
    # y - t with y of shape (N, 1) and t of shape (N,) broadcasts to (N, N): a silent, classic
    # bug. The loss functions must refuse such inputs.
    y, t = np.zeros((4, 1)), np.zeros(4)
    if kind == "torch":
        y, t = torch.from_numpy(y), torch.from_numpy(t)
    with pytest.raises(ValueError):
        getattr(a1.loss, function)(y, t)
    with pytest.raises(ValueError):
        getattr(a1.loss, function)(t, y)


def test_rms_error_value(a1, rng):
    y, t = rng.normal(size=9), rng.normal(size=9)
    expected = math.sqrt(math.fsum((yn - tn) ** 2 for yn, tn in zip(y, t, strict=True)) / 9)

    e_numpy = a1.loss.rms_error(y, t)
    assert math.isclose(e_numpy, expected, rel_tol=1e-12), (
        f"E_RMS = {e_numpy}, want sqrt(2E / N) = {expected}"
    )
    e_torch = a1.loss.rms_error(torch.from_numpy(y), torch.from_numpy(t))
    assert isinstance(e_torch, torch.Tensor) and e_torch.shape == (), (
        f"torch inputs must give a 0-d tensor, got {e_torch!r}"
    )
    assert math.isclose(float(e_torch), expected, rel_tol=1e-12), (
        f"E_RMS = {float(e_torch)} for torch tensors, want {expected}"
    )

    with pytest.raises(ValueError):  # the mean of nothing is undefined
        a1.loss.rms_error(np.zeros(0), np.zeros(0))


def test_regularized_error_includes_the_bias_weight(a1, torch_gen):
    y = torch.randn(6, generator=torch_gen, dtype=torch.float64)
    t = torch.randn(6, generator=torch_gen, dtype=torch.float64)
    w = torch.tensor([3.0, -1.0, 0.5], dtype=torch.float64, requires_grad=True)  # w[0] = w₀
    lam = 0.1
    E_tilde, (grad_w,) = a1.value_and_grad(a1.loss.regularized_error, y, t, w, lam)
    with torch.no_grad():
        # ½ Σ (y − t)² + (λ/2) ‖w‖², with w₀ in ‖w‖² as on the slide.
        expected = 0.5 * ((y - t) ** 2).sum() + lam / 2 * (w**2).sum()
        torch.testing.assert_close(E_tilde, expected, msg=lambda m: f"Ẽ (is w₀ included?):\n{m}")
        torch.testing.assert_close(grad_w, lam * w, msg=lambda m: f"dẼ/dw must be λw:\n{m}")

    E_numpy = a1.loss.regularized_error(y.numpy(), t.numpy(), w.detach().numpy(), lam)
    assert math.isclose(E_numpy, float(expected), rel_tol=1e-12), (
        f"Ẽ = {E_numpy} for numpy arrays, want {float(expected)}"
    )

    with pytest.raises(ValueError):
        a1.loss.regularized_error(y, t, w, -1.0)
