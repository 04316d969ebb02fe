"""What the fitted models predict: lines, planes, coefficients and residuals."""

from __future__ import annotations

import streamlit as st

from dashboard.chart import Panel, render_chart
from dashboard.figures import build_coef_figure, build_fit_figure, build_residual_figure
from dashboard.figures.style import ink
from dashboard.state import current

from .common import is_dark, path_specs, projector_scaled, show_chart


def _fit_caption(problem) -> str:
    """How to read the top chart, for the number of features on screen."""
    features = problem.X.shape[1] - problem.intercept
    if features == 1:
        return "Each point is a sample; each line is a fit's prediction ŷ = Xw across the feature's range."
    if features == 2:
        return (
            "Each point is a sample; the translucent plane is the closed-form fit, each wire grid a run's "
            "final fit. Drag to turn the box."
        )
    return (
        f"With {features} features no picture shows the fit itself: each point is a sample, its observed y "
        "against the prediction ŷ = Xw. A perfect fit would put every point on the dashed line."
    )


def _coef_caption(problem) -> str | None:
    """What the coefficient chart cannot show: the truth of real data, or one answer when there are many."""
    notes = []
    if problem.true_params is None:
        notes.append("Real data: nobody knows the true coefficients, so only the fits are shown.")
    p = problem.X.shape[1]
    if problem.solution.rank < p:
        notes.append(
            f"X has rank {problem.solution.rank} < {p}: many coefficient vectors fit these data equally "
            "well, so the closed form (the one of smallest norm) need not match the true coefficients, and "
            "a run may end at yet another."
        )
    return " ".join(notes) or None


def fit_page() -> None:
    result = current()
    problem = result.problem
    specs = path_specs(result)
    dark = is_dark()
    fits = [("closed form w*", ink(dark), problem.w_star)] + [
        (s.label, s.color, s.trajectory.weights[-1]) for s in specs
    ]
    show_chart(
        build_fit_figure(problem.X, problem.y, fits, intercept_first=problem.intercept, dark=dark),
        key="fit",
        alt="The data with the closed-form and optimizer fits",
    )
    st.caption(_fit_caption(problem))
    # Side by side on a wide screen, one under the other on a projector: the chart decides.
    render_chart(
        [
            Panel(
                "coef",
                projector_scaled(
                    build_coef_figure(problem.true_params, fits, names=problem.param_names, dark=dark)
                ),
                "True against estimated coefficients",
            ),
            Panel(
                "residuals",
                projector_scaled(build_residual_figure(problem.X, problem.y, problem.w_star, dark=dark)),
                "Residuals of the closed-form fit against fitted values",
            ),
        ],
        key="fit_details",
    )
    note = _coef_caption(problem)
    if note:
        st.caption(note)
