"""One Gram pass serves both the quadratic form and the normal equations."""

from __future__ import annotations

import numpy as np
import pytest

from core import (
    QuadraticLoss,
    SingularGramError,
    augmented_gram,
    make_regression,
    solve_least_squares,
    solve_normal_equations,
)


def test_solution_from_the_gram_equals_the_solver_and_lstsq():
    data = make_regression(500, 4, noise=0.3, condition_number=50, seed=3)
    gram = augmented_gram(data.X, data.y)
    from_gram = solve_normal_equations(gram, n_samples=500)
    direct = solve_least_squares(data.X, data.y, method="normal")
    np.testing.assert_array_equal(from_gram.coef, direct.coef)
    coef, rss, *_ = np.linalg.lstsq(data.X, data.y, rcond=None)
    np.testing.assert_allclose(from_gram.coef, coef, rtol=1e-10)
    np.testing.assert_allclose(from_gram.rss, rss[0], rtol=1e-9)


def test_loss_from_the_gram_equals_the_loss_from_data():
    data = make_regression(300, 3, noise=0.5, seed=1)
    a = QuadraticLoss.from_gram(augmented_gram(data.X, data.y), n_samples=300)
    b = QuadraticLoss.from_data(data.X, data.y)
    W = np.random.default_rng(0).normal(size=(20, 3))
    np.testing.assert_array_equal(a.value(W), b.value(W))


def test_singular_gram_raises_with_rank():
    X = np.ones((10, 2))
    with pytest.raises(SingularGramError, match=r"rank 1 < 2"):
        solve_normal_equations(augmented_gram(X, np.arange(10.0)), n_samples=10)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_is_named_though_the_gram_skips_the_isfinite_pass(bad):
    X = np.ones((50, 2))
    X[7, 1] = bad
    with pytest.raises(ValueError, match=r"X contains 1 non-finite value"):
        augmented_gram(X, np.zeros(50))
    with pytest.raises(ValueError, match=r"X contains 1 non-finite value"):
        solve_least_squares(X, np.zeros(50))


def test_overflowing_values_ask_for_rescaling():
    X = np.full((4, 1), 1e200)
    with pytest.raises(ValueError, match=r"overflows.*rescale"):
        solve_least_squares(X, np.ones(4))


def test_gram_shape_is_checked():
    with pytest.raises(ValueError, match=r"gram must be a square"):
        solve_normal_equations(np.ones((2, 3)), n_samples=5)
