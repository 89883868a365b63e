"""Public tests of regularization.py: the L2 penalty, the ridge fit (λ = 0 and a small,
well-conditioned problem) and choosing λ on validation data.
"""

import math

import numpy as np
import pytest

pytestmark = pytest.mark.regularization


def powers(x, M):
    """The oracle design matrix, column j = x**j."""
    return np.column_stack([np.asarray(x, dtype=np.float64) ** j for j in range(M + 1)])


def sine_data(rng, n):
    x = np.linspace(0.0, 1.0, n)
    return x, np.sin(2 * np.pi * x) + rng.normal(0.0, 0.3, size=n)


def test_l2_penalty_value(a1):
    w = np.array([3.0, -1.0, 2.0])  # w₀ = 3 counts too
    penalty = a1.regularization.l2_penalty(w, 0.5)
    expected = 0.5 / 2 * (9.0 + 1.0 + 4.0)
    assert math.isclose(penalty, expected, rel_tol=1e-12), (
        f"(λ/2) wᵀw with λ = 0.5, w = {w.tolist()}: got {penalty}, want {expected}"
    )


def test_negative_lambda_is_rejected(a1):
    with pytest.raises(ValueError):
        a1.regularization.l2_penalty(np.ones(3), -0.1)
    with pytest.raises(ValueError):
        a1.regularization.fit_ridge(np.linspace(0, 1, 5), np.zeros(5), 2, -0.1)


@pytest.mark.parametrize("M", [3, 9])
def test_fit_ridge_with_zero_lambda_is_least_squares(a1, rng, M):
    x, t = sine_data(rng, 15)
    w = a1.regularization.fit_ridge(x, t, M, 0.0)
    # λ = 0 leaves plain least squares: fit_polynomial's answer.
    expected, *_ = np.linalg.lstsq(powers(x, M), t, rcond=None)
    assert np.shape(w) == (M + 1,), f"M = {M} needs {M + 1} weights, got shape {np.shape(w)}"
    np.testing.assert_allclose(w, expected, rtol=1e-6, atol=1e-9 * np.abs(expected).max(),
                               err_msg=f"fit_ridge with λ = 0, M = {M}")


@pytest.mark.parametrize("ln_lam", [-8.0, -3.0, 0.0])
def test_fit_ridge_matches_normal_equations_for_a_cubic(a1, rng, ln_lam):
    x, t = sine_data(rng, 15)
    lam = math.exp(ln_lam)
    w = a1.regularization.fit_ridge(x, t, 3, lam)
    # Oracle: (ΦᵀΦ + λI) w = Φᵀt. Fine for M = 3, where Φ is well conditioned; at M = 9 squaring
    # Φ loses too many digits, which is why your fit_ridge should not do this.
    phi = powers(x, 3)
    expected = np.linalg.solve(phi.T @ phi + lam * np.eye(4), phi.T @ t)
    np.testing.assert_allclose(w, expected, rtol=1e-6, atol=1e-9 * np.abs(expected).max(),
                               err_msg=f"ridge weights for M = 3, ln λ = {ln_lam} (is w₀ "
                               "regularized too?)")


def test_select_lambda_picks_the_smallest_validation_error(a1, rng):
    x_train, x_val = np.linspace(0, 1, 10), np.linspace(0.05, 0.95, 10)

    # Training targets are pure noise, validation targets are 0: the strongest λ (the flattest
    # curve) wins by far; M = 9 with λ = 0 chases the noise.
    noise = rng.normal(0.0, 0.3, size=10)
    chosen = a1.regularization.select_lambda(x_train, noise, x_val, np.zeros(10), 9,
                                             [1e-6, 1000.0, 0.0])
    assert chosen == 1000.0, f"noise to fit, zeros to predict: expected λ = 1000.0, got {chosen!r}"

    # A noise-free cubic: no regularization (λ = 0) fits it exactly.
    def cubic(x):
        return 0.5 - 2.0 * x + 3.0 * x**3

    chosen = a1.regularization.select_lambda(x_train, cubic(x_train), x_val, cubic(x_val), 3,
                                             [1.0, 0.0, 0.1])
    assert chosen == 0.0, f"an exact cubic with M = 3: expected λ = 0.0, got {chosen!r}"
