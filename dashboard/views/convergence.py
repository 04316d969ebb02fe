"""How fast each run approaches w*, against the theory computed from the data."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import gd_loss_bound, gd_loss_exact
from dashboard.figures import build_convergence_figure
from dashboard.lab import start_point
from dashboard.state import current

from .common import is_dark, path_specs, show_chart, show_run_messages


def _theory_run(result):
    """The first plain constant-rate full-batch GD run: the one the theory describes."""
    for run, t in zip(result.settings.runs, result.runs, strict=True):
        if run.follows_gd_theory:
            return run, t
    return None, None


def convergence_page() -> None:
    result = current()
    problem = result.problem
    specs = path_specs(result)
    st.markdown(
        "**Loss above the optimum, L(w_t) − L\\*, and distance to w\\*** for every run, on a log scale. "
        "For gradient descent on a quadratic the theory is exact: each eigen-direction shrinks by "
        "|1 − ηλᵢ| per step."
    )
    bound = exact = None
    run, t = _theory_run(result)
    if run is not None:
        steps = np.arange(t.steps[-1] + 1)
        w0 = start_point(result.settings)
        bound = gd_loss_bound(problem.loss, w0, run.learning_rate, steps)
        exact = gd_loss_exact(problem.loss, w0, run.learning_rate, steps)
    show_chart(
        build_convergence_figure(
            specs,
            min_value=problem.loss.min_value,
            w_star=problem.w_star,
            bound=bound,
            exact=exact,
            dark=is_dark(),
        ),
        key="convergence",
        alt="Loss gap and distance to the minimizer against step, log scale, for every run",
    )
    th = problem.theory
    c = st.columns(4)
    c[0].metric("stability limit 2/λ_max", f"{th.critical_learning_rate:.4g}")
    c[1].metric("best constant η", f"{th.optimal_learning_rate:.4g}")
    c[2].metric("its rate (κ−1)/(κ+1)", f"{th.optimal_rate:.4g}", help="Error shrinks by this per step.")
    c[3].metric("heavy-ball rate", f"{th.heavy_ball_rate:.4g}", help="(√κ−1)/(√κ+1) with optimal momentum.")
    show_run_messages(result)
