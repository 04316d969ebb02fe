"""Loss landscape figures: 3D surface, contour map and (K = 1) loss curve, with paths and w*.

Every builder takes a ``core.landscape.LossSlice`` (or ``LossCurve``) and draws in its
display coordinates, so a coordinate slice reads actual weights and w* sits at the
numbers ``core`` computed. Paths are projected onto the slice; points outside the
drawn extent (a diverging run) leave a gap, and the run's end marker is pinned to the
edge with its true position in the hover.

The surface and the contour are drawn side by side (or stacked on a narrow screen) as
one chart: the legend is the contour's, the colour bar too; the surface's height is the
loss already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from .paths import DEFAULT_MAX_POINTS, PathSpec, downsample_indices
from .style import (
    DIVERGED_SYMBOL,
    END_MARKER_SIZE,
    END_SYMBOL,
    FIGURE_HEIGHT,
    LEGEND_BELOW,
    LINE_WIDTH,
    MARKER_SIZE,
    N_CONTOURS,
    SCENE_MARKER_SCALE,
    START_SYMBOL,
    contour_line_color,
    coordinate_hover,
    ink,
    landscape_colorscale,
    log_excess,
    make_figure,
    merge,
    note_box,
    paper,
    significant,
    star_trace,
)

UIREVISION = "lsq-landscape"
# Close enough that the bowl fills the panel (plotly's default eye is ~2.2 from the centre),
# looking a little below the middle of the box so the bowl does not float under empty space, and a
# little left of it: the L(w) axis's ticks and title stand on the box's left and need the room.
_CENTER = {"x": -0.05, "y": -0.05, "z": -0.2}
_UP = {"x": 0.0, "y": 0.0, "z": 1.0}
CAMERA_PRESETS = {
    "oblique": {"eye": {"x": 1.1, "y": -1.2, "z": 0.72}, "up": _UP, "center": _CENTER},
    "top": {"eye": {"x": 0.0, "y": 0.0, "z": 2.0}, "up": {"x": 0.0, "y": 1.0, "z": 0.0}, "center": _CENTER},
    "front": {"eye": {"x": 0.0, "y": -2.0, "z": 0.3}, "up": _UP, "center": _CENTER},
    "side": {"eye": {"x": 2.0, "y": 0.0, "z": 0.3}, "up": _UP, "center": _CENTER},
}
CAMERA_BUTTONS = {  # label → preset; "Reset view" is the default view under the name people look for
    "Oblique": "oblique",
    "Top": "top",
    "Front": "front",
    "Side": "side",
    "Reset view": "oblique",
}
PROJECTED_NOTE = "paths projected onto this plane"
CLIPPED_NOTE = "some points lie outside this view (the run left it)"
SURFACE_TITLE = "Loss surface L(w)"
CONTOUR_TITLE = "Contours of L(w)"
CURVE_TITLE = "Loss curve L(w)"
CONTOUR_COLORBAR_TITLE = "loss L(w)<br><sub>log scale above L*</sub>"
START_LABEL, END_LABEL = "start w₀", "end of a run"
SURFACE_LIFT = 0.006  # paths float this fraction of the loss range above the surface (no z-fighting)


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
        "thickness": 14,
        "outlinewidth": 0,
        "tickfont": {"color": ink(dark)},
    }


def _notes(*, projected: bool, clipped: bool, dark: bool, scene: bool = False) -> dict:
    """Layout annotations: the paths are projections; some points lie outside the view.

    In the plot's top-left corner on a translucent box, clear of the tick labels (a 3D
    scene fills the paper, so there in paper coordinates, under the title).
    """
    notes = ([PROJECTED_NOTE] if projected else []) + ([CLIPPED_NOTE] if clipped else [])
    ref = ("paper", "paper") if scene else ("x domain", "y domain")
    top = 0.97 if scene else 0.99
    annotations = [
        {
            "text": text,
            "xref": ref[0],
            "yref": ref[1],
            "x": 0.01,
            "y": top - 0.07 * i,
            "xanchor": "left",
            "yanchor": "top",
            "showarrow": False,
            "font": {"color": ink(dark)},
            "bgcolor": note_box(dark),
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


def _path_hover(labels: Sequence[str], projected: bool, what: str = "plane") -> str:
    text = "step %{customdata[0]:,.0f}<br>L(w) = %{customdata[1]:.6g}<br>" + coordinate_hover(labels)
    if projected:
        text += f"<br>distance from the {what} %{{customdata[2]:.3g}}"
    return text + "<extra>%{fullData.name}</extra>"


def _customdata(path: _DrawnPath) -> np.ndarray:
    return np.column_stack([path.steps, significant(path.loss), significant(path.distance, 4)])


def projected_point(project, w) -> list[float]:
    """Display coordinates (and the distance off the plane or line) of one weight vector ``w``."""
    coords = project(np.asarray(w, dtype=float)[None, :])
    return [float(c[0]) for c in coords]


def slice_bounds(slice_) -> tuple:
    """``((x_lo, y_lo), (x_hi, y_hi))``: the drawn extent of a slice."""
    return (slice_.x[0], slice_.y[0]), (slice_.x[-1], slice_.y[-1])


def surface_lift(slice_) -> float:
    """How far paths float above the surface: enough not to z-fight with it, too little to see."""
    return SURFACE_LIFT * float(np.max(slice_.Z) - np.min(slice_.Z))


def _ends(spec: PathSpec, p: _DrawnPath, labels, dark: bool, *, kind: str, **coords) -> dict:
    """Start (ring) and end (dot, or x when diverged) markers of one path."""
    traj = spec.trajectory
    loss = np.asarray(traj.loss, dtype=float)
    scale = SCENE_MARKER_SCALE if kind == "scatter3d" else 1.0
    return {
        "type": kind,
        **coords,
        "mode": "markers",
        **({} if kind == "scatter3d" else {"cliponaxis": False}),  # a pinned end sits on the edge
        "marker": {
            "symbol": [START_SYMBOL, DIVERGED_SYMBOL if traj.diverged else END_SYMBOL],
            "size": END_MARKER_SIZE * scale,
            "color": spec.color,
            "line": {"color": spec.color if kind == "scatter3d" else paper(dark), "width": 2},
        },
        "name": spec.label,
        "legendgroup": spec.label,
        "showlegend": False,
        "text": ["start", _end_text(spec, p, labels)],
        "customdata": [loss[0], loss[-1]],
        "hovertemplate": "%{text}<br>L(w) = %{customdata:.6g}<br>"
        + coordinate_hover(labels)
        + "<extra>%{fullData.name}</extra>",
    }


def mark_legend(dark: bool = False) -> list[dict]:
    """Legend entries saying what a ring and a dot mean (they draw nothing themselves)."""
    return [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {
                "symbol": symbol,
                "size": END_MARKER_SIZE * 0.8,
                "color": ink(dark),
                "line": {"color": ink(dark), "width": 2},
            },
            "name": name,
            "legendrank": 2000,
            "hoverinfo": "skip",
        }
        for symbol, name in ((START_SYMBOL, START_LABEL), (END_SYMBOL, END_LABEL))
    ]


def drawing_order(paths: Sequence[PathSpec]) -> list[tuple[int, PathSpec]]:
    """(legend rank, path) with stochastic runs first: a full-batch path is drawn on top of SGD's noise."""
    ranked = list(enumerate(paths))
    return sorted(ranked, key=lambda item: getattr(item[1].trajectory, "batch_size", None) is None)


