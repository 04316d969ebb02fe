"""The home view: the loss surface in 3D and as contours, with every path and w*, as one chart.

The chart stays in the browser: a slider move updates it in place, so a rotation of the
3D surface survives every setting (``dashboard.chart``, ``dashboard.camera``). Under it
sit the controls that change what it shows: the slice (K > 2), and playing or stepping
through the paths, which the same chart then does. The 3D view presets are buttons in the
chart itself: they turn the camera in the browser, with no round trip.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from core.landscape import loss_curve, loss_slice, slice_directions
from dashboard import camera
from dashboard.chart import Panel, render_chart
from dashboard.figures import build_contour_figure, build_loss_curve_figure, build_surface_figure
from dashboard.lab import start_point
from dashboard.specs import Choice
from dashboard.state import current

from .animation_panel import PlayAndStep, render_play_and_step
from .common import is_dark, path_specs, projector_scaled, show_run_messages

CHART_KEY = "landscape"
SNAP = 8  # the view grows in eighths of its natural frame, so new paths rarely change the surface
SURFACE_ALT = "3D loss surface with optimizer paths and the closed-form minimizer"
CONTOUR_ALT = "Contour plot of the loss with optimizer paths and the closed-form minimizer"

# The view's URL parameters (collected by dashboard.views for the link checker and the share link).
SLICE = Choice(
    "slice",
    "Slice through w* along",
    ("coordinates", "eigen"),
    "coordinates",
    "With more than two parameters the surface is an exact 2D slice of the loss through w*.",
    widget="radio",
    fmt=lambda m: "two coordinates" if m == "coordinates" else "most / least curved directions",
)
AXIS_1 = Choice("ax1", "Horizontal axis", None, 0, "", widget="selectbox")  # options: the parameters
AXIS_2 = Choice("ax2", "Depth axis", None, 1, "", widget="selectbox")
EYE, UP, CENTER, CAMERA_PRESET = camera.EYE, camera.UP, camera.CENTER, camera.PRESET  # written by code


def _slice_controls(names: tuple[str, ...]) -> tuple[str, tuple[int, int]]:
    c1, c2, c3 = st.columns([2, 1, 1])
    mode = SLICE.render(c1)
    if mode != "coordinates":
        return mode, (0, 1)
    i = AXIS_1.render(c2, options=range(len(names)), fmt=names.__getitem__)
    others = [j for j in range(len(names)) if j != i]
    j = AXIS_2.render(c3, options=others, default=others[0], fmt=names.__getitem__)
    return mode, (int(i), int(j))


INTRO = (
    "**The loss L(w) = ‖y − Xw‖² / 2N** over the weights, with each optimizer's path on it "
    "and the closed-form minimizer **w\\*** (◆). Least squares is convex: one bowl, one minimum"
)
FLAT_FLOOR = 1e-9  # an in-plane curvature this far below the steepest counts as flat (rounding)


def intro(problem, slice_=None) -> str:
    """What the chart shows, true for this data and this slice: a bowl, or a flat valley (and where)."""
    if problem.loss.rank == problem.w_star.size:
        return INTRO + "."
    text = INTRO + " — here a flat valley of minima, since XᵀX is singular"
    if slice_ is None:
        return text + "."
    curvatures = np.linalg.eigvalsh(slice_.hessian)
    if curvatures[0] <= FLAT_FLOOR * max(curvatures[-1], 0.0):
        return text + ": its flat floor runs across this plane."
    return (
        text + ". Its flat direction lies outside this plane, which shows a closed bowl: slice along the "
        "most / least curved directions to see the floor."
    )


def landscape_page() -> None:
    result = current()
    _landscape_chart(result)
    show_run_messages(result)


@st.fragment
def _landscape_chart(result) -> None:
    """The chart and the controls under it; they rerun alone, the sidebar's results are reused."""
    problem = result.problem
    specs = path_specs(result)
    w_star = problem.w_star
    p = w_star.size
    paths = [s.trajectory.weights for s in specs]
    anchors = [w_star, start_point(result.settings)]
    dark = is_dark()
    header = st.empty()  # filled once the slice is known: what it says depends on the plane drawn
    if p == 1:
        header.markdown(intro(problem))
        curve = loss_curve(
            problem.loss, w_star, np.ones(1), points=paths, anchors=anchors, label=problem.param_names[0]
        )
        figure = build_loss_curve_figure(curve, specs, w_star, dark=dark)
        alt = "The loss curve over the single weight, with each optimizer's steps on it"
        render_chart([Panel("curve", projector_scaled(figure), alt)], key=CHART_KEY)
        return

    slot = st.container()  # the chart goes above the controls that shape it
    mode, pair = _slice_controls(problem.param_names) if p > 2 else ("coordinates", (0, 1))
    d1, d2, labels = slice_directions(problem.loss, mode, pair=pair, names=problem.param_names)
    slice_ = loss_slice(problem.loss, w_star, d1, d2, points=paths, anchors=anchors, labels=labels, snap=SNAP)
    projected = p > 2
    header.markdown(intro(problem, slice_))
    view = camera.current()
    shown: PlayAndStep = render_play_and_step(result, slice_, projected=projected, camera=view)
    surface = shown.surface or build_surface_figure(
        slice_, specs, w_star, camera=view, projected=projected, dark=dark
    )
    contour = shown.contour or build_contour_figure(slice_, specs, w_star, projected=projected, dark=dark)
    with slot:
        render_chart(
            [
                Panel("surface", projector_scaled(surface), SURFACE_ALT),
                Panel("contour", projector_scaled(contour), shown.contour_alt or CONTOUR_ALT),
            ],
            key=CHART_KEY,
            on_camera=partial(camera.remember_reported, CHART_KEY),
        )
        if projected:
            st.caption(
                f"K = {p} parameters: this is the exact loss on a plane through w*; "
                "the paths are projected onto that plane."
            )
