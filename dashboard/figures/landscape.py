"""Loss landscape figures: 3D surface, contour map and (K = 1) loss curve, with paths and w*.

Every builder takes a ``core.landscape.LossSlice`` (or ``LossCurve``) and draws in its
display coordinates, so a coordinate slice reads actual weights and w* sits at the
numbers ``core`` computed. Paths are projected onto the slice; points outside the
drawn extent (a diverging run) leave a gap, and the run's end marker is pinned to the
edge with its true position in the hover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from .paths import DEFAULT_MAX_POINTS, PathSpec, downsample_indices
from .style import (
    END_MARKER_SIZE,
    LINE_WIDTH,
    MARKER_SIZE,
    ink,
    landscape_colorscale,
    make_figure,
    merge,
    paper,
    significant,
)

UIREVISION = "lsq-landscape"
# How far below the top of the grid the log colour scale reaches: a quadratic's
# excess grows like r², so 4 decades span a factor 100 in distance, about what a
# 61-point grid resolves.
COLOR_DECADES = 4.0
N_CONTOURS = 16
CAMERA_PRESETS = {
    "oblique": {"eye": {"x": 1.45, "y": -1.55, "z": 0.95}, "up": {"x": 0, "y": 0, "z": 1}},
    "top": {"eye": {"x": 0.0, "y": 0.0, "z": 2.4}, "up": {"x": 0, "y": 1, "z": 0}},
    "front": {"eye": {"x": 0.0, "y": -2.4, "z": 0.35}, "up": {"x": 0, "y": 0, "z": 1}},
    "side": {"eye": {"x": 2.4, "y": 0.0, "z": 0.35}, "up": {"x": 0, "y": 0, "z": 1}},
}
PROJECTED_NOTE = "paths projected onto this plane"
CLIPPED_NOTE = "some points lie outside this view (the run left it)"
W_STAR_LABEL = "w* (closed form)"
# Legends under the plot, so they never cover the title or the valley; same height side by side.
LEGEND_BELOW = {"orientation": "h", "x": 0.0, "y": -0.14, "yanchor": "top"}
FIGURE_HEIGHT = 600
CONTOUR_COLORBAR_TITLE = "loss L(w)<br><sub>log scale above L*</sub>"


@dataclass(frozen=True)
class _DrawnPath:
    """A path in display coordinates, thinned, with out-of-view points blanked."""

    x: np.ndarray  # (m,) NaN where outside the view
    y: np.ndarray | None  # (m,) or None for a loss curve
    loss: np.ndarray  # (m,) true loss
    steps: np.ndarray  # (m,)
    distance: np.ndarray  # (m,) off the plane / line
    start: tuple[float, ...]  # the first iterate, pinned to the view's edge if outside
    end: tuple[float, ...]  # the last iterate, likewise
    end_inside: bool
    true_end: tuple[float, ...]  # the last iterate's display coordinates


def _draw_path(spec: PathSpec, project, bounds, max_points: int) -> _DrawnPath:
    traj = spec.trajectory
    coords = project(np.asarray(traj.weights, dtype=float))  # (x, [y,] distance)
    *xy, dist = coords
    xy = [np.asarray(c, dtype=float) for c in xy]
    lo, hi = bounds
    # Thin by arc length inside the view, so an escaping run does not eat the budget.
    clipped = np.column_stack([np.clip(c, l, h) for c, l, h in zip(xy, lo, hi, strict=True)])
    idx = downsample_indices(clipped, max_points)
    inside = np.all((clipped == np.column_stack(xy)), axis=1)
    drawn = [np.where(inside[idx], c[idx], np.nan) for c in xy]
    return _DrawnPath(
        x=drawn[0],
        y=drawn[1] if len(drawn) > 1 else None,
        loss=np.asarray(traj.loss, dtype=float)[idx],
        steps=np.asarray(traj.steps)[idx],
        distance=np.asarray(dist, dtype=float)[idx],
        start=tuple(float(v) for v in clipped[0]),
        end=tuple(float(v) for v in clipped[-1]),
        end_inside=bool(inside[-1]),
        true_end=tuple(float(c[-1]) for c in xy),
    )


def _log_excess(Z: np.ndarray, min_value: float):
    """log10(L − L*) floored COLOR_DECADES below its top, with its colour range."""
    excess = Z - min_value
    top = float(np.max(excess))
    if not top > 0:
        return np.zeros_like(Z), -1.0, 0.0
    cmax = np.log10(top)
    cmin = cmax - COLOR_DECADES
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log10(np.maximum(excess, 10.0**cmin))
    return s, float(cmin), float(cmax)


def _loss_ticks(min_value: float, cmin: float, cmax: float):
    """Colour-bar ticks at whole decades of L − L*, labelled with the loss L itself."""
    exps = np.arange(np.ceil(cmin), np.floor(cmax) + 1)
    values = min_value + 10.0**exps
    for digits in range(3, 11):
        labels = [f"{v:.{digits}g}" for v in values]
        base = f"{min_value:.{digits}g}"
        if len(set(labels)) == len(labels) and (min_value == 0 or base not in labels):
            break
    return exps.tolist(), labels


def _colorbar(title: str, min_value: float, cmin: float, cmax: float, dark: bool) -> dict:
    tickvals, ticktext = _loss_ticks(min_value, cmin, cmax)
    return {
        "title": {"text": title, "side": "top"},
        "tickvals": tickvals,
        "ticktext": ticktext,
        "thickness": 18,
        "outlinewidth": 0,
        "tickfont": {"color": ink(dark)},
    }


def _notes(*, projected: bool, clipped: bool, dark: bool, scene: bool = False) -> dict:
    """Layout annotations for the notes: the paths are projections; points lie outside.

    Drawn inside the plot's bottom-left corner on a translucent box, where they
    cannot collide with tick labels (a 3D scene fills the paper, so paper coordinates).
    """
    notes = ([PROJECTED_NOTE] if projected else []) + ([CLIPPED_NOTE] if clipped else [])
    ref = ("paper", "paper") if scene else ("x domain", "y domain")
    box = "rgba(17,17,17,0.8)" if dark else "rgba(255,255,255,0.85)"
    annotations = [
        {
            "text": text,
            "xref": ref[0],
            "yref": ref[1],
            "x": 0.01,
            "y": 0.01 + 0.075 * (len(notes) - 1 - i),
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"color": ink(dark)},
            "bgcolor": box,
        }
        for i, text in enumerate(notes)
    ]
    return {"annotations": annotations} if notes else {}


def _end_text(spec: PathSpec, path: _DrawnPath, labels: Sequence[str]) -> str:
    traj = spec.trajectory
    text = "end (diverged)" if traj.diverged else "end"
    if getattr(traj, "message", ""):
        text += f": {traj.message}"
    if not path.end_inside:
        where = ", ".join(f"{lab} = {v:.4g}" for lab, v in zip(labels, path.true_end, strict=True))
        text += f"<br>outside the view, at {where}"
    return text


def _coordinate_hover(labels: Sequence[str]) -> str:
    axes = ["x", "y", "z"][: len(labels)]
    return "<br>".join(f"{lab} = %{{{ax}:.4g}}" for lab, ax in zip(labels, axes, strict=True))


def _path_hover(labels: Sequence[str], projected: bool, what: str = "plane") -> str:
    text = "step %{customdata[0]:,.0f}<br>L(w) = %{customdata[1]:.6g}<br>" + _coordinate_hover(labels)
    if projected:
        text += f"<br>distance from the {what} %{{customdata[2]:.3g}}"
    return text + "<extra>%{fullData.name}</extra>"


def _customdata(path: _DrawnPath) -> np.ndarray:
    return np.column_stack([path.steps, significant(path.loss), significant(path.distance, 4)])


def _star_point(project, w_star) -> list[float]:
    coords = project(np.asarray(w_star, dtype=float)[None, :])
    return [float(c[0]) for c in coords]


def _ends(spec: PathSpec, p: _DrawnPath, labels, dark: bool, *, kind: str, **coords) -> dict:
    """Start (circle) and end (diamond, or x when diverged) markers of one path."""
    traj = spec.trajectory
    loss = np.asarray(traj.loss, dtype=float)
    size = END_MARKER_SIZE * 0.6 if kind == "scatter3d" else END_MARKER_SIZE  # 3D markers render larger
    return {
        "type": kind,
        **coords,
        "mode": "markers",
        **({} if kind == "scatter3d" else {"cliponaxis": False}),  # a pinned end sits on the edge
        "marker": {
            "symbol": ["circle", "x" if traj.diverged else "diamond"],
            "size": size,
            "color": spec.color,
            "line": {"color": paper(dark), "width": 2},
        },
        "name": spec.label,
        "legendgroup": spec.label,
        "showlegend": False,
        "text": ["start", _end_text(spec, p, labels)],
        "customdata": [loss[0], loss[-1]],
        "hovertemplate": "%{text}<br>L(w) = %{customdata:.6g}<br>"
        + _coordinate_hover(labels)
        + "<extra>%{fullData.name}</extra>",
    }


def _star(x: float, y: float, min_value: float, labels, dark: bool) -> dict:
    return {
        "type": "scatter",
        "x": [x],
        "y": [y],
        "mode": "markers",
        "marker": {
            "symbol": "star",
            "size": END_MARKER_SIZE + 8,
            "color": ink(dark),
            "line": {"color": paper(dark), "width": 2},
        },
        "name": W_STAR_LABEL,
        "customdata": [min_value],
        "hovertemplate": f"{W_STAR_LABEL}<br>{_coordinate_hover(labels)}"
        + "<br>L* = %{customdata:.6g}<extra></extra>",
    }


def _bounds(slice_) -> tuple:
    return (slice_.x[0], slice_.y[0]), (slice_.x[-1], slice_.y[-1])


def build_surface_figure(
    slice_,
    paths: Sequence[PathSpec],
    w_star=None,
    *,
    camera: dict | None = None,
    projected: bool = False,
    dark: bool = False,
    title: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> go.Figure:
    """3D loss surface over a slice, each path drawn on it, and w* marked.

    Parameters
    ----------
    slice_ : core.landscape.LossSlice
    paths : sequence of PathSpec
    w_star : array-like of shape (n_features,), optional
        The closed-form minimizer, marked "w* (closed form)".
    camera : dict, optional
        A plotly camera (``eye``/``up``/``center``), e.g. from :data:`CAMERA_PRESETS`;
        default ``CAMERA_PRESETS["oblique"]``.
    projected : bool, default=False
        True when K > 2: the paths are projections, which the figure says.
    dark : bool, default=False
    title : str, optional
    max_points : int, default=400
        Drawn points per path (drawing only).

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Surface``, then per path a line and a start/end marker ``Scatter3d``,
        then the w* marker. Paths sit slightly above the surface so it cannot hide
        them; their hover shows the true loss. ``uirevision`` is constant, so a
        front end that honours it keeps the user's rotation.
    """
    labels = slice_.labels
    Z = slice_.Z
    color, cmin, cmax = _log_excess(Z, slice_.min_value)
    lift = 0.006 * float(np.max(Z) - np.min(Z))  # keeps a path on the surface from z-fighting with it
    data = [
        {
            "type": "surface",
            "x": slice_.x,
            "y": slice_.y,
            "z": Z,
            # Colour by log(L − L*) so the valley floor shows structure; z stays the loss.
            "surfacecolor": color.astype(np.float32),
            "cmin": cmin,
            "cmax": cmax,
            "colorscale": landscape_colorscale(dark),
            "colorbar": _colorbar("loss L(w)", slice_.min_value, cmin, cmax, dark),
            "opacity": 0.95,
            "name": "loss L(w)",
            "hovertemplate": _coordinate_hover(labels) + "<br>L(w) = %{z:.6g}<extra>loss surface</extra>",
            "lighting": {"ambient": 0.75, "diffuse": 0.5, "specular": 0.05, "roughness": 0.9},
        }
    ]
    hover = _path_hover(labels, projected)
    any_outside = False
    for spec in paths:
        p = _draw_path(spec, slice_.project, _bounds(slice_), max_points)
        any_outside |= not p.end_inside
        data.append(
            {
                "type": "scatter3d",
                "x": p.x,
                "y": p.y,
                "z": slice_.value(p.x, p.y) + lift,
                "mode": "lines",
                "line": {"color": spec.color, "width": LINE_WIDTH + 2},
                "name": spec.label,
                "legendgroup": spec.label,
                "customdata": _customdata(p),
                "hovertemplate": hover,
            }
        )
        xs, ys = np.array([p.start[0], p.end[0]]), np.array([p.start[1], p.end[1]])
        data.append(_ends(spec, p, labels, dark, kind="scatter3d", x=xs, y=ys, z=slice_.value(xs, ys) + lift))
    if w_star is not None:
        x, y, _ = _star_point(slice_.project, w_star)
        data.append(
            {
                "type": "scatter3d",
                "x": [x],
                "y": [y],
                "z": [float(slice_.value(x, y)) + 2 * lift],
                "mode": "markers+text",
                "text": ["w*"],
                "textposition": "top center",
                "textfont": {"size": 18, "color": ink(dark)},
                "marker": {"symbol": "cross", "size": END_MARKER_SIZE, "color": ink(dark)},
                "name": W_STAR_LABEL,
                "customdata": [slice_.min_value],
                "hovertemplate": f"{W_STAR_LABEL}<br>{_coordinate_hover(labels)}"
                + "<br>L* = %{customdata:.6g}<extra></extra>",
            }
        )
    x_span, y_span = slice_.x[-1] - slice_.x[0], slice_.y[-1] - slice_.y[0]
    longest = max(x_span, y_span)
    layout = {
        "uirevision": UIREVISION,
        "scene": {
            "uirevision": UIREVISION,
            "camera": camera if camera is not None else CAMERA_PRESETS["oblique"],
            "xaxis": {"title": {"text": labels[0]}, "range": [slice_.x[0], slice_.x[-1]]},
            "yaxis": {"title": {"text": labels[1]}, "range": [slice_.y[0], slice_.y[-1]]},
            "zaxis": {"title": {"text": "loss L(w)"}},
            # The true proportions of the two weight axes, within reason for a 3D box.
            "aspectmode": "manual",
            "aspectratio": {"x": max(x_span / longest, 0.3), "y": max(y_span / longest, 0.3), "z": 0.65},
            "domain": {"x": [0.0, 1.0], "y": [0.0, 1.0]},
        },
        "legend": LEGEND_BELOW,
        "height": FIGURE_HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 60, "b": 0},
    }
    notes = _notes(projected=projected, clipped=slice_.clipped or any_outside, dark=dark, scene=True)
    layout = merge(layout, notes)
    return make_figure(data, layout, title=title or "Loss surface L(w) with the optimizer paths", dark=dark)


def build_contour_figure(
    slice_,
    paths: Sequence[PathSpec],
    w_star=None,
    *,
    projected: bool = False,
    dark: bool = False,
    title: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> go.Figure:
    """Contour map of the loss over a slice, with the paths and w*, at equal aspect.

    Levels are log-spaced in L − L* (a quadratic's valley floor would otherwise be
    one flat colour); the colour bar is labelled with the loss itself. Equal scales
    on both axes make an ill-conditioned valley look as elongated as it is.

    Parameters are those of :func:`build_surface_figure` (no camera).

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Contour``, then per path a ``lines+markers`` trace and a start/end
        marker trace, then the w* star.
    """
    labels = slice_.labels
    logz, cmin, cmax = _log_excess(slice_.Z, slice_.min_value)
    data = [
        {
            "type": "contour",
            "x": slice_.x,
            "y": slice_.y,
            "z": logz.astype(np.float32),
            "customdata": slice_.Z.astype(np.float32),  # hover only
            "zmin": cmin,
            "zmax": cmax,
            "autocontour": False,
            "contours": {"start": cmin, "end": cmax, "size": (cmax - cmin) / N_CONTOURS, "coloring": "fill"},
            "colorscale": landscape_colorscale(dark),
            "line": {"width": 1, "color": "rgba(200,210,225,0.45)" if dark else "rgba(60,75,95,0.55)"},
            "colorbar": _colorbar(CONTOUR_COLORBAR_TITLE, slice_.min_value, cmin, cmax, dark),
            "name": "loss L(w)",
            "hovertemplate": _coordinate_hover(labels) + "<br>L(w) = %{customdata:.6g}<extra></extra>",
        }
    ]
    hover = _path_hover(labels, projected)
    any_outside = False
    for spec in paths:
        p = _draw_path(spec, slice_.project, _bounds(slice_), max_points)
        any_outside |= not p.end_inside
        data.append(
            {
                "type": "scatter",
                "x": p.x,
                "y": p.y,
                "mode": "lines+markers",
                "line": {"color": spec.color, "width": LINE_WIDTH},
                "marker": {"size": MARKER_SIZE * 0.75, "color": spec.color},
                "name": spec.label,
                "legendgroup": spec.label,
                "customdata": _customdata(p),
                "hovertemplate": hover,
            }
        )
        data.append(
            _ends(spec, p, labels, dark, kind="scatter", x=[p.start[0], p.end[0]], y=[p.start[1], p.end[1]])
        )
    if w_star is not None:
        x, y, _ = _star_point(slice_.project, w_star)
        data.append(_star(x, y, slice_.min_value, labels, dark))
    axis = {"constrain": "domain", "showgrid": False, "zeroline": False}
    layout = {
        "uirevision": UIREVISION,
        "xaxis": {**axis, "title": {"text": labels[0]}, "range": [slice_.x[0], slice_.x[-1]]},
        "yaxis": {
            **axis,
            "title": {"text": labels[1]},
            "range": [slice_.y[0], slice_.y[-1]],
            "scaleanchor": "x",
            "scaleratio": 1,
        },
        "legend": LEGEND_BELOW,
        "height": FIGURE_HEIGHT,
        "margin": {"t": 60},
    }
    layout = merge(layout, _notes(projected=projected, clipped=slice_.clipped or any_outside, dark=dark))
    title = title or "Contours of the loss with the optimizer paths"
    return make_figure(data, layout, title=title, dark=dark)


def build_loss_curve_figure(
    curve,
    paths: Sequence[PathSpec],
    w_star=None,
    *,
    projected: bool = False,
    dark: bool = False,
    title: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> go.Figure:
    """The K = 1 view: the loss along a line, with each path's points on the curve.

    Parameters
    ----------
    curve : core.landscape.LossCurve
    paths : sequence of PathSpec
    w_star : array-like of shape (n_features,), optional
    projected, dark, title, max_points
        As for :func:`build_surface_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        The curve, per path a ``lines+markers`` trace and a start/end trace, then w*.
    """
    labels = (curve.label, "loss L(w)")
    data = [
        {
            "type": "scatter",
            "x": curve.x,
            "y": curve.values,
            "mode": "lines",
            "line": {"color": ink(dark), "width": LINE_WIDTH - 1},
            "name": "loss L(w)",
            "hovertemplate": f"{curve.label} = %{{x:.4g}}<br>L(w) = %{{y:.6g}}<extra></extra>",
        }
    ]
    hover = _path_hover(labels[:1], projected, what="line")
    bounds = (curve.x[0],), (curve.x[-1],)
    any_outside = False
    for spec in paths:
        p = _draw_path(spec, curve.project, bounds, max_points)
        any_outside |= not p.end_inside
        data.append(
            {
                "type": "scatter",
                "x": p.x,
                "y": curve.value(p.x),  # on the curve; the hover gives the true loss
                "mode": "lines+markers",
                "line": {"color": spec.color, "width": LINE_WIDTH - 1},
                "marker": {"size": MARKER_SIZE + 2, "color": spec.color},
                "name": spec.label,
                "legendgroup": spec.label,
                "customdata": _customdata(p),
                "hovertemplate": hover,
            }
        )
        xs = np.array([p.start[0], p.end[0]])
        data.append(_ends(spec, p, labels[:1], dark, kind="scatter", x=xs, y=curve.value(xs)))
    if w_star is not None:
        (x, _) = _star_point(curve.project, w_star)
        data.append(_star(x, float(curve.value(x)), curve.min_value, labels, dark))
    layout = {
        "xaxis": {"title": {"text": labels[0]}, "range": [curve.x[0], curve.x[-1]]},
        "yaxis": {"title": {"text": labels[1]}},
        "uirevision": UIREVISION,
        "legend": {"orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom"},
        "margin": {"t": 100},
    }
    layout = merge(layout, _notes(projected=projected, clipped=curve.clipped or any_outside, dark=dark))
    return make_figure(data, layout, title=title or "Loss curve with the optimizer paths", dark=dark)
