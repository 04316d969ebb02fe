"""core.spectral against independent oracles: numpy.linalg.pinv, the ridge closed form by
numpy.linalg.solve, run_optimizer, exact rational recurrences, numpy.roots, and an exact
rational least-squares reference for the digits lost."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import (
    SGD,
    QuadraticLoss,
    digits_lost,
    early_stopping_ridge,
    filter_factors,
    heavy_ball_radius,
    momentum_rate,
    momentum_rate_map,
    run_optimizer,
    solve_least_squares,
    spectral_filter,
)
from core.spectral import exact_least_squares, make_conditioned_problem

EPS = np.finfo(float).eps
FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)
# filter_factors against a run of run_optimizer: "equal to 1e-10" measured on the scale of the
# problem, ‖w⁺‖ (the minimum-norm solution). An absolute 1e-10 would be a unit-dependent claim:
# GD's iterates carry rounding errors of ~t·eps·‖w⁺‖ whatever the data's units.
RUN_RTOL = 1e-10


def design(rng, n, k, kappa=10.0, *, rank=None, scale=1.0):
    """X = U diag(σ) Vᵀ with σ²/N log-spaced over [1/κ², 1]·scale² (κ(X) = κ), rank ≤ min(N, K)."""
    r = min(n, k) if rank is None else rank
    U, _ = np.linalg.qr(rng.standard_normal((n, r)))
    V, _ = np.linalg.qr(rng.standard_normal((k, r)))
    sigma = scale * np.sqrt(n) * np.geomspace(1.0, 1.0 / kappa, r)
    return (U * sigma) @ V.T


def data(seed, n, k, kappa=10.0, *, rank=None, noise=0.5):
    rng = np.random.default_rng(seed)
    X = design(rng, n, k, kappa, rank=rank)
    return X, X @ rng.standard_normal(k) + noise * rng.standard_normal(n)


def min_norm(X, y):
    """The oracle pseudo-inverse, with numpy.linalg.matrix_rank's cut-off σ > σ₁·max(N, K)·eps."""
    return np.linalg.pinv(X, rcond=max(X.shape) * EPS) @ y


CASES = {
    "well conditioned": (0, 60, 4, 10.0, None),
    "ill conditioned κ=1e6": (1, 40, 5, 1e6, None),
    "very ill conditioned κ=1e10": (2, 40, 5, 1e10, None),
    "K > N": (3, 8, 15, 5.0, None),
    "rank deficient": (4, 30, 6, 5.0, 4),
    "single feature": (5, 20, 1, 1.0, None),
}


# -- pinv and ridge ------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_pinv_is_numpys_pseudo_inverse_with_factors_one_up_to_the_rank(case):
    seed, n, k, kappa, rank = CASES[case]
    X, y = data(seed, n, k, kappa, rank=rank)
    f = filter_factors(X, y, method="pinv")
    reference = min_norm(X, y)
    assert np.linalg.norm(f.coef - reference) <= 1e-12 * np.linalg.norm(reference)
    np.testing.assert_allclose(f.singular_values, np.linalg.svd(X, compute_uv=False), rtol=1e-12, atol=0)
    assert f.rank == np.linalg.matrix_rank(X)
    np.testing.assert_array_equal(f.factors, (np.arange(min(n, k)) < f.rank).astype(float))
    assert f.method == "pinv" and f.rate is None and not f.diverged


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("penalty", [1e-4, 0.1, 10.0])
def test_ridge_is_the_closed_form_minimizer_of_the_penalized_loss(case, penalty):
    seed, n, k, kappa, rank = CASES[case]
    X, y = data(seed, n, k, kappa, rank=rank)
    f = filter_factors(X, y, method="ridge", ridge=penalty)
    # Minimizer of ‖y − Xw‖²/(2N) + (ρ/2)‖w‖²: (XᵀX + NρI)w = Xᵀy, well posed for any ρ > 0.
    reference = np.linalg.solve(X.T @ X + n * penalty * np.eye(k), X.T @ y)
    assert np.linalg.norm(f.coef - reference) <= 1e-9 * np.linalg.norm(reference)
    s = np.linalg.svd(X, compute_uv=False)
    expected = np.where(np.arange(s.size) < f.rank, s**2 / (s**2 + n * penalty), 0.0)
    np.testing.assert_allclose(f.factors, expected, rtol=1e-12, atol=1e-300)
    assert np.all((f.factors >= 0) & (f.factors < 1))