def _stochastic_width(spec: PathSpec, width: float) -> float:
    """Stochastic paths are drawn thinner: they zig-zag over whatever lies under them."""
    return width * 0.6 if getattr(spec.trajectory, "batch_size", None) is not None else width


def camera_buttons(dark: bool = False) -> dict:
    """Buttons in the 3D chart that turn the camera to each preset, in the browser (no rerun).

    The chart reports the new camera like a drag, so the app keeps it and writes it into the link.
    """
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "bottom",
        "pad": {"l": 4, "b": 4, "r": 0, "t": 0},
        "font": {"size": 13, "color": ink(dark)},
        "bgcolor": paper(dark),
        "bordercolor": "#888888",
        "buttons": [
            {"label": label, "method": "relayout", "args": [{"scene.camera": CAMERA_PRESETS[name]}]}
            for label, name in CAMERA_BUTTONS.items()
        ],
    }


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
        default ``CAMERA_PRESETS["oblique"]``. The app's chart applies it when it first draws
        and keeps the user's rotation afterwards.
    projected : bool, default=False
        True when K > 2: the paths are projections, which the figure says.
    dark : bool, default=False
    title : str, optional
    max_points : int, default=400
        Drawn points per path (drawing only).

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Surface`` (no colour bar: its height is the loss), then per path (stochastic
        runs first) a line and a start/end marker ``Scatter3d``, then the w* diamond. Paths
        sit slightly above the surface so it cannot hide them; their hover shows the true
        loss. No legend: the contour beside it has it. Buttons turn the camera to each of
        :data:`CAMERA_PRESETS`.
    """
    labels = slice_.labels
    Z = slice_.Z
    color, cmin, cmax = log_excess(Z, slice_.min_value)
    lift = surface_lift(slice_)
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
            "showscale": False,
            "opacity": 0.95,
            "name": "loss L(w)",
            "hovertemplate": coordinate_hover(labels) + "<br>L(w) = %{z:.6g}<extra>loss surface</extra>",
            "lighting": {"ambient": 0.75, "diffuse": 0.5, "specular": 0.05, "roughness": 0.9},
        }
    ]
    hover = _path_hover(labels, projected)
    any_outside = False
    for rank, spec in drawing_order(paths):
        p = _draw_path(spec, slice_.project, slice_bounds(slice_), max_points)
        any_outside |= not p.end_inside
        data.append(
            {
                "type": "scatter3d",
                "x": p.x,
                "y": p.y,
                "z": slice_.value(p.x, p.y) + lift,
                "mode": "lines",
                "line": {"color": spec.color, "width": _stochastic_width(spec, LINE_WIDTH + 2)},
                "name": spec.label,
                "legendgroup": spec.label,
                "legendrank": rank,
                "customdata": _customdata(p),
                "hovertemplate": hover,
            }
        )
        xs, ys = np.array([p.start[0], p.end[0]]), np.array([p.start[1], p.end[1]])
        data.append(_ends(spec, p, labels, dark, kind="scatter3d", x=xs, y=ys, z=slice_.value(xs, ys) + lift))
    if w_star is not None:
        x, y, _ = projected_point(slice_.project, w_star)
        hover = f"<br>L* = {slice_.min_value:.6g}"
        # Well above the surface: a 3D marker is a solid, and the bowl would hide its lower half.
        data.append(star_trace(x, y, float(slice_.value(x, y)) + 5 * lift, dark=dark, hover=hover))
    x_span, y_span = slice_.x[-1] - slice_.x[0], slice_.y[-1] - slice_.y[0]
    longest = max(x_span, y_span)
    layout = {
        "uirevision": UIREVISION,
        "showlegend": False,
        "scene": {
            "uirevision": UIREVISION,
            "camera": camera if camera is not None else CAMERA_PRESETS["oblique"],
            "xaxis": {"title": {"text": labels[0]}, "range": [slice_.x[0], slice_.x[-1]], "nticks": 5},
            "yaxis": {"title": {"text": labels[1]}, "range": [slice_.y[0], slice_.y[-1]], "nticks": 5},
            "zaxis": {"title": {"text": "L(w)"}, "nticks": 4},
            # The true proportions of the two weight axes, within reason for a 3D box.
            "aspectmode": "manual",
            "aspectratio": {"x": max(x_span / longest, 0.3), "y": max(y_span / longest, 0.3), "z": 0.65},
            "domain": {"x": [0.0, 1.0], "y": [0.08, 1.0]},  # the camera buttons have the foot
        },
        "updatemenus": [camera_buttons(dark)],
        "height": FIGURE_HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 0},
    }
    notes = _notes(projected=projected, clipped=slice_.clipped or any_outside, dark=dark, scene=True)
    layout = merge(layout, notes)
    return make_figure(data, layout, title=title or SURFACE_TITLE, dark=dark)


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
        One ``Contour``, then per path (stochastic runs first) a ``lines+markers`` trace
        and a start/end marker trace, then the w* diamond, then two legend-only entries
        for the start and end marks (when there are paths).
    """
    labels = slice_.labels
    logz, cmin, cmax = log_excess(slice_.Z, slice_.min_value)
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
            "line": {"width": 1, "color": contour_line_color(dark)},
            "colorbar": _colorbar(CONTOUR_COLORBAR_TITLE, slice_.min_value, cmin, cmax, dark),
            "name": "loss L(w)",
            "hovertemplate": coordinate_hover(labels) + "<br>L(w) = %{customdata:.6g}<extra></extra>",
        }
    ]
    hover = _path_hover(labels, projected)
    any_outside = False
    for rank, spec in drawing_order(paths):
        p = _draw_path(spec, slice_.project, slice_bounds(slice_), max_points)
        any_outside |= not p.end_inside
        width = _stochastic_width(spec, LINE_WIDTH)
        data.append(
            {
                "type": "scatter",
                "x": p.x,
                "y": p.y,
                "mode": "lines+markers",
                "line": {"color": spec.color, "width": width},
                "marker": {"size": MARKER_SIZE * 0.75 * width / LINE_WIDTH, "color": spec.color},
                "name": spec.label,
                "legendgroup": spec.label,
                "legendrank": rank,
                "customdata": _customdata(p),
                "hovertemplate": hover,
            }
        )
        data.append(
            _ends(spec, p, labels, dark, kind="scatter", x=[p.start[0], p.end[0]], y=[p.start[1], p.end[1]])
        )
    if w_star is not None:
        x, y, _ = projected_point(slice_.project, w_star)
        data.append(star_trace(x, y, dark=dark, hover=f"<br>L* = {slice_.min_value:.6g}"))
    if paths:
        data += mark_legend(dark)
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
        "margin": {"t": 50},
        "transition": {"duration": 300, "easing": "cubic-in-out"},
    }
    layout = merge(layout, _notes(projected=projected, clipped=slice_.clipped or any_outside, dark=dark))
    return make_figure(data, layout, title=title or CONTOUR_TITLE, dark=dark)


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
    for rank, spec in drawing_order(paths):
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
                "legendrank": rank,
                "customdata": _customdata(p),
                "hovertemplate": hover,
            }
        )
        xs = np.array([p.start[0], p.end[0]])
        data.append(_ends(spec, p, labels[:1], dark, kind="scatter", x=xs, y=curve.value(xs)))
    if w_star is not None:
        (x, _) = projected_point(curve.project, w_star)
        data.append(star_trace(x, float(curve.value(x)), dark=dark, hover=f"<br>L* = {curve.min_value:.6g}"))
    if paths:
        data += mark_legend(dark)
    layout = {
        "xaxis": {"title": {"text": labels[0]}, "range": [curve.x[0], curve.x[-1]]},
        "yaxis": {"title": {"text": labels[1]}},
        "uirevision": UIREVISION,
        "legend": LEGEND_BELOW,
        "height": FIGURE_HEIGHT,
        "margin": {"t": 50},
    }
    layout = merge(layout, _notes(projected=projected, clipped=curve.clipped or any_outside, dark=dark))
    return make_figure(data, layout, title=title or CURVE_TITLE, dark=dark)
