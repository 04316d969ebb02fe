"""What the fitted models predict: lines, planes, coefficients and residuals."""

from __future__ import annotations

import streamlit as st

from dashboard.figures import build_coef_figure, build_fit_figure, build_residual_figure
from dashboard.state import current

from .common import path_specs

CLOSED_FORM_COLOR = "#000000"


def fit_page() -> None:
    result = current()
    problem = result.problem
    specs = path_specs(result)
    intercept = problem.param_names[0] == "b"
    fits = [("closed form w*", CLOSED_FORM_COLOR, problem.w_star)] + [
        (s.label, s.color, s.trajectory.weights[-1]) for s in specs
    ]
    st.plotly_chart(
        build_fit_figure(problem.X, problem.y, fits, intercept_first=intercept),
        key="fit",
        theme=None,
        alt="The data with the closed-form and optimizer fits",
    )
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            build_coef_figure(problem.true_params, fits, names=problem.param_names),
            key="coef",
            theme=None,
            alt="True against estimated coefficients",
        )
    with right:
        st.plotly_chart(
            build_residual_figure(problem.X, problem.y, problem.w_star),
            key="residuals",
            theme=None,
            alt="Residuals of the closed-form fit against fitted values",
        )
