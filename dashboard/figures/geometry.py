"""Geometry figures: y projected onto col(X) in 3D, and the loss in XᵀX's eigenbasis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import (
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
    reference_color,
    star_trace,
)

__all__ = [
    "build_column_space_figure",
    "build_eigenbasis_figure",
    "build_per_direction_figure",
    "plane_camera",
    "shown_directions",
]

# Column-space figure
Y_LABEL = "y (the data)"
FIT_LABEL = "ŷ = Xw* (projection of y)"
RESIDUAL_LABEL = "r = y − ŷ (residual)"
PLANE_LABEL = "col(X): every Xw"
PATH_LABEL = "ŷ<sub>t</sub> = Xw<sub>t</sub> (gradient descent)"
COLUMN_LABELS = ("x₁, x₂ (the columns of X)", "x₂ (column 2 of X)")
# Eigenbasis figures
MAX_DIRECTIONS = 6  # per-direction curves drawn; more are thinned to the extremes and the middle
ERROR_FLOOR = 1e-13  # |e| below this fraction of the largest initial |e| is rounding: not drawn


# -- column space -------------------------------------------------------------------------


def _arrow(start, end, color: str, name: str, *, width: float = LINE_WIDTH + 2, head: float, legend=True):
    """A 3D arrow: a line and a cone at its tip (the cone's length is ``head``, in data units)."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    vec = end - start
    length = float(np.linalg.norm(vec))
    hover = f"{name}<br>(%{{x:.4g}}, %{{y:.4g}}, %{{z:.4g}})<extra></extra>"
    line = {
        "type": "scatter3d",
        "x": [start[0], end[0]],
        "y": [start[1], end[1]],
        "z": [start[2], end[2]],
        "mode": "lines",
        "line": {"color": color, "width": width},
        "name": name,
        "legendgroup": name,
        "showlegend": legend,
        "hovertemplate": hover,
    }
    if length == 0:
        return [line]
    u = vec / length * min(head, 0.5 * length)
    cone = {
        "type": "cone",
        "x": [end[0]],
        "y": [end[1]],
        "z": [end[2]],
        "u": [u[0]],
        "v": [u[1]],
        "w": [u[2]],
        "anchor": "tip",
        "sizemode": "raw",
        "colorscale": [[0, color], [1, color]],
        "showscale": False,
        "name": name,
        "legendgroup": name,
        "showlegend": False,
        "hovertemplate": hover,
    }
    return [line, cone]


def plane_camera(X, fitted, residual, distance: float = 2.0) -> dict:
    """A camera that shows col(X) as a floor seen from slightly above, y rising from it.

    "Up" is the plane's normal on y's side, so r = y − ŷ is vertical; the eye looks across
    the floor perpendicular to ŷ, so the right triangle 0, ŷ, y is seen nearly face-on.
    """
    X = np.asarray(X, dtype=float)
    n = np.cross(X[:, 0], X[:, 1])
    n /= np.linalg.norm(n)
    if np.dot(residual, n) < 0:
        n = -n
    f = np.asarray(fitted, dtype=float)
    f = f / np.linalg.norm(f) if np.linalg.norm(f) > 0 else X[:, 0] / np.linalg.norm(X[:, 0])
    side = np.cross(n, f)  # in the plane, perpendicular to ŷ
    eye = side + 0.6 * n - 0.25 * f
    eye = distance * eye / np.linalg.norm(eye)
    return {
        "eye": dict(zip("xyz", map(float, eye), strict=True)),
        "up": dict(zip("xyz", map(float, n), strict=True)),
        "center": {"x": 0.0, "y": 0.0, "z": 0.0},
    }


def build_column_space_figure(
    picture,
    path=None,
    *,
    steps=None,
    camera: dict | None = None,
    dark: bool = False,
    title: str | None = None,
) -> go.Figure:
    """y, the plane col(X), the projection ŷ, the residual r ⟂ plane, and GD's ŷ_t in the plane.

    Parameters
    ----------
    picture : core.ColumnSpacePicture
        With N = 3 and K = 2 (a plane through the origin of ℝ³).
    path : array-like of shape (T, 3), optional
        ŷ_t = Xw_t along a run (``core.fitted_path``).
    steps : array-like of int, shape (T,), optional
        The step of each row of ``path`` (for the hover).
    camera : dict, optional
    dark : bool, default=False
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        The plane (a ``Surface``), the two columns, y, ŷ and r as arrows, a
        right-angle mark at ŷ (unless the fit is exact), the origin, and the path.
    """
    X, y = np.asarray(picture.X, dtype=float), np.asarray(picture.y, dtype=float)
    if X.shape != (3, 2):
        raise ValueError(f"the column-space figure draws N = 3, K = 2; got X of shape {X.shape}.")
    fitted, residual, coef = picture.fitted, picture.residual, np.asarray(picture.coef, dtype=float)
    scale = max(float(np.linalg.norm(y)), float(np.max(np.linalg.norm(X, axis=0))), 1e-12)
    head = 0.09 * scale
    # A parallelogram patch of the plane {s·x₁ + t·x₂} covering the origin, both columns and ŷ.
    s_lo, s_hi = min(0.0, coef[0], 1.0), max(0.0, coef[0], 1.0)
    t_lo, t_hi = min(0.0, coef[1], 1.0), max(0.0, coef[1], 1.0)
    pad_s, pad_t = 0.35 * (s_hi - s_lo) + 0.2, 0.35 * (t_hi - t_lo) + 0.2
    s = np.linspace(s_lo - pad_s, s_hi + pad_s, 8)
    t = np.linspace(t_lo - pad_t, t_hi + pad_t, 8)
    P = s[None, :, None] * X[:, 0] + t[:, None, None] * X[:, 1]  # (8, 8, 3)
    plane_color = OKABE_ITO["sky_blue"]
    data = [
        {
            "type": "surface",
            "x": P[..., 0],
            "y": P[..., 1],
            "z": P[..., 2],
            "surfacecolor": np.zeros(P.shape[:2]),
            "colorscale": [[0, plane_color], [1, plane_color]],
            "showscale": False,
            "opacity": 0.35,
            "name": PLANE_LABEL,
            "showlegend": True,
            "hovertemplate": PLANE_LABEL + "<br>(%{x:.3g}, %{y:.3g}, %{z:.3g})<extra></extra>",
        }
    ]
    grey = reference_color(dark)
    for j in range(2):
        data += _arrow(
            np.zeros(3), X[:, j], grey, COLUMN_LABELS[j], width=LINE_WIDTH, head=0.7 * head, legend=j == 0
        )
    data += _arrow(np.zeros(3), y, ink(dark), Y_LABEL, head=head)
    data += _arrow(np.zeros(3), fitted, OKABE_ITO["blue"], FIT_LABEL, head=head)
    if not picture.exact_fit:
        data += _arrow(fitted, y, OKABE_ITO["vermillion"], RESIDUAL_LABEL, head=head)
        # Right-angle mark at ŷ: a small square spanned by r̂ and an in-plane direction.
        r_hat = residual / np.linalg.norm(residual)
        in_plane = -fitted if np.linalg.norm(fitted) > 0 else X[:, 0]
        in_plane = in_plane - (in_plane @ r_hat) * r_hat
        in_plane /= np.linalg.norm(in_plane)
        e = 0.08 * scale
        corner = np.array([fitted + e * in_plane, fitted + e * (in_plane + r_hat), fitted + e * r_hat])
        data.append(
            {
                "type": "scatter3d",
                "x": corner[:, 0],
                "y": corner[:, 1],
                "z": corner[:, 2],
                "mode": "lines",
                "line": {"color": OKABE_ITO["vermillion"], "width": 4},
                "name": "right angle: r ⟂ col(X)",
                "showlegend": False,
                "hovertemplate": "r is perpendicular to the plane<extra></extra>",
            }
        )
    if path is not None:
        path = np.asarray(path, dtype=float)
        steps = np.arange(len(path)) if steps is None else np.asarray(steps)
        data.append(
            {
                "type": "scatter3d",
                "x": path[:, 0],
                "y": path[:, 1],
                "z": path[:, 2],
                "mode": "lines+markers",
                "line": {"color": OKABE_ITO["orange"], "width": 5},
                "marker": {"size": 4, "color": OKABE_ITO["orange"]},
                "name": PATH_LABEL,
                "customdata": steps,
                "hovertemplate": "step %{customdata}<br>ŷ<sub>t</sub> = (%{x:.4g}, %{y:.4g}, %{z:.4g})"
                "<extra></extra>",
            }
        )
    data.append(
        {
            "type": "scatter3d",
            "x": [0.0],
            "y": [0.0],
            "z": [0.0],
            "mode": "markers+text",
            "marker": {"size": 4, "color": ink(dark)},
            "text": ["0"],
            "textposition": "bottom center",
            "name": "origin",
            "showlegend": False,
            "hovertemplate": "origin<extra></extra>",
        }
    )
    for point, text, where in ((y, "y", "middle left"), (fitted, "ŷ", "top right")):
        data.append(
            {
                "type": "scatter3d",
                "x": [point[0]],
                "y": [point[1]],
                "z": [point[2]],
                "mode": "text",
                "text": [text],
                "textposition": where,
                "textfont": {"size": 20, "color": ink(dark)},
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
    axis_titles = ("sample 1", "sample 2", "sample 3")
    layout = {
        "scene": {
            "camera": camera or plane_camera(X, fitted, residual),
            "aspectmode": "data",
            **{
                ax: {"title": {"text": t}, "showticklabels": False, "zeroline": True}
                for ax, t in zip(("xaxis", "yaxis", "zaxis"), axis_titles, strict=True)
            },
        },
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data, 620),
        "margin": {"l": 0, "r": 0, "t": 60, "b": 0},
    }
    title = title or (
        "y lies in the plane: exact fit, r = 0" if picture.exact_fit else "Least squares is a projection"
    )
    return make_figure(data, layout, title=title, dark=dark)


# -- eigenbasis -----------------------------------------------------------------------------


def shown_directions(n_features: int) -> list[int]:
    """Which eigen-directions the per-direction figure draws: all, or extremes and middle."""
    if n_features <= MAX_DIRECTIONS:
        return list(range(n_features))
    return sorted({0, 1, n_features // 2, n_features - 2, n_features - 1})


def build_eigenbasis_figure(
    slice_, coords, *, directions=(0, 1), eigenvalues, label: str = "", dark: bool = False, title=None
) -> go.Figure:
    """The loss in eigen-coordinates e = Vᵀ(w − w*): axis-aligned ellipses, with a run's path.

    Parameters
    ----------
    slice_ : core.landscape.LossSlice
        Through w* along the eigenvectors ``directions`` (so its offsets ``a``, ``b``
        are the eigen-coordinates).
    coords : array-like of shape (T, K)
        The run mapped with ``core.to_eigenbasis``; columns ``directions`` are drawn.
    directions : (int, int)
    eigenvalues : array-like of shape (K,)
    label : str
        The run's legend entry.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    i, j = directions
    lam = np.asarray(eigenvalues, dtype=float)
    labels = (f"e<sub>{i + 1}</sub>, λ = {lam[i]:.3g}", f"e<sub>{j + 1}</sub>, λ = {lam[j]:.3g}")
    hover_labels = (f"e{i + 1}", f"e{j + 1}")
    a, b = np.asarray(slice_.a), np.asarray(slice_.b)
    C = np.asarray(coords, dtype=float)
    color = PATH_COLORS[0]
    data = [loss_contour_trace(a, b, slice_.Z, slice_.min_value, hover_labels, dark=dark)]
    inside = (C[:, i] >= a[0]) & (C[:, i] <= a[-1]) & (C[:, j] >= b[0]) & (C[:, j] <= b[-1])
    data.append(
        {
            "type": "scatter",
            "x": np.where(inside, C[:, i], np.nan),
            "y": np.where(inside, C[:, j], np.nan),
            "mode": "lines+markers",
            "line": {"color": color, "width": LINE_WIDTH - 1},
            "marker": {"size": 6, "color": color},
            "name": label or "run",
            "hovertemplate": f"{hover_labels[0]} = %{{x:.4g}}<br>{hover_labels[1]} = "
            "%{y:.4g}<extra></extra>",
        }
    )
    data.append(star_trace(0.0, 0.0, dark=dark, hover="<br>e = 0 at the minimum"))
    layout = {
        **equal_axes((a[0], a[-1]), (b[0], b[-1]), labels),
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    title = title or "Axis-aligned in the eigenbasis"
    return make_figure(data, layout, title=title, dark=dark)


def build_per_direction_figure(
    steps, coords, theory: pd.DataFrame, *, eigenvalues, learning_rate: float, dark=False, title=None
) -> go.Figure:
    """|eᵢ(t)| against step, measured (solid) and (1 − ηλᵢ)ᵗ eᵢ(0) (dashed), log y.

    Parameters
    ----------
    steps : array-like of int, shape (T,)
    coords : array-like of shape (T, K)
        ``core.to_eigenbasis`` of the run's recorded iterates.
    theory : pandas.DataFrame
        ``core.gd_per_direction`` over steps 0..steps[-1].
    eigenvalues : array-like of shape (K,)
    learning_rate : float

    Returns
    -------
    plotly.graph_objects.Figure
        Per shown direction a measured and a theory trace (same colour).
    """
    steps = np.asarray(steps)
    C = np.abs(np.asarray(coords, dtype=float))
    lam = np.asarray(eigenvalues, dtype=float)
    top = float(np.nanmax(C[0])) if C.size and np.any(np.isfinite(C[0])) else 1.0
    floor = ERROR_FLOOR * (top if top > 0 else 1.0)
    data = []
    for n, d in enumerate(shown_directions(C.shape[1])):
        color = PATH_COLORS[n % len(PATH_COLORS)]
        name = f"e<sub>{d + 1}</sub>: λ = {lam[d]:.3g}, 1 − ηλ = {1 - learning_rate * lam[d]:.3g}"
        measured = np.where(C[:, d] > floor, C[:, d], np.nan)
        data.append(
            {
                "type": "scatter",
                "x": steps,
                "y": measured,
                "mode": "markers",
                "marker": {"size": 7, "color": color},
                "name": name,
                "legendgroup": name,
                "hovertemplate": f"direction {d + 1}, measured<br>step %{{x}}<br>|e| = "
                "%{y:.4g}<extra></extra>",
            }
        )
        part = theory[theory["direction"] == d]
        th = part["abs_coordinate"].to_numpy(dtype=float)
        data.append(
            {
                "type": "scatter",
                "x": part["step"].to_numpy(),
                "y": np.where((th > floor) & np.isfinite(th), th, np.nan),
                "mode": "lines",
                "line": {"color": color, "width": 3, "dash": "dash"},
                "name": name + " (theory)",
                "legendgroup": name,
                "showlegend": False,
                "hovertemplate": f"direction {d + 1}, theory (1 − ηλ)<sup>t</sup>·e(0)<br>step %{{x}}"
                "<br>|e| = %{y:.4g}<extra></extra>",
            }
        )
    data.append(
        _legend_only("dots: measured", {"mode": "markers", "marker": {"size": 7, "color": ink(dark)}})
    )
    data.append(
        _legend_only(
            "dashed: theory (1 − ηλ)<sup>t</sup>·e(0)",
            {"mode": "lines", "line": {"color": ink(dark), "width": 3, "dash": "dash"}},
        )
    )
    layout = {
        "xaxis": {"title": {"text": "step t"}, "rangemode": "nonnegative"},
        "yaxis": {**LOG_AXIS, "title": {"text": "|e<sub>i</sub>(t)|, error along e<sub>i</sub> (log)"}},
        "legend": LEGEND_AT_BOTTOM,
        "height": _height(data),
    }
    return make_figure(data, layout, title=title or "Each direction at its own rate", dark=dark)


def _legend_only(name: str, style: dict) -> dict:
    """A legend entry explaining a mark's style (it draws nothing)."""
    return {"type": "scatter", "x": [None], "y": [None], "name": name, "hoverinfo": "skip", **style}


def _height(data: list, base: int = FIGURE_HEIGHT) -> int:
    """Tall enough that the legend under the plot does not squeeze it: LEGEND_ROW per entry beyond two."""
    entries = sum(
        1
        for t in data
        if t.get("type") in ("scatter", "scatter3d") and t.get("showlegend", True) and t.get("name")
    )
    return base + LEGEND_ROW * max(0, entries - 2)
