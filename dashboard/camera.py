"""The 3D camera as app state: where the user left it, kept across reruns, views and links.

The chart in the browser keeps the user's rotation across reruns (``dashboard.chart``) and
reports every finished rotation, by drag or by the chart's preset buttons; this module keeps
that camera in the session and in the page's link (``?eye=x,y,z``, plus ``up`` and ``center``
when they differ from the default view), so a view switch, a reload or a link opened on
another machine shows the same angle. Older links name a preset instead (``?cam=top``).
"""

from __future__ import annotations

import streamlit as st

from dashboard import urlstate
from dashboard.chart import reported_camera
from dashboard.figures import CAMERA_PRESETS
from dashboard.specs import Choice, Vector3

STATE = "_camera"
AXES = ("eye", "up", "center")
DEFAULT_PRESET = "oblique"
DEFAULT = CAMERA_PRESETS[DEFAULT_PRESET]

# The link's camera parameters; the Landscape view declares them (dashboard.views collects them).
EYE = Vector3("eye", "3D camera position", DEFAULT["eye"], nonzero=True)
UP = Vector3("up", "3D camera up direction", DEFAULT["up"], nonzero=True)
CENTER = Vector3("center", "3D camera centre", DEFAULT["center"])
PRESET = Choice(  # links from before the camera was state: ?cam=top (no widget draws it any more)
    "cam", "3D view", tuple(CAMERA_PRESETS), DEFAULT_PRESET, "A named camera position.", fmt=str
)
SPECS = {spec.key: spec for spec in (EYE, UP, CENTER)}


def _from_link() -> dict:
    """The camera a link asks for (eye, up, center; or an older preset name), else the default."""
    name = urlstate.get(PRESET.key)
    camera = dict(CAMERA_PRESETS[name if name in CAMERA_PRESETS else DEFAULT_PRESET])
    for axis, spec in SPECS.items():
        raw = urlstate.get(axis)
        if raw is not None:
            try:
                camera[axis] = spec.parse(raw)
            except ValueError:  # the link check warned already and dropped it
                continue
    return camera


def current() -> dict:
    """The camera to draw: the last one the user left, else the link's, else the default view."""
    if STATE not in st.session_state:
        st.session_state[STATE] = _from_link()
    return st.session_state[STATE]


def _close(a: dict, b: dict) -> bool:
    return all(abs(float(a[k]) - float(b[k])) < 5e-7 for k in "xyz")


def _write_link(camera: dict) -> None:
    """Only what differs from the default view goes into the link."""
    urlstate.put(PRESET.key, None)
    for axis, spec in SPECS.items():
        urlstate.put(axis, None if _close(camera[axis], spec.default) else spec.url_form(camera[axis]))


def remember_reported(chart_key: str) -> None:
    """Callback of the chart: the user turned the 3D panel; keep that camera (the chart shows it already)."""
    reported = reported_camera(chart_key)
    try:
        camera = {axis: {k: float(reported[axis][k]) for k in "xyz"} for axis in AXES}
        for axis, spec in SPECS.items():
            spec.parse(spec.url_form(camera[axis]))  # what a link could not hold, the session does not keep
    except (KeyError, TypeError, ValueError):
        return  # far out or malformed: the chart still shows it; session and link keep the last good one
    st.session_state[STATE] = camera
    _write_link(camera)
