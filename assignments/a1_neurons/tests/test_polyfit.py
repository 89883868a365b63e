"""Public tests of polyfit.py: the design matrix, the least-squares fit (against numpy's lstsq),
the lecture's M = 9 interpolation, prediction, and choosing M on validation data.
"""

import numpy as np
import pytest

pytestmark = pytest.mark.polyfit


def powers(x, M):
    """The oracle design matrix, column j = x**j, built column by column."""
    return np.column_stack([np.asarray(x, dtype=np.float64) ** j for j in range(M + 1)])


def sine_data(rng, n):
    """The lecture's data: n evenly spaced x in [0, 1], t = sin(2πx) + N(0, 0.3²) noise."""
    x = np.linspace(0.0, 1.0, n)
    return x, np.sin(2 * np.pi * x) + rng.normal(0.0, 0.3, size=n)


def test_design_matrix_columns_are_increasing_powers(a1):
    x = np.array([0.0, 0.5, 2.0, -1.0])
    phi = a1.polyfit.design_matrix(x, 3)
    assert phi.shape == (4, 4), f"N = 4 points and M = 3 give shape (4, 4), got {phi.shape}"
    # Column 0 is all ones (the bias w₀); np.vander's default order is the reverse.
    np.testing.assert_allclose(phi, powers(x, 3), rtol=1e-15,
                               err_msg="Φ[n, j] must be x_n ** j, column 0 all ones")
    phi0 = a1.polyfit.design_matrix(x, 0)
    np.testing.assert_allclose(phi0, np.ones((4, 1)), err_msg="M = 0: one column of ones")


@pytest.mark.parametrize(
    "x, M",
    [
        pytest.param(np.linspace(0, 1, 5), -1, id="negative-M"),
        pytest.param(np.linspace(0, 1, 5), 3.5, id="non-integral-M"),
        pytest.param(np.ones((5, 1)), 3, id="x-not-1d"),
    ],
)
def test_design_matrix_rejects_bad_arguments(a1, x, M):
    with pytest.raises(ValueError):
        a1.polyfit.design_matrix(x, M)


@pytest.mark.parametrize(
    "n, M", [pytest.param(15, 3, id="N15-M3"), pytest.param(5, 9, id="N5-M9-underdetermined")]
)
def test_fit_polynomial_matches_lstsq(a1, rng, n, M):
    x, t = sine_data(rng, n)
    w = a1.polyfit.fit_polynomial(x, t, M)
    # For N < M + 1 lstsq gives the minimum-norm solution, which the contract asks for too.
    expected, *_ = np.linalg.lstsq(powers(x, M), t, rcond=None)
    assert np.shape(w) == (M + 1,), f"M = {M} needs {M + 1} weights, got shape {np.shape(w)}"
    np.testing.assert_allclose(w, expected, rtol=1e-6, atol=1e-9 * np.abs(expected).max(),
                               err_msg=f"least-squares weights for N = {n}, M = {M}")


def test_fit_polynomial_interpolates_ten_points_with_degree_nine(a1, rng):
    # M = 9 on N = 10 points: the polynomial passes through every point (the lecture's
    # over-fitted curve). Solving through (ΦᵀΦ)⁻¹ loses so many digits that it does not.
    x, t = sine_data(rng, 10)
    w = a1.polyfit.fit_polynomial(x, t, 9)
    train_rms = np.sqrt(np.mean((np.polynomial.polynomial.polyval(x, w) - t) ** 2))
    assert train_rms < 1e-8, (
        f"the M = 9 fit should interpolate the 10 points, but its training RMS is {train_rms:.3g}: "
        "use an orthogonal least-squares solver (np.linalg.lstsq), not the normal equations"
    )


def test_predict_keeps_the_shape_of_x(a1):
    w = np.array([1.0, -2.0, 0.5])  # y = 1 − 2x + 0.5x²
    for x in [np.array([[0.0, 1.0, 2.0], [-1.0, 0.5, 3.0]]), np.array(2.0)]:
        y = a1.polyfit.predict(x, w)
        assert np.shape(y) == x.shape, f"x of shape {x.shape} gave shape {np.shape(y)}"
        np.testing.assert_allclose(y, 1 - 2 * x + 0.5 * x**2, rtol=1e-14,
                                   err_msg="y(x, w) = Σ_j w_j x^j")


def test_select_degree_picks_the_smallest_validation_error(a1):
    # Noise-free cubic: M = 3 fits it exactly, M = 0 and M = 1 cannot.
    def cubic(x):
        return 0.5 - 2.0 * x + 3.0 * x**3

    x_train, x_val = np.linspace(0, 1, 12), np.linspace(0.05, 0.95, 7)
    chosen = a1.polyfit.select_degree(x_train, cubic(x_train), x_val, cubic(x_val), [1, 3, 0])
    assert chosen == 3, f"expected M = 3 (a cubic fits exactly), got {chosen!r}"
