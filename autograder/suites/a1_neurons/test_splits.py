"""Hidden tests of splits.py: the seeded train/validation/test split and the honest evaluation
protocol, including the test-set leakage checks."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.suites.a1_neurons import oracles, strategies
from autograder.suites.helpers import expect, expect_array_close, fail

pytestmark = pytest.mark.splits

EVALUATION_FIELDS = ("M", "lam", "w", "val_rms", "test_rms", "train_idx", "val_idx", "test_idx")
DEGREES = [9, 0, 3, 1]
LAMBDAS = [1e-3, 0.0, 10.0]
LEAKAGE_MESSAGE = (
    "TEST-SET LEAKAGE: select_and_evaluate returned a different {field} when only the {what} "
    "of the TEST split were replaced by other values, so your model selection or training "
    "looked at the test split. Fit on the training split, choose (M, λ) by the validation "
    "RMS, and touch the test split only once, at the very end, to compute test_rms"
)


def _split_problem(n, val_frac, test_frac, parts) -> str | None:
    """What is wrong with ``parts`` as a split of range(n), or None."""
    if not (isinstance(parts, tuple | list) and len(parts) == 3):
        return "train_val_test_split must return a tuple (train_idx, val_idx, test_idx)"
    for name, part in zip(("train_idx", "val_idx", "test_idx"), parts, strict=True):
        if not (isinstance(part, np.ndarray) and part.ndim == 1
                and np.issubdtype(part.dtype, np.integer)):
            return (f"{name} must be a 1-D numpy array of an integer dtype (also when it is "
                    "empty: np.array([]) is float64)")
    train, val, test = parts
    if not np.array_equal(np.sort(np.concatenate(parts)), np.arange(n)):
        return ("the three index arrays must be pairwise disjoint and together hold every "
                "index 0..n−1 exactly once")
    for name, part, frac in (("test_idx", test, test_frac), ("val_idx", val, val_frac)):
        if not abs(len(part) - Fraction(frac) * n) < 1:
            return (f"len({name}) must be within 1 of its fraction times n (|len − frac·n| < 1): "
                    "round the product, and round down where rounding up would leave the "
                    "training set empty")
    if len(train) == 0:
        return "the training split must never be empty"
    return None


def _split_sets(parts):
    return tuple(frozenset(np.asarray(p).tolist()) for p in parts)


# ---------------------------------------------------------------- train_val_test_split


@settings(max_examples=40)
@given(args=strategies.split_arguments(), split_seed=st.integers(0, 2**32 - 1))
@example(args=(1, 0.0, 0.0), split_seed=0)
@example(args=(1, 0.5, 0.49), split_seed=1)
@example(args=(2, 0.49, 0.5), split_seed=2)
@example(args=(3, 0.5, 0.49), split_seed=3)
@example(args=(3, 1 / 3, 1 / 3), split_seed=4)
@example(args=(2, 0.0, 0.99), split_seed=5)
@example(args=(10, 0.3, 0.6), split_seed=6)
@example(args=(7, 0.5, 0.499999), split_seed=7)
def test_train_val_test_split_is_a_partition_with_the_right_sizes(a1, args, split_seed):
    n, val_frac, test_frac = args
    parts = a1.splits.train_val_test_split(
        n, val_frac=val_frac, test_frac=test_frac, seed=split_seed
    )
    problem = _split_problem(n, val_frac, test_frac, parts)
    if problem:
        fail(f"train_val_test_split({n}, val_frac={val_frac!r}, test_frac={test_frac!r}): "
             + problem)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 37, 100])
def test_train_val_test_split_default_fractions_are_one_fifth(a1, n):
    parts = a1.splits.train_val_test_split(n)
    problem = _split_problem(n, 0.2, 0.2, parts)
    if problem:
        fail(f"train_val_test_split({n}) with its defaults val_frac = test_frac = 0.2: "
             + problem)
    expect(
        _split_sets(parts) == _split_sets(a1.splits.train_val_test_split(n, seed=0)),
        "the default seed of train_val_test_split must be 0",
    )


@pytest.mark.parametrize("n", [20, 57])
@pytest.mark.parametrize("split_seed", [0, 11, 2**31 - 1])
def test_train_val_test_split_same_seed_gives_same_split(a1, n, split_seed):
    first = a1.splits.train_val_test_split(n, seed=split_seed)
    second = a1.splits.train_val_test_split(n, seed=split_seed)
    expect(
        all(np.array_equal(a, b) for a, b in zip(first, second, strict=True)),
        "the same seed must give the same split: draw the permutation from a local "
        "np.random.default_rng(seed)",
    )


@pytest.mark.parametrize("n", [20, 50])
def test_train_val_test_split_different_seeds_give_different_splits(a1, n):
    splits = {seed: _split_sets(a1.splits.train_val_test_split(n, seed=seed))
              for seed in (0, 1, 2, 12345)}
    expect(
        len({(s[1], s[2]) for s in splits.values()}) == len(splits),
        "different seeds must give different splits (which indices go to validation and "
        "test): seed a local np.random.default_rng(seed) and permute with it",
    )


def test_train_val_test_split_leaves_the_global_numpy_random_state_alone(a1):
    saved = np.random.get_state()
    try:
        first = a1.splits.train_val_test_split(30, seed=3)
        after = np.random.get_state()
        untouched = saved[0] == after[0] and np.array_equal(saved[1], after[1]) \
            and saved[2:] == after[2:]
        expect(
            untouched,
            "train_val_test_split changed the global np.random state: use a local generator, "
            "np.random.default_rng(seed), never np.random.seed / np.random.permutation",
        )
        np.random.seed(1)
        with_one = a1.splits.train_val_test_split(30, seed=3)
        np.random.seed(2)
        with_two = a1.splits.train_val_test_split(30, seed=3)
        expect(
            all(np.array_equal(a, b) for a, b in zip(first, with_one, strict=True))
            and all(np.array_equal(a, b) for a, b in zip(first, with_two, strict=True)),
            "the split depends on the global np.random state: it must depend on `seed` only "
            "(use a local np.random.default_rng(seed))",
        )
    finally:
        np.random.set_state(saved)


@pytest.mark.parametrize(
    ("n", "val_frac", "test_frac"),
    [(10, -0.1, 0.2), (10, 0.2, -0.01), (10, 1.0, 0.0), (10, 0.0, 1.0), (10, 1.5, 0.2),
     (10, 0.2, 2.0), (10, 0.5, 0.5), (10, 0.7, 0.6), (10, 0.25, 0.75), (0, 0.2, 0.2),
     # every argument form: Python ints, numpy floats; and n = 0 with fractions that fit
     (10, 1, 0), (10, 0, 1), (10, np.float64(0.6), np.float64(0.4)),
     (10, np.float64(-0.1), 0.2), (0, 0.0, 0.0), (0, 0, 0)],
)
def test_train_val_test_split_rejects_invalid_arguments(a1, n, val_frac, test_frac):
    with pytest.raises(ValueError):
        a1.splits.train_val_test_split(n, val_frac=val_frac, test_frac=test_frac, seed=0)


def test_train_val_test_split_rejects_zero_examples_with_defaults(a1):
    with pytest.raises(ValueError):
        a1.splits.train_val_test_split(0)


# ---------------------------------------------------------------- select_and_evaluate


def _fit(x, t, idx, M, lam):
    return oracles.svd_ridge(x[idx], t[idx], M, lam)


def _validation_scores(x, t, train, val):
    return {
        (M, lam): oracles.rms(oracles.poly_values(x[val], _fit(x, t, train, M, lam)), t[val])
        for M in DEGREES for lam in LAMBDAS
    }


def _protocol_data(a1, rng, seed=0, n=30):
    """Sine data whose best (M, λ) on the seeded split wins by a wide margin, that pair, and
    the split (computed with the implementation's own train_val_test_split)."""
    for _ in range(100):
        x = np.sort(rng.uniform(0.0, 1.0, size=n))
        t = oracles.sine_data(rng, x, noise=0.2)
        train, val, test = (np.asarray(p) for p in a1.splits.train_val_test_split(n, seed=seed))
        scores = _validation_scores(x, t, train, val)
        ranked = sorted(scores, key=scores.get)
        if scores[ranked[1]] >= 1.05 * scores[ranked[0]]:
            return x, t, ranked[0], (train, val, test)
    return x, t, None, (train, val, test)


def _evaluate(a1, x, t, seed, degrees=DEGREES, lambdas=LAMBDAS):
    if seed is None:
        return a1.splits.select_and_evaluate(x, t, degrees, lambdas)
    return a1.splits.select_and_evaluate(x, t, degrees, lambdas, seed=seed)


@pytest.mark.parametrize("split_seed", [None, 4], ids=["default-seed", "seed-4"])
def test_select_and_evaluate_returns_an_evaluation_on_the_seeded_split(a1, rng, split_seed):
    x = np.sort(rng.uniform(0.0, 1.0, size=30))
    t = oracles.sine_data(rng, x)
    result = _evaluate(a1, x, t, split_seed)
    expect(
        tuple(getattr(result, "_fields", ())) == EVALUATION_FIELDS,
        "select_and_evaluate must return the Evaluation named tuple given in splits.py",
    )
    parts = (result.train_idx, result.val_idx, result.test_idx)
    problem = _split_problem(len(x), 0.2, 0.2, parts)
    if problem:
        fail("the index arrays of the Evaluation are not a valid split: " + problem)
    expected = a1.splits.train_val_test_split(
        len(x), seed=0 if split_seed is None else split_seed
    )
    expect(
        _split_sets(parts) == _split_sets(expected),
        "select_and_evaluate must split with train_val_test_split(len(x), seed=seed) "
        "(default fractions, the seed it was given) and report those index arrays",
    )
    expect(result.M in DEGREES and result.lam in LAMBDAS,
           "the chosen M and λ must come from the candidate lists")


@pytest.mark.parametrize("split_seed", [None, 7], ids=["default-seed", "seed-7"])
def test_select_and_evaluate_picks_the_pair_with_smallest_validation_rms(a1, rng, split_seed):
    x, t, expected, _ = _protocol_data(a1, rng, seed=0 if split_seed is None else split_seed)
    result = _evaluate(a1, x, t, split_seed)
    expect(expected is not None, "internal: no data set with a clear best (M, λ) was found")
    expect(
        (result.M, result.lam) == expected,
        "select_and_evaluate must fit every (M, λ) with fit_ridge on the TRAINING split and "
        "choose the pair with the smallest RMS error on the VALIDATION split",
    )


def test_select_and_evaluate_final_weights_are_the_training_split_fit(a1, rng):
    x, t, _, _ = _protocol_data(a1, rng)
    result = _evaluate(a1, x, t, None)
    train = np.asarray(result.train_idx)
    expected = _fit(x, t, train, result.M, result.lam)
    expect_array_close(
        result.w, expected,
        "the returned w must be the chosen (M, λ)'s fit on the TRAINING split only, exactly "
        "as scored during selection — do not refit on training + validation (that is a "
        "different protocol from the one specified)",
        rtol=1e-6, atol=1e-9 * np.max(np.abs(expected)),
    )


def test_select_and_evaluate_reports_the_rms_of_its_weights(a1, rng):
    x, t, _, _ = _protocol_data(a1, rng, seed=2)
    result = _evaluate(a1, x, t, 2)
    w = np.asarray(result.w, dtype=np.float64)
    val, test = np.asarray(result.val_idx), np.asarray(result.test_idx)
    expect_array_close(
        result.val_rms, oracles.rms(oracles.poly_values(x[val], w), t[val]),
        "val_rms must be the RMS error of the returned w on the returned validation split",
        rtol=1e-9,
    )
    expect_array_close(
        result.test_rms, oracles.rms(oracles.poly_values(x[test], w), t[test]),
        "test_rms must be the RMS error of the returned w on the returned test split",
        rtol=1e-9,
    )


def test_select_and_evaluate_ties_prefer_smaller_degree_then_larger_lambda(a1, rng):
    # All-zero training targets: every (M, λ) fit is exactly w = 0, so every pair ties exactly.
    n, seed = 30, 5
    train, _, _ = a1.splits.train_val_test_split(n, seed=seed)
    x = np.sort(rng.uniform(0.0, 1.0, size=n))
    t = oracles.sine_data(rng, x)
    t[np.asarray(train)] = 0.0
    result = _evaluate(a1, x, t, seed, degrees=[5, 2, 7], lambdas=[0.1, 0.0, 2.0])
    expect(
        (result.M, result.lam) == (2, 2.0),
        "when several (M, λ) pairs have exactly the same validation RMS, select_and_evaluate "
        "must prefer the smaller M, then the larger λ (the simplest model)",
    )


# The joint search over (M, λ): a grid whose best pair a coordinate search (M at one λ, then λ
# for that M; or λ at one M, then M) misses from every start it could take.
GRID_DEGREES = tuple(range(10))
GRID_LAMBDAS = (0.0, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)  # ln λ ≥ −18, as graded


def _coordinate_searches(V, degrees, lambdas) -> set:
    """The pairs a coordinate search picks on the table ``V`` (ties as the contract breaks
    them): M at the first, the smallest or the largest λ, then λ for that M; λ at the first,
    the smallest or the largest M, then M for that λ; each once, and alternated until neither
    changes."""
    def best_M(lam):
        return min(degrees, key=lambda M: (V[M, lam], M))

    def best_lam(M):
        return min(lambdas, key=lambda lam: (V[M, lam], -lam))

    def settle(M, lam):
        for _ in range(len(degrees) * len(lambdas)):
            M_next = best_M(lam)
            lam_next = best_lam(M_next)
            if (M_next, lam_next) == (M, lam):
                break
            M, lam = M_next, lam_next
        return M, lam

    chosen = set()
    for lam in (lambdas[0], min(lambdas), max(lambdas)):
        M = best_M(lam)
        chosen |= {(M, best_lam(M)), settle(M, best_lam(M))}
    for M in (degrees[0], min(degrees), max(degrees)):
        lam = best_lam(M)
        chosen |= {(best_M(lam), lam), settle(best_M(lam), lam)}
    return chosen


def _separating_grid(V, star, margin=1.05):
    """Candidate lists (degrees, lambdas) drawn from the grid of ``V`` around ``star`` = (M*, λ*),
    neither of them first, smallest or largest, such that in every column of a starting λ some
    other M beats M* and in every row of a starting M some other λ beats λ*, each by
    ``margin``; or None."""
    star_degree, star_lam = star
    for lam_mid, lam_max in itertools.permutations(
            [lam for lam in GRID_LAMBDAS if lam not in (0.0, star_lam)], 2):
        if not lam_mid < lam_max > star_lam:
            continue
        lambdas = [lam_mid, 0.0, star_lam, lam_max]
        for M_min, M_mid, M_max in itertools.combinations(
                [M for M in GRID_DEGREES if star_degree != M], 3):
            if not M_min < star_degree < M_max:
                continue
            degrees = [M_mid, M_min, star_degree, M_max]
            if all(min(V[M, lam] for M in degrees) * margin <= V[star_degree, lam]
                   for lam in lambdas if lam != star_lam) \
                    and all(min(V[M, lam] for lam in lambdas) * margin <= V[M, star_lam]
                            for M in degrees if star_degree != M):
                return degrees, lambdas
    return None


def _joint_search_data(a1, rng, seed, n=30):
    """Data (x, t), candidate lists and their best pair, on which every coordinate search
    chooses another pair: training targets from the sine, validation targets exactly on the
    training fit of one pair (so it wins by far), the lists chosen around it."""
    train, val, _ = (np.asarray(p) for p in a1.splits.train_val_test_split(n, seed=seed))
    for _ in range(200):
        x = np.sort(rng.uniform(0.0, 1.0, size=n))
        t = oracles.sine_data(rng, x)
        fits = {(M, lam): _fit(x, t, train, M, lam) for M in GRID_DEGREES for lam in GRID_LAMBDAS}
        star = (int(rng.integers(2, 8)), GRID_LAMBDAS[int(rng.integers(2, len(GRID_LAMBDAS) - 1))])
        t[val] = oracles.poly_values(x[val], fits[star])
        V = {key: oracles.rms(oracles.poly_values(x[val], w), t[val]) for key, w in fits.items()}
        if min(value for key, value in V.items() if key != star) < 1e-3:
            continue  # another pair almost as good: not a clear choice
        grid = _separating_grid(V, star)
        if grid is not None:
            return x, t, grid, star, V
    return x, t, None, star, V


@pytest.mark.parametrize("split_seed", [None, 9], ids=["default-seed", "seed-9"])
def test_select_and_evaluate_searches_the_joint_grid_of_degrees_and_lambdas(a1, rng, split_seed):
    seed = 0 if split_seed is None else split_seed
    x, t, grid, star, V = _joint_search_data(a1, rng, seed)
    expect(grid is not None, "internal: no data set that separates the joint search was found")
    degrees, lambdas = grid
    scores = {(M, lam): V[M, lam] for M in degrees for lam in lambdas}
    expect(
        min(scores, key=scores.get) == star
        and all(value >= 1e-3 for key, value in scores.items() if key != star)
        and star not in _coordinate_searches(scores, degrees, lambdas),
        "internal: the data do not separate the joint search from a coordinate search",
    )
    result = _evaluate(a1, x, t, split_seed, degrees=degrees, lambdas=lambdas)
    expect(
        (result.M, result.lam) == star,
        "select_and_evaluate must score EVERY pair (M, λ) of degrees × lambdas on the "
        "validation split and choose the best pair: choosing M at one λ and then λ for that M "
        "(for example select_degree, then select_lambda), or λ first and then M, can miss it",
    )


def _expect_no_leakage(honest, changed, what: str) -> None:
    checks = (
        ("M", honest.M == changed.M),
        ("lam", honest.lam == changed.lam),
        ("w", np.array_equal(np.asarray(honest.w), np.asarray(changed.w))),
        ("val_rms", honest.val_rms == changed.val_rms),
    )
    for field, same in checks:
        expect(same, LEAKAGE_MESSAGE.format(field=field, what=what))


class NotDeterministicError(AssertionError):
    """select_and_evaluate gave two answers for the same input: not a leakage finding."""


def _honest_run(a1, x, t, seed):
    """The unperturbed result, checked to be reproducible before anything is perturbed."""
    honest = _evaluate(a1, x, t, seed)
    again = _evaluate(a1, x, t, seed)
    same = (honest.M == again.M and honest.lam == again.lam
            and np.array_equal(np.asarray(honest.w), np.asarray(again.w))
            and np.array_equal(np.asarray(honest.test_idx), np.asarray(again.test_idx)))
    if not same:
        raise NotDeterministicError(
            "select_and_evaluate gives different results for the same data and seed: split "
            "with train_val_test_split(len(x), seed=seed), which uses "
            "np.random.default_rng(seed)") from None
    return honest


LEAKAGE_FLAG = pytest.mark.flag(
    "test-set-leakage",
    "select_and_evaluate changed its choice of model (M, λ, w or val_rms) when only the test "
    "split's values were changed: the test set influenced training or model selection")


@LEAKAGE_FLAG
def test_select_and_evaluate_no_leakage_through_test_targets(a1, rng):
    x, t, _, (train, _, _) = _protocol_data(a1, rng)
    honest = _honest_run(a1, x, t, None)
    test = np.asarray(honest.test_idx)  # the split the submission itself reports
    # Targets a cheating selection would love: on the test split they lie exactly on the
    # training fit of a pair the honest protocol did not choose.
    other_M = next(M for M in DEGREES if M != honest.M)
    lured = t.copy()
    lured[test] = oracles.poly_values(x[test], _fit(x, t, train, other_M, LAMBDAS[0]))
    noisy = t.copy()
    noisy[test] = rng.normal(0.0, 100.0, size=len(test))
    a1.restart()  # a selection memoised from the first call must not answer the next ones
    for changed_t in (lured, noisy):
        _expect_no_leakage(honest, _evaluate(a1, x, changed_t, None), "targets")


@LEAKAGE_FLAG
def test_select_and_evaluate_no_leakage_through_test_inputs(a1, rng):
    x, t, _, _ = _protocol_data(a1, rng, seed=3)
    honest = _honest_run(a1, x, t, 3)
    test = np.asarray(honest.test_idx)
    far = x.copy()
    far[test] = rng.uniform(1.5, 3.0, size=len(test))
    mirrored = x.copy()
    mirrored[test] = -x[test]
    a1.restart()  # a selection memoised from the first call must not answer the next ones
    for changed_x in (far, mirrored):
        _expect_no_leakage(honest, _evaluate(a1, changed_x, t, 3), "inputs")
