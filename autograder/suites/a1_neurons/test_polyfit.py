"""Hidden tests of polyfit.py: design matrix, least-squares fit, prediction, degree selection."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.suites.a1_neurons import oracles
from autograder.suites.helpers import expect, expect_array_close

pytestmark = pytest.mark.polyfit

REVERSED_HINT = (
    " — your columns/coefficients run in DECREASING powers (np.vander's and np.polyval's "
    "default order); the contract uses increasing powers: Φ[n, j] = xₙʲ, w[0] is the bias"
)


def _close(actual, expected, rtol, atol) -> bool:
    actual = np.asarray(actual, dtype=np.float64)
    return actual.shape == expected.shape and np.allclose(actual, expected, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- design_matrix


# A degree is any integral number ≥ 0: a Python int or a numpy integer (np.arange(10) hands out
# np.int64).
M_KINDS = {"int": int, "np.int64": np.int64, "np.int32": np.int32}


@pytest.mark.parametrize("x_size", [9, 0], ids=["N=9", "empty x"])
@pytest.mark.parametrize("M_kind", M_KINDS)
@pytest.mark.parametrize("M", [1, 3, 9])
def test_design_matrix_has_increasing_powers(a1, rng, M, M_kind, x_size):
    x = np.concatenate([rng.uniform(-2.0, 2.0, size=6), [0.0, 1.0, -1.0]])[:x_size]
    phi = a1.polyfit.design_matrix(x, M_KINDS[M_kind](M))
    expected = oracles.vandermonde(x, M)
    expect(np.shape(phi) == (len(x), M + 1), "design_matrix(x, M) must have shape (N, M + 1)")
    if _close(phi, expected[:, ::-1], 1e-13, 0.0) and not _close(phi, expected, 1e-13, 0.0):
        expect(False, "design_matrix has the wrong column order" + REVERSED_HINT)
    expect_array_close(
        phi, expected, "design_matrix must hold Φ[n, j] = xₙʲ for j = 0..M", rtol=1e-13
    )


def test_design_matrix_first_column_is_all_ones(a1, rng):
    x = np.concatenate([[0.0, -0.0], rng.uniform(-3.0, 3.0, size=5)])
    phi = np.asarray(a1.polyfit.design_matrix(x, 4), dtype=np.float64)
    expect(phi.ndim == 2 and phi.shape[1] == 5, "design_matrix(x, M) must have M + 1 columns")
    expect(
        np.array_equal(phi[:, 0], np.ones(len(x))),
        "column 0 of the design matrix must be all ones (x⁰ = 1, also for x = 0)",
    )


def test_design_matrix_degree_zero_is_a_column_of_ones(a1, rng):
    x = rng.uniform(-1.0, 1.0, size=6)
    phi = a1.polyfit.design_matrix(x, 0)
    expect(np.shape(phi) == (6, 1), "design_matrix(x, 0) must have shape (N, 1)")
    expect(np.array_equal(phi, np.ones((6, 1))), "design_matrix(x, 0) must be all ones")


@pytest.mark.parametrize(
    ("x_shape", "M"),
    [((5,), -1), ((5,), -3), ((5,), 3.5), ((5,), 0.5), ((5, 1), 2), ((2, 3), 2), ((), 2),
     # every argument form, and the empty x, where a check made per input never runs
     ((5,), np.int64(-1)), ((5,), np.float64(3.5)), ((0,), -1), ((0,), 3.5),
     ((0,), np.int64(-2)), ((0, 2), 2), ((3, 0), 2), ((0, 0), 0)],
    ids=["M=-1", "M=-3", "M=3.5", "M=0.5", "x(5,1)", "x(2,3)", "x0d", "M=np.int64(-1)",
         "M=np.float64(3.5)", "M=-1,x(0,)", "M=3.5,x(0,)", "M=np.int64(-2),x(0,)", "x(0,2)",
         "x(3,0)", "x(0,0)"],
)
def test_design_matrix_rejects_bad_degree_or_non_1d_x(a1, x_shape, M):
    x = np.linspace(0.0, 1.0, int(np.prod(x_shape))).reshape(x_shape)
    with pytest.raises(ValueError):
        a1.polyfit.design_matrix(x, M)


# ---------------------------------------------------------------- fit_polynomial


@pytest.mark.parametrize("M", [0, 1, 2, 3, 5])
def test_fit_polynomial_matches_float64_lstsq(a1, rng, M):
    x = rng.uniform(-1.0, 1.0, size=30)
    t = 0.5 - x + 2.0 * x**3 + rng.normal(0.0, 0.2, size=30)
    w = a1.polyfit.fit_polynomial(x, t, M)
    expected = oracles.lstsq_fit(x, t, M)
    expect_array_close(
        w, expected,
        f"fit_polynomial(x, t, {M}) must return the least-squares weights (shape (M + 1,), "
        "w[0] the bias) that minimise E(w) = ½ Σ (y(xₙ, w) − tₙ)²",
        rtol=1e-8, atol=1e-10 * np.max(np.abs(expected)),
    )


def test_fit_polynomial_degree_nine_interpolates_the_lecture_data(a1, rng):
    x = np.linspace(0.0, 1.0, 10)
    for _ in range(4):
        t = oracles.sine_data(rng, x, noise=0.3)
        w = a1.polyfit.fit_polynomial(x, t, 9)
        expect(np.shape(w) == (10,), "fit_polynomial(x, t, 9) must return 10 weights")
        train_rms = oracles.rms(oracles.poly_values(x, w), t)
        expect(
            train_rms < 1e-8,
            "with M = 9 on the 10 lecture points the fit must interpolate (training RMS "
            "< 1e-8), and yours does not: forming (ΦᵀΦ)⁻¹ or solving the normal equations "
            "squares the condition number of Φ and destroys the digits; solve Φw ≈ t with "
            "np.linalg.lstsq (or QR / SVD) instead",
        )


@pytest.mark.parametrize(("N", "M"), [(4, 4), (4, 6), (4, 9), (1, 3)])
def test_fit_polynomial_underdetermined_gives_minimum_norm_solution(a1, rng, N, M):
    x = np.array([-0.9, -0.3, 0.35, 0.85])[:N] + rng.uniform(-0.05, 0.05, size=N)
    t = rng.normal(size=N)
    w = a1.polyfit.fit_polynomial(x, t, M)
    expect(np.shape(w) == (M + 1,), "fit_polynomial must return M + 1 weights even if N < M+1")
    w = np.asarray(w, dtype=np.float64)
    expected = oracles.pinv_fit(x, t, M)
    expect(
        np.max(np.abs(oracles.poly_values(x, w) - t)) < 1e-9 * (1 + np.max(np.abs(t))),
        "with fewer points than weights (N < M + 1) the least-squares fit must pass through "
        "every point",
    )
    expect(
        np.linalg.norm(w) <= np.linalg.norm(expected) * (1 + 1e-8),
        "with N < M + 1 many weight vectors interpolate; fit_polynomial must return the one "
        "of minimum norm (np.linalg.lstsq does; normal equations or a plain solve do not)",
    )
    expect_array_close(
        w, expected, "with N < M + 1, fit_polynomial must return the minimum-norm solution",
        rtol=1e-8, atol=1e-10 * np.max(np.abs(expected)),
    )


# ---------------------------------------------------------------- predict


@pytest.mark.parametrize("M", [0, 3, 7])
@pytest.mark.parametrize("shape", [(), (6,), (3, 4), (0,)], ids=str)
def test_predict_evaluates_increasing_powers_for_any_shape(a1, rng, shape, M):
    x = rng.uniform(-1.5, 1.5, size=shape)
    w = rng.normal(size=M + 1)
    y = a1.polyfit.predict(x, w)
    expect(np.shape(y) == x.shape, "predict(x, w) must return an array of x's shape")
    expected = oracles.poly_values(x, w)
    bound = 1e-12 * oracles.poly_scale(x, w)
    y = np.asarray(y, dtype=np.float64)
    if M > 0 and y.size and np.all(np.abs(y - oracles.poly_values(x, w[::-1])) <= bound) \
            and not np.all(np.abs(y - expected) <= bound):
        expect(False, "predict evaluates the wrong polynomial" + REVERSED_HINT)
    expect(
        np.all(np.abs(y - expected) <= bound),
        "predict(x, w) must be y(x, w) = Σⱼ wⱼ xʲ, element by element",
    )


# ---------------------------------------------------------------- select_degree


def _validation_rms_by_degree(x_train, t_train, x_val, t_val, degrees) -> dict:
    return {
        M: oracles.rms(oracles.poly_values(x_val, oracles.lstsq_fit(x_train, t_train, M)), t_val)
        for M in degrees
    }


def _best_by_wide_margin(scores: dict, margin: float = 1.05):
    ranked = sorted(scores, key=scores.get)
    return ranked[0] if scores[ranked[1]] >= margin * scores[ranked[0]] else None


@pytest.mark.parametrize(
    "degrees", [[9, 0, 3, 1, 5], [1, 9, 0, 3], np.array([1, 9, 0, 3])],
    ids=["list", "list4", "numpy array"],
)
def test_select_degree_picks_smallest_validation_rms(a1, rng, degrees):
    for _ in range(100):  # draw until one degree is best by a wide margin (robust to rounding)
        x_train, x_val = rng.uniform(0.0, 1.0, size=12), rng.uniform(0.0, 1.0, size=40)
        t_train = oracles.sine_data(rng, x_train)
        t_val = oracles.sine_data(rng, x_val)
        expected = _best_by_wide_margin(
            _validation_rms_by_degree(x_train, t_train, x_val, t_val, degrees)
        )
        if expected is not None:
            break
    chosen = a1.polyfit.select_degree(x_train, t_train, x_val, t_val, degrees)
    expect(expected is not None, "internal: no data set with a clear best degree was found")
    expect(
        chosen == expected,
        "select_degree must fit every degree on the TRAINING data only and return the degree "
        "with the smallest RMS error on the validation data (return the degree itself, not "
        "its position in the list)",
    )


def test_select_degree_scores_training_fits_on_validation_targets(a1, rng):
    degrees = [8, 0, 5, 2]
    x_train, x_val = rng.uniform(0.0, 1.0, size=12), rng.uniform(0.0, 1.0, size=30)
    t_train = oracles.sine_data(rng, x_train, noise=0.5)
    for target in degrees:
        # Validation targets on the curve that the training fit of degree `target` draws: that
        # degree, and only that one, has (near) zero validation error.
        t_val = oracles.poly_values(x_val, oracles.lstsq_fit(x_train, t_train, target))
        chosen = a1.polyfit.select_degree(x_train, t_train, x_val, t_val, degrees)
        others = _validation_rms_by_degree(
            x_train, t_train, x_val, t_val, [M for M in degrees if target != M]
        )
        expect(min(others.values()) > 1e-4, "internal: validation targets do not separate")
        expect(
            chosen == target,
            "select_degree must choose by the validation RMS of fits made on the training "
            "data only: with validation targets lying exactly on one degree's training fit, "
            "that degree must win",
        )


@pytest.mark.parametrize(("degrees", "expected"), [([6, 2, 4, 3, 9], 2), ([5, 1, 0], 0)])
def test_select_degree_ties_go_to_the_smallest_degree(a1, rng, degrees, expected):
    # All-zero training targets: every degree's least-squares fit is exactly w = 0, so every
    # degree has exactly the same validation RMS.
    x_train, x_val = rng.uniform(0.0, 1.0, size=12), rng.uniform(0.0, 1.0, size=20)
    t_train, t_val = np.zeros(12), oracles.sine_data(rng, x_val)
    chosen = a1.polyfit.select_degree(x_train, t_train, x_val, t_val, degrees)
    expect(
        chosen == expected,
        "when several degrees have exactly the same validation RMS, select_degree must "
        "return the smallest of them (the simplest model), whatever the order of `degrees`",
    )
