"""Pieces shared by the pages: run labels and colours, run messages."""

from __future__ import annotations

import streamlit as st

from dashboard.chart import Panel, render_chart
from dashboard.figures import PathSpec, path_color
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


PROJECTOR_SCALE = 1.35  # type on a projector, relative to the figures' laptop defaults


def is_dark() -> bool:
    """True when the reader chose the dark theme (⋮ → Settings), so figures follow it."""
    theme = getattr(st.context, "theme", None)
    return getattr(theme, "type", None) == "dark"


def projector_scaled(fig):
    """The figure with its type enlarged when projector mode is on (else unchanged)."""
    if st.session_state.get("big"):
        layout = fig.layout
        base = (layout.font.size or 14) * PROJECTOR_SCALE
        fig.update_layout(font_size=base, legend_font_size=base)
        if layout.title.font.size:
            fig.update_layout(title_font_size=layout.title.font.size * PROJECTOR_SCALE)
    return fig


def show_chart(fig, *, key: str, alt: str) -> None:
    """Draw one figure in the app's chart (updated in place on the next rerun); every chart has a name."""
    render_chart([Panel(key, projector_scaled(fig), alt)], key=key)
