"""Headless tests of the issue-6 views: each renders with defaults and with every control changed,
shows no error, and draws the numbers core computes. Rerun times are printed (run with -s), not asserted."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import figures, new_app, trace

from core import column_space_picture, make_column_space_example, min_norm_risk, to_eigenbasis
from dashboard import lab
from dashboard.figures.scaling import THEORY_RISK_LABEL
from dashboard.settings import DataSettings, LabSettings

VIEWS = ("Minibatches", "Generalization", "Cost", "Minima", "Geometry")
W_STAR = "w* (closed form)"


def _messages(at, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


@pytest.mark.parametrize("view", VIEWS)
def test_view_renders_with_defaults_without_errors(view):
    at = new_app(view=view)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, _messages(at, "error")
    start = time.perf_counter()
    at.run()
    print(f"\n{view}: rerun with defaults {time.perf_counter() - start:.2f} s (AppTest, caches warm)")
    assert not at.exception
    if view == "Cost":
        assert not figures(at), "the cost view measures only when asked"
        assert any("Measure" in m for m in _messages(at, "info"))
    else:
        assert figures(at), f"{view} drew no chart"
        for fig in figures(at):
            assert fig["layout"]["title"]["text"]


CONTROLS = [
    ("Minibatches", "select_slider", "mb_batch", 1),
    ("Minibatches", "select_slider", "mb_batch", 100),
    ("Minibatches", "slider", "mb_count", 10),
    ("Minibatches", "select_slider", "mb_lr", 0.2),
    ("Minibatches", "number_input", "mb_seed", 3),
    ("Generalization", "select_slider", "gen_k", 20),
    ("Generalization", "slider", "gen_noise", 0.0),
    ("Generalization", "slider", "gen_seeds", 4),
    ("Generalization", "select_slider", "gen_ridge", 1.0),
    ("Minima", "toggle", "min_collinear", True),
    ("Minima", "select_slider", "min_n", 3),
    ("Minima", "number_input", "min_seed", 2),
    ("Minima", "slider", "min_starts", 4),
    ("Minima", "select_slider", "min_batch", 5),
    ("Geometry", "toggle", "geo_exact", True),
    ("Geometry", "number_input", "geo_seed", 4),
    ("Geometry", "slider", "geo_steps", 30),
]


@pytest.mark.parametrize(("view", "kind", "key", "value"), CONTROLS)
def test_each_control_changes_the_view_without_errors(view, kind, key, value):
    at = new_app(view=view)
    at.run()
    before = figures(at)
    getattr(at, kind)(key=key).set_value(value)
    start = time.perf_counter()
    at.run()
    print(f"\n{view}: {key} = {value!r}: rerun {time.perf_counter() - start:.2f} s")
    assert not at.exception, at.exception
    assert not at.error, _messages(at, "error")
    after = figures(at)
    assert after and after != before, f"changing {key} to {value!r} changed no chart"


def test_minibatches_mark_w_star_where_core_puts_it():
    at = new_app(view="Minibatches")
    at.run()
    w_star = lab.build_problem(DataSettings()).w_star
    picture = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Batch minimizers"))
    star = trace(picture, W_STAR)
    np.testing.assert_allclose([star["x"][0], star["y"][0]], w_star, rtol=1e-9)


def test_generalization_theory_curve_is_min_norm_risk():
    at = new_app(view="Generalization")
    at.run()
    fig = figures(at)[0]
    theory = trace(fig, THEORY_RISK_LABEL)
    g, risk = np.asarray(theory["x"], dtype=float), np.asarray(theory["y"], dtype=float)
    noise = at.slider(key="gen_noise").value
    expected = min_norm_risk(g, signal=1.0, noise=noise)
    finite = np.isfinite(expected)
    np.testing.assert_allclose(risk[finite], expected[finite])
    assert any(s["x0"] == 1.0 for s in fig["layout"]["shapes"])  # the peak at γ = 1 is marked
    assert not at.error


def test_geometry_draws_core_residual_and_eigenbasis_path():
    at = new_app(view="Geometry")
    at.run()
    figs = {f["layout"]["title"]["text"]: f for f in figures(at)}
    pic = column_space_picture(*make_column_space_example(exact_fit=False, seed=0))
    columns = figs["Least squares is a projection"]
    r = next(
        t for t in columns["data"] if t.get("name") == "r = y − ŷ (residual)" and t["type"] == "scatter3d"
    )
    start, end = np.array([r["x"][0], r["y"][0], r["z"][0]]), np.array([r["x"][1], r["y"][1], r["z"][1]])
    np.testing.assert_allclose(start, pic.fitted, atol=1e-12)
    np.testing.assert_allclose(end - start, pic.y - pic.fitted, atol=1e-12)
    # The eigenbasis path is core.to_eigenbasis of the sidebar's first (plain GD) run.
    settings = LabSettings()
    problem = lab.build_problem(settings.data)
    run = lab.run_one(problem, settings.runs[0], settings)
    coords = to_eigenbasis(problem.loss, run.weights)
    eigen = figs["Axis-aligned in the eigenbasis"]
    path = next(t for t in eigen["data"] if t.get("name", "").startswith("Run 1"))
    x = np.asarray(path["x"], dtype=float)
    n = min(len(x), len(coords))
    inside = np.isfinite(x[:n])
    np.testing.assert_allclose(x[:n][inside], coords[:n, 0][inside], rtol=1e-9, atol=1e-12)


def test_cost_explains_first_then_measures_small_sizes_on_the_button():
    at = new_app(view="Cost")
    at.run()
    assert not figures(at)
    at.select_slider(key="cost_nmax").set_value(2_000)
    at.select_slider(key="cost_kmax").set_value(10)
    at.run()
    assert not figures(at), "nothing is measured before the button"
    start = time.perf_counter()
    at.button(key="cost_measure").click().run()
    print(f"\nCost: measuring the small sizes took {time.perf_counter() - start:.2f} s")
    assert not at.exception, at.exception
    assert not at.error, _messages(at, "error")
    for fig in figures(at):  # against N, against K
        assert {t["name"] for t in fig["data"] if t.get("mode") == "markers"} >= {
            "normal equations",
            "QR",
            "SGD epoch",
        }
    at.select_slider(key="cost_epochs").set_value(50).run()  # re-uses the measurement
    assert not at.exception and not at.error
    assert any("50 SGD epochs" in t.get("name", "") for t in figures(at)[1]["data"])


@pytest.mark.parametrize(
    ("sidebar", "view"),
    [
        ({"k": 3}, "Minibatches"),
        ({"k": 1}, "Minibatches"),
        ({"k": 8, "n": 5}, "Minima"),
        ({"k": 8, "n": 5}, "Geometry"),
        ({"k": 1}, "Geometry"),
    ],
)
def test_other_problem_shapes_are_explained_not_crashed(sidebar, view):
    at = new_app(view=view)
    at.run()
    for key, value in sidebar.items():
        (at.slider(key=key) if key == "k" else at.select_slider(key=key)).set_value(value)
    at.run()
    assert not at.exception, at.exception
    assert not [e for e in _messages(at, "error") if "cannot" in e], _messages(at, "error")
