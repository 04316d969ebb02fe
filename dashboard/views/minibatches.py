"""Minibatches: every batch has its own minimizer; they scatter around w* like 1/√B; SGD's noise ball."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import QuadraticLoss, effective_batch_size, steps_per_epoch
from core.landscape import loss_slice, slice_directions
from dashboard import compute_scaling as cs
from dashboard.chart import Panel, render_chart
from dashboard.figures.scaling import (
    INDEPENDENT,
    RESHUFFLED,
    BallCloud,
    build_batch_minimizers_figure,
    build_noise_ball_figure,
    build_radius_figure,
    build_spread_figure,
    ellipse_through,
)
from dashboard.specs import Choice, Number
from dashboard.state import current

from .common import is_dark, projector_scaled

BATCH_CHOICES = (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)
RATE_FRACTIONS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # of 2/λ_max, the full-batch stability limit
BALL_BATCHES = (1, 2, 5, 10, 20, 50, 100)
BATCH_CONTOURS = 4  # batches whose own contour is drawn
SPREAD_BATCHES = 60  # batches per size in the spread experiment
SPREAD_WORK = 4e8  # cap on Σ batches × B·K² (the SVD flops) of the spread experiment: ≈ 0.5 s
MAX_SPREAD_BATCH = 2000
MAX_STEPS = 50_000  # SGD steps per noise-ball run
BALL_ROWS = 20_000  # rows the noise-ball runs use at most (whole epochs must stay short)

BATCH = Choice(
    "mb_batch",
    "Batch size B",
    BATCH_CHOICES,
    10,
    "Rows in each random minibatch (drawn without replacement).",
)
COUNT = Number(
    "mb_count", "Batches drawn", 5, 100, 30, 5, "How many random batches' minimizers to show.", integer=True
)
# The link holds the fraction of the limit, which does not depend on the data; the rate is in the help.
RATE = Choice(
    "mb_lr",
    "SGD rate η, as a fraction of $2/\\lambda_{\\max}$",
    RATE_FRACTIONS,
    0.05,
    "For the noise ball, as a fraction of $2/\\lambda_{\\max}$, where full-batch GD turns unstable.",
)
SEED = Number("mb_seed", "Seed", 0, 10_000, 0, 1, "Which random batches are drawn.", True, "number_input")

INTRO = (
    "**Each minibatch is a least-squares problem of its own, with its own minimizer** $\\hat w_B$ (orange "
    "dots). They scatter around the full-data $w^*$ (◆), closer as the batch grows, like $1/\\sqrt{B}$. The "
    "full-data loss still has **one** minimum: a batch does not lead to another local minimum of one "
    "landscape, it *is* another (convex) landscape. Constant-rate SGD hops between them and fills a "
    "*noise ball* around $w^*$."
)
SAMPLING = (
    "Two ways to draw the batches. **Independent batches**: every step draws B rows at random from all N, "
    "so a row may come again before another has been used once; the exact theory is for these. "
    "**Reshuffled each epoch**: every epoch goes through the rows in a fresh random order, each row exactly "
    "once; this is how the app's SGD runs (and most SGD code) draw them. Reshuffling usually gives a "
    "**smaller** ball: within one epoch every row's pull is used exactly once, so the batches' errors partly "
    "cancel, the more so the more epochs the ball takes to form (small η, large B)."
)


def _spread_sizes(n: int, p: int) -> tuple[int, ...]:
    """About ten log-spaced batch sizes with K < B ≤ N/2 and bounded work."""
    lo, hi = p + 1, min(n // 2, MAX_SPREAD_BATCH)
    while hi >= lo:
        sizes = np.unique(np.rint(np.geomspace(lo, hi, 10))).astype(int)
        if SPREAD_BATCHES * sizes.sum() * p * p <= SPREAD_WORK:
            return tuple(int(b) for b in sizes)
        hi = int(hi * 0.8)
    return ()


def relaxation_steps(rate: float, lam_min: float) -> float:
    """Steps for the slowest direction to forget its start: 1/(ηλ_min) (inf without curvature)."""
    return 1.0 / (rate * lam_min) if rate * lam_min > 0 else np.inf


def _epochs(rate: float, batch: int | None, n: int, lam_min: float) -> int:
    """Epochs for ~10 relaxation times of the ball, within MAX_STEPS steps."""
    per_epoch = steps_per_epoch(n, batch)
    wanted = 10.0 * relaxation_steps(max(rate, 1e-300), max(lam_min, 1e-12))
    most = max(1, MAX_STEPS // per_epoch)
    return int(np.clip(np.ceil(wanted / per_epoch), min(3, most), most))


def _ball_grid(loss, clouds, radius) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The full-data loss on the first two coordinates around w*, zoomed to the noise ball."""
    w = loss.minimizer
    reach = max((float(np.max(np.abs(c[:, :2] - w[:2]))) for c in clouds if len(c)), default=0.0)
    half = 1.3 * max(reach, radius or 0.0, 1e-9 * max(1.0, float(np.max(np.abs(w)))))
    a = np.linspace(-half, half, 61)
    e = np.eye(w.size)
    return w[0] + a, w[1] + a, loss.slice_grid(w, e[0], e[1], a, a)


