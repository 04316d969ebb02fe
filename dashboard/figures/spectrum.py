"""Spectrum figures: filter factors per singular direction, momentum's phase diagram, digits lost.

Three pictures of one idea, X = UΣVᵀ: every method keeps a fraction φ of the least-squares
solution along each singular direction (core.spectral). The builders evaluate the filters
with ``core.spectral_filter`` (as curves over σ and at the data's own σᵢ) and draw what
``core.momentum_rate_map`` and ``core.digits_lost`` computed; they never import streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core import DigitsLost, MomentumRateMap, spectral_filter

from .style import (
    LEGEND_AT_BOTTOM,
    LINE_WIDTH,
    LOG_AXIS,
    MARKER_SIZE,
    OKABE_ITO,
    ink,
    make_figure,
    paper,
    reference_color,
    star_trace,
    wrap,
)

FIGURE_HEIGHT = 520
CURVE_POINTS = 240  # σ grid of a filter curve
# The σ axis reaches this factor below the data's smallest σ (where the filters cut) and above the
# largest (where every filter is ≈ 1, and GD, near its stability edge, would oscillate).
SIGMA_MARGIN_LOW, SIGMA_MARGIN_HIGH = 3.0, 1.5
PHI_CLIP = 3.0  # |φ| beyond this (a diverging run) is not drawn: the run's legend says why
RATE_LEVELS = (1, 10, 100, 1_000, 10_000, 100_000)  # colour bar ticks, in steps per 10× less error
METHOD_STYLE = {  # digits-lost lines
    "normal": ("normal equations (XᵀX)", OKABE_ITO["vermillion"], 2),
    "qr": ("QR of X", OKABE_ITO["blue"], 1),
    "svd": ("SVD of X", OKABE_ITO["bluish_green"], 1),
}
LEGEND_ROW = 32  # px per legend entry: on a narrow screen (or the projector) each gets its own row
DIVERGED_COLOR = "#c9c9c9"
DIVERGED_COLOR_DARK = "#4a4a4a"
PICK_LABEL = "click to set"


@dataclass(frozen=True)
class FilterSpec:
    """One filter to draw: a method, its hyperparameters, its legend label and style.

    ``method`` is ``"gd"``, ``"momentum"``, ``"ridge"`` or ``"pinv"`` (as in core.filter_factors);
    gd/momentum are drawn at the figure's step t.
    """

    label: str
    color: str
    method: str
    learning_rate: float | None = None
    momentum: float = 0.0
    ridge: float | None = None
    dash: str = "solid"
    width: float = LINE_WIDTH


def filter_values(spec: FilterSpec, singular_values, n_samples: int, steps: int) -> np.ndarray:
    """φ of ``spec`` at ``singular_values`` after ``steps`` steps (what the figure draws)."""
    kwargs = {}
    if spec.method in ("gd", "momentum"):
        kwargs = {"steps": int(steps), "learning_rate": spec.learning_rate}
        if spec.method == "momentum":
            kwargs["momentum"] = spec.momentum
    elif spec.method == "ridge":
        kwargs = {"ridge": spec.ridge}
    return spectral_filter(singular_values, n_samples=n_samples, method=spec.method, **kwargs)


def sigma_grid(singular_values) -> np.ndarray:
    """The σ axis of a filter figure: log-spaced around the data's nonzero singular values."""
    s = np.asarray(singular_values, dtype=float)
    s = s[s > 0]
    if s.size == 0:
        return np.geomspace(1e-3, 1e3, CURVE_POINTS)
    return np.geomspace(s.min() / SIGMA_MARGIN_LOW, s.max() * SIGMA_MARGIN_HIGH, CURVE_POINTS)


def height_for(base: int, legend_entries: int) -> int:
    """Figure height leaving ``base`` px for the plot whatever the legend below it needs.

    Plotly makes room for a legend by shrinking the plot: with many entries on a narrow
    screen the plot itself would shrink to a sliver.
    """
    return base + LEGEND_ROW * max(0, legend_entries - 2)


def _shown(phi: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(phi) & (np.abs(phi) <= PHI_CLIP), phi, np.nan)


def stable_part(spec: FilterSpec, sigma: np.ndarray, n_samples: int) -> np.ndarray:
    """Where a gradient method converges along σ: ησ²/N < 2(1 + β). Everywhere for ridge and pinv.

    A filter curve ends at that edge: past it the method would diverge along such a direction,
    which only matters where the data have one (their markers show it).
    """
    if spec.method not in ("gd", "momentum"):
        return np.ones(sigma.shape, dtype=bool)
    return spec.learning_rate * sigma**2 / n_samples < 2.0 * (1.0 + spec.momentum)


