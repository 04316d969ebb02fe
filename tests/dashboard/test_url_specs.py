"""URL state, headless: every control declared once as a spec, links checked and respelled, warm-up.

What AppTest cannot see (Streamlit's own URL writes, a click on a segmented control's
active option) is tested in a real browser: tests/browser/test_url_state.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import new_app, open_app

from dashboard import urlstate
from dashboard.controls import ALL_SPECS
from dashboard.specs import Choice, Flag, Number
from dashboard.views import VIEW_SPECS, VIEWS

ROOT = Path(__file__).resolve().parents[2]
# Value widgets that are deliberately not in the link: a preset menu (the preset is), the lesson
# link's own choice, and the feature multiselect (kept in the link as one comma-separated value).
UNBOUND = {"preset_pick", "lesson_hide", "feats"}
VALUE_WIDGETS = ("slider", "select_slider", "selectbox", "radio", "toggle", "checkbox", "number_input",
                 "multiselect", "segmented_control", "text_input")  # fmt: skip


def _static(spec) -> bool:
    return not (isinstance(spec, Choice) and spec.options is None)


# ----------------------------------------------------------------------------- specs, pure


@pytest.mark.parametrize(
    "key", [k for k, s in urlstate.link_specs().items() if isinstance(s, Choice) and _static(s)]
)
def test_every_option_is_read_back_from_its_url_form_and_its_value(key):
    spec = urlstate.link_specs()[key]
    for option in spec.options:
        assert spec.parse(spec.url_form(option)) == option
        assert spec.parse(str(option)) == option  # old links, and ?slice=eigen by hand
        assert spec.link_form(str(option)) == spec.url_form(option)


@pytest.mark.parametrize(
    ("key", "raw", "value", "form"),
    [("r1_lr", "2.0", 2.0, "2"), ("r1_lr", "0.50", 0.5, "0.5"), ("r1_lr", "2", 2.0, "2"),
     ("n", "200.0", 200, "200"), ("n", "1e3", 1000, "1000"), ("r2_batch", "10.0", 10, "10"),
     ("nruns", "3.0", 3, "3"), ("kappa", "1000", 1e3, "1000"), ("mb_lr", "0.050", 0.05, "0.05"),
     ("gen_k", "40.0", 40, "40"), ("k", "3.0", 3, "3"), ("seed", "7.0", 7, "7"), ("icpt", "1", True, "true"),
     ("anim_clock", "epoch", "epoch", "epochs (passes over the data)")],
)  # fmt: skip
def test_a_link_may_spell_a_valid_value_another_way(key, raw, value, form):
    spec = urlstate.link_specs()[key]
    assert spec.parse(raw) == value
    assert spec.link_form(raw) == form


@pytest.mark.parametrize(
    ("key", "raw"),
    [("r1_lr", "2.05"), ("r1_lr", "nan"), ("n", "abc"), ("n", "201"), ("r2_batch", "fuller"),
     ("nruns", "2.5"), ("k", "3.5"), ("noise", "inf"), ("cam", "sideways"), ("gen_k", "abc"),
     ("step_t", "-1")],
)  # fmt: skip
def test_a_value_the_control_cannot_take_is_refused_naming_it(key, raw):
    spec = urlstate.link_specs()[key]
    with pytest.raises(ValueError, match=re.escape(spec.label)):
        spec.parse(raw)


def test_every_url_key_names_one_control():
    specs = urlstate.link_specs()
    assert set(ALL_SPECS) <= set(specs) and set(VIEW_SPECS) <= set(specs) and "big" in specs
    assert not set(ALL_SPECS) & set(VIEW_SPECS)
    assert all(key == spec.key for key, spec in specs.items())


# ----------------------------------------------------------------------------- declared once


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


BINDS = re.compile(r"""bind\s*=\s*["']query-params["']\s*[,)]""")


def test_only_a_spec_binds_a_widget_to_the_url_and_only_urlstate_reads_it():
    """So every URL-bound widget is declared as a spec, none can deselect into an empty value,
    and every read of the URL goes through one module."""
    for path in _sources("dashboard"):
        name, text = str(path.relative_to(ROOT)), path.read_text()
        if path.name != "specs.py":
            assert not BINDS.search(text), f"{name} binds a widget itself: declare a spec"
            assert "segmented_control(" not in text, f"{name} draws a segmented control itself"
        if path.name != "urlstate.py":
            assert "st.query_params" not in text, f"{name} reads the URL itself: use dashboard.urlstate"


def _drawn_keys(at) -> set[str]:
    return {w.key for kind in VALUE_WIDGETS for w in getattr(at, kind) if w.key}


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_widget_a_view_draws_is_known_to_the_link_checker(view):
    # K = 3 shows the slice's axis choices; the animation and the stepper open the panel's widgets.
    at = open_app(view=view, k="3", anim="true", stepmode="true", anim3d="true")
    unknown = _drawn_keys(at) - set(urlstate.link_specs()) - UNBOUND
    assert not unknown, f"{view} draws widgets the link checker does not know: {unknown}"
    assert not at.warning, [w.value for w in at.warning]


@pytest.mark.parametrize("key", [k for k, s in VIEW_SPECS.items() if _static(s) and k != "view"])
def test_a_bad_value_for_a_views_widget_warns_like_a_sidebar_control(key):
    spec = VIEW_SPECS[key]
    at = open_app(**{key: "§"})
    warnings = [w.value for w in at.warning]
    assert any(spec.label in w and "default" in w for w in warnings), warnings
    assert key not in at.query_params


def test_a_link_with_equivalent_spellings_opens_them_and_is_respelled():
    at = open_app(
        r1_lr="2.0", n="500.0", r2_batch="10.0", nruns="3.0", k="3.0", gen_k="100.0", view="Closed form"
    )
    assert not [w.value for w in at.warning if "link" in w.value]
    assert at.select_slider(key="r1_lr").value == 2.0
    assert at.select_slider(key="n").value == 500
    assert at.select_slider(key="r2_batch").value == 10
    assert at.segmented_control(key="nruns").value == 3
    assert at.slider(key="k").value == 3
    assert {key: at.query_params[key] for key in ("r1_lr", "n", "nruns", "k", "gen_k")} == {
        "r1_lr": "2", "n": "500", "nruns": "3", "k": "3", "gen_k": "100"
    }  # fmt: skip


def test_a_settings_file_sets_a_views_widget_too():
    content = json.dumps({"format": "lsq-lab settings v1", "params": {"view": "Cost", "cost_kmax": "50"}})
    at = new_app(export_open=True)  # the panel holds its uploader only while open
    at.run()
    at.file_uploader(key="settings_file").upload("s.json", content.encode(), "application/json").run()
    assert not at.exception, at.exception
    assert at.segmented_control(key="view").value == "Cost"
    assert at.select_slider(key="cost_kmax").value == 50
    assert not any("unknown" in w.value for w in at.warning)


def test_a_preset_link_keeps_its_explicit_values_and_fills_the_rest():
    at = open_app(preset="valley", kappa="5")
    assert at.select_slider(key="kappa").value == 5.0  # the link's own value wins
    assert at.selectbox(key="r2_rule").value == "Momentum" and at.slider(key="r2_mom").value == 0.55
    assert at.query_params["r2_mom"] == "0.55" and at.query_params["r2_rule"] == "Momentum"
    assert "preset" not in at.query_params, "a changed preset is no longer named in the link"


def test_a_loaded_preset_is_in_the_link_until_a_control_changes():
    at = open_app()
    at.selectbox(key="preset_pick").select("valley").run()
    at.button(key="preset_load").click().run()
    assert at.query_params["preset"] == "valley"
    assert at.query_params["r2_mom"] == "0.55", "a control drawn for the first time is written by the app"
    at.select_slider(key="kappa").set_value(10.0).run()  # back to the default: Streamlit drops it
    assert "preset" not in at.query_params, "the link would bring κ = 50 back"


# ----------------------------------------------------------------------------- warm-up


def test_importing_compute_runs_no_kernel_and_warm_up_does():
    code = """
import core
calls = []
original = core.run_optimizer
core.run_optimizer = lambda *a, **k: calls.append(1) or original(*a, **k)
import dashboard.compute as compute
assert not calls, "importing dashboard.compute ran a kernel"
compute.warm_up()
assert calls, "warm_up ran no kernel"
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_app_warms_up_once_per_process(monkeypatch):
    import streamlit as st

    from dashboard import compute

    calls = []
    monkeypatch.setattr(compute, "warm_up", lambda: calls.append(1))
    st.cache_resource.clear()
    open_app()
    open_app(view="Fit")
    assert calls == [1]


def test_flags_and_numbers_are_specs_too():
    assert isinstance(VIEW_SPECS["anim"], Flag) and isinstance(VIEW_SPECS["gen_noise"], Number)
