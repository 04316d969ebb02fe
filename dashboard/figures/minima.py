"""Minima told truthfully: the least-squares bowl (or flat valley), and a tanh unit's two minima.

Least squares draws over a ``core.landscape.LossSlice`` with a ``core.MinimumSet``;
the tanh model draws a grid from ``core.tanh_loss_grid`` with the stationary points of
``core.find_minima`` and paths of ``core.run_tanh_descent``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import (
    END_MARKER_SIZE,
    END_SYMBOL,
    FIGURE_HEIGHT,
    LEGEND_AT_BOTTOM,
    LEGEND_ROW,
    LINE_WIDTH,
    LOG_AXIS,
    OKABE_ITO,
    SADDLE_SYMBOL,
    SCENE_STAR_SIZE,
    STAR_SIZE,
    START_SYMBOL,
    TRUTH_SYMBOL,
    W_STAR_SYMBOL,
    equal_axes,
    ink,
    landscape_colorscale,
    log_excess,
    loss_contour_trace,
    make_figure,
    paper,
    star_trace,
)

VALLEY_LABEL = "valley floor: L = L* all along"
MIN_NORM_LABEL = "w* = X⁺y, nearest to 0"
SINGLE_MIN_LABEL = "w*, the one minimum"
SADDLE_LABEL = "saddle at (0, 0)"
TRUE_LABEL = "true weights"
START_LABEL, END_LABEL = "start of a run", "end of a run"
DESTINATIONS = {  # where a tanh run ended: legend text and colour
    0: ("runs ending in A", OKABE_ITO["blue"]),
    1: ("runs ending in B = −A", OKABE_ITO["vermillion"]),
    -1: ("runs with no finite minimum", "#777777"),
}
SCENE_AXIS = {"nticks": 5, "tickfont": {"size": 12}}  # few, small ticks: a 3D box jumbles many
OTHER_COLOR = OKABE_ITO["bluish_green"]
# Close enough that the surface fills its panel (plotly's default eye is 1.25 × (1, 1, 1) away).
SURFACE_CAMERA = {"eye": {"x": 1.15, "y": -1.4, "z": 0.9}}
TANH_CAMERA = {"eye": {"x": 0.2, "y": -1.3, "z": 1.3}}  # from above: both minima and the saddle in view
TANH_MAP_HEIGHT = 480  # the (w₁, w₂) map is 8 × 5 at equal scale: wider than tall


def _valley_segment(mset, x_range, y_range) -> np.ndarray:
    """Points of a 1-dimensional minimum set inside the box (2 rows), by sampling its line."""
    span = float(np.hypot(x_range[1] - x_range[0], y_range[1] - y_range[0]))
    pts = mset.points(np.linspace(-2 * span, 2 * span, 801)[:, None])  # (801, 2)
    inside = (
        (pts[:, 0] >= x_range[0])
        & (pts[:, 0] <= x_range[1])
        & (pts[:, 1] >= y_range[0])
        & (pts[:, 1] <= y_range[1])
    )
    return pts[inside][[0, -1]] if inside.sum() >= 2 else np.empty((0, 2))


def build_valley_contour_figure(slice_, mset, *, dark: bool = False, title: str | None = None) -> go.Figure:
    """Contours of a 2-parameter least-squares loss: one minimum, or the flat valley with X⁺y on it.

    Parameters
    ----------
    slice_ : core.landscape.LossSlice
        The loss over (w₁, w₂) (a coordinate slice of a 2-parameter loss, so display = w).
    mset : core.MinimumSet
        ``core.minimum_set`` of that loss.

    Returns
    -------
    plotly.graph_objects.Figure
        Contour; for a valley, its line and the dotted segment from 0 to X⁺y (perpendicular
        to the valley: X⁺y is its point nearest the origin); the origin; the minimizer.
    """
    labels = slice_.labels
    xr, yr = (slice_.x[0], slice_.x[-1]), (slice_.y[0], slice_.y[-1])
    data = [loss_contour_trace(slice_.x, slice_.y, slice_.Z, slice_.min_value, labels, dark=dark)]
    w = np.asarray(mset.minimizer, dtype=float)
    if mset.dimension == 1:
        seg = _valley_segment(mset, xr, yr)
        data.append(
            {
                "type": "scatter",
                "x": seg[:, 0],
                "y": seg[:, 1],
                "mode": "lines",
                "line": {"color": OKABE_ITO["vermillion"], "width": LINE_WIDTH + 1},
                "name": VALLEY_LABEL,
                "hovertemplate": f"on the valley floor L = L* = {mset.min_value:.6g}<extra></extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": [0.0, w[0]],
                "y": [0.0, w[1]],
                "mode": "lines",
                "line": {"color": ink(dark), "width": 2, "dash": "dot"},
                "name": "shortest way from 0 to the valley",
                "hoverinfo": "skip",
            }
        )
    data.append(
        {
            "type": "scatter",
            "x": [0.0],
            "y": [0.0],
            "mode": "markers+text",
            "marker": {"size": 10, "color": ink(dark), "symbol": START_SYMBOL, "line": {"width": 2}},
            "text": ["0"],
            "textposition": "bottom left",
            "name": "origin",
            "showlegend": False,
            "hovertemplate": "origin: gradient descent from 0 starts here<extra></extra>",
        }
    )
    name = MIN_NORM_LABEL if mset.dimension else SINGLE_MIN_LABEL
    data.append(star_trace(w[0], w[1], name=name, dark=dark, hover=f"<br>L* = {mset.min_value:.6g}"))
    lo_x, hi_x = min(xr[0], -0.1 * (xr[1] - xr[0])), max(xr[1], 0.1 * (xr[1] - xr[0]))
    lo_y, hi_y = min(yr[0], -0.1 * (yr[1] - yr[0])), max(yr[1], 0.1 * (yr[1] - yr[0]))
    layout = {
        **equal_axes((lo_x, hi_x), (lo_y, hi_y), labels),
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    title = title or ("A flat valley of minima" if mset.dimension else "One bowl, one minimum")
    return make_figure(data, layout, title=title, dark=dark)


def build_valley_surface_figure(slice_, mset, *, dark: bool = False, title: str | None = None) -> go.Figure:
    """The same loss as a 3D surface, with the minimizer (and the valley floor) drawn at L*."""
    labels = slice_.labels
    color, cmin, cmax = log_excess(slice_.Z, slice_.min_value)
    lift = 0.01 * float(np.max(slice_.Z) - np.min(slice_.Z))
    data = [
        {
            "type": "surface",
            "x": slice_.x,
            "y": slice_.y,
            "z": slice_.Z,
            "surfacecolor": color.astype(np.float32),
            "cmin": cmin,
            "cmax": cmax,
            "colorscale": landscape_colorscale(dark),
            "showscale": False,
            "opacity": 0.95,
            "name": "loss L(w)",
            "hovertemplate": f"{labels[0]} = %{{x:.4g}}<br>{labels[1]} = %{{y:.4g}}<br>L = "
            "%{z:.6g}<extra></extra>",
        }
    ]
    w = np.asarray(mset.minimizer, dtype=float)
    if mset.dimension == 1:
        seg = _valley_segment(mset, (slice_.x[0], slice_.x[-1]), (slice_.y[0], slice_.y[-1]))
        data.append(
            {
                "type": "scatter3d",
                "x": seg[:, 0],
                "y": seg[:, 1],
                "z": np.full(len(seg), mset.min_value + lift),
                "mode": "lines",
                "line": {"color": OKABE_ITO["vermillion"], "width": 10},
                "name": VALLEY_LABEL,
                "hovertemplate": f"valley floor, L = {mset.min_value:.6g}<extra></extra>",
            }
        )
    name = MIN_NORM_LABEL if mset.dimension else SINGLE_MIN_LABEL
    data.append(
        star_trace(
            w[0],
            w[1],
            mset.min_value + 2 * lift,
            name=name,
            dark=dark,
            hover=f"<br>L* = {mset.min_value:.6g}",
        )
    )
    layout = {
        "scene": {
            "camera": SURFACE_CAMERA,
            "xaxis": {**SCENE_AXIS, "title": {"text": labels[0]}},
            "yaxis": {**SCENE_AXIS, "title": {"text": labels[1]}},
            "zaxis": {**SCENE_AXIS, "title": {"text": "loss L(w)"}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.7},
        },
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
        "margin": {"l": 0, "r": 0, "t": 60, "b": 0},
    }
    title = title or ("Convex: a flat valley" if mset.dimension else "Convex: one bowl")
    return make_figure(data, layout, title=title, dark=dark)


# -- the tanh unit ---------------------------------------------------------------------------


def _minimum_names(minima: pd.DataFrame) -> dict[int, str]:
    """Row index → "A"/"B"/"C"... for the rows of kind "minimum", A being the one with w₁ > 0."""
    rows = minima[minima["kind"] == "minimum"].sort_values("w1", ascending=False)
    return {int(i): chr(ord("A") + n) for n, i in enumerate(rows.index)}


def build_tanh_landscape_figure(
    w1, w2, Z, minima: pd.DataFrame, paths, labels, *, true_weights=None, dark: bool = False, title=None
) -> go.Figure:
    """Contours of the tanh model's loss, descent paths coloured by where they ended, minima and saddle.

    Parameters
    ----------
    w1 : array-like of shape (n_w1,)
    w2 : array-like of shape (n_w2,)
    Z : array-like of shape (n_w2, n_w1)
        ``core.tanh_loss_grid``.
    minima : pandas.DataFrame
        ``core.find_minima(...).minima``.
    paths : array-like of shape (M, T, 2)
        ``core.run_tanh_descent`` from the same starts.
    labels : array-like of int, shape (M,)
        ``find_minima(...).labels``: the row of ``minima`` each run reached, −1 for none.
    true_weights : array-like of shape (2,), optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    Z = np.asarray(Z, dtype=float)
    paths = np.asarray(paths, dtype=float)
    labels = np.asarray(labels)
    floor = float(min(Z.min(), minima["loss"].min())) if len(minima) else float(Z.min())
    data = [loss_contour_trace(w1, w2, Z, floor, ("w₁", "w₂"), dark=dark)]
    names = _minimum_names(minima)
    # Each run: its path (one legend entry per destination), a ring at its start, a dot at its end.
    shown = set()
    for m in range(paths.shape[0]):
        dest = int(labels[m])
        key = {"A": 0, "B": 1}.get(names.get(dest, ""), -1 if dest < 0 else 2)
        text, color = DESTINATIONS.get(key, ("runs ending at another stationary point", OTHER_COLOR))
        P = paths[m]
        data.append(
            {
                "type": "scatter",
                "x": P[:, 0],
                "y": P[:, 1],
                "mode": "lines",
                "line": {"color": color, "width": 3},
                "name": text,
                "legendgroup": text,
                "showlegend": text not in shown,
                "hovertemplate": f"run {m + 1}<br>w₁ = %{{x:.4g}}<br>w₂ = %{{y:.4g}}<extra>{text}</extra>",
            }
        )
        shown.add(text)
        for where, symbol, what in ((0, START_SYMBOL, "start"), (-1, END_SYMBOL, "end")):
            data.append(
                {
                    "type": "scatter",
                    "x": [P[where, 0]],
                    "y": [P[where, 1]],
                    "mode": "markers",
                    "marker": {
                        "size": 11,
                        "color": color,
                        "symbol": symbol,
                        "line": {"color": color if symbol == START_SYMBOL else paper(dark), "width": 2},
                    },
                    "name": f"{what} of run {m + 1}",
                    "legendgroup": text,
                    "showlegend": False,
                    "hovertemplate": f"{what} of run {m + 1}<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
                }
            )
    for idx, row in minima.iterrows():
        if row["kind"] != "minimum":
            continue
        name = names[int(idx)]
        data.append(
            {
                "type": "scatter",
                "x": [row["w1"]],
                "y": [row["w2"]],
                "mode": "markers+text",
                "marker": {
                    "symbol": W_STAR_SYMBOL,
                    "size": STAR_SIZE,
                    "color": ink(dark),
                    "line": {"color": paper(dark), "width": 2},
                },
                "text": [f"  {name}"],
                "textposition": "middle right",
                "textfont": {"size": 20, "color": ink(dark)},
                "name": f"minimum {name}",
                "legendgroup": "minima",
                "showlegend": False,
                "hovertemplate": f"minimum {name}: (%{{x:.4g}}, %{{y:.4g}})<br>L = {row['loss']:.6g}"
                f"<br>{int(row['n_runs'])} runs ended here<extra></extra>",
            }
        )
    data.append(
        {
            "type": "scatter",
            "x": [0.0],
            "y": [0.0],
            "mode": "markers",
            "marker": {
                "symbol": SADDLE_SYMBOL,
                "size": END_MARKER_SIZE,
                "color": ink(dark),
                "line": {"width": 1},
            },
            "name": SADDLE_LABEL,
            "hovertemplate": "saddle: the gradient is 0, but it is a minimum along one direction"
            " and a maximum along the other<extra></extra>",
        }
    )
    if true_weights is not None:
        tw = np.asarray(true_weights, dtype=float)
        data.append(
            {
                "type": "scatter",
                "x": [tw[0]],
                "y": [tw[1]],
                "mode": "markers",
                "marker": {
                    "symbol": TRUTH_SYMBOL,
                    "size": END_MARKER_SIZE,
                    "color": OKABE_ITO["orange"],
                    "line": {"width": 3},
                },
                "name": TRUE_LABEL + f" ({tw[0]:g}, {tw[1]:g})",
                "hovertemplate": "the weights that generated y<extra></extra>",
            }
        )
    for symbol, name in ((START_SYMBOL, START_LABEL), (END_SYMBOL, END_LABEL)):
        data.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {
                    "size": 11,
                    "color": ink(dark),
                    "symbol": symbol,
                    "line": {"color": ink(dark), "width": 2},
                },
                "name": name,
                "hoverinfo": "skip",
            }
        )
    w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    layout = {
        **equal_axes((w1[0], w1[-1]), (w2[0], w2[-1]), ("w₁ (inside tanh)", "w₂ (output weight)")),
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data, TANH_MAP_HEIGHT),
    }
    title = title or "Descent from several starts"
    return make_figure(data, layout, title=title, dark=dark)


