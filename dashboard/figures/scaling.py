"""How things scale: minibatch minimizers and the SGD noise ball (against B and η), double
descent (against γ = K/N), and the cost of each method (against N and K).

Every number comes in from ``core`` (its DataFrames and objects); these builders only draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core import minimum_set

from .style import (
    FEW_TICKS,
    FIGURE_HEIGHT,
    LEGEND_BELOW,
    LINE_WIDTH,
    LOG_AXIS,
    OKABE_ITO,
    PATH_COLORS,
    equal_axes,
    ink,
    loss_contour_trace,
    make_figure,
    reference_color,
    star_trace,
)

BATCH_MIN_LABEL = "minimizer of one batch"
ELLIPSE_NOTE = "each batch's contour through w*"
MEASURED_SPREAD = "measured RMS ‖ŵ<sub>B</sub> − w*‖"
LAW_LABEL = "c/√B (fitted through the measurements)"
SANDWICH_LABEL = "sandwich theory, nothing fitted"
CLOUD_LABEL = "SGD iterates (after burn-in)"
THEORY_RADIUS = "theory: √E‖w − w*‖²"
MEASURED_RADIUS = "measured: RMS ‖w − w*‖"
THEORY_RISK_LABEL = "HMRT (2019) asymptotic risk, min-norm"
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
        "bgcolor": "rgba(255,255,255,0.8)" if not dark else "rgba(17,17,17,0.8)",
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
            "name": f"{BATCH_MIN_LABEL} (B = {batch_size})",
            "customdata": np.arange(1, len(bx) + 1),
            "hovertemplate": f"batch %{{customdata}}: its own minimizer<br>{labels[0]} = %{{x:.4g}}"
            f"<br>{labels[1]} = %{{y:.4g}}<extra></extra>",
        }
    )
    sx, sy, _ = slice_.project(np.asarray(w_star, dtype=float)[None, :])
    data.append(star_trace(sx[0], sy[0], dark=dark, hover="<br>the ONE minimum of the full-data loss"))
    layout = {**equal_axes(x_range, y_range, labels), "legend": LEGEND_BELOW, "height": FIGURE_HEIGHT}
    if drawn_flat:
        layout["annotations"] = [_corner_note("B < K: each batch has a flat valley of minima", dark)]
    title = title or f"Every batch of {batch_size} rows has its own minimizer"
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
        "bgcolor": "rgba(255,255,255,0.85)" if not dark else "rgba(17,17,17,0.8)",
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
        "yaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": "distance of ŵ<sub>B</sub> to w* (log)"}},
        "legend": LEGEND_BELOW,
        "height": FIGURE_HEIGHT,
    }
    if batch_size is not None and batch_size > 0:
        shape, note = _vline(batch_size, f" B = {batch_size}", dark=dark)
        layout["shapes"], layout["annotations"] = [shape], [note]
    return make_figure(data, layout, title=title or "Their spread shrinks like 1/√B", dark=dark)


# -- the noise ball -------------------------------------------------------------------------


def _circle(center, radius: float, n_points: int = 97) -> np.ndarray:
    t = np.linspace(0.0, 2 * np.pi, n_points)
    return np.asarray(center, dtype=float) + radius * np.column_stack([np.cos(t), np.sin(t)])


def build_noise_ball_figure(
    x,
    y,
    Z,
    min_value: float,
    labels: Sequence[str],
    cloud,
    center,
    *,
    radius_theory: float | None,
    radius_measured: float | None,
    learning_rate: float,
    batch_size: int,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Constant-rate SGD started at w*: the cloud of its iterates on the full-data contours.

    Parameters
    ----------
    x : array-like of shape (n_x,)
    y : array-like of shape (n_y,)
    Z : array-like of shape (n_y, n_x)
        The full-data loss on that grid (``QuadraticLoss.slice_grid`` around w*, zoomed to the ball).
    min_value : float
        L*.
    labels : (str, str)
    cloud : array-like of shape (T, 2)
        Iterates after burn-in in the two drawn coordinates (thinned to 600 for drawing).
    center : array-like of shape (2,)
        w* in the two drawn coordinates.
    radius_theory, radius_measured : float or None
        √E‖w − w*‖² (``core.noise_ball_theory``) and the measured RMS distance
        (``core.noise_ball_radius``), drawn as circles around w* (K = 2 only: pass None otherwise).
    learning_rate : float
    batch_size : int

    Returns
    -------
    plotly.graph_objects.Figure
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    W = np.asarray(cloud, dtype=float)
    if len(W) > MAX_CLOUD_POINTS:
        W = W[np.linspace(0, len(W) - 1, MAX_CLOUD_POINTS).round().astype(int)]
    cx, cy = (float(v) for v in center)
    data = [
        loss_contour_trace(x, y, Z, min_value, labels, dark=dark),
        {
            "type": "scatter",
            "x": W[:, 0],
            "y": W[:, 1],
            "mode": "markers",
            "marker": {"size": 6, "color": _rgba(OKABE_ITO["vermillion"], 0.5)},
            "name": CLOUD_LABEL,
            "hovertemplate": f"{labels[0]} = %{{x:.4g}}<br>{labels[1]} = %{{y:.4g}}"
            "<extra>SGD iterate</extra>",
        },
    ]
    for radius, name, dash, color in (
        (radius_theory, THEORY_RADIUS, "solid", OKABE_ITO["blue"]),
        (radius_measured, MEASURED_RADIUS, "dash", ink(dark)),
    ):
        if radius is not None and np.isfinite(radius) and radius > 0:
            c = _circle((cx, cy), radius)
            data.append(
                {
                    "type": "scatter",
                    "x": c[:, 0],
                    "y": c[:, 1],
                    "mode": "lines",
                    "line": {"color": color, "width": 3, "dash": dash},
                    "name": f"{name} = {radius:.3g}",
                    "hovertemplate": f"{name} = {radius:.4g}<extra></extra>",
                }
            )
    data.append(star_trace(cx, cy, dark=dark))
    layout = {
        **equal_axes((x[0], x[-1]), (y[0], y[-1]), labels),
        "legend": LEGEND_BELOW,
        "height": FIGURE_HEIGHT,
    }
    title = title or f"SGD's noise ball (η = {learning_rate:.3g}, B = {batch_size})"
    return make_figure(data, layout, title=title, dark=dark)


def build_noise_ball_scaling_figure(
    by_rate: pd.DataFrame, by_batch: pd.DataFrame, *, dark: bool = False, title: str | None = None
) -> go.Figure:
    """Noise-ball radius against η (left, at fixed B) and against B (right, at fixed η), log-log.

    Parameters
    ----------
    by_rate, by_batch : pandas.DataFrame
        ``core.noise_ball_radius`` sweeps. Diverged runs and infinite theory are not drawn.

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel a measured trace and (when finite) a theory trace.
    """
    data = []
    panels = (("x", "y", by_rate, "learning_rate", "η"), ("x2", "y2", by_batch, "batch_size", "B"))
    for n, (xa, ya, df, col, sym) in enumerate(panels):
        ok = df[~df["diverged"].astype(bool)]
        data.append(
            {
                "type": "scatter",
                "xaxis": xa,
                "yaxis": ya,
                "x": ok[col].to_numpy(dtype=float),
                "y": ok["rms_radius"].to_numpy(dtype=float),
                "mode": "markers+lines",
                "line": {"color": OKABE_ITO["vermillion"], "width": 2},
                "marker": {"size": 12, "color": OKABE_ITO["vermillion"]},
                "name": "measured (run_optimizer from w*)",
                "legendgroup": "measured",
                "showlegend": n == 0,
                "customdata": ok["n_iterates"].to_numpy(),
                "hovertemplate": f"{sym} = %{{x:.4g}}<br>RMS ‖w − w*‖ = %{{y:.4g}}"
                "<br>over %{customdata} iterates<extra>measured</extra>",
            }
        )
        theory = ok["theory_rms_radius"].to_numpy(dtype=float)
        finite = np.isfinite(theory)
        if finite.any():
            data.append(
                {
                    "type": "scatter",
                    "xaxis": xa,
                    "yaxis": ya,
                    "x": ok[col].to_numpy(dtype=float)[finite],
                    "y": theory[finite],
                    "mode": "lines",
                    "line": {"color": OKABE_ITO["blue"], "width": 3, "dash": "dash"},
                    "name": "exact theory (batches drawn with replacement)",
                    "legendgroup": "theory",
                    "showlegend": n == 0,
                    "hovertemplate": f"{sym} = %{{x:.4g}}<br>theory %{{y:.4g}}<extra>theory</extra>",
                }
            )
    eta = by_batch["learning_rate"].iloc[0] if len(by_batch) else float("nan")
    b = by_rate["batch_size"].iloc[0] if len(by_rate) else 0
    layout = {
        "xaxis": {
            **LOG_AXIS,
            "dtick": 1,
            "domain": [0.0, 0.45],
            "anchor": "y",
            "title": {"text": f"learning rate η (B = {b})"},
        },
        "yaxis": {**LOG_AXIS, **FEW_TICKS, "anchor": "x", "title": {"text": "noise-ball radius"}},
        "xaxis2": {
            **LOG_AXIS,
            "dtick": 1,
            "domain": [0.55, 1.0],
            "anchor": "y2",
            "title": {"text": f"batch size B (η = {eta:.3g})"},
        },
        "yaxis2": {**LOG_AXIS, **FEW_TICKS, "anchor": "x2"},
        "legend": LEGEND_BELOW,
        "height": FIGURE_HEIGHT,
    }
    title = title or "The ball grows with η and shrinks with B"
    return make_figure(data, layout, title=title, dark=dark)


# -- double descent ----------------------------------------------------------------------


def build_double_descent_figure(
    summary: pd.DataFrame,
    theory_gamma,
    theory_risk,
    *,
    n_features: int,
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
                "name": f"{method}: ± 1 standard error",
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
                "name": f"{method} (mean over seeds)",
                "legendgroup": method,
                "customdata": np.column_stack(
                    [part["n_samples"], part["median"], part["std_error"], part["n_seeds"]]
                ),
                "hovertemplate": f"{method}<br>γ = %{{x:.3g}} (N = %{{customdata[0]}}, K = {n_features})"
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
    shape, note = _vline(1.0, " γ = 1: N = K, the interpolation peak", dark=dark)
    arrow = {
        "text": "← more data",
        "xref": "x domain",
        "yref": "y domain",
        "x": 0.02,
        "y": 0.02,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"color": ink(dark)},
    }
    layout = {
        "xaxis": {**LOG_AXIS, **FEW_TICKS, "title": {"text": "γ = K/N, features per sample (log)"}},
        "yaxis": {**LOG_AXIS, "dtick": 1, "title": {"text": "test excess risk E(xᵀ(ŵ − w))² = ‖ŵ − w‖²"}},
        "shapes": [shape],
        "annotations": [note, arrow],
        "legend": LEGEND_BELOW,
        "height": 620,
        "hovermode": "closest",
    }
    return make_figure(data, layout, title=title or "Double descent: test error against γ = K/N", dark=dark)


# -- cost -----------------------------------------------------------------------------------


def build_cost_figure(
    timings: pd.DataFrame,
    predicted_n: pd.DataFrame,
    predicted_k: pd.DataFrame,
    *,
    k_fixed: int,
    n_fixed: int,
    sgd_epochs: int = 1,
    crossover_k: float | None = None,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Seconds against N (left, K fixed) and against K (right, N fixed), log-log, with fitted lines.

    Parameters
    ----------
    timings : pandas.DataFrame
        ``core.time_methods``: rows with ``n_features == k_fixed`` go left, rows with
        ``n_samples == n_fixed`` go right (a row may be in both).
    predicted_n, predicted_k : pandas.DataFrame
        ``core.predicted_seconds`` along each sweep (the O(NK² + K³) and O(NK) fits).
    k_fixed, n_fixed : int
    sgd_epochs : int, default=1
        When > 1 the SGD line is also drawn for that many epochs (the fit × epochs).
    crossover_k : float, optional
        ``core.crossover`` at ``n_fixed``: marked on the right panel when finite.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    panels = (
        ("x", "y", timings[timings["n_features"] == k_fixed], predicted_n, "n_samples", "N"),
        ("x2", "y2", timings[timings["n_samples"] == n_fixed], predicted_k, "n_features", "K"),
    )
    data = []
    for n, (xa, ya, meas, pred, col, sym) in enumerate(panels):
        for method, color in COST_COLORS.items():
            m = meas[meas["method"] == method].sort_values(col)
            p = pred[pred["method"] == method].sort_values(col)
            if len(m):
                data.append(
                    {
                        "type": "scatter",
                        "xaxis": xa,
                        "yaxis": ya,
                        "x": m[col].to_numpy(dtype=float),
                        "y": m["seconds"].to_numpy(dtype=float),
                        "mode": "markers",
                        "marker": {"size": 12, "color": color},
                        "name": method,
                        "legendgroup": method,
                        "showlegend": n == 0,
                        "hovertemplate": f"{method}<br>{sym} = %{{x:,}}<br>%{{y:.3g}} s "
                        "measured<extra></extra>",
                    }
                )
            if len(p):
                order = "O(NK)" if method == "SGD epoch" else "O(NK² + K³)"
                data.append(
                    {
                        "type": "scatter",
                        "xaxis": xa,
                        "yaxis": ya,
                        "x": p[col].to_numpy(dtype=float),
                        "y": p["seconds"].to_numpy(dtype=float),
                        "mode": "lines",
                        "line": {"color": color, "width": 2.5, "dash": "dash"},
                        "name": f"{method}: fitted {order}",
                        "legendgroup": method,
                        "showlegend": False,
                        "hovertemplate": f"{method}, fitted {order}<br>{sym} = "
                        "%{{x:,.0f}}<br>%{{y:.3g}} s<extra></extra>",
                    }
                )
                if method == "SGD epoch" and sgd_epochs > 1:
                    data.append(
                        {
                            "type": "scatter",
                            "xaxis": xa,
                            "yaxis": ya,
                            "x": p[col].to_numpy(dtype=float),
                            "y": sgd_epochs * p["seconds"].to_numpy(dtype=float),
                            "mode": "lines",
                            "line": {"color": color, "width": 2.5, "dash": "dot"},
                            "name": f"{sgd_epochs} SGD epochs (fit × {sgd_epochs})",
                            "legendgroup": "epochs",
                            "showlegend": n == 0,
                            "hovertemplate": f"{sgd_epochs} SGD epochs<br>{sym} = "
                            "%{{x:,.0f}}<br>%{{y:.3g}} s<extra></extra>",
                        }
                    )
    layout = {
        "xaxis": {
            **LOG_AXIS,
            "dtick": 1,
            "domain": [0.0, 0.45],
            "anchor": "y",
            "title": {"text": f"samples N (K = {k_fixed})"},
        },
        "yaxis": {**LOG_AXIS, "anchor": "x", "title": {"text": "seconds (best of repeats)"}},
        "xaxis2": {
            **LOG_AXIS,
            "dtick": 1,
            "domain": [0.55, 1.0],
            "anchor": "y2",
            "title": {"text": f"features K (N = {n_fixed:,})"},
        },
        "yaxis2": {**LOG_AXIS, "anchor": "x2"},
        "legend": LEGEND_BELOW,
        "height": FIGURE_HEIGHT,
    }
    if crossover_k is not None and np.isfinite(crossover_k) and crossover_k > 0:
        shape, note = _vline(
            float(crossover_k), f" K* ≈ {crossover_k:.0f}", dark=dark, xref="x2", yref="y2 domain"
        )
        layout["shapes"], layout["annotations"] = [shape], [note]
    return make_figure(data, layout, title=title or "What each method costs as N and K grow", dark=dark)


__all__ = [
    "build_batch_minimizers_figure",
    "build_cost_figure",
    "build_double_descent_figure",
    "build_noise_ball_figure",
    "build_noise_ball_scaling_figure",
    "build_spread_figure",
    "ellipse_through",
]
