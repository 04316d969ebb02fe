"""Projector mode and the theme, headless: both in the link, every chart follows them, words true.

What the browser does with them (the page's computed sizes, the reload into the dark
theme, the hidden menu switch) is checked in tests/browser/test_room.py.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from conftest import figures, new_app, open_app

from dashboard import lecture, urlstate
from dashboard.figures import style
from dashboard.views import VIEW_SPECS, VIEWS

ROOT = Path(__file__).resolve().parents[2]


def _style_html(at) -> str:
    return "".join(el.value for el in at.markdown if el.value.startswith("<style>"))


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_dark_link_draws_every_chart_of_every_view_dark(view):
    """``?theme=dark`` darkens every figure, also one whose view forgot to pass ``dark=``."""
    light, dark = open_app(view=view), open_app(view=view, theme="dark")
    for fig in figures(light):
        assert fig["layout"]["paper_bgcolor"] == style.paper(False), view
    for fig in figures(dark):
        assert fig["layout"]["paper_bgcolor"] == style.paper(True), view
        assert fig["layout"]["font"]["color"] == style.ink(True), view
    assert not dark.warning, [w.value for w in dark.warning]


def test_the_theme_is_a_control_of_the_link_spelled_as_the_widget_writes_it():
    at = open_app(theme="dark")
    assert at.segmented_control(key="theme").value == "dark"
    assert at.query_params["theme"] in ("Dark", ["Dark"])
    assert urlstate.link_specs()["theme"] is lecture.THEME and "theme" in lecture.PRESENTATION_SPECS
    assert "theme" not in VIEW_SPECS
    at.segmented_control(key="theme").set_value("light").run()
    assert not at.exception and all(f["layout"]["paper_bgcolor"] == style.paper(False) for f in figures(at))


def test_a_bad_theme_in_the_link_warns_and_opens_light():
    at = open_app(theme="purple")
    assert any("Theme" in w.value and "purple" in w.value for w in at.warning)
    assert at.segmented_control(key="theme").value == "light"


def test_the_share_link_of_a_dark_page_opens_dark_at_once():
    """Streamlit reads ``embed_options=dark_theme`` as the page loads: no reload for whoever opens it."""

    def links(**params) -> list[str]:
        at = new_app(share_open=True)  # the panel builds its links only while open
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        return [el.value for el in at.code]

    dark = links(theme="dark")
    assert any("theme=Dark" in link and "embed_options=dark_theme" in link for link in dark), dark
    assert links() and not any("embed_options" in link for link in links())


def test_projector_mode_enlarges_the_page_and_every_chart_by_the_one_scale():
    normal, big = open_app(view="Convergence"), open_app(view="Convergence", big="true")
    assert lecture.PROJECTOR_CSS.strip() in _style_html(big)
    assert lecture.PROJECTOR_CSS.strip() not in _style_html(normal)
    assert f"{lecture.BASE_FONT_PX * lecture.PROJECTOR_SCALE:g}px" in lecture.PROJECTOR_CSS
    (small,), (large,) = figures(normal), figures(big)
    scale = lecture.PROJECTOR_SCALE
    assert large["layout"]["font"]["size"] == pytest.approx(small["layout"]["font"]["size"] * scale)
    assert large["layout"]["title"]["font"]["size"] == pytest.approx(style.TITLE_SIZE * scale)
    axis = next(k for k in small["layout"] if k.startswith("xaxis") and small["layout"][k].get("title"))
    assert large["layout"][axis]["title"]["font"]["size"] == pytest.approx(
        small["layout"][axis]["title"]["font"]["size"] * scale
    )
    pairs = zip(small["data"], large["data"], strict=True)
    widths = [(t["line"]["width"], u["line"]["width"]) for t, u in pairs if "width" in t.get("line", {})]
    assert widths and all(b == pytest.approx(a * scale) for a, b in widths)


def test_the_room_style_is_on_in_every_mode_and_hides_the_menus_own_theme_switch():
    html = _style_html(open_app())
    assert lecture.ROOM_CSS.strip() in html
    assert '[data-testid^="stMainMenuItem-theme-"]' in lecture.ROOM_CSS


def test_config_defines_both_themes_and_the_dark_page_is_the_charts_dark_paper():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["light"] and theme["dark"], "one theme only: Streamlit could not open the other"
    assert theme["dark"]["backgroundColor"].lower() == style.paper(True)
    assert "base" not in theme, "a base theme would override the one the link asks for"


def test_the_words_say_how_theme_and_projector_really_work():
    """No tooltip or README sentence sends anyone to a menu that has no theme switch."""
    readme = (ROOT / "README.md").read_text()
    lecture_section = readme[readme.index("## Lecture mode") : readme.index("## The loss convention")]
    assert "?theme=dark" in lecture_section and "Projector mode" in lecture_section
    assert "Settings" not in lecture_section
    for spec in urlstate.link_specs().values():
        assert not re.search(r"Settings|⋮", spec.help), spec.help


def test_the_view_is_drawn_anew_when_the_page_asks_after_projector_mode_changed():
    """The page's script presses the hidden redraw button once the projector's style is in place:
    the view then sits in a block with a new key (a table sizes its type as it is first drawn)."""
    at = open_app(view="Closed form")
    script = "".join(el.proto.body for el in at.get("html"))
    assert '"big": false' in script and lecture.REDRAW in script
    at.button(key=lecture.REDRAW).click().run()
    assert not at.exception and at.session_state[lecture.REDRAWS] == 1
    assert at.table, "the view is drawn again"
    assert '"big": true' in "".join(el.proto.body for el in open_app(big="true").get("html"))
