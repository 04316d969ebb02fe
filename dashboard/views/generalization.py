"""Generalization against dataset size: double descent, measured over seeds and in theory."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import streamlit as st

from core import min_norm_risk, sample_sizes_for_gammas
from dashboard import compute_scaling as cs
from dashboard.figures.scaling import build_double_descent_figure
from dashboard.specs import Choice, Number
from dashboard.state import current

from .common import is_dark, show_chart

K_CHOICES = (20, 40, 100, 200)
# Seeds allowed per K so that one rerun stays under ~2 s on a 2-core laptop (measured: ~0.015 s
# per seed at K = 40, 0.06 at K = 100, 0.3 at K = 200 over this γ grid).
MAX_SEEDS = {20: 60, 40: 40, 100: 25, 200: 6}
RIDGE_CHOICES = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
CHECK_GAMMAS = (0.25, 0.5, 2.0, 4.0)  # where the measured curve is compared with the theory


INTRO = (
    "**Test error of three fits against $\\gamma = K/N$**, for K fixed and N shrinking from left "
    "to right. With noisy labels, min-norm least squares (the pseudo-inverse) gets *worse* as N "
    "approaches K and blows up at N = K, the interpolation peak, then improves again: **double "
    "descent**. Gradient descent from 0 stopped after {steps} steps, and ridge, hold back the "
    "directions the data barely determine. The dashed line is the exact large-K limit (Hastie, "
    "Montanari, Rosset & Tibshirani, 2019)."
)
MORE_DATA = (
    "**What this says about “more data”.** Adding samples is not always better: for the "
    "unregularized minimum-norm fit, going from N = K/2 to N = K makes the test error *worse*, "
    "because the fit must pass through every noisy point with barely enough room. Far from N = K, "
    "or with a little ridge or early stopping, more data helps steadily, by averaging out the "
    "noise, not by exploring more of the loss surface (each of these losses is convex, with one "
    "minimum or a valley of them)."
)
NO_NOISE = (
    "**Without noise there is no peak:** once N ≥ K the data determine w exactly and the min-norm "
    "fit recovers it; below that, the error is the part of w the data cannot see. Raise the noise "
    "to see the peak appear."
)


def _gamma_grid() -> np.ndarray:
    """21 log-spaced γ from 0.1 to 10, with γ = 1 and CHECK_GAMMAS in place of their near neighbours."""
    grid = np.geomspace(0.1, 10.0, 21)
    exact = np.array([*CHECK_GAMMAS, 1.0])
    far = np.min(np.abs(np.log(grid[:, None] / exact[None, :])), axis=1) > 0.05
    return np.sort(np.concatenate([grid[far], exact]))


GAMMAS = _gamma_grid()
SIGNAL = 1.0  # r² = ‖w_true‖²
GD_STEPS = 100  # gradient descent from 0 is stopped after this many steps of η = 1/λ_max
PEAK = 2.0  # a curve "peaks" at γ = 1 when its mean there is this many times its neighbours' larger mean

FEATURES = Choice("gen_k", "Features K", K_CHOICES, 40, "Fixed; N sweeps from 10K down to K/10.")
NOISE = Number("gen_noise", "Noise variance σ²", 0.0, 2.0, 0.5, 0.1, "Variance of ε in y = xᵀw + ε.")
SEEDS = Number(
    "gen_seeds", "Seeds", 2, 60, 12, 1, "Independent datasets per N; more gives narrower bands.", integer=True
)
RIDGE = Choice("gen_ridge", "Ridge λ", RIDGE_CHOICES, 0.1, "Penalty (λ/2)‖w‖² added to the loss.")
DISPLAY = {"gradient descent from 0": f"gradient descent from 0, stopped after {GD_STEPS} steps"}


def _controls() -> tuple[int, float, int, float]:
    row = st.container(horizontal=True, gap="medium")
    k, noise, seeds, ridge = FEATURES.render(row), NOISE.render(row), SEEDS.render(row), RIDGE.render(row)
    return int(k), float(noise), int(seeds), float(ridge)


def _num(value: float) -> str:
    """A risk for the room: 3 significant digits, thousands written out (6,060, not 6.06e+03)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def peak_sentence(summary: pd.DataFrame, *, noise: float) -> str:
    """What each fit's measured mean does at N = K (γ = 1) against its neighbours on the γ grid (markdown)."""
    lines = []
    for method in summary["method"].unique():
        part = summary[summary["method"] == method].sort_values("gamma")
        g, mean = part["gamma"].to_numpy(dtype=float), part["mean"].to_numpy(dtype=float)
        at = np.flatnonzero(np.isclose(g, 1.0))
        if not at.size or at[0] == 0 or at[0] == len(g) - 1:
            continue
        i = int(at[0])
        side = max(mean[i - 1], mean[i + 1])
        verdict = "**a peak**" if mean[i] > PEAK * side else "no peak"
        name = DISPLAY.get(method, method)
        lines.append(f"- {name}: {_num(mean[i])} at N = K, at most {_num(side)} beside it: {verdict}")
    if not lines:
        return ""
    head = "**Measured here**" + ("" if noise > 0 else ", without noise") + " (mean test error):"
    return "\n".join([head, *lines])


