"""Fit view: the data with the fitted models, true vs estimated coefficients, residuals.

``fits`` everywhere is a sequence of ``(label, color, coef)``: the closed form and each
optimizer's final iterate. Large samples are thinned for drawing only (every k-th
row; the rows of ``make_regression`` are in random order already).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from .style import FIGURE_HEIGHT, LEGEND_AT_BOTTOM, LINE_WIDTH, ink, make_figure, merge, reference_color

DEFAULT_MAX_DATA_POINTS = 2000
SMALL_HEIGHT = 480  # the coefficient and residual charts: two side by side, or stacked at 1024 px
PLANE_GRID = 12  # points per side of a drawn plane
WIRE_LINES = 7  # lines per direction of a fit drawn as a wireframe
# The 3D fit: a view from the front-left corner, a little above, far enough that the box's tick
# labels stay inside the chart; the scene fills the plot, and a drag turns it (kept across reruns).
SCENE_CAMERA = {
    "eye": {"x": 1.2, "y": -1.35, "z": 0.75},
    "up": {"x": 0, "y": 0, "z": 1},
    "center": {"x": 0, "y": 0, "z": -0.15},  # the box a little up: its bottom corner holds the tick labels
}
SCENE_REVISION = "lsq-fit"
# Fits that agree (GD converged to w*) would hide each other; a dash per fit keeps
# every line visible where they overlap.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def coefficient_names(n_coef: int, *, intercept_first: bool = False) -> list[str]:
    """``["w₁", "w₂", ...]``, or ``["b", "w₁", ...]`` with the intercept first."""
    names = ["w" + str(i + 1).translate(_SUBSCRIPTS) for i in range(n_coef - intercept_first)]
    return ["b", *names] if intercept_first else names


def _rows(n: int, max_points: int) -> np.ndarray:
    return np.arange(n) if n <= max_points else np.linspace(0, n - 1, max_points).round().astype(int)


def _check(X, y, fits):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(
            f"X must be (n_samples, n_features) and y (n_samples,), got {X.shape} and {y.shape}."
        )
    fits = [(str(label), color, np.asarray(coef, dtype=float)) for label, color, coef in fits]
    for label, _, coef in fits:
        if coef.shape != (X.shape[1],):
            raise ValueError(f"fit {label!r} has {coef.size} coefficients; X has {X.shape[1]} columns.")
    return X, y, fits


def build_fit_figure(
    X,
    y,
    fits: Sequence[tuple],
    *,
    intercept_first: bool = False,
    dark: bool = False,
    title: str | None = None,
    max_points: int = DEFAULT_MAX_DATA_POINTS,
) -> go.Figure:
    """The data with each fitted model, in the view that suits the number of features.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The design matrix the coefficients belong to.
    y : array-like of shape (n_samples,)
    fits : sequence of (label, color, coef)
        ``coef`` of shape (n_features,).
    intercept_first : bool, default=False
        ``X[:, 0]`` is a column of ones and ``coef[0]`` the intercept; it does not
        count as a feature when choosing the view.
    dark, title
    max_points : int, default=2000
        Drawn data points (drawing only).

    Returns
    -------
    plotly.graph_objects.Figure
        One feature: a data ``Scatter`` and one fitted line per fit. Two features: a
        ``Scatter3d`` of the data, the first fit's plane as a semi-transparent
        ``Surface``, and every other fit's plane as a wireframe (a ``Scatter3d`` of
        lines), so planes that coincide stay apart. More: predicted vs observed, one
        ``Scatter`` per fit, and the y = x line. The legend sits at the figure's foot.
    """
    X, y, fits = _check(X, y, fits)
    features = X[:, 1:] if intercept_first else X  # (N, K_eff)
    rows = _rows(len(y), max_points)
    if features.shape[1] == 1:
        data, layout = _line_fit(y, features, fits, rows, intercept_first, dark)
        default = "Data and fitted lines"
    elif features.shape[1] == 2:
        data, layout = _plane_fit(y, features, fits, rows, intercept_first, dark)
        default = "Data and fitted planes"
    else:
        data, layout = _predicted_vs_observed(X, y, fits, rows, dark)
        default = "Predicted against observed"
    layout = merge({"legend": LEGEND_AT_BOTTOM, "height": FIGURE_HEIGHT, "margin": {"t": 60}}, layout)
    return make_figure(data, layout, title=title or default, dark=dark)


def _design(grid_features: np.ndarray, intercept_first: bool) -> np.ndarray:
    ones = np.ones((grid_features.shape[0], 1))
    return np.hstack([ones, grid_features]) if intercept_first else grid_features


def _data_marker(dark: bool, size: int) -> dict:
    return {"color": reference_color(dark), "size": size, "opacity": 0.55}


def _line_fit(y, features, fits, rows, intercept_first, dark):
    x = features[:, 0]
    data = [
        {
            "type": "scatter",
            "x": x[rows],
            "y": y[rows],
            "mode": "markers",
            "marker": _data_marker(dark, 9),
            "name": "data",
            "hovertemplate": "x = %{x:.4g}<br>y = %{y:.4g}<extra>data</extra>",
        }
    ]
    xs = np.array([x.min(), x.max()])
    design = _design(xs[:, None], intercept_first)
    for i, (label, color, coef) in enumerate(fits):
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": design @ coef,
                "mode": "lines",
                "line": {"color": color, "width": LINE_WIDTH, "dash": DASHES[i % len(DASHES)]},
                "name": label,
                "hovertemplate": "x = %{x:.4g}<br>ŷ = %{y:.4g}<extra>%{fullData.name}</extra>",
            }
        )
    return data, {"xaxis": {"title": {"text": "feature x"}}, "yaxis": {"title": {"text": "target y"}}}


def _plane_fit(y, features, fits, rows, intercept_first, dark):
    x1, x2 = features[:, 0], features[:, 1]
    data = [
        {
            "type": "scatter3d",
            "x": x1[rows],
            "y": x2[rows],
            "z": y[rows],
            "mode": "markers",
            "marker": _data_marker(dark, 4),
            "name": "data",
            "hovertemplate": "x₁ = %{x:.4g}<br>x₂ = %{y:.4g}<br>y = %{z:.4g}<extra>data</extra>",
        }
    ]
    g1 = np.linspace(x1.min(), x1.max(), PLANE_GRID)
    g2 = np.linspace(x2.min(), x2.max(), PLANE_GRID)
    G1, G2 = np.meshgrid(g1, g2)  # (12, 12), rows follow g2 like plotly's z
    design = _design(np.column_stack([G1.ravel(), G2.ravel()]), intercept_first)
    hover = "x₁ = %{x:.4g}<br>x₂ = %{y:.4g}<br>ŷ = %{z:.4g}<extra>%{fullData.name}</extra>"
    for i, (label, color, coef) in enumerate(fits):
        Z = (design @ coef).reshape(G1.shape)
        if i == 0:
            data.append(
                {
                    "type": "surface",
                    "x": g1,
                    "y": g2,
                    "z": Z,
                    "colorscale": [[0, color], [1, color]],
                    "showscale": False,
                    "opacity": 0.35,
                    "name": label,
                    "showlegend": True,
                    "hovertemplate": hover,
                }
            )
        else:
            data.append(_wireframe(G1, G2, Z, label, color, hover))
    layout = {
        "scene": {
            "xaxis": {"title": {"text": "feature x₁"}, "nticks": 5},
            "yaxis": {"title": {"text": "feature x₂"}, "nticks": 5},
            "zaxis": {"title": {"text": "target y"}, "nticks": 5},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.7},
            "camera": SCENE_CAMERA,
            "domain": {"x": [0.0, 1.0], "y": [0.0, 1.0]},
            "uirevision": SCENE_REVISION,
        },
        "uirevision": SCENE_REVISION,
        "margin": {"l": 0, "r": 0, "b": 0},
    }
    return data, layout


def _wireframe(G1, G2, Z, label: str, color: str, hover: str) -> dict:
    """A plane as a grid of lines (WIRE_LINES each way), one trace with gaps between lines."""
    pick = np.unique(np.linspace(0, G1.shape[0] - 1, WIRE_LINES).round().astype(int))
    gap = np.array([np.nan])
    xs, ys, zs = [], [], []
    for j in pick:  # lines along x₁ (a row of the grid), then along x₂ (a column)
        for a, b, c in ((G1[j], G2[j], Z[j]), (G1[:, j], G2[:, j], Z[:, j])):
            xs += [a, gap]
            ys += [b, gap]
            zs += [c, gap]
    return {
        "type": "scatter3d",
        "x": np.concatenate(xs),
        "y": np.concatenate(ys),
        "z": np.concatenate(zs),
        "mode": "lines",
        "line": {"color": color, "width": LINE_WIDTH},
        "connectgaps": False,
        "name": label,
        "hovertemplate": hover,
    }


def _predicted_vs_observed(X, y, fits, rows, dark):
    data = []
    lo, hi = float(np.min(y)), float(np.max(y))
    for label, color, coef in fits:
        pred = X[rows] @ coef
        lo, hi = min(lo, float(pred.min())), max(hi, float(pred.max()))
        data.append(
            {
                "type": "scatter",
                "x": y[rows],
                "y": pred,
                "mode": "markers",
                "marker": {"color": color, "size": 8, "opacity": 0.6},
                "name": label,
                "hovertemplate": "observed y = %{x:.4g}<br>predicted ŷ = %{y:.4g}"
                + "<extra>%{fullData.name}</extra>",
            }
        )
    data.append(
        {
            "type": "scatter",
            "x": [lo, hi],
            "y": [lo, hi],
            "mode": "lines",
            "line": {"color": ink(dark), "width": LINE_WIDTH - 1, "dash": "dash"},
            "name": "perfect fit ŷ = y",
            "hoverinfo": "skip",
        }
    )
    layout = {
        "xaxis": {"title": {"text": "observed y"}},
        "yaxis": {"title": {"text": "predicted ŷ = Xw"}, "scaleanchor": "x", "scaleratio": 1},
    }
    return data, layout


def _zero_line(color: str, width: float, dash: str = "solid") -> dict:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": 0,
        "y1": 0,
        "line": {"color": color, "width": width, "dash": dash},
    }


def build_coef_figure(
    true_coef,
    fits: Sequence[tuple],
    *,
    names: Sequence[str] | None = None,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Grouped bars: the true coefficients next to each estimate.

    Parameters
    ----------
    true_coef : array-like of shape (n_coef,), or None
        The coefficients the data were made with (None for real data).
    fits : sequence of (label, color, coef)
    names : sequence of str, optional
        One per coefficient; default ``"w₁", "w₂", ...``.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Bar`` for the truth (if given), then one per fit.
    """
    fits = [(str(label), color, np.asarray(coef, dtype=float)) for label, color, coef in fits]
    sizes = {c.size for _, _, c in fits} | ({np.size(true_coef)} if true_coef is not None else set())
    if len(sizes) > 1:
        raise ValueError(f"All coefficient vectors must have the same length, got lengths {sorted(sizes)}.")
    n = sizes.pop() if sizes else 0
    names = list(names) if names is not None else coefficient_names(n)
    if len(names) != n:
        raise ValueError(f"names must give one name per coefficient ({n}), got {len(names)}.")
    data = [
        {
            "type": "bar",
            "x": names,
            "y": coef,
            "name": label,
            "marker": {"color": color},
            "hovertemplate": "%{x} = %{y:.4g}<extra>%{fullData.name}</extra>",
        }
        for label, color, coef in fits
    ]
    if true_coef is not None:
        # Hatched light grey: tells the truth apart from a black closed-form bar without colour.
        truth = {
            "type": "bar",
            "x": names,
            "y": np.asarray(true_coef, dtype=float),
            "name": "true",
            "marker": {
                "color": "#d9d9d9" if not dark else "#555555",
                "line": {"color": ink(dark), "width": 1.5},
                "pattern": {"shape": "/", "fgcolor": ink(dark), "size": 8},
            },
            "hovertemplate": "%{x} = %{y:.4g}<extra>true</extra>",
        }
        data.insert(0, truth)
    layout = {
        "barmode": "group",
        "xaxis": {"title": {"text": "coefficient"}},
        "yaxis": {"title": {"text": "value"}},
        "shapes": [_zero_line(ink(dark), 1)],
        "legend": LEGEND_AT_BOTTOM,
        "height": SMALL_HEIGHT,
        "margin": {"t": 60},
    }
    return make_figure(data, layout, title=title or "True and fitted coefficients", dark=dark)


