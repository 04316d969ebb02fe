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

from .conditioning import singular_message
from .tex import tex_matrix, tex_number

MAX_WRITTEN_OUT = 3  # parameters up to which XᵀX, Xᵀy and the vectors are written out
INVERSE_DIGITS = 3  # a 3×3 inverse at four digits is wider than a 1024-px projector
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
    n, p = problem.X.shape
    written = p <= MAX_WRITTEN_OUT
    ones = f" (the first a column of ones for the intercept {problem.param_names[0]})"
    large = f" With {p} parameters the matrices are too large to write out; the scalars are shown."
    st.markdown(
        "The derivation from the lecture notes, one step at a time, with **this data's numbers** "
        f"plugged in: X has N = {n} rows and K = {p} columns{ones if problem.intercept else ''}."
        + ("" if written else large)
    )
    _normal_equation_steps(problem, written)
    svd = _svd_solution(problem)
    _pseudo_inverse_step(problem, svd, written)
    rss = _column_space_step(problem, result.settings.data)
    _app_loss_step(problem, rss)
    _sgd_step()
    _sgd_example(result, problem, written)


def _normal_equation_steps(problem, written: bool) -> None:
    """Steps 1–5: RSS, its expansion, the gradient, the normal equation, its solution."""
    n, p = problem.X.shape
    loss = problem.loss
    XtX, Xty, yty = loss.A * n, loss.b * n, loss.c * n  # from the one Gram pass core made

    _step("1. The residual sum of squares")
    st.markdown("How badly $w$ fits: the squared misfit of every example, summed.")
    st.latex(r"\mathrm{RSS}(w) = \sum_{i=1}^{N} (y_i - x_i^\top w)^2 = (y - Xw)^\top (y - Xw)")

    _step("2. Expand it")
    st.markdown("Multiplying out gives a quadratic in $w$, a bowl:")
    st.latex(r"\mathrm{RSS}(w) = y^\top y - 2\, y^\top X w + w^\top X^\top X\, w")
    if written:
        st.markdown("Here the three ingredients are:")
        st.latex(r"X^\top X = " + tex_matrix(XtX))
        st.latex(r"X^\top y = " + tex_matrix(Xty))
    st.latex(r"y^\top y = " + tex_number(yty))

    _step("3. Take the gradient and set it to zero")
    st.markdown("At a minimum of a smooth bowl the slope vanishes in every direction:")
    st.latex(r"\nabla_w \mathrm{RSS}(w) = -2 X^\top y + 2 X^\top X w = 0")

    _step("4. The normal equation")
    st.latex(r"X^\top X\, w = X^\top y")
    if written:
        st.latex(tex_matrix(XtX) + r"\, w = " + tex_matrix(Xty))
    message = singular_message(problem)
    if message:
        st.error(message, icon=":material/block:")

    _step("5. Solve for w")
    st.latex(r"w^\star = (X^\top X)^{-1} X^\top y")
    if message and problem.solution.rank < p:
        st.markdown(
            r"**$(X^\top X)^{-1}$ does not exist here**, so this formula gives nothing. "
            "The pseudo-inverse below still picks one solution: the one of smallest norm."
        )
    elif message:
        st.markdown(
            r"**$(X^\top X)^{-1}$ exists, but not in double precision:** computed, it would be rounding "
            r"noise. The pseudo-inverse below, from the SVD of $X$ itself, still finds the unique solution."
        )
    elif written:
        inverse = tex_matrix(np.linalg.inv(XtX), INVERSE_DIGITS)
        if p >= 3:  # the label above the matrix: side by side they are wider than a projector
            st.latex(r"\begin{gathered}(X^\top X)^{-1} = \\ " + inverse + r"\end{gathered}")
        else:
            st.latex(r"(X^\top X)^{-1} = " + inverse)
        st.latex(r"w^\star = " + tex_matrix(problem.w_star))
    if not written:
        st.latex(r"\|w^\star\| = " + tex_number(np.linalg.norm(problem.w_star)))


