"""The math, live: the derivation of the lecture notes, step by step, with this data's numbers.

Every number on the page is computed here from the current problem (nothing is
typed in), and the app tests compare each against numpy. Matrices are written
out only while they stay legible (at most ``MAX_WRITTEN_OUT`` parameters).
"""

from __future__ import annotations

import weakref

import numpy as np
import streamlit as st

from core import solve_least_squares
from core.sampling import batch_indices
from dashboard.lab import start_point
from dashboard.state import current

from .tex import tex_matrix, tex_number

MAX_WRITTEN_OUT = 3  # parameters up to which XᵀX, Xᵀy and the vectors are written out
EXACT_FIT = 1e-10  # ‖r‖ ≤ this × ‖y‖ counts as y ∈ col(X)
_SVD_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Problem → SVD solution


def _svd_solution(problem):
    """The pseudo-inverse solution X⁺y (from core's SVD solver), computed once per problem."""
    if problem.solution.method == "svd":
        return problem.solution
    try:
        return _SVD_CACHE[problem]
    except (KeyError, TypeError):
        pass
    sol = solve_least_squares(problem.X, problem.y, method="svd")
    try:
        _SVD_CACHE[problem] = sol
    except TypeError:  # not weak-referenceable: compute again next time
        pass
    return sol


def _step(title: str) -> None:
    st.markdown(f"#### {title}")


