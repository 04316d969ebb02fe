"""Spectrum: every method as a filter on the singular directions of the data on screen.

Three parts: the filter factors φᵢ of the compared runs, ridge and the pseudo-inverse (a step
slider moves the gradient methods; early stopping's ridge twin follows); momentum's phase
diagram for this data, where a click sets a run's η and β; and the digits the normal
equations lose against QR and the SVD as κ(X) grows, with this data's κ marked.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

import core
from dashboard import compute_scaling as cs
from dashboard import urlstate
from dashboard.chart import Panel, clicked_point, render_chart
from dashboard.figures import path_color
from dashboard.figures.spectrum import (
    FilterSpec,
    PhasePoint,
    build_digits_figure,
    build_filter_figure,
    build_phase_figure,
    filter_values,
    format_rate,
    steps_per_digit,
)
from dashboard.figures.style import LINE_WIDTH, ink, reference_color
from dashboard.settings import LEARNING_RATE_CHOICES, RunSettings
from dashboard.specs import Choice
from dashboard.state import current

from .common import is_dark, projector_scaled, show_chart

STEP_CHOICES = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1_000, 2_000, 5_000, 10_000, 20_000,
                50_000, 100_000)  # fmt: skip
DEFAULT_STEP = 30  # the sidebar's default epochs: full-batch runs take one step per epoch
MOMENTUM_GRID = tuple(round(0.01 * i, 2) for i in range(100))  # the sidebar slider's values, 0 … 0.99
PHASE_KEY = "spec_phase"  # the phase diagram's chart
PICKED = "_spec_picked"  # what the last click set, shown once

# The view's URL-bound widgets (collected by dashboard.views for the link checker and the share link).
STEP = Choice(
    "spec_t",
    "Step t of the gradient methods",
    STEP_CHOICES,
    DEFAULT_STEP,
    "Where the filters of gradient descent and momentum are after t full-batch steps from the start. "
    "The sidebar's runs stop after their epochs; the slider shows any t.",
)
PICK_RUN = Choice(
    "spec_run",
    "A click on the diagram sets",
    None,  # options: the runs on screen
    1,
    "Click a point: this run becomes full-batch momentum with that η and β.",
    widget="selectbox",
)
TTL = 3600


# -- cached computations (keyed on the data's fingerprint; arrays are passed unhashed) --------


@st.cache_resource(max_entries=8, ttl=TTL, show_spinner=False)
def _pinv(key, _X, _y) -> core.FilterFactors:
    """The data's singular values and rank (the pseudo-inverse's filter: all ones)."""
    return core.filter_factors(_X, _y, method="pinv")


@st.cache_resource(max_entries=8, ttl=TTL, show_spinner=False)
def _rate_map(key, lo: float, hi: float, _loss) -> core.MomentumRateMap:
    return core.momentum_rate_map(_loss, learning_rates=np.geomspace(lo, hi, 160))


@st.cache_resource(max_entries=1, ttl=TTL, show_spinner="Solving 125 test problems exactly ...")
def _digits() -> core.DigitsLost:
    return core.digits_lost()


# -- which runs are filters -------------------------------------------------------------------


def filter_runs(settings) -> list[tuple[int, RunSettings]]:
    """(index, run) of the runs that are fixed filters: full batch, constant rate, GD or heavy ball."""
    return [
        (i, run)
        for i, run in enumerate(settings.runs)
        if run.rule in ("SGD", "Momentum") and run.batch_size is None and run.schedule == "constant"
    ]


def run_label(i: int, run: RunSettings) -> str:
    """The sidebar's run label, with β for momentum (it places the run on the phase diagram)."""
    beta = f", β={run.momentum:g}" if run.rule == "Momentum" else ""
    return f"Run {i + 1}: {run.label}{beta}"


def run_momentum(run: RunSettings) -> float:
    return run.momentum if run.rule == "Momentum" else 0.0


def why_not_a_filter(run: RunSettings) -> str:
    """Why a run is not drawn as a filter, in the room's words."""
    if run.rule not in ("SGD", "Momentum", "Nesterov"):
        return "it rescales each coordinate by its own gradient history, so it is not one fixed filter"
    if run.batch_size is not None:
        return "with minibatches each step depends on which samples were drawn, so it is not one fixed filter"
    if run.schedule != "constant":
        return "its learning rate changes from step to step; only constant rates are drawn"
    return "Nesterov's look-ahead step follows a different recurrence; only plain momentum is drawn"


