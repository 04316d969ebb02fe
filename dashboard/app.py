"""Entry point and picture frame: ``streamlit run dashboard/app.py``.

Checks the link, reads the sidebar, computes (cached) what the settings ask
for, then draws the open view. Only that view is built, so switching is
instant and every setting survives it. A failure anywhere becomes a message
above the last good result; no traceback reaches the page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import compute, export, lecture, rerun_gate, urlstate
from dashboard.controls import Reader
from dashboard.state import compute_lab, guarded, show_problems
from dashboard.views import VIEW, VIEWS

# A local icon: an emoji or :material: icon would be fetched from the internet.
ICON = str(Path(__file__).parent / "static" / "favicon.png")


@st.cache_resource(show_spinner=False)
def _warm_up() -> bool:
    """Once per server process: load the compiled kernels before the first timed solve."""
    compute.warm_up()
    return True


def main() -> None:
    """The page: link, sidebar, messages, the open view."""
    warnings = urlstate.open_link()
    hidden = urlstate.hidden_keys()
    read = Reader(hidden, urlstate.linked_value)

    view = VIEW.render(label_visibility="collapsed")
    # Messages above the view share one block, so a message that comes or goes does not shift the
    # view's elements: its chart then stays mounted in the browser and is updated in place.
    notices = st.container()
    with st.sidebar:
        st.title("Least-squares lab")
        if not hidden:
            lecture.render_presets_panel()
        result = compute_lab(read)
        st.divider()
        lecture.render_presentation_controls()
        if not hidden:
            lecture.render_share_panel(view)
            export.render_export_panel(result, view)

    with notices:
        lecture.render_link_warnings(warnings)
        lecture.render_preset_note()
        show_problems(result)
    with guarded(view), st.container(key=lecture.view_block_key()):  # drawn anew after projector mode changed
        VIEWS[view]()


st.set_page_config(page_title="Least-squares lab", page_icon=ICON, layout="wide")
_warm_up()
with rerun_gate.one_at_a_time():
    main()