def math_page() -> None:
    result = current()
    problem = result.problem
    X, y = problem.X, problem.y
    n, p = X.shape
    names = problem.param_names
    written = p <= MAX_WRITTEN_OUT
    singular = problem.normal_error is not None
    loss = problem.loss
    XtX = loss.A * n  # from the one Gram pass core made
    Xty = loss.b * n
    yty = loss.c * n
    w_star = problem.w_star
    r = y - X @ w_star  # (N,) residual at w*
    rss = float(r @ r)
    Xtr = X.T @ r  # (P,) zero up to rounding: the normal equations
    svd = _svd_solution(problem)
    rank = svd.rank

    st.markdown(
        "The derivation from the lecture notes, one step at a time, with **this data's numbers** "
        f"plugged in: X has N = {n} rows and K = {p} columns"
        + (f" (the first a column of ones for the intercept {names[0]})" if problem.intercept else "")
        + (
            "."
            if written
            else f". With {p} parameters the matrices are too large to write out; the scalars are shown."
        )
    )

    _step("1. The residual sum of squares")
    st.markdown("How badly w fits: the squared misfit of every example, summed.")
    st.latex(r"\mathrm{RSS}(w) = \sum_{i=1}^{N} (y_i - x_i^\top w)^2 = (y - Xw)^\top (y - Xw)")

    _step("2. Expand it")
    st.markdown("Multiplying out gives a quadratic in w, a bowl:")
    st.latex(r"\mathrm{RSS}(w) = y^\top y - 2\, y^\top X w + w^\top X^\top X\, w")
    if written:
        st.markdown("Here the three ingredients are:")
        st.latex(r"X^\top X = " + tex_matrix(XtX))
        st.latex(r"X^\top y = " + tex_matrix(Xty))
        st.latex(r"y^\top y = " + tex_number(yty))
    else:
        st.latex(r"y^\top y = " + tex_number(yty))

    _step("3. Take the gradient and set it to zero")
    st.markdown("At a minimum of a smooth bowl the slope vanishes in every direction:")
    st.latex(r"\nabla_w \mathrm{RSS}(w) = -2 X^\top y + 2 X^\top X w = 0")

    _step("4. The normal equation")
    st.latex(r"X^\top X\, w = X^\top y")
    if written:
        st.latex(tex_matrix(XtX) + r"\, w = " + tex_matrix(Xty))
    if singular:
        st.error(
            f"Here the normal equations fail: XᵀX has rank {loss.rank} < {p}, so it is singular and "
            "this equation has infinitely many solutions (a flat valley of minima). " + problem.normal_error,
            icon=":material/block:",
        )

    _step("5. Solve for w")
    st.latex(r"w^\star = (X^\top X)^{-1} X^\top y")
    if singular:
        st.markdown(
            "**(XᵀX)⁻¹ does not exist here**, so this formula gives nothing. "
            "The pseudo-inverse below still picks one solution: the one of smallest norm."
        )
    elif written:
        st.latex(r"(X^\top X)^{-1} = " + tex_matrix(np.linalg.inv(XtX)))
        st.latex(r"w^\star = " + tex_matrix(w_star))
    if not written:
        st.latex(r"\|w^\star\| = " + tex_number(np.linalg.norm(w_star)))

    _step("6. The Moore–Penrose pseudo-inverse")
    st.markdown(
        "The notes call (XᵀX)⁻¹Xᵀ *the* pseudo-inverse. That holds **only when X has full column rank** "
        "(rank K, so XᵀX is invertible). In general the pseudo-inverse comes from the SVD X = UΣVᵀ, "
        "inverting only the nonzero singular values:"
    )
    st.latex(
        r"X^+ = V \Sigma^+ U^\top, \qquad \Sigma^+ = \mathrm{diag}(1/\sigma_i \text{ if } \sigma_i > 0"
        r"\text{, else } 0)"
    )
    st.latex(
        r"X^+ = (X^\top X)^{-1} X^\top \iff \operatorname{rank}(X) = K"
        r"\qquad\text{otherwise } X^\top X \text{ is singular}"
    )
    sigma = svd.singular_values
    st.latex(
        r"\operatorname{rank}(X) = "
        + str(rank)
        + r"\text{ of } K = "
        + str(p)
        + (r",\quad \sigma = " + tex_matrix(sigma).replace("bmatrix", "pmatrix") if written else "")
        + r",\quad \sigma_{\max} = "
        + tex_number(sigma[0])
        + r",\quad \sigma_{\min} = "
        + tex_number(sigma[-1])
    )
    if singular or rank < p:
        st.markdown(
            f"Rank {rank} < {p}: X sends a {p - rank}-dimensional subspace of weights to zero, "
            "so adding any such direction to a solution fits equally well. X⁺y is the solution of "
            "**minimum norm**:"
        )
        st.latex(r"w^+ = X^+ y, \qquad \|w^+\| = " + tex_number(np.linalg.norm(svd.coef)))
    else:
        gap = float(np.linalg.norm(w_star - svd.coef))
        st.markdown("Full column rank here, so both formulas give the same w*, to rounding:")
        st.latex(r"\|(X^\top X)^{-1} X^\top y - X^+ y\| = " + tex_number(gap, 2))

    _step("7. The column-space condition")
    st.markdown("A linear system has an exact solution only when its right-hand side is reachable:")
    st.latex(r"A x = b \text{ is solvable} \iff b \in \operatorname{col}(A)")
    r_norm = float(np.linalg.norm(r))
    exact = r_norm <= EXACT_FIT * max(float(np.linalg.norm(y)), 1e-300)
    if exact:
        st.markdown(
            "Here **y lies in col(X)**: Xw = y is solved exactly and the residual vanishes "
            + ("(N ≤ K: more unknowns than equations)." if n <= p else "(noise-free data).")
        )
    else:
        st.markdown(
            "Here y is **not** in col(X) (the noise pushes it out), so Xw = y has no solution. "
            "Least squares takes the closest reachable point ŷ = Xw*, and the residual r = y − ŷ "
            "stands perpendicular to every column of X:"
        )
    st.latex(
        r"\hat y = X w^\star \in \operatorname{col}(X), \qquad r = y - \hat y \perp \operatorname{col}(X)"
        r"\iff X^\top r = 0 \iff X^\top X w^\star = X^\top y"
    )
    st.latex(
        r"\|r\| = "
        + tex_number(r_norm)
        + r",\qquad \|X^\top r\| = "
        + tex_number(np.linalg.norm(Xtr), 2)
        + r"\quad (\text{against } \|X^\top y\| = "
        + tex_number(np.linalg.norm(Xty))
        + ")"
    )
    st.latex(r"\mathrm{RSS}(w^\star) = \|r\|^2 = " + tex_number(rss))

    _step("8. This app's loss: the mean, halved")
    st.markdown(
        "Everywhere in the app (and the optimizers) the loss is RSS scaled by 1/(2N): the same minimizer, "
        "a gradient that does not grow with N, and the Hessian XᵀX/N."
    )
    st.latex(
        r"L(w) = \frac{\mathrm{RSS}(w)}{2N}, \qquad \nabla L(w) = \frac{X^\top (Xw - y)}{N},"
        r"\qquad \nabla^2 L = \frac{X^\top X}{N}"
    )
    st.latex(
        r"L^\star = \frac{\mathrm{RSS}(w^\star)}{2N} = "
        + tex_number(rss / (2 * n))
        + r",\qquad \lambda_{\max}\!\left(\tfrac{X^\top X}{N}\right) = "
        + tex_number(loss.eigenvalues[0])
        + r",\qquad \text{GD is stable for } \eta < \frac{2}{\lambda_{\max}} = "
        + tex_number(problem.theory.critical_learning_rate)
    )

    _step("9. Stochastic gradient descent")
    st.markdown(
        "The loss is an average over examples, L = (1/N) Σᵢ Lᵢ with Lᵢ(w) = ½(xᵢᵀw − yᵢ)². "
        "SGD steps on one example at a time:"
    )
    st.latex(r"w_{t+1} = w_t - \eta\, \nabla L_i(w_t), \qquad \nabla L_i(w) = x_i\,(x_i^\top w - y_i)")
    st.markdown(
        "The bracket is a number, so **every step moves along the single data direction xᵢ**, "
        "whatever the dimension K: the notes' point about SGD in high dimensions. "
        "A minibatch B averages: ∇L_B = (1/|B|) Σ_{i∈B} ∇Lᵢ."
    )
    st.markdown(
        "The notes warn that SGD can get stuck in poor local minima. **Not here:** L is a convex "
        "quadratic (its Hessian XᵀX/N has no negative eigenvalue), so every minimum is global — one "
        "point, or a flat valley of equally good points when XᵀX is singular. What SGD does have is "
        "noise: with a constant η it hovers around w* instead of settling (see the Minibatches and "
        "Minima views for where several minima really appear)."
    )
    _sgd_example(result, problem, written)


