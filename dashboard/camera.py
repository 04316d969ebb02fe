"""The 3D camera as app state: where the user left it, kept across reruns, views and links.

The chart in the browser keeps the user's rotation across reruns (``dashboard.chart``) and
reports every finished rotation, by drag or by the chart's preset buttons; this module keeps
that camera in the session and in the page's link (``?eye=x,y,z``, plus ``up`` and ``center``
when they differ from the default view), so a view switch, a reload or a link opened on
another machine shows the same angle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from dashboard.chart import reported_camera
from dashboard.figures import CAMERA_PRESETS

STATE = "_camera"
PRESET_PARAM = "cam"  # older links name a preset: ?cam=top
AXES = ("eye", "up", "center")
DEFAULT_PRESET = "oblique"
DEFAULTS = {"up": {"x": 0.0, "y": 0.0, "z": 1.0}, "center": {"x": 0.0, "y": 0.0, "z": 0.0}}
LIMIT = 50.0  # a camera farther out than this (plotly's units: the scene box is ~1) shows a dot


@dataclass(frozen=True)
class Vector3:
    """A camera vector in the link: ``x,y,z`` with six significant digits."""

    key: str
    label: str

    def url_form(self, value) -> str:
        return ",".join(f"{float(value[a]):.6g}" for a in "xyz")

    def parse(self, raw: str) -> dict:
        parts = raw.split(",")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 3 or not all(math.isfinite(v) and abs(v) <= LIMIT for v in values):
            raise ValueError(f"{self.label}: '{raw}' is not three numbers x,y,z within ±{LIMIT:g}")
        if self.key == "eye" and not any(values):
            raise ValueError(f"{self.label}: the eye cannot sit at the centre of the scene")
        return dict(zip("xyz", values, strict=True))


SPECS = {
    "eye": Vector3("eye", "3D camera position"),
    "up": Vector3("up", "3D camera up direction"),
    "center": Vector3("center", "3D camera centre"),
}


def preset(name: str) -> dict:
    """A full camera (eye, up, center) from :data:`CAMERA_PRESETS`."""
    return {**DEFAULTS, **CAMERA_PRESETS[name]}


def _from_link() -> dict:
    """The camera a link asks for: ``eye``/``up``/``center``, or an older ``cam`` preset name."""
    camera = preset(DEFAULT_PRESET)
    name = st.query_params.get(PRESET_PARAM)
    if name in CAMERA_PRESETS:
        camera = preset(name)
    for axis in AXES:
        raw = st.query_params.get(axis)
        if raw is None:
            continue
        try:
            camera[axis] = SPECS[axis].parse(raw)
        except ValueError:  # check_link has warned about it already; the default stays
            continue
    return camera


def current() -> dict:
    """The camera to draw: the last one the user left, else the link's, else the default view."""
    if STATE not in st.session_state:
        st.session_state[STATE] = _from_link()
    return st.session_state[STATE]


def _write_link(camera: dict) -> None:
    """Only what differs from the default view goes into the link."""
    st.query_params.pop(PRESET_PARAM, None)
    for axis in AXES:
        default = preset(DEFAULT_PRESET)[axis]
        if _close(camera[axis], default):
            st.query_params.pop(axis, None)
        else:
            st.query_params[axis] = SPECS[axis].url_form(camera[axis])


def _close(a: dict, b: dict) -> bool:
    return all(abs(float(a[k]) - float(b[k])) < 5e-7 for k in "xyz")


def remember_reported(chart_key: str) -> None:
    """Callback of the chart: the user rotated the 3D panel; keep that camera (the chart shows it already)."""
    reported = reported_camera(chart_key)
    try:
        camera = {axis: {k: float(reported[axis][k]) for k in "xyz"} for axis in AXES}
        for axis in AXES:
            SPECS[axis].parse(SPECS[axis].url_form(camera[axis]))  # what the link could not hold
    except (KeyError, TypeError, ValueError):
        return  # far out or malformed: the chart still shows it; session and link keep the last good one
    st.session_state[STATE] = camera
    _write_link(camera)
