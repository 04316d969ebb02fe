"""make_regression and add_intercept_column: reproducibility, shapes, and the distribution promised."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from core import Dataset, add_intercept_column, make_regression, solve_least_squares

FAST = settings(max_examples=30, deadline=None)
ARRAYS = ("X", "y", "coef", "covariance", "X_test", "y_test")


@FAST
@given(
    n=st.integers(1, 50),
    k=st.integers(1, 6),
    n_test=st.integers(0, 20),
    seed=st.integers(0, 2**32 - 1),
    kappa=st.floats(1.0, 1e6),
)
def test_same_seed_gives_bit_identical_arrays_and_shapes_follow_arguments(n, k, n_test, seed, kappa):
    kwargs = dict(noise=0.5, condition_number=kappa, seed=seed, intercept=1.5, n_test=n_test)
    first = make_regression(n, k, **kwargs)
    second = make_regression(n, k, **kwargs)

    for name in ARRAYS:
        a, b = getattr(first, name), getattr(second, name)
        assert a.tobytes() == b.tobytes(), name
    assert first.X.shape == (n, k) and first.y.shape == (n,) and first.coef.shape == (k,)
    assert first.X_test.shape == (n_test, k) and first.y_test.shape == (n_test,)
    assert first.covariance.shape == (k, k)
    assert (first.n_samples, first.n_features, first.seed, first.noise) == (n, k, seed, 0.5)
    assert all(getattr(first, name).dtype == np.float64 for name in ARRAYS)


@FAST
@given(seed=st.integers(0, 2**31), offset=st.integers(1, 1000))
def test_different_seeds_give_different_data(seed, offset):
    a = make_regression(20, 3, noise=1.0, seed=seed)
    b = make_regression(20, 3, noise=1.0, seed=seed + offset)
    assert not np.array_equal(a.X, b.X)
    assert not np.array_equal(a.y, b.y)
    assert not np.array_equal(a.coef, b.coef)


def test_adding_a_test_split_leaves_the_training_data_unchanged():
    without = make_regression(40, 3, noise=0.3, seed=7, condition_number=50)
    with_test = make_regression(40, 3, noise=0.3, seed=7, condition_number=50, n_test=25)
    np.testing.assert_array_equal(without.X, with_test.X)
    np.testing.assert_array_equal(without.y, with_test.y)
    assert without.X_test.shape == (0, 3) and without.y_test.shape == (0,)


def test_result_is_frozen_dataset():
    data = make_regression(5, 2, noise=0.1)
    assert isinstance(data, Dataset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.noise = 1.0


@pytest.mark.parametrize("intercept", [0.0, -3.25, 40.0])
def test_noise_zero_gives_an_exact_linear_fit_with_the_intercept(intercept):
    data = make_regression(60, 4, noise=0.0, condition_number=30, seed=2, intercept=intercept, n_test=10)

    np.testing.assert_allclose(data.y, data.X @ data.coef + intercept, rtol=0, atol=1e-12)
    np.testing.assert_allclose(data.y_test, data.X_test @ data.coef + intercept, rtol=0, atol=1e-12)
    # The oracle recovers the truth exactly once the intercept column is added.
    sol = solve_least_squares(add_intercept_column(data.X), data.y, method="qr")
    np.testing.assert_allclose(sol.coef, np.r_[intercept, data.coef], rtol=0, atol=1e-10)
    assert sol.rss <= 1e-20 * float(data.y @ data.y)
    assert data.intercept == intercept


def test_noise_level_and_intercept_are_realized():
    data = make_regression(200_000, 3, noise=0.7, seed=4, intercept=2.0)
    residual = data.y - data.X @ data.coef  # = intercept + noise
    # Mean within 5 standard errors; sample std within 1% (its relative s.e. is 1/√(2N) ≈ 0.16%).
    assert abs(residual.mean() - 2.0) <= 5 * 0.7 / np.sqrt(len(residual))
    assert residual.std() == pytest.approx(0.7, rel=1e-2)


def test_user_supplied_coefficients_are_used_and_copied():
    coef = np.array([1.0, -2.0, 0.5])
    data = make_regression(30, 3, noise=0.0, coef=coef, seed=1)
    np.testing.assert_array_equal(data.coef, coef)
    coef[0] = 99.0
    assert data.coef[0] == 1.0
    np.testing.assert_allclose(data.y, data.X @ [1.0, -2.0, 0.5], rtol=0, atol=1e-13)


def test_default_coefficients_are_standard_normal():
    # E‖coef‖² = K: over many seeds the entries are N(0, 1).
    draws = np.concatenate([make_regression(1, 10, noise=0.0, seed=s).coef for s in range(300)])
    assert stats.kstest(draws, "norm").pvalue > 1e-3


# --- the conditioning knob --------------------------------------------------------------------------


@FAST
@given(k=st.integers(2, 8), kappa=st.floats(1.0, 1e6), seed=st.integers(0, 2**32 - 1))
def test_population_covariance_has_exactly_the_requested_condition_number_and_mean_eigenvalue_one(
    k, kappa, seed
):
    data = make_regression(2, k, noise=0.1, condition_number=kappa, seed=seed)
    eigenvalues = np.linalg.eigvalsh(data.covariance)  # ascending

    np.testing.assert_allclose(data.covariance, data.covariance.T, rtol=0, atol=1e-15)
    assert eigenvalues[-1] / eigenvalues[0] == pytest.approx(kappa, rel=1e-8)
    assert eigenvalues.mean() == pytest.approx(1.0, rel=1e-12)
    # Geometrically spaced between the extremes.
    expected = np.geomspace(1.0, 1.0 / kappa, k)[::-1]
    np.testing.assert_allclose(eigenvalues, expected * k / expected.sum(), rtol=1e-8)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 1e3, 1e6])
@pytest.mark.parametrize("seed", [0, 1])
def test_realized_condition_number_of_gram_is_near_requested_for_large_n(kappa, seed):
    """κ(XᵀX/N) → κ as N grows. Tolerance 5% at N = 2e5, K = 5.

    Sample-covariance theory bounds the deviation by about 4·√(K/N) ≈ 2% (the worst case is
    κ = 1, where extreme eigenvalues of a Wishart matrix spread as (1 ± √(K/N))²).
    """
    n, k = 200_000, 5
    data = make_regression(n, k, noise=0.1, condition_number=kappa, seed=seed)
    eigenvalues = np.linalg.eigvalsh(data.X.T @ data.X / n)

    assert eigenvalues[-1] / eigenvalues[0] == pytest.approx(kappa, rel=0.05)
    # Mean feature variance is 1 whatever the conditioning.
    assert np.trace(data.X.T @ data.X / n) / k == pytest.approx(1.0, rel=0.02)


def test_test_split_comes_from_the_same_distribution_as_training_data():
    data = make_regression(100_000, 3, noise=0.5, condition_number=100, seed=9, intercept=1.0, n_test=100_000)
    sigma = data.covariance
    for X in (data.X, data.X_test):
        sample = X.T @ X / len(X)  # mean is zero by construction
        assert np.linalg.norm(sample - sigma, 2) <= 0.03 * np.linalg.norm(sigma, 2)
    # Same marginal law along the most and least variable directions (two-sample KS, fixed seed).
    eigenvectors = np.linalg.eigh(sigma)[1]
    for v in eigenvectors.T:
        assert stats.ks_2samp(data.X @ v, data.X_test @ v).pvalue > 1e-3
    # Same noise and intercept on the test targets, and fresh draws (not a copy of training rows).
    test_residual = data.y_test - data.X_test @ data.coef
    assert test_residual.mean() == pytest.approx(1.0, abs=5 * 0.5 / np.sqrt(100_000))
    assert test_residual.std() == pytest.approx(0.5, rel=0.02)
    assert not np.array_equal(data.X, data.X_test)


# --- add_intercept_column ---------------------------------------------------------------------------


def test_add_intercept_column_prepends_ones():
    X = np.arange(6.0).reshape(3, 2)
    out = add_intercept_column(X)
    assert out.shape == (3, 3)
    np.testing.assert_array_equal(out[:, 0], np.ones(3))
    np.testing.assert_array_equal(out[:, 1:], X)
    np.testing.assert_array_equal(add_intercept_column([[1, 2]]), [[1.0, 1.0, 2.0]])
    X[0, 0] = 50.0  # the result does not alias the input
    assert out[0, 1] == 0.0


def test_intercept_column_makes_the_first_coefficient_the_intercept():
    data = make_regression(500, 2, noise=0.2, seed=3, intercept=-4.0)
    sol = solve_least_squares(add_intercept_column(data.X), data.y, method="svd")
    ref = np.linalg.lstsq(np.column_stack([np.ones(500), data.X]), data.y, rcond=None)[0]
    np.testing.assert_allclose(sol.coef, ref, rtol=1e-12)
    assert sol.coef[0] == pytest.approx(-4.0, abs=0.1)