# -- a click on the phase diagram -------------------------------------------------------------


def snap_learning_rate(value: float) -> float:
    """The sidebar's learning rate nearest to ``value`` on a log scale."""
    choices = np.asarray(LEARNING_RATE_CHOICES)
    return float(choices[np.argmin(np.abs(np.log(choices) - math.log(max(float(value), 1e-300))))])


def snap_momentum(value: float) -> float:
    """The momentum slider's value nearest to ``value`` (steps of 0.01 from 0 to 0.99)."""
    return round(min(max(round(float(value), 2), 0.0), 0.99), 2)


def pick_values(run: int, learning_rate: float, momentum: float) -> dict:
    """Sidebar settings that make run ``run`` (1-based) the heavy ball at this point of the diagram."""
    p = f"r{run}_"
    return {
        p + "rule": "Momentum",
        p + "lr": snap_learning_rate(learning_rate),
        p + "mom": snap_momentum(momentum),
        p + "batch": "full",  # the diagram describes full-batch runs with a constant rate
        p + "sched": "constant",
    }


def apply_pick() -> None:
    """Callback of the phase diagram: the chosen run takes the clicked η and β (and so does the link)."""
    point = clicked_point(PHASE_KEY)
    if not point or point.get("x") is None or point.get("y") is None:
        return
    run = int(st.session_state.get(PICK_RUN.key, 1))
    values = pick_values(run, float(point["x"]), float(point["y"]))
    p = f"r{run}_"
    st.session_state[PICKED] = (
        f"Run {run} is now momentum with η = {values[p + 'lr']:g} and β = {values[p + 'mom']:.2f} "
        "(the nearest values the sidebar offers), full batch, constant rate."
    )
    urlstate.set_controls(values)


def selectable_chart(fig, *, key: str, alt: str, enabled: bool) -> None:
    """The phase diagram in the app's chart; a clicked point calls ``apply_pick`` (unless disabled)."""
    panel = Panel(key, projector_scaled(fig), alt, clickable=enabled)
    render_chart([panel], key=key, on_click=apply_pick if enabled else None)


# -- the three parts --------------------------------------------------------------------------


def _step_slider() -> int:
    return int(STEP.render())


def filter_specs(result, steps: int) -> tuple[list[FilterSpec], list[tuple[str, float, float]]]:
    """The filters to draw, and (label, η, ridge twin λ) for every converging plain GD among them.

    A diverging run has no ridge twin (its filter grows without bound). Without a converging plain
    GD in the sidebar, a reference GD at the safe step η = 1/λ_max is drawn, with its twin.
    """
    dark = is_dark()
    specs, twins = [], []
    for i, run in filter_runs(result.settings):
        color = path_color(i)
        method = "momentum" if run.rule == "Momentum" else "gd"
        rate = float(core.momentum_rate(result.problem.loss, run.learning_rate, run_momentum(run)))
        label = run_label(i, run) + (" — diverges" if rate >= 1 else "")
        specs.append(FilterSpec(label, color, method, run.learning_rate, run_momentum(run)))
        if method == "gd" and rate < 1:
            twin = core.early_stopping_ridge(run.learning_rate, steps)
            specs.append(FilterSpec(f"ridge λ = 1/(ηt) = {twin:.3g} (twin of Run {i + 1})", color, "ridge",
                                    ridge=twin, dash="dash"))  # fmt: skip
            twins.append((f"Run {i + 1}", run.learning_rate, twin))
    if not twins:
        eta = 1.0 / result.problem.theory.lambda_max
        twin = core.early_stopping_ridge(eta, steps)
        specs.append(FilterSpec(f"GD η = 1/λ<sub>max</sub> = {eta:.3g}", ink(dark), "gd", eta))
        specs.append(FilterSpec(f"ridge λ = 1/(ηt) = {twin:.3g} (its twin)", ink(dark), "ridge", ridge=twin,
                                dash="dash"))  # fmt: skip
        twins.append((f"GD η = {eta:.3g}", eta, twin))
    specs.append(FilterSpec("pseudo-inverse w⁺ (keeps every direction)", reference_color(dark), "pinv",
                            dash="dot", width=LINE_WIDTH - 1))  # fmt: skip
    return specs, twins


