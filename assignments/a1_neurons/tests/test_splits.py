"""Public tests of splits.py: a valid, reproducible train/validation/test split and the honest
protocol (select on validation, evaluate once on test).
"""

import numpy as np
import pytest

pytestmark = pytest.mark.splits


def check_valid_split(train_idx, val_idx, test_idx, n):
    """Assert that the three index arrays hold every index 0..n−1 exactly once."""
    for name, idx in [("train_idx", train_idx), ("val_idx", val_idx), ("test_idx", test_idx)]:
        idx = np.asarray(idx)
        assert idx.ndim == 1 and np.issubdtype(idx.dtype, np.integer), (
            f"{name} must be a 1-D integer array, got dtype {idx.dtype} and shape {idx.shape}"
        )
    everything = np.sort(np.concatenate([train_idx, val_idx, test_idx]))
    assert np.array_equal(everything, np.arange(n)), (
        f"the three index arrays must hold every index 0..{n - 1} exactly once "
        f"(disjoint and complete); together they hold {everything.tolist()}"
    )
    assert len(train_idx) > 0, "the training split must not be empty"


@pytest.mark.parametrize(
    "n, val_frac, test_frac", [(10, 0.2, 0.2), (50, 0.2, 0.2), (101, 0.1, 0.3)]
)
def test_split_is_disjoint_and_complete(a1, n, val_frac, test_frac):
    train_idx, val_idx, test_idx = a1.splits.train_val_test_split(
        n, val_frac=val_frac, test_frac=test_frac, seed=0
    )
    check_valid_split(train_idx, val_idx, test_idx, n)
    for name, idx, frac in [("val_idx", val_idx, val_frac), ("test_idx", test_idx, test_frac)]:
        assert abs(len(idx) - frac * n) < 1, (
            f"n = {n}, fraction {frac}: {name} should hold about {frac * n} indices, "
            f"got {len(idx)}"
        )


def test_split_is_reproducible_and_leaves_global_random_state_alone(a1):
    state_before = np.random.get_state()
    first = a1.splits.train_val_test_split(50, seed=1)
    again = a1.splits.train_val_test_split(50, seed=1)
    other = a1.splits.train_val_test_split(50, seed=2)
    state_after = np.random.get_state()

    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True)), (
        "the same seed must give the same split"
    )
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True)), (
        "seeds 1 and 2 gave the same split: shuffle with np.random.default_rng(seed)"
    )
    unchanged = all(np.array_equal(a, b) for a, b in zip(state_before, state_after, strict=True))
    assert unchanged, (
        "the global np.random state changed: use a local generator, np.random.default_rng(seed)"
    )


@pytest.mark.parametrize(
    "n, kwargs",
    [
        pytest.param(10, {"val_frac": 1.0}, id="val_frac-1"),
        pytest.param(10, {"test_frac": -0.1}, id="test_frac-negative"),
        pytest.param(10, {"val_frac": 0.5, "test_frac": 0.5}, id="fractions-sum-to-1"),
        pytest.param(0, {}, id="n-0"),
    ],
)
def test_split_rejects_bad_arguments(a1, n, kwargs):
    with pytest.raises(ValueError):
        a1.splits.train_val_test_split(n, **kwargs)


def test_select_and_evaluate_reports_an_honest_evaluation(a1, rng):
    x = np.linspace(0.0, 1.0, 40)
    t = np.sin(2 * np.pi * x) + rng.normal(0.0, 0.3, size=40)
    degrees, lambdas = [0, 1, 3], [0.0, 1e-3, 1e-1]

    result = a1.splits.select_and_evaluate(x, t, degrees, lambdas, seed=3)
    assert isinstance(result, a1.splits.Evaluation), (
        f"return an Evaluation (the named tuple in splits.py), got {type(result)}"
    )
    assert result.M in degrees and result.lam in lambdas, (
        f"(M, λ) = ({result.M!r}, {result.lam!r}) is not one of the candidates"
    )
    check_valid_split(result.train_idx, result.val_idx, result.test_idx, len(x))
    split = a1.splits.train_val_test_split(len(x), seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(result[5:], split, strict=True)), (
        "select_and_evaluate must split with train_val_test_split(len(x), seed=seed)"
    )

    def rms(w, idx):  # the oracle: evaluate the polynomial with numpy
        return np.sqrt(np.mean((np.polynomial.polynomial.polyval(x[idx], w) - t[idx]) ** 2))

    def ridge(M, lam, idx):  # the oracle ridge fit, (ΦᵀΦ + λI) w = Φᵀt: fine for M ≤ 3
        phi = x[idx, None] ** np.arange(M + 1)
        return np.linalg.solve(phi.T @ phi + lam * np.eye(M + 1), phi.T @ t[idx])

    w = np.asarray(result.w)
    np.testing.assert_allclose(w, ridge(result.M, result.lam, result.train_idx), rtol=1e-6,
                               atol=1e-9, err_msg="w must be the training-split ridge fit of "
                               "the chosen (M, λ)")
    np.testing.assert_allclose(result.val_rms, rms(w, result.val_idx), rtol=1e-9,
                               err_msg="val_rms must be the RMS error of w on the validation split")
    np.testing.assert_allclose(result.test_rms, rms(w, result.test_idx), rtol=1e-9,
                               err_msg="test_rms must be the RMS error of w on the test split")
    best_val_rms = min(rms(ridge(M, lam, result.train_idx), result.val_idx)
                       for M in degrees for lam in lambdas)
    assert result.val_rms <= best_val_rms * (1 + 1e-9), (
        f"the chosen (M, λ) = ({result.M}, {result.lam}) has validation RMS {result.val_rms}, "
        f"but the best candidate reaches {best_val_rms}"
    )
