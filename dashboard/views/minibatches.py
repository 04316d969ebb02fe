"""Minibatches: every batch has its own minimizer; they scatter around w* like 1/√B; SGD's noise ball."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import QuadraticLoss, effective_batch_size, steps_per_epoch
from core.landscape import loss_slice, slice_directions
from dashboard import compute_scaling as cs
from dashboard.figures.scaling import (
    build_batch_minimizers_figure,
    build_noise_ball_figure,
    build_noise_ball_scaling_figure,
    build_spread_figure,
    ellipse_through,
)
from dashboard.specs import Choice, Number
from dashboard.state import current

from .common import show_chart

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
    "SGD learning rate η / (2/λ_max)",
    RATE_FRACTIONS,
    0.05,
    "For the noise ball, as a fraction of 2/λ_max, where full-batch GD turns unstable.",
)
SEED = Number("mb_seed", "Seed", 0, 10_000, 0, 1, "Which random batches are drawn.", True, "number_input")


def _spread_sizes(n: int, p: int) -> tuple[int, ...]:
    """About ten log-spaced batch sizes with K < B ≤ N/2 and bounded work."""
    lo, hi = p + 1, min(n // 2, MAX_SPREAD_BATCH)
    while hi >= lo:
        sizes = np.unique(np.rint(np.geomspace(lo, hi, 10))).astype(int)
        if SPREAD_BATCHES * sizes.sum() * p * p <= SPREAD_WORK:
            return tuple(int(b) for b in sizes)
        hi = int(hi * 0.8)
    return ()


def _epochs(rate: float, batch: int | None, n: int, lam_min: float) -> int:
    """Epochs for ~10 relaxation times 1/(ηλ_min) of the ball, within MAX_STEPS steps."""
    per_epoch = steps_per_epoch(n, batch)
    wanted = 10.0 / max(rate * lam_min, 1e-12)
    most = max(1, MAX_STEPS // per_epoch)
    return int(np.clip(np.ceil(wanted / per_epoch), min(3, most), most))


def _ball_grid(loss, cloud, radius) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The full-data loss on the first two coordinates around w*, zoomed to the noise ball."""
    w = loss.minimizer
    reach = float(np.max(np.abs(cloud[:, :2] - w[:2]))) if len(cloud) else 0.0
    half = 1.3 * max(reach, radius or 0.0, 1e-9 * max(1.0, float(np.max(np.abs(w)))))
    a = np.linspace(-half, half, 61)
    e = np.eye(w.size)
    return w[0] + a, w[1] + a, loss.slice_grid(w, e[0], e[1], a, a)


def _controls(crit: float, n: int) -> tuple[int, int, float, int]:
    c1, c2, c3, c4 = st.columns([3, 2, 3, 1])
    b, count = BATCH.render(c1), COUNT.render(c2)
    frac = RATE.render(
        c3, help=f"For the noise ball: η = this fraction × 2/λ_max, and here 2/λ_max = {crit:.3g}."
    )
    seed = SEED.render(c4)
    return min(int(b), n), int(count), float(frac) * crit, int(seed)


