"""The normal equations written out, with this data's numbers, and the scoreboard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.state import current

from .common import path_specs

MAX_K_WRITTEN_OUT = 4  # beyond this a matrix of numbers is no longer legible


def _bmatrix(a: np.ndarray) -> str:
    rows = np.atleast_2d(a) if a.ndim == 2 else a[:, None]
    body = r" \\ ".join(" & ".join(f"{v:.4g}" for v in row) for row in rows)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


def scoreboard(result) -> pd.DataFrame:
    """Closed form against each run's final iterate."""
    problem = result.problem
    w_star, loss = problem.w_star, problem.loss
    rows = [
        {
            "method": "closed form (" + problem.solution.method + ")",
            "coefficients": np.array2string(w_star, precision=4, separator=", "),
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
                "coefficients": np.array2string(w, precision=4, separator=", "),
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
    st.latex(
        r"\nabla_w \mathrm{RSS}(w) = -2X^\top y + 2X^\top X w = 0"
        r"\quad\Longrightarrow\quad X^\top X\, w^\star = X^\top y"
        r"\quad\Longrightarrow\quad w^\star = (X^\top X)^{-1} X^\top y"
    )
    if problem.normal_error:
        st.error(problem.normal_error, icon=":material/block:")
        st.markdown(
            "XᵀX cannot be inverted, so the equation above has infinitely many solutions. "
            "Shown instead: the **pseudo-inverse** solution w* = X⁺y, the one of smallest norm."
        )
    if p <= MAX_K_WRITTEN_OUT:
        n = problem.loss.n_samples  # the cached quadratic form holds XᵀX/N and Xᵀy/N: no new pass
        XtX, Xty = problem.loss.A * n, problem.loss.b * n
        st.latex(
            _bmatrix(XtX)
            + r"\, w^\star = "
            + _bmatrix(Xty)
            + r"\quad\Longrightarrow\quad w^\star = "
            + _bmatrix(problem.w_star)
        )
        if problem.intercept:
            st.caption(f"X has a first column of ones for the intercept {problem.param_names[0]}.")
    else:
        st.caption(f"With {p} parameters the matrices are too large to write out legibly.")
    c = st.columns(4)
    c[0].metric("RSS(w*)", f"{sol.rss:.4g}", help="Residual sum of squares ‖y − Xw*‖².")
    c[1].metric("rank of X", f"{sol.rank} / {p}", help="Full column rank means a unique minimizer.")
    c[2].metric("κ(X)", f"{sol.condition_number:.4g}", help="σ_max / σ_min of X.")
    c[3].metric(
        "κ(XᵀX) = κ(X)²",
        f"{sol.gram_condition_number:.4g}",
        help="The normal equations square the condition number: digits lost ≈ log₁₀ κ(XᵀX).",
    )
    st.markdown("#### Closed form against the optimizers")
    st.dataframe(
        scoreboard(result),
        hide_index=True,
        column_config={
            "loss L(w)": st.column_config.NumberColumn(format="%.6g"),
            "distance to w*": st.column_config.NumberColumn(format="%.3e"),
            "passes over data": st.column_config.NumberColumn(format="%.3g"),
            "wall time (ms)": st.column_config.NumberColumn(format="%.3g"),
        },
    )
