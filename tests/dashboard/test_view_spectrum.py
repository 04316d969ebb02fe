"""The Spectrum view, headless: it renders for synthetic data, bundled datasets and an upload;
every number it shows matches an independent computation (numpy's SVD, eigvalsh and roots, not
core.spectral); a click on the phase diagram sets the run; the presets' notes are true.

A click cannot be made in AppTest (there is no plotly element to click). What the browser does
on a click is send the chart component's click event; ``_click`` below sends exactly that
(``conftest.chart_event``), so the view's callback runs as it would in the browser, before the
sidebar draws. The callback's arithmetic (snapping to the sidebar's values) is also tested directly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import chart_event, charts, figures, new_app, open_app, trace

from dashboard import lab
from dashboard.controls import DATA_SPECS
from dashboard.presets import PRESETS
from dashboard.settings import LEARNING_RATE_CHOICES, DataSettings
from dashboard.views.spectrum import (
    PHASE_KEY,
    pick_values,
    snap_learning_rate,
    snap_momentum,
)

VIEW = "Spectrum"
TITLES = ("Kept fraction φ", "Heavy ball", "Digits lost")
GOOD_CSV = b"x,z,y\n1,0.5,2.1\n2,0.1,3.9\n3,0.7,6.2\n4,0.2,7.8\n5,0.9,10.1\n6,0.3,12.2\n"


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def captions(at) -> str:
    return "\n".join(c.value for c in at.main.caption)


def assert_drawn(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    figs = figures(at)
    assert [f["layout"]["title"]["text"][: len(t)] for f, t in zip(figs, TITLES, strict=True)] == list(TITLES)
    for panels in charts(at).values():
        assert all(panel["alt"].strip() for panel in panels)


LINKS = {
    "defaults": {},
    "Longley, standardized": {"src": "longley"},
    "Longley, raw (normal equations refuse)": {"src": "longley", "std": "false"},
    "stack loss": {"src": "stackloss"},
    "K > N": {"n": "10", "k": "50"},
    "collinear": {"dup": "true"},
    "one feature": {"k": "1"},
    "diverging and adaptive runs": {"nruns": "3", "r1_lr": "100", "r2_rule": "Adam", "r3_rule": "Nesterov"},
    "four momentum runs": {"nruns": "4", **{f"r{i}_rule": "Momentum" for i in range(1, 5)}, "r4_mom": "0.99"},
    "ill-conditioned, intercept": {"kappa": "1000000", "icpt": "true", "k": "5"},
}


@pytest.mark.parametrize("case", list(LINKS))
def test_the_view_renders_for_any_data_without_errors(case):
    assert_drawn(open_app(view=VIEW, **LINKS[case]))


def test_the_view_renders_for_an_uploaded_file():
    at = open_app(src="upload", view=VIEW)
    at.file_uploader(key="upload_file").upload("data.csv", GOOD_CSV, "text/csv").run()
    assert_drawn(at)


# -- the numbers on screen, against independent computations ----------------------------------


def default_problem():
    return lab.build_problem(DataSettings())


def test_filter_numbers_match_an_svd_of_the_data():
    at = open_app(view=VIEW)
    X = default_problem().X
    n = X.shape[0]
    s = np.linalg.svd(X, compute_uv=False)
    eta, t = 0.3, 30  # Run 1 of the defaults, the slider's default step
    gd = 1 - (1 - eta * s**2 / n) ** t
    ridge = s**2 / (s**2 + n / (eta * t))
    assert metric(at, "ridge twin λ") == f"{1 / (eta * t):.3g}"
    assert metric(at, "largest gap") == f"{np.max(np.abs(gd - ridge)):.3f}"
    assert metric(at, "GD past ½") == f"{np.count_nonzero(gd > 0.5)} of {s.size}"
    fig = figures(at)[0]
    run = next(tr for tr in fig["data"] if tr["name"].startswith("Run 1") and tr["mode"] == "markers")
    np.testing.assert_allclose(run["x"], s, rtol=1e-12)
    np.testing.assert_allclose(run["y"], gd, rtol=1e-12)
    twin = next(tr for tr in fig["data"] if tr["name"].startswith("ridge") and tr["mode"] == "markers")
    assert twin["name"] == f"ridge λ = 1/(ηt) = {1 / (eta * t):.3g} (twin of Run 1)"
    np.testing.assert_allclose(twin["y"], ridge, rtol=1e-12)
    assert "Run 2" in captions(at) and "minibatches" in captions(at)  # SGD batch 10: not a filter


def test_phase_numbers_match_the_eigenvalues_and_roots():
    at = open_app(view=VIEW)
    X = default_problem().X
    lam = np.linalg.eigvalsh(X.T @ X / X.shape[0])
    lo, hi = lam.min(), lam.max()
    kappa = hi / lo
    assert metric(at, "η* (fastest)") == f"{4 / (np.sqrt(hi) + np.sqrt(lo)) ** 2:.3g}"
    assert metric(at, "β* (fastest)") == f"{((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2:.3g}"
    assert metric(at, "rate at ◆") == f"{(np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1):.3g}"
    assert metric(at, "GD's best") == f"{(kappa - 1) / (kappa + 1):.3g}"
    rate = max(abs(1 - 0.3 * lam))  # Run 1: GD η = 0.3
    steps = math.log(10) / -math.log(rate)
    assert f"rate {rate:.3g} per step, about {steps:,.0f} steps for 10× less error" in captions(at)
    text = captions(at)
    assert f"$\\lambda_{{\\min}}$ = {lo:.3g} … $\\lambda_{{\\max}}$ = {hi:.3g}" in text
    assert f"$\\kappa(X^\\top X) = \\lambda_{{\\max}}/\\lambda_{{\\min}}$ = {kappa:.3g}" in text
    star = next(tr for tr in figures(at)[1]["data"] if tr["name"].startswith("fastest"))
    assert star["name"] == f"fastest: rate {(np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1):.3g} per step"


def test_a_momentum_runs_rate_is_the_largest_root():
    at = open_app(view=VIEW, nruns="1", r1_rule="Momentum", r1_lr="1.5", r1_mom="0.5")
    X = default_problem().X
    lam = np.linalg.eigvalsh(X.T @ X / X.shape[0])
    rate = max(max(abs(np.roots([1, -(1.5 - 1.5 * v), 0.5]))) for v in lam)
    assert f"Run 1 (Momentum η=1.5, full batch, β=0.5): rate {rate:.3g} per step" in captions(at)


def test_the_digits_caption_uses_the_datas_condition_number():
    at = open_app(view=VIEW)
    kappa = np.linalg.cond(default_problem().X)
    assert f"κ(X) = {kappa:.3g}, so QR and the SVD lose about {np.log10(kappa):.1f} digits" in captions(at)
    assert f"normal equations about {2 * np.log10(kappa):.1f} (κ(XᵀX) = κ² = {kappa**2:.3g})" in captions(at)
    raw = open_app(view=VIEW, src="longley", std="false")
    assert "the normal equations refuse these data" in captions(raw)
    assert "κ(X) = ∞" in captions(open_app(view=VIEW, dup="true"))


def test_the_step_slider_moves_the_filter_and_its_ridge_twin():
    at = open_app(view=VIEW)
    before = figures(at)[0]
    at.select_slider(key="spec_t").set_value(1000).run()
    assert not at.exception
    after = figures(at)[0]
    assert "t = 1,000" in after["layout"]["title"]["text"] and after != before
    assert metric(at, "ridge twin λ") == f"{1 / (0.3 * 1000):.3g}"


def test_the_views_controls_travel_in_the_link_without_warnings():
    at = open_app(view=VIEW, spec_t="300", spec_run="Run 2")  # a select box is linked by its label
    assert not at.warning, [w.value for w in at.warning]
    assert at.select_slider(key="spec_t").value == 300
    assert at.selectbox(key="spec_run").value == 2


def test_without_a_plain_gd_run_a_reference_gd_is_drawn_with_its_twin():
    at = open_app(view=VIEW, nruns="1", r1_rule="Adam")
    names = [tr["name"] for tr in figures(at)[0]["data"]]
    eta = 1 / np.linalg.eigvalsh(default_problem().X.T @ default_problem().X / 200).max()
    assert f"GD η = 1/λ<sub>max</sub> = {eta:.3g}" in names
    assert any(n.endswith("(its twin)") for n in names)
    assert "rescales each coordinate" in captions(at)


# -- a click on the phase diagram ---------------------------------------------------------------


def test_snapping_to_the_sidebars_values():
    assert snap_learning_rate(1.686) == 1.5  # log-nearest: 1.686/1.5 < 2/1.686
    assert snap_learning_rate(1e-9) == LEARNING_RATE_CHOICES[0]
    assert snap_learning_rate(1e9) == LEARNING_RATE_CHOICES[-1]
    assert snap_learning_rate(np.float32(0.3)) == 0.3
    assert snap_momentum(0.6618) == 0.66 and snap_momentum(-0.2) == 0.0 and snap_momentum(0.999) == 0.99
    assert pick_values(2, 0.0921, 0.504) == {
        "r2_rule": "Momentum",
        "r2_lr": 0.1,
        "r2_mom": 0.5,
        "r2_batch": "full",
        "r2_sched": "constant",
    }


def _click(at, x: float, y: float):
    """What the browser sends when a point of the phase diagram is clicked (the chart's click event)."""
    return chart_event(at, PHASE_KEY, "click", {"panel": PHASE_KEY, "x": x, "y": y, "curve": 3, "point": 0})


def test_a_click_on_the_phase_diagram_sets_the_chosen_run():
    at = open_app(view=VIEW)
    assert at.selectbox(key="spec_run").value == 1
    at.selectbox(key="spec_run").set_value(2).run()
    at = _click(at, 0.6867, 0.4349)  # float32 coordinates, as plotly sends them
    assert not at.exception, at.exception
    assert at.selectbox(key="r2_rule").value == "Momentum"
    assert at.select_slider(key="r2_lr").value == 0.7
    assert at.slider(key="r2_mom").value == 0.43
    assert at.select_slider(key="r2_batch").value == "full"
    assert at.selectbox(key="r1_rule").value == "SGD"  # the other run is untouched
    said = [s.value for s in at.success]
    assert said == ["Run 2 is now momentum with η = 0.7 and β = 0.43 (the nearest values the sidebar "
                    "offers), full batch, constant rate."]  # fmt: skip
    point = trace(figures(at)[1], "Run 2: Momentum η=0.7, full batch, β=0.43")
    assert (point["x"], point["y"]) == ([0.7], [0.43])
    at.run()
    assert not at.success  # said once


def test_a_lesson_link_that_fixes_the_optimizers_disables_the_click():
    at = open_app(view=VIEW, lesson="1", hide="optimizers")
    assert at.selectbox(key="spec_run").disabled
    assert "fixes the optimizers" in captions(at)


# -- the presets that lead with this view --------------------------------------------------------


def preset_problem(name):
    values = {k: PRESETS[name].values.get(k, spec.default) for k, spec in DATA_SPECS.items()}
    data = DataSettings(
        values["n"], values["k"], values["noise"], values["kappa"], values["icpt"], values["seed"]
    )
    return lab.build_problem(data)


# The two presets' notes: every claim and number is checked in test_presets_claims.py.


@pytest.mark.parametrize("name", ["earlystop", "twoknobs"])
def test_the_presets_open_on_this_view_without_errors(name):
    at = open_app(preset=name)
    assert at.segmented_control(key="view").value == VIEW
    assert_drawn(at)
    assert any(PRESETS[name].title in i.value for i in at.info)


def test_the_twoknobs_preset_shows_run_3_diverging_and_run_4_crawling():
    at = new_app()
    at.query_params["preset"] = "twoknobs"
    at.run()
    text = captions(at)
    assert "Run 3 (GD η=1.5, full batch): diverges" in text
    assert "Run 4 (Momentum η=0.15, full batch, β=0.68): rate 0.99 per step" in text
