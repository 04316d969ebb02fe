"""Lecture mode in a real Chromium: presets, shared links, lesson links, the animation.

A shared link is read from the sidebar as a user would copy it, and opened in a
fresh browser context (another student's machine); the animation must play in
the browser alone, with no rerun of the app's script.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NO_EXCEPTION = "[data-testid='stException']"


def _select_view(watch, name: str, ui) -> None:
    ui.control(watch.page, "view").get_by_role("radio", name=name, exact=True).click()
    watch.wait_idle()


def test_a_preset_loads_from_the_sidebar_and_shows_its_note(app_page, ui):
    page = app_page.page
    ui.open_app(app_page)
    before = ui.fingerprint(app_page)
    ui.choose(app_page, "preset_pick", "Ill-conditioned valley: GD zig-zags, momentum helps")
    page.get_by_role("button", name="Load scenario").click()
    app_page.wait_idle()
    note = page.get_by_test_id("stAlert").filter(has_text="makes a long narrow valley")
    assert note.count() == 1, "the preset's note is not shown"
    assert ui.control(page, "kappa").get_by_role("slider").get_attribute("aria-valuetext") == "50"
    assert "r2_rule=Momentum" in page.url, page.url
    assert ui.wait_charts_changed(app_page, before) != before
    assert app_page.problems == []


def _share_link(watch) -> str:
    expander = watch.page.get_by_test_id("stExpander").filter(has_text="Share and lesson link")
    expander.locator("summary").click()
    code = expander.get_by_test_id("stCode").first
    code.wait_for()
    return code.text_content().strip()


def _metrics(page) -> list[str]:
    return page.get_by_test_id("stMetricValue").all_text_contents()


def test_a_shared_link_opens_the_same_state_on_another_machine(app_page, new_page, ui):
    page = app_page.page
    ui.open_app(app_page)
    ui.nudge_slider(app_page, "noise", presses=6)
    ui.nudge_slider(app_page, "kappa", presses=2)
    ui.nudge_slider(app_page, "r1_lr", presses=3, direction="ArrowLeft")
    _select_view(app_page, "Closed form", ui)
    metrics = _metrics(page)
    assert len(metrics) >= 4
    link = _share_link(app_page)
    assert link.startswith(app_page.base_url), link
    assert "noise=" in link and "kappa=" in link and "r1_lr=" in link and "view=Closed" in link, link

    other = new_page()
    other.page.goto(link, wait_until="domcontentloaded")
    other.wait_idle(timeout=60_000)
    other.page.get_by_test_id("stMetricValue").first.wait_for()
    assert _metrics(other.page) == metrics
    for watch in (app_page, other):
        _select_view(watch, "Landscape", ui)
        watch.page.wait_for_selector(ui.CHART)
    assert ui.fingerprint(other) == ui.fingerprint(app_page)
    assert app_page.problems == [] and other.problems == []


def test_a_lesson_link_hides_the_data_controls_and_still_draws(app_page, ui):
    page = app_page.page
    ui.open_app(app_page, "?lesson=1&hide=data")
    sidebar = page.get_by_test_id("stSidebar")
    assert ui.control(page, "n").count() == 0
    assert sidebar.get_by_test_id("stSlider").filter(has_text="N — samples").count() == 0
    assert sidebar.get_by_text("Noise σ").count() == 0
    assert ui.control(page, "r1_lr").get_by_role("slider").count() == 1, "optimizer controls stay"
    assert page.locator(".js-plotly-plot .main-svg").count() >= 2
    assert page.locator(NO_EXCEPTION).count() == 0
    assert app_page.problems == []


WATCH_RERUNS = """() => {
    window.__states = [];
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""

# The drawn data of every chart that holds plotly frames (what the Play button animates).
ANIMATED = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(g => g._transitionData && (g._transitionData._frames || []).length)
    .map(g => JSON.stringify(g.data.map(t => [t.name, t.x, t.y, t.z])))"""


def test_the_play_button_animates_the_path_without_a_rerun(app_page, ui):
    page = app_page.page
    ui.open_app(app_page)
    toggle = ui.control(page, "anim")
    if toggle.count() == 0:
        toggle = page.get_by_test_id("stCheckbox").filter(has_text="Play")
    if toggle.count() == 0:
        pytest.skip("the landscape view has no animation toggle (key 'anim', label with 'Play') yet")
    toggle.first.locator("label").first.click()
    app_page.wait_idle()
    play = page.locator("g.updatemenu-button").filter(has_text="Play").first
    play.wait_for(timeout=20_000)
    before = page.evaluate(ANIMATED)
    assert before, "no chart holds animation frames after switching the animation on"
    page.evaluate(WATCH_RERUNS)
    play.click()
    page.wait_for_timeout(1_500)
    after = page.evaluate(ANIMATED)
    assert after != before, "the drawn path did not change while playing"
    states = page.evaluate("() => window.__states")
    assert "running" not in states, f"playing caused a rerun: {states}"
    assert page.get_attribute("[data-testid='stApp']", "data-test-script-state") == "notRunning"
    assert app_page.problems == []
