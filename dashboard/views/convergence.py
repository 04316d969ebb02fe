"""How fast each run approaches w*, against the theory computed from the data."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import gd_loss_bound, gd_loss_exact
from dashboard.figures import build_convergence_figure
from dashboard.figures.convergence import X_AXES
from dashboard.lab import start_point
from dashboard.specs import Choice
from dashboard.state import current

from .common import is_dark, path_specs, show_chart, show_run_messages
from .conditioning import valley_note
from .tex import tex_number

X_AXIS = Choice(
    "conv_x",
    "Horizontal axis",
    tuple(X_AXES),
    "step",
    "Epochs (passes over the data) compare runs with different batch sizes at equal cost: full-batch GD "
    "takes one step per epoch, SGD with batch B takes ⌈N/B⌉.",
    widget="segmented",
    fmt={"step": "steps", "epoch": "epochs"}.__getitem__,
)
METRIC_WIDTH = "stretch"  # in a wrapping row: each as wide as its label, a new row when full
INTRO = (
    r"**The loss above its minimum, $L(w_t) - L^\star$, and the distance to the minimizer, "
    r"$\|w_t - w^\star\|$,** for every run, on log axes: a straight line is a constant rate."
)


def _theory_run(result):
    """The first plain constant-rate full-batch GD run (its number from 1, settings, trajectory)."""
    for i, (run, t) in enumerate(zip(result.settings.runs, result.runs, strict=True)):
        if run.follows_gd_theory:
            return i + 1, run, t
    return None, None, None


def _theory_text(number: int | None) -> str:
    if number is None:
        return (
            "No run is plain full-batch gradient descent with a constant step, the case the exact theory "
            "below describes, so no theory curve is drawn."
        )
    return (
        r"For gradient descent with a constant step $\eta$ on a quadratic the theory is exact: along each "
        r"eigen-direction of the Hessian $X^\top X/N$ the error shrinks by $|1 - \eta\lambda_i|$ per step. "
        f"The grey curves are that theory for Run {number}: exact (dotted), and the bound "
        r"$\rho^{2t}\,(L(w_0) - L^\star)$ with $\rho = \max_i |1 - \eta\lambda_i|$ (dashed)."
    )


def _kappa_caption(theory, p: int) -> str:
    """What λ and κ are in the rates above, with this data's numbers."""
    lam_max, lam_min = tex_number(theory.lambda_max, 4), tex_number(theory.lambda_min, 4)
    kappa = tex_number(theory.condition_number, 4)
    if theory.rank == p:
        which = (
            rf"$\lambda_{{\max}} = {lam_max}$ and $\lambda_{{\min}} = {lam_min}$ are the extreme eigenvalues "
            rf"of the Hessian $X^\top X/N$, and $\kappa = \lambda_{{\max}}/\lambda_{{\min}} = "
            rf"\kappa(X^\top X) = {kappa}$."
        )
    else:
        which = (
            rf"$\lambda_{{\max}} = {lam_max}$ and $\lambda_{{\min}} = {lam_min}$ are the largest and "
            rf"smallest nonzero eigenvalues of the Hessian $X^\top X/N$ (it has {p - theory.rank} zero ones: "
            rf"directions gradient descent never moves), and $\kappa = \lambda_{{\max}}/\lambda_{{\min}} "
            rf"= {kappa}$."
        )
    rate = r" A rate $\rho$: the distance to $w^\star$ shrinks like $\rho^t$, the loss gap like $\rho^{2t}$."
    return which + rate


def convergence_page() -> None:
    result = current()
    problem = result.problem
    specs = path_specs(result)
    number, run, t = _theory_run(result)
    st.markdown(INTRO + " " + _theory_text(number))
    x_axis = X_AXIS.render()
    bound = exact = None
    w0 = start_point(result.settings)
    if run is not None:
        steps = np.arange(t.steps[-1] + 1)
        x = steps if x_axis == "step" else steps / t.steps_per_epoch  # full batch: one step an epoch
        bound = {
            "steps": x,
            "loss": gd_loss_bound(problem.loss, w0, run.learning_rate, steps),
            "label": f"theory for Run {number}: bound",
        }
        exact = {
            "steps": x,
            "loss": gd_loss_exact(problem.loss, w0, run.learning_rate, steps),
            "label": f"theory for Run {number}: exact",
        }
    show_chart(
        build_convergence_figure(
            specs,
            min_value=problem.loss.min_value,
            w_star=problem.w_star,
            bound=bound,
            exact=exact,
            x_axis=x_axis,
            dark=is_dark(),
        ),
        key="convergence",
        alt="Loss gap and distance to the minimizer against step, log scale, for every run",
    )
    note = valley_note(problem, w0)
    if note:
        st.caption(note)
    th = problem.theory
    st.markdown("**Full-batch gradient descent on this data, in theory**")
    with st.container(horizontal=True):
        st.metric(
            r"stable below $2/\lambda_{\max}$",
            f"{th.critical_learning_rate:.4g}",
            help=r"Plain gradient descent with a constant step $\eta$ converges only below this.",
            width=METRIC_WIDTH,
        )
        st.metric(
            r"best step $\frac{2}{\lambda_{\max} + \lambda_{\min}}$",
            f"{th.optimal_learning_rate:.4g}",
            help=r"The constant step $\eta$ with the fastest worst-case decay.",
            width=METRIC_WIDTH,
        )
        st.metric(
            r"its rate $\frac{\kappa - 1}{\kappa + 1}$",
            f"{th.optimal_rate:.4g}",
            help="GD's rate at the best step: each step multiplies the distance to the minimizer by at most "
            "this.",
            width=METRIC_WIDTH,
        )
        st.metric(
            r"heavy ball $\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}$",
            f"{th.heavy_ball_rate:.4g}",
            help=r"Heavy-ball momentum's rate with Polyak's optimal step and momentum: $\sqrt{\kappa}$ "
            r"instead of $\kappa$, the point of momentum.",
            width=METRIC_WIDTH,
        )
    st.caption(_kappa_caption(th, problem.w_star.size))
    show_run_messages(result)