def minibatches_page() -> None:
    result = current()
    problem = result.problem
    X, y, loss, w_star = problem.X, problem.y, problem.loss, problem.w_star
    n, p = X.shape
    key = cs.fingerprint(problem)
    st.markdown(
        "**Each minibatch has its own least-squares problem, and so its own minimizer** (orange dots). "
        "They scatter around the full-data w\\* (★), closer as the batch grows — like 1/√B. "
        "The full-data loss still has **one** minimum: a batch does not lead to a different local minimum "
        "of one landscape, it *is* a different (convex) landscape. Constant-rate SGD hops between them and "
        "fills a *noise ball* around w\\*."
    )
    crit = problem.theory.critical_learning_rate
    if not np.isfinite(crit):
        st.error("X is all zeros: there is nothing to descend.", icon=":material/error:")
        return
    batch, count, rate, seed = _controls(crit, n)
    names = problem.param_names
    left, right = st.columns(2)

    with left:
        if p < 2:
            st.info(
                "This picture needs two parameters; set K = 2 (or K = 1 with an intercept) in the sidebar. "
                "The charts beside and below work for any K.",
                icon=":material/info:",
            )
        else:
            try:
                bm = cs.batch_minimizers(key, batch, count, seed, X, y)
                batch_losses = (
                    [QuadraticLoss.from_data(X[i], y[i]) for i in bm.indices[:BATCH_CONTOURS]]
                    if p == 2
                    else []
                )
                rings = [ellipse_through(b, w_star) for b in batch_losses if b.rank == p]
                d1, d2, labels = slice_directions(loss, "coordinates", pair=(0, 1), names=names)
                slice_ = loss_slice(
                    loss, w_star, d1, d2, points=[bm.minimizers, *rings], anchors=[w_star], labels=labels
                )
            except ValueError as exc:
                st.error(f"These batches cannot be drawn: {exc}", icon=":material/error:")
            else:
                show_chart(
                    build_batch_minimizers_figure(
                        slice_, bm.minimizers, w_star, batch_losses=batch_losses, batch_size=batch
                    ),
                    key="mb_minimizers",
                    alt=f"Full-data loss contours with the minimizers of {count} random batches of "
                    f"size {batch} "
                    "scattered around the single full-data minimum w*",
                )
                if p == 2:
                    st.caption(
                        f"Dashed: the contour of {min(BATCH_CONTOURS, count)} batches' own loss "
                        f"through w\\*; "
                        "each is centred on that batch's minimizer, not on w\\*."
                    )
                else:
                    st.caption(
                        f"K = {p}: the full-data loss on the plane of {labels[0]} and {labels[1]} "
                        f"through w\\*; "
                        "the batch minimizers are shown by those two coordinates."
                    )
    with right:
        sizes = _spread_sizes(n, p)
        if len(sizes) < 3:
            st.info(
                f"The spread against B needs batch sizes between K + 1 = {p + 1} and N/2 = {n // 2}; "
                "use more samples.",
                icon=":material/info:",
            )
        else:
            try:
                spread = cs.minimizer_spread(key, sizes, SPREAD_BATCHES, seed, X, y)
            except ValueError as exc:
                st.error(f"The spread cannot be measured: {exc}", icon=":material/error:")
            else:
                show_chart(
                    build_spread_figure(spread, batch_size=batch),
                    key="mb_spread",
                    alt="Log-log plot of the distance of batch minimizers to w* against batch size, "
                    "falling like one over the square root of B, with the sandwich theory",
                )
                st.caption(
                    f"{SPREAD_BATCHES} batches per size. Filled dots: K ≪ B ≪ N, where 1/√B holds and c is "
                    "fitted; the sandwich law √(tr(A⁻¹SA⁻¹)/B · (N−B)/(N−1)) has nothing fitted and bends "
                    "to 0 as B → N (the batch becomes the whole data)."
                )

    st.markdown("#### Constant-rate SGD: the noise ball")
    if n > BALL_ROWS:
        # Whole epochs over 100,000 rows, for 15 runs, take seconds: measure on a subsample (iid rows),
        # and draw around that subsample's own minimizer, which is what its SGD hovers around.
        X, y = X[:BALL_ROWS], y[:BALL_ROWS]
        loss = QuadraticLoss.from_data(X, y)
        w_star, n = loss.minimizer, BALL_ROWS
        key = (*key, "first rows", BALL_ROWS)
        lam_min = float(loss.eigenvalues[loss.rank - 1])
        st.caption(
            f"With N = {problem.loss.n_samples:,}, the noise ball is measured on the first {BALL_ROWS:,} "
            "rows, so that its SGD runs stay live; w\\* in this section is theirs."
        )
    else:
        lam_min = float(problem.theory.lambda_min)
    sgd_batch = effective_batch_size(batch, n)
    epochs = _epochs(rate, sgd_batch, n, lam_min)
    ball_sizes = tuple(b for b in BALL_BATCHES if b <= max(1, n // 4))
    rates = tuple(f * crit for f in RATE_FRACTIONS)
    left, right = st.columns(2)
    try:
        by_rate = cs.noise_ball(key, rates, (batch,), _epochs(min(rates), sgd_batch, n, lam_min), seed, X, y)
        by_batch = cs.noise_ball(key, (rate,), ball_sizes, epochs, seed, X, y)
        cloud = cs.noise_ball_cloud(key, rate, sgd_batch, epochs, seed, X, y, loss)
    except ValueError as exc:
        st.error(f"The noise ball cannot be measured: {exc}", icon=":material/error:")
        return
    here = by_rate[np.isclose(by_rate["learning_rate"], rate)]
    with left:
        if p < 2:
            st.info("The cloud needs two parameters (see above).", icon=":material/info:")
        else:
            theory = measured = None
            if p == 2 and len(here) and not here["diverged"].iloc[0]:
                theory = float(here["theory_rms_radius"].iloc[0])
                measured = float(here["rms_radius"].iloc[0])
            x, yy, Z = _ball_grid(loss, cloud, theory)
            show_chart(
                build_noise_ball_figure(
                    x,
                    yy,
                    Z,
                    loss.min_value,
                    names[:2],
                    cloud[:, :2],
                    w_star[:2],
                    radius_theory=theory,
                    radius_measured=measured,
                    learning_rate=rate,
                    batch_size=batch,
                ),
                key="mb_ball",
                alt="SGD iterates scattered in a cloud around w* on the loss contours, with circles of the "
                "measured and theoretical noise-ball radius",
            )
            if p > 2:
                st.caption(f"K = {p}: the loss on the plane of {names[0]} and {names[1]} through w\\*.")
    with right:
        show_chart(
            build_noise_ball_scaling_figure(by_rate, by_batch),
            key="mb_ball_scaling",
            alt="Log-log plots of the noise-ball radius: growing with the learning rate, shrinking with "
            "the batch size, measured against exact theory",
        )
    diverged = int(by_rate["diverged"].sum() + by_batch["diverged"].sum())
    st.caption(
        f"Each run starts at w\\* (so only the noise moves it), runs {epochs} epochs and is "
        f"measured over its "
        "second half. The ball grows with η and shrinks with B: to settle on w\\*, SGD must decay η "
        "or grow B. "
        "The dashed theory is exact for batches drawn independently (with replacement); for small η its "
        "radius goes like √(η/B). run_optimizer reshuffles once per epoch, as SGD is usually run: an epoch's "
        "batches then add up to the full gradient and part of the noise cancels, so the measured ball is "
        "smaller whenever it takes more than an epoch to form (small η, large B)."
        + (f" {diverged} run(s) diverged at these settings and are not drawn." if diverged else "")
    )