def _sgd_example(result, problem, written: bool) -> None:
    """The first SGD step of this app's runs (shuffle seed = data seed), from the start point w₀."""
    X, y = problem.X, problem.y
    n = X.shape[0]
    seed = int(result.settings.data.seed)
    i = int(batch_indices(n, 1, 1, seed)[0][0])
    w0 = start_point(result.settings)
    x_i = X[i]
    resid = float(x_i @ w0 - y[i])
    g_i = resid * x_i
    g = problem.loss.gradient(w0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = float(g_i @ g / (np.linalg.norm(g_i) * np.linalg.norm(g)))
    angle = float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))) if np.isfinite(cos) else float("nan")
    st.markdown(
        f"With this data: the first SGD step (seed {seed}) from the start w₀ uses sample **i = {i}**:"
    )
    if written:
        st.latex(
            r"x_i = " + tex_matrix(x_i) + r",\quad w_0 = " + tex_matrix(w0) + r",\quad x_i^\top w_0 - y_i = "
            + tex_number(resid)
        )  # fmt: skip
        st.latex(
            r"\nabla L_i(w_0) = " + tex_number(resid) + r"\, x_i = " + tex_matrix(g_i)
            + r",\qquad \nabla L(w_0) = " + tex_matrix(g)
        )  # fmt: skip
    else:
        st.latex(
            r"x_i^\top w_0 - y_i = " + tex_number(resid) + r",\quad \|\nabla L_i(w_0)\| = "
            + tex_number(np.linalg.norm(g_i)) + r",\quad \|\nabla L(w_0)\| = " + tex_number(np.linalg.norm(g))
        )  # fmt: skip
    st.latex(r"\angle\big(\nabla L_i(w_0),\ \nabla L(w_0)\big) = " + tex_number(angle, 3) + r"^\circ")
    st.caption(
        "The single example's gradient is parallel to xᵢ; the full gradient averages all N of them. "
        "Step through an SGD run with batch size 1 on the Landscape view to see each step along its xᵢ."
    )