def build_filter_figure(
    singular_values,
    n_samples: int,
    specs: Sequence[FilterSpec],
    *,
    steps: int,
    rank: int | None = None,
    dark: bool = False,
) -> go.Figure:
    """φ(σ) of every spec as a curve over σ, with markers at the data's own singular values.

    Parameters
    ----------
    singular_values : array-like of shape (r,)
        σᵢ of X, descending; those beyond ``rank`` (or zero) are not drawn (no data there).
    n_samples : int
    specs : sequence of FilterSpec
    steps : int
        t for the gradient methods.
    rank : int, optional
        Numerical rank of X; default: the number of nonzero σᵢ.
    dark : bool, default=False
    """
    s = np.asarray(singular_values, dtype=float)
    r = int(np.count_nonzero(s > 0)) if rank is None else int(rank)
    data_s = s[:r]
    grid = sigma_grid(data_s)
    curvature = data_s**2 / n_samples
    traces = []
    for spec in specs:
        phi_grid = np.where(
            stable_part(spec, grid, n_samples), _shown(filter_values(spec, grid, n_samples, steps)), np.nan
        )
        phi_data = filter_values(spec, data_s, n_samples, steps)
        shown = _shown(phi_data)
        line = {"color": spec.color, "width": spec.width, "dash": spec.dash}
        traces.append(
            {
                "type": "scatter",
                "x": grid,
                "y": phi_grid,
                "mode": "lines",
                "line": line,
                "name": spec.label,
                "legendgroup": spec.label,
                "hoverinfo": "skip",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": data_s,
                "y": shown,
                "mode": "markers",
                "marker": {
                    "color": spec.color,
                    "size": MARKER_SIZE + 3,
                    "line": {"color": paper(dark), "width": 1},
                },
                "name": spec.label,
                "legendgroup": spec.label,
                "showlegend": False,
                "customdata": np.column_stack([np.arange(1, r + 1), curvature, phi_data]),
                "hovertemplate": f"{spec.label}<br>direction %{{customdata[0]:d}}: σ = %{{x:.4g}}, "
                "σ²/N = %{customdata[1]:.4g}<br>φ = %{customdata[2]:.4g}<extra></extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": data_s,
            "y": np.zeros(r),
            "mode": "markers",
            "marker": {
                "symbol": "line-ns-open",
                "size": 22,
                "color": reference_color(dark),
                "line": {"width": 2},
            },
            "name": "σᵢ of your data",
            "hovertemplate": "direction of your data: σ = %{x:.4g}<extra></extra>",
        }
    )
    layout = {
        "height": height_for(FIGURE_HEIGHT, len(specs) + 1),
        "xaxis": {**LOG_AXIS, "title": {"text": "singular value σ of X (log scale)"}},
        "yaxis": {"title": {"text": "filter factor φ (kept fraction)"}, "zeroline": True},
        "legend": LEGEND_AT_BOTTOM,
        "hovermode": "closest",
    }
    title = f"Kept fraction φ, t = {int(steps):,}"
    return make_figure(traces, layout, title=title, dark=dark)


@dataclass(frozen=True)
class PhasePoint:
    """A compared run on the phase diagram."""

    label: str
    color: str
    learning_rate: float
    momentum: float


DIVERGED_CODE = (
    255  # the phase heatmap ships one byte per cell: 0 … SPEED_CODES for speed, this for divergence
)
SPEED_CODES = 250


def format_rate(rate: float) -> str:
    """A rate per step for the room: 3 digits, but 1 − δ near 1 (where 3 digits would just say 1)."""
    rate = float(rate)
    if 0.999 <= rate < 1.0:
        return f"1 − {1.0 - rate:.2g}"
    return f"{rate:.3g}"


def steps_per_digit(rate) -> np.ndarray:
    """Steps for the error to shrink 10×: ln 10 / −ln(rate) (inf at rate ≥ 1)."""
    rate = np.asarray(rate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate < 1, np.log(10.0) / -np.log(np.maximum(rate, 1e-300)), np.inf)


def speed_codes(rate: np.ndarray) -> tuple[np.ndarray, float]:
    """The heatmap's bytes: log10(steps per 10×) scaled to 0 … SPEED_CODES, DIVERGED_CODE where rate ≥ 1.

    Returns the codes (uint8, the shape of ``rate``) and the decades the colour scale spans.
    """
    per_digit = steps_per_digit(rate)
    finite = np.isfinite(per_digit)
    with np.errstate(divide="ignore"):
        decades = np.log10(np.maximum(np.where(finite, per_digit, 1.0), 1.0))
    top = float(max(np.log10(RATE_LEVELS[-1]), decades[finite].max() if finite.any() else 0.0))
    codes = np.round(decades / top * SPEED_CODES)
    return np.where(finite, codes, DIVERGED_CODE).astype(np.uint8), top


