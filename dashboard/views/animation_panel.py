"""Under the landscape: play the paths in the browser, or step through one run update by update.

Both parts are off until switched on (keys ``anim`` and ``stepmode``), so the
landscape view pays nothing for them. The panel is a fragment: moving the step
slider reruns only this panel, not the surface and contour above it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.sampling import step_directions
from dashboard.figures.animation import (
    PAUSE_LABEL,
    PLAY_LABEL,
    build_animated_contour_figure,
    build_animated_surface_figure,
    build_step_figure,
)
from dashboard.settings import MAX_STEPS
from dashboard.specs import Choice, Flag, Number

from .common import path_specs

CONTEXT_STEPS = 15  # iterates drawn faintly on each side of the step shown
CLOCK_NAMES = {"step": "steps", "epoch": "epochs (passes over the data)"}

# The panel's URL-bound widgets (collected by dashboard.views for the link checker and the share link).
PLAY = Flag(
    "anim",
    "Play the paths",
    False,
    "An animation that runs in your browser: play, pause, or drag the slider.",
)
STEPPING = Flag(
    "stepmode",
    "Step through one run",
    False,
    "One update at a time, with the step taken, the full gradient and (batch 1) the data point.",
)
CLOCK = Choice(
    "anim_clock",
    "Slider counts",
    tuple(CLOCK_NAMES),
    "step",
    "Epochs put runs with different batch sizes side by side at equal cost (samples touched).",
    widget="segmented",
    fmt=CLOCK_NAMES.__getitem__,
)
ALSO_3D = Flag("anim3d", "Also on the 3D surface", False, "", widget="checkbox")
STEP_RUN = Choice("step_run", "Run", None, 0, "", widget="selectbox")  # options: the runs on screen
STEP_T = Number("step_t", "Step t (from wₜ to wₜ₊₁)", 0, MAX_STEPS, 0, 1, "", integer=True)


@st.fragment
def render_animation_panel(result, slice_, *, projected: bool = False) -> None:
    """The "Play the paths" and "Step through" toggles and what they open, for a 2D slice ``slice_``."""
    c1, c2 = st.columns(2)
    play, stepping = PLAY.render(c1), STEPPING.render(c2)
    if play:
        _render_animation(result, slice_, projected)
    if stepping:
        _render_stepper(result, slice_, projected)


def _render_animation(result, slice_, projected: bool) -> None:
    specs = path_specs(result)
    w_star = result.problem.w_star
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    clock, also_3d = CLOCK.render(c1), ALSO_3D.render(c2)
    contour = build_animated_contour_figure(slice_, specs, w_star, projected=projected, clock=clock)
    where = st
    if also_3d:
        left, where = st.columns(2)
        surface = build_animated_surface_figure(slice_, specs, w_star, projected=projected, clock=clock)
        left.plotly_chart(surface, key="anim_surface", theme=None, alt="Animated loss surface with the paths")
    where.plotly_chart(contour, key="anim_contour", theme=None, alt="Animated contours with the paths")
    st.caption(
        f"{PLAY_LABEL} and {PAUSE_LABEL} run in the browser, with no round trip to the server; "
        "drag the slider to any moment. "
        + (
            "With the epoch clock, every run has seen the same number of samples at each frame."
            if clock == "epoch"
            else "Full-batch runs take one step per epoch, SGD takes ⌈N/B⌉: switch the slider to "
            "epochs to compare them at equal cost."
        )
    )


def _shift_step(delta: int, last: int) -> None:
    st.session_state["step_t"] = int(np.clip(st.session_state.get("step_t", 0) + delta, 0, last))


def _render_stepper(result, slice_, projected: bool) -> None:
    problem = result.problem
    specs = path_specs(result)
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    i = STEP_RUN.render(c1, options=range(len(specs)), fmt=lambda j: specs[j].label)
    spec = specs[int(i or 0)]
    traj = spec.trajectory
    if traj.record_every != 1:
        st.info(
            f"{spec.label} took {traj.n_steps:,} steps and kept every {traj.record_every}th iterate only, "
            "so single steps cannot be shown. Use fewer epochs or a larger batch.",
            icon=":material/info:",
        )
        return
    if traj.n_steps == 0:
        st.info(f"{spec.label} took no steps: it started at the minimum.", icon=":material/info:")
        return
    last = traj.n_steps - 1
    if st.session_state.get("step_t", 0) > last:  # another run was chosen: stay in range
        st.session_state["step_t"] = last
    if last == 0:
        t = 0
        c2.caption("This run took a single step.")
    else:
        with c2:
            b1, b2, b3 = st.columns([1, 6, 1], vertical_alignment="bottom")
            b1.button(
                "", icon=":material/chevron_left:", key="step_prev", help="Previous step",
                on_click=_shift_step, args=(-1, last),
            )  # fmt: skip
            t = STEP_T.render(b2, hi=last)
            b3.button(
                "", icon=":material/chevron_right:", key="step_next", help="Next step",
                on_click=_shift_step, args=(1, last),
            )  # fmt: skip
    sd = step_directions(problem.X, problem.y, traj, problem.loss, steps=[int(t)])
    arrays = (sd.weights, sd.step, sd.gradient, sd.batch_gradient)
    if not all(np.all(np.isfinite(a)) for a in arrays):
        st.warning(
            f"At step {t} the run has blown up (the numbers overflow): pick an earlier step.",
            icon=":material/warning:",
        )
        return
    lo = max(0, int(t) - CONTEXT_STEPS)
    context = traj.weights[lo : int(t) + CONTEXT_STEPS + 2]
    fig = build_step_figure(
        slice_, sd, problem.w_star, label=spec.label, color=spec.color, context=context, projected=projected
    )
    _step_numbers(sd)
    st.plotly_chart(fig, key="step_figure", theme=None, alt=f"Step {t} of {spec.label}, up close")
    st.caption(_step_sentence(sd, projected))


def _step_numbers(sd) -> None:
    eta = float(sd.learning_rate[0])
    angle = float(sd.angle_to_gradient[0])
    c = st.columns(4)
    c[0].metric("learning rate ηₜ", f"{eta:.4g}")
    c[1].metric("‖∇L(wₜ)‖", f"{np.linalg.norm(sd.gradient[0]):.4g}", help="The full gradient at wₜ.")
    c[2].metric("step length ‖wₜ₊₁ − wₜ‖", f"{np.linalg.norm(sd.step[0]):.4g}")
    c[3].metric(
        "angle(step, −∇L)",
        "undefined" if np.isnan(angle) else f"{angle:.1f}°",
        help="0° is steepest descent (what full-batch GD does). Measured in all K dimensions.",
    )


def _step_sentence(sd, projected: bool) -> str:
    angle = float(sd.angle_to_gradient[0])
    angle_text = "an undefined angle" if np.isnan(angle) else f"{angle:.1f}°"
    if sd.batch_size is None:
        text = "Full batch: the step is −η∇L(w_t) itself, straight down the steepest slope."
    elif sd.batch_size == 1:
        i = int(sd.samples[0])
        r = float(sd.residuals[0])
        text = (
            f"Batch size 1, sample i = {i}: the gradient of its loss is xᵢ(xᵢᵀw_t − yᵢ) = {r:.3g}·xᵢ, "
            "a multiple of the data point xᵢ. Plain SGD moves only along that line (dashed), "
            f"here at {angle_text} from the full gradient's direction: one data direction per step."
        )
    else:
        text = (
            f"Batch size {sd.batch_size}: the step follows the average gradient of {sd.batches[0].size} "
            f"samples, at {angle_text} from the full gradient's direction."
        )
    off = float(sd.angle_to_batch_gradient[0])
    if sd.batch_size is not None and np.isfinite(off) and off > 0.5:
        text += f" Momentum or adaptive scaling turns the step {off:.1f}° away from its batch's gradient."
    if projected:
        text += " The arrows are projections onto the plane shown; angles are measured in all K dimensions."
    return text
