"""The spectrum figure builders: every plotted number against an independent reference
(numpy formulas, numpy.roots, numpy.linalg.eigvalsh), and the shapes the view relies on."""

from __future__ import annotations

import numpy as np
import pytest

from core import digits_lost, momentum_rate_map
from dashboard.figures.spectrum import (
    DIVERGED_CODE,
    SPEED_CODES,
    FilterSpec,
    PhasePoint,
    build_digits_figure,
    build_filter_figure,
    build_phase_figure,
    format_rate,
    sigma_grid,
    speed_codes,
    steps_per_digit,
)

N = 50
SIGMA = np.array([12.0, 6.0, 2.0, 0.5])  # λ = σ²/N = 2.88, 0.72, 0.08, 0.005


def design(n=N, sigma=SIGMA, seed=0):
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((n, sigma.size)))
    V, _ = np.linalg.qr(rng.standard_normal((sigma.size, sigma.size)))
    return (U * sigma) @ V.T


def heavy_ball_loop(x: np.ndarray, beta: float, t: int) -> np.ndarray:
    """φ(t) by iterating w ← w − ηg + β(w − w_prev) per direction from w = 0 (target 1)."""
    w_prev = w = np.zeros_like(x)
    for _ in range(t):
        w, w_prev = w - x * (w - 1.0) + beta * (w - w_prev), w
    return w


def largest_root(lam, eta, beta) -> float:
    return max(abs(np.roots([1.0, -(1 + beta - eta * lam), beta])))


def markers(fig, name):
    return next(t for t in fig.data if t.name == name and t.mode == "markers")


def curve(fig, name):
    return next(t for t in fig.data if t.name == name and t.mode == "lines")


# -- filter factors ------------------------------------------------------------------------------

SPECS = [
    FilterSpec("GD", "#0072B2", "gd", learning_rate=0.3),
    FilterSpec("heavy ball", "#D55E00", "momentum", learning_rate=0.3, momentum=0.8),
    FilterSpec("ridge", "#0072B2", "ridge", ridge=0.1, dash="dash"),
    FilterSpec("pinv", "#555555", "pinv", dash="dot"),
]


