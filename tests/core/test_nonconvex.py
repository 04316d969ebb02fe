"""The least-squares minimum set, and the one-unit tanh model's gradient, minima and data-size experiment."""

from __future__ import annotations

import numpy as np
import pytest

from core import QuadraticLoss
from core.nonconvex import (
    agreement_vs_sample_size,
    find_minima,
    make_tanh_data,
    minimum_set,
    run_tanh_descent,
    tanh_gradient,
    tanh_loss,
    tanh_loss_grid,
)


def brute_loss(X, y, W):
    R = y[:, None] - X @ np.atleast_2d(W).T  # (N, M), from the residuals themselves
    return np.sum(R * R, axis=0) / (2 * len(y))


def test_minimum_set_of_a_singular_problem_is_a_flat_valley():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((40, 2))
    X = np.column_stack([Z[:, 0], Z[:, 1], Z[:, 0] - 2 * Z[:, 1]])  # rank 2 of 3: a line of minima
    y = Z @ [1.0, -0.5] + 0.1 * rng.standard_normal(40)
    ms = minimum_set(QuadraticLoss.from_data(X, y))
    assert ms.dimension == 1 and ms.rank == 2 and "line of minima" in ms.description
    np.testing.assert_allclose(X @ ms.null_space, 0.0, atol=1e-10)
    # Every point w* + N z has the same loss (computed from residuals, not the quadratic form) ...
    W = ms.points(rng.uniform(-5, 5, (20, 1)))
    best = brute_loss(X, y, np.linalg.lstsq(X, y, rcond=None)[0])[0]
    np.testing.assert_allclose(brute_loss(X, y, W), best, atol=1e-10)
    assert ms.min_value == pytest.approx(best, abs=1e-10)
    # ... and the pseudo-inverse point is the one orthogonal to the valley's direction.
    np.testing.assert_allclose(ms.null_space.T @ ms.minimizer, 0.0, atol=1e-10)
    np.testing.assert_allclose(ms.minimizer, np.linalg.pinv(X) @ y, atol=1e-10)


def test_minimum_set_of_a_regular_problem_is_a_point():
    rng = np.random.default_rng(1)
    ms = minimum_set(QuadraticLoss.from_data(rng.standard_normal((30, 3)), rng.standard_normal(30)))
    assert ms.dimension == 0 and ms.null_space.shape == (3, 0) and "single minimum" in ms.description
    with pytest.raises(ValueError, match="loss must be a QuadraticLoss"):
        minimum_set("not a loss")


def test_tanh_gradient_matches_central_finite_differences():
    data = make_tanh_data(50, seed=2)
    W = np.random.default_rng(3).uniform(-3, 3, (12, 2))
    G = tanh_gradient(W, data.x, data.y)
    h = 1e-6
    for j in range(2):
        E = np.zeros(2)
        E[j] = h
        fd = (tanh_loss(W + E, data.x, data.y) - tanh_loss(W - E, data.x, data.y)) / (2 * h)
        np.testing.assert_allclose(G[:, j], fd, rtol=1e-6, atol=1e-9)
    assert tanh_gradient(W[0], data.x, data.y).shape == (2,)
    # The 1/(2N) convention, and the symmetry (w₁, w₂) → (−w₁, −w₂).
    r = W[0, 1] * np.tanh(W[0, 0] * data.x) - data.y
    assert tanh_loss(W[0], data.x, data.y) == pytest.approx(r @ r / (2 * 50))
    np.testing.assert_allclose(tanh_loss(-W, data.x, data.y), tanh_loss(W, data.x, data.y), rtol=1e-14)


def test_loss_grid_matches_pointwise_loss():
    data = make_tanh_data(30, seed=4)
    w1, w2 = np.linspace(-3, 3, 7), np.linspace(-2, 2, 5)
    Z = tanh_loss_grid(data.x, data.y, w1, w2)
    assert Z.shape == (5, 7)
    assert Z[3, 6] == pytest.approx(tanh_loss([w1[6], w2[3]], data.x, data.y), rel=1e-12)


def test_find_minima_finds_the_mirror_pair_of_global_minima():
    data = make_tanh_data(200, seed=1)
    report = find_minima(data.x, data.y, n_starts=24, seed=0)
    minima = report.minima
    assert report.n_distinct_minima == 2 and (minima["kind"] == "minimum").all()
    assert minima["is_global"].all()
    a, b = minima[["w1", "w2"]].to_numpy()
    np.testing.assert_allclose(a, -b, atol=1e-6)  # mirror images: the same function
    assert list(minima["mirror"]) == [1, 0]
    assert minima["n_runs"].sum() == (report.labels >= 0).sum() == 24
    np.testing.assert_allclose(np.abs(a), [1.5, 1.0], atol=0.2)  # near the truth (1.5, 1.0)
    np.testing.assert_allclose(tanh_gradient(a, data.x, data.y), 0.0, atol=1e-5)


def test_sgd_runs_reach_the_same_minima_after_polishing():
    data = make_tanh_data(100, seed=1)
    report = find_minima(data.x, data.y, n_starts=8, batch_size=10, epochs=20, seed=1)
    assert report.n_distinct_minima == 2


def test_tiny_datasets_may_have_no_finite_minimum():
    # Three samples fit by a step function (w₁ → ∞) better than by any finite weights.
    data = make_tanh_data(3, seed=1)
    report = find_minima(data.x, data.y, n_starts=8, seed=0)
    assert report.n_distinct_minima == 0 and (report.labels == -1).all()


def test_runs_on_larger_datasets_agree_more():
    df = agreement_vs_sample_size([10, 50, 1000], n_seeds=12)
    assert list(df["n_samples"]) == [10, 50, 1000]
    assert df["agreement_fraction"].is_monotonic_increasing
    assert df["agreement_fraction"].iloc[-1] > 0.9 > df["agreement_fraction"].iloc[0]
    assert df["median_distance"].iloc[-1] < df["median_distance"].iloc[0] / 3
    assert (df["converged_fraction"] == 1.0).all()


def test_descent_paths_and_input_checks():
    data = make_tanh_data(40, seed=0)
    paths = run_tanh_descent(data.x, data.y, [[0.5, -0.5], [1.0, 1.0]], epochs=50, record_every=10)
    assert paths.shape == (2, 6, 2)
    np.testing.assert_array_equal(paths[:, 0], [[0.5, -0.5], [1.0, 1.0]])
    sgd = run_tanh_descent(data.x, data.y, [0.5, -0.5], epochs=3, batch_size=8)
    assert sgd.shape == (1, 16, 2)
    assert tanh_loss(paths[0, -1], data.x, data.y) < tanh_loss(paths[0, 0], data.x, data.y)
    with pytest.raises(ValueError, match="batch_size"):
        run_tanh_descent(data.x, data.y, [0.0, 0.1], batch_size=41)
    with pytest.raises(ValueError, match="same length"):
        tanh_loss([1.0, 1.0], data.x, data.y[:-1])
    with pytest.raises(ValueError, match="true_weights"):
        make_tanh_data(10, true_weights=(1.0, 2.0, 3.0))