def _controls(crit: float, n: int) -> tuple[int, int, float, int]:
    row = st.container(horizontal=True, gap="medium")
    b, count = BATCH.render(row), COUNT.render(row)
    frac = RATE.render(
        row,
        help="For the noise ball: η = this fraction × $2/\\lambda_{\\max}$, and here "
        f"$2/\\lambda_{{\\max}}$ = {crit:.3g}.",
    )
    seed = SEED.render(row)
    return min(int(b), n), int(count), float(frac) * crit, int(seed)


def _batch_panels(problem, key, batch: int, count: int, seed: int, dark: bool) -> tuple[list, list[str]]:
    """The batch-minimizer picture (K ≥ 2) and the spread against B: panels and their captions."""
    X, y, loss, w_star = problem.X, problem.y, problem.loss, problem.w_star
    n, p = X.shape
    panels, notes = [], []
    if p < 2:
        notes.append(
            "The picture of the batch minimizers needs two parameters: set K = 2 (or K = 1 with an "
            "intercept) in the sidebar. The other charts work for any K."
        )
    else:
        try:
            bm = cs.batch_minimizers(key, batch, count, seed, X, y)
            batch_losses = (
                [QuadraticLoss.from_data(X[i], y[i]) for i in bm.indices[:BATCH_CONTOURS]] if p == 2 else []
            )
            rings = [ellipse_through(b, w_star) for b in batch_losses if b.rank == p]
            d1, d2, labels = slice_directions(loss, "coordinates", pair=(0, 1), names=problem.param_names)
            slice_ = loss_slice(
                loss, w_star, d1, d2, points=[bm.minimizers, *rings], anchors=[w_star], labels=labels
            )
        except ValueError as exc:
            st.error(f"These batches cannot be drawn: {exc}", icon=":material/error:")
        else:
            fig = build_batch_minimizers_figure(
                slice_, bm.minimizers, w_star, batch_losses=batch_losses, batch_size=batch, dark=dark
            )
            alt = (
                f"Full-data loss contours with the minimizers of {count} random batches of size {batch} "
                "scattered around the single full-data minimum w*"
            )
            panels.append(Panel("mb_minimizers", projector_scaled(fig), alt))
            if p == 2:
                notes.append(
                    f"Dashed: the contour of {min(BATCH_CONTOURS, count)} batches' own loss through $w^*$; "
                    "each is centred on that batch's minimizer, not on $w^*$."
                )
            else:
                notes.append(
                    f"K = {p}: the full-data loss on the plane of {labels[0]} and {labels[1]} through $w^*$; "
                    "the batch minimizers are shown by those two coordinates."
                )
    sizes = _spread_sizes(n, p)
    if len(sizes) < 3:
        notes.append(
            f"The spread against B needs batch sizes between K + 1 = {p + 1} and N/2 = {n // 2}; "
            "use more samples."
        )
        return panels, notes
    try:
        spread = cs.minimizer_spread(key, sizes, SPREAD_BATCHES, seed, X, y)
    except ValueError as exc:
        st.error(f"The spread cannot be measured: {exc}", icon=":material/error:")
        return panels, notes
    fig = build_spread_figure(spread, batch_size=batch, dark=dark)
    alt = (
        "Log-log plot of the distance of batch minimizers to w* against batch size, falling like one over "
        "the square root of B, with the sandwich theory"
    )
    panels.append(Panel("mb_spread", projector_scaled(fig), alt))
    notes.append(
        f"{SPREAD_BATCHES} batches per size. Filled dots: $K \\ll B \\ll N$, where $1/\\sqrt{{B}}$ holds "
        "and $c$ is fitted to them. The sandwich law "
        "$\\sqrt{\\operatorname{tr}(A^{-1}SA^{-1})/B\\cdot(N-B)/(N-1)}$ has nothing fitted; it bends to 0 "
        "as $B \\to N$, where the batch becomes the whole data."
    )
    return panels, notes