@pytest.mark.parametrize("steps", [1, 30, 500])
def test_filter_markers_sit_at_the_data_directions_with_the_textbook_factors(steps):
    fig = build_filter_figure(SIGMA, N, SPECS, steps=steps)
    lam = SIGMA**2 / N
    expected = {
        "GD": 1 - (1 - 0.3 * lam) ** steps,
        "heavy ball": heavy_ball_loop(0.3 * lam, 0.8, steps),
        "ridge": lam / (lam + 0.1),
        "pinv": np.ones_like(lam),
    }
    for name, phi in expected.items():
        m = markers(fig, name)
        np.testing.assert_allclose(m.x, SIGMA)
        np.testing.assert_allclose(m.y, phi, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(np.asarray(m.customdata)[:, 2], phi, rtol=1e-10, atol=1e-13)  # the hover
        np.testing.assert_allclose(np.asarray(m.customdata)[:, 1], lam)
    assert f"t = {steps:,}" in fig.layout.title.text
    rug = next(t for t in fig.data if t.name == "σᵢ of your data")
    np.testing.assert_allclose(rug.x, SIGMA)


def test_filter_curves_span_the_data_and_end_at_the_stability_edge():
    fast = FilterSpec("fast GD", "#000000", "gd", learning_rate=0.6)  # ηλ = 2 at σ = √(2N/η) ≈ 12.9
    fig = build_filter_figure(SIGMA, N, [fast, *SPECS[2:]], steps=30)
    grid = sigma_grid(SIGMA)
    assert grid[0] == pytest.approx(SIGMA.min() / 3) and grid[-1] == pytest.approx(SIGMA.max() * 1.5)
    line = curve(fig, "fast GD")
    y = np.asarray(line.y, dtype=float)
    beyond = 0.6 * np.asarray(line.x) ** 2 / N >= 2.0
    assert beyond.any() and np.all(np.isnan(y[beyond])) and np.all(np.isfinite(y[~beyond]))
    ridge = curve(fig, "ridge")
    np.testing.assert_allclose(ridge.y, (grid**2 / N) / (grid**2 / N + 0.1), rtol=1e-12)


def test_a_diverging_filter_is_clipped_not_drawn_to_infinity():
    wild = FilterSpec("wild", "#000000", "gd", learning_rate=5.0)  # ηλ = 14.4, 3.6, 0.4, 0.025
    fig = build_filter_figure(SIGMA, N, [wild], steps=40)
    m = markers(fig, "wild")
    y = np.asarray(m.y, dtype=float)
    assert np.all(np.isnan(y[:2])) and np.all(np.abs(np.asarray(m.customdata)[:2, 2]) > 1e10)  # hover tells
    assert np.all(np.isfinite(y[2:]))


def test_directions_beyond_the_rank_are_not_drawn():
    fig = build_filter_figure(np.array([3.0, 1.0, 1e-17]), 10, SPECS[:1], steps=5, rank=2)
    assert len(markers(fig, "GD").x) == 2


# -- phase diagram -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def phase():
    X = design()
    rates = momentum_rate_map(X)
    lam = np.linalg.eigvalsh(X.T @ X / N)
    points = [
        PhasePoint("Run 1: GD", "#0072B2", 0.3, 0.0),
        PhasePoint("Run 2: Momentum", "#D55E00", 1.2, 0.9),
    ]
    fig = build_phase_figure(
        rates, points, pick_learning_rates=(0.01, 0.1, 0.3, 1.0, 100.0), pick_momenta=(0.0, 0.5, 0.9)
    )
    return rates, lam, fig


def test_the_heatmap_codes_are_the_speed_of_each_cell(phase):
    rates, lam, fig = phase
    heat = next(t for t in fig.data if t.type == "heatmap")
    z = np.asarray(heat.z)
    assert z.dtype == np.uint8 and z.shape == (rates.momenta.size, rates.learning_rates.size)
    rng = np.random.default_rng(3)
    _, top = speed_codes(rates.rate)
    for j, i in zip(rng.integers(0, z.shape[0], 40), rng.integers(0, z.shape[1], 40), strict=True):
        eta, beta = rates.learning_rates[i], rates.momenta[j]
        rate = max(largest_root(v, eta, beta) for v in lam)  # every eigenvalue, not only the extremes
        if rate >= 1:
            assert z[j, i] == DIVERGED_CODE
        else:
            per_digit = np.log(10) / -np.log(rate)
            assert z[j, i] == round(np.log10(max(per_digit, 1.0)) / top * SPEED_CODES)


def test_star_edge_runs_and_click_grid_are_where_theory_puts_them(phase):
    rates, lam, fig = phase
    lam_max, lam_min = lam.max(), lam.min()
    star = next(t for t in fig.data if (t.name or "").startswith("fastest"))
    assert star.x[0] == pytest.approx(4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2, rel=1e-10)
    kappa = lam_max / lam_min
    assert star.y[0] == pytest.approx(((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2, rel=1e-10)
    edge = next(t for t in fig.data if (t.name or "").startswith("stability edge"))
    np.testing.assert_allclose(edge.x, 2 * (1 + rates.momenta) / lam_max, rtol=1e-10)
    run2 = next(t for t in fig.data if t.name == "Run 2: Momentum")
    rate = max(largest_root(v, 1.2, 0.9) for v in lam)
    assert (run2.x[0], run2.y[0]) == (1.2, 0.9)
    assert f"rate {format_rate(rate)} per step" in run2.hovertemplate
    pick = next(t for t in fig.data if t.name == "click to set")
    inside = {
        v for v in (0.01, 0.1, 0.3, 1.0, 100.0) if rates.learning_rates[0] <= v <= rates.learning_rates[-1]
    }
    assert {float(np.float32(v)) for v in inside} == set(np.asarray(pick.x, dtype=float))
    for x, y, r in zip(pick.x, pick.y, pick.customdata, strict=True):
        assert r == pytest.approx(max(largest_root(v, float(x), float(y)) for v in lam), rel=1e-5)
    assert fig.layout.clickmode == "event+select"


def test_no_click_grid_when_no_sidebar_rate_fits_the_diagram():
    rates = momentum_rate_map(design() * 1e4)  # λ ~ 1e8: every η the sidebar offers diverges
    fig = build_phase_figure(rates, pick_learning_rates=(1e-4, 0.1), pick_momenta=(0.0, 0.5))
    assert not [t for t in fig.data if t.name == "click to set"]


def test_rate_helpers():
    assert format_rate(0.5091) == "0.509"
    assert format_rate(0.99969) == "1 − 0.00031"
    assert format_rate(1.5) == "1.5"
    np.testing.assert_allclose(steps_per_digit([0.1, 0.5]), [1.0, np.log(10) / np.log(2)])
    assert steps_per_digit(1.0) == np.inf


# -- digits lost -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lost():
    return digits_lost([1.0, 1e3, 1e6, 1e9], repeats=1)


def test_digits_lines_are_log10_of_the_error_over_the_unit_roundoff(lost):
    fig = build_digits_figure(lost, condition_number=250.0)
    u = 2.0**-53
    for name, row in (("normal equations (XᵀX)", 0), ("QR of X", 1), ("SVD of X", 2)):
        line = next(t for t in fig.data if t.name == name)
        err = lost.relative_error[row]
        expected = np.log10(np.maximum(err, u) / u)
        np.testing.assert_allclose(np.asarray(line.y, dtype=float), expected, equal_nan=True)
        np.testing.assert_allclose(line.x, lost.condition_numbers)
    theory = next(t for t in fig.data if t.name == "theory 2·log₁₀ κ")
    np.testing.assert_allclose(theory.y, np.minimum(2 * np.log10(theory.x), 16))
    marker = next(s for s in fig.layout.shapes if s.type == "line")
    assert marker.x0 == marker.x1 == 250.0
    assert any("κ(X) = 250" in a.text for a in fig.layout.annotations)
    shaded = next(s for s in fig.layout.shapes if s.type == "rect")
    assert shaded.x0 == 1e9  # the first κ where the normal equations refused


def test_an_infinite_condition_number_is_said_not_drawn(lost):
    fig = build_digits_figure(lost, condition_number=float("inf"))
    assert not [s for s in fig.layout.shapes if s.type == "line"]
    assert any("∞" in a.text for a in fig.layout.annotations)