def test_ridge_factors_go_to_pinv_as_the_penalty_vanishes_and_to_zero_as_it_grows():
    X, y = data(7, 50, 3)
    pinv = filter_factors(X, y, method="pinv").coef
    np.testing.assert_allclose(filter_factors(X, y, method="ridge", ridge=1e-12).coef, pinv, rtol=1e-9)
    assert np.linalg.norm(filter_factors(X, y, method="ridge", ridge=1e12).coef) < 1e-9


# -- gradient descent and momentum against run_optimizer --------------------------------------


def assert_matches_run(X, y, eta, beta, steps):
    method = "momentum" if beta else "gd"
    extra = {"momentum": beta} if beta else {}
    f = filter_factors(X, y, method=method, steps=steps, learning_rate=eta, **extra)
    if steps == 0:  # no step taken: w = 0 (run_optimizer needs at least one epoch)
        assert np.all(f.coef == 0) and np.all(f.factors == 0)
        return 0.0
    run = run_optimizer(X, y, SGD(eta, momentum=beta), epochs=steps, tol=0.0)
    scale = np.linalg.norm(min_norm(X, y))
    error = np.linalg.norm(f.coef - run.final_weights)
    assert error <= RUN_RTOL * scale, (error, scale, run.n_steps)
    return error / scale


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("steps", [0, 1, 2, 17, 400, 5000])
def test_gd_and_momentum_equal_run_optimizer_from_zero(case, beta, steps):
    seed, n, k, kappa, rank = CASES[case]
    X, y = data(seed, n, k, kappa, rank=rank)
    lam_max = np.linalg.svd(X, compute_uv=False)[0] ** 2 / n
    eta = 0.9 * 2 * (1 + beta) / lam_max  # 90 % of the stability limit: lively, never diverging
    assert_matches_run(X, y, eta, beta, steps)


@FAST
@given(
    n=st.integers(1, 12),
    k=st.integers(1, 8),
    log_kappa=st.floats(0, 6),
    beta=st.sampled_from([0.0, 0.1, 0.5, 0.8, 0.95]),
    fraction=st.floats(0.01, 0.99),
    steps=st.integers(0, 300),
    seed=st.integers(0, 2**16),
)
def test_any_stable_run_matches_its_filter(n, k, log_kappa, beta, fraction, steps, seed):
    X, y = data(seed, n, k, 10.0**log_kappa)
    lam_max = np.linalg.svd(X, compute_uv=False)[0] ** 2 / n
    assert_matches_run(X, y, fraction * 2 * (1 + beta) / lam_max, beta, steps)


def test_a_diverging_rate_reports_growth_and_a_rate_above_one():
    X, y = data(0, 60, 4)
    lam_max = np.linalg.svd(X, compute_uv=False)[0] ** 2 / 60
    f = filter_factors(X, y, method="gd", steps=50, learning_rate=2.2 / lam_max)
    assert f.diverged and f.rate == pytest.approx(1.2, rel=1e-12)
    assert abs(f.factors[0]) > 1e3  # 1 − (−1.2)⁵⁰ grows without bound
    g = filter_factors(X, y, method="momentum", steps=50, learning_rate=4.0 / lam_max, momentum=0.9)
    assert g.diverged and g.rate > 1


def test_gd_factors_from_any_start_are_the_fraction_of_the_way_to_the_minimizer():
    X, y = data(9, 50, 3, 20.0)
    eta, beta, steps = 0.5, 0.6, 40
    w0 = np.array([3.0, -2.0, 1.0])
    run = run_optimizer(X, y, SGD(eta, momentum=beta), epochs=steps, w0=w0, tol=0.0)
    f = filter_factors(X, y, method="momentum", steps=steps, learning_rate=eta, momentum=beta)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    covered = (Vt @ (run.final_weights - w0)) / (Vt @ (min_norm(X, y) - w0))
    np.testing.assert_allclose(covered, f.factors, rtol=1e-10)


def test_the_rate_is_the_slowest_directions_factor():
    X, y = data(0, 60, 4)
    lam = np.linalg.svd(X, compute_uv=False) ** 2 / 60
    f = filter_factors(X, y, method="gd", steps=3, learning_rate=0.7)
    assert f.rate == pytest.approx(np.max(np.abs(1 - 0.7 * lam)), rel=1e-13)
    np.testing.assert_allclose(f.curvatures, lam, rtol=1e-13)