def _speed_colorscale(dark: bool) -> list:
    """Viridis (fast = yellow, slow = purple) on the speed codes, grey on the divergence code."""
    viridis = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")  # reversed: few steps is bright
    stop = SPEED_CODES / DIVERGED_CODE
    scale = [[stop * i / (len(viridis) - 1), c] for i, c in enumerate(viridis)]
    grey = DIVERGED_COLOR_DARK if dark else DIVERGED_COLOR
    return [*scale, [(SPEED_CODES + 1) / DIVERGED_CODE, grey], [1.0, grey]]


def _speed_colorbar(top: float, dark: bool) -> dict:
    levels = [v for v in (*RATE_LEVELS, 10**7, 10**9) if np.log10(v) <= top]
    return {
        "title": {"text": "steps for<br>10× less<br>error", "side": "top"},
        "tickvals": [np.log10(v) / top * SPEED_CODES for v in levels],
        "ticktext": [f"{v:,}" if v < 10**7 else f"10^{int(np.log10(v))}" for v in levels],
        "len": 0.85,
        "thickness": 16,
        "outlinewidth": 0,
        "tickfont": {"color": ink(dark)},
    }


def build_phase_figure(
    rates: MomentumRateMap,
    points: Sequence[PhasePoint] = (),
    *,
    pick_learning_rates: Sequence[float] = (),
    pick_momenta: Sequence[float] = (),
    dark: bool = False,
) -> go.Figure:
    """Heavy-ball rate over (η, β) for this data: colour = steps per 10× less error, grey = diverges.

    Parameters
    ----------
    rates : core.MomentumRateMap
    points : sequence of PhasePoint
        Compared runs, drawn as markers in their colours.
    pick_learning_rates, pick_momenta : sequences of float
        The (η, β) a click can choose (the sidebar's values): drawn as an all-but-invisible
        grid of points whose hover gives the exact rate there.
    dark : bool, default=False
    """
    eta, beta = rates.learning_rates, rates.momenta
    codes, top = speed_codes(rates.rate)
    traces = [
        {
            "type": "heatmap",
            "x": eta,
            "y": beta,
            "z": codes,
            "zmin": 0,
            "zmax": DIVERGED_CODE,
            "colorscale": _speed_colorscale(dark),
            "colorbar": _speed_colorbar(top, dark),
            "name": "speed",
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": rates.divergence_boundary,
            "y": beta,
            "mode": "lines",
            "line": {"color": ink(dark), "width": 2, "dash": "dash"},
            "name": "stability edge η = 2(1 + β)/λ<sub>max</sub>",
            "hovertemplate": "edge: η = %{x:.4g} at β = %{y:.2f}<extra></extra>",
        },
        {  # a legend entry for the grey region (the heatmap itself has no legend)
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {
                "symbol": "square",
                "size": 14,
                "color": DIVERGED_COLOR_DARK if dark else DIVERGED_COLOR,
            },
            "name": "grey: diverges",
            "hoverinfo": "skip",
        },
    ]
    pick = _pick_grid(rates, pick_learning_rates, pick_momenta)
    if pick is not None:
        traces.append(pick)
    best = rates.best_rate
    traces.append(
        star_trace(
            rates.best_learning_rate,
            rates.best_momentum,
            name=f"fastest: rate {format_rate(best)} per step",
            dark=dark,
            hover=f"<br>η* = {rates.best_learning_rate:.4g}, β* = {rates.best_momentum:.4g}"
            f"<br>rate √β* = {format_rate(best)}",
        )
    )
    for p in points:
        rate = float(rates.rate_at(p.learning_rate, p.momentum))
        traces.append(
            {
                "type": "scatter",
                "x": [p.learning_rate],
                "y": [p.momentum],
                "mode": "markers+text",
                "marker": {
                    "color": p.color,
                    "size": 16,
                    "symbol": "circle",
                    "line": {"color": paper(dark), "width": 2},
                },
                "text": [p.label.split(":")[0]],
                "textposition": "top center",
                "textfont": {"color": ink(dark)},
                "name": p.label,
                "hovertemplate": f"{p.label}<br>η = %{{x:.4g}}, β = %{{y:.2f}}"
                f"<br>rate {format_rate(rate)} per step"
                + ("" if rate < 1 else " (diverges)")
                + "<extra></extra>",
            }
        )
    layout = {
        "height": height_for(FIGURE_HEIGHT + 40, 3 + len(points)),
        "xaxis": {
            **LOG_AXIS,
            "title": {"text": "learning rate η (log scale)"},
            "range": [float(np.log10(eta[0])), float(np.log10(eta[-1]))],
        },
        "yaxis": {"title": {"text": "momentum β"}, "range": [float(beta[0]) - 0.05, float(beta[-1]) + 0.01]},
        "legend": LEGEND_AT_BOTTOM,
        "hovermode": "closest",
        "clickmode": "event+select",
    }
    return make_figure(traces, layout, title="Heavy ball: speed at (η, β)", dark=dark)