def _pseudo_inverse_step(problem, svd, written: bool) -> None:
    """Step 6: the pseudo-inverse from the SVD; equal to (XᵀX)⁻¹Xᵀ only at full column rank."""
    p = problem.X.shape[1]
    rank = svd.rank
    _step("6. The Moore–Penrose pseudo-inverse")
    st.markdown(
        r"The notes call $(X^\top X)^{-1} X^\top$ *the* pseudo-inverse. That holds **only when $X$ has full "
        r"column rank** (rank $K$, so $X^\top X$ is invertible); otherwise $X^\top X$ is singular. In "
        r"general the pseudo-inverse comes from the SVD $X = U \Sigma V^\top$, inverting only the nonzero "
        "singular values:"
    )
    st.latex(r"X^+ = V \Sigma^+ U^\top")
    st.latex(r"\Sigma^+ = \mathrm{diag}(1/\sigma_i \text{ if } \sigma_i > 0 \text{, else } 0)")
    st.latex(r"X^+ = (X^\top X)^{-1} X^\top \iff \operatorname{rank}(X) = K")
    sigma = svd.singular_values
    st.latex(r"\operatorname{rank}(X) = " + str(rank) + r"\text{ of } K = " + str(p))
    if written:
        st.latex(r"\sigma = " + tex_matrix(sigma).replace("bmatrix", "pmatrix"))
    st.latex(r"\sigma_{\max} = " + tex_number(sigma[0]) + r",\quad \sigma_{\min} = " + tex_number(sigma[-1]))
    if rank < p:
        st.markdown(
            f"Rank {rank} < {p}: $X$ sends a {p - rank}-dimensional subspace of weights to zero, "
            r"so adding any such direction to a solution fits equally well. $X^+ y$ is the solution of "
            "**minimum norm**:"
        )
        st.latex(r"w^+ = X^+ y, \qquad \|w^+\| = " + tex_number(np.linalg.norm(svd.coef)))
    elif problem.normal_error:
        st.markdown(
            r"Full column rank, so $X^+ y$ is the unique minimizer, the one the normal equations could not "
            "compute in double precision:"
        )
        st.latex(r"w^\star = X^+ y, \qquad \|w^\star\| = " + tex_number(np.linalg.norm(svd.coef)))
    else:
        gap = float(np.linalg.norm(problem.w_star - svd.coef))
        st.markdown(r"Full column rank here, so both formulas give the same $w^\star$, to rounding:")
        st.latex(r"\|(X^\top X)^{-1} X^\top y - X^+ y\| = " + tex_number(gap, 2))


def _column_space_step(problem, data) -> float:
    """Step 7: y ∈ col(X) or not; the residual is orthogonal to the columns. Returns RSS(w*)."""
    X, y = problem.X, problem.y
    n, p = X.shape
    r = y - X @ problem.w_star  # (N,) residual at w*
    r_norm = float(np.linalg.norm(r))
    _step("7. The column-space condition")
    st.markdown("A linear system has an exact solution only when its right-hand side is reachable:")
    st.latex(r"A x = b \text{ is solvable} \iff b \in \operatorname{col}(A)")
    if r_norm <= EXACT_FIT * max(float(np.linalg.norm(y)), 1e-300):
        why = " (N ≤ K: at least as many unknowns as equations)" if n <= p else ""
        if not why and data.synthetic and data.noise == 0:
            why = " (noise-free data)"
        st.markdown(
            r"Here **$y$ lies in $\operatorname{col}(X)$**: $Xw = y$ is solved exactly and the residual "
            f"vanishes{why}."
        )
    else:
        what = "the noise pushes it out" if data.synthetic else "what a linear model in these columns misses"
        st.markdown(
            rf"Here $y$ is **not** in $\operatorname{{col}}(X)$ ({what}), so $Xw = y$ has no solution. "
            r"Least squares takes the closest reachable point $\hat y = X w^\star$, and the residual "
            r"$r = y - \hat y$ stands perpendicular to every column of $X$:"
        )
    st.latex(r"\hat y = X w^\star \in \operatorname{col}(X), \qquad r = y - \hat y")
    st.latex(r"r \perp \operatorname{col}(X) \iff X^\top r = 0 \iff X^\top X w^\star = X^\top y")
    st.latex(r"\|r\| = " + tex_number(r_norm))
    st.latex(r"\|X^\top r\| = " + tex_number(np.linalg.norm(X.T @ r), 2))
    st.latex(r"\text{for scale: } \|X^\top y\| = " + tex_number(np.linalg.norm(problem.loss.b * n)))
    rss = float(r @ r)  # from the residual itself: no cancellation when the fit is exact
    st.latex(r"\mathrm{RSS}(w^\star) = \|r\|^2 = " + tex_number(rss))
    return rss


