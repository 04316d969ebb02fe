"""Figure builders as pure functions: traces, where things are drawn, sizes, and no streamlit."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import QuadraticLoss, add_intercept_column, make_regression
from core.landscape import loss_curve, loss_slice, slice_directions
from dashboard.figures import (
    CAMERA_PRESETS,
    PATH_COLORS,
    PathSpec,
    build_coef_figure,
    build_contour_figure,
    build_convergence_figure,
    build_fit_figure,
    build_loss_curve_figure,
    build_residual_figure,
    build_surface_figure,
    downsample_path,
)
from dashboard.figures.convergence import FLOOR_FACTOR, X_AXES, _log_ticks
from dashboard.figures.landscape import CLIPPED_NOTE, END_LABEL, PROJECTED_NOTE, START_LABEL
from dashboard.figures.style import END_SYMBOL, START_SYMBOL, W_STAR_LABEL, W_STAR_SYMBOL

MAX_JSON_BYTES = 500_000


@dataclass(frozen=True)
class FakeTrajectory:
    """The attributes the figures rely on, as ``core.run_optimizer`` returns them."""

    weights: np.ndarray
    loss: np.ndarray
    steps: np.ndarray
    converged: bool
    diverged: bool
    message: str

    @property
    def n_steps(self) -> int:
        return int(self.steps[-1])


def run_gd(loss: QuadraticLoss, w0, learning_rate: float, n_steps: int) -> FakeTrajectory:
    """Plain full-batch GD, stopped like core does once the loss explodes."""
    W = [np.asarray(w0, dtype=float)]
    limit = 1e10 * max(loss.value(W[0]), 1.0)
    for _ in range(n_steps):
        W.append(W[-1] - learning_rate * loss.gradient(W[-1]))
        if loss.value(W[-1]) > limit:
            break
    W = np.array(W)
    diverged = len(W) < n_steps + 1
    message = f"diverged at step {len(W) - 1}: learning rate above 2/λ_max" if diverged else "ok"
    return FakeTrajectory(W, loss.value(W), np.arange(len(W)), not diverged, diverged, message)


@pytest.fixture(scope="module")
def problem2():
    data = make_regression(200, 2, noise=0.5, condition_number=30, seed=1)
    return data, QuadraticLoss.from_data(data.X, data.y)


@pytest.fixture(scope="module")
def runs2(problem2):
    _, loss = problem2
    lam = loss.eigenvalues[0]
    w0 = np.array([-2.0, 3.0])
    return [
        PathSpec("GD η = 1/λ", PATH_COLORS[0], run_gd(loss, w0, 1.0 / lam, 200)),
        PathSpec("GD η = 1.9/λ", PATH_COLORS[1], run_gd(loss, w0, 1.9 / lam, 200)),
    ]


def slice_for(loss, specs, mode="coordinates", **kw):
    d1, d2, labels = slice_directions(loss, mode)
    starts = [s.trajectory.weights[0] for s in specs]
    points = [s.trajectory.weights for s in specs]
    return loss_slice(
        loss, loss.minimizer, d1, d2, labels=labels, points=points, anchors=[loss.minimizer, *starts], **kw
    )


def types(fig: go.Figure) -> list[str]:
    return [t.type for t in fig.data]


def named(fig: go.Figure, name: str):
    return [t for t in fig.data if t.name == name]


# --- landscape -------------------------------------------------------------------------------


def test_surface_traces_path_ends_and_w_star(problem2, runs2):
    _, loss = problem2
    s = slice_for(loss, runs2)
    fig = build_surface_figure(s, runs2, loss.minimizer)
    assert types(fig) == ["surface"] + ["scatter3d"] * (2 * len(runs2)) + ["scatter3d"]
    assert fig.data[0].showscale is False and fig.layout.showlegend is False  # the contour has both
    np.testing.assert_array_equal(fig.data[0].z, s.Z)
    for spec in runs2:
        line, ends = named(fig, spec.label)
        last = spec.trajectory.weights[-1]
        # K = 2, coordinate slice: the drawn coordinates are the weights themselves.
        assert (line.x[-1], line.y[-1]) == tuple(last)
        assert (line.x[0], line.y[0]) == tuple(spec.trajectory.weights[0])
        assert (ends.x[1], ends.y[1]) == tuple(last)
        assert list(ends.marker.symbol) == [START_SYMBOL, END_SYMBOL]
        # On the surface: height = slice loss (plus a small lift); hover has the true loss.
        lift = line.z[-1] - s.value(last[0], last[1])
        assert 0 < lift < 0.01 * np.ptp(s.Z)
        np.testing.assert_allclose(line.customdata[-1, 1], spec.trajectory.loss[-1], rtol=1e-5)
    (star,) = named(fig, W_STAR_LABEL)
    assert (star.x[0], star.y[0]) == tuple(loss.minimizer)
    assert star.marker.symbol == W_STAR_SYMBOL


def test_surface_camera_buttons_and_uirevision(problem2, runs2):
    _, loss = problem2
    s = slice_for(loss, runs2)
    fig = build_surface_figure(s, runs2, loss.minimizer, camera=CAMERA_PRESETS["top"])
    assert fig.layout.scene.camera.eye.z == CAMERA_PRESETS["top"]["eye"]["z"]
    again = build_surface_figure(s, runs2[:1], loss.minimizer)
    assert fig.layout.uirevision == again.layout.uirevision == fig.layout.scene.uirevision
    # The view presets are buttons in the chart: each sets the scene camera in the browser.
    (menu,) = fig.layout.updatemenus
    cameras = {b.label: b.args[0]["scene.camera"] for b in menu.buttons}
    assert cameras["Top"] == CAMERA_PRESETS["top"]
    assert cameras["Reset view"] == cameras["Oblique"] == CAMERA_PRESETS["oblique"]


def test_contour_traces_equal_aspect_and_log_levels(problem2, runs2):
    _, loss = problem2
    s = slice_for(loss, runs2)
    fig = build_contour_figure(s, runs2, loss.minimizer)
    # The contour, a line and ends per run, w*, then the two legend entries for the start and end marks.
    assert types(fig) == ["contour"] + ["scatter"] * (2 * len(runs2) + 3)
    assert [t.name for t in fig.data[-2:]] == [START_LABEL, END_LABEL]
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    # Levels are in log10(L − L*): the colour scale spans decades, not a linear range.
    contour = fig.data[0]
    np.testing.assert_allclose(10 ** contour.z.max(), (s.Z - loss.min_value).max(), rtol=1e-5)
    assert contour.contours.end - contour.contours.start == pytest.approx(4.0)
    np.testing.assert_allclose(contour.customdata, s.Z, rtol=1e-6)
    for spec in runs2:
        line, _ = named(fig, spec.label)
        assert (line.x[-1], line.y[-1]) == tuple(spec.trajectory.weights[-1])
    (star,) = named(fig, W_STAR_LABEL)
    assert star.marker.symbol == W_STAR_SYMBOL
    assert (star.x[0], star.y[0]) == tuple(loss.minimizer)
    assert not fig.layout.annotations


def test_projected_k5_paths_end_at_the_projected_last_iterate():
    data = make_regression(300, 5, noise=0.3, condition_number=100, seed=4)
    loss = QuadraticLoss.from_data(data.X, data.y)
    spec = PathSpec("GD", PATH_COLORS[0], run_gd(loss, np.zeros(5), 1.0 / loss.eigenvalues[0], 500))
    s = slice_for(loss, [spec], mode="eigen")
    x, y, dist = s.project(spec.trajectory.weights[-1:])
    assert dist[0] > 0  # a genuine projection
    for build in (build_surface_figure, build_contour_figure):
        fig = build(s, [spec], loss.minimizer, projected=True)
        line = named(fig, "GD")[0]
        assert (line.x[-1], line.y[-1]) == (x[0], y[0])
        np.testing.assert_allclose(line.customdata[-1, 2], dist[0], rtol=1e-3)
        assert PROJECTED_NOTE in [a.text for a in fig.layout.annotations]
        star = named(fig, W_STAR_LABEL)[0]
        sx, sy, _ = s.project(loss.minimizer)
        assert (star.x[0], star.y[0]) == (sx[0], sy[0])


def test_diverged_run_is_clipped_marked_and_annotated(problem2):
    _, loss = problem2
    spec = PathSpec("too fast", PATH_COLORS[3], run_gd(loss, np.zeros(2), 2.2 / loss.eigenvalues[0], 2000))
    assert spec.trajectory.diverged
    s = slice_for(loss, [spec])
    assert s.clipped
    for build in (build_surface_figure, build_contour_figure):
        fig = build(s, [spec], loss.minimizer)
        line, ends = named(fig, "too fast")
        assert ends.marker.symbol[1] == "x"
        assert "outside the view" in ends.text[1] and spec.trajectory.message in ends.text[1]
        # The end marker is pinned inside the drawn extent; points outside are gaps.
        assert s.contains(ends.x[1], ends.y[1])
        assert np.isnan(line.x[-1])
        assert CLIPPED_NOTE in [a.text for a in fig.layout.annotations]


def test_loss_curve_for_one_feature():
    data = make_regression(100, 1, noise=0.5, seed=5)
    loss = QuadraticLoss.from_data(data.X, data.y)
    spec = PathSpec("GD", PATH_COLORS[0], run_gd(loss, [-2.0], 0.5 / loss.eigenvalues[0], 40))
    d1, _, labels = slice_directions(loss)
    c = loss_curve(loss, loss.minimizer, d1, label=labels[0], anchors=[loss.minimizer, [-2.0]])
    fig = build_loss_curve_figure(c, [spec], loss.minimizer)
    assert types(fig) == ["scatter"] * 6  # curve, line, ends, w*, two legend entries
    line, ends = named(fig, "GD")
    assert line.x[-1] == spec.trajectory.weights[-1, 0] and ends.x[1] == line.x[-1]
    np.testing.assert_allclose(line.y, loss.value(line.x[:, None]), rtol=1e-10)  # on the curve
    (star,) = named(fig, W_STAR_LABEL)
    assert star.x[0] == loss.minimizer[0]
    assert star.y[0] == pytest.approx(loss.min_value, rel=1e-10)
    assert fig.layout.xaxis.title.text == "w₁"


# --- downsampling and size -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5000), max_points=st.integers(2, 600), seed=st.integers(0, 100))
def test_downsample_keeps_first_and_last_and_bounds_the_count(n, max_points, seed):
    rng = np.random.default_rng(seed)
    W = np.cumsum(rng.normal(size=(n, 3)), axis=0)
    loss, steps = rng.random(n), np.arange(n) * 3
    w, l, s = downsample_path(W, loss, steps, max_points=max_points)
    assert len(w) == len(l) == len(s) <= max_points
    assert len(w) == min(n, max_points) or n > max_points
    np.testing.assert_array_equal(w[0], W[0])
    np.testing.assert_array_equal(w[-1], W[-1])
    assert s[0] == steps[0] and s[-1] == steps[-1] and l[-1] == loss[-1]
    assert np.all(np.diff(s) > 0)  # in order, no repeats


def test_downsample_keeps_a_zig_zag():
    # GD in a narrow valley alternates sides; an even stride of 2 would erase that.
    n = 10_001
    W = np.column_stack([np.linspace(0, 1, n), (-1.0) ** np.arange(n)])
    w, _, _ = downsample_path(W, np.zeros(n), np.arange(n), max_points=400)
    assert np.any(w[:, 1] > 0) and np.any(w[:, 1] < 0)


def test_figure_json_stays_under_budget_with_four_long_paths(problem2):
    _, loss = problem2
    lam = loss.eigenvalues[0]
    specs = [
        PathSpec(f"run {i}", PATH_COLORS[i], run_gd(loss, np.array([-2.0, 3.0]), eta / lam, 10_000))
        for i, eta in enumerate([0.2, 1.0, 1.9, 1.99])
    ]
    assert all(len(s.trajectory.steps) == 10_001 for s in specs)
    s = slice_for(loss, specs)
    assert s.Z.shape == (61, 61)
    sizes = {
        "surface": len(build_surface_figure(s, specs, loss.minimizer).to_json()),
        "contour": len(build_contour_figure(s, specs, loss.minimizer).to_json()),
        "convergence": len(
            build_convergence_figure(specs, min_value=loss.min_value, w_star=loss.minimizer).to_json()
        ),
    }
    assert all(size <= MAX_JSON_BYTES for size in sizes.values()), sizes
    # The landscape view ships the surface and the contour together.
    assert sizes["surface"] + sizes["contour"] <= MAX_JSON_BYTES, sizes


# --- convergence -----------------------------------------------------------------------------


def test_convergence_values_are_loss_gaps_and_distances(problem2, runs2):
    _, loss = problem2
    fig = build_convergence_figure(runs2, min_value=loss.min_value, w_star=loss.minimizer)
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    for spec in runs2:
        top, bottom = named(fig, spec.label)
        assert (top.yaxis, bottom.yaxis) == ("y", "y2")
        idx = np.searchsorted(spec.trajectory.steps, top.x)
        np.testing.assert_array_equal(top.x, spec.trajectory.steps[idx])
        gap = spec.trajectory.loss[idx] - loss.min_value
        dist = np.linalg.norm(spec.trajectory.weights[idx] - loss.minimizer, axis=1)
        floor_loss = FLOOR_FACTOR * max(
            abs(loss.min_value), *(s.trajectory.loss[0] - loss.min_value for s in runs2)
        )
        np.testing.assert_allclose(top.y, np.maximum(gap, floor_loss), rtol=1e-12)
        np.testing.assert_allclose(bottom.y, np.maximum(dist, bottom.y.min()), rtol=1e-12)
        assert top.x[-1] == spec.trajectory.steps[-1]


def test_convergence_log_axes_survive_exact_zeros(problem2):
    _, loss = problem2
    # Started at w*: every gap and distance is exactly 0 (or rounds below it).
    W = np.repeat(loss.minimizer[None, :], 5, axis=0)
    traj = FakeTrajectory(W, np.full(5, loss.min_value * (1 - 1e-17)), np.arange(5), True, False, "ok")
    fig = build_convergence_figure(
        [PathSpec("at w*", PATH_COLORS[0], traj)], min_value=loss.min_value, w_star=loss.minimizer
    )
    for trace in fig.data:
        assert np.all(np.isfinite(trace.y)) and np.all(trace.y > 0)
        assert all("floor" in t for t in trace.text)


def test_convergence_diverged_run_and_reference_curves(problem2):
    _, loss = problem2
    lam = loss.eigenvalues[0]
    bad = PathSpec("too fast", PATH_COLORS[1], run_gd(loss, np.zeros(2), 2.2 / lam, 2000))
    good = PathSpec("fine", PATH_COLORS[0], run_gd(loss, np.zeros(2), 1.0 / lam, 50))
    bound = np.geomspace(10.0, 1e-30, 51)  # includes values below the floor
    exact = {"loss": bound / 2, "distance": np.geomspace(1.0, 1e-5, 51)}
    fig = build_convergence_figure(
        [good, bad], min_value=loss.min_value, w_star=loss.minimizer, bound=bound, exact=exact
    )
    markers = [t for t in named(fig, "too fast") if t.mode == "markers"]
    assert len(markers) == 2 and all(m.marker.symbol == "x" for m in markers)
    assert markers[0].x[0] == bad.trajectory.steps[-1]
    assert bad.trajectory.message.split(":")[0] in markers[0].hovertemplate
    assert any(bad.trajectory.message.split(":")[0] in a.text for a in fig.layout.annotations)
    ref = [t for t in fig.data if t.line.dash in ("dash", "dot")]
    assert [t.line.dash for t in ref] == ["dash", "dot", "dot"]
    assert all(np.all(t.y > 0) for t in ref)


def test_convergence_layout_reads_on_a_projector(problem2, runs2):
    _, loss = problem2
    fig = build_convergence_figure(runs2, min_value=loss.min_value, w_star=loss.minimizer)
    layout = fig.layout
    assert layout.height >= 650  # two log panels of ~250 px each, not 450 px for both
    # The legend at the figure's foot (container coordinates): never over the "step t" title.
    assert (layout.legend.yref, layout.legend.yanchor, layout.legend.y) == ("container", "bottom", 0)
    assert layout.xaxis.showticklabels is False and layout.xaxis2.title.text == "step t"
    for axis in (layout.yaxis, layout.yaxis2):  # many decades: whole decades only, a few labels
        assert isinstance(axis.dtick, int) and axis.dtick >= 1


def test_log_ticks_label_decades_or_two_and_five():
    assert _log_ticks([np.geomspace(1.0, 1e-8, 50)]) == {"dtick": 2}  # 8 decades: every second one
    assert _log_ticks([np.geomspace(1.0, 1e-3, 50), [np.nan, np.inf, 0.0]]) == {"dtick": 1}
    assert _log_ticks([np.geomspace(2.0, 0.2, 50)]) == {"dtick": "D2"}  # one decade: 1, 2, 5
    assert _log_ticks([[2.83, 2.8305]]) == {}  # a plateau: plotly's own ticks
    assert _log_ticks([]) == {}


@dataclass(frozen=True)
class EpochTrajectory(FakeTrajectory):
    steps_per_epoch: int = 1


def test_convergence_against_epochs_puts_batch_sizes_side_by_side(problem2):
    _, loss = problem2
    base = run_gd(loss, np.zeros(2), 1.0 / loss.eigenvalues[0], 40)
    sgd = EpochTrajectory(
        *(getattr(base, f) for f in FakeTrajectory.__dataclass_fields__), steps_per_epoch=20
    )
    gd = EpochTrajectory(*(getattr(base, f) for f in FakeTrajectory.__dataclass_fields__), steps_per_epoch=1)
    specs = [PathSpec("SGD", PATH_COLORS[1], sgd), PathSpec("GD", PATH_COLORS[0], gd)]
    exact = {"steps": np.arange(41), "loss": np.geomspace(1.0, 1e-3, 41), "label": "theory for Run 2: exact"}
    fig = build_convergence_figure(
        specs, min_value=loss.min_value, w_star=loss.minimizer, exact=exact, x_axis="epoch"
    )
    assert fig.layout.xaxis2.title.text == X_AXES["epoch"]
    top = named(fig, "SGD")[0]
    assert set(np.round(top.x * 20).astype(int)) <= set(sgd.steps)  # step t drawn at t / 20
    assert top.x[-1] == 2.0 and named(fig, "GD")[0].x[-1] == 40  # 40 steps: 2 epochs of 20, or 40 of 1
    assert "epoch" in top.hovertemplate
    theory = named(fig, "theory for Run 2: exact")[0]
    np.testing.assert_array_equal(theory.x[[0, -1]], [0, 40])  # its steps drawn as given
    with pytest.raises(ValueError, match="x_axis"):
        build_convergence_figure(specs, min_value=loss.min_value, w_star=loss.minimizer, x_axis="seconds")


@dataclass(frozen=True)
class BatchTrajectory(FakeTrajectory):
    batch_size: int | None = None


def test_full_batch_lines_are_drawn_over_stochastic_noise(problem2):
    _, loss = problem2
    fields = [getattr(run_gd(loss, np.zeros(2), 0.5, 30), f) for f in FakeTrajectory.__dataclass_fields__]
    specs = [
        PathSpec("Run 1: GD", PATH_COLORS[0], BatchTrajectory(*fields, batch_size=None)),
        PathSpec("Run 2: SGD", PATH_COLORS[1], BatchTrajectory(*fields, batch_size=10)),
    ]
    fig = build_convergence_figure(specs, min_value=loss.min_value, w_star=loss.minimizer)
    assert [t.name for t in fig.data] == ["Run 2: SGD"] * 2 + ["Run 1: GD"] * 2  # GD last: on top
    ranks = {t.name: t.legendrank for t in fig.data}
    assert ranks["Run 1: GD"] < ranks["Run 2: SGD"]  # the legend keeps the runs' order


def test_a_diverged_run_is_labelled_briefly_inside_the_plot(problem2):
    _, loss = problem2
    bad = PathSpec(
        "Run 2: GD η=9", PATH_COLORS[1], run_gd(loss, np.zeros(2), 2.2 / loss.eigenvalues[0], 2000)
    )
    fig = build_convergence_figure([bad], min_value=loss.min_value, w_star=loss.minimizer)
    (note,) = fig.layout.annotations
    assert (
        note.text == f"<b>Run 2</b>: diverged at step {bad.trajectory.steps[-1]}"
    )  # the rest is in the hover
    assert note.ay > 0  # below its x: a diverged curve ends at the top of its panel, under the title


# --- fit -------------------------------------------------------------------------------------


def test_fit_figure_by_number_of_features():
    d1 = make_regression(50, 1, noise=0.1, seed=0)
    fits1 = [("closed form", "#000000", d1.coef), ("GD", PATH_COLORS[0], d1.coef * 0.9)]
    fig = build_fit_figure(d1.X, d1.y, fits1)
    assert types(fig) == ["scatter"] * 3
    line = named(fig, "GD")[0]
    np.testing.assert_allclose(line.y, line.x * d1.coef[0] * 0.9)

    X1 = add_intercept_column(d1.X)
    fig = build_fit_figure(X1, d1.y, [("with b", "#000000", np.array([2.0, 3.0]))], intercept_first=True)
    line = named(fig, "with b")[0]
    np.testing.assert_allclose(line.y, 2.0 + 3.0 * np.asarray(line.x))

    d2 = make_regression(50, 2, noise=0.1, seed=0)
    gd = d2.coef * [1.1, 0.8]
    fig = build_fit_figure(d2.X, d2.y, [("closed form", "#000000", d2.coef), ("GD", PATH_COLORS[0], gd)])
    # The closed form is a translucent plane; a run's fit a wire grid, so planes that coincide stay apart.
    assert types(fig) == ["scatter3d", "surface", "scatter3d"]
    plane = fig.data[1]
    np.testing.assert_allclose(plane.z[0, 0], d2.coef @ [plane.x[0], plane.y[0]])
    assert 0 < plane.opacity < 1
    wire = named(fig, "GD")[0]
    assert wire.mode == "lines" and wire.line.color == PATH_COLORS[0]
    on = np.isfinite(np.asarray(wire.x, dtype=float))
    xyz = np.column_stack([wire.x, wire.y, wire.z]).astype(float)[on]
    np.testing.assert_allclose(xyz[:, 2], xyz[:, :2] @ gd, rtol=1e-12, atol=1e-12)  # every point on its plane
    assert (~on).sum() >= 2 * 5  # gaps between the grid's lines, at least five each way
    scene = fig.layout.scene
    assert scene.uirevision and scene.camera.eye.z > 0  # a drag survives reruns; seen from above
    assert scene.domain.x == (0.0, 1.0) and scene.domain.y == (0.0, 1.0)  # the box fills its chart

    d5 = make_regression(50, 5, noise=0.1, seed=0)
    fig = build_fit_figure(d5.X, d5.y, [("closed form", "#000000", d5.coef)])
    assert types(fig) == ["scatter", "scatter"]
    np.testing.assert_allclose(fig.data[0].y, d5.X @ d5.coef)
    np.testing.assert_allclose(fig.data[0].x, d5.y)


def test_fit_charts_keep_their_legends_off_the_data():
    d = make_regression(60, 2, noise=0.1, seed=3)
    fits = [("closed form", "#000000", d.coef), ("Run 1: GD η=0.3, full batch", PATH_COLORS[0], d.coef)]
    figs = [
        build_fit_figure(d.X, d.y, fits),
        build_fit_figure(d.X[:, :1], d.y, [(n, c, w[:1]) for n, c, w in fits]),
        build_coef_figure(d.coef, fits),
    ]
    for fig in figs:  # at the figure's foot, below the axis titles, never over bars or the scene
        assert (fig.layout.legend.yref, fig.layout.legend.yanchor) == ("container", "bottom")
        assert fig.layout.height >= 450
    assert build_residual_figure(d.X, d.y, d.coef).layout.height >= 450


def test_fit_figure_thins_large_samples_for_drawing():
    d = make_regression(100_000, 1, noise=0.1, seed=0)
    fig = build_fit_figure(d.X, d.y, [("closed form", "#000000", d.coef)], max_points=1000)
    assert len(fig.data[0].x) == 1000


def test_coef_and_residual_figures():
    d = make_regression(80, 3, noise=0.2, seed=2)
    fits = [("closed form", "#000000", d.coef + 0.01), ("GD", PATH_COLORS[0], d.coef - 0.01)]
    fig = build_coef_figure(d.coef, fits)
    assert types(fig) == ["bar"] * 3 and fig.layout.barmode == "group"
    assert [t.name for t in fig.data] == ["true", "closed form", "GD"]
    assert list(fig.data[0].x) == ["w₁", "w₂", "w₃"]
    np.testing.assert_array_equal(fig.data[0].y, d.coef)
    res = build_residual_figure(d.X, d.y, d.coef)
    np.testing.assert_allclose(res.data[0].y, d.y - d.X @ d.coef)
    np.testing.assert_allclose(res.data[0].x, d.X @ d.coef)
    assert res.layout.shapes[0].y0 == 0 == res.layout.shapes[0].y1
    with pytest.raises(ValueError, match="coefficients"):
        build_residual_figure(d.X, d.y, d.coef[:2])


# --- every figure ----------------------------------------------------------------------------


def all_figures(problem2, runs2, dark=False):
    data, loss = problem2
    s = slice_for(loss, runs2)
    d1, _, _ = slice_directions(loss)
    c = loss_curve(loss, loss.minimizer, d1)
    fits = [("closed form", "#000000", loss.minimizer)]
    d5 = make_regression(40, 5, noise=0.1, seed=0)
    return {
        "surface": build_surface_figure(s, runs2, loss.minimizer, dark=dark),
        "contour": build_contour_figure(s, runs2, loss.minimizer, dark=dark),
        "curve": build_loss_curve_figure(c, runs2, loss.minimizer, dark=dark),
        "convergence": build_convergence_figure(
            runs2, min_value=loss.min_value, w_star=loss.minimizer, dark=dark
        ),
        "fit2": build_fit_figure(data.X, data.y, fits, dark=dark),
        "fit5": build_fit_figure(d5.X, d5.y, [("closed form", "#000000", d5.coef)], dark=dark),
        "coef": build_coef_figure(data.coef, fits, dark=dark),
        "residual": build_residual_figure(data.X, data.y, loss.minimizer, dark=dark),
    }


@pytest.mark.parametrize("dark", [False, True])
def test_every_figure_has_a_title_axis_titles_and_readable_fonts(problem2, runs2, dark):
    for name, fig in all_figures(problem2, runs2, dark).items():
        layout = fig.layout
        assert layout.title.text, name
        assert layout.font.size >= 14, name
        if any(t.type in ("surface", "scatter3d") for t in fig.data):
            axes = [layout.scene.xaxis, layout.scene.yaxis, layout.scene.zaxis]
        elif name == "convergence":
            axes = [layout.yaxis, layout.xaxis2, layout.yaxis2]
        else:
            axes = [layout.xaxis, layout.yaxis]
        assert all(ax.title.text for ax in axes), name
        for trace in fig.data:
            if trace.type in ("scatter", "scatter3d") and "lines" in (trace.mode or ""):
                assert trace.line.width >= 3, (name, trace.name)
            if getattr(trace, "hoverinfo", None) != "skip":
                assert trace.hovertemplate, (name, trace.name)


def test_figures_do_not_import_streamlit():
    code = "import sys, dashboard.figures; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
