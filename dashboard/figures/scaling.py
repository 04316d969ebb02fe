"""How things scale: minibatch minimizers and the SGD noise ball (against B and η), double
descent (against γ = K/N), and the cost of each method (against N and K).

Every number comes in from ``core`` (its DataFrames and objects); these builders only draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core import minimum_set

from .style import (
    FEW_TICKS,
    FIGURE_HEIGHT,
    LEGEND_AT_BOTTOM,
    LEGEND_ROW,
    LINE_WIDTH,
    LOG_AXIS,
    OKABE_ITO,
    PATH_COLORS,
    equal_axes,
    ink,
    loss_contour_trace,
    make_figure,
    note_box,
    paper,
    reference_color,
    star_trace,
)

BATCH_MIN_LABEL = "minimizer of one batch"
ELLIPSE_NOTE = "each batch's contour through w*"
MEASURED_SPREAD = "measured RMS ‖ŵ<sub>B</sub> − w*‖"
LAW_LABEL = "c/√B, c fitted to the dots"
SANDWICH_LABEL = "sandwich law, nothing fitted"
# The noise ball for the two ways of drawing batches (see build_noise_ball_figure).
INDEPENDENT = "independent batches"
RESHUFFLED = "reshuffled each epoch"
SAMPLING_COLORS = {INDEPENDENT: OKABE_ITO["blue"], RESHUFFLED: OKABE_ITO["vermillion"]}
THEORY_RADIUS = "exact theory, independent"
MEASURED_RADIUS = "measured"
THEORY_RISK_LABEL = "theory (HMRT 2019), min-norm"
LEFT_OUT_LABEL = "hollow: left out of the fit"
FITTED_LABEL = "dashed: the fitted model"
METHOD_COLORS = {
    "min-norm least squares": OKABE_ITO["vermillion"],
    "gradient descent from 0": OKABE_ITO["blue"],
}
RIDGE_COLOR = OKABE_ITO["bluish_green"]
COST_COLORS = {
    "normal equations": OKABE_ITO["blue"],
    "QR": OKABE_ITO["bluish_green"],
    "SVD": OKABE_ITO["reddish_purple"],
    "SGD epoch": OKABE_ITO["vermillion"],
}
MAX_CLOUD_POINTS = 600


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _vline(x: float, text: str, *, dark: bool, xref: str = "x", yref: str = "y domain", dash="dot") -> tuple:
    """A vertical reference line (shape) with its label (annotation) at the top."""
    shape = {
        "type": "line",
        "xref": xref,
        "yref": yref,
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": reference_color(dark), "width": 2, "dash": dash},
    }
    note = {
        "text": text,
        "xref": xref,
        "yref": yref,
        "x": float(np.log10(x)) if x > 0 else x,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "font": {"color": ink(dark)},
        "bgcolor": note_box(dark),
    }
    return shape, note


# -- minibatch minimizers ---------------------------------------------------------------


def ellipse_through(loss, point, n_points: int = 73) -> np.ndarray:
    """The level set of a 2-parameter ``QuadraticLoss`` through ``point``: (n_points, 2).

    With A = V diag(λ) Vᵀ the set ½(w − m)ᵀA(w − m) = L(point) − L* is the ellipse
    m + V diag(√(2Δ/λ)) (cos t, sin t). Requires A of rank 2.
    """
    level = float(loss.value(np.asarray(point, dtype=float))) - loss.min_value
    t = np.linspace(0.0, 2 * np.pi, n_points)
    radii = np.sqrt(2 * max(level, 0.0) / loss.eigenvalues)  # (2,)
    return loss.minimizer + (np.column_stack([np.cos(t), np.sin(t)]) * radii) @ loss.eigenvectors.T


def _clip_line(point, direction, x_range, y_range) -> np.ndarray:
    """The segment of the line point + s·direction inside the box, as 2 rows (or empty)."""
    lo, hi = -np.inf, np.inf
    for p, d, (a, b) in zip(point, direction, (x_range, y_range), strict=True):
        if abs(d) < 1e-15:
            if not a <= p <= b:
                return np.empty((0, 2))
            continue
        s1, s2 = (a - p) / d, (b - p) / d
        lo, hi = max(lo, min(s1, s2)), min(hi, max(s1, s2))
    if lo > hi:
        return np.empty((0, 2))
    return np.array([point + lo * direction, point + hi * direction])


def build_batch_minimizers_figure(
    slice_,
    minimizers,
    w_star,
    *,
    batch_losses: Sequence = (),
    batch_size: int,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Full-data contours, the minimizer of every drawn batch, and a few batches' own contours.

    Parameters
    ----------
    slice_ : core.landscape.LossSlice
        The full-data loss on a coordinate plane through w*.
    minimizers : array-like of shape (n_batches, K)
        ``core.batch_minimizers(...).minimizers``; drawn projected onto the plane.
    w_star : array-like of shape (K,)
    batch_losses : sequence of core.QuadraticLoss
        Only for K = 2: each batch's loss. A full-rank one is drawn as its level set
        through w*; a singular one (B < 2, or collinear rows) as its line of minima.
    batch_size : int
    dark, title

    Returns
    -------
    plotly.graph_objects.Figure
        Contour, the batch contours (one legend entry), the minimizers, then w*.
    """
    labels = slice_.labels
    x_range, y_range = (slice_.x[0], slice_.x[-1]), (slice_.y[0], slice_.y[-1])
    data = [loss_contour_trace(slice_.x, slice_.y, slice_.Z, slice_.min_value, labels, dark=dark)]
    drawn_flat = False
    for n, loss in enumerate(batch_losses):
        color = PATH_COLORS[(n + 1) % len(PATH_COLORS)]
        if loss.rank == loss.n_features:
            pts, name = ellipse_through(loss, w_star), ELLIPSE_NOTE
        else:
            flat = minimum_set(loss)
            pts = _clip_line(flat.minimizer, flat.null_space[:, 0], x_range, y_range)
            name, drawn_flat = "a batch's line of minima (B < K)", True
        data.append(
            {
                "type": "scatter",
                "x": pts[:, 0],
                "y": pts[:, 1],
                "mode": "lines",
                "line": {"color": color, "width": 2.5, "dash": "dash"},
                "name": name,
                "legendgroup": "batch contours",
                "showlegend": n == 0,
                "hovertemplate": f"batch {n + 1}: {name}<extra></extra>",
            }
        )
    bx, by, _ = slice_.project(np.asarray(minimizers, dtype=float))
    data.append(
        {
            "type": "scatter",
            "x": bx,
            "y": by,
            "mode": "markers",
            "marker": {
                "size": 11,
                "color": OKABE_ITO["orange"],
                "symbol": "circle",
                "line": {"color": ink(dark), "width": 1},
            },
            "name": BATCH_MIN_LABEL,
            "customdata": np.arange(1, len(bx) + 1),
            "hovertemplate": f"batch %{{customdata}}: its own minimizer<br>{labels[0]} = %{{x:.4g}}"
            f"<br>{labels[1]} = %{{y:.4g}}<extra></extra>",
        }
    )
    sx, sy, _ = slice_.project(np.asarray(w_star, dtype=float)[None, :])
    data.append(star_trace(sx[0], sy[0], dark=dark, hover="<br>the ONE minimum of the full-data loss"))
    layout = {**equal_axes(x_range, y_range, labels), "legend": LEGEND_AT_BOTTOM, "height": _height(data)}
    if drawn_flat:
        layout["annotations"] = [_corner_note("B < K: each batch has a flat valley of minima", dark)]
    title = title or f"Batch minimizers, B = {batch_size}"
    return make_figure(data, layout, title=title, dark=dark)


