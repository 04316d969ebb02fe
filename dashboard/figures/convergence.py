"""Convergence view: L(w_t) − L* and ‖w_t − w*‖ against the step, on log axes.

Both quantities reach exactly 0 (or round below it) once a run has converged to
machine precision; a log axis would draw −inf. They are floored at 1e-16 times the
problem's own scale, and the hover says which points were floored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .paths import DEFAULT_MAX_POINTS, PathSpec, downsample_indices
from .style import (
    END_MARKER_SIZE,
    LEGEND_AT_BOTTOM,
    LINE_WIDTH,
    LOG_AXIS,
    ink,
    make_figure,
    paper,
    reference_color,
    significant,
    wrap,
)

FLOOR_FACTOR = 1e-16
CEILING = 1e300
FLOORED_NOTE = " (below the floor: drawn at {floor:.1e})"
LOSS_AXIS_TITLE = "L(w<sub>t</sub>) − L*"
DISTANCE_AXIS_TITLE = "‖w<sub>t</sub> − w*‖"
BOUND_LABEL = "theoretical bound (full-batch GD)"
EXACT_LABEL = "exact full-batch GD"
TITLE = "Loss gap and distance to w*"
# Two stacked log panels need room: each gets ~250 px of plot at this height, which keeps
# a few decades of ticks apart on a 1024×768 projector.
HEIGHT = 700
MAX_LOG_LABELS = 6  # labels per log axis: whole decades (or every n-th) once the range spans two
# The horizontal axis: steps t, or epochs (passes over the data, N samples' gradients each), which
# puts runs with different batch sizes side by side at equal cost.
X_AXES = {"step": "step t", "epoch": "epochs (passes over the data)"}
_X_HOVER = {"step": "step %{x:,.0f}", "epoch": "epoch %{x:.4g}"}


def distances(weights, w_star) -> np.ndarray:
    """‖w_t − w*‖ for each row, without overflow for a diverged-but-finite run."""
    R = np.asarray(weights, dtype=float) - np.asarray(w_star, dtype=float)  # (n, K)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scale = np.max(np.abs(R), axis=1)
        safe = np.where(scale > 0, scale, 1.0)
        return np.where(scale > 0, scale * np.linalg.norm(R / safe[:, None], axis=1), 0.0)


def _scale(first_values, extra: float) -> float:
    """The problem's scale for the floor: the initial gaps and |L*| (or ‖w*‖)."""
    finite = [abs(v) for v in [*first_values, extra] if np.isfinite(v) and v != 0]
    return max(finite) if finite else 1.0


def _has(values) -> bool:
    return values is not None and values.size > 0


def _floored(values: np.ndarray, floor: float):
    """Values with everything ≤ floor (zeros, rounding negatives) raised to it, and the mask."""
    below = np.isfinite(values) & (values <= floor)
    # An overflowed loss (inf) becomes a gap in the line rather than an invalid log value,
    # and values near the float limit are capped so plotly's log autorange stays finite.
    shown = np.where(np.isfinite(values), np.minimum(values, CEILING), np.nan)
    return np.where(below, floor, shown), below


def _reference(ref, name: str):
    """Normalize a bound/exact curve: an array over steps 0..T−1 (loss gap), or a mapping."""
    if ref is None:
        return None
    if isinstance(ref, Mapping):
        unknown = set(ref) - {"steps", "loss", "distance", "label"}
        if unknown:
            raise ValueError(
                f"{name} accepts keys 'steps', 'loss', 'distance', 'label'; got {sorted(unknown)}."
            )
        loss = None if ref.get("loss") is None else np.asarray(ref["loss"], dtype=float)
        dist = None if ref.get("distance") is None else np.asarray(ref["distance"], dtype=float)
        n = len(loss) if loss is not None else len(dist) if dist is not None else 0
        steps = np.asarray(ref["steps"]) if ref.get("steps") is not None else np.arange(n)
        label = ref.get("label")
    else:
        loss, dist, label = np.asarray(ref, dtype=float), None, None
        steps = np.arange(len(loss))
    for arr in (loss, dist):
        if arr is not None and arr.shape != steps.shape:
            raise ValueError(
                f"{name}: each curve needs one value per step, got {arr.shape} vs {steps.shape}."
            )
    return steps, loss, dist, label


