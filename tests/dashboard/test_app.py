"""Headless app tests: every view renders, controls change what is drawn, w* and paths are exact."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import figures, new_app, trace

from dashboard import lab
from dashboard.settings import DataSettings, LabSettings

VIEWS = ("Landscape", "Closed form", "Convergence", "Fit")
W_STAR = "w* (closed form)"


def _surface_and_contour(at):
    figs = figures(at)
    surface = next(f for f in figs if any(t["type"] == "surface" for t in f["data"]))
    contour = next(f for f in figs if any(t["type"] == "contour" for t in f["data"]))
    return surface, contour


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_with_defaults(view):
    at = new_app(view=view)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    if view != "Closed form":
        assert figures(at), f"{view} drew no chart"


def test_landscape_marks_w_star_where_core_puts_it(app):
    problem = lab.build_problem(DataSettings())
    surface, contour = _surface_and_contour(app)
    marker = trace(contour, W_STAR)
    np.testing.assert_allclose([marker["x"][0], marker["y"][0]], problem.w_star, rtol=1e-6)
    marker3d = trace(surface, W_STAR)
    np.testing.assert_allclose([marker3d["x"][0], marker3d["y"][0]], problem.w_star, rtol=1e-6)
    # Drawn just above the surface, so the bowl cannot hide half of it: at L* plus < 4 % of the z range.
    z = np.asarray(next(t for t in surface["data"] if t["type"] == "surface")["z"], dtype=float)
    lift = marker3d["z"][0] - problem.loss.min_value
    assert 0 <= lift <= 0.04 * (z.max() - z.min())


def test_landscape_paths_end_at_the_trajectories_last_iterate(app):
    settings = LabSettings()
    problem = lab.build_problem(settings.data)
    contour = _surface_and_contour(app)[1]
    for i, run in enumerate(settings.runs):
        t = lab.run_one(problem, run, settings)
        path = next(tr for tr in contour["data"] if tr.get("name", "").startswith(f"Run {i + 1}:"))
        np.testing.assert_allclose([path["x"][-1], path["y"][-1]], t.weights[-1], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose([path["x"][0], path["y"][0]], t.weights[0], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("select_slider", "n", 1000),
        ("slider", "k", 3),
        ("slider", "noise", 2.0),
        ("select_slider", "kappa", 100.0),
        ("toggle", "icpt", True),
        ("number_input", "seed", 7),
        ("slider", "epochs", 5),
        ("select_slider", "r1_lr", 0.1),
        ("select_slider", "r1_batch", 5),
        ("selectbox", "r1_rule", "Adam"),
        ("selectbox", "r1_sched", "cosine"),
    ],
)
def test_each_control_changes_the_landscape(app, kind, key, value):
    before = figures(app)
    widget = getattr(app, kind)(key=key)
    if kind == "selectbox":
        widget.select(value)
    else:
        widget.set_value(value)
    app.run()
    assert not app.exception, app.exception
    assert figures(app) != before, f"changing {key} to {value} changed no chart"


def test_noise_changes_the_closed_form_metrics():
    at = new_app(view="Closed form")
    at.run()
    rss = next(m.value for m in at.metric if m.label.startswith("RSS"))
    at.slider(key="noise").set_value(2.0).run()
    assert not at.exception
    assert next(m.value for m in at.metric if m.label.startswith("RSS")) != rss


def test_learning_rate_above_the_limit_shows_divergence_not_an_error(app):
    app.select_slider(key="r1_lr").set_value(5.0).run()
    assert not app.exception
    assert any("above the stability limit" in w.value for w in app.sidebar.warning)
    assert any("diverged" in e.value for e in app.error), [e.value for e in app.error]


def test_singular_normal_equations_are_explained_not_crashed():
    at = new_app(view="Closed form", n=5)
    at.run()
    at.slider(key="k").set_value(8).run()
    assert not at.exception, at.exception
    assert any("no unique solution" in e.value for e in at.error)
    assert any("pseudo-inverse" in e.value for e in at.error)


def test_settings_above_a_cap_keep_the_last_good_picture(app):
    app.select_slider(key="n").set_value(100_000).run()
    assert not app.error, [e.value for e in app.error]
    good = figures(app)
    app.slider(key="k").set_value(50).run()  # 100,000 × 50 cells is above the cap
    assert not app.exception
    assert any("cap" in e.value for e in app.error)
    assert figures(app) == good, "the last good figures must stay on screen"


def test_views_keep_the_settings_when_switching(app):
    app.slider(key="noise").set_value(1.5).run()
    for view in VIEWS:
        app.segmented_control(key="view").set_value(view).run()
        assert not app.exception
        assert app.slider(key="noise").value == 1.5
