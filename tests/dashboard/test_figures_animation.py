"""Animated landscape figures and the one-step close-up, as pure builders."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import SGD, QuadraticLoss, make_regression, run_optimizer
from core.landscape import loss_slice, slice_directions
from core.sampling import step_directions
from dashboard.figures import PATH_COLORS, PathSpec
from dashboard.figures.animation import (
    PAUSE_LABEL,
    PLAY_LABEL,
    SAMPLE_LINE_LABEL,
    STEP_PROJECTED_NOTE,
    build_animated_contour_figure,
    build_animated_surface_figure,
    build_step_figure,
    frame_times,
    step_vectors,
)

MAX_JSON_BYTES = 500_000
W0 = np.array([-2.0, 3.0])


def _problem(n=200, k=2, seed=1):
    d = make_regression(n, k, noise=0.5, condition_number=30, seed=seed)
    return d.X, d.y, QuadraticLoss.from_data(d.X, d.y)


def _w0(k):
    w0 = np.zeros(k)
    w0[:2] = W0
    return w0


def _slice(loss, trajs, k):
    d1, d2, labels = slice_directions(loss)
    pts = [t.weights for t in trajs]
    return loss_slice(
        loss, loss.minimizer, d1, d2, points=pts, anchors=[loss.minimizer, _w0(k)], labels=labels
    )


@pytest.fixture(scope="module")
def small():
    """GD (30 steps) and SGD batch 10 (600 steps) on N = 200, K = 2: the app's defaults."""
    X, y, loss = _problem()
    gd = run_optimizer(X, y, SGD(0.3), epochs=30, w0=W0, tol=0, loss=loss)
    sgd = run_optimizer(X, y, SGD(0.05), batch_size=10, epochs=30, w0=W0, tol=0, loss=loss)
    specs = [PathSpec("GD", PATH_COLORS[0], gd), PathSpec("SGD", PATH_COLORS[1], sgd)]
    return X, y, loss, specs, _slice(loss, [gd, sgd], 2)


@pytest.fixture(scope="module")
def long4():
    """Four runs of 10,000 steps each (the JSON budget case)."""
    X, y, loss = _problem(1000)
    runs = [
        run_optimizer(X, y, SGD(lr), batch_size=b, epochs=ep, w0=W0, tol=0, loss=loss)
        for lr, b, ep in [(0.3, None, 10_000), (0.05, 1, 10), (0.02, 10, 100), (0.1, 100, 1000)]
    ]
    assert [r.n_steps for r in runs] == [10_000] * 4
    specs = [PathSpec(f"run {i}", PATH_COLORS[i], r) for i, r in enumerate(runs)]
    return loss, specs, _slice(loss, runs, 2)


def _fig_json(fig) -> dict:
    """The figure as the browser receives it, typed arrays decoded."""
    from conftest import _decode

    return _decode(json.loads(fig.to_json()))


def _path_frames(fig: dict, i: int):
    """(x, y) arrays of path i's line in every frame."""
    out = []
    for frame in fig["frames"]:
        trace = frame["data"][frame["traces"].index(1 + i)]
        out.append((np.asarray(trace["x"], dtype=float), np.asarray(trace["y"], dtype=float)))
    return out