def _corner_note(text: str, dark: bool) -> dict:
    return {
        "text": text,
        "xref": "x domain",
        "yref": "y domain",
        "x": 0.01,
        "y": 0.01,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"color": ink(dark)},
        "bgcolor": note_box(dark),
    }


def build_spread_figure(
    spread: pd.DataFrame, *, batch_size: int | None = None, dark: bool = False, title: str | None = None
) -> go.Figure:
    """RMS distance of the batch minimizers to w* against B, log-log, with c/√B and the sandwich law.

    Parameters
    ----------
    spread : pandas.DataFrame
        ``core.minimizer_spread``. Rows with zero distance (B = N) are not drawn on log axes.
    batch_size : int, optional
        The B of the picture beside it, marked with a vertical line.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: measured, c/√B, sandwich theory (when finite).
    """
    df = spread[spread["rms_distance"] > 0]
    B = df["batch_size"].to_numpy(dtype=float)
    fit = df["in_fit"].to_numpy(dtype=bool)
    data = [
        {
            "type": "scatter",
            "x": B,
            "y": df["rms_distance"].to_numpy(dtype=float),
            "mode": "lines+markers",
            "line": {"color": OKABE_ITO["orange"], "width": LINE_WIDTH - 1},
            "marker": {
                "size": 13,
                "color": [OKABE_ITO["orange"] if f else "#ffffff" for f in fit],
                "line": {"color": OKABE_ITO["orange"], "width": 2.5},
            },
            "name": MEASURED_SPREAD,
            "customdata": np.column_stack([df["mean_distance"], fit.astype(int)]),
            "hovertemplate": "B = %{x}<br>RMS distance %{y:.4g}<br>mean distance %{customdata[0]:.4g}"
            "<br>used in the fit of c: %{customdata[1]}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": B,
            "y": df["law"].to_numpy(dtype=float),
            "mode": "lines",
            "line": {"color": ink(dark), "width": 2.5, "dash": "dash"},
            "name": LAW_LABEL,
            "hovertemplate": "B = %{x}<br>c/√B = %{y:.4g}<extra></extra>",
        },
    ]
    theory = df["theory"].to_numpy(dtype=float)
    if np.isfinite(theory).any():
        data.append(
            {
                "type": "scatter",
                "x": B,
                "y": theory,
                "mode": "lines",
                "line": {"color": OKABE_ITO["blue"], "width": 3, "dash": "dot"},
                "name": SANDWICH_LABEL,
                "hovertemplate": "B = %{x}<br>√(tr(A⁻¹SA⁻¹)/B · (N−B)/(N−1)) = %{y:.4g}<extra></extra>",
            }
        )
    layout = {
        "xaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": "batch size B (log)"}},
        "yaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": "‖ŵ<sub>B</sub> − w*‖ (log)"}},
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    if batch_size is not None and batch_size > 0:
        shape, note = _vline(batch_size, f" B = {batch_size}", dark=dark)
        layout["shapes"], layout["annotations"] = [shape], [note]
    return make_figure(data, layout, title=title or "Spread shrinks like 1/√B", dark=dark)