def agreement_table(summary: pd.DataFrame, *, noise: float) -> pd.DataFrame:
    """Measured mean risk of min-norm least squares against the HMRT theory at CHECK_GAMMAS."""
    mn = summary[summary["method"] == "min-norm least squares"]
    rows = []
    for g in CHECK_GAMMAS:
        hit = mn[np.isclose(mn["gamma"], g)]
        if hit.empty:
            continue
        row = hit.iloc[0]
        theory = float(min_norm_risk(float(row["gamma"]), signal=SIGNAL, noise=noise))
        rows.append(
            {
                "γ = K/N": float(row["gamma"]),
                "N": int(row["n_samples"]),
                "measured mean": float(row["mean"]),
                "± std error": float(row["std_error"]),
                "theory": theory,
                "difference": (float(row["mean"]) - theory) / theory if theory > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def generalization_page() -> None:
    current()  # the sidebar's problem is not used here: this experiment draws its own isotropic data
    st.markdown(INTRO.format(steps=GD_STEPS))
    k, noise, seeds, ridge = _controls()
    n_seeds = min(seeds, MAX_SEEDS[k])
    sizes = tuple(int(s) for s in sample_sizes_for_gammas(k, GAMMAS))
    start = time.perf_counter()
    try:
        with st.spinner(f"Fitting {len(sizes) * n_seeds} datasets ..."):
            summary = cs.double_descent(k, sizes, noise, SIGNAL, n_seeds, ridge, 0, GD_STEPS)
    except ValueError as exc:
        st.error(f"The experiment cannot run with these settings: {exc}", icon=":material/error:")
        return
    elapsed = time.perf_counter() - start
    dense = np.geomspace(GAMMAS[0], GAMMAS[-1], 400)
    dense = np.sort(np.concatenate([dense[np.abs(dense - 1) > 1e-3], [1.0]]))  # inf at γ = 1 breaks the line
    show_chart(
        build_double_descent_figure(
            summary,
            dense,
            min_norm_risk(dense, signal=SIGNAL, noise=noise),
            n_features=k,
            names=DISPLAY,
            dark=is_dark(),
        ),
        key="gen_curve",
        alt="Log-log plot of test excess risk against K over N for min-norm least squares, gradient descent "
        "and ridge, with the asymptotic theory and the peak at K = N marked",
    )
    sentence = peak_sentence(summary, noise=noise)
    if sentence:
        st.markdown(sentence)
    notes = [f"K = {k}, $\\|w\\|^2$ = {SIGNAL:g}, {n_seeds} seeds per N, isotropic features x ~ N(0, I)."]
    if n_seeds < seeds:
        notes.append(f"Seeds capped at {n_seeds} for K = {k} to keep the rerun short.")
    notes.append(
        "Bands: ± one standard error of the mean. At N = K with noise the expected error is infinite, so the "
        "mean there is whatever the worst seed made it (the hover gives the median too)."
    )
    if elapsed > 0.05:
        notes.append(f"Computed in {elapsed:.2f} s.")
    st.caption(" ".join(notes))
    st.markdown(MORE_DATA if noise > 0 else NO_NOISE)
    table = agreement_table(summary, noise=noise)
    if len(table):
        st.markdown("**Measured against the theory** (min-norm least squares, away from the peak):")
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                "γ = K/N": st.column_config.NumberColumn(format="%.3g"),
                "measured mean": st.column_config.NumberColumn(format="%.4g"),
                "± std error": st.column_config.NumberColumn(format="%.2g"),
                "theory": st.column_config.NumberColumn(format="%.4g"),
                "difference": st.column_config.NumberColumn(format="percent"),
            },
        )
        st.caption(
            "The theory is the limit K, N → ∞. At finite K the exact mean for γ < 1 is "
            "$\\sigma^2K/(N-K-1)$, slightly above the limit $\\sigma^2K/(N-K)$; the rest of the difference "
            "is seed-to-seed noise (compare it with the standard error)."
        )