def minibatches_page() -> None:
    result = current()
    problem = result.problem
    n = problem.X.shape[0]
    key = cs.fingerprint(problem)
    dark = is_dark()
    st.markdown(INTRO)
    crit = problem.theory.critical_learning_rate
    if not np.isfinite(crit):
        st.error("X is all zeros: there is nothing to descend.", icon=":material/error:")
        return
    batch, count, rate, seed = _controls(crit, n)
    panels, notes = _batch_panels(problem, key, batch, count, seed, dark)
    if panels:
        render_chart(panels, key="mb_batches")
    for note in notes:
        st.caption(note)
    _noise_ball_part(problem, key, batch, rate, seed, dark)


def _noise_ball_part(problem, key, batch: int, rate: float, seed: int, dark: bool) -> None:
    st.markdown("#### Constant-rate SGD: the noise ball")
    X, y, loss = problem.X, problem.y, problem.loss
    n, p = X.shape
    names = problem.param_names
    subsample = n > BALL_ROWS
    if subsample:
        # Whole epochs over 100,000 rows, for 15 runs, take seconds: measure on a subsample (iid rows),
        # and draw around that subsample's own minimizer, which is what its SGD hovers around.
        X, y = X[:BALL_ROWS], y[:BALL_ROWS]
        loss = QuadraticLoss.from_data(X, y)
        n = BALL_ROWS
        key = (*key, "first rows", BALL_ROWS)
        lam_min = float(loss.eigenvalues[loss.rank - 1])
    else:
        lam_min = float(problem.theory.lambda_min)
    w_star = loss.minimizer
    st.markdown(SAMPLING)
    crit = problem.theory.critical_learning_rate
    sgd_batch = effective_batch_size(batch, n)
    epochs = _epochs(rate, sgd_batch, n, lam_min)
    rate_epochs = _epochs(RATE_FRACTIONS[0] * crit, sgd_batch, n, lam_min)
    ball_sizes = tuple(b for b in BALL_BATCHES if b <= max(1, n // 4))
    rates = tuple(f * crit for f in RATE_FRACTIONS)
    b = min(batch, n)
    try:
        by_rate = cs.noise_ball(key, rates, (b,), rate_epochs, seed, X, y)
        by_batch = cs.noise_ball(key, (rate,), ball_sizes, epochs, seed, X, y)
        ind_rate = cs.noise_ball_independent(key, rates, (b,), rate_epochs, seed, X, y, loss)
        ind_batch = cs.noise_ball_independent(key, (rate,), ball_sizes, epochs, seed, X, y, loss)
        cloud = cs.noise_ball_cloud(key, rate, sgd_batch, epochs, seed, X, y, loss)
        cloud_ind = cs.noise_ball_cloud_independent(key, rate, b, epochs, seed, X, y, loss)
    except ValueError as exc:
        st.error(f"The noise ball cannot be measured: {exc}", icon=":material/error:")
        return
    here = by_rate[np.isclose(by_rate["learning_rate"], rate)].iloc[0]
    here_ind = ind_rate[np.isclose(ind_rate["learning_rate"], rate)].iloc[0]
    panels = []
    if p >= 2:
        rings = p == 2  # the RMS is over all K coordinates: a ring around the 2D picture only for K = 2
        theory = float(here["theory_rms_radius"]) if rings and not here["diverged"] else None
        clouds = [
            BallCloud(INDEPENDENT, cloud_ind[:, :2], float(here_ind["rms_radius"]) if rings else None),
            BallCloud(RESHUFFLED, cloud[:, :2], float(here["rms_radius"]) if rings else None),
        ]
        x, yy, Z = _ball_grid(loss, [cloud, cloud_ind], theory)
        fig = build_noise_ball_figure(
            x, yy, Z, loss.min_value, names[:2], clouds, w_star[:2],
            radius_theory=theory, learning_rate=rate, batch_size=b, dark=dark,
        )  # fmt: skip
        alt = (
            "SGD iterates scattered in two clouds around w* on the loss contours, for independent and for "
            "reshuffled batches, with rings of their measured radius and of the exact theory"
        )
        panels.append(Panel("mb_ball", projector_scaled(fig), alt))
    for against, frames, alt in (
        ("learning_rate", (by_rate, ind_rate), "Log-log plot of the noise-ball radius growing with η"),
        ("batch_size", (by_batch, ind_batch), "Log-log plot of the noise-ball radius shrinking with B"),
    ):
        fig = build_radius_figure(*frames, against=against, dark=dark)
        panels.append(Panel(f"mb_radius_{against}", projector_scaled(fig), alt))
    render_chart(panels, key="mb_ball")
    st.markdown(ball_sentence(here, here_ind, rate, b, n, lam_min))
    diverged = int(by_rate["diverged"].sum() + by_batch["diverged"].sum())
    diverged += int(ind_rate["diverged"].sum() + ind_batch["diverged"].sum())
    notes = [
        f"Each run starts at $w^*$ (so only the noise moves it), runs {epochs} epochs of the data "
        "(as many steps for both ways of drawing) and is measured over its second half. "
        "To settle on $w^*$, SGD must decay η or grow B."
    ]
    if p < 2:
        notes.append(
            "The picture of the cloud needs two parameters; the charts of its radius work for any K."
        )
    elif p > 2:
        notes.append(
            f"K = {p}: the clouds are drawn on the plane of {names[0]} and {names[1]} through $w^*$; their "
            "radius (over all K coordinates) is in the charts beside."
        )
    if subsample:
        notes.append(
            f"With N = {problem.loss.n_samples:,}, the noise ball is measured on the first {BALL_ROWS:,} "
            "rows, so that its SGD runs stay live; $w^*$ in this section is theirs."
        )
    if diverged:
        notes.append(f"{diverged} run(s) diverged at these settings and are not drawn.")
    st.caption(" ".join(notes))


def ball_sentence(reshuffled, independent, rate: float, batch: int, n: int, lam_min: float) -> str:
    """What the measured radii say at this η and B, with the reason in this data's numbers."""
    head = f"**At η = {rate:.3g} and B = {batch}:** "
    if reshuffled["diverged"] or independent["diverged"]:
        return head + "SGD diverges at this rate; pick a smaller fraction of $2/\\lambda_{\\max}$."
    theory = float(reshuffled["theory_rms_radius"])
    ind, resh = float(independent["rms_radius"]), float(reshuffled["rms_radius"])
    text = head + f"independent batches give a ball of RMS radius {ind:.3g}"
    if np.isfinite(theory):
        text += f" (exact theory {theory:.3g})"
    if ind > 0 and resh > 0:
        text += f"; reshuffled each epoch, {resh:.3g}, which is {resh / ind:.0%} of it."
    else:
        text += f"; reshuffled each epoch, {resh:.3g}."
    relax, per_epoch = relaxation_steps(rate, lam_min), steps_per_epoch(n, batch if batch < n else None)
    if np.isfinite(relax):
        epochs = relax / per_epoch
        text += (
            f" The ball takes about $1/(\\eta\\lambda_{{\\min}})$ ≈ {relax:,.0f} steps to form, "
            f"{epochs:,.{1 if epochs < 10 else 0}f} epochs of {per_epoch:,} steps: the more epochs, the "
            "more the reshuffled errors cancel."
        )
    return text
