"""The chart that stays (issue 10): rotate once, and the camera survives every setting, view and link.

A real mouse drag on the 3D surface, then slider moves, a view switch, and the page's own
link opened in a fresh browser: the camera eye is the same throughout, and the chart was
updated in place (the same DOM node), never rebuilt.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SURFACE = ".lsq-chart[data-panel='surface']"
EYE_JS = (
    f'() => {{ const e = document.querySelector("{SURFACE}")._fullLayout.scene.camera.eye;'
    " return [e.x, e.y, e.z]; }"
)


def _eye(watch) -> list[float]:
    return watch.page.evaluate(EYE_JS)


def _rotate(watch) -> None:
    """Drag across the middle of the surface's canvas, as a lecturer's mouse would."""
    page = watch.page
    box = page.locator(f"{SURFACE} .gl-container canvas").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 14 * i, y + 5 * i)
        page.wait_for_timeout(30)
    page.mouse.up()
    watch.wait_idle()


def _open_landscape(watch, ui, query: str = "") -> None:
    ui.open_app(watch, query)
    watch.page.wait_for_selector(f"{SURFACE} .gl-container canvas", timeout=30_000)
    watch.page.wait_for_timeout(500)


def _close(a, b, tol):
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_the_camera_survives_sliders_a_view_switch_and_the_link(app_page, new_page, ui):
    watch = app_page
    _open_landscape(watch, ui)
    before = _eye(watch)
    _rotate(watch)
    eye = _eye(watch)
    assert not _close(eye, before, 0.05), "the drag did not rotate the surface"
    watch.page.evaluate(f'() => {{ window.__surface = document.querySelector("{SURFACE}"); }}')
    for key in ("noise", "r1_lr", "kappa"):
        ui.nudge_slider(watch, key)
        watch.page.wait_for_timeout(300)
        assert _close(_eye(watch), eye, 1e-6), f"the camera moved when {key} changed"
    # Updated in place: the very same plot element, not a new chart.
    assert watch.page.evaluate(f'() => window.__surface === document.querySelector("{SURFACE}")')
    for view in ("Convergence", "Landscape"):
        ui.control(watch.page, "view").get_by_role("radio", name=view, exact=True).click()
        watch.wait_idle()
    watch.page.wait_for_selector(f"{SURFACE} .gl-container canvas")
    assert _close(_eye(watch), eye, 1e-6), "the camera moved across a view switch"
    # The address bar holds the camera: another machine opens the same angle.
    url = watch.page.url
    assert "eye=" in url
    other = new_page()
    other.page.goto(url, wait_until="domcontentloaded")
    other.wait_idle(timeout=60_000)
    other.page.wait_for_selector(f"{SURFACE} .gl-container canvas", timeout=30_000)
    assert _close(_eye(other), eye, 1e-5), (_eye(other), eye)
    assert watch.problems == [] and other.problems == []


def test_the_view_buttons_turn_the_camera_and_write_the_link(app_page, ui):
    watch = app_page
    _open_landscape(watch, ui)
    watch.page.locator(f"{SURFACE} g.updatemenu-button", has_text="Top").click()
    watch.wait_idle()
    watch.page.wait_for_timeout(300)
    assert _close(_eye(watch), [0.0, 0.0, 2.0], 1e-9)
    assert "eye=0%2C0%2C2" in watch.page.url and "up=0%2C1%2C0" in watch.page.url
    watch.page.locator(f"{SURFACE} g.updatemenu-button", has_text="Reset view").click()
    watch.wait_idle()
    watch.page.wait_for_timeout(300)
    assert "eye=" not in watch.page.url  # the default view needs no parameter
    assert watch.problems == []
