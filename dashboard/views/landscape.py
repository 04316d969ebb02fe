"""The home view: the loss surface in 3D and as contours, with every path and w*."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.landscape import loss_curve, loss_slice, slice_directions
from dashboard.figures import (
    CAMERA_PRESETS,
    build_contour_figure,
    build_loss_curve_figure,
    build_surface_figure,
)
from dashboard.lab import start_point
from dashboard.specs import Choice
from dashboard.state import current

from .animation_panel import render_animation_panel
from .common import is_dark, path_specs, show_chart, show_run_messages

# The view's URL-bound widgets (collected by dashboard.views for the link checker and the share link).
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
CAMERA = Choice(
    "cam",
    "3D view",
    tuple(CAMERA_PRESETS),
    "oblique",
    "Camera presets: the chart resets its rotation when a setting changes.",
    widget="segmented",
    fmt=str,
)


def _slice_controls(names: tuple[str, ...]) -> tuple[str, tuple[int, int]]:
    c1, c2, c3 = st.columns([2, 1, 1])
    mode = SLICE.render(c1)
    if mode != "coordinates":
        return mode, (0, 1)
    i = AXIS_1.render(c2, options=range(len(names)), fmt=names.__getitem__)
    others = [j for j in range(len(names)) if j != i]
    j = AXIS_2.render(c3, options=others, default=others[0], fmt=names.__getitem__)
    return mode, (int(i), int(j))


def landscape_page() -> None:
    result = current()
    problem = result.problem
    specs = path_specs(result)
    w_star = problem.w_star
    p = w_star.size
    st.markdown(
        "**The loss L(w) = ‖y − Xw‖² / 2N** over the weights, with each optimizer's path on it "
        "and the closed-form minimizer **w\\*** (★). Least squares is convex: one bowl, one minimum"
        + (" — here a flat valley of minima, since XᵀX is singular." if problem.loss.rank < p else ".")
    )
    paths = [s.trajectory.weights for s in specs]
    anchors = [w_star, start_point(result.settings)]
    if p == 1:
        curve = loss_curve(
            problem.loss, w_star, np.ones(1), points=paths, anchors=anchors, label=problem.param_names[0]
        )
        show_chart(
            build_loss_curve_figure(curve, specs, w_star, dark=is_dark()),
            key="curve",
            alt="The loss curve over the single weight, with each optimizer's steps on it",
        )
        show_run_messages(result)
        return

    mode, pair = _slice_controls(problem.param_names) if p > 2 else ("coordinates", (0, 1))
    d1, d2, labels = slice_directions(problem.loss, mode, pair=pair, names=problem.param_names)
    slice_ = loss_slice(problem.loss, w_star, d1, d2, points=paths, anchors=anchors, labels=labels)
    projected = p > 2
    camera = CAMERA_PRESETS[CAMERA.render()]
    left, right = st.columns(2)
    with left:
        show_chart(
            build_surface_figure(slice_, specs, w_star, camera=camera, projected=projected, dark=is_dark()),
            key="surface",
            alt="3D loss surface with optimizer paths and the closed-form minimizer",
        )
    with right:
        show_chart(
            build_contour_figure(slice_, specs, w_star, projected=projected, dark=is_dark()),
            key="contour",
            alt="Contour plot of the loss with optimizer paths and the closed-form minimizer",
        )
    if projected:
        st.caption(
            f"K = {p} parameters: this is the exact loss on a plane through w*; "
            "the paths are projected onto that plane."
        )
    render_animation_panel(result, slice_, projected=projected)
    show_run_messages(result)
