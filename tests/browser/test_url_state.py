"""The address bar is the link, in a real Chromium.

Streamlit writes bound widgets to the URL in the browser, which AppTest cannot
see, and only a real click can hit a segmented control's active option. So:

- clicking the active option of every segmented control leaves a working page and the
  URL value unchanged (it used to clear the value and show a traceback);
- after each preset, after "New sample", after a settings import and after a view's own
  widget changes, the address bar opened in a fresh browser shows the same page
  (the same messages and metrics);
- a hand-written link that spells a valid value another way (2.0, 0.50, 200.0) opens it.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from dashboard.controls import ALL_SPECS
from dashboard.presets import PRESETS
from dashboard.views import VIEWS

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def _segmented_keys(page) -> list[str]:
    """The keys of every segmented control on the page (their containers carry ``st-key-<key>``)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stButtonGroup"]')]
            .filter(g => g.querySelector('button[data-variant="segmented_control"]'))
            .map(g => [...(g.closest('[class*="st-key-"]') || g).classList]
                .find(c => c.startsWith('st-key-')))
            .filter(Boolean).map(c => c.slice('st-key-'.length))"""
    )


def _active(page, key: str):
    return page.locator(f".st-key-{key}").get_by_role("radio", checked=True)


def _click_active_twice(watch, key: str) -> None:
    """Click the active option of ``key``'s segmented control; the page and the URL must not change."""
    page = watch.page
    label = _active(page, key).inner_text()
    before = _query(page.url).get(key)
    for _ in range(2):
        _active(page, key).click()
        watch.wait_idle()
        assert page.locator(EXCEPTION).count() == 0, f"clicking the active '{label}' of {key} raised"
        assert _active(page, key).count() == 1, f"{key} lost its selection"
        assert _active(page, key).inner_text() == label
        assert _query(page.url).get(key) == before, f"{key} in the URL changed: {page.url}"


def _pick_other(watch, key: str) -> None:
    """Select an option of ``key`` that is not the active one (so the URL holds a value)."""
    box = watch.page.locator(f".st-key-{key}")
    box.get_by_role("radio", checked=False).last.click()
    watch.wait_idle()


def test_clicking_the_active_option_of_any_segmented_control_keeps_the_page(app_page, ui):
    page = app_page.page
    ui.open_app(app_page, "?anim=true")  # the animation's clock is a segmented control too
    tested: set[str] = set()
    for name in VIEWS:
        ui.control(page, "view").get_by_role("radio", name=name, exact=True).click()
        app_page.wait_idle()
        for key in _segmented_keys(page):
            if key in tested:
                continue
            tested.add(key)
            _click_active_twice(app_page, key)  # at its default: not in the URL, and stays so
            if key != "view":  # the view switcher is checked on a non-default view by the loop itself
                _pick_other(app_page, key)
                assert key in _query(page.url), f"{key} did not reach the URL: {page.url}"
                _click_active_twice(app_page, key)
        assert page.locator(EXCEPTION).count() == 0
    assert {"view", "nruns", "anim_clock"} <= tested, tested
    assert page.get_by_test_id("stSidebar").count() == 1
    assert app_page.problems == []


def _load_preset(watch, ui, title: str) -> None:
    ui.choose(watch, "preset_pick", title)
    watch.page.get_by_role("button", name="Load scenario").click()
    watch.wait_idle()


def _page_state(watch) -> tuple[list[str], list[str]]:
    """What a student compares: every message box (run messages, the preset's note) and every metric."""
    alerts, metrics = (watch.page.get_by_test_id(t).all_inner_texts() for t in ("stAlert", "stMetricValue"))
    return alerts, metrics


def _open_fresh(new_page, url: str):
    other = new_page()
    other.page.goto(url, wait_until="domcontentloaded")
    other.wait_idle(timeout=60_000)
    return other


