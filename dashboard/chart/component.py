"""The chart component: plotly.js in the page, a figure drawn once and updated in place.

``st.plotly_chart`` replaces its chart on every rerun, which resets the 3D camera and
costs a full redraw (streamlit/streamlit#8882). This component (``st.components.v2``)
keeps one plot per key and calls ``Plotly.react`` on it with each new figure.

Its files are served by Streamlit itself from two local folders, registered as (v1)
component paths: ``frontend/`` (our module) and the ``package_data`` folder of the
installed ``plotly`` package (plotly.min.js). Nothing is fetched from the internet and
no copy of plotly.js lives in the repository.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import plotly
import streamlit as st
from streamlit import config as st_config
from streamlit.components.v1 import declare_component
from streamlit.runtime import get_instance

from . import payload
from .payload import Panel

FRONTEND = Path(__file__).parent / "frontend"
PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
# URL names of the two folders: Streamlit prefixes the declaring module's name.
ASSETS, PLOTLYJS = f"{__name__}.assets", f"{__name__}.plotlyjs"
KNOWN = "_chart_known_traces"  # what this browser session holds (payload.KnownTraces)
REVISIONS = "_chart_revisions"  # payloads sent per chart key


_registered_with = None  # the runtime's component registry both folders were registered with


def _serve_files() -> None:
    """Register both folders with this runtime's file server, once per runtime (a lookup costs ~0.4 ms)."""
    global _registered_with
    registry = get_instance().component_registry
    if registry is _registered_with:
        return
    if registry.get_component_path(ASSETS) is None:
        declare_component("assets", path=str(FRONTEND))
    if registry.get_component_path(PLOTLYJS) is None:
        declare_component("plotlyjs", path=str(PLOTLY_DIR))
    _registered_with = registry


def _loader_js() -> str:
    """A few lines sent with every chart: they import the cached module from our URL."""
    version = hashlib.sha256((FRONTEND / "chart.js").read_bytes()).hexdigest()[:12]
    base = st_config.get_option("server.baseUrlPath").strip("/")
    url = "/" + "/".join(p for p in (base, "component", ASSETS, f"chart.js?v={version}") if p)
    return (
        f'const url = "{url}";\n'
        "let module;\n"
        "export default async function (args) {\n"
        # The loader runs from a blob: URL, so the path is resolved against the page's address.
        "  module = module || (await import(new URL(url, window.location.href).href));\n"
        "  return module.default(args);\n"
        "}\n"
    )


_COMPONENT = st.components.v2.component("lsq_lab.chart", js=_loader_js(), isolate_styles=False)


def _known() -> payload.KnownTraces:
    return st.session_state.setdefault(KNOWN, payload.KnownTraces())


def _forget_traces() -> None:
    """The browser lacks a trace we referenced (a reload, an evicted entry): send everything again."""
    _known().clear()


def render_chart(panels: Sequence[Panel], *, key: str, on_camera=None, on_click=None):
    """Draw ``panels`` in the chart with ``key``; on later reruns update that chart in place.

    Parameters
    ----------
    panels : sequence of Panel
        One or more figures; side by side while there is room, stacked otherwise.
    key : str
        One chart per key: the same key on the next rerun updates the same plots.
    on_camera : callable of no arguments, optional
        Called (as a widget callback, before the next rerun) when the user has rotated a
        3D panel; read the camera with :func:`reported_camera`.
    on_click : callable of no arguments, optional
        Called (as a widget callback) when the user clicks a point of a ``clickable`` panel;
        read the point with :func:`clicked_point`.
    """
    _serve_files()
    revisions = st.session_state.setdefault(REVISIONS, {})
    revisions[key] = revisions.get(key, 0) + 1
    body = payload.encode(panels, known=_known(), revision=revisions[key])
    return _COMPONENT(
        key=key,
        data=body,
        on_missing_change=_forget_traces,
        on_camera_change=on_camera or _ignore,
        on_click_change=on_click or _ignore,
    )


def _ignore() -> None:
    """An event of a chart nobody listens to (a camera the browser keeps anyway)."""


def reported_camera(key: str) -> dict | None:
    """The camera the user left a 3D panel of chart ``key`` at: ``{panel, eye, up, center}``, or None."""
    state = st.session_state.get(key)
    return None if state is None else state.get("camera")


def clicked_point(key: str) -> dict | None:
    """The point just clicked in chart ``key`` (read it in ``on_click``).

    ``{"panel", "x", "y", "curve", "point", "customdata"}``, or None.
    """
    state = st.session_state.get(key)
    return None if state is None else state.get("click")