def build_residual_figure(
    X,
    y,
    coef,
    *,
    color: str | None = None,
    dark: bool = False,
    title: str | None = None,
    max_points: int = DEFAULT_MAX_DATA_POINTS,
) -> go.Figure:
    """Residuals y − Xw against the fitted values Xw, with the zero line.

    A pattern here (a curve, a funnel) is what a linear model with constant noise
    should not show.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Scatter`` of residuals; the zero line is a layout shape.
    """
    X, y, fits = _check(X, y, [("fit", color, coef)])
    fitted = X @ fits[0][2]
    residual = y - fitted
    rows = _rows(len(y), max_points)
    data = [
        {
            "type": "scatter",
            "x": fitted[rows],
            "y": residual[rows],
            "mode": "markers",
            "marker": {"color": color or ink(dark), "size": 8, "opacity": 0.6},
            "name": "residuals",
            "hovertemplate": "fitted ŷ = %{x:.4g}<br>residual y − ŷ = %{y:.4g}<extra></extra>",
        }
    ]
    layout = {
        "xaxis": {"title": {"text": "fitted value ŷ = Xw"}},
        "yaxis": {"title": {"text": "residual y − ŷ"}},
        "shapes": [_zero_line(reference_color(dark), LINE_WIDTH - 1, "dash")],
        "height": SMALL_HEIGHT,
        "margin": {"t": 60},
    }
    return make_figure(data, layout, title=title or "Residuals against fitted values", dark=dark)