def _app_loss_step(problem, rss: float) -> None:
    """Step 8: the app's loss RSS/(2N), its gradient and Hessian, L*, λ_max and the stability limit."""
    n = problem.X.shape[0]
    _step("8. This app's loss: the mean, halved")
    st.markdown(
        r"Everywhere in the app (and the optimizers) the loss is RSS scaled by $1/(2N)$: the same minimizer, "
        r"a gradient that does not grow with $N$, and the Hessian $X^\top X/N$."
    )
    st.latex(r"L(w) = \frac{\mathrm{RSS}(w)}{2N}, \qquad \nabla L(w) = \frac{X^\top (Xw - y)}{N}")
    st.latex(r"\nabla^2 L = \frac{X^\top X}{N}")
    st.latex(r"L^\star = \frac{\mathrm{RSS}(w^\star)}{2N} = " + tex_number(rss / (2 * n)))
    st.latex(r"\lambda_{\max}\!\left(\tfrac{X^\top X}{N}\right) = " + tex_number(problem.loss.eigenvalues[0]))
    st.latex(
        r"\text{GD is stable for } \eta < \frac{2}{\lambda_{\max}} = "
        + tex_number(problem.theory.critical_learning_rate)
    )


def _sgd_step() -> None:
    """Step 9: SGD's update moves along one data direction; the loss is convex (no bad local minima)."""
    _step("9. Stochastic gradient descent")
    st.markdown(
        r"The loss is an average over examples, $L = \frac{1}{N} \sum_i L_i$ with "
        r"$L_i(w) = \frac{1}{2}(x_i^\top w - y_i)^2$. SGD steps on one example at a time:"
    )
    st.latex(r"w_{t+1} = w_t - \eta\, \nabla L_i(w_t)")
    st.latex(r"\nabla L_i(w) = x_i\,(x_i^\top w - y_i)")
    st.markdown(
        r"The bracket is a number, so **every step moves along the single data direction $x_i$**, "
        r"whatever the dimension $K$: the notes' point about SGD in high dimensions. A minibatch $B$ "
        r"averages: $\nabla L_B = \frac{1}{|B|} \sum_{i \in B} \nabla L_i$."
    )
    st.markdown(
        r"The notes warn that SGD can get stuck in poor local minima. **Not here:** $L$ is a convex "
        r"quadratic (its Hessian $X^\top X/N$ has no negative eigenvalue), so every minimum is global: one "
        r"point, or a flat valley of equally good points when $X^\top X$ is singular. What SGD does have is "
        r"noise: with a constant $\eta$ it hovers around $w^\star$ instead of settling (the Minibatches view "
        "shows that noise, the Minima view a model that really has several minima)."
    )


def _sgd_example(result, problem, written: bool) -> None:
    """The first step of a batch-1 SGD run of this app (shuffle seed = data seed), from the start point w₀."""
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
        f"With this data: a batch-size-1 SGD run (its shuffle seed is the data's, {seed}) takes its first "
        rf"step from the start $w_0$ on sample **$i = {i}$**:"
    )
    if written:
        st.latex(r"x_i = " + tex_matrix(x_i) + r",\quad w_0 = " + tex_matrix(w0))
        st.latex(r"x_i^\top w_0 - y_i = " + tex_number(resid))
        st.latex(r"\nabla L_i(w_0) = " + tex_number(resid) + r"\, x_i = " + tex_matrix(g_i))
        st.latex(r"\nabla L(w_0) = " + tex_matrix(g))
    else:
        st.latex(r"x_i^\top w_0 - y_i = " + tex_number(resid))
        st.latex(
            r"\|\nabla L_i(w_0)\| = " + tex_number(np.linalg.norm(g_i))
            + r",\quad \|\nabla L(w_0)\| = " + tex_number(np.linalg.norm(g))
        )  # fmt: skip
    st.latex(r"\angle\big(\nabla L_i(w_0),\ \nabla L(w_0)\big) = " + tex_number(angle, 3) + r"^\circ")
    st.caption(
        r"The single example's gradient is parallel to $x_i$; the full gradient averages all $N$ of them. "
        r"Step through an SGD run with batch size 1 on the Landscape view to see each step along its $x_i$."
    )
