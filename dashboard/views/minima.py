"""Minima told truthfully: least squares is one bowl (or a flat valley); a tanh unit has two minima."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import QuadraticLoss, effective_batch_size, minimum_set, steps_per_epoch
from core.landscape import loss_slice
from dashboard import compute_scaling as cs
from dashboard.chart import Panel, render_chart
from dashboard.figures.minima import (
    build_agreement_figure,
    build_tanh_landscape_figure,
    build_tanh_surface_figure,
    build_truth_distance_figure,
    build_valley_contour_figure,
    build_valley_surface_figure,
)
from dashboard.specs import Choice, Flag, Number
from dashboard.state import current

from .common import is_dark, projector_scaled

N_CHOICES = (3, 5, 10, 20, 50, 100, 300, 1000)
BATCH_CHOICES = ("full", 1, 5, 10)
AGREEMENT_SIZES = (5, 10, 20, 50, 100, 300, 1000)
AGREEMENT_SEEDS = 12
LEARNING_RATE = 0.3  # core's default for the tanh unit: stable for x ~ N(0, 1)
GD_EPOCHS = 600
SGD_STEPS = 3000  # total steps of an SGD run (epochs adapt to N / B)
DRAWN_POINTS = 150  # recorded points per path

COLLINEAR = Flag(
    "min_collinear",
    "Make the two columns collinear (the second = −the first)",
    False,
    "Two collinear columns make XᵀX singular: the bowl becomes a valley. (So does N < K.)",
)
SAMPLES = Choice("min_n", "Samples N", N_CHOICES, 50, "Data points (x, y) the tanh unit is fitted to.")
SEED = Number("min_seed", "Seed", 0, 10_000, 0, 1, "Which data and which starts.", True, "number_input")
STARTS = Number("min_starts", "Starts", 2, 16, 8, 1, "Random starting points of descent.", integer=True)
BATCH = Choice("min_batch", "Batch size", BATCH_CHOICES, "full", "full: gradient descent; else SGD.")

RIGHT_AND_WRONG = "\n".join(
    " | ".join(cells)
    for cells in (
        ("| the notes say", "for least squares", "for the tanh unit (non-convex) |"),
        ("| ---", "---", "--- |"),
        (
            '| SGD "can get stuck in poor local minima"',
            "**wrong**: the loss is convex, there are none; one minimum, or a valley where every point is "
            "equally good",
            "**possible**: different starts end in different minima (here A and B, mirror images that "
            "predict the *same* function) |",
        ),
        (
            '| "each batch may guide SGD toward a different local minimum"',
            "**half right**: each batch has its own minimizer, but of its *own* loss; SGD hovers in a noise "
            "ball around the one full-data minimum",
            "runs on different samples do end in different places |",
        ),
        (
            '| "with more data these minima average out"',
            "what averages out is **noise**: the fitted w\\* moves toward the truth like 1/√N",
            "**right in spirit**: with more data runs agree and land nearer the truth (like 1/√N); with very "
            "little data there may be no finite minimum at all |",
        ),
    )
)


def _least_squares_part(problem) -> None:
    st.markdown("#### Least squares: one bowl, or a flat valley — never a poor local minimum")
    p = problem.w_star.size
    if p < 2:
        st.info(
            "This picture needs two parameters: set K = 2 (or K = 1 with an intercept) in the sidebar.",
            icon=":material/info:",
        )
        return
    collinear = COLLINEAR.render()
    X2 = np.array(problem.X[:, :2], dtype=float)
    if collinear:
        X2[:, 1] = -X2[:, 0]  # the same measurement, sign flipped: XᵀX has rank 1
    try:
        loss = QuadraticLoss.from_data(X2, problem.y)
        mset = minimum_set(loss)
        w = mset.minimizer
        half = max(1.5, 1.3 * float(np.max(np.abs(w))))
        slice_ = loss_slice(
            loss,
            w,
            [1.0, 0.0],
            [0.0, 1.0],
            anchors=[w, np.zeros(2)],
            labels=problem.param_names[:2],
            min_half_width=half,
        )
    except ValueError as exc:
        st.error(f"This loss cannot be drawn: {exc}", icon=":material/error:")
        return
    dark = is_dark()
    render_chart(
        [
            Panel(
                "min_surface",
                projector_scaled(build_valley_surface_figure(slice_, mset, dark=dark)),
                "3D surface of the least-squares loss over two weights: a single bowl, or a flat valley when "
                "the features are collinear",
            ),
            Panel(
                "min_contour",
                projector_scaled(build_valley_contour_figure(slice_, mset, dark=dark)),
                "Contours of the least-squares loss with its minimizer; for collinear features the line of "
                "minima and the minimum-norm point on it",
            ),
        ],
        key="min_bowl",
    )
    text = f"Here: **{mset.description}**."
    if mset.dimension:
        text += (
            " Every point of the valley line fits the data equally well (same $L^*$); gradient descent from "
            "0 and the pseudo-inverse both pick its point nearest the origin (◆, where the dotted line meets "
            "the valley at a right angle)."
        )
    if p > 2:
        text += f" The problem in the sidebar has {p} parameters; this is the fit on its first two columns."
    if problem.loss.rank < problem.loss.n_features:
        text += (
            f" The sidebar's problem itself is singular (rank {problem.loss.rank} < "
            f"{problem.loss.n_features}): "
            "its minima form a flat valley too."
        )
    else:
        text += (
            " To get a valley without the toggle: fewer samples than parameters (N < K), or "
            "collinear features."
        )
    st.markdown(text)


def _tanh_controls() -> tuple[int, int, int, int | None]:
    row = st.container(horizontal=True, gap="medium")
    n, seed, starts, batch = SAMPLES.render(row), SEED.render(row), STARTS.render(row), BATCH.render(row)
    return int(n), int(seed), int(starts), (None if batch == "full" else int(batch))


def _schedule(n: int, batch: int | None) -> tuple[int, int]:
    """Epochs and record stride: GD runs GD_EPOCHS steps, SGD about SGD_STEPS steps."""
    if batch is None:
        total, epochs = GD_EPOCHS, GD_EPOCHS
    else:
        per_epoch = steps_per_epoch(n, batch)
        epochs = max(1, SGD_STEPS // per_epoch)
        total = epochs * per_epoch
    return epochs, max(1, total // DRAWN_POINTS)


def _tanh_part() -> None:
    st.markdown("#### A non-convex contrast: one tanh unit, y = w₂·tanh(w₁·x) + noise")
    st.markdown(
        "The smallest neural network: two weights, so its loss is a surface we can draw. It has **two** "
        "minima, A and its mirror image B = −A (tanh is odd, so both give the same function), and a saddle "
        "between them at 0. Which one a run ends in depends on where it starts."
    )
    n, seed, n_starts, batch = _tanh_controls()
    epochs, stride = _schedule(n, batch)
    batch = effective_batch_size(batch, n)
    try:
        ex = cs.tanh_experiment(n, seed, n_starts, batch, LEARNING_RATE, epochs, stride)
    except ValueError as exc:
        st.error(f"The tanh experiment cannot run: {exc}", icon=":material/error:")
        return
    dark = is_dark()
    surface = build_tanh_surface_figure(
        ex["w1"], ex["w2"], ex["Z"], ex["minima"], saddle_loss=ex["saddle_loss"], dark=dark
    )
    paths = build_tanh_landscape_figure(
        ex["w1"], ex["w2"], ex["Z"], ex["minima"], ex["paths"], ex["labels"],
        true_weights=ex["true_weights"], dark=dark,
    )  # fmt: skip
    render_chart(
        [
            Panel(
                "min_tanh_surface",
                projector_scaled(surface),
                "3D loss surface of the tanh unit over its two weights with two mirror-image minima and a "
                "saddle between them",
            ),
            Panel(
                "min_tanh_paths",
                projector_scaled(paths),
                "Contours of the tanh unit's loss with descent paths from several starts, coloured by the "
                "minimum each reached",
            ),
        ],
        key="min_tanh",
    )
    labels, minima = ex["labels"], ex["minima"]
    found = int((minima["kind"] == "minimum").sum())
    ran_off = int(np.sum(labels < 0))
    method = "gradient descent" if batch is None else f"SGD with batches of {batch}"
    text = f"{n_starts} runs of {method} (η = {LEARNING_RATE}), each polished to a stationary point: "
    text += f"{found} distinct minim{'um' if found == 1 else 'a'} found"
    text += f", {ran_off} run(s) found no finite minimum." if ran_off else "."
    if found == 0:
        text += (
            " With this little data a step function (w₁ → ∞) fits better than any finite weights: the runs "
            "drift outwards for ever. More samples remove this."
        )
    st.markdown(text)
    try:
        agree = cs.agreement(AGREEMENT_SIZES, AGREEMENT_SEEDS, seed)
    except ValueError as exc:
        st.error(f"The agreement experiment cannot run: {exc}", icon=":material/error:")
        return
    render_chart(
        [
            Panel(
                "min_agreement",
                projector_scaled(build_agreement_figure(agree, dark=dark)),
                "Fraction of pairs of runs that agree and of runs that reach a finite minimum, against the "
                "number of samples",
            ),
            Panel(
                "min_truth",
                projector_scaled(build_truth_distance_figure(agree, dark=dark)),
                "Distance of the minimum found to the true weights against the number of samples",
            ),
        ],
        key="min_more_data",
    )
    st.caption(
        f"For each N: {AGREEMENT_SEEDS} fresh datasets (think: {AGREEMENT_SEEDS} different samples "
        f"of size N), one "
        "gradient-descent run each from the same start; end points are mirrored into w₁ > 0 (A and "
        "B are the same "
        "function) and compared. Two runs agree when they end within 0.25 of each other."
    )


def minima_page() -> None:
    result = current()
    st.markdown(
        "**Are there many minima, as the notes suggest?** Not for least squares: its loss is convex — one "
        "minimum, or a flat valley of equally good ones when XᵀX is singular. Below, a tiny non-convex model "
        "for contrast, where different starts *do* end in different minima and more data makes runs agree."
    )
    _least_squares_part(result.problem)
    _tanh_part()
    st.markdown("#### What the notes got right, and wrong")
    st.markdown(RIGHT_AND_WRONG)
