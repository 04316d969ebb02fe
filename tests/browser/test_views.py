"""Every view, every main ui.control, presets, shared links and lesson links, in a real Chromium.

Each test opens a fresh browser context against the one session server, acts as
a user would (clicks, keyboard on sliders) and checks what is drawn: plotly's
own data on the chart divs (``ui.fingerprint``), the metrics, and that the
page stayed clean (no console error, failed request or request leaving 127.0.0.1).
"""

from __future__ import annotations

import re

import pytest

from dashboard.figures.style import OKABE_ITO
from dashboard.views import VIEWS

pytestmark = pytest.mark.browser

NO_EXCEPTION = "[data-testid='stException']"


def _select_view(watch, name: str, ui) -> None:
    ui.control(watch.page, "view").get_by_role("radio", name=name, exact=True).click()
    watch.wait_idle()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _charts_summary(page) -> list[dict]:
    """Per chart container: drawn or not, its accessible role and name, and its run colours."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.lsq-chart')].map(c => {
            const gd = c;  // each panel of the app's chart component is a plotly div
            const runs = ((gd && gd.data) || []).filter(t => /^Run \\d/.test(t.name || ''));
            return {
                drawn: !!c.querySelector('.js-plotly-plot .main-svg'),
                role: c.getAttribute('role'),
                name: c.getAttribute('aria-label') || '',
                colors: runs.map(t => (t.line && t.line.color) || (t.marker && t.marker.color))
                            .filter(v => typeof v === 'string'),
            };
        })"""
    )


def _check_view(watch, view: str, ui) -> list[str]:
    """What is wrong with the open view (empty when it is drawn, named and clean)."""
    page = watch.page
    problems = []
    checked = ui.control(page, "view").get_by_role("radio", checked=True).text_content().strip()
    if checked != view:
        problems.append(f"{view}: the switcher shows {checked!r}")
    charts = _charts_summary(page)
    main = page.get_by_test_id("stMain")
    content = "[data-testid='stMetric'], [data-testid='stDataFrame'], .katex, [data-testid='stAlert']"
    if not charts and not main.locator(content).count():
        problems.append(f"{view}: shows nothing")
    errors = main.get_by_test_id("stAlertContentError").all_text_contents()
    if errors:
        problems.append(f"{view}: errors with the default settings: {errors}")
    palette = {c.lower() for c in OKABE_ITO.values()}
    for chart in charts:
        if not chart["drawn"]:
            problems.append(f"{view}: a chart was not drawn")
        if chart["role"] not in ("figure", "img") or not chart["name"].strip():
            problems.append(f"{view}: a chart has no accessible name ({chart['role']}, {chart['name']!r})")
        off = [c for c in chart["colors"] if c.lower() not in palette]
        if off:
            problems.append(f"{view}: run colours outside the Okabe–Ito palette: {off}")
    if page.locator(NO_EXCEPTION).count():
        problems.append(f"{view}: a traceback (stException) is on the page")
    return problems


def test_every_view_loads_from_the_switcher_and_draws(app_page, ui):
    """Click each view's button: it draws its charts (each named for screen readers), no traceback.

    One page walks through all views (as a lecturer does); a screenshot of each is kept
    in tests/browser/artifacts/view-<name>.png.
    """
    page = app_page.page
    ui.open_app(app_page)
    problems = []
    for view in VIEWS:
        if view != "Landscape":
            before = ui.fingerprint(app_page)
            _select_view(app_page, view, ui)
            if f"view={view.replace(' ', '+')}" not in page.url:
                problems.append(f"{view}: the open view is not in the URL ({page.url})")
            ui.wait_charts_changed(app_page, before, timeout=5_000)  # a view without charts: nothing to await
        problems += _check_view(app_page, view, ui)
        app_page.screenshot(f"view-{_slug(view)}")
    assert problems == []
    assert app_page.problems == []


# (widget key, how to move it): every main ui.control, driven as a user would.
CONTROLS = [
    ("n", "slider"),
    ("k", "slider"),
    ("noise", "slider"),
    ("kappa", "slider"),
    ("r1_lr", "slider"),
    ("r1_batch", "slider"),
    ("r1_rule", "Adam"),
]


def test_each_main_control_changes_what_is_drawn(app_page, ui):
    """One ui.control after another on the same page; each must change the charts it feeds."""
    page = app_page.page
    ui.open_app(app_page)
    unchanged = []
    for key, how in CONTROLS:
        before = ui.fingerprint(app_page)
        if how == "slider":
            old = ui.control(page, key).get_by_role("slider").get_attribute("aria-valuetext")
            ui.nudge_slider(app_page, key)
            new = ui.control(page, key).get_by_role("slider").get_attribute("aria-valuetext")
            assert new != old, f"ArrowRight did not move {key} ({old})"
        else:
            ui.choose(app_page, key, how)
            assert ui.selected(page, key) == how
            assert f"{key}={how}" in page.url
        after = ui.wait_charts_changed(app_page, before)
        page.wait_for_selector(ui.CHART)
        if after == before:
            unchanged.append(key)
        assert page.locator(NO_EXCEPTION).count() == 0, key
    assert unchanged == [], f"moving these controls did not change any chart: {unchanged}"
    assert app_page.problems == []


def test_the_keyboard_reaches_the_first_sidebar_slider_and_moves_it(app_page, ui):
    """Tab from the top of the page until the focus is on a sidebar slider; ArrowRight moves it."""
    page = app_page.page
    ui.open_app(app_page)
    before = ui.fingerprint(app_page)
    page.locator("body").focus()
    in_slider = """() => !!document.activeElement
        && document.activeElement.matches('input[type=range]')
        && !!document.activeElement.closest('[data-testid="stSidebar"] [data-testid="stSlider"]')"""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(in_slider):
            break
    else:
        pytest.fail("80 presses of Tab never reached a slider in the sidebar")
    key = page.evaluate(
        "() => [...document.activeElement.closest('[class*=\"st-key-\"]').classList]"
        ".find(c => c.startsWith('st-key-')).slice(7)"
    )
    old = page.evaluate("() => document.activeElement.getAttribute('aria-valuetext')")
    page.keyboard.press("ArrowRight")
    app_page.wait_idle()
    new = ui.control(page, key).get_by_role("slider").get_attribute("aria-valuetext")
    assert new != old, f"ArrowRight did not move the slider {key!r} ({old})"
    assert ui.wait_charts_changed(app_page, before) != before
    assert app_page.problems == []
