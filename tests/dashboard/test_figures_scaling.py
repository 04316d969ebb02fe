"""Issue-6 figure builders as pure functions: each draws exactly the numbers core computed.

Where a figure shows a quantity, the test recomputes it independently (numpy's lstsq/pinv,
the projection matrix, the HMRT formula written out) or checks the figure carries core's
value where core's own tests already hold that value against an oracle.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from core import (
    SGD,
    QuadraticLoss,
    agreement_vs_sample_size,
    batch_minimizers,
    column_space_picture,
    find_minima,
    fit_cost_model,
    fitted_path,
    gd_per_direction,
    make_column_space_example,
    make_regression,
    make_tanh_data,
    min_norm_risk,
    minimizer_spread,
    minimum_set,
    noise_ball_radius,
    predicted_seconds,
    run_optimizer,
    run_tanh_descent,
    summarize_risk,
    tanh_gradient,
    tanh_loss,
    tanh_loss_grid,
    to_eigenbasis,
)
from core.cost import left_out
from core.generalization import double_descent_experiment, sample_sizes_for_gammas
from core.landscape import loss_slice
from dashboard.figures.geometry import (
    FIT_LABEL,
    PATH_LABEL,
    RESIDUAL_LABEL,
    Y_LABEL,
    build_column_space_figure,
    build_eigenbasis_figure,
    build_per_direction_figure,
    shown_directions,
)
from dashboard.figures.minima import (
    MIN_NORM_LABEL,
    SADDLE_LABEL,
    SINGLE_MIN_LABEL,
    VALLEY_LABEL,
    build_agreement_figure,
    build_tanh_landscape_figure,
    build_tanh_surface_figure,
    build_truth_distance_figure,
    build_valley_contour_figure,
    build_valley_surface_figure,
)
from dashboard.figures.scaling import (
    BATCH_MIN_LABEL,
    INDEPENDENT,
    LAW_LABEL,
    LEFT_OUT_LABEL,
    MEASURED_SPREAD,
    RESHUFFLED,
    SANDWICH_LABEL,
    THEORY_RADIUS,
    THEORY_RISK_LABEL,
    BallCloud,
    build_batch_minimizers_figure,
    build_cost_figure,
    build_double_descent_figure,
    build_noise_ball_figure,
    build_radius_figure,
    build_spread_figure,
    ellipse_through,
)
from dashboard.figures.style import END_SYMBOL, SADDLE_SYMBOL, START_SYMBOL, W_STAR_LABEL, W_STAR_SYMBOL

MAX_JSON_BYTES = 500_000
TITLE_CHARS = 32
LEGEND_CHARS = 40


def _trace(fig, prefix: str):
    matches = [t for t in fig.data if (t.name or "").startswith(prefix)]
    assert matches, f"no trace starting with {prefix!r} in {[t.name for t in fig.data]}"
    return matches[0]


def _xy(trace) -> np.ndarray:
    return np.column_stack([np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)])


def _lstsq(X, y) -> np.ndarray:
    return np.linalg.lstsq(X, y, rcond=None)[0]


def _batch_loss(X, y, W) -> np.ndarray:
    """‖y − Xw‖²/(2B) for each row of W, straight from the data."""
    R = y[None, :] - np.atleast_2d(W) @ X.T
    return 0.5 * np.mean(R * R, axis=1)


@pytest.fixture(scope="module")
def data2():
    return make_regression(300, 2, noise=0.5, condition_number=10, seed=1)


@pytest.fixture(scope="module")
def loss2(data2):
    return QuadraticLoss.from_data(data2.X, data2.y)


def _coordinate_slice(loss, points=(), anchors=()):
    w = loss.minimizer
    return loss_slice(
        loss, w, [1.0, 0.0], [0.0, 1.0], points=points, anchors=[w, *anchors], labels=("w₁", "w₂")
    )


# -- minibatches -----------------------------------------------------------------------------


def test_batch_minimizers_figure_marks_each_batch_fit_and_w_star(data2, loss2):
    X, y = data2.X, data2.y
    bm = batch_minimizers(X, y, 10, n_batches=12, seed=0)
    losses = [QuadraticLoss.from_data(X[i], y[i]) for i in bm.indices[:3]]
    fig = build_batch_minimizers_figure(
        _coordinate_slice(loss2, [bm.minimizers]),
        bm.minimizers,
        loss2.minimizer,
        batch_losses=losses,
        batch_size=10,
    )
    dots = _xy(_trace(fig, BATCH_MIN_LABEL))
    expected = np.array([_lstsq(X[i], y[i]) for i in bm.indices])  # each batch's own least-squares fit
    np.testing.assert_allclose(dots, expected, rtol=1e-8, atol=1e-10)
    star = _xy(_trace(fig, W_STAR_LABEL))[0]
    np.testing.assert_allclose(star, _lstsq(X, y), rtol=1e-8)
    # Each dashed ellipse is the level set of its batch's loss through w*.
    rings = [t for t in fig.data if t.legendgroup == "batch contours"]
    assert len(rings) == 3
    for ring, idx in zip(rings, bm.indices[:3], strict=True):
        values = _batch_loss(X[idx], y[idx], _xy(ring))
        np.testing.assert_allclose(values, _batch_loss(X[idx], y[idx], star)[0], rtol=1e-8)


def test_single_row_batches_are_drawn_as_lines_of_minima(data2, loss2):
    X, y = data2.X, data2.y
    bm = batch_minimizers(X, y, 1, n_batches=5, seed=2)
    losses = [QuadraticLoss.from_data(X[i], y[i]) for i in bm.indices[:2]]
    fig = build_batch_minimizers_figure(
        _coordinate_slice(loss2, [bm.minimizers]),
        bm.minimizers,
        loss2.minimizer,
        batch_losses=losses,
        batch_size=1,
    )
    lines = [t for t in fig.data if t.legendgroup == "batch contours"]
    for line, idx in zip(lines, bm.indices[:2], strict=True):
        pts = _xy(line)
        assert len(pts) == 2
        np.testing.assert_allclose(pts @ X[idx][0], y[idx][0], rtol=1e-8, atol=1e-10)  # the fit is exact


def test_ellipse_through_is_the_level_set(loss2):
    point = loss2.minimizer + np.array([0.3, -0.2])
    ring = ellipse_through(loss2, point)
    np.testing.assert_allclose(loss2.value(ring), loss2.value(point), rtol=1e-10)


def test_spread_figure_carries_core_columns_and_marks_b(data2):
    df = minimizer_spread(data2.X, data2.y, [5, 10, 20, 50, 100], n_batches=30)
    fig = build_spread_figure(df, batch_size=20)
    np.testing.assert_allclose(_trace(fig, MEASURED_SPREAD).y, df["rms_distance"])
    np.testing.assert_allclose(_trace(fig, LAW_LABEL).y, df["law"])
    np.testing.assert_allclose(_trace(fig, SANDWICH_LABEL).y, df["theory"])
    # c/√B: the law halves when B quadruples.
    law = pd.Series(df["law"].to_numpy(), index=df["batch_size"])
    assert law[20] / law[5] == pytest.approx(0.5)
    assert fig.layout.shapes[0].x0 == 20
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"


def _independent_frame(rates, sizes, radii) -> pd.DataFrame:
    rows = [
        (r, b, rad, False, 100) for (r, b), rad in zip(itertools.product(rates, sizes), radii, strict=True)
    ]
    return pd.DataFrame(rows, columns=["learning_rate", "batch_size", "rms_radius", "diverged", "n_iterates"])


def test_noise_ball_figures(data2, loss2):
    X, y = data2.X, data2.y
    w = loss2.minimizer
    by_rate = noise_ball_radius(X, y, learning_rates=[0.02, 0.05, 0.1], batch_sizes=[5], epochs=5)
    by_batch = noise_ball_radius(X, y, learning_rates=[0.05], batch_sizes=[1, 5, 20], epochs=5)
    row = by_rate[by_rate["learning_rate"] == 0.05].iloc[0]
    traj = run_optimizer(X, y, SGD(0.05), batch_size=5, epochs=5, w0=w, tol=0.0, loss=loss2)
    half = 0.5
    a = np.linspace(-half, half, 41)
    Z = loss2.slice_grid(w, [1.0, 0.0], [0.0, 1.0], a, a)
    clouds = [
        BallCloud(INDEPENDENT, traj.weights[::-1], 0.07),
        BallCloud(RESHUFFLED, traj.weights, row["rms_radius"]),
    ]
    fig = build_noise_ball_figure(
        w[0] + a, w[1] + a, Z, loss2.min_value, ("w₁", "w₂"), clouds, w,
        radius_theory=row["theory_rms_radius"], learning_rate=0.05, batch_size=5,
    )  # fmt: skip
    circle = _xy(_trace(fig, THEORY_RADIUS))
    np.testing.assert_allclose(np.linalg.norm(circle - w, axis=1), row["theory_rms_radius"], rtol=1e-12)
    for sampling, radius in ((INDEPENDENT, 0.07), (RESHUFFLED, row["rms_radius"])):
        ring = _xy(_trace(fig, f"measured, {sampling}"))
        np.testing.assert_allclose(np.linalg.norm(ring - w, axis=1), radius, rtol=1e-12)
        assert f"{radius:.3g}" in _trace(fig, f"{sampling}: RMS").name  # the legend says the number drawn
    np.testing.assert_allclose(_xy(_trace(fig, f"{RESHUFFLED}: RMS")), traj.weights[:, :2])
    np.testing.assert_allclose(_xy(_trace(fig, W_STAR_LABEL))[0], _lstsq(X, y), rtol=1e-8)
    independent = _independent_frame([0.02, 0.05, 0.1], [5], [0.01, 0.02, 0.03])
    by_eta = build_radius_figure(by_rate, independent, against="learning_rate")
    np.testing.assert_allclose(_trace(by_eta, f"measured, {RESHUFFLED}").y, by_rate["rms_radius"])
    np.testing.assert_allclose(_trace(by_eta, f"measured, {INDEPENDENT}").y, [0.01, 0.02, 0.03])
    np.testing.assert_allclose(_trace(by_eta, THEORY_RADIUS).y, by_rate["theory_rms_radius"])
    by_b = build_radius_figure(by_batch, against="batch_size")
    np.testing.assert_allclose(_trace(by_b, f"measured, {RESHUFFLED}").x, [1, 5, 20])
    np.testing.assert_allclose(_trace(by_b, f"measured, {RESHUFFLED}").y, by_batch["rms_radius"])
    assert by_eta.layout.title.text == "Radius against η, B = 5"
    assert by_b.layout.title.text == "Radius against B, η = 0.05"


def test_noise_ball_radius_leaves_out_diverged_runs():
    df = pd.DataFrame(
        {
            "learning_rate": [0.1, 10.0],
            "batch_size": [1, 1],
            "rms_radius": [0.2, np.inf],
            "mean_excess_loss": [0.1, np.inf],
            "theory_rms_radius": [0.25, np.inf],
            "theory_excess_loss": [0.1, np.inf],
            "diverged": [False, True],
            "n_iterates": [100, 3],
        }
    )
    fig = build_radius_figure(df, df[["learning_rate", "batch_size", "rms_radius", "diverged", "n_iterates"]],
                              against="learning_rate")  # fmt: skip
    for name in (THEORY_RADIUS, f"measured, {RESHUFFLED}", f"measured, {INDEPENDENT}"):
        assert list(_trace(fig, name).x) == [0.1]


# -- generalization --------------------------------------------------------------------------


def _hmrt(gamma, r2, s2):
    """Hastie, Montanari, Rosset & Tibshirani (2019), Theorem 1, written out independently."""
    return np.array([s2 * g / (1 - g) if g < 1 else r2 * (1 - 1 / g) + s2 / (g - 1) for g in gamma])


def test_double_descent_figure_carries_means_theory_and_the_peak():
    k = 20
    sizes = sample_sizes_for_gammas(k, [0.25, 0.5, 1.0, 2.0, 4.0])
    summary = summarize_risk(double_descent_experiment(k, sizes, noise=0.5, n_seeds=4))
    gamma = np.array([0.1, 0.25, 0.5, 0.9, 1.0, 1.1, 2.0, 4.0])
    fig = build_double_descent_figure(
        summary, gamma, min_norm_risk(gamma, signal=1.0, noise=0.5), n_features=k
    )
    theory = _trace(fig, THEORY_RISK_LABEL)
    finite = gamma != 1.0
    np.testing.assert_allclose(np.asarray(theory.y, dtype=float)[finite], _hmrt(gamma[finite], 1.0, 0.5))
    assert np.isnan(np.asarray(theory.y, dtype=float)[~finite]).all()  # inf at γ = 1: the line breaks
    mn = summary[summary["method"] == "min-norm least squares"].sort_values("gamma")
    (mean,) = [t for t in fig.data if t.name == "min-norm least squares" and t.mode == "lines+markers"]
    np.testing.assert_allclose(mean.x, mn["gamma"])
    np.testing.assert_allclose(mean.y, mn["mean"])
    assert {t.name for t in fig.data if getattr(t, "mode", None) == "lines+markers"} == set(summary["method"])
    assert fig.layout.shapes[0].x0 == 1.0  # the interpolation peak is marked
    assert fig.layout.xaxis.type == "log"


# -- cost ------------------------------------------------------------------------------------


def _synthetic_timings():
    rows = []
    for n, k in [(1000, 10), (4000, 10), (16000, 10), (4000, 2), (4000, 40), (4000, 160), (2000, 10)]:
        for method, seconds in (
            ("normal equations", 1e-9 * n * k**2 + 2e-9 * k**3 + 1e-4),
            ("QR", 4e-9 * n * k**2 + 1e-4),
            ("SVD", 5e-9 * n * k**2 + 3e-8 * k**3 + 1e-4),
            ("SGD epoch", 2e-8 * n * k + 1e-4),
        ):
            rows.append((n, k, method, seconds))
    return pd.DataFrame(rows, columns=["n_samples", "n_features", "method", "seconds"])


def test_cost_figures_draw_measurements_fits_and_crossover():
    timings = _synthetic_timings()
    model = fit_cost_model(timings)
    pred_n = predicted_seconds(model, np.geomspace(1000, 16000, 5), 10)
    pred_k = predicted_seconds(model, 4000, np.geomspace(2, 160, 5))
    by_n = build_cost_figure(timings, pred_n, against="n_samples", fixed=10, sgd_epochs=5)
    want = timings[(timings["method"] == "QR") & (timings["n_features"] == 10)].sort_values("n_samples")
    np.testing.assert_allclose(_trace(by_n, "QR").x, want["n_samples"])
    np.testing.assert_allclose(_trace(by_n, "QR").y, want["seconds"])
    by_k = build_cost_figure(
        timings, pred_k, against="n_features", fixed=4000, sgd_epochs=5, crossover_k=37.0
    )
    fitted = _trace(by_k, "SGD epoch: fitted")
    np.testing.assert_allclose(fitted.y, pred_k[pred_k["method"] == "SGD epoch"]["seconds"])
    np.testing.assert_allclose(_trace(by_k, "5 SGD epochs").y, 5 * np.asarray(fitted.y))
    assert by_k.layout.shapes[0].x0 == 37.0
    assert not by_n.layout.shapes  # the crossover is a K: marked on the K sweep only
    assert by_n.layout.xaxis.type == by_k.layout.xaxis.type == "log"
    assert by_n.layout.title.text == "Seconds against N, K = 10"
    assert by_k.layout.title.text == "Seconds against K, N = 4,000"


def test_cost_figure_draws_left_out_timings_hollow():
    timings = _synthetic_timings()
    disturbed = timings.index[
        (timings["n_samples"] == 16000)
        & (timings["n_features"] == 10)
        & (timings["method"] == "normal equations")
    ]
    timings.loc[disturbed, "seconds"] *= 10  # another program ran during every repeat
    model = fit_cost_model(timings)
    out = left_out(model, timings)
    assert out.sum() == 1 and out[disturbed[0]]
    pred = predicted_seconds(model, [1000, 16000], 10)
    fig = build_cost_figure(timings, pred, against="n_samples", fixed=10, left_out=out)
    normal = _trace(fig, "normal equations")
    fills = list(normal.marker.color)
    assert fills.count("#ffffff") == 1 and fills[np.argmax(normal.x)] == "#ffffff"  # N = 16,000 is hollow
    assert _trace(fig, LEFT_OUT_LABEL)


# -- minima ----------------------------------------------------------------------------------


def test_valley_figures_for_collinear_features(data2):
    X = data2.X.copy()
    X[:, 1] = X[:, 0]
    loss = QuadraticLoss.from_data(X, data2.y)
    mset = minimum_set(loss)
    slice_ = _coordinate_slice(loss, anchors=[np.zeros(2)])
    fig = build_valley_contour_figure(slice_, mset)
    pinv = np.linalg.pinv(X) @ data2.y  # the minimum-norm minimizer, independently
    np.testing.assert_allclose(_xy(_trace(fig, MIN_NORM_LABEL))[0], pinv, rtol=1e-8)
    valley = _xy(_trace(fig, VALLEY_LABEL))
    rss_min = np.sum((data2.y - X @ pinv) ** 2) / (2 * len(data2.y))
    np.testing.assert_allclose(_batch_loss(X, data2.y, valley), rss_min, rtol=1e-8)  # flat: L* all along
    # The pseudo-inverse point is the valley's point nearest 0: 0 → X⁺y is perpendicular to the valley.
    assert abs(np.dot(valley[1] - valley[0], pinv)) < 1e-8 * np.linalg.norm(valley[1] - valley[0])
    surface = build_valley_surface_figure(slice_, mset)
    assert any(t.type == "surface" for t in surface.data)
    line3d = _trace(surface, VALLEY_LABEL)
    assert np.all(np.asarray(line3d.z) >= rss_min)


def test_valley_figures_for_a_regular_problem_show_one_minimum(data2, loss2):
    mset = minimum_set(loss2)
    fig = build_valley_contour_figure(_coordinate_slice(loss2, anchors=[np.zeros(2)]), mset)
    np.testing.assert_allclose(_xy(_trace(fig, SINGLE_MIN_LABEL))[0], _lstsq(data2.X, data2.y), rtol=1e-8)
    assert not [t for t in fig.data if (t.name or "").startswith(VALLEY_LABEL)]


@pytest.fixture(scope="module")
def tanh_case():
    data = make_tanh_data(60, seed=0)
    report = find_minima(data.x, data.y, n_starts=6, epochs=300, seed=0)
    paths = run_tanh_descent(data.x, data.y, report.starts, epochs=300, seed=0, record_every=10)
    w1, w2 = np.linspace(-4, 4, 41), np.linspace(-2.5, 2.5, 31)
    return data, report, paths, w1, w2, tanh_loss_grid(data.x, data.y, w1, w2)


def test_tanh_landscape_marks_minima_saddle_and_paths(tanh_case):
    data, report, paths, w1, w2, Z = tanh_case
    fig = build_tanh_landscape_figure(
        w1, w2, Z, report.minima, paths, report.labels, true_weights=data.true_weights
    )
    mins = report.minima[report.minima["kind"] == "minimum"]
    assert len(mins) == 2  # the mirror pair
    stars = [t for t in fig.data if (t.name or "").startswith("minimum ")]
    drawn = sorted((t.x[0], t.y[0]) for t in stars)
    np.testing.assert_allclose(drawn, sorted(zip(mins["w1"], mins["w2"], strict=True)))
    for x, y in drawn:  # stationary points of the loss, by its gradient
        assert np.linalg.norm(tanh_gradient([x, y], data.x, data.y)) < 1e-5
    saddle = _trace(fig, SADDLE_LABEL)
    assert (saddle.x[0], saddle.y[0]) == (0.0, 0.0)
    np.testing.assert_allclose(tanh_gradient([0.0, 0.0], data.x, data.y), 0.0, atol=1e-15)
    lines = [t for t in fig.data if getattr(t, "mode", None) == "lines"]
    assert len(lines) == len(paths)
    for line, path in zip(lines, paths, strict=True):
        np.testing.assert_allclose(_xy(line), path)
    np.testing.assert_allclose(paths[:, -1], report.endpoints)  # the drawn runs are the runs classified
    # One marker language: minima are diamonds, the saddle a cross, a run starts at a ring and ends at a dot.
    assert {t.marker.symbol for t in stars} == {W_STAR_SYMBOL}
    assert saddle.marker.symbol == SADDLE_SYMBOL
    for m, path in enumerate(paths):
        start, end = _trace(fig, f"start of run {m + 1}"), _trace(fig, f"end of run {m + 1}")
        assert (start.marker.symbol, end.marker.symbol) == (START_SYMBOL, END_SYMBOL)
        np.testing.assert_allclose([start.x[0], start.y[0]], path[0])
        np.testing.assert_allclose([end.x[0], end.y[0]], path[-1])


def test_tanh_surface_puts_the_saddle_at_its_loss(tanh_case):
    data, report, _, w1, w2, Z = tanh_case
    saddle_loss = tanh_loss([0.0, 0.0], data.x, data.y)
    assert saddle_loss == pytest.approx(0.5 * np.mean(data.y**2))
    fig = build_tanh_surface_figure(w1, w2, Z, report.minima, saddle_loss=saddle_loss)
    lift = 0.01 * (Z.max() - Z.min())
    assert _trace(fig, SADDLE_LABEL).z[0] == pytest.approx(saddle_loss + lift)
    assert _trace(fig, SADDLE_LABEL).marker.symbol == SADDLE_SYMBOL  # the same cross as in the contour
    minima = [t for t in fig.data if t.legendgroup == "minima"]
    mins = report.minima[report.minima["kind"] == "minimum"]
    assert len(minima) == len(mins) and {t.marker.symbol for t in minima} == {W_STAR_SYMBOL}
    np.testing.assert_allclose(sorted(t.z[0] for t in minima), sorted(mins["loss"] + lift))


def test_agreement_figures_carry_the_experiment():
    df = agreement_vs_sample_size([10, 100], n_seeds=4)
    fig = build_agreement_figure(df)
    np.testing.assert_allclose(_trace(fig, "pairs of runs that agree").y, df["agreement_fraction"])
    np.testing.assert_allclose(_trace(fig, "runs with a finite minimum").y, df["converged_fraction"])
    fig = build_truth_distance_figure(df)
    np.testing.assert_allclose(_trace(fig, "median distance").y, df["median_distance"])
    np.testing.assert_allclose(_trace(fig, "RMS").y, df["endpoint_spread"])


# -- geometry --------------------------------------------------------------------------------


@pytest.mark.parametrize("exact", [False, True])
def test_column_space_figure_draws_the_projection(exact):
    X, y = make_column_space_example(exact_fit=exact, seed=3)
    pic = column_space_picture(X, y)
    traj = run_optimizer(X, y, SGD(0.1), epochs=8, w0=np.zeros(2), tol=0.0)
    path = fitted_path(X, traj.weights)
    fig = build_column_space_figure(pic, path, steps=traj.steps)
    P = X @ np.linalg.inv(X.T @ X) @ X.T  # the projector onto col(X), independently
    fit = _trace(fig, FIT_LABEL)
    np.testing.assert_allclose([fit.x[1], fit.y[1], fit.z[1]], P @ y, atol=1e-12)
    data_arrow = _trace(fig, Y_LABEL)
    np.testing.assert_allclose([data_arrow.x[1], data_arrow.y[1], data_arrow.z[1]], y)
    drawn_path = np.column_stack(
        [_trace(fig, PATH_LABEL).x, _trace(fig, PATH_LABEL).y, _trace(fig, PATH_LABEL).z]
    )
    np.testing.assert_allclose(drawn_path, traj.weights @ X.T)
    residual = [t for t in fig.data if t.name == RESIDUAL_LABEL and t.type == "scatter3d"]
    if exact:
        assert not residual
    else:
        r = residual[0]
        start, end = np.array([r.x[0], r.y[0], r.z[0]]), np.array([r.x[1], r.y[1], r.z[1]])
        np.testing.assert_allclose(end - start, y - P @ y, atol=1e-12)  # the arrow is r = y − ŷ
        np.testing.assert_allclose(X.T @ (end - start), 0.0, atol=1e-12)  # Xᵀr = 0
        # The plane patch lies in col(X): its normal is orthogonal to every point.
        plane = next(t for t in fig.data if t.type == "surface")
        n = np.cross(X[:, 0], X[:, 1])
        pts = np.stack([np.ravel(plane.x), np.ravel(plane.y), np.ravel(plane.z)], axis=1)
        np.testing.assert_allclose(pts @ n, 0.0, atol=1e-12)


def test_eigenbasis_figures_carry_to_eigenbasis_and_the_theory(loss2, data2):
    w0 = np.array([-2.0, 2.0])
    traj = run_optimizer(data2.X, data2.y, SGD(0.3), epochs=25, w0=w0, loss=loss2, tol=0.0)
    coords = to_eigenbasis(loss2, traj.weights)
    lam, V = np.linalg.eigh(loss2.A)  # independent: ascending, so the most curved is last
    np.testing.assert_allclose(
        np.abs(coords[:, 0]), np.abs((traj.weights - loss2.minimizer) @ V[:, -1]), atol=1e-12
    )
    s = loss_slice(
        loss2, loss2.minimizer, loss2.eigenvectors[:, 0], loss2.eigenvectors[:, 1], points=[traj.weights]
    )
    fig = build_eigenbasis_figure(s, coords, directions=(0, 1), eigenvalues=loss2.eigenvalues, label="GD")
    path = _trace(fig, "GD")
    inside = np.isfinite(np.asarray(path.x, dtype=float))
    np.testing.assert_allclose(np.asarray(path.x, dtype=float)[inside], coords[inside, 0])
    np.testing.assert_allclose(np.asarray(path.y, dtype=float)[inside], coords[inside, 1])
    # In these coordinates L = L* + ½(λ₁a² + λ₂b²): the contour is axis-aligned.
    A, B = np.meshgrid(s.a, s.b)
    np.testing.assert_allclose(s.Z, loss2.min_value + 0.5 * (lam[-1] * A**2 + lam[0] * B**2), rtol=1e-9)
    theory = gd_per_direction(loss2, w0, 0.3, int(traj.steps[-1]))
    per = build_per_direction_figure(
        traj.steps, coords, theory, eigenvalues=loss2.eigenvalues, learning_rate=0.3
    )
    measured = [t for t in per.data if t.mode == "markers" and t.x[0] is not None]  # not the legend keys
    dashed = [t for t in per.data if t.mode == "lines" and t.x[0] is not None]
    for d, (m, th) in enumerate(zip(measured, dashed, strict=True)):
        np.testing.assert_allclose(np.asarray(m.y, dtype=float)[:5], np.abs(coords[:5, d]))
        expected = np.abs((1 - 0.3 * lam[::-1][d]) ** np.arange(6) * coords[0, d])  # (1 − ηλ)ᵗ e(0)
        np.testing.assert_allclose(np.asarray(th.y, dtype=float)[:6], expected, rtol=1e-9)
    assert per.layout.yaxis.type == "log"


def test_shown_directions_thin_many_to_the_extremes_and_middle():
    assert shown_directions(3) == [0, 1, 2]
    assert shown_directions(50) == [0, 1, 25, 48, 49]


# -- all figures ----------------------------------------------------------------------------


def test_every_figure_is_titled_labelled_small_and_plain(data2, loss2, tanh_case):
    X, y = data2.X, data2.y
    bm = batch_minimizers(X, y, 10, n_batches=40)
    sl = _coordinate_slice(loss2, [bm.minimizers], anchors=[np.zeros(2)])
    spread = minimizer_spread(X, y, [5, 10, 20, 50], n_batches=20)
    nb = noise_ball_radius(X, y, learning_rates=[0.05], batch_sizes=[1, 5], epochs=3)
    k = 20
    dd = summarize_risk(
        double_descent_experiment(k, sample_sizes_for_gammas(k, [0.5, 2.0]), noise=1.0, n_seeds=3)
    )
    timings = _synthetic_timings()
    model = fit_cost_model(timings)
    _, report, paths, w1, w2, Z = tanh_case
    pic = column_space_picture(*make_column_space_example())
    traj = run_optimizer(X, y, SGD(0.3), epochs=20, w0=np.array([-2.0, 2.0]), loss=loss2)
    coords = to_eigenbasis(loss2, traj.weights)
    theory = gd_per_direction(loss2, traj.weights[0], 0.3, 20)
    figs = {
        "batches": build_batch_minimizers_figure(sl, bm.minimizers, loss2.minimizer, batch_size=10),
        "spread": build_spread_figure(spread),
        "ball": build_noise_ball_figure(
            sl.x,
            sl.y,
            sl.Z,
            sl.min_value,
            sl.labels,
            [BallCloud(INDEPENDENT, bm.minimizers, 0.1), BallCloud(RESHUFFLED, bm.minimizers, 0.05)],
            loss2.minimizer,
            radius_theory=0.1,
            learning_rate=0.05,
            batch_size=5,
        ),
        "radius η": build_radius_figure(nb, against="learning_rate"),
        "radius B": build_radius_figure(nb, against="batch_size"),
        "double descent": build_double_descent_figure(dd, [0.5, 2.0], [1.0, 1.0], n_features=k),
        "cost N": build_cost_figure(
            timings, predicted_seconds(model, [1000, 16000], 10), against="n_samples", fixed=10
        ),
        "cost K": build_cost_figure(
            timings,
            predicted_seconds(model, 4000, [2, 160]),
            against="n_features",
            fixed=4000,
            crossover_k=30,
        ),
        "valley": build_valley_contour_figure(sl, minimum_set(loss2)),
        "valley 3d": build_valley_surface_figure(sl, minimum_set(loss2)),
        "tanh": build_tanh_landscape_figure(w1, w2, Z, report.minima, paths, report.labels),
        "tanh 3d": build_tanh_surface_figure(w1, w2, Z, report.minima, saddle_loss=0.1),
        "agreement": build_agreement_figure(agreement := agreement_vs_sample_size([10, 30], n_seeds=3)),
        "truth": build_truth_distance_figure(agreement),
        "columns": build_column_space_figure(pic),
        "eigen": build_eigenbasis_figure(sl, coords, eigenvalues=loss2.eigenvalues),
        "per direction": build_per_direction_figure(
            traj.steps, coords, theory, eigenvalues=loss2.eigenvalues, learning_rate=0.3
        ),
    }
    for name, fig in figs.items():
        layout = fig.layout
        assert layout.title.text, name
        # Short enough for a panel 440 px wide on a projector (27 px type): about 30 characters.
        assert len(layout.title.text) <= TITLE_CHARS, f"{name}: title {layout.title.text!r} is too long"
        assert layout.template.layout.to_plotly_json() == {}, f"{name}: template should be 'none'"
        legend = layout.legend
        assert (legend.orientation, legend.yref, legend.yanchor) == ("h", "container", "bottom"), name
        if layout.scene.xaxis.title.text is None:
            for axis in ("xaxis", "yaxis"):
                assert getattr(layout, axis).title.text, f"{name}: {axis} untitled"
        else:
            assert layout.scene.xaxis.title.text and layout.scene.zaxis.title.text, name
        assert layout.font.size >= 16
        for tr in fig.data:
            assert tr.hovertemplate or tr.hoverinfo == "skip" or tr.type == "cone", (
                f"{name}: {tr.name} no hover"
            )
            # A doubled brace in a hover is an f-string leftover: plotly would print it as text.
            assert "{{" not in (tr.hovertemplate or ""), f"{name}: {tr.name}: {tr.hovertemplate!r}"
            if tr.showlegend is not False and tr.name and tr.type in ("scatter", "scatter3d"):
                shown = re.sub(r"<[^>]+>", "", tr.name)
                assert len(shown) <= LEGEND_CHARS, f"{name}: legend entry {shown!r} is too long"
        assert len(fig.to_json()) < MAX_JSON_BYTES, name


def test_builders_do_not_import_streamlit():
    code = (
        "import sys; import dashboard.figures.scaling, dashboard.figures.geometry, dashboard.figures.minima; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