def _thin(steps, *curves, max_points: int) -> np.ndarray:
    """Indices to draw, by arc length in the plotted (step, log y) space."""
    cols = [np.asarray(steps, dtype=float) / max(float(np.max(steps)) if len(steps) else 1.0, 1.0)]
    for c in curves:
        with np.errstate(divide="ignore", invalid="ignore"):
            logc = np.log10(c)
        logc = np.where(np.isfinite(logc), logc, np.nan)
        span = np.nanmax(logc) - np.nanmin(logc) if np.any(np.isfinite(logc)) else 0.0
        cols.append(np.nan_to_num(logc / span if span > 0 else logc * 0))
    return downsample_indices(np.column_stack(cols), max_points)


def build_convergence_figure(
    paths: Sequence[PathSpec],
    *,
    min_value: float,
    w_star,
    bound=None,
    exact=None,
    x_axis: str = "step",
    dark: bool = False,
    title: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> go.Figure:
    """Two panels sharing the step axis: L(w_t) − L* (top) and ‖w_t − w*‖ (bottom), log y.

    Parameters
    ----------
    paths : sequence of PathSpec
    min_value : float
        L*, the loss at the closed-form solution.
    w_star : array-like of shape (n_features,)
        The closed-form minimizer.
    bound, exact : array-like of shape (T,) or mapping, optional
        Reference curves drawn dashed (bound) and dotted (exact). An array is the
        loss gap L − L* at steps 0, 1, ..., T−1; a mapping may hold ``"loss"`` and/or
        ``"distance"`` arrays, ``"steps"`` (default 0..T−1) and a ``"label"``. Their
        steps are drawn as given, in the unit of ``x_axis``.
    x_axis : {"step", "epoch"}, default="step"
        Against steps t, or against epochs: t divided by the run's steps per pass over
        the data (⌈N/B⌉; 1 for full batch).
    dark, title, max_points
        Theme, title override, drawn points per curve (drawing only).

    Returns
    -------
    plotly.graph_objects.Figure
        Per path a top and a bottom line (legend group = label), plus an ``x`` marker
        in each panel and an annotation with ``trajectory.message`` for a diverged
        run; stochastic runs (a ``batch_size``) before full-batch ones, so these are
        drawn on top, and the legend in the order of ``paths``; then the reference curves.
    """
    if x_axis not in X_AXES:
        raise ValueError(f"x_axis must be one of {sorted(X_AXES)}, got {x_axis!r}.")
    w_star = np.asarray(w_star, dtype=float)
    runs = []
    for spec in paths:
        traj = spec.trajectory
        gap = np.asarray(traj.loss, dtype=float) - min_value
        runs.append((spec, _x_values(traj, x_axis), gap, distances(traj.weights, w_star)))
    refs = [(_reference(bound, "bound"), "dash"), (_reference(exact, "exact"), "dot")]
    refs = [(ref, dash) for ref, dash in refs if ref is not None]
    first_gaps = [g[0] for _, _, g, _ in runs if g.size] + [r[1][0] for r, _ in refs if _has(r[1])]
    first_dists = [d[0] for *_, d in runs if d.size] + [r[2][0] for r, _ in refs if _has(r[2])]
    loss_floor = FLOOR_FACTOR * _scale(first_gaps, min_value)
    dist_floor = FLOOR_FACTOR * _scale(first_dists, float(np.linalg.norm(w_star)))

    data, annotations = [], []
    last_step = max([float(steps[-1]) for _, steps, _, _ in runs if steps.size] or [1.0])
    # Stochastic runs first, so a smooth full-batch line is drawn over their noise, not under it;
    # the legend keeps the runs' order (legendrank).
    order = sorted(range(len(runs)), key=lambda i: getattr(runs[i][0].trajectory, "batch_size", None) is None)
    for i in order:
        spec, steps, gap, dist = runs[i]
        start = len(data)
        _add_run(
            data, annotations, spec, steps, gap, dist, (loss_floor, dist_floor), max_points, x_axis, dark
        )
        for trace in data[start:]:
            trace["legendrank"] = 100 + i
    for note in annotations:
        # Point the label into the plot: to the right of a run that blew up early.
        if note["x"] < 0.5 * last_step:
            note.update(ax=40, xanchor="left")
    for ref, dash in refs:
        _add_reference(data, ref, dash, loss_floor, dist_floor, max_points, x_axis, dark)

    # Two stacked panels sharing the step axis (the layout make_subplots(rows=2,
    # shared_xaxes=True) would build, written out so the figure is built in one call).
    # Only the lower panel labels the steps: the upper one shares (and zooms with) its axis.
    ticks = {row: _log_ticks([t["y"] for t in data if t["yaxis"] == _PANELS[row][1]]) for row in (1, 2)}
    layout = {
        "xaxis": {
            "anchor": "y",
            "domain": [0.0, 1.0],
            "matches": "x2",
            "showticklabels": False,
            "rangemode": "nonnegative",
        },
        "yaxis": {
            **LOG_AXIS,
            **ticks[1],
            "anchor": "x",
            "domain": [0.55, 1.0],
            "title": {"text": LOSS_AXIS_TITLE},
        },
        "xaxis2": {
            "anchor": "y2",
            "domain": [0.0, 1.0],
            "title": {"text": X_AXES[x_axis]},
            "rangemode": "nonnegative",
        },
        "yaxis2": {
            **LOG_AXIS,
            **ticks[2],
            "anchor": "x2",
            "domain": [0.0, 0.47],
            "title": {"text": DISTANCE_AXIS_TITLE},
        },
        "annotations": annotations,
        "uirevision": "lsq-convergence",
        "hovermode": "closest",
        "legend": LEGEND_AT_BOTTOM,
        "height": HEIGHT,
        "margin": {"t": 60},
    }
    title = title or TITLE
    return make_figure(data, layout, title=title, dark=dark)


_PANELS = {1: ("x", "y"), 2: ("x2", "y2")}


def _x_values(traj, x_axis: str) -> np.ndarray:
    """Where each recorded iterate sits on the horizontal axis."""
    steps = np.asarray(traj.steps)
    if x_axis == "step":
        return steps
    return steps / getattr(traj, "steps_per_epoch", 1)


def _log_ticks(curves) -> dict:
    """Tick spacing for a log axis holding ``curves``: a few whole decades, never a crowd of 2s and 5s.

    Plotly labels 2 and 5 between decades on a short log axis; over several decades on a
    250-px panel those labels collide, so from two decades on only every n-th decade is labelled.
    """
    values = [np.asarray(c, dtype=float) for c in curves]
    values = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in values]) if values else np.array([])
    if values.size == 0:
        return {}
    span = float(np.log10(values.max()) - np.log10(values.min()))
    if span < 2:
        return {"dtick": "D2"} if span >= 0.5 else {}
    return {"dtick": max(1, int(np.ceil(span / (MAX_LOG_LABELS - 1))))}


