"""The chart component's payload: what the browser receives, and that a path change re-sends no surface."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import _decode, charts, figures, new_app

from core import QuadraticLoss, make_regression
from core.landscape import loss_slice
from dashboard import lab
from dashboard.chart import Panel
from dashboard.chart.payload import CACHE_MIN_BYTES, KnownTraces, decode, encode
from dashboard.figures.style import PlainFigure, make_figure, plain_parts
from dashboard.settings import DataSettings, LabSettings


def _figure(n: int = 40) -> go.Figure:
    x = np.linspace(0, 1, n)
    return go.Figure([go.Surface(z=np.outer(x, x)), go.Scatter3d(x=x[:3], y=x[:3], z=x[:3])])


def test_big_traces_are_sent_once_then_referenced():
    known = KnownTraces()
    first = encode([Panel("p", _figure(), "a chart")], known=known, revision=1)
    second = encode([Panel("p", _figure(), "a chart")], known=known, revision=2)
    one, two = json.loads(first)["panels"][0], json.loads(second)["panels"][0]
    assert "$hash" in one["data"][0] and "$ref" in two["data"][0]
    assert "$hash" not in one["data"][1] and "$ref" not in two["data"][1]  # small: always sent
    assert len(second) < len(first) / 3
    store: dict = {}
    assert decode(first, store)[0]["data"] == decode(second, store)[0]["data"]  # the same figure


def test_a_changed_trace_is_sent_again_and_known_traces_are_bounded():
    known = KnownTraces(limit=2)
    encode([Panel("p", _figure(40), "")], known=known)
    changed = encode([Panel("p", _figure(41), "")], known=known)
    assert "$hash" in json.loads(changed)["panels"][0]["data"][0]
    encode([Panel("p", _figure(42), "")], known=known)
    assert len(known) == 2
    forgetful = KnownTraces(limit=0)  # a browser that keeps nothing gets every trace in full
    for _ in range(2):
        body = encode([Panel("p", _figure(), "")], known=forgetful)
        assert "$ref" not in body.decode()


def test_payload_carries_panels_in_order_with_names_layout_config_and_frames():
    fig = _figure()
    fig.frames = [go.Frame(data=[go.Scatter3d(x=[0], y=[0], z=[0])], traces=[1])]
    body = encode([Panel("a", fig, "first"), Panel("b", go.Figure(), "second")], known=KnownTraces())
    panels = json.loads(body)["panels"]
    assert [(p["name"], p["alt"]) for p in panels] == [("a", "first"), ("b", "second")]
    assert panels[0]["frames"] and "frames" not in panels[1]
    assert panels[0]["config"]["displaylogo"] is False
    assert len(json.dumps(panels[0]["data"][0])) > CACHE_MIN_BYTES


def test_the_landscape_chart_receives_the_builders_figures():
    at = new_app()
    at.run()
    assert not at.exception, at.exception
    surface, contour = charts(at)["landscape"]
    assert (surface["name"], contour["name"]) == ("surface", "contour")
    settings = LabSettings()
    problem = lab.build_problem(settings.data)
    for panel in (surface, contour):
        star = next(t for t in panel["data"] if t.get("name") == "w* (closed form)")
        np.testing.assert_allclose([star["x"][0], star["y"][0]], problem.w_star, rtol=1e-12)
        for i, run in enumerate(settings.runs):
            line = next(
                t for t in panel["data"] if t.get("name", "").startswith(f"Run {i + 1}:") and "x" in t
            )
            end = lab.run_one(problem, run, settings).weights[-1]
            np.testing.assert_allclose([line["x"][-1], line["y"][-1]], end, rtol=1e-12)


def test_a_learning_rate_change_does_not_resend_the_surface():
    at = new_app(browser_cache=True)
    at.run()
    first = len(at.get("bidi_component")[0].proto.bytes)
    at.select_slider(key="r1_lr").set_value(0.5).run()
    assert not at.exception, at.exception
    body = at.get("bidi_component")[0].proto.bytes
    panels = json.loads(body)["panels"]
    kinds = {p["name"]: p["data"][0] for p in panels}
    assert "$ref" in kinds["surface"] and "$ref" in kinds["contour"]
    assert len(body) <= 0.2 * first, (len(body), first)


def test_other_views_draw_through_the_chart_component():
    for view in ("Convergence", "Fit", "Geometry", "Minima"):
        at = new_app()
        at.query_params["view"] = view
        at.run()
        assert not at.exception, at.exception
        assert charts(at) and not at.get("plotly_chart"), view
        assert figures(at)


def test_a_snapped_slice_keeps_its_grid_when_the_paths_move_a_little():
    data = make_regression(200, 2, noise=0.5, condition_number=10, seed=0)
    loss = QuadraticLoss.from_data(data.X, data.y)
    w0 = np.array([-2.0, 2.0])
    anchors = [loss.minimizer, w0]
    path = np.linspace(w0, loss.minimizer, 30)
    a = loss_slice(loss, loss.minimizer, [1, 0], [0, 1], points=path, anchors=anchors, snap=8)
    inner = loss.minimizer + 0.97 * (path - loss.minimizer)  # another run, a little shorter
    b = loss_slice(loss, loss.minimizer, [1, 0], [0, 1], points=inner, anchors=anchors, snap=8)
    np.testing.assert_array_equal(a.Z, b.Z)
    np.testing.assert_array_equal(a.x, b.x)
    far = np.vstack([path, 1.6 * w0])  # a run that swings out widens the view, in whole steps
    c = loss_slice(loss, loss.minimizer, [1, 0], [0, 1], points=far, anchors=anchors, snap=8)
    assert c.x[0] < a.x[0]
    assert DataSettings().n_samples == 200  # the defaults this test mirrors


def test_figures_built_without_plotly_validation_reach_the_browser_unchanged(monkeypatch):
    # The app skips plotly's validation (speed); the tests keep it (LSQ_LAB_STRICT=1): same payload.
    from dashboard.figures import PathSpec, build_contour_figure, build_surface_figure

    settings = LabSettings()
    problem = lab.build_problem(settings.data)
    paths = [
        PathSpec(f"Run {i}", "#0072B2", lab.run_one(problem, r, settings))
        for i, r in enumerate(settings.runs)
    ]
    s = loss_slice(problem.loss, problem.w_star, [1, 0], [0, 1], points=[p.trajectory.weights for p in paths],
                   anchors=[problem.w_star], snap=8)  # fmt: skip

    def payload():
        panels = [Panel("s", build_surface_figure(s, paths, problem.w_star), ""),
                  Panel("c", build_contour_figure(s, paths, problem.w_star), "")]  # fmt: skip
        return decode(encode(panels, known=KnownTraces(limit=0)))

    strict = payload()
    monkeypatch.delenv("LSQ_LAB_STRICT")
    fast = payload()
    for a, b in zip(strict, fast, strict=True):
        a["layout"].pop("template"), b["layout"].pop("template")
        assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_the_payload_holds_what_plotly_itself_would_send():
    fig = _figure()
    fig.add_scatter(x=np.array([1, 2, 3], dtype=np.int64), y=[np.float32(1.5), np.nan, 2.0], name="mixed")
    fig.update_layout(title_text="t", annotations=[{"text": "a/b", "x": np.float64(0.5)}])
    ours = _decode(decode(encode([Panel("p", fig, "")], known=KnownTraces(limit=0)))[0])
    theirs = _decode(json.loads(fig.to_json()))
    assert ours["data"] == theirs["data"]
    assert ours["layout"] == theirs["layout"]


def test_a_built_figure_is_sent_as_its_builder_wrote_it_until_it_is_changed():
    fig = make_figure([{"type": "scatter", "x": [1, 2], "y": [3, 4]}], {"xaxis": {}}, title="t")
    assert isinstance(fig, go.Figure) and isinstance(fig, PlainFigure)
    data, layout = plain_parts(fig)
    sent = decode(encode([Panel("p", fig, "")], known=KnownTraces(limit=0)))[0]
    assert sent["data"] == data == [{"type": "scatter", "x": [1, 2], "y": [3, 4]}]
    assert sent["layout"]["title"]["text"] == layout["title"]["text"] == "t"
    assert fig.layout.title.text == "t"  # used as plotly's figure: built from the same dicts
    fig.update_layout(height=300)  # and, once changed, sent as plotly holds it
    assert plain_parts(fig) is None
    assert decode(encode([Panel("p", fig, "")], known=KnownTraces(limit=0)))[0]["layout"]["height"] == 300


def test_strict_figures_say_what_plotly_would_send():
    with pytest.raises(ValueError, match="title_text"):  # plotly's shorthand: the browser would not know it
        make_figure([{"type": "scatter", "x": [1]}], {"xaxis": {"title_text": "w"}}, title="t")
