"""Hidden tests of regularization.py: L2 penalty, ridge fit against an exact rational oracle,
and choosing λ on validation data."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from autograder.suites.a1_neurons import oracles
from autograder.suites.helpers import expect, expect_array_close

pytestmark = pytest.mark.regularization

ACCURACY_HINT = (
    "forming ΦᵀΦ (the normal equations, or an inverse) loses half the digits; solve the "
    "augmented least-squares problem [Φ; √λ·I] w ≈ [t; 0] with np.linalg.lstsq (or use the "
    "SVD of Φ) instead"
)


def _inputs(rng, kind: str, N: int):
    if kind == "lecture":  # the lecture's evenly spaced points
        return np.linspace(0.0, 1.0, N)
    if kind == "upper":  # many points crowded into [0.5, 1]: ΦᵀΦ is very ill-conditioned
        return rng.uniform(0.5, 1.0, size=N)
    if kind == "top":  # ... and into [0.8, 1]: worse still
        return rng.uniform(0.8, 1.0, size=N)
    return rng.uniform(0.0, 1.0, size=N)


# λ is any real number ≥ 0: a Python float or int, or a numpy floating scalar.
NEGATIVE_LAMBDAS = [-1.0, -1e-9, -1, np.float64(-0.5), np.float32(-0.5)]

# ---------------------------------------------------------------- l2_penalty


@pytest.mark.parametrize("lam", [0.0, 0.3, 2.5, 0, 3, np.float64(0.3)], ids=repr)
def test_l2_penalty_is_half_lambda_times_squared_norm(a1, rng, lam):
    w = rng.normal(size=7)
    w[0] = 4.0
    result = a1.regularization.l2_penalty(w, lam)
    expect(np.ndim(result) == 0, "l2_penalty must return a single number")
    expect_array_close(
        result, 0.5 * lam * math.fsum(float(v) ** 2 for v in w),
        "l2_penalty(w, λ) must be (λ/2)·wᵀw, summing the squares of every weight w₀ included",
        rtol=1e-12,
    )


# w empty or all zero: the penalty is 0 whatever λ, so a λ check read off the result misses it.
PENALTY_WEIGHTS = {"w (3,)": np.ones(3), "w empty": np.zeros(0), "w zero": np.zeros(4)}


@pytest.mark.parametrize("w_kind", PENALTY_WEIGHTS)
@pytest.mark.parametrize("lam", NEGATIVE_LAMBDAS, ids=repr)
def test_l2_penalty_rejects_negative_lambda(a1, lam, w_kind):
    with pytest.raises(ValueError):
        a1.regularization.l2_penalty(PENALTY_WEIGHTS[w_kind].copy(), lam)


# ---------------------------------------------------------------- fit_ridge


@pytest.mark.parametrize(
    ("kind", "N", "M"),
    [("uniform", 20, 3), ("lecture", 10, 9), ("uniform", 4, 7)],
    ids=["well-conditioned", "lecture-M9", "underdetermined"],
)
def test_fit_ridge_with_lambda_zero_equals_fit_polynomial(a1, rng, kind, N, M):
    x = _inputs(rng, kind, N)
    t = oracles.sine_data(rng, x)
    w = a1.regularization.fit_ridge(x, t, M, 0.0)
    # What a correct fit_polynomial returns (numpy's lstsq), so that a bug in polyfit.py does
    # not cost points here.
    reference = oracles.lstsq_fit(x, t, M)
    expect_array_close(
        w, reference,
        "fit_ridge with λ = 0 must give fit_polynomial's answer (the minimum-norm "
        "least-squares weights, also when N < M + 1)",
        rtol=1e-6, atol=1e-9 * np.max(np.abs(reference)),
    )


EXACT_CASES = [
    ("lecture", 10, 9, -18.0),
    ("lecture", 10, 9, -12.0),
    ("lecture", 10, 9, -6.0),
    ("lecture", 10, 9, 0.0),
    ("uniform", 20, 3, -18.0),
    ("uniform", 20, 5, -9.0),
    ("uniform", 15, 1, -3.0),
    ("uniform", 8, 0, 0.0),
    ("uniform", 5, 9, -18.0),
    ("upper", 300, 9, -18.0),
    ("upper", 300, 9, -15.0),
    ("top", 300, 9, -18.0),
]


@pytest.mark.parametrize(
    ("kind", "N", "M", "log_lam"),
    EXACT_CASES,
    ids=[f"{kind}-N{N}-M{M}-ln{int(log_lam)}" for kind, N, M, log_lam in EXACT_CASES],
)
def test_fit_ridge_matches_exact_rational_minimiser(a1, rng, kind, N, M, log_lam):
    x = _inputs(rng, kind, N)
    t = oracles.sine_data(rng, x)
    lam = math.exp(log_lam)
    w = a1.regularization.fit_ridge(x, t, M, lam)
    expect(np.shape(w) == (M + 1,), "fit_ridge(x, t, M, λ) must return M + 1 weights")
    exact = oracles.exact_ridge(x, t, M, lam)
    expect_array_close(
        w, exact,
        f"fit_ridge is not accurate enough (M = {M}, ln λ = {log_lam:g}, N = {N}): it must "
        "minimise ½ Σ (y(xₙ, w) − tₙ)² + (λ/2)‖w‖² over all weights to a relative accuracy "
        "of 1e-6; " + ACCURACY_HINT,
        rtol=1e-6, atol=1e-9 * np.max(np.abs(exact)),
    )


@pytest.mark.parametrize("lam", [0.5, 4.0, 2, np.float64(0.5)], ids=repr)
def test_fit_ridge_penalises_the_bias_weight(a1, rng, lam):
    # Degree 0: Ẽ(w₀) = ½ Σ (w₀ − tₙ)² + (λ/2) w₀² is minimised by w₀ = Σ tₙ / (N + λ).
    x = rng.uniform(0.0, 1.0, size=9)
    t = 3.0 + rng.normal(size=9)
    w = a1.regularization.fit_ridge(x, t, 0, lam)
    message = (
        "fit_ridge must penalise EVERY weight, the bias w₀ included (as on the slide): the "
        "penalty is (λ/2)‖w‖² with ‖w‖² = w₀² + w₁² + … + w_M²"
    )
    expect_array_close(w, [math.fsum(t) / (9 + float(lam))], message, rtol=1e-6)
    # Degree 1 with a large offset, against the exact minimiser that penalises w₀ too.
    t = 10.0 + 2.0 * x + rng.normal(0.0, 0.1, size=9)
    w = a1.regularization.fit_ridge(x, t, np.int64(1), lam)  # a numpy integer degree too
    exact = oracles.exact_ridge(x, t, 1, lam)
    expect_array_close(w, exact, message, rtol=1e-6, atol=1e-9 * np.max(np.abs(exact)))


def test_fit_ridge_shrinks_the_weights_as_lambda_grows(a1, rng):
    x = rng.uniform(-1.0, 1.0, size=20)
    t = oracles.sine_data(rng, x)
    norms = [
        np.linalg.norm(np.asarray(a1.regularization.fit_ridge(x, t, 5, lam), dtype=np.float64))
        for lam in (0.0, 0.01, 1.0, 100.0)
    ]
    expect(
        all(a > b for a, b in itertools.pairwise(norms)),
        "a larger λ must give smaller weights: ‖w‖ must shrink as λ grows from 0 "
        "(check the sign of the penalty and that it is added to ΦᵀΦ's diagonal, not to Φᵀt)",
    )


@pytest.mark.parametrize("N", [5, 0], ids=["N=5", "empty x"])
@pytest.mark.parametrize("lam", NEGATIVE_LAMBDAS, ids=repr)
def test_fit_ridge_rejects_negative_lambda(a1, lam, N):
    x = np.linspace(0.0, 1.0, N)
    with pytest.raises(ValueError):
        a1.regularization.fit_ridge(x, np.sin(x), 2, lam)


# ---------------------------------------------------------------- select_lambda

# name: (M, candidate λs, how the data are drawn)
LAMBDA_SCENARIOS = {
    "sine-M9": (9, [1e-3, 0.0, 10.0, 1e-7]),
    "exact-cubic": (3, [10.0, 0.0, 1.0]),
    "pure-noise": (5, [1.0, 1e6, 0.0, 1e-2]),
}


def _lambda_data(rng, scenario):
    x_train, x_val = np.linspace(0.0, 1.0, 10), rng.uniform(0.0, 1.0, size=40)
    if scenario == "sine-M9":  # over-fitting M = 9: a moderate λ should win
        return x_train, oracles.sine_data(rng, x_train), x_val, oracles.sine_data(rng, x_val)
    if scenario == "exact-cubic":  # noise-free cubic, M = 3: λ = 0 recovers it exactly
        coefficients = rng.normal(size=4) + np.sign(rng.normal(size=4))

        def cubic(v):
            return oracles.poly_values(v, coefficients)

        return x_train, cubic(x_train), x_val, cubic(x_val)
    # Pure noise with zero validation targets: the strongest shrinkage should win.
    return x_train, rng.normal(size=10), x_val, np.zeros(40)


@pytest.mark.parametrize("scenario", list(LAMBDA_SCENARIOS))
def test_select_lambda_picks_smallest_validation_rms(a1, rng, scenario):
    M, lambdas = LAMBDA_SCENARIOS[scenario]
    for _ in range(100):  # draw until one λ is best by a wide margin (robust to rounding)
        x_train, t_train, x_val, t_val = _lambda_data(rng, scenario)
        scores = {
            lam: oracles.rms(
                oracles.poly_values(x_val, oracles.svd_ridge(x_train, t_train, M, lam)), t_val
            )
            for lam in lambdas
        }
        ranked = sorted(scores, key=scores.get)
        expected = ranked[0] if scores[ranked[1]] >= 1.05 * scores[ranked[0]] else None
        if expected is not None:
            break
    chosen = a1.regularization.select_lambda(x_train, t_train, x_val, t_val, M, lambdas)
    expect(expected is not None, "internal: no data set with a clear best λ was found")
    expect(
        chosen == expected,
        "select_lambda must fit fit_ridge on the TRAINING data for every λ and return the λ "
        "whose fit has the smallest RMS error on the VALIDATION data (return λ itself, not "
        "its position)",
    )


@pytest.mark.parametrize(
    ("lambdas", "expected"),
    [([0.1, 3.0, 0.0, 1.0], 3.0), ([0.0, 1e-4], 1e-4), (np.array([0.1, 3.0, 0.0, 1.0]), 3.0)],
    ids=["list", "two", "numpy array"],
)
def test_select_lambda_ties_go_to_the_largest_lambda(a1, rng, lambdas, expected):
    # All-zero training targets: every ridge fit is exactly w = 0, so every λ ties exactly.
    x_train, x_val = rng.uniform(0.0, 1.0, size=10), rng.uniform(0.0, 1.0, size=15)
    t_train, t_val = np.zeros(10), oracles.sine_data(rng, x_val)
    chosen = a1.regularization.select_lambda(x_train, t_train, x_val, t_val, 4, lambdas)
    expect(
        chosen == expected,
        "when several λ have exactly the same validation RMS, select_lambda must return the "
        "LARGEST of them (the simpler, more regularized model), whatever their order",
    )