def twin_gap(singular_values, n_samples: int, learning_rate: float, steps: int) -> float:
    """max over the data's directions of |φ_GD(t) − φ_ridge(1/(ηt))|."""
    gd = filter_values(FilterSpec("", "", "gd", learning_rate), singular_values, n_samples, steps)
    ridge = core.early_stopping_ridge(learning_rate, steps)
    twin = filter_values(FilterSpec("", "", "ridge", ridge=ridge), singular_values, n_samples, steps)
    return float(np.max(np.abs(gd - twin))) if np.size(singular_values) else 0.0


def _filter_part(result, spectrum: core.FilterFactors) -> None:
    problem = result.problem
    n, k = problem.X.shape
    st.markdown("#### Filter factors: what each method keeps, direction by direction")
    st.markdown(
        "Write $X = U\\Sigma V^\\top$: the singular directions $v_i$ of your data, with singular values "
        "$\\sigma_i$ (large: the data vary a lot along $v_i$; small: hardly at all). Every method here "
        "returns $w = \\sum_i \\varphi_i\\,\\frac{u_i^\\top y}{\\sigma_i}\\,v_i$: it keeps a fraction "
        "$\\varphi_i$ of the least-squares answer along each direction. The pseudo-inverse keeps all of "
        "it; the others hold back the weak directions, where noise is amplified most (by $1/\\sigma_i$)."
    )
    st.latex(
        r"\varphi_i^{\text{GD}}(t) = 1 - \Bigl(1 - \eta\,\tfrac{\sigma_i^2}{N}\Bigr)^{t}"
        r"\qquad \varphi_i^{\text{ridge}} = \frac{\sigma_i^2}{\sigma_i^2 + N\lambda}"
    )
    st.markdown(
        "Gradient descent stopped after $t$ steps of size $\\eta$ and ridge with penalty "
        "$\\lambda = 1/(\\eta t)$ keep almost the same fraction of every direction: "
        "**early stopping is ridge**."
    )
    steps = _step_slider()
    specs, twins = filter_specs(result, steps)
    s = spectrum.singular_values[: spectrum.rank]
    show_chart(
        build_filter_figure(
            spectrum.singular_values, n, specs, steps=steps, rank=spectrum.rank, dark=is_dark()
        ),
        key="spec_filters",
        alt="Filter factor against singular value for gradient descent, momentum, ridge and the "
        "pseudo-inverse, "
        "with markers at the data's singular values",
    )
    label, eta, twin = twins[0]
    gd = filter_values(FilterSpec("", "", "gd", eta), s, n, steps)
    row = st.container(horizontal=True, gap="large")
    row.metric(
        "ridge twin λ",
        f"{twin:.3g}",
        help=f"λ = 1/(η·t) for {label} (η = {eta:g}) at t = {steps:,}.",
        width="content",
    )
    row.metric(
        "largest gap",
        f"{twin_gap(s, n, eta, steps):.3f}",
        help="The largest difference $|\\varphi_{\\text{GD}} - \\varphi_{\\text{ridge}}|$ between "
        f"{label} and its ridge twin, over your data's directions.",
        width="content",
    )
    row.metric(
        "GD past ½",
        f"{int(np.count_nonzero(gd > 0.5))} of {spectrum.rank}",
        help=f"Directions along which {label} has covered more than half the way (φ > ½) after t steps.",
        width="content",
    )
    st.caption(
        "Early stopping acts like ridge: GD lets a direction through once σ²/N is above about 1/(ηt), "
        "and ridge with λ = 1/(ηt) does the same. For the weak directions the two filters agree exactly "
        "to first order (both ≈ ηtσ²/N); GD's cut is a little sharper. Move t: a longer run is a smaller λ."
    )
    _filter_notes(result, spectrum, k)


def _filter_notes(result, spectrum: core.FilterFactors, k: int) -> None:
    notes = []
    for i, run in enumerate(result.settings.runs):
        if (i, run) not in filter_runs(result.settings):
            notes.append(f"Run {i + 1} ({run.label}) is not drawn: {why_not_a_filter(run)}.")
    w0 = np.asarray(result.runs[0].weights[0]) if result.runs else np.zeros(k)
    if np.any(w0 != 0):
        notes.append(
            "The runs start at w₀ ≠ 0: φᵢ is then the fraction of the way from w₀ to w* covered along "
            "direction i (from w₀ = 0 it is exactly the estimate above)."
        )
    if spectrum.rank < k:
        notes.append(
            f"X has rank {spectrum.rank} < {k} parameters: along the other {k - spectrum.rank} direction(s) "
            "there are no data, every filter is 0 there and gradient descent never moves along them."
        )
    for note in notes:
        st.caption(note)


