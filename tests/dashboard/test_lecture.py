"""Lecture mode, headless: presets, links that reproduce a state, bad links, lesson links."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import figures, new_app, open_app

from dashboard.controls import ALL_SPECS
from dashboard.presets import PRESETS
from dashboard.settings import rule_knobs


def _widget_value(at, key):
    spec = ALL_SPECS[key]
    kind = {"select_slider": "select_slider", "selectbox": "selectbox", "segmented": "segmented_control"}
    getter = getattr(at, kind.get(getattr(spec, "widget", ""), "slider"), None)
    if type(spec).__name__ == "Flag":
        getter = at.toggle
    elif getattr(spec, "widget", "") == "number_input":
        getter = at.number_input
    return getter(key=key).value


def _load_preset(at, name):
    at.selectbox(key="preset_pick").select(name).run()
    at.button(key="preset_load").click().run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_sets_what_it_says_and_shows_its_note(name):
    at = open_app()
    _load_preset(at, name)
    preset = PRESETS[name]
    assert at.segmented_control(key="view").value == preset.view
    for key, value in preset.values.items():
        rule = preset.values.get(key.split("_")[0] + "_rule", "SGD")
        knob = {"mom": "momentum", "b2": "beta2"}.get(key.rsplit("_", 1)[-1])
        if knob is not None and knob not in rule_knobs(rule):  # the rule does not show that widget
            continue
        assert _widget_value(at, key) == value, key
    assert any(preset.title in i.value for i in at.info)


def test_the_edge_preset_converges_below_and_diverges_above_the_limit():
    at = open_app()
    _load_preset(at, "edge")
    errors = [e.value for e in at.error]
    assert any("Run 2" in e and "diverged" in e and "stability limit" in e for e in errors), errors
    assert not any("Run 1" in e for e in errors)


def test_a_link_reproduces_the_same_solution_and_final_iterates():
    params = {"n": "500", "k": "3", "noise": "1.25", "kappa": "100", "seed": "42", "r1_lr": "0.2",
              "r2_batch": "5", "view": "Closed form"}  # fmt: skip
    first, second = open_app(**params), open_app(**params)
    table_a, table_b = first.dataframe[0].value, second.dataframe[0].value
    assert table_a["coefficients"].tolist() == table_b["coefficients"].tolist()
    assert np.allclose(table_a["loss L(w)"], table_b["loss L(w)"], rtol=0, atol=0)
    assert first.select_slider(key="n").value == 500 and first.number_input(key="seed").value == 42


def test_changing_the_seed_in_the_link_changes_the_picture():
    assert figures(open_app(seed="1")) != figures(open_app(seed="2"))


@pytest.mark.parametrize(
    ("key", "raw"),
    [("n", "abc"), ("k", "999"), ("noise", "nan"), ("kappa", "3.3"), ("icpt", "maybe"), ("seed", "-4"),
     ("r1_lr", "0.123"), ("r1_rule", "Newton"), ("view", "Nowhere"), ("preset", "nope"), ("epochs", "1e9")],
)  # fmt: skip
def test_a_malformed_link_value_warns_and_falls_back_to_the_default(key, raw):
    at = open_app(**{key: raw})
    warnings = [w.value for w in at.warning]
    assert any("default" in w or "does not exist" in w for w in warnings), warnings
    assert not at.error
    assert figures(at), "the page must still draw"


def test_unknown_link_parameters_are_named_and_ignored():
    at = open_app(utm_source="mail")
    assert any("utm_source" in w.value for w in at.warning)


def test_link_warnings_can_be_dismissed():
    at = open_app(n="abc")
    at.button(key="dismiss_link").click().run()
    assert not any("N — samples" in w.value for w in at.warning)


def test_a_lesson_link_hides_the_chosen_controls_but_keeps_their_values():
    at = open_app(lesson="1", hide="data", n="1000", noise="1.5")
    keys = {
        w.key for kind in ("slider", "select_slider", "toggle", "number_input") for w in getattr(at, kind)
    }
    assert not keys & {"n", "k", "noise", "kappa", "icpt", "seed"}
    assert "r1_lr" in keys  # optimizers stay visible
    visible = open_app(n="1000", noise="1.5")
    assert figures(at) == figures(visible), "hidden controls must still take the link's values"


def test_a_preset_link_opens_the_scenario():
    at = open_app(preset="valley")
    assert at.select_slider(key="kappa").value == 50.0
    assert at.selectbox(key="r2_rule").value == "Momentum"


def test_share_link_lists_exactly_the_changed_controls():
    at = new_app(share_open=True)  # the panel builds its links only while open
    at.run()
    at.slider(key="noise").set_value(1.5).run()
    link = next(c.value for c in at.code if "?" in c.value)
    assert "noise=1.5" in link and "n=" not in link


def test_a_views_own_controls_travel_in_the_link_without_warnings():
    at = open_app(view="Minibatches", mb_batch="20", slice="eigen")
    assert not at.warning, [w.value for w in at.warning]
    assert at.select_slider(key="mb_batch").value == 20