# -- the filters against exact rational arithmetic -------------------------------------------


def exact_heavy_ball(x: float, beta: float, t: int) -> float:
    """φ(t) of the recurrence φ(s+1) = (1 + β − x)φ(s) − βφ(s−1) + x in exact rationals."""
    x, b = Fraction(x), Fraction(beta)
    before, phi = Fraction(0), Fraction(0)  # φ(−1) = φ(0) = 0: the start, with v₀ = 0
    for _ in range(t):
        before, phi = phi, (1 + b - x) * phi - b * before + x
    return float(phi)


X_VALUES = (1e-12, 1e-6, 1e-3, 0.05, 0.3, 1.0, 1.5, 2.0, 2.9, 3.5, 3.9)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.81, 0.9, 0.99])
@pytest.mark.parametrize("t", [0, 1, 2, 5, 60, 200])
def test_momentum_filter_matches_the_exact_recurrence(beta, t):
    # N = 1 and η = 1 make x = ηλ = σ² exactly the float the filter uses.
    x = np.array([*X_VALUES, (1 - np.sqrt(beta)) ** 2, (1 + np.sqrt(beta)) ** 2 * 0.999])
    sigma = np.sqrt(x)
    x = sigma * sigma
    got = spectral_filter(sigma, n_samples=1, method="momentum", steps=t, learning_rate=1.0, momentum=beta)
    expected = np.array([exact_heavy_ball(v, beta, t) for v in x])
    # Squaring the step matrix is backward stable: measured ≤ 3e-11 relative over this table, the
    # worst near the edge x ≈ 2(1 + β) where the transient grows like t·ρᵗ before it decays. The
    # absolute floor is one rounding of a sum that cancels to 0 (x = 2.9, β = 0.9, t = 2).
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-15)
    tiny = x <= 1e-6
    np.testing.assert_allclose(got[tiny], expected[tiny], rtol=1e-12, atol=0)  # φ ≈ x·t/(1 − β) too


@pytest.mark.parametrize("t", [0, 1, 3, 100, 200])
def test_gd_filter_matches_the_exact_power_and_keeps_tiny_factors(t):
    x = np.array([1e-15, 1e-9, *X_VALUES[2:8]])  # 0 ≤ ηλ ≤ 2: the stable range
    got = spectral_filter(np.sqrt(x), n_samples=1, method="gd", steps=t, learning_rate=1.0)
    xs = np.sqrt(x) ** 2
    expected = np.array([float(1 - (1 - Fraction(v)) ** t) for v in xs])
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)  # even φ ≈ t·1e-15 to 13 digits


def test_momentum_with_zero_momentum_is_gd_and_long_runs_stay_accurate():
    sigma = np.sqrt(np.geomspace(1e-10, 1.9, 60))
    common = {"n_samples": 1, "learning_rate": 1.0}
    for t in (1, 7, 1000, 100_000):
        gd = spectral_filter(sigma, method="gd", steps=t, **common)
        hb = spectral_filter(sigma, method="momentum", steps=t, momentum=0.0, **common)
        np.testing.assert_allclose(hb, gd, rtol=1e-10, atol=1e-13)


def test_momentum_at_a_hundred_thousand_steps_matches_the_plain_loop():
    # The plain float loop (what run_optimizer does) has its own rounding, ~t·eps/(1 − β) ≈ 2e-9
    # at t = 20,000, β = 0.9: that, not the filter, sets the tolerance.
    x = np.concatenate([np.geomspace(1e-9, 3.7, 80), [(1 - np.sqrt(0.9)) ** 2]])
    sigma = np.sqrt(x)
    x = sigma * sigma
    t, beta = 20_000, 0.9
    before, phi = np.zeros_like(x), np.zeros_like(x)
    for _ in range(t):
        before, phi = phi, (1 + beta - x) * phi - beta * before + x
    got = spectral_filter(sigma, n_samples=1, method="momentum", steps=t, learning_rate=1.0, momentum=beta)
    np.testing.assert_allclose(got, phi, rtol=0, atol=1e-8)
    far = spectral_filter(
        sigma, n_samples=1, method="momentum", steps=100_000, learning_rate=1.0, momentum=beta
    )
    assert np.all(np.isfinite(far)) and np.all((far > 0) & (far < 1 + 1e-9))


# -- early stopping is ridge --------------------------------------------------------------------


