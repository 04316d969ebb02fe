"""Lecture mode in the sidebar and above the view: presets, sharing, lesson links, projector style."""

from __future__ import annotations

import streamlit as st

from . import urlstate
from .controls import GROUPS
from .presets import PRESETS
from .specs import Flag, specs_in

BIG = Flag(
    "big",
    "Projector mode",
    False,
    "Larger type for a projector. Light or dark: the app menu (⋮) → Settings → Theme.",
)

PROJECTOR_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { font-size: 1.15rem; }
[data-testid="stMetricValue"] { font-size: 2.4rem; }
</style>
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
        link = urlstate.share_params(view=view)
        st.code(urlstate.share_url(link), language=None, wrap_lines=True)
        hide = st.multiselect(
            "Hide in the lesson link",
            list(GROUPS),
            key="lesson_hide",
            help="Students who open the lesson link see only the controls you leave visible.",
        )
        if hide:
            st.caption("Lesson link (the chosen controls are fixed and hidden):")
            lesson = urlstate.share_params(view=view, hide=tuple(hide))
            st.code(urlstate.share_url(lesson), language=None, wrap_lines=True)


def render_presentation_controls() -> bool:
    """Projector mode: larger type on the page and in every chart. Returns whether it is on."""
    big = BIG.render()
    if big:
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    return big


# The presentation controls a link holds (collected from this module's top-level specs).
PRESENTATION_SPECS = specs_in(globals())
