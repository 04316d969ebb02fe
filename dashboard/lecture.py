"""Lecture mode in the sidebar and above the view: presets, sharing, lesson links, projector and theme."""

from __future__ import annotations

import json

import streamlit as st

from . import urlstate
from .controls import GROUPS
from .presets import PRESETS
from .specs import Choice, Flag, specs_in

# Projector mode multiplies every piece of type the room reads by this, on the page (the root font
# size, which Streamlit's rem-based sizes follow) and in every chart (``figures.style.enlarge``).
PROJECTOR_SCALE = 1.3
BASE_FONT_PX = 16  # Streamlit's root font size

BIG = Flag(
    "big",
    "Projector mode",
    False,
    "Larger type everywhere for a projector: text, metrics, tables, formulas, and in every chart its "
    "title, axis titles, ticks and legend, with thicker lines and bigger markers. Kept in the link.",
)
THEME = Choice(
    "theme",
    "Theme",
    ("light", "dark"),
    "light",
    "Light or dark page and charts. Kept in the link: ?theme=dark opens dark on any machine "
    "(the page reloads once to switch).",
    widget="segmented",
    fmt=str.capitalize,
)

PAGE_STYLE = "page_style"  # the key of the sidebar's hidden block holding the page's style and script
REDRAW, REDRAWS = "page_redraw", "_view_redraws"  # its hidden button, and how often it was pressed

# Always on, whatever the mode: what every view needs on a 1024×768 projector.
ROOM_CSS = (
    """
/* Charts get the width: Streamlit's wide layout pads the main column by 5rem a side, 6rem on top. */
[data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem; padding-top: 4rem; }
/* Metrics and buttons wrap their words instead of ending in "…": the cut-off part is often the point. */
[data-testid="stMetric"] .stMarkdownEllipsis, [data-testid="stMetric"] .stMarkdownEllipsis p,
button .stMarkdownEllipsis, button .stMarkdownEllipsis p {
  white-space: normal; overflow: visible; text-overflow: clip; word-break: normal; overflow-wrap: normal;
}
/* The sidebar's Theme is the one switch (it is in the link); the app menu's own would disagree. */
[data-testid^="stMainMenuItem-theme-"],
[data-testid="stMainMenuItem-theme-Dark"] + [data-testid="stMainMenuDivider"] { display: none; }
"""
    + f".st-key-{PAGE_STYLE} {{ display: none; }}\n"
)

# Streamlit sizes text, metrics, tables, captions, alerts and formulas in rem: a larger root
# font enlarges them all at once (the chart's fonts are pixels: ``views.common`` scales those).
PROJECTOR_CSS = f"""
html {{ font-size: {BASE_FONT_PX * PROJECTOR_SCALE:g}px; }}
/* The view switcher is the lecturer's: at its usual size it keeps to two rows on a 1024 px screen. */
.st-key-view {{ zoom: {1 / PROJECTOR_SCALE:.4f}; }}
"""

# The page's script (runs in the page whenever the data it is sent with change).
# Projector mode switched: the view is redrawn once the new type size is in place (view_block_key).
# The theme: Streamlit picks its page theme once, as the page loads: from ``embed_options=
# light_theme`` or ``dark_theme`` in the address if present (config.toml defines both themes), else
# the browser's last choice or the system's. When the page's theme is not the one the link asks
# for, this reloads the page with that option; the rest of the state is in the link, nothing is lost.
PAGE_JS = """
(function (data) {
  const big = window.__lsqBig;
  window.__lsqBig = data.big;
  if (big !== undefined && big !== data.big) document.querySelector(`.st-key-${data.redraw} button`)?.click();
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return;
  const rgb = (getComputedStyle(app).backgroundColor.match(/[\\d.]+/g) || ["255", "255", "255"]).map(Number);
  const pageIsDark = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] < 128;
  if (pageIsDark === (data.theme === "dark")) return;
  const url = new URL(window.location.href);
  const options = url.searchParams.getAll("embed_options");
  const wanted = `${data.theme}_theme`;
  if (options.some((o) => o.toLowerCase() === wanted)) return;  // asked for already: a reload would loop
  url.searchParams.delete("embed_options");
  for (const o of options) if (!/^(light|dark)_theme$/i.test(o)) url.searchParams.append("embed_options", o);
  url.searchParams.append("embed_options", wanted);
  if (data.value === null) url.searchParams.delete(data.param);
  else url.searchParams.set(data.param, data.value);
  window.location.replace(url.href);
})(%s);
"""