def _rate_range(result) -> tuple[float, float]:
    """η range of the diagram: 0.01/λ_max … 5/λ_max, widened to show every run."""
    lam_max = result.problem.theory.lambda_max
    lo, hi = 0.01 / lam_max, 5.0 / lam_max
    for _, run in filter_runs(result.settings):
        lo, hi = min(lo, run.learning_rate / 1.5), max(hi, run.learning_rate * 1.5)
    return lo, hi


def _phase_part(result) -> None:
    problem = result.problem
    st.markdown("#### Momentum has two knobs: its phase diagram on your data")
    st.markdown(
        "The heavy ball steps $w \\leftarrow w - \\eta\\,g + \\beta\\,(w - w_{\\text{prev}})$. Along a "
        "direction of curvature $\\lambda$ (an eigenvalue of $X^\\top X/N$) its error shrinks each step by "
        "the larger root $|z|$ of $z^2 - (1 + \\beta - \\eta\\lambda)\\,z + \\beta = 0$. The slowest "
        "direction sets the pace, and only the flattest and the steepest ($\\lambda_{\\min}$, "
        "$\\lambda_{\\max}$) can be slowest. Colour: steps for the error to shrink 10×. Grey: it diverges."
    )
    if problem.theory.rank == 0:
        st.info("X is all zeros: there is no curvature, so no step ever moves w.", icon=":material/info:")
        return
    lo, hi = _rate_range(result)
    rates = _rate_map(cs.fingerprint(problem), lo, hi, problem.loss)
    runs = filter_runs(result.settings)
    points = [
        PhasePoint(run_label(i, run), path_color(i), run.learning_rate, run_momentum(run)) for i, run in runs
    ]
    n_runs = len(result.settings.runs)
    options = list(range(1, n_runs + 1))
    if st.session_state.get(PICK_RUN.key) not in options:
        st.session_state.pop(PICK_RUN.key, None)
    hidden = _hidden_run_controls()
    row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
    PICK_RUN.render(
        row.container(width=220), options=options, fmt=lambda r: f"Run {r}", disabled=bool(hidden)
    )
    note = row.container(width="stretch")
    if hidden:
        note.caption("This lesson link fixes the optimizers, so a click does not change them.")
    else:
        note.caption(
            "Click a point (or the ◆) to give the chosen run that η and β, snapped to the nearest values the "
            "sidebar offers; it becomes full-batch momentum with a constant rate."
        )
    picked = st.session_state.pop(PICKED, None)
    if picked:
        st.success(picked, icon=":material/ads_click:")
    selectable_chart(
        build_phase_figure(
            rates,
            points,
            pick_learning_rates=LEARNING_RATE_CHOICES,
            pick_momenta=MOMENTUM_GRID,
            dark=is_dark(),
        ),
        key=PHASE_KEY,
        alt="Phase diagram of the heavy ball on this data: learning rate against momentum, coloured by "
        "speed, "
        "with the divergence region, the fastest setting and each run",
        enabled=not hidden,
    )
    _phase_numbers(result, rates, runs)


def _hidden_run_controls() -> bool:
    """True when a lesson link fixes a run's rule, η or β (then a click must not change them)."""
    return any(key.endswith(("_lr", "_mom", "_rule")) for key in urlstate.hidden_keys())


