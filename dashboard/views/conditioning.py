"""What each κ on screen is, and why the normal equations were refused: sentences for students.

Three condition numbers meet in the app, and a room mixes them up unless each is named: the
sidebar's κ slider (the features' covariance Σ the data are drawn from), κ(X) = σ_max/σ_min of
this sample's design matrix, and κ(XᵀX) = κ(X)², the Hessian's, which sets GD's rates.
Every sentence here is built from the problem on screen, so it stays true for it.
"""

from __future__ import annotations

import numpy as np

from .tex import tex_number

# κ(XᵀX) at or above this is singular to double precision (1/ε): the normal equations lose every digit.
DOUBLE_DIGITS = 1.0 / np.finfo(float).eps


def singular_message(problem) -> str | None:
    """Why the normal equations were refused, in words (markdown with LaTeX); None if they were solved.

    Two different failures: X itself is rank deficient (infinitely many minimizers, the
    pseudo-inverse picks the smallest), or X has full rank but κ(XᵀX) = κ(X)² is beyond
    double precision (one minimizer, which the SVD still finds).
    """
    if problem.normal_error is None:
        return None
    n, p = problem.X.shape
    sol = problem.solution  # the SVD's: its rank and κ are X's own
    if sol.rank < p:
        why = (
            f"there are fewer samples than parameters ($N = {n} < {p}$)"
            if n < p
            else "some columns of $X$ are linear combinations of others (collinear)"
        )
        return (
            rf"The normal equations $X^\top X\,w = X^\top y$ have no unique solution: {why}, so $X$ has "
            rf"rank {sol.rank} < {p} and $X^\top X$ is singular. Infinitely many $w$ fit equally well "
            "(a flat valley of minima). Shown instead: the **pseudo-inverse** solution "
            r"$w^\star = X^+ y$, the one of smallest norm."
        )
    kappa = tex_number(sol.condition_number, 3)
    gram = tex_number(sol.condition_number**2, 3)
    return (
        r"The normal equations $X^\top X\,w = X^\top y$ have no unique solution in double precision: "
        rf"$\kappa(X^\top X) = \kappa(X)^2 = {gram}$ is beyond $1/\varepsilon \approx "
        rf"{tex_number(DOUBLE_DIGITS, 2)}$, so $X^\top X$ is singular to rounding. $X$ itself has full "
        rf"rank {p} ($\kappa(X) = {kappa}$): shown instead is the SVD's solution $w^\star = X^+ y$, "
        "the unique minimizer. Standardizing the columns would shrink κ(X)."
    )


def kappa_note(problem, data) -> str:
    """Which κ is which: κ(X), κ(XᵀX) = κ(X)², and what the sidebar's κ slider set.

    ``data`` is the DataSettings the problem was made from.
    """
    sol = problem.solution
    gram = tex_number(sol.condition_number**2, 3)
    text = (
        r"$\kappa(X) = \sigma_{\max}/\sigma_{\min}$ is the condition number of this data's $X$; "
        r"$\kappa(X^\top X) = \kappa(X)^2$ is that of the normal equations' matrix, which is also the "
        r"Hessian $X^\top X/N$ of the loss: how elongated its valley is, and what slows gradient descent."
    )
    if not data.synthetic:
        return text
    if sol.rank < problem.X.shape[1]:
        return text + r" Here $X$ is rank deficient: both are $\infty$, whatever the sidebar's κ slider says."
    if data.n_features == 1:
        if not problem.intercept:
            return text + r" With a single feature nothing is ill-conditioned: $\kappa(X) = 1$."
        return text + (
            " With a single feature the sidebar's κ slider has no effect (one feature's covariance has "
            rf"condition number 1); this sample's $\kappa(X^\top X) = {gram}$, from the feature against "
            "the intercept's column of ones, approaches 1 as $N$ grows."
        )
    return text + (
        f" The sidebar's κ slider ({data.condition_number:g}) is the condition number of the covariance the "
        rf"features were drawn from; this sample's $\kappa(X^\top X) = {gram}$ approaches it as $N$ grows."
    )


def valley_note(problem, w0) -> str | None:
    """When X is rank deficient: why a run can end at the minimum loss and still far from w* (else None).

    Every update of gradient descent, momentum and SGD is a combination of rows xᵢ of X, so
    the part of w₀ in the null space of X is never moved; w* (the minimum-norm solution)
    has none, so such a run ends at least that far from it.
    """
    p = problem.X.shape[1]
    if problem.solution.rank >= p:
        return None
    theory = problem.theory
    null = theory.eigenvectors[:, theory.rank :]  # (P, P − r): the valley floor's directions
    stuck = float(np.linalg.norm(null.T @ np.asarray(w0, dtype=float)))
    text = (
        r"$X$ is rank deficient, so every point of the valley floor $w^\star + \operatorname{null}(X)$ "
        r"has the same minimum loss $L^\star$. Gradient descent, momentum and SGD step only along rows "
        r"$x_i$ of $X$ and never change the part of $w_0$ along that floor"
    )
    if stuck <= 1e-12 * max(1.0, float(np.linalg.norm(w0))):
        return text + r": this start has none, so they head for $w^\star$ itself."
    return text + (
        rf": here $\|P_{{\operatorname{{null}}}}\, w_0\| = {tex_number(stuck, 3)}$, so they end at least "
        r"that far from $w^\star$ (the minimum-norm solution) at the same loss. Adam, RMSProp and AdaGrad "
        "rescale each coordinate and can move along the floor."
    )
