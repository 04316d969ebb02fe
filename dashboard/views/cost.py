"""Cost: measured seconds of the closed forms and of one SGD epoch as N and K grow, and the crossover."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import crossover, fit_cost_model, predicted_seconds
from dashboard import compute_scaling as cs
from dashboard.figures.scaling import build_cost_figure
from dashboard.specs import Choice
from dashboard.state import current

from .common import show_chart

N_MAX_CHOICES = (2_000, 10_000, 50_000, 200_000)
K_MAX_CHOICES = (10, 20, 50, 100, 200, 400)
EPOCH_CHOICES = (1, 2, 5, 10, 20, 50, 100, 200)
K_FIXED = 10  # features while N grows
N_FIXED_MAX = 5_000  # samples while K grows
REPEATS = 3  # best of
POINTS = 6  # sizes per sweep
RESULT = "_cost_result"  # session key of the last measurement: (sizes, timings)

N_MAX = Choice("cost_nmax", "Largest N", N_MAX_CHOICES, 50_000, "Samples at the end of the N sweep.")
K_MAX = Choice("cost_kmax", "Largest K", K_MAX_CHOICES, 200, "Features at the end of the K sweep.")
EPOCHS = Choice(
    "cost_epochs",
    "SGD epochs to compare",
    EPOCH_CHOICES,
    10,
    "SGD rarely converges in one pass: the closed form is compared with this many epochs.",
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


def _controls() -> tuple[int, int, int, bool]:
    c1, c2, c3, c4 = st.columns([3, 3, 3, 1])
    n_max, k_max, epochs = N_MAX.render(c1), K_MAX.render(c2), EPOCHS.render(c3)
    c4.write("")  # align the button with the sliders
    pressed = c4.button(
        "Measure", key="cost_measure", type="primary", help="Time every method on this server."
    )
    return int(n_max), int(k_max), int(epochs), pressed


def _measure(sizes) -> pd.DataFrame:
    bar = st.progress(0.0, text="Timing ...")
    frames = []
    for i, (n, k) in enumerate(sizes):
        bar.progress(i / len(sizes), text=f"Timing N = {n:,}, K = {k} (best of {REPEATS}) ...")
        frames.append(cs.time_size(n, k, REPEATS))
    bar.empty()
    return pd.concat(frames, ignore_index=True)


def _crossover_text(model, n_fixed: int, n_max: int, epochs: int) -> str:
    parts = []
    for n in sorted({n_fixed, n_max}):
        k_normal = float(crossover(model, n, method="normal equations", epochs=epochs)[0])
        k_qr = float(crossover(model, n, method="QR", epochs=epochs)[0])

        def fmt(v):
            return "every K ≤ N" if np.isinf(v) else ("no K" if v == 0 else f"K < {v:.0f}")

        parts.append(f"at N = {n:,}: normal equations for {fmt(k_normal)}, QR for {fmt(k_qr)}")
    return "; ".join(parts)


def cost_page() -> None:
    current()
    st.markdown(
        "**What each method costs, measured on this server.** A closed form touches every row once but pays "
        "~K² per row (the Gram matrix XᵀX, or a QR) plus ~K³ to solve; one SGD epoch pays ~K per "
        "row, but SGD "
        "needs many epochs. Look for the **crossover**: the number of features above which the closed form "
        "costs more than the SGD epochs it replaces."
    )
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
            f"Press **Measure** to time the normal equations, QR, SVD and one SGD epoch at "
            f"{len(sizes)} sizes "
            f"(N up to {n_max:,} at K = {k_fixed}, then K up to {min(k_max, n_fixed)} at N = {n_fixed:,}). "
            "It takes a few seconds; each size is measured once and then kept.",
            icon=":material/timer:",
        )
        st.markdown(
            "What to expect: against N every method is a straight line of slope 1 on log axes (all are "
            "linear in N); against K the closed forms bend up to slope 2–3 (NK² + K³) while an SGD "
            "epoch stays "
            "at slope 1 (NK). The dashed lines are these models fitted to the measurements."
        )
        return
    last = st.session_state[RESULT]
    if list(last["sizes"]) != sizes:
        st.info(
            "Showing the last measurement; press **Measure** for the sizes now chosen.",
            icon=":material/info:",
        )
    timings, k_fixed, n_fixed, n_max = last["timings"], last["k_fixed"], last["n_fixed"], last["n_max"]
    try:
        model = fit_cost_model(timings)
        ns = np.geomspace(timings.loc[timings["n_features"] == k_fixed, "n_samples"].min(), n_max, 40)
        ks = np.geomspace(2, timings.loc[timings["n_samples"] == n_fixed, "n_features"].max(), 40)
        pred_n = predicted_seconds(model, ns, k_fixed)
        pred_k = predicted_seconds(model, n_fixed, ks)
        k_star = float(crossover(model, n_fixed, method="normal equations", epochs=epochs)[0])
    except ValueError as exc:
        st.error(f"The cost model cannot be fitted: {exc}", icon=":material/error:")
        return
    show_chart(
        build_cost_figure(
            timings, pred_n, pred_k, k_fixed=k_fixed, n_fixed=n_fixed, sgd_epochs=epochs, crossover_k=k_star
        ),
        key="cost_chart",
        alt="Log-log plots of measured seconds against N and against K for the normal equations, QR, SVD "
        "and one SGD epoch, with fitted cost lines and the crossover marked",
    )
    k_measured = int(timings["n_features"].max())
    beyond = f" (beyond K = {k_measured}, the largest measured, the lines are extrapolated)"
    st.markdown(
        f"**The closed form costs less than {epochs} SGD epoch(s)** — "
        f"{_crossover_text(model, n_fixed, n_max, epochs)}"
        + (beyond if np.isfinite(k_star) and k_star > k_measured else "")
        + "."
    )
    st.caption(
        "From the fitted lines (seconds ≈ a·NK² + b·K³ + c, and d·NK + e for an SGD epoch). The crossover "
        "hardly moves with N: both sides are linear in N, so it is set by K. Below it, solve in closed form; "
        "far above it (or when X does not fit in memory), SGD's cheap passes win. Times are the best of "
        f"{REPEATS} on this machine, one BLAS thread for every method (as the SGD loop has), and vary "
        "with its load."
    )
    st.dataframe(
        model,
        hide_index=True,
        column_config={
            "per_nk2": st.column_config.NumberColumn("a (s per NK²)", format="%.3g"),
            "per_k3": st.column_config.NumberColumn("b (s per K³)", format="%.3g"),
            "per_nk": st.column_config.NumberColumn("d (s per NK)", format="%.3g"),
            "overhead": st.column_config.NumberColumn("overhead (s)", format="%.2g"),
            "rel_rms_error": st.column_config.NumberColumn("fit error (relative RMS)", format="percent"),
        },
    )
