"""The animation panel under the landscape: off by default, an animated chart when on, step mode."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import figures, new_app

from core.sampling import step_directions
from dashboard import lab
from dashboard.settings import DataSettings, LabSettings, RunSettings


def _animated(at):
    return [f for f in figures(at) if f.get("frames")]


def test_panel_is_off_by_default(app):
    assert app.toggle(key="anim").value is False and app.toggle(key="stepmode").value is False
    assert not _animated(app)
    assert not [f for f in figures(app) if "up close" in f["layout"]["title"]["text"]]


def test_play_toggle_shows_an_animated_contour_and_optionally_3d():
    at = new_app(anim=True)
    at.run()
    assert not at.exception, at.exception
    (fig,) = _animated(at)
    assert fig["data"][0]["type"] == "contour"
    assert 2 <= len(fig["frames"]) <= 61
    assert [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]] == ["▶ Play", "❚❚ Pause"]
    settings = LabSettings()
    problem = lab.build_problem(settings.data)
    last = fig["frames"][-1]["data"]
    for i, run in enumerate(settings.runs):
        w = lab.run_one(problem, run, settings).weights[-1]
        np.testing.assert_allclose([last[i]["x"][-1], last[i]["y"][-1]], w, rtol=1e-6)
    at.checkbox(key="anim3d").check().run()
    at.segmented_control(key="anim_clock").set_value("epoch").run()
    assert not at.exception, at.exception
    kinds = sorted(f["data"][0]["type"] for f in _animated(at))
    assert kinds == ["contour", "surface"]
    assert all(f["layout"]["sliders"][0]["currentvalue"]["prefix"] == "epoch " for f in _animated(at))


def _step_figure(at):
    (fig,) = [f for f in figures(at) if "up close" in f["layout"]["title"]["text"]]
    return fig


def test_step_mode_draws_the_step_and_its_numbers():
    at = new_app(stepmode=True, step_run=1, step_t=5)
    at.run()
    assert not at.exception, at.exception
    fig = _step_figure(at)
    assert fig["layout"]["title"]["text"].startswith("Step 5 of Run 2")
    settings = LabSettings()
    problem = lab.build_problem(settings.data)
    traj = lab.run_one(problem, settings.runs[1], settings)
    sd = step_directions(problem.X, problem.y, traj, problem.loss, steps=[5])
    arrows = [a for a in fig["layout"]["annotations"] if a.get("showarrow")]
    taken = next(a for a in arrows if a["arrowcolor"] == "#D55E00")  # run 2's colour
    np.testing.assert_allclose([taken["ax"], taken["ay"]], traj.weights[5], rtol=1e-9)
    np.testing.assert_allclose([taken["x"], taken["y"]], traj.weights[6], rtol=1e-9)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["learning rate ηₜ"]) == pytest.approx(0.05)
    assert float(metrics["‖∇L(wₜ)‖"]) == pytest.approx(np.linalg.norm(sd.gradient[0]), rel=5e-4)
    assert float(metrics["angle(step, −∇L)"].rstrip("°")) == pytest.approx(sd.angle_to_gradient[0], abs=0.06)
    at.button(key="step_next").click().run()
    assert at.slider(key="step_t").value == 6
    assert _step_figure(at)["layout"]["title"]["text"].startswith("Step 6 of Run 2")


def test_step_mode_with_batch_one_names_the_sample():
    at = new_app(stepmode=True, step_run=1, step_t=3, r2_batch=1)
    at.run()
    assert not at.exception, at.exception
    settings = LabSettings(runs=(LabSettings().runs[0], RunSettings(learning_rate=0.05, batch_size=1)))
    i = int(np.random.default_rng(settings.data.seed).permutation(settings.data.n_samples)[3])
    fig = _step_figure(at)
    names = [t.get("name", "") for t in fig["data"]]
    assert any(n.startswith("line through") and f"sample i = {i}" in n for n in names)
    assert any(f"sample i = {i}" in c.value and "one data direction per step" in c.value for c in at.caption)


def test_step_mode_explains_a_thinned_run():
    # N = 1000, batch 1, 30 epochs: 30,000 steps, above the 20,000 iterates the app keeps.
    at = new_app(stepmode=True, step_run=1, n=1000, r2_batch=1)
    at.run()
    assert not at.exception, at.exception
    assert any("kept every" in i.value for i in at.info)
    assert DataSettings(n_samples=1000).n_samples * 30 > lab.MAX_RECORDED


def test_step_mode_for_k3_is_projected():
    at = new_app(stepmode=True, step_run=0, step_t=2, k=3)
    at.run()
    assert not at.exception, at.exception
    fig = _step_figure(at)
    assert any("projected" in (a.get("text") or "") for a in fig["layout"]["annotations"])