# -- the noise ball -------------------------------------------------------------------------


def _circle(center, radius: float, n_points: int = 97) -> np.ndarray:
    t = np.linspace(0.0, 2 * np.pi, n_points)
    return np.asarray(center, dtype=float) + radius * np.column_stack([np.cos(t), np.sin(t)])


@dataclass(frozen=True)
class BallCloud:
    """Iterates of one constant-rate SGD run from w*, and their measured RMS distance to w*.

    ``sampling`` is INDEPENDENT (each batch drawn afresh, rows with replacement: the case
    the exact theory describes) or RESHUFFLED (a fresh random order every epoch, each row
    once per epoch: how the app's runs, and most SGD code, draw batches).
    """

    sampling: str
    points: np.ndarray  # (T, 2): the two drawn coordinates
    rms: float | None = None  # √mean ‖w − w*‖² over all K coordinates; a ring when given


def _ring(center, radius, name: str, color: str, dash: str, legend: bool, group: str | None = None) -> dict:
    c = _circle(center, radius)
    return {
        "type": "scatter",
        "x": c[:, 0],
        "y": c[:, 1],
        "mode": "lines",
        "line": {"color": color, "width": 3, "dash": dash},
        "name": name,
        "legendgroup": group or name,
        "showlegend": legend,
        "hovertemplate": f"{name}<br>radius {radius:.4g}<extra></extra>",
    }