def build_tanh_surface_figure(
    w1, w2, Z, minima: pd.DataFrame, *, saddle_loss: float, dark: bool = False, title=None
) -> go.Figure:
    """The tanh model's loss as a 3D surface with its minima and the saddle (loss ``saddle_loss``)."""
    Z = np.asarray(Z, dtype=float)
    floor = float(min(Z.min(), minima["loss"].min())) if len(minima) else float(Z.min())
    color, cmin, cmax = log_excess(Z, floor)
    lift = 0.01 * float(Z.max() - Z.min())
    names = _minimum_names(minima)
    mins = minima[minima["kind"] == "minimum"]
    data = [
        {
            "type": "surface",
            "x": np.asarray(w1, dtype=float),
            "y": np.asarray(w2, dtype=float),
            "z": Z,
            "surfacecolor": color.astype(np.float32),
            "cmin": cmin,
            "cmax": cmax,
            "colorscale": landscape_colorscale(dark),
            "showscale": False,
            "opacity": 0.95,
            "name": "loss",
            "hovertemplate": "w₁ = %{x:.3g}<br>w₂ = %{y:.3g}<br>L = %{z:.5g}<extra></extra>",
        },
    ]
    for n, (i, row) in enumerate(mins.iterrows()):
        name = names[int(i)]
        star = star_trace(row["w1"], row["w2"], row["loss"] + lift, name="minima A and B", dark=dark)
        star.update(
            mode="markers+text",
            text=[name],
            textposition="top center",
            textfont={"size": 18, "color": ink(dark)},
            legendgroup="minima",
            showlegend=n == 0,
            hovertemplate=f"minimum {name}: (%{{x:.3g}}, %{{y:.3g}})<br>L = %{{z:.5g}}<extra></extra>",
        )
        data.append(star)
    data.append(
        {
            "type": "scatter3d",
            "x": [0.0],
            "y": [0.0],
            "z": [float(saddle_loss) + lift],
            "mode": "markers",
            "marker": {"size": SCENE_STAR_SIZE, "color": ink(dark), "symbol": SADDLE_SYMBOL},
            "name": SADDLE_LABEL,
            "hovertemplate": "saddle (0, 0)<extra></extra>",
        }
    )
    layout = {
        "scene": {
            "camera": TANH_CAMERA,
            "xaxis": {**SCENE_AXIS, "title": {"text": "w₁"}},
            "yaxis": {**SCENE_AXIS, "title": {"text": "w₂"}},
            "zaxis": {**SCENE_AXIS, "nticks": 4, "title": {"text": "loss"}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1.2, "y": 1, "z": 0.75},
        },
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
        "margin": {"l": 0, "r": 0, "t": 60, "b": 0},
    }
    return make_figure(data, layout, title=title or "Two minima and a saddle", dark=dark)