def _phase_numbers(result, rates: core.MomentumRateMap, runs) -> None:
    theory = result.problem.theory
    st.caption(
        f"Curvatures of your data: $\\lambda_{{\\min}}$ = {rates.lambda_min:.3g} … $\\lambda_{{\\max}}$ = "
        f"{rates.lambda_max:.3g}, so $\\kappa(X^\\top X) = \\lambda_{{\\max}}/\\lambda_{{\\min}}$ = "
        f"{rates.lambda_max / rates.lambda_min:.3g}. The fastest setting (◆) puts the flattest and the "
        "steepest direction on the same circle $|z| = \\sqrt\\beta$: "
        "$\\eta^* = 4/(\\sqrt{\\lambda_{\\max}} + \\sqrt{\\lambda_{\\min}})^2$, "
        "$\\beta^* = \\bigl((\\sqrt\\kappa - 1)/(\\sqrt\\kappa + 1)\\bigr)^2$."
    )
    row = st.container(horizontal=True, gap="large")
    row.metric("η* (fastest)", f"{rates.best_learning_rate:.3g}", width="content")
    row.metric("β* (fastest)", f"{rates.best_momentum:.3g}", width="content")
    row.metric(
        "rate at ◆",
        format_rate(rates.best_rate),
        help="(√κ − 1)/(√κ + 1): the error shrinks by this factor each step.",
        width="content",
    )
    row.metric(
        "GD's best",
        format_rate(theory.optimal_rate),
        help="Plain gradient descent (the bottom edge), at its best "
        "$\\eta = 2/(\\lambda_{\\max} + \\lambda_{\\min})$: $(\\kappa - 1)/(\\kappa + 1)$.",
        width="content",
    )
    for i, run in runs:
        rate = float(rates.rate_at(run.learning_rate, run_momentum(run)))
        if rate >= 1:
            st.caption(
                f"Run {i + 1} ({run_label(i, run).split(': ', 1)[1]}): diverges (rate {rate:.3g} ≥ 1)."
            )
        else:
            per_digit = float(steps_per_digit(rate))
            st.caption(
                f"Run {i + 1} ({run_label(i, run).split(': ', 1)[1]}): rate {format_rate(rate)} per step, "
                f"about {per_digit:,.0f} steps for 10× less error."
            )
    if len(rates.learning_rates) and not any(
        rates.learning_rates[0] <= v <= rates.learning_rates[-1] for v in LEARNING_RATE_CHOICES
    ):
        st.caption(
            f"The sidebar's learning rates ({LEARNING_RATE_CHOICES[0]:g} … {LEARNING_RATE_CHOICES[-1]:g}) "
            "all lie outside this diagram, so a click cannot set one. Standardizing the features changes "
            "the scale."
        )


def condition_number(spectrum: core.FilterFactors, n_features: int) -> float:
    """κ(X) = σ_max/σ_min from the SVD; inf when X does not have full column rank."""
    s = spectrum.singular_values
    if spectrum.rank < n_features or s.size == 0:
        return math.inf
    return float(s[0] / s[-1])


def _digits_part(problem, spectrum: core.FilterFactors) -> None:
    st.markdown("#### Why the normal equations lose digits")
    st.markdown(
        "The normal equations solve with $X^\\top X$, whose condition number is squared: "
        "$\\kappa(X^\\top X) = \\kappa(X)^2$. Rounding errors are magnified by it, so they lose about "
        "$2\\log_{10}\\kappa(X)$ of the ~16 digits a computer number carries. QR and the SVD work on $X$ "
        "itself and lose about $\\log_{10}\\kappa(X)$. Measured below on test problems whose exact answer "
        "is known (the measured losses run about one digit under these estimates)."
    )
    kappa = condition_number(spectrum, problem.X.shape[1])
    show_chart(
        build_digits_figure(_digits(), condition_number=kappa, dark=is_dark()),
        key="spec_digits",
        alt="Digits lost against condition number for the normal equations, QR and SVD, with this data's "
        "condition number marked",
    )
    st.caption(digits_sentence(kappa, refused=problem.normal_error is not None))


def digits_sentence(kappa: float, *, refused: bool) -> str:
    """What the digits chart says about this κ(X), and whether the normal equations refused these data."""
    if not math.isfinite(kappa):
        return (
            "Your X does not have full column rank (κ(X) = ∞): the normal equations have no unique solution, "
            "and the SVD gives the minimum-norm one."
        )
    text = f"Your data: κ(X) = {kappa:.3g}, so QR and the SVD lose about {math.log10(kappa):.1f} digits"
    if refused:
        return text + "; the normal equations refuse these data (XᵀX is numerically singular)."
    return (
        text + f" and the normal equations about {2 * math.log10(kappa):.1f} (κ(XᵀX) = κ² = {kappa**2:.3g})."
    )


def spectrum_page() -> None:
    result = current()
    problem = result.problem
    st.markdown(
        "**The spectral lens.** Along the singular directions of your data, gradient descent, momentum, "
        "ridge and the pseudo-inverse are all the same kind of thing: a filter that keeps some of each "
        "direction. The same directions explain momentum's sweet spot and why the normal equations lose "
        "digits."
    )
    spectrum = _pinv(cs.fingerprint(problem), problem.X, problem.y)
    _filter_part(result, spectrum)
    _phase_part(result)
    _digits_part(problem, spectrum)
