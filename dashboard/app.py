"""Entry point and picture frame: ``streamlit run dashboard/app.py``.

Reads the sidebar, computes (cached) what the settings ask for, then draws the
open view. Only that view is built, so switching is instant and every setting
survives it (the sidebar is the same widgets on every view). A failure anywhere
becomes a message above the last good result; no traceback reaches the page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.state import compute_lab, show_problems
from dashboard.views import VIEWS

# A local icon: an emoji or :material: icon would be fetched from the internet.
ICON = str(Path(__file__).parent / "static" / "favicon.png")
st.set_page_config(page_title="Least-squares lab", page_icon=ICON, layout="wide")

with st.sidebar:
    st.title("Least-squares lab")
    result = compute_lab()

view = st.segmented_control("View", list(VIEWS), default="Landscape", key="view", label_visibility="collapsed")
show_problems(result)
VIEWS[view or "Landscape"]()