def _against_n(agreement: pd.DataFrame, series, *, yaxis: dict, title: str, dark: bool) -> go.Figure:
    n = agreement["n_samples"].to_numpy(dtype=float)
    data = []
    for col, name, color, symbol, dash, fmt in series:
        data.append(
            {
                "type": "scatter",
                "x": n,
                "y": agreement[col].to_numpy(dtype=float),
                "mode": "lines+markers",
                "line": {"color": color, "width": LINE_WIDTH - 1, "dash": dash},
                "marker": {"size": 11, "color": color, "symbol": symbol},
                "name": name,
                "hovertemplate": f"N = %{{x:,}}<br>{name}: %{{y:{fmt}}}<extra></extra>",
            }
        )
    layout = {
        "xaxis": {**LOG_AXIS, "dtick": 1, "title": {"text": "samples N (log)"}},
        "yaxis": yaxis,
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    return make_figure(data, layout, title=title, dark=dark)


def build_agreement_figure(agreement: pd.DataFrame, *, dark: bool = False, title=None) -> go.Figure:
    """Do runs on datasets of size N agree, and reach a finite minimum? Fractions against N.

    Parameters
    ----------
    agreement : pandas.DataFrame
        ``core.agreement_vs_sample_size``.
    """
    series = (
        ("agreement_fraction", "pairs of runs that agree", OKABE_ITO["blue"], "circle", "solid", ".0%"),
        (
            "converged_fraction",
            "runs with a finite minimum",
            OKABE_ITO["bluish_green"],
            "square",
            "solid",
            ".0%",
        ),
    )
    yaxis = {"range": [0, 1.05], "tickformat": ".0%", "title": {"text": "fraction of runs"}}
    return _against_n(agreement, series, yaxis=yaxis, title=title or "More data: runs agree", dark=dark)


def build_truth_distance_figure(agreement: pd.DataFrame, *, dark: bool = False, title=None) -> go.Figure:
    """How far the minimum found lies from the true weights, against N (log-log).

    Parameters
    ----------
    agreement : pandas.DataFrame
        ``core.agreement_vs_sample_size``.
    """
    series = (
        ("median_distance", "median distance", OKABE_ITO["vermillion"], "circle", "solid", ".3g"),
        ("endpoint_spread", "RMS (outliers count)", OKABE_ITO["reddish_purple"], "triangle-up", "dot", ".3g"),
    )
    yaxis = {**LOG_AXIS, "dtick": "D2", "title": {"text": "‖minimum found − truth‖ (log)"}}
    return _against_n(agreement, series, yaxis=yaxis, title=title or "More data: nearer the truth", dark=dark)


def _height(data: list, base: int = FIGURE_HEIGHT) -> int:
    """Tall enough that the legend under the plot does not squeeze it: LEGEND_ROW per entry beyond two."""
    entries = sum(
        1
        for t in data
        if t.get("type") in ("scatter", "scatter3d") and t.get("showlegend", True) and t.get("name")
    )
    return base + LEGEND_ROW * max(0, entries - 2)