def _assert_address_bar_reproduces(watch, new_page, what: str) -> None:
    url = watch.page.url
    expected = _page_state(watch)
    assert expected[0] or expected[1], f"{what}: nothing to compare on the page"
    other = _open_fresh(new_page, url)
    assert _page_state(other) == expected, f"{what}: {url} shows another page"
    assert _query(other.page.url) == _query(url), f"{what}: the fresh page rewrote the link"
    assert other.page.locator(EXCEPTION).count() == 0
    assert other.problems == [], other.problems
    other.page.context.close()


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_address_bar_reproduces_every_preset(app_page, new_page, ui, name):
    page = app_page.page
    ui.open_app(app_page)
    _load_preset(app_page, ui, PRESETS[name].title)
    query = _query(page.url)
    assert query.get("preset") == name, page.url
    for key, value in PRESETS[name].values.items():
        drawn = page.locator(f".st-key-{key}").count() > 0
        if drawn and value != ALL_SPECS[key].default:
            assert ALL_SPECS[key].parse(query.get(key, "")) == value, f"{key}={value} not in {page.url}"
    _assert_address_bar_reproduces(app_page, new_page, f"preset {name}")
    assert app_page.problems == []


def test_new_sample_and_a_view_widget_are_in_the_address_bar(app_page, new_page, ui):
    page = app_page.page
    ui.open_app(app_page, "?view=Closed+form", charts=False)
    page.get_by_role("button", name="New sample").click()
    app_page.wait_idle()
    assert _query(page.url).get("seed") == "1", page.url
    _assert_address_bar_reproduces(app_page, new_page, "New sample")

    ui.control(page, "view").get_by_role("radio", name="Landscape", exact=True).click()
    app_page.wait_idle()
    ui.control(page, "anim").locator("label").first.click()  # the animation's switch, a view widget
    app_page.wait_idle()
    assert _query(page.url).get("anim") == "true", page.url
    other = _open_fresh(new_page, page.url)
    assert ui.control(other.page, "anim").locator("input").is_checked()
    assert other.problems == []


def test_an_imported_settings_file_is_in_the_address_bar(app_page, new_page, ui):
    page = app_page.page
    ui.open_app(app_page)
    params = {"kappa": "50", "nruns": "3", "r2_rule": "Momentum", "r2_mom": "0.55", "r3_lr": "0.02",
              "r3_batch": "full", "view": "Closed form"}  # fmt: skip
    content = json.dumps({"format": "lsq-lab settings v1", "params": params}).encode()
    panel = page.get_by_test_id("stExpander").filter(has_text="Export and import")
    panel.locator("summary").click()
    panel.locator("input[type='file']").set_input_files(
        {"name": "settings.json", "mimeType": "application/json", "buffer": content}
    )
    app_page.wait_idle()
    page.get_by_test_id("stMetricValue").first.wait_for()
    query = _query(page.url)
    for key, value in params.items():
        if key != "r3_batch":  # the default of run 3 is full batch already
            assert query.get(key) == value, (key, page.url)
    _assert_address_bar_reproduces(app_page, new_page, "settings import")
    assert app_page.problems == []


def test_a_link_may_spell_a_valid_value_another_way(app_page, ui):
    page = app_page.page
    link = "?r1_lr=2.0&n=200.0&noise=1.50&kappa=20.0&nruns=3.0&k=2.0&r1_mom=0.90&view=Closed+form"
    ui.open_app(app_page, link, charts=False)
    assert page.get_by_test_id("stAlert").filter(has_text="link").count() == 0, "a valid link was refused"
    assert ui.control(page, "r1_lr").get_by_role("slider").get_attribute("aria-valuetext") == "2"
    assert ui.control(page, "kappa").get_by_role("slider").get_attribute("aria-valuetext") == "20"
    assert _active(page, "nruns").inner_text() == "3"
    query = _query(page.url)
    assert query.get("r1_lr") == "2" and query.get("kappa") == "20" and query.get("nruns") == "3", page.url
    assert "n" not in query and "k" not in query, "a default spelled another way stays out of the link"
    assert float(query["noise"]) == 1.5
    assert page.locator(EXCEPTION).count() == 0
    assert app_page.problems == []
