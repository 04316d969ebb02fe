"""Geometry: least squares as a projection onto col(X), and gradient descent in XᵀX's eigenbasis."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import (
    PLAIN_GD,
    SGD,
    ConstantSchedule,
    column_space_picture,
    critical_learning_rate,
    fitted_path,
    gd_per_direction,
    make_column_space_example,
    rule_of,
    run_optimizer,
    to_eigenbasis,
)
from core.landscape import loss_slice
from dashboard import compute_scaling as cs
from dashboard.chart import Panel, render_chart
from dashboard.figures.geometry import (
    build_column_space_figure,
    build_eigenbasis_figure,
    build_per_direction_figure,
)
from dashboard.specs import Flag, Number
from dashboard.state import current

from .common import is_dark, projector_scaled, show_chart

MAX_DRAWN_STEPS = 400  # recorded iterates drawn per curve

EXACT = Flag("geo_exact", "y in the plane (exact fit)", False, "Choose y = Xw for some w: the residual is 0.")
SEED = Number("geo_seed", "Seed", 0, 10_000, 0, 1, "Another X and y.", integer=True, widget="number_input")
STEPS = Number("geo_steps", "GD steps", 1, 60, 12, 1, "Gradient-descent steps from w = 0.", integer=True)


def _plain_gd(trajectory) -> float | None:
    """The learning rate when ``trajectory`` is constant-rate full-batch GD without momentum, else None."""
    opt = trajectory.optimizer
    plain = rule_of(opt) is PLAIN_GD and isinstance(opt.schedule, ConstantSchedule)
    return float(opt.schedule.value) if plain and trajectory.batch_size is None else None


def _column_space_part() -> None:
    st.markdown("#### y projected onto the column space of X (N = 3 samples, K = 2 features)")
    st.markdown(
        "Every prediction $Xw$ is a combination of $X$'s two columns, so all of them lie in one "
        "**plane**, $\\operatorname{col}(X)$. The best fit $\\hat y = Xw^*$ is the point of that plane "
        "**closest to y**: "
        "the residual $r = y - \\hat y$ stands at a right angle on the plane. That is the normal equation: "
        "$X^\\top r = 0 \\iff X^\\top X w^* = X^\\top y$. Gradient descent's predictions "
        "$\\hat y_t = Xw_t$ never leave the plane; they walk toward $\\hat y$. Drag the picture to rotate it."
    )
    row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
    exact, seed, steps = EXACT.render(row), SEED.render(row), STEPS.render(row)
    try:
        X, y = make_column_space_example(exact_fit=bool(exact), seed=int(seed))
        pic = column_space_picture(X, y)
        rate = 0.15 * critical_learning_rate(X)  # 0.3/λ_max: safe, and slow enough to see the steps
        traj = run_optimizer(X, y, SGD(rate), epochs=int(steps), w0=np.zeros(2), tol=0.0)
        path = fitted_path(X, traj.weights)
    except ValueError as exc:
        st.error(f"This example cannot be drawn: {exc}", icon=":material/error:")
        return
    show_chart(
        build_column_space_figure(pic, path, steps=traj.steps, dark=is_dark()),
        key="geo_columns",
        alt="Rotatable 3D picture: the plane spanned by X's columns, the data vector y, its projection "
        "y-hat in the plane, the residual perpendicular to the plane, and gradient descent's predictions "
        "moving inside the plane",
    )
    ne = pic.normal_equation_residual
    metrics = st.container(horizontal=True, gap="medium")
    metrics.metric(
        "largest entry of $X^\\top r$",
        f"{np.max(np.abs(ne)):.1e}",
        help="Xᵀr = 0 is the normal equation; here Xᵀr = ["
        + ", ".join(f"{v:.2e}" for v in ne)
        + "], zero up to rounding.",
        width="content",
    )
    metrics.metric(
        "$\\|r\\|$, distance from y to the plane", f"{np.linalg.norm(pic.residual):.4g}", width="content"
    )
    metrics.metric("angle between y and the plane", f"{pic.angle_degrees:.1f}°", width="content")
    metrics.metric(
        "$w^*$",
        "(" + ", ".join(f"{v:.3g}" for v in pic.coef) + ")",
        help="ŷ = w*₁·x₁ + w*₂·x₂",
        width="content",
    )
    metrics.metric(
        f"$\\|\\hat y_t - \\hat y\\|$ after {traj.n_steps} steps",
        f"{np.linalg.norm(path[-1] - pic.fitted):.3g}",
        help=f"Gradient descent with η = {rate:.3g} = $0.3/\\lambda_{{\\max}}$, from w = 0.",
        width="content",
    )
    if pic.exact_fit:
        st.caption("y lies in the plane: the projection is y itself, r = 0, and the fit is exact (RSS = 0).")


def _gd_trajectory(result):
    """The first constant-rate full-batch GD run of the sidebar, else one run here; (trajectory, η, label)."""
    for i, t in enumerate(result.runs):
        rate = _plain_gd(t)
        if rate is not None:
            return t, rate, f"Run {i + 1}: GD η = {rate:.3g}"
    problem = result.problem
    rate = float(problem.theory.optimal_learning_rate)
    w0 = tuple(
        float(v) for v in (result.runs[0].weights[0] if result.runs else np.zeros(problem.w_star.size))
    )
    epochs = max(int(result.runs[0].n_steps) if result.runs else 100, 10)
    t = cs.gd_run(cs.fingerprint(problem), rate, min(epochs, 5000), w0, problem.X, problem.y, problem.loss)
    return t, rate, f"GD η = {rate:.3g} (the best constant rate; no plain GD run in the sidebar)"


def _eigenbasis_part(result) -> None:
    st.markdown("#### The same bowl in the eigenbasis of XᵀX")
    st.markdown(
        "Rotate the axes onto the eigenvectors of $A = X^\\top X/N$ and measure from $w^*$: "
        "$e = V^\\top(w - w^*)$. The contours become **axis-aligned** ellipses, "
        "$L = L^* + \\tfrac12\\sum_i \\lambda_i e_i^2$, and a gradient-descent step multiplies each "
        "coordinate by its own factor $1 - \\eta\\lambda_i$. So each direction decays at its own rate: fast "
        "along the steep (large $\\lambda$) axis, slowly along the flat one. That is what the condition "
        "number means."
    )
    problem = result.problem
    loss = problem.loss
    try:
        traj, rate, label = _gd_trajectory(result)
        coords = to_eigenbasis(loss, traj.weights)  # (T, K)
        idx = np.unique(np.linspace(0, len(traj.steps) - 1, MAX_DRAWN_STEPS).round().astype(int))
        steps = traj.steps[idx]
        theory = gd_per_direction(loss, traj.weights[0], rate, int(steps[-1]))
        theory = theory[theory["step"].isin(steps)]
    except ValueError as exc:
        st.error(f"The eigenbasis view cannot be drawn: {exc}", icon=":material/error:")
        return
    k = loss.n_features
    dark = is_dark()
    panels = []
    if k >= 2:
        V = loss.eigenvectors
        slice_ = loss_slice(
            loss,
            loss.minimizer,
            V[:, 0],
            V[:, k - 1],
            points=[traj.weights],
            anchors=[loss.minimizer, traj.weights[0]],
            labels=("e1", f"e{k}"),
        )
        fig = build_eigenbasis_figure(
            slice_, coords[idx], directions=(0, k - 1), eigenvalues=loss.eigenvalues, label=label, dark=dark
        )
        alt = "Loss contours in eigen-coordinates, axis-aligned ellipses, with the gradient-descent path"
        panels.append(Panel("geo_eigen", projector_scaled(fig), alt))
    fig = build_per_direction_figure(
        steps, coords[idx], theory, eigenvalues=loss.eigenvalues, learning_rate=rate, dark=dark
    )
    alt = (
        "Log-scale error along each eigen-direction against step, measured and theory, each a straight line "
        "with its own slope"
    )
    panels.append(Panel("geo_directions", projector_scaled(fig), alt))
    render_chart(panels, key="geo_eigenbasis")
    if k < 2:
        st.caption("With one parameter there is one direction, and no ellipse to draw.")
    elif k > 2:
        st.caption(f"K = {k}: the plane of the most and least curved directions; the path is projected.")
    if traj.diverged:
        st.caption(
            f"{label} diverged: $|1 - \\eta\\lambda| > 1$ along the steepest direction, which grows instead."
        )
    if loss.rank < k:
        st.caption(
            "$X^\\top X$ is singular: along a direction with $\\lambda = 0$ the factor is 1, and gradient "
            "descent never moves there."
        )
    st.caption(
        f"{label}. Dots: its iterates in eigen-coordinates $e = V^\\top(w - w^*)$; dashed: the theory "
        "$(1 - \\eta\\lambda_i)^t e_i(0)$."
    )


def geometry_page() -> None:
    result = current()
    st.markdown(
        "**Two pictures behind the normal equations.** Above, in the space of *samples*: fitting is "
        "projecting y onto a plane. Below, in the space of *weights*: seen along the right axes, gradient "
        "descent is K independent one-dimensional problems."
    )
    _column_space_part()
    _eigenbasis_part(result)
