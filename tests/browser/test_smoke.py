"""First real-browser check: the app loads, draws, reacts to a slider, and stays clean."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_app_draws_charts_and_reacts_to_a_slider(app_page):
    page = app_page.page
    page.goto(app_page.base_url, wait_until="domcontentloaded")
    app_page.wait_idle(timeout=60_000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert page.locator(".lsq-chart .main-svg").count() >= 2  # the surface and the contour
    assert page.locator("[data-testid='stException']").count() == 0
    before = app_page.chart_data()
    app_page.screenshot("landscape")

    # Noise σ is the third slider in the sidebar: nudge it and the data, paths and w* move.
    slider = page.get_by_test_id("stSlider").filter(has_text="Noise").get_by_role("slider")
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    app_page.wait_idle()
    page.wait_for_selector(".js-plotly-plot .main-svg")
    after = app_page.chart_data()
    assert after != before, "moving the noise slider did not change any chart"
    assert page.locator("[data-testid='stException']").count() == 0
    assert app_page.problems == []
