"""Under the landscape: play the paths, or step through one run update by update.

Both switch what the landscape chart itself shows (one chart, not a second copy): the
contour panel plays the paths (and, if asked, the surface too) in the browser, or zooms
into one step with the directions that explain it. They are off until switched on (keys
``anim`` and ``stepmode``) and exclude each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
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

from .common import is_dark, path_specs

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


@dataclass(frozen=True)
class PlayAndStep:
    """What the panels of the landscape chart show instead of the static paths (None: the static one)."""

    surface: go.Figure | None = None
    contour: go.Figure | None = None
    contour_alt: str | None = None


def _only(key: str, other: str) -> None:
    """Playing and stepping share the contour panel: switching one on switches the other off."""
    if st.session_state.get(key):
        st.session_state[other] = False


def render_play_and_step(result, slice_, *, projected: bool, camera: dict) -> PlayAndStep:
    """The "Play the paths" and "Step through one run" switches and their controls; what to draw."""
    c1, c2 = st.columns(2)
    play = PLAY.render(c1, on_change=_only, args=("anim", "stepmode"))
    stepping = STEPPING.render(c2, on_change=_only, args=("stepmode", "anim"))
    if play:
        return _animation(result, slice_, projected, camera)
    if stepping:
        return _stepper(result, slice_, projected)
    return PlayAndStep()


def _animation(result, slice_, projected: bool, camera: dict) -> PlayAndStep:
    specs = path_specs(result)
    w_star = result.problem.w_star
    dark = is_dark()
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    clock, also_3d = CLOCK.render(c1), ALSO_3D.render(c2)
    contour = build_animated_contour_figure(
        slice_, specs, w_star, projected=projected, clock=clock, dark=dark
    )
    surface = None
    if also_3d:
        surface = build_animated_surface_figure(
            slice_, specs, w_star, camera=camera, projected=projected, clock=clock, dark=dark
        )
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
    return PlayAndStep(surface, contour, "Animated contours with the paths")


def _shift_step(delta: int, last: int) -> None:
    st.session_state["step_t"] = int(np.clip(st.session_state.get("step_t", 0) + delta, 0, last))


def _stepper(result, slice_, projected: bool) -> PlayAndStep:
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
        return PlayAndStep()
    if traj.n_steps == 0:
        st.info(f"{spec.label} took no steps: it started at the minimum.", icon=":material/info:")
        return PlayAndStep()
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
        return PlayAndStep()
    lo = max(0, int(t) - CONTEXT_STEPS)
    context = traj.weights[lo : int(t) + CONTEXT_STEPS + 2]
    fig = build_step_figure(
        slice_, sd, problem.w_star, label=spec.label, color=spec.color, context=context, projected=projected,
        dark=is_dark(),
    )  # fmt: skip
    _step_numbers(sd)
    st.caption(_step_sentence(sd, projected))
    return PlayAndStep(contour=fig, contour_alt=f"Step {t} of {spec.label}, up close")


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
