"""What the fitted models predict: lines, planes, coefficients and residuals."""

from __future__ import annotations

import streamlit as st

from dashboard.figures import build_coef_figure, build_fit_figure, build_residual_figure
from dashboard.figures.style import ink
from dashboard.state import current

from .common import is_dark, path_specs, show_chart


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
    left, right = st.columns(2)
    with left:
        show_chart(
            build_coef_figure(problem.true_params, fits, names=problem.param_names, dark=dark),
            key="coef",
            alt="True against estimated coefficients",
        )
    with right:
        show_chart(
            build_residual_figure(problem.X, problem.y, problem.w_star, dark=dark),
            key="residuals",
            alt="Residuals of the closed-form fit against fitted values",
        )
