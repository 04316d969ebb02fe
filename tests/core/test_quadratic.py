"""QuadraticLoss against brute-force residuals, finite differences, lstsq, pinv and extended precision.

Convention: L(w) = ‖y − Xw‖² / (2N).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import QuadraticLoss, make_regression

FAST = settings(max_examples=40, deadline=None)


def brute_loss(X, y, W):
    """L at each row of W (M, K), from the residuals themselves: no quadratic form involved."""
    R = y[:, None] - X @ np.atleast_2d(W).T  # (N, M)
    return np.sum(R * R, axis=0) / (2 * len(y))


@st.composite
def problems(draw, min_features=1):
    """X = U diag(s) Vᵀ plus a mean offset, κ(X) ≤ 300, and noisy y (so L* is not ~0).

    Conditioning is bounded on purpose: the loss is built from moments (κ(A) = κ(X)²), and these
    tests check the algebra; near-singular behaviour is tested on its own.
    """
    k = draw(st.integers(min_features, 6))
    n = draw(st.integers(k + 3, 80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kappa = draw(st.floats(1.0, 300.0))
    U, _ = np.linalg.qr(rng.standard_normal((n, k)))
    V, _ = np.linalg.qr(rng.standard_normal((k, k)))
    X = 10.0 ** draw(st.floats(-1, 1)) * np.sqrt(n) * (U * np.geomspace(1.0, 1.0 / kappa, k)) @ V.T
    y = X @ rng.standard_normal(k) + draw(st.floats(0.05, 2.0)) * rng.standard_normal(n) + rng.uniform(-1, 1)
    return X, y, rng


def test_moments_are_scaled_gram_blocks_and_result_is_frozen():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    y = rng.standard_normal(50)
    loss = QuadraticLoss.from_data(X, y)
    np.testing.assert_allclose(loss.A, X.T @ X / 50, rtol=1e-13)
    np.testing.assert_allclose(loss.b, X.T @ y / 50, rtol=1e-13)
    assert loss.c == pytest.approx(y @ y / 50, rel=1e-14)
    assert (loss.n_samples, loss.n_features) == (50, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loss.c = 0.0


@FAST
@given(problem=problems())
def test_value_and_rss_match_brute_force_residuals_at_many_points(problem):
    X, y, rng = problem
    loss = QuadraticLoss.from_data(X, y)
    W = loss.minimizer + rng.standard_normal((25, X.shape[1])) * rng.uniform(1e-3, 10)  # (M, K)

    ref = brute_loss(X, y, W)
    np.testing.assert_allclose(loss.value(W), ref, rtol=1e-9)
    np.testing.assert_allclose(loss.rss(W), 2 * len(y) * ref, rtol=1e-9)
    # A single (K,) vector gives a float.
    single = loss.value(W[0])
    assert isinstance(single, float)
    assert single == pytest.approx(ref[0], rel=1e-9)
    assert loss.rss(W[0]) == pytest.approx(2 * len(y) * loss.value(W[0]), rel=1e-15)


@FAST
@given(problem=problems())
def test_minimizer_min_value_and_curvatures_match_lstsq_and_eigvalsh(problem):
    X, y, _ = problem
    loss = QuadraticLoss.from_data(X, y)
    n = len(y)
    coef = np.linalg.lstsq(X, y, rcond=None)[0]

    np.testing.assert_allclose(loss.minimizer, coef, rtol=1e-8, atol=1e-10 * np.linalg.norm(coef))
    assert loss.min_value == pytest.approx(brute_loss(X, y, coef)[0], rel=1e-8, abs=1e-13 * loss.c)
    ref_eig = np.linalg.eigvalsh(X.T @ X / n)[::-1]
    np.testing.assert_allclose(loss.eigenvalues, ref_eig, rtol=1e-10, atol=1e-13 * ref_eig[0])
    # Eigenvectors: A v = λ v, orthonormal.
    V = loss.eigenvectors
    np.testing.assert_allclose(loss.A @ V, V * loss.eigenvalues, atol=1e-12 * ref_eig[0])
    np.testing.assert_allclose(V.T @ V, np.eye(X.shape[1]), atol=1e-12)
    assert loss.rank == np.linalg.matrix_rank(X)
    assert loss.condition_number == pytest.approx(np.linalg.cond(X) ** 2, rel=1e-6)


@FAST
@given(problem=problems())
def test_gradient_matches_central_finite_differences_and_the_closed_form(problem):
    X, y, rng = problem
    loss = QuadraticLoss.from_data(X, y)
    n, k = X.shape
    W = loss.minimizer + rng.standard_normal((5, k))  # (M, K)
    G = loss.gradient(W)  # (M, K)

    # Closed form ∇L = Xᵀ(Xw − y)/N from the raw data.
    np.testing.assert_allclose(G, (W @ X.T - y) @ X / n, rtol=1e-8, atol=1e-10 * np.abs(G).max())
    # Central differences of value(): exact for a quadratic up to rounding, so a large step is fine.
    h = 1e-3
    fd = np.empty_like(G)
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        fd[:, j] = (loss.value(W + e) - loss.value(W - e)) / (2 * h)
    np.testing.assert_allclose(G, fd, rtol=1e-6, atol=1e-9 * (1 + np.abs(G).max()))
    # A single vector gives a (K,) gradient; it vanishes at the minimizer.
    assert loss.gradient(W[0]).shape == (k,)
    np.testing.assert_allclose(loss.gradient(loss.minimizer), 0.0, atol=1e-12 * (1 + np.abs(loss.b).max()))


@FAST
@given(problem=problems(min_features=3), n_a=st.integers(1, 30), n_b=st.integers(1, 30))
def test_slice_grid_matches_brute_force_on_random_planes_in_k_dimensions(problem, n_a, n_b):
    X, y, rng = problem
    loss = QuadraticLoss.from_data(X, y)
    k = X.shape[1]
    center = loss.minimizer + rng.standard_normal(k)
    d1, d2 = rng.standard_normal(k), rng.standard_normal(k)
    a = np.linspace(-2, 2, n_a)
    b = np.linspace(-3, 1, n_b)

    Z = loss.slice_grid(center, d1, d2, a, b)

    assert Z.shape == (n_b, n_a)
    W = center + a[None, :, None] * d1 + b[:, None, None] * d2  # (n_b, n_a, K): Z[j, i] at a[i], b[j]
    ref = brute_loss(X, y, W.reshape(-1, k)).reshape(n_b, n_a)
    np.testing.assert_allclose(Z, ref, rtol=1e-9, atol=1e-12 * ref.max())
    np.testing.assert_allclose(Z, loss.value(W.reshape(-1, k)).reshape(n_b, n_a), rtol=1e-10)


def test_slice_through_the_minimizer_along_eigenvectors_is_the_textbook_bowl():
    data = make_regression(400, 5, noise=0.3, condition_number=20, seed=8)
    loss = QuadraticLoss.from_data(data.X, data.y)
    v1, v5 = loss.eigenvectors[:, 0], loss.eigenvectors[:, -1]
    a = np.linspace(-1, 1, 11)
    Z = loss.slice_grid(loss.minimizer, v1, v5, a, a)
    # L(w* + a v1 + b v5) = L* + ½(λ1 a² + λ5 b²) exactly.
    expected = loss.min_value + 0.5 * (
        loss.eigenvalues[0] * a[None, :] ** 2 + loss.eigenvalues[-1] * a[:, None] ** 2
    )
    np.testing.assert_allclose(Z, expected, rtol=1e-12)
    W = loss.minimizer + a[None, :, None] * v1 + a[:, None, None] * v5  # (11, 11, K)
    np.testing.assert_allclose(Z, brute_loss(data.X, data.y, W.reshape(-1, 5)).reshape(11, 11), rtol=1e-10)


def test_value_is_accurate_near_the_minimum_where_the_expanded_form_cancels():
    """Near w* the expanded ½wᵀAw − bᵀw + ½c subtracts numbers of size c to get L − L* ≪ c, losing
    digits; the centred form L* + ½(w−w*)ᵀA(w−w*) evaluates that difference directly.

    Oracle: the residuals in extended precision, L(w) − L(w*) = (‖X d‖² − 2 r*ᵀX d) / (2N) with
    d = w − w* and r* = y − X w*, which involves no cancellation of size c.
    """
    data = make_regression(2000, 3, noise=1e-3, condition_number=10, seed=3, intercept=5.0)
    X = np.column_stack([np.ones(2000), data.X])  # fit the intercept: tiny residuals, c ≈ 27
    y = data.y
    loss = QuadraticLoss.from_data(X, y)
    n = len(y)
    rng = np.random.default_rng(0)
    D = 1e-7 * rng.standard_normal((50, 4))  # (M, K) steps from w*
    W = loss.minimizer + D

    XL, yL = X.astype(np.longdouble), y.astype(np.longdouble)
    DL = W.astype(np.longdouble) - loss.minimizer.astype(np.longdouble)  # exact: the same float64 steps
    r_star = yL - XL @ loss.minimizer.astype(np.longdouble)  # (N,)
    XD = XL @ DL.T  # (N, M)
    rise_ref = ((XD * XD).sum(axis=0) - 2 * (r_star @ XD)) / (2 * n)  # L(w) − L(w*), ~1e-14
    level_ref = float((r_star @ r_star) / (2 * n))  # L(w*) ≈ 5e-7

    rise = loss.value(W) - loss.value(loss.minimizer)
    assert np.max(np.abs(rise - rise_ref) / rise_ref) <= 1e-6
    # The level itself is as good as one pass over the data allows (absolute error ~ eps·c).
    assert abs(loss.value(loss.minimizer) - level_ref) <= 100 * np.finfo(float).eps * loss.c
    # The expanded form, same moments, same points: its rise is noise of size eps·c.
    expanded = 0.5 * np.einsum("ij,jk,ik->i", W, loss.A, W) - W @ loss.b + 0.5 * loss.c
    expanded_at_min = 0.5 * loss.minimizer @ loss.A @ loss.minimizer - loss.minimizer @ loss.b + 0.5 * loss.c
    expanded_rise = expanded - expanded_at_min
    assert np.max(np.abs(expanded_rise - rise_ref) / rise_ref) > 1e-2


# --- from_moments -----------------------------------------------------------------------------------


@FAST
@given(problem=problems())
def test_from_moments_round_trips_from_data(problem):
    X, y, rng = problem
    n = len(y)
    loss = QuadraticLoss.from_data(X, y)
    again = QuadraticLoss.from_moments(loss.A, loss.b, loss.c, n_samples=n)
    numpy_built = QuadraticLoss.from_moments(X.T @ X / n, X.T @ y / n, y @ y / n, n_samples=n)

    W = loss.minimizer + rng.standard_normal((10, X.shape[1]))
    for other in (again, numpy_built):
        assert other.n_samples == n and other.rank == loss.rank
        np.testing.assert_allclose(other.minimizer, loss.minimizer, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(other.value(W), loss.value(W), rtol=1e-9)
    np.testing.assert_array_equal(again.A, loss.A)
    np.testing.assert_array_equal(again.minimizer, loss.minimizer)
    assert again.min_value == loss.min_value


def test_from_moments_symmetrizes_a_slightly_asymmetric_hessian():
    A = np.array([[2.0, 1.0 + 1e-9], [1.0 - 1e-9, 3.0]])
    loss = QuadraticLoss.from_moments(A, [1.0, 1.0], 1.0, n_samples=10)
    np.testing.assert_array_equal(loss.A, loss.A.T)
    np.testing.assert_allclose(loss.minimizer, np.linalg.solve([[2.0, 1.0], [1.0, 3.0]], [1.0, 1.0]))


@pytest.mark.parametrize("seed", range(4))
def test_rank_deficient_hessian_gives_minimum_norm_minimizer_equal_to_pinv(seed):
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((60, 2))
    X = np.column_stack([base, base @ [1.5, -0.5], rng.standard_normal(60)])  # rank 3 of 4
    y = rng.standard_normal(60)
    loss = QuadraticLoss.from_data(X, y)

    assert loss.rank == 3
    assert loss.condition_number == np.inf
    np.testing.assert_allclose(loss.minimizer, np.linalg.pinv(loss.A) @ loss.b, rtol=1e-8)
    np.testing.assert_allclose(loss.minimizer, np.linalg.pinv(X) @ y, rtol=1e-8)
    assert loss.min_value == pytest.approx(brute_loss(X, y, np.linalg.pinv(X) @ y)[0], rel=1e-9)
    # Flat along the null space: every point w* + t·v has the same loss.
    null = np.array([1.5, -0.5, -1.0, 0.0])
    W = loss.minimizer + np.linspace(-5, 5, 7)[:, None] * null
    np.testing.assert_allclose(loss.value(W), loss.min_value, rtol=1e-9)
    np.testing.assert_allclose(brute_loss(X, y, W), loss.min_value, rtol=1e-9)


def test_zero_hessian_has_rank_zero_and_zero_minimizer():
    loss = QuadraticLoss.from_moments(np.zeros((2, 2)), np.zeros(2), 4.0, n_samples=3)
    assert loss.rank == 0
    np.testing.assert_array_equal(loss.minimizer, [0.0, 0.0])
    assert loss.min_value == 2.0
    assert loss.value([1.0, -1.0]) == 2.0