def test_early_stopping_ridge_is_one_over_eta_t_and_matches_the_filter_to_first_order():
    assert early_stopping_ridge(0.25, 8) == 0.5
    eta, t, n = 0.1, 500, 40
    penalty = early_stopping_ridge(eta, t)
    sigma = np.sqrt(n * np.geomspace(1e-9, 1.0 / eta, 400))  # every ηλ in (0, 1]
    gd = spectral_filter(sigma, n_samples=n, method="gd", steps=t, learning_rate=eta)
    ridge = spectral_filter(sigma, n_samples=n, method="ridge", ridge=penalty)
    weak = eta * t * sigma**2 / n < 1e-4
    np.testing.assert_allclose(gd[weak], ridge[weak], rtol=2e-4)  # first order: ratio 1 + O(ηtλ)
    assert np.all(gd >= ridge - 1e-15)  # GD's filter is the sharper one ...
    assert np.max(gd - ridge) == pytest.approx(0.204, abs=0.002)  # ... by at most 0.204 (docstring)


# -- the heavy ball's rate ------------------------------------------------------------------------


@FAST
@given(
    lam=st.floats(0.0, 10.0),
    eta=st.floats(1e-3, 2.0),
    beta=st.floats(0.0, 0.999),
)
def test_heavy_ball_radius_is_the_largest_root(lam, eta, beta):
    a = 1 + beta - eta * lam
    roots = np.roots([1.0, -a, beta])
    assert heavy_ball_radius(lam, eta, beta) == pytest.approx(np.max(np.abs(roots)), rel=1e-7, abs=1e-7)
    assert heavy_ball_radius(lam, eta, 0.0) == pytest.approx(abs(1 - eta * lam), rel=1e-12, abs=1e-15)


@FAST
@given(seed=st.integers(0, 2**16), k=st.integers(1, 6), eta=st.floats(0.01, 5.0), beta=st.floats(0, 0.99))
def test_the_extreme_curvatures_suffice_for_the_rate(seed, k, eta, beta):
    X, _ = data(seed, 30, k, 30.0)
    lam = QuadraticLoss.from_data(X, np.zeros(30)).eigenvalues
    brute = np.max(heavy_ball_radius(lam, eta, beta))
    assert float(momentum_rate(X, eta, beta)) == pytest.approx(brute, rel=1e-12)


def test_rate_map_has_polyaks_optimum_and_the_divergence_boundary():
    X, _ = data(11, 200, 4, 10.0)
    rates = momentum_rate_map(X)
    lam = np.linalg.eigvalsh(X.T @ X / 200)  # Polyak's optimum from numpy's eigenvalues
    root = np.sqrt(lam.max() / lam.min())
    assert rates.best_learning_rate == pytest.approx(
        4 / (np.sqrt(lam.max()) + np.sqrt(lam.min())) ** 2, rel=1e-10
    )
    assert rates.best_momentum == pytest.approx(((root - 1) / (root + 1)) ** 2, rel=1e-10)
    assert rates.best_rate == pytest.approx((root - 1) / (root + 1), rel=1e-10)
    assert (rates.lambda_min, rates.lambda_max) == pytest.approx((lam.min(), lam.max()), rel=1e-12)
    assert float(rates.rate_at(rates.best_learning_rate, rates.best_momentum)) == pytest.approx(
        rates.best_rate, rel=1e-9
    )
    assert rates.rate.min() >= rates.best_rate - 1e-12  # nothing on the grid beats Polyak
    assert rates.rate.min() <= rates.best_rate * 1.02  # and the grid comes close to it
    edge = rates.divergence_boundary
    assert np.all(rates.rate_at(edge * 0.999, rates.momenta) < 1)
    assert np.all(rates.rate_at(edge * 1.001, rates.momenta) > 1)
    assert rates.rate.shape == (rates.momenta.size, rates.learning_rates.size)
    np.testing.assert_array_equal(rates.stable, rates.rate < 1)


# Points of the phase diagram: (η, β, first step, last step of the measuring window). Data with
# curvatures 1 … 0.01 (κ(XᵀX) = 100). Plain GD, overdamped, underdamped, near Polyak, near the
# edge, and two diverging runs (GD and momentum), measured before the run stops.
MEASURED = [
    (1.0, 0.0, 100, 1100),
    (1.0, 0.5, 100, 1100),
    (0.5, 0.9, 100, 600),
    (3.0, 0.7, 20, 120),
    (3.7, 0.9, 50, 450),
    (4.0, 0.9, 5, 25),
    (2.5, 0.0, 5, 25),
]