def _add_run(
    data: list, annotations: list, spec: PathSpec, steps, gap, dist, floors, max_points, x_axis, dark
) -> None:
    traj = spec.trajectory
    loss_floor, dist_floor = floors
    y_loss, low_loss = _floored(gap, loss_floor)
    y_dist, low_dist = _floored(dist, dist_floor)
    idx = _thin(steps, y_loss, y_dist, max_points=max_points)
    panels = (
        (1, y_loss, low_loss, gap, loss_floor, "L − L*", True),
        (2, y_dist, low_dist, dist, dist_floor, "‖w − w*‖", False),
    )
    for row, y, low, raw, floor, name, legend in panels:
        note = FLOORED_NOTE.format(floor=floor)
        data.append(
            {
                "type": "scatter",
                "xaxis": _PANELS[row][0],
                "yaxis": _PANELS[row][1],
                "x": steps[idx],
                "y": y[idx],
                "mode": "lines",
                "line": {"color": spec.color, "width": LINE_WIDTH},
                "name": spec.label,
                "legendgroup": spec.label,
                "showlegend": legend,
                "customdata": significant(raw[idx], 4),
                # Only floored points carry a note; the others an empty string.
                "text": np.where(low[idx], note, ""),
                "hovertemplate": f"{_X_HOVER[x_axis]}<br>{name} = %{{customdata:.3g}}%{{text}}"
                + "<extra>%{fullData.name}</extra>",
            }
        )
    if not traj.diverged:
        return
    message = str(getattr(traj, "message", "") or "diverged")
    last = _last_finite(y_loss)
    for row, y, raw, name in ((1, y_loss, gap, "L − L*"), (2, y_dist, dist, "‖w − w*‖")):
        j = _last_finite(y)
        if j is None:
            continue
        data.append(
            {
                "type": "scatter",
                "xaxis": _PANELS[row][0],
                "yaxis": _PANELS[row][1],
                "x": [steps[j]],
                "y": [y[j]],
                "mode": "markers",
                "marker": {
                    "symbol": "x",
                    "size": END_MARKER_SIZE,
                    "color": spec.color,
                    "line": {"color": paper(dark), "width": 1},
                },
                "name": spec.label,
                "legendgroup": spec.label,
                "showlegend": False,
                "customdata": [raw[j]],
                "hovertemplate": f"diverged: {_X_HOVER[x_axis]}<br>{name} = %{{customdata:.3g}}<br>"
                + wrap(message)
                + "<extra>%{fullData.name}</extra>",
            }
        )
    if last is not None:
        # A short label that fits a 1024-px projector: where it diverged. The whole message is in
        # the hover of the x and in the run messages under the chart.
        short = spec.label.split(":")[0] if spec.label.startswith("Run ") else spec.label
        annotations.append(
            {
                "x": float(steps[last]),
                "y": float(np.log10(y_loss[last])),  # annotations on a log axis take log10(y)
                "xref": "x",
                "yref": "y",
                "text": f"<b>{short}</b>: {message.split(':')[0]}",
                "showarrow": True,
                "arrowhead": 2,
                "arrowcolor": spec.color,
                "ax": -40,
                # Below the x: a diverged curve ends at the top of its panel, under the title.
                "ay": 30 + 40 * (len(annotations) % 3),  # stagger several diverged runs
                "xanchor": "right",
                "align": "left",
                "font": {"color": ink(dark)},
                "bgcolor": paper(dark),
                "bordercolor": spec.color,
                "borderwidth": 2,
            }
        )


