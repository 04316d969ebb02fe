"""The normal equations written out, with this data's numbers, and the scoreboard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.lab import start_point
from dashboard.state import current

from .common import path_specs
from .conditioning import kappa_note, singular_message, valley_note
from .tex import tex_matrix

MAX_K_WRITTEN_OUT = 3  # beyond this the matrices are wider than a 1024-px projector (and illegible)
MAX_COEFFICIENTS = 8  # a table cell holds this many coefficients; K = 50 would fill a screen
METRIC_WIDTH = "stretch"  # in a wrapping row: each as wide as its label, a new row when full
# How each closed-form solver is named on screen.
SOLVER_NAMES = {"normal": "normal equations", "qr": "QR", "svd": "pseudo-inverse (SVD)"}

DERIVATION = (  # one step a line: the three fit a 1024-px projector, one long line did not
    r"\begin{aligned}"
    r"& \nabla_w \mathrm{RSS}(w) = -2X^\top y + 2X^\top X\, w = 0 \\"
    r"\Longrightarrow\quad & X^\top X\, w^\star = X^\top y \\"
    r"\Longrightarrow\quad & w^\star = (X^\top X)^{-1} X^\top y"
    r"\end{aligned}"
)


def coefficient_text(w: np.ndarray) -> str:
    """A fit's coefficients for the table: four digits each, the first few of a long vector."""
    shown = ", ".join(f"{v:.4g}" for v in w[:MAX_COEFFICIENTS])
    more = f", … ({w.size} in all)" if w.size > MAX_COEFFICIENTS else ""
    return f"[{shown}{more}]"


def _number(digits: int):
    """A cell formatter: ``digits`` significant digits, and a plain 0."""
    return lambda v: "0" if v == 0 else f"{v:.{digits}g}"


# How the table writes each number column (the frame keeps the numbers themselves).
FORMATS = {
    "loss L(w)": _number(6),
    "distance to w*": _number(3),
    "steps": "{:,}".format,
    "passes over data": _number(3),
    "wall time (ms)": _number(3),
}


def scoreboard(result) -> pd.DataFrame:
    """Closed form against each run's final iterate (numbers; ``FORMATS`` says how they are shown)."""
    problem = result.problem
    w_star, loss = problem.w_star, problem.loss
    method = problem.solution.method
    rows = [
        {
            "method": "closed form: " + SOLVER_NAMES.get(method, method),
            "coefficients": coefficient_text(w_star),
            "loss L(w)": loss.value(w_star),
            "distance to w*": 0.0,
            "steps": 0,
            "passes over data": 1.0,
            "wall time (ms)": problem.solve_time * 1e3,
        }
    ]
    for spec in path_specs(result):
        t = spec.trajectory
        w = t.weights[-1]
        rows.append(
            {
                "method": spec.label,
                "coefficients": coefficient_text(w),
                "loss L(w)": float(t.loss[-1]),
                "distance to w*": float(np.linalg.norm(w - w_star)),
                "steps": int(t.n_steps),
                "passes over data": float(t.passes),
                "wall time (ms)": float(t.wall_time) * 1e3,
            }
        )
    return pd.DataFrame(rows)


def closed_form_page() -> None:
    result = current()
    problem = result.problem
    sol = problem.solution
    p = problem.w_star.size
    st.markdown("#### The normal equations")
    st.latex(DERIVATION)
    message = singular_message(problem)
    if message:
        st.error(message, icon=":material/block:")
    if p <= MAX_K_WRITTEN_OUT:
        n = problem.loss.n_samples  # the cached quadratic form holds XᵀX/N and Xᵀy/N: no new pass
        XtX, Xty = problem.loss.A * n, problem.loss.b * n
        st.markdown("With this data's numbers:")
        st.latex(
            r"\underbrace{" + tex_matrix(XtX) + r"}_{X^\top X}\, w^\star = "
            r"\underbrace{" + tex_matrix(Xty) + r"}_{X^\top y}"
        )
        st.latex(r"w^\star = " + tex_matrix(problem.w_star))
        if problem.intercept:
            st.caption(f"X has a first column of ones for the intercept {problem.param_names[0]}.")
    else:
        st.caption(f"With {p} parameters the matrices are too large to write out legibly.")
    with st.container(horizontal=True):
        st.metric(
            "RSS(w*)",
            f"{sol.rss:.4g}",
            help=r"Residual sum of squares $\|y - Xw^\star\|^2$.",
            width=METRIC_WIDTH,
        )
        st.metric(
            "rank of X",
            f"{sol.rank} / {p}",
            help="Full column rank means a unique minimizer.",
            width=METRIC_WIDTH,
        )
        st.metric(
            "condition number κ(X)",
            f"{sol.condition_number:.4g}",
            help=r"$\sigma_{\max}/\sigma_{\min}$: the largest singular value of $X$ over its smallest.",
            width=METRIC_WIDTH,
        )
        st.metric(
            "κ(XᵀX) = κ(X)²",
            f"{sol.gram_condition_number:.4g}",
            help=r"Condition number of $X^\top X$, the normal equations' matrix: solving them loses "
            r"about $\log_{10} \kappa(X^\top X)$ digits.",
            width=METRIC_WIDTH,
        )
    st.caption(kappa_note(problem, result.settings.data))
    st.markdown("#### Closed form against the optimizers")
    # A static table, not a data grid: every column stays in view at 1024 px (text wraps), and
    # projector mode's larger type reaches it.
    st.table(scoreboard(result).style.format(FORMATS).hide(axis="index"))
    note = valley_note(problem, start_point(result.settings))
    if note:
        st.caption(note)