@pytest.mark.parametrize(("eta", "beta", "first", "last"), MEASURED)
def test_predicted_rate_matches_the_rate_of_an_actual_run(eta, beta, first, last):
    rng = np.random.default_rng(1)
    n, k = 200, 4
    U, _ = np.linalg.qr(rng.standard_normal((n, k)))
    V, _ = np.linalg.qr(rng.standard_normal((k, k)))
    X = (U * np.sqrt(n * np.geomspace(1.0, 0.01, k))) @ V.T
    y = X @ rng.standard_normal(k) + rng.standard_normal(n)
    run = run_optimizer(X, y, SGD(eta, momentum=beta), epochs=last, w0=3 * rng.standard_normal(k), tol=0.0)
    e = run.weights - run.objective.minimizer
    # The heavy ball's state is (eₜ, eₜ₋₁): its norm never passes through 0 the way an
    # oscillating ‖eₜ‖ does, so the ratio over the window is ρ^L times a bounded factor (the
    # conditioning of the step's eigenbasis, and t for a near-double root). With windows
    # L ≥ 20 … 1000 chosen per point, that factor's L-th root stays below 1 %.
    state = np.sqrt(np.sum(e[1:] ** 2, axis=1) + np.sum(e[:-1] ** 2, axis=1))
    measured = (state[last - 1] / state[first - 1]) ** (1.0 / (last - first))
    predicted = float(momentum_rate(X, eta, beta))
    assert measured == pytest.approx(predicted, rel=0.01)
    assert (run.excess_loss[-1] > run.excess_loss[0]) == (predicted > 1)


# -- digits lost ----------------------------------------------------------------------------------


def test_exact_least_squares_is_exact_on_integer_data_and_agrees_with_lstsq():
    rng = np.random.default_rng(0)
    X = rng.integers(-9, 10, size=(12, 4)).astype(float)
    w = rng.integers(-5, 6, size=4).astype(float)
    np.testing.assert_array_equal(exact_least_squares(X, X @ w), w)  # exact rationals, then rounded
    X, y = data(3, 30, 5)
    reference = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(exact_least_squares(X, y), reference, rtol=1e-13)


def test_constructed_problems_have_the_condition_number_asked_for():
    for kappa in (1.0, 1e3, 1e8):
        X, y = make_conditioned_problem(20, 5, kappa, seed=1)
        assert np.linalg.cond(X) == pytest.approx(kappa, rel=1e-6)
        residual = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
        assert np.linalg.norm(residual) <= 1e-14 * np.linalg.norm(y)  # y in the column space


@pytest.fixture(scope="module")
def lost():
    return digits_lost()


def test_normal_equations_lose_twice_the_digits_of_qr_and_svd(lost):
    log_kappa = np.log10(lost.condition_numbers)
    digits = dict(zip(lost.methods, lost.digits_lost, strict=True))
    # error ≈ c·κᵖ·u with p = 2 for XᵀX (κ(XᵀX) = κ²) and p = 1 for QR and SVD (backward stable,
    # y in col(X)). The rounding-error analyses bound c by a modest polynomial in K and N (an upper
    # bound: up to +0.5 digits here); a random orientation of U, V and w usually does better than
    # the worst case, measured c ≈ 10^−1.5 … 10^−0.55 (medians of 5 problems). So: within
    # [p·log10 κ − 2, p·log10 κ + 0.5] pointwise, and slopes p ± 10 % across the sweep. Below
    # κ ≈ 10² the prediction is under 2–4 digits and c dominates: those points only stay small.
    informative = log_kappa >= 2
    normal_ok = informative & ~lost.refused[0]
    deviation = digits["normal"][normal_ok] - 2 * log_kappa[normal_ok]
    assert np.all((deviation >= -2) & (deviation <= 0.5)), deviation
    for method in ("qr", "svd"):
        deviation = digits[method][informative] - log_kappa[informative]
        assert np.all((deviation >= -2) & (deviation <= 0.5)), (method, deviation)
        assert np.all(digits[method][~informative] <= 2.5), method
        slope = np.polyfit(log_kappa[informative], digits[method][informative], 1)[0]
        assert slope == pytest.approx(1.0, abs=0.1), method
    slope = np.polyfit(log_kappa[normal_ok], digits["normal"][normal_ok], 1)[0]
    assert slope == pytest.approx(2.0, abs=0.2)