def _pick_grid(rates: MomentumRateMap, learning_rates, momenta) -> dict | None:
    eta = np.asarray([v for v in learning_rates if rates.learning_rates[0] <= v <= rates.learning_rates[-1]])
    beta = np.asarray(list(momenta), dtype=float)
    if eta.size == 0 or beta.size == 0:
        return None
    E, B = np.meshgrid(eta, beta)
    rate = rates.rate_at(E, B)
    return {  # float32 halves the JSON; a click is snapped to the sidebar's values anyway
        "type": "scatter",
        "x": E.ravel().astype(np.float32),
        "y": B.ravel().astype(np.float32),
        "mode": "markers",
        "marker": {"size": 9, "color": "rgba(0,0,0,0)"},  # invisible, yet hovered and clicked
        "customdata": rate.ravel().astype(np.float32),
        "name": PICK_LABEL,
        "showlegend": False,
        "hovertemplate": "η = %{x:g}, β = %{y:.2f}<br>rate %{customdata:.4g} per step"
        "<extra>click to set</extra>",
    }


def build_digits_figure(
    lost: DigitsLost, *, condition_number: float | None = None, dark: bool = False
) -> go.Figure:
    """Digits lost by the normal equations, QR and the SVD against κ(X), your data's κ marked.

    Parameters
    ----------
    lost : core.DigitsLost
    condition_number : float, optional
        κ(X) of the data on screen (inf: rank deficient; None: not marked).
    dark : bool, default=False
    """
    kappa = lost.condition_numbers
    digits = lost.digits_lost
    traces = []
    for i, method in enumerate(lost.methods):
        label, color, _ = METHOD_STYLE[method]
        traces.append(
            {
                "type": "scatter",
                "x": kappa,
                "y": digits[i],
                "mode": "lines+markers",
                "line": {"color": color, "width": LINE_WIDTH},
                "marker": {"color": color, "size": MARKER_SIZE},
                "name": label,
                "customdata": lost.relative_error[i],
                "hovertemplate": f"{label}<br>κ(X) = %{{x:.3g}}: %{{y:.1f}} digits lost"
                "<br>relative error %{customdata:.2e}<extra></extra>",
            }
        )
    upper = (
        float(max(kappa[-1], condition_number or 0.0)) if np.isfinite(condition_number or 0.0) else kappa[-1]
    )
    line_k = np.geomspace(1.0, upper, 60)
    for power, text in ((2, "theory 2·log₁₀ κ"), (1, "theory log₁₀ κ")):
        traces.append(
            {
                "type": "scatter",
                "x": line_k,
                "y": np.minimum(power * np.log10(line_k), 16.0),
                "mode": "lines",
                "line": {"color": reference_color(dark), "width": 2, "dash": "dash" if power == 2 else "dot"},
                "name": text,
                "hoverinfo": "skip",
            }
        )
    refused = kappa[lost.refused[list(lost.methods).index("normal")]]
    shapes, annotations = [], []
    if refused.size:
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": float(refused[0]),
                "x1": float(upper),
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(213,94,0,0.08)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        annotations.append(
            {
                "x": float(np.log10(refused[0])),
                "y": 0.03,
                "xref": "x",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "text": wrap("normal equations refuse here: XᵀX is numerically singular", 18),
                "font": {"color": OKABE_ITO["vermillion"]},
            }
        )
    if condition_number is not None:
        if np.isfinite(condition_number):
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": float(condition_number),
                    "x1": float(condition_number),
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": ink(dark), "width": 3},
                }
            )
            annotations.append(
                {
                    "x": float(np.log10(max(condition_number, 1.0))),
                    "y": 0.62,
                    "xref": "x",
                    "yref": "paper",
                    "xanchor": "left",
                    "showarrow": False,
                    "bgcolor": paper(dark),
                    "text": f" your data: κ(X) = {condition_number:.3g}",
                }
            )
        else:
            annotations.append(
                {
                    "x": 0.99,
                    "y": 0.62,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "right",
                    "showarrow": False,
                    "text": wrap("your data: κ(X) = ∞ (rank deficient), off the chart", 26),
                }
            )
    layout = {
        "height": FIGURE_HEIGHT,
        "xaxis": {**LOG_AXIS, "title": {"text": "condition number κ(X) (log scale)"}},
        "yaxis": {"title": {"text": "digits of w lost (of ~16)"}, "range": [0, 16.5], "dtick": 2},
        "legend": LEGEND_AT_BOTTOM,
        "shapes": shapes,
        "annotations": annotations,
        "hovermode": "closest",
    }
    return make_figure(traces, layout, title="Digits lost in w against κ(X)", dark=dark)