def render_link_warnings(warnings: list[str]) -> None:
    """What was wrong with the link that opened the app; dismissible."""
    if not warnings:
        return
    with st.container(border=True):
        for text in warnings:
            st.warning(text, icon=":material/link_off:")
        st.button("Dismiss", on_click=urlstate.dismiss_warnings, key="dismiss_link")


def render_presets_panel() -> None:
    st.subheader("Presets")
    names = list(PRESETS)
    current = st.session_state.get(urlstate.APPLIED)
    choice = st.selectbox(
        "Lecture scenario",
        names,
        index=names.index(current) if current in names else 0,
        format_func=lambda n: PRESETS[n].title,
        key="preset_pick",
        help="Each scenario sets every control; its note says what to look for.",
    )
    del choice  # read at click time, below: the box may have changed in the same interaction
    st.button(
        "Load scenario",
        on_click=lambda: urlstate.apply_preset(st.session_state["preset_pick"]),
        key="preset_load",
        type="primary",
        use_container_width=True,
    )


def render_preset_note() -> None:
    """The active scenario's 'what to look for', above the view."""
    name = st.session_state.get(urlstate.APPLIED)
    if not name:
        return
    preset = PRESETS[name]
    modified = urlstate.active_preset() is None  # a changed preset also leaves the link
    suffix = " *(you have changed settings since loading it)*" if modified else ""
    st.info(f"**{preset.title}.** {preset.note}{suffix}", icon=":material/school:")


def render_share_panel(view: str) -> None:
    # Built only while open: the links cost a walk over every control, on every rerun otherwise.
    box = st.expander("Share and lesson link", key="share_open", on_change="rerun")
    with box:
        if not box.open:
            return
        st.caption("This link opens the app exactly as it is now, on any machine:")
        link = urlstate.share_params(view=view) | theme_link_params()
        st.code(urlstate.share_url(link), language=None, wrap_lines=True)
        hide = st.multiselect(
            "Hide in the lesson link",
            list(GROUPS),
            key="lesson_hide",
            help="Students who open the lesson link see only the controls you leave visible.",
        )
        if hide:
            st.caption("Lesson link (the chosen controls are fixed and hidden):")
            lesson = urlstate.share_params(view=view, hide=tuple(hide)) | theme_link_params()
            st.code(urlstate.share_url(lesson), language=None, wrap_lines=True)


def theme_link_params() -> dict[str, str]:
    """Beyond the controls, what a dark link holds so that the page opens dark without a reload."""
    theme = st.session_state.get(THEME.key, THEME.default)
    return {} if theme == THEME.default else {"embed_options": f"{theme}_theme"}


def render_presentation_controls() -> bool:
    """Projector mode and the theme, in the sidebar; the page's style for both. Returns projector mode."""
    big = BIG.render()
    theme = THEME.render()
    value = None if theme == THEME.default else THEME.url_form(theme)
    data = json.dumps({"theme": theme, "param": THEME.key, "value": value, "big": big, "redraw": REDRAW})
    css = ROOM_CSS + (PROJECTOR_CSS if big else "")
    # A block of its own, hidden by the style it holds. The style is an element that stays from
    # run to run (st.html of a lone <style> is redrawn with each run); the script runs again
    # whenever its text changes, after the page has the style it came with.
    with st.container(key=PAGE_STYLE):
        st.markdown(f"<style>{css}</style>", unsafe_allow_html=True)
        st.html(f"<script>{PAGE_JS % data}</script>", unsafe_allow_javascript=True)
        st.button("Redraw the view", key=REDRAW, on_click=_count_redraw)
    return big


def _count_redraw() -> None:
    st.session_state[REDRAWS] = st.session_state.get(REDRAWS, 0) + 1


def view_block_key() -> str:
    """The key of the block the view is drawn in: a new one after projector mode changed.

    A table (st.dataframe) sizes its type once, as it is first drawn, from the page's type size
    at that moment; the page's script asks for a redraw (a hidden button) once the projector's
    style is in place, and the view, in a block with a new key, is then drawn anew.
    """
    return f"view_{st.session_state.get(REDRAWS, 0)}"


# The presentation controls a link holds (collected from this module's top-level specs).
PRESENTATION_SPECS = specs_in(globals())