def test_the_normal_equations_refuse_once_x_t_x_is_numerically_singular(lost):
    # κ(XᵀX) = κ² above ~1/(K·eps) ≈ 9e14, i.e. κ ≳ 3e7: refused (SingularGramError), never wrong.
    kappa = lost.condition_numbers
    refused = lost.refused[0]
    assert not refused[kappa <= 1e7].any() and refused[kappa >= 1e8].all()
    assert not lost.refused[1:].any()
    assert np.all(np.isnan(lost.relative_error[0][refused]))
    total = (lost.correct_digits + lost.digits_lost)[~lost.refused]
    np.testing.assert_allclose(total, -np.log10(EPS / 2))  # lost + right = the ~16 digits of a double


def test_digits_lost_relative_errors_are_what_solve_least_squares_gives():
    lost = digits_lost([1e4], repeats=1, seed=5)
    X, y = make_conditioned_problem(20, 5, 1e4, seed=5)
    exact = exact_least_squares(X, y)
    for i, method in enumerate(lost.methods):
        coef = solve_least_squares(X, y, method=method).coef
        expected = np.linalg.norm(coef - exact) / np.linalg.norm(exact)
        assert lost.relative_error[i, 0] == expected


# -- validation and results ----------------------------------------------------------------------

BAD = [
    ({"method": "newton"}, "method must be one of"),
    ({"method": "gd", "learning_rate": 0.1}, "needs steps"),
    ({"method": "gd", "steps": 3}, "needs learning_rate"),
    ({"method": "ridge"}, "needs ridge"),
    ({"method": "ridge", "ridge": 0.0}, "ridge must be greater than 0"),
    ({"method": "ridge", "ridge": -1.0}, "ridge must be greater than 0"),
    ({"method": "pinv", "ridge": 0.1}, "ridge is not used"),
    ({"method": "pinv", "steps": 3}, "steps is not used"),
    ({"method": "gd", "steps": 3, "learning_rate": 0.1, "momentum": 0.5}, 'only used by method="momentum"'),
    ({"method": "momentum", "steps": 3, "learning_rate": 0.1, "momentum": 1.0}, "must be less than 1"),
    ({"method": "momentum", "steps": -1, "learning_rate": 0.1}, "steps must be at least 0"),
    ({"method": "gd", "steps": 2.5, "learning_rate": 0.1}, "steps must be a whole number"),
    ({"method": "gd", "steps": 3, "learning_rate": 0.0}, "learning_rate must be greater than 0"),
    ({"method": "gd", "steps": 3, "learning_rate": float("nan")}, "learning_rate must be finite"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD)
def test_bad_arguments_name_the_parameter(kwargs, message):
    X, y = data(0, 10, 2)
    with pytest.raises(ValueError, match=message):
        filter_factors(X, y, **kwargs)


def test_bad_data_is_refused_before_any_work():
    X, y = data(0, 10, 2)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="X contains 1 non-finite"):
        filter_factors(bad, y, method="pinv")
    with pytest.raises(ValueError, match="does not correspond"):
        filter_factors(X[:5], y, method="pinv")
    with pytest.raises(ValueError, match="singular_values must be ≥ 0"):
        spectral_filter([-1.0], n_samples=3, method="pinv")
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        momentum_rate(X[1:], 0.0, 0.5)
    with pytest.raises(ValueError, match="momentum must be in"):
        momentum_rate(X[1:], 0.1, 1.0)
    with pytest.raises(ValueError, match="condition_numbers must all be"):
        digits_lost([0.5])
    with pytest.raises(ValueError, match="no nonzero singular value"):
        momentum_rate_map(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="steps must be at least 1"):
        early_stopping_ridge(0.1, 0)


def test_results_are_frozen_and_read_only():
    X, y = data(0, 10, 2)
    f = filter_factors(X, y, method="gd", steps=3, learning_rate=0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.coef = None
    for array in (f.coef, f.factors, f.singular_values, momentum_rate_map(X).rate):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0


def test_all_zero_data_gives_zero_filters_not_an_error():
    zeros = np.zeros((4, 3))
    f = filter_factors(zeros, np.ones(4), method="momentum", steps=5, learning_rate=0.1, momentum=0.5)
    assert f.rank == 0 and np.all(f.factors == 0) and np.all(f.coef == 0) and f.rate == 0.0
