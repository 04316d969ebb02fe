"""Pieces shared by the pages: run labels and colours, run messages."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import lecture  # the module: names of specs here would count as this module's widgets
from dashboard.chart import Panel, render_chart
from dashboard.figures import PathSpec, path_color
from dashboard.figures.style import darkened, enlarge
from dashboard.state import LabResult


def path_specs(result: LabResult) -> list[PathSpec]:
    """One labelled, coloured path per run, in the colours the sidebar promises."""
    return [
        PathSpec(f"Run {i + 1}: {run.label}", path_color(i), trajectory)
        for i, (run, trajectory) in enumerate(zip(result.settings.runs, result.runs, strict=True))
    ]


def show_run_messages(result: LabResult) -> None:
    """One line per run: converged, still going, or diverged (shown, not hidden)."""
    for spec in path_specs(result):
        t = spec.trajectory
        text = f"**{spec.label}** — {t.message}"
        if t.diverged:
            st.error(text, icon=":material/error:")
        elif t.excess_loss[-1] > t.excess_loss[0]:  # growing, though not yet past the overflow guard
            st.warning(text, icon=":material/trending_up:")
        elif t.converged:
            st.success(text, icon=":material/check_circle:")
        else:
            st.info(text, icon=":material/hourglass_top:")


def is_dark() -> bool:
    """True when the page is in the dark theme (the sidebar's Theme, kept in the link), so figures follow."""
    return st.session_state.get(lecture.THEME.key, lecture.THEME.default) == "dark"


def projector_scaled(fig):
    """The figure as the room should read it: in projector mode, every font, line and marker enlarged.

    Returns ``fig`` itself when projector mode is off, else its plotly JSON (a dict, which a
    chart ``Panel`` takes as well), enlarged by the page's own factor.
    """
    if not st.session_state.get(lecture.BIG.key, lecture.BIG.default):
        return fig
    return enlarge(_as_json(fig), lecture.PROJECTOR_SCALE)


def themed(fig):
    """The figure in the page's theme: one built light while the page is dark gets the dark colours."""
    return darkened(_as_json(fig)) if is_dark() else fig


def _as_json(fig) -> dict:
    return fig.to_plotly_json() if isinstance(fig, go.Figure) else fig


def show_chart(fig, *, key: str, alt: str) -> None:
    """Draw one figure in the app's chart (updated in place on the next rerun); every chart has a name."""
    render_chart([Panel(key, projector_scaled(themed(fig)), alt)], key=key)
