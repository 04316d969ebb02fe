"""Cost: measured seconds of the closed forms and of one SGD epoch as N and K grow, and the crossover."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core import crossover, fit_cost_model, predicted_seconds
from core.cost import MODEL_TERMS, RESOLVED_T, TERMS, left_out
from dashboard import compute_scaling as cs
from dashboard.chart import Panel, render_chart
from dashboard.figures.scaling import build_cost_figure
from dashboard.specs import Choice
from dashboard.state import current

from .common import is_dark, projector_scaled

N_MAX_CHOICES = (2_000, 10_000, 50_000, 200_000)
K_MAX_CHOICES = (10, 20, 50, 100, 200, 400)
EPOCH_CHOICES = (1, 2, 5, 10, 20, 50, 100, 200)
K_FIXED = 10  # features while N grows
N_FIXED_MAX = 5_000  # samples while K grows
# Best of this many repeats: a small size takes well under a millisecond, so many repeats are cheap and
# make it likely that one of them ran undisturbed; a large one is timed a few times only.
REPEATS_SMALL, REPEATS_LARGE, LARGE_FLOPS = 15, 3, 3e7
POINTS = 6  # sizes per sweep
RESULT = "_cost_result"  # session key of the last measurement: (sizes, timings)
# How the model's terms are written (LaTeX), in the order of core.cost.TERMS.
TERM_TEX = {"per_nk2": "NK^2", "per_k3": "K^3", "per_nk": "NK", "per_n": "N", "overhead": ""}

N_MAX = Choice("cost_nmax", "Largest N", N_MAX_CHOICES, 50_000, "Samples at the end of the N sweep.")
K_MAX = Choice("cost_kmax", "Largest K", K_MAX_CHOICES, 200, "Features at the end of the K sweep.")
EPOCHS = Choice(
    "cost_epochs",
    "SGD epochs to compare",
    EPOCH_CHOICES,
    10,
    "SGD rarely converges in one pass: the closed form is compared with this many epochs.",
)

INTRO = (
    "**What each method costs, measured on this server.** A closed form touches every row once but pays "
    "about $K^2$ per row (the Gram matrix $X^\\top X$, or a QR) plus about $K^3$ to solve; one SGD epoch "
    "pays about $K$ per row, but SGD needs many epochs. Look for the **crossover**: the number of "
    "features above which the closed form costs more than the SGD epochs it replaces."
)
EXPECT = (
    "What to expect: against N every method is a straight line of slope 1 on log axes (all are linear in "
    "N); against K the closed forms bend up to slope 2 to 3 ($NK^2 + K^3$) while an SGD epoch stays at "
    "slope 1 ($NK$). The dashed lines are these models fitted to the measurements."
)


def sweep_sizes(n_max: int, k_max: int) -> tuple[list[tuple[int, int]], int, int]:
    """(N, K) pairs: N log-spaced at K = k_fixed, then K log-spaced at N = n_fixed; and those two."""
    k_fixed = min(K_FIXED, k_max)
    n_fixed = min(N_FIXED_MAX, n_max)
    ns = np.unique(np.rint(np.geomspace(max(n_max / 50, k_fixed), n_max, POINTS)).astype(int))
    ks = np.unique(np.rint(np.geomspace(2, min(k_max, n_fixed), POINTS)).astype(int))
    pairs = [(int(n), k_fixed) for n in ns] + [(n_fixed, int(k)) for k in ks]
    pairs += [(n_fixed, k_fixed)]  # the point the two sweeps share
    return sorted(set(pairs), key=lambda p: p[0] * p[1] ** 2), k_fixed, n_fixed


def repeats_for(n: int, k: int) -> int:
    """Repeats of one size: many for the small (sub-millisecond) sizes, a few for the large."""
    return REPEATS_SMALL if n * k * k < LARGE_FLOPS else REPEATS_LARGE


def _controls() -> tuple[int, int, int, bool]:
    row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
    n_max, k_max, epochs = N_MAX.render(row), K_MAX.render(row), EPOCHS.render(row)
    pressed = row.button(
        "Measure",
        key="cost_measure",
        type="primary",
        help="Time every method on this server.",
        width="content",
    )
    return int(n_max), int(k_max), int(epochs), pressed


def _measure(sizes) -> pd.DataFrame:
    bar = st.progress(0.0, text="Timing ...")
    frames = []
    for i, (n, k) in enumerate(sizes):
        repeats = repeats_for(n, k)
        bar.progress(i / len(sizes), text=f"Timing N = {n:,}, K = {k} (best of {repeats}) ...")
        frames.append(cs.time_size(n, k, repeats))
    bar.empty()
    return pd.concat(frames, ignore_index=True)


def crossover_sentence(model, n_fixed: int, n_max: int, epochs: int, k_measured: int) -> str:
    """Where the closed forms stop being cheaper than ``epochs`` SGD epochs, at the two N of the sweeps."""

    def fmt(v: float) -> str:
        return "every K ≤ N" if np.isinf(v) else ("no K" if v == 0 else f"K < {v:.0f}")

    parts, extrapolated = [], False
    for n in sorted({n_fixed, n_max}):
        k_normal = float(crossover(model, n, method="normal equations", epochs=epochs)[0])
        k_qr = float(crossover(model, n, method="QR", epochs=epochs)[0])
        extrapolated |= any(np.isfinite(v) and v > k_measured for v in (k_normal, k_qr))
        parts.append(f"at N = {n:,}: the normal equations for {fmt(k_normal)}, QR for {fmt(k_qr)}")
    plural = "epoch" if epochs == 1 else "epochs"
    text = f"**The closed form costs less than {epochs} SGD {plural}**: " + "; ".join(parts)
    if extrapolated:
        text += f" (beyond K = {k_measured}, the largest measured, the fitted lines are extrapolated)"
    return text + "."


def _tex_number(value: float, se: float) -> str:
    """(m ± s)×10^e in LaTeX, m to the decimals its standard error allows (one significant digit of s)."""
    exp = math.floor(math.log10(value)) if value > 0 else 0
    if not (np.isfinite(se) and se > 0):
        m = float(f"{value / 10**exp:.2g}")
        return f"{m:g}" + ("" if exp == 0 else f"\\times 10^{{{exp}}}")
    decimals = min(max(-math.floor(math.log10(se / 10**exp)), 0), 3)
    if round(value / 10**exp, decimals) >= 10:  # 9.96 shown as 10.0: write it as 1.0 of the next power
        exp += 1
        decimals = min(max(-math.floor(math.log10(se / 10**exp)), 0), 3)
    m, s = value / 10**exp, se / 10**exp
    power = "" if exp == 0 else f"\\times 10^{{{exp}}}"
    s_text = f"{s:.{decimals}f}" if round(s, decimals) > 0 else f"{s:.1g}"
    return f"({m:.{decimals}f} \\pm {s_text}){power}"


def model_formula(row) -> str:
    """The fitted model of one method, e.g. $(7.1 ± 0.4)×10^{-11}\\,NK^2 + (9 ± 1)×10^{-5}$ (seconds)."""
    terms = [
        _tex_number(row[t], row[f"{t}_se"]) + (f"\\,{TERM_TEX[t]}" if TERM_TEX[t] else "")
        for t in TERMS
        if row[t] > 0
    ]
    return "$" + " + ".join(terms) + "$" if terms else "0"


def model_table(model: pd.DataFrame) -> str:
    """The fitted models as a markdown table: formula, the terms not resolved, the fit error."""
    lines = [
        "| method | seconds ≈ (fitted) | not resolved | fit error |",
        "| --- | --- | --- | --- |",
    ]
    for _, row in model.iterrows():
        unresolved = ", ".join(f"${TERM_TEX[t] or '1'}$" for t in row["unresolved"]) or "none"
        error = f"{row['rel_rms_error']:.0%}"
        if row["n_left_out"]:
            error += f" ({row['n_left_out']} of {row['n_fitted'] + row['n_left_out']} left out)"
        lines.append(f"| {row['method']} | {model_formula(row)} | {unresolved} | {error} |")
    return "\n".join(lines)


def model_notes(model: pd.DataFrame, timings: pd.DataFrame) -> list[str]:
    """Captions under the model table, true for these measurements."""
    notes = [
        "Fitted on relative error, as the log axes show it. The closed forms' model is "
        "$aNK^2 + bK^3 + cNK + e$ (the $NK$: reading and checking $X$), an SGD epoch's $cNK + fN + e$ (the "
        "$N$: a fixed cost per row, drawing its order and stepping the loop); ± is one standard error."
    ]
    unresolved = sorted({t for terms in model["unresolved"] for t in terms}, key=TERMS.index)
    if unresolved:
        worst = float((timings["n_features"] / timings["n_samples"]).max())
        text = (
            f"*Not resolved*: a coefficient less than {RESOLVED_T:g} standard errors above 0, which these "
            "measurements cannot tell from 0; it is left out of the fit rather than shown as a number."
        )
        if "per_k3" in unresolved:
            text += (
                " The solve's $K^3$ compares with the $NK^2$ of forming $X^\\top X$ as $K/N$ does, and the "
                f"largest $K/N$ measured is {worst:.0%}: it matters only as K approaches N."
            )
        notes.append(text)
    if model["n_left_out"].sum():
        notes.append(
            "Hollow points took more than twice the model's time and are left out of the fit: another "
            "program was busy during every repeat, or an effect the model lacks (such as the data no longer "
            "fitting in the processor's cache)."
        )
    return notes


def cost_page() -> None:
    current()
    st.markdown(INTRO)
    n_max, k_max, epochs, pressed = _controls()
    sizes, k_fixed, n_fixed = sweep_sizes(n_max, k_max)
    if pressed:
        try:
            st.session_state[RESULT] = {
                "sizes": tuple(sizes),
                "k_fixed": k_fixed,
                "n_fixed": n_fixed,
                "n_max": n_max,
                "timings": _measure(sizes),
            }
        except ValueError as exc:
            st.error(f"These sizes cannot be timed: {exc}", icon=":material/error:")
    if RESULT not in st.session_state:
        st.info(
            "Press **Measure** to time the normal equations, QR, SVD and one SGD epoch at "
            f"{len(sizes)} sizes (N up to {n_max:,} at K = {k_fixed}, then K up to {min(k_max, n_fixed)} "
            f"at N = {n_fixed:,}). "
            "It takes a few seconds; each size is measured once and then kept.",
            icon=":material/timer:",
        )
        st.markdown(EXPECT)
        return
    last = st.session_state[RESULT]
    if list(last["sizes"]) != sizes:
        st.info(
            "Showing the last measurement; press **Measure** for the sizes now chosen.",
            icon=":material/info:",
        )
    _show(last, epochs)


def _show(last: dict, epochs: int) -> None:
    timings, k_fixed, n_fixed, n_max = last["timings"], last["k_fixed"], last["n_fixed"], last["n_max"]
    try:
        model = fit_cost_model(timings)
        ns = np.geomspace(timings.loc[timings["n_features"] == k_fixed, "n_samples"].min(), n_max, 40)
        ks = np.geomspace(2, timings.loc[timings["n_samples"] == n_fixed, "n_features"].max(), 40)
        pred_n = predicted_seconds(model, ns, k_fixed)
        pred_k = predicted_seconds(model, n_fixed, ks)
        k_star = float(crossover(model, n_fixed, method="normal equations", epochs=epochs)[0])
        out = left_out(model, timings)
    except ValueError as exc:
        st.error(f"The cost model cannot be fitted: {exc}", icon=":material/error:")
        return
    dark = is_dark()
    common = {"sgd_epochs": epochs, "left_out": out, "dark": dark}
    by_n = build_cost_figure(timings, pred_n, against="n_samples", fixed=k_fixed, **common)
    by_k = build_cost_figure(
        timings, pred_k, against="n_features", fixed=n_fixed, crossover_k=k_star, **common
    )
    alt_n = (
        "Log-log plot of measured seconds against N for the normal equations, QR, SVD and one SGD epoch, "
        "with the fitted cost lines"
    )
    alt_k = "Log-log plot of measured seconds against K, with the fitted cost lines and the crossover marked"
    panels = [Panel("cost_n", projector_scaled(by_n), alt_n), Panel("cost_k", projector_scaled(by_k), alt_k)]
    render_chart(panels, key="cost_chart")
    k_measured = int(timings["n_features"].max())
    st.markdown(crossover_sentence(model, n_fixed, n_max, epochs, k_measured))
    st.caption(
        "From the fitted lines. Both sides grow like N, so K mostly decides: below the crossover solve in "
        "closed form; far above it (or when X does not fit in memory), SGD's cheap passes win. Every method "
        "runs on one processor thread (as the SGD loop does); times are the best of "
        f"{REPEATS_SMALL} repeats for the small sizes and of {REPEATS_LARGE} for the large, on this machine, "
        "and vary with its load."
    )
    st.markdown(model_table(model))
    for note in model_notes(model, timings):
        st.caption(note)


__all__ = ["MODEL_TERMS", "cost_page", "model_table", "sweep_sizes"]