def build_noise_ball_figure(
    x,
    y,
    Z,
    min_value: float,
    labels: Sequence[str],
    clouds: Sequence[BallCloud],
    center,
    *,
    radius_theory: float | None,
    learning_rate: float,
    batch_size: int,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Constant-rate SGD started at w*: the clouds of its iterates on the full-data contours.

    Parameters
    ----------
    x : array-like of shape (n_x,)
    y : array-like of shape (n_y,)
    Z : array-like of shape (n_y, n_x)
        The full-data loss on that grid (``QuadraticLoss.slice_grid`` around w*, zoomed to the ball).
    min_value : float
        L*.
    labels : (str, str)
    clouds : sequence of BallCloud
        One per way of drawing batches, drawn in order (the wider one first); each thinned to
        600 points. A cloud's ``rms`` is drawn as a dashed ring around w* in its colour.
    center : array-like of shape (2,)
        w* in the two drawn coordinates.
    radius_theory : float or None
        √E‖w − w*‖² for independent batches (``core.noise_ball_theory``): a solid ring.
        Rings are only meaningful for K = 2 (pass None and no ``rms`` otherwise).
    learning_rate : float
    batch_size : int

    Returns
    -------
    plotly.graph_objects.Figure
        Contour; per cloud its points (legend: sampling and RMS) and ring; the theory ring; w*.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    cx, cy = (float(v) for v in center)
    data = [loss_contour_trace(x, y, Z, min_value, labels, dark=dark)]
    for cloud in clouds:
        W = np.asarray(cloud.points, dtype=float)
        if len(W) > MAX_CLOUD_POINTS:
            W = W[np.linspace(0, len(W) - 1, MAX_CLOUD_POINTS).round().astype(int)]
        color = SAMPLING_COLORS[cloud.sampling]
        ring = cloud.rms is not None and np.isfinite(cloud.rms) and cloud.rms > 0
        name = f"{cloud.sampling}: RMS {cloud.rms:.3g}" if ring else f"SGD, {cloud.sampling}"
        data.append(
            {
                "type": "scatter",
                "x": W[:, 0],
                "y": W[:, 1],
                "mode": "markers",
                "marker": {"size": 7, "color": _rgba(color, 0.55)},
                "name": name,
                "legendgroup": cloud.sampling,
                "hovertemplate": f"{labels[0]} = %{{x:.4g}}<br>{labels[1]} = %{{y:.4g}}"
                f"<extra>SGD iterate, {cloud.sampling}</extra>",
            }
        )
        if ring:
            name = f"{MEASURED_RADIUS}, {cloud.sampling}"
            data.append(_ring((cx, cy), cloud.rms, name, color, "dash", False, cloud.sampling))
    if radius_theory is not None and np.isfinite(radius_theory) and radius_theory > 0:
        data.append(
            _ring((cx, cy), radius_theory, f"{THEORY_RADIUS}: {radius_theory:.3g}", ink(dark), "solid", True)
        )
    data.append(star_trace(cx, cy, dark=dark))
    layout = {
        **equal_axes((x[0], x[-1]), (y[0], y[-1]), labels),
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    title = title or f"Noise ball, η = {learning_rate:.3g}, B = {batch_size}"
    return make_figure(data, layout, title=title, dark=dark)


RADIUS_AXES = {  # against: (symbol, axis title)
    "learning_rate": ("η", "learning rate η (log)"),
    "batch_size": ("B", "batch size B (log)"),
}


def build_radius_figure(
    reshuffled: pd.DataFrame,
    independent: pd.DataFrame | None = None,
    *,
    against: str,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Noise-ball radius against η or B, log-log: the exact theory and both ways of drawing batches.

    Parameters
    ----------
    reshuffled : pandas.DataFrame
        ``core.noise_ball_radius`` (reshuffled each epoch); its ``theory_rms_radius`` (for
        independent batches) is the theory line.
    independent : pandas.DataFrame, optional
        The same sweep measured with independent batches (``learning_rate``, ``batch_size``,
        ``rms_radius``, ``diverged``, ``n_iterates``).
    against : {"learning_rate", "batch_size"}
        The column that varies (the other is fixed, and named in the title).

    Returns
    -------
    plotly.graph_objects.Figure
        Theory (line), measured independent, measured reshuffled (markers). Diverged runs and
        infinite theory are not drawn.
    """
    sym, axis_title = RADIUS_AXES[against]
    ok = reshuffled[~reshuffled["diverged"].astype(bool)].sort_values(against)
    data = []
    theory = ok["theory_rms_radius"].to_numpy(dtype=float)
    finite = np.isfinite(theory)
    if finite.any():
        data.append(
            {
                "type": "scatter",
                "x": ok[against].to_numpy(dtype=float)[finite],
                "y": theory[finite],
                "mode": "lines",
                "line": {"color": ink(dark), "width": 3, "dash": "dash"},
                "name": f"{THEORY_RADIUS} batches",
                "hovertemplate": f"{sym} = %{{x:.4g}}<br>theory %{{y:.4g}}<extra>independent batches</extra>",
            }
        )
    for sampling, df, symbol in ((INDEPENDENT, independent, "circle"), (RESHUFFLED, reshuffled, "square")):
        if df is None:
            continue
        part = df[~df["diverged"].astype(bool)].sort_values(against)
        color = SAMPLING_COLORS[sampling]
        data.append(
            {
                "type": "scatter",
                "x": part[against].to_numpy(dtype=float),
                "y": part["rms_radius"].to_numpy(dtype=float),
                "mode": "markers+lines",
                "line": {"color": color, "width": 2},
                "marker": {"size": 12, "color": color, "symbol": symbol},
                "name": f"{MEASURED_RADIUS}, {sampling}",
                "customdata": part["n_iterates"].to_numpy(),
                "hovertemplate": f"{sym} = %{{x:.4g}}<br>RMS ‖w − w*‖ = %{{y:.4g}}"
                f"<br>over %{{customdata}} iterates<extra>{sampling}</extra>",
            }
        )
    fixed = reshuffled["batch_size" if against == "learning_rate" else "learning_rate"]
    value = fixed.iloc[0] if len(fixed) else float("nan")
    layout = {
        "xaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": axis_title}},
        "yaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": "radius: RMS ‖w − w*‖ (log)"}},
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    if title is None:
        title = (
            f"Radius against η, B = {value:g}"
            if against == "learning_rate"
            else f"Radius against B, η = {value:.3g}"
        )
    return make_figure(data, layout, title=title, dark=dark)


# -- double descent ----------------------------------------------------------------------


def build_double_descent_figure(
    summary: pd.DataFrame,
    theory_gamma,
    theory_risk,
    *,
    n_features: int,
    names: dict | None = None,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Test excess risk against γ = K/N, log-log: each method's mean ± standard error, and the theory.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``core.summarize_risk`` of ``core.double_descent_experiment``.
    theory_gamma, theory_risk : array-like of shape (m,)
        ``core.min_norm_risk`` at those γ (NaN/inf entries break the line, e.g. at γ = 1).
    n_features : int
        K, for the hover (N = K/γ).
    names : dict, optional
        Legend names for core's method names (e.g. saying when gradient descent stopped).

    Returns
    -------
    plotly.graph_objects.Figure
        Per method a band (fill) and a mean line; the theory; a line at γ = 1.
    """
    data = []
    positive = summary["mean"][summary["mean"] > 0]
    floor = float(positive.min()) / 10 if len(positive) else 1e-6
    for method in summary["method"].unique():
        part = summary[summary["method"] == method].sort_values("gamma")
        color = METHOD_COLORS.get(method, RIDGE_COLOR)
        shown = (names or {}).get(method, method)
        g = part["gamma"].to_numpy(dtype=float)
        lower = np.maximum(part["lower"].to_numpy(dtype=float), floor)
        upper = part["upper"].to_numpy(dtype=float)
        data.append(
            {
                "type": "scatter",
                "x": np.concatenate([g, g[::-1]]),
                "y": np.concatenate([upper, lower[::-1]]),
                "fill": "toself",
                "fillcolor": _rgba(color, 0.2),
                "line": {"width": 0},
                "mode": "lines",
                "name": f"{shown}: ± 1 standard error",
                "legendgroup": method,
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": g,
                "y": part["mean"].to_numpy(dtype=float),
                "mode": "lines+markers",
                "line": {"color": color, "width": LINE_WIDTH - 1},
                "marker": {"size": 9, "color": color},
                "name": shown,
                "legendgroup": method,
                "customdata": np.column_stack(
                    [part["n_samples"], part["median"], part["std_error"], part["n_seeds"]]
                ),
                "hovertemplate": f"{shown}<br>γ = %{{x:.3g}} (N = %{{customdata[0]}}, K = {n_features})"
                "<br>mean excess risk %{y:.4g} ± %{customdata[2]:.2g}<br>median %{customdata[1]:.4g}"
                "<br>%{customdata[3]} seeds<extra></extra>",
            }
        )
    risk = np.asarray(theory_risk, dtype=float)
    data.append(
        {
            "type": "scatter",
            "x": np.asarray(theory_gamma, dtype=float),
            "y": np.where(np.isfinite(risk), risk, np.nan),
            "mode": "lines",
            "line": {"color": ink(dark), "width": 2.5, "dash": "dash"},
            "name": THEORY_RISK_LABEL,
            "hovertemplate": "γ = %{x:.3g}<br>asymptotic risk %{y:.4g}<extra>theory</extra>",
        }
    )
    shape, note = _vline(1.0, " N = K: the peak", dark=dark)
    arrow = {  # top left: the curves start low there (little noise is fitted with much data)
        "text": "← more data",
        "xref": "x domain",
        "yref": "y domain",
        "x": 0.02,
        "y": 0.98,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "font": {"color": ink(dark)},
    }
    layout = {
        "xaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": "γ = K/N, features per sample (log)"}},
        "yaxis": {**LOG_AXIS, "dtick": 1, "title": {"text": "test error ‖ŵ − w‖² (log)"}},
        "shapes": [shape],
        "annotations": [note, arrow],
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
        "hovermode": "closest",
    }
    return make_figure(data, layout, title=title or "Double descent", dark=dark)


# -- cost -----------------------------------------------------------------------------------


COST_AXES = {  # against: (symbol, the fixed size's symbol, axis title)
    "n_samples": ("N", "K", "samples N (log)"),
    "n_features": ("K", "N", "features K (log)"),
}


def build_cost_figure(
    timings: pd.DataFrame,
    predicted: pd.DataFrame,
    *,
    against: str,
    fixed: int,
    sgd_epochs: int = 1,
    crossover_k: float | None = None,
    left_out=None,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Measured seconds against N (K fixed) or against K (N fixed), log-log, with the fitted model.

    Parameters
    ----------
    timings : pandas.DataFrame
        ``core.time_methods``: the rows whose other size equals ``fixed`` are drawn.
    predicted : pandas.DataFrame
        ``core.predicted_seconds`` along this sweep (the fitted model).
    against : {"n_samples", "n_features"}
    fixed : int
        K when ``against="n_samples"``, N when ``against="n_features"``.
    sgd_epochs : int, default=1
        When > 1 the SGD line is also drawn for that many epochs (the fit × epochs).
    crossover_k : float, optional
        ``core.crossover`` at N = ``fixed``: marked on the K sweep when finite.
    left_out : array-like of bool, shape (len(timings),), optional
        ``core.cost.left_out``: these measurements are drawn hollow.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    sym, other, axis_title = COST_AXES[against]
    other_col = "n_features" if against == "n_samples" else "n_samples"
    out = np.zeros(len(timings), dtype=bool) if left_out is None else np.asarray(left_out, dtype=bool)
    mask = (timings[other_col] == fixed).to_numpy()
    order = np.argsort(timings[against].to_numpy()[mask], kind="stable")
    meas, out = timings[mask].iloc[order], out[mask][order]
    data = []
    for method, color in COST_COLORS.items():
        is_m = (meas["method"] == method).to_numpy()
        m = meas[is_m]
        gone = out[is_m]
        p = predicted[predicted["method"] == method].sort_values(against)
        if len(m):
            data.append(
                {
                    "type": "scatter",
                    "x": m[against].to_numpy(dtype=float),
                    "y": m["seconds"].to_numpy(dtype=float),
                    "mode": "markers",
                    "marker": {
                        "size": 12,
                        "color": [paper(dark) if g else color for g in gone],
                        "line": {"color": color, "width": 2.5},
                    },
                    "name": method,
                    "legendgroup": method,
                    "customdata": np.where(gone, "left out of the fit: over 2× the model", "fitted"),
                    "hovertemplate": f"{method}<br>{sym} = %{{x:,}}<br>%{{y:.3g}} s measured"
                    "<br>%{customdata}<extra></extra>",
                }
            )
        if len(p):
            data.append(
                {
                    "type": "scatter",
                    "x": p[against].to_numpy(dtype=float),
                    "y": p["seconds"].to_numpy(dtype=float),
                    "mode": "lines",
                    "line": {"color": color, "width": 2.5, "dash": "dash"},
                    "name": f"{method}: fitted",
                    "legendgroup": method,
                    "showlegend": False,
                    "hovertemplate": f"{method}, fitted model<br>{sym} = %{{x:,.0f}}"
                    "<br>%{y:.3g} s<extra></extra>",
                }
            )
            if method == "SGD epoch" and sgd_epochs > 1:
                data.append(
                    {
                        "type": "scatter",
                        "x": p[against].to_numpy(dtype=float),
                        "y": sgd_epochs * p["seconds"].to_numpy(dtype=float),
                        "mode": "lines",
                        "line": {"color": color, "width": 3, "dash": "dot"},
                        "name": f"{sgd_epochs} SGD epochs (fit × {sgd_epochs})",
                        "hovertemplate": f"{sgd_epochs} SGD epochs<br>{sym} = %{{x:,.0f}}"
                        "<br>%{y:.3g} s<extra></extra>",
                    }
                )
    data.append(_legend_only(FITTED_LABEL, {"color": ink(dark), "width": 2.5, "dash": "dash"}))
    if out.any():
        data.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {"size": 12, "color": paper(dark), "line": {"color": ink(dark), "width": 2.5}},
                "name": LEFT_OUT_LABEL,
                "hoverinfo": "skip",
            }
        )
    layout = {
        "xaxis": {**LOG_AXIS, "dtick": 1, "title": {"text": axis_title}},
        "yaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": "seconds (best of repeats)"}},
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    if crossover_k is not None and np.isfinite(crossover_k) and crossover_k > 0 and against == "n_features":
        shape, note = _vline(float(crossover_k), f" K* ≈ {crossover_k:.0f}", dark=dark)
        layout["shapes"], layout["annotations"] = [shape], [note]
    fixed_text = f"{fixed:,}"
    title = title or f"Seconds against {sym}, {other} = {fixed_text}"
    return make_figure(data, layout, title=title, dark=dark)


def _legend_only(name: str, line: dict) -> dict:
    """A legend entry that explains a line style (it draws nothing)."""
    return {"type": "scatter", "x": [None], "y": [None], "mode": "lines", "line": line, "name": name,
            "hoverinfo": "skip"}  # fmt: skip


__all__ = [
    "BallCloud",
    "build_batch_minimizers_figure",
    "build_cost_figure",
    "build_double_descent_figure",
    "build_noise_ball_figure",
    "build_radius_figure",
    "build_spread_figure",
    "ellipse_through",
]


def _height(data: list, base: int = FIGURE_HEIGHT) -> int:
    """Tall enough that the legend under the plot does not squeeze it: LEGEND_ROW per entry beyond two."""
    entries = sum(
        1
        for t in data
        if t.get("type") in ("scatter", "scatter3d") and t.get("showlegend", True) and t.get("name")
    )
    return base + LEGEND_ROW * max(0, entries - 2)