@pytest.mark.parametrize("max_frames", [10, 60])
def test_frames_reveal_each_path_and_end_at_its_last_iterate(small, max_frames):
    _, _, loss, specs, s = small
    fig = _fig_json(build_animated_contour_figure(s, specs, loss.minimizer, max_frames=max_frames))
    assert 2 <= len(fig["frames"]) <= max_frames + 1
    for i, spec in enumerate(specs):
        frames = _path_frames(fig, i)
        W = spec.trajectory.weights
        x0, y0 = frames[0]
        np.testing.assert_allclose([x0[-1], y0[-1]], W[0], rtol=1e-6)  # the first frame: the start only
        assert len(x0) == 1
        x, y = frames[-1]  # the last frame: the whole (thinned) path, ending at the final iterate
        np.testing.assert_allclose([x[-1], y[-1]], W[-1], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose([x[0], y[0]], W[0], rtol=1e-6)
        lengths = [len(fx) for fx, _ in frames]
        assert lengths == sorted(lengths)  # points accumulate
    heads = fig["frames"][-1]["data"][-1]
    np.testing.assert_allclose(
        np.column_stack([heads["x"], heads["y"]]), [s.trajectory.weights[-1] for s in specs], rtol=1e-6
    )


def test_contour_is_sent_once_and_frames_carry_only_path_traces(small):
    _, _, loss, specs, s = small
    fig = _fig_json(build_animated_contour_figure(s, specs, loss.minimizer))
    assert fig["data"][0]["type"] == "contour"
    for frame in fig["frames"]:
        assert 0 not in frame["traces"]
        assert frame["traces"] == [1, 2, len(fig["data"]) - 1]
        assert all(t["type"] == "scatter" and set(t) <= {"type", "x", "y"} for t in frame["data"])
    names = [t.get("name") for t in fig["data"]]
    assert "w* (closed form)" in names and "GD" in names and "SGD" in names
    # plotly.js erases a contour trace while frames play: the filled levels are a picture under the plot.
    (image,) = fig["layout"]["images"]
    assert image["source"].startswith("data:image/png;base64,") and image["layer"] == "below"
    assert (image["x"], image["y"]) == (s.x[0], s.y[-1])
    assert (image["sizex"], image["sizey"]) == pytest.approx((s.x[-1] - s.x[0], s.y[-1] - s.y[0]))
    assert fig["data"][0]["opacity"] == 0  # kept for its colour bar and hover


def test_play_pause_and_slider(small):
    _, _, loss, specs, s = small
    fig = _fig_json(build_animated_contour_figure(s, specs, loss.minimizer, max_frames=20))
    (menu,) = fig["layout"]["updatemenus"]
    labels = [b["label"] for b in menu["buttons"]]
    assert labels == [PLAY_LABEL, PAUSE_LABEL] == ["▶ Play", "❚❚ Pause"]
    assert all(ord(c) < 0x1F000 and c != "\ufe0f" for label in labels for c in label)  # no emoji
    play, pause = menu["buttons"]
    assert play["method"] == pause["method"] == "animate"
    assert play["args"][0] is None and play["args"][1]["fromcurrent"] is True
    assert pause["args"][0] == [None]
    (slider,) = fig["layout"]["sliders"]
    names = [f["name"] for f in fig["frames"]]
    assert [st["args"][0] for st in slider["steps"]] == [[n] for n in names]
    # GD has 30 steps, SGD 600: the step clock ends at 600, in steps of ~600/20.
    assert slider["steps"][-1]["label"] == "600" and slider["currentvalue"]["prefix"] == "step "


def test_epoch_clock_puts_runs_on_equal_cost(small):
    _, _, loss, specs, s = small
    times = frame_times(specs, 30, "epoch")
    np.testing.assert_allclose(times[[0, -1]], [0, 30])
    fig = _fig_json(build_animated_contour_figure(s, specs, loss.minimizer, max_frames=30, clock="epoch"))
    middle = len(fig["frames"]) // 2  # epoch 15: GD at step 15, SGD (20 steps an epoch) at step 300
    gd, sgd = (_path_frames(fig, i)[middle] for i in range(2))
    np.testing.assert_allclose([gd[0][-1], gd[1][-1]], specs[0].trajectory.weights[15], rtol=1e-6)
    np.testing.assert_allclose([sgd[0][-1], sgd[1][-1]], specs[1].trajectory.weights[300], rtol=1e-6)
    assert fig["layout"]["sliders"][0]["currentvalue"]["prefix"] == "epoch "


def test_frame_times_short_and_long():
    class T:
        def __init__(self, n):
            self.steps = np.arange(n + 1)

    short = frame_times([PathSpec("a", "#000", T(7))], 60)
    np.testing.assert_array_equal(short, np.arange(8))  # one frame per step
    long = frame_times([PathSpec("a", "#000", T(10_000))], 60)
    assert len(long) == 61 and long[-1] == 10_000 and np.all(np.diff(long) > 0)
    with pytest.raises(ValueError, match="clock must be"):
        frame_times([], 10, "seconds")


def test_json_stays_under_budget_with_four_long_paths(long4):
    loss, specs, s = long4
    contour = build_animated_contour_figure(s, specs, loss.minimizer)
    surface = build_animated_surface_figure(s, specs, loss.minimizer)
    sizes = {"contour": len(contour.to_json()), "surface": len(surface.to_json())}
    assert sizes["contour"] <= MAX_JSON_BYTES, sizes
    assert sizes["surface"] <= 300_000, sizes
    assert len(contour.frames) == 61 and len(surface.frames) == 31
    fig = _fig_json(surface)
    assert fig["data"][0]["type"] == "surface"
    last = fig["frames"][-1]["data"]
    for i, spec in enumerate(specs):
        np.testing.assert_allclose(
            [last[i]["x"][-1], last[i]["y"][-1]], spec.trajectory.weights[-1], rtol=1e-6
        )
        assert len(last[i]["z"]) == len(last[i]["x"])


def test_projected_and_no_paths():
    X, y, loss = _problem(100, 4)
    traj = run_optimizer(X, y, SGD(0.1), epochs=20, w0=_w0(4), tol=0, loss=loss)
    s = _slice(loss, [traj], 4)
    fig = build_animated_contour_figure(s, [PathSpec("GD", "#000", traj)], loss.minimizer, projected=True)
    assert any("projected" in a.text for a in fig.layout.annotations)
    assert len(fig.frames) == 21
    last = _fig_json(fig)["frames"][-1]["data"][0]
    px, py, _ = s.project(traj.weights[-1:])
    np.testing.assert_allclose([last["x"][-1], last["y"][-1]], [px[0], py[0]], rtol=1e-6)
    empty = build_animated_contour_figure(s, [], loss.minimizer)
    assert len(empty.frames) == 1


# --- one step up close -----------------------------------------------------------------------


def _arrows(fig):
    return [a for a in fig.layout.annotations if a.showarrow]


def _arrow_vector(a):
    return np.array([a.x - a.ax, a.y - a.ay]), np.array([a.ax, a.ay])


@pytest.mark.parametrize("batch", [1, 10, None])
def test_step_figure_arrows_are_the_computed_vectors(batch):
    X, y, loss = _problem()
    epochs = 8 if batch is None else 2
    traj = run_optimizer(X, y, SGD(0.05), batch_size=batch, epochs=epochs, w0=W0, tol=0, loss=loss)
    s = _slice(loss, [traj], 2)
    t = 3
    sd = step_directions(X, y, traj, loss, steps=[t])
    fig = build_step_figure(s, sd, loss.minimizer, label="run", color="#D55E00", context=traj.weights[:9])
    arrows = _arrows(fig)
    by_color = {a.arrowcolor: _arrow_vector(a) for a in arrows}
    taken, tail = by_color["#D55E00"]
    np.testing.assert_allclose(tail, traj.weights[t], rtol=1e-12)
    np.testing.assert_allclose(taken, traj.weights[t + 1] - traj.weights[t], rtol=1e-9, atol=1e-15)
    gd, _ = by_color["#000000"]
    np.testing.assert_allclose(gd, -0.05 * sd.gradient[0], rtol=1e-9)
    np.testing.assert_allclose(gd, -0.05 * X.T @ (X @ traj.weights[t] - y) / len(y), rtol=1e-9)
    # The view is square (equal scales) and holds both arrows' ends.
    xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert fig.layout.yaxis.scaleanchor == "x"
    for vec in (taken, gd):
        end = traj.weights[t] + vec
        assert xr[0] <= end[0] <= xr[1] and yr[0] <= end[1] <= yr[1]
    line = [tr for tr in fig.data if tr.name and tr.name.startswith(SAMPLE_LINE_LABEL)]
    if batch == 1:
        i = int(sd.samples[0])
        assert f"i = {i}" in line[0].name
        d = np.array([line[0].x[1] - line[0].x[0], line[0].y[1] - line[0].y[0]])
        x_i = X[i]
        assert abs(d[0] * x_i[1] - d[1] * x_i[0]) <= 1e-9 * np.linalg.norm(d) * np.linalg.norm(x_i)  # ∥ xᵢ
        assert abs(taken[0] * x_i[1] - taken[1] * x_i[0]) <= 1e-9 * np.linalg.norm(taken) * np.linalg.norm(
            x_i
        )
        assert "along x<sub>i</sub>" in next(tr.name for tr in fig.data if tr.name.startswith("step taken"))
    else:
        assert not line
    if batch is None:  # full batch: the step is −η∇L, the two arrows coincide
        np.testing.assert_allclose(taken, gd, rtol=1e-9)


def test_step_figure_momentum_shows_the_example_gradient_apart():
    X, y, loss = _problem()
    traj = run_optimizer(X, y, SGD(0.02, momentum=0.9), batch_size=1, epochs=1, w0=W0, tol=0, loss=loss)
    s = _slice(loss, [traj], 2)
    sd = step_directions(X, y, traj, loss, steps=[10])
    fig = build_step_figure(s, sd, loss.minimizer, color="#0072B2")
    assert len(_arrows(fig)) == 3
    names = [tr.name for tr in fig.data]
    assert any(n and n.startswith("−η∇L<sub>i</sub>") for n in names)
    v = step_vectors(s, sd)
    np.testing.assert_allclose(
        np.subtract(v["batch"], v["w_t"]), -0.02 * sd.residuals[0] * X[sd.samples[0]], rtol=1e-9
    )


def test_step_figure_projected_for_k_above_two():
    X, y, loss = _problem(200, 5)
    traj = run_optimizer(X, y, SGD(0.05), batch_size=1, epochs=1, w0=_w0(5), tol=0, loss=loss)
    s = _slice(loss, [traj], 5)
    sd = step_directions(X, y, traj, loss, steps=[4])
    fig = build_step_figure(s, sd, loss.minimizer, projected=True, color="#D55E00")
    texts = " ".join(a.text for a in fig.layout.annotations if a.text)
    assert STEP_PROJECTED_NOTE in texts
    taken, tail = _arrow_vector(next(a for a in _arrows(fig) if a.arrowcolor == "#D55E00"))
    px, py, _ = s.project(np.array([traj.weights[4], traj.weights[5]]))
    np.testing.assert_allclose(tail, [px[0], py[0]], rtol=1e-9)
    np.testing.assert_allclose(taken, [px[1] - px[0], py[1] - py[0]], rtol=1e-9, atol=1e-15)