def _last_finite(y: np.ndarray):
    finite = np.flatnonzero(np.isfinite(y))
    return int(finite[-1]) if finite.size else None


def _add_reference(data: list, ref, dash: str, loss_floor, dist_floor, max_points, x_axis, dark) -> None:
    steps, loss, dist, label = ref
    label = label or (BOUND_LABEL if dash == "dash" else EXACT_LABEL)
    curves = [(1, loss, loss_floor, "L − L*"), (2, dist, dist_floor, "‖w − w*‖")]
    shown = False
    for row, values, floor, name in curves:
        if values is None:
            continue
        y, _ = _floored(values, floor)
        idx = _thin(steps, y, max_points=max_points)
        relation = "≤" if dash == "dash" else "="  # a bound, or the exact curve
        data.append(
            {
                "type": "scatter",
                "xaxis": _PANELS[row][0],
                "yaxis": _PANELS[row][1],
                "x": steps[idx],
                "y": y[idx],
                "mode": "lines",
                "line": {"color": reference_color(dark), "width": LINE_WIDTH - 1, "dash": dash},
                "name": label,
                "legendgroup": label,
                "showlegend": not shown,
                "hovertemplate": f"{_X_HOVER[x_axis]}<br>{name} {relation} %{{y:.3g}}<extra>{label}</extra>",
            }
        )
        shown = True
