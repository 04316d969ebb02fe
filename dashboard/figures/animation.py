"""Paths that play in the browser, and one step seen up close.

Animated figures use plotly ``frames`` with a play/pause menu and a step slider:
the browser runs them, with no round trip to the server. The loss surface or
contour is sent once; each frame carries only the path traces (``traces=[...]``),
each holding the iterates reached so far among a fixed thinned subset of the
path, plus the exact iterate of that frame, in float32 (display only). So the
JSON grows with frames × points drawn, not with the length of the run.

``build_step_figure`` zooms in on one update w_t → w_{t+1} on the contour: the
step taken, the step full-batch GD would take with the same η (−η∇L), and, for
SGD with batch size 1, the line through w_t along the data point xᵢ that the
step's gradient xᵢ(xᵢᵀw_t − yᵢ) is parallel to.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from .landscape import (
    build_contour_figure,
    build_surface_figure,
    projected_point,
    slice_bounds,
    surface_lift,
)
from .paths import PathSpec, downsample_indices
from .style import (
    END_MARKER_SIZE,
    END_SYMBOL,
    LEGEND_BELOW,
    LINE_WIDTH,
    MARKER_SIZE,
    SCENE_MARKER_SCALE,
    START_SYMBOL,
    STRICT,
    contour_line_color,
    coordinate_hover,
    ink,
    landscape_colorscale,
    log_excess,
    make_figure,
    merge,
    note_box,
    paper,
    reference_color,
    star_trace,
)

PLAY_LABEL = "▶ Play"
PAUSE_LABEL = "❚❚ Pause"
CLOCKS = ("step", "epoch")
ANIMATION_MAX_POINTS = 180  # drawn points per path over the whole animation (frames reuse them)
FRAME_MS = 90  # one frame every 90 ms: 60 frames play in about 5 s
FRAME_MS_3D = 160  # a 3D scene redraws the surface each frame
ANIMATED_HEIGHT = 720
BACKGROUND_PIXELS = 300  # side of the picture of the filled contour levels
# Under the plot, in paper coordinates: the legend, then the slider and play/pause (2D, 3D).
LEGEND_Y, SLIDER_Y = {False: -0.16, True: 0.0}, {False: -0.26, True: -0.08}
STEP_FIGURE_HEIGHT = 520
STEP_LABEL = "step taken: w<sub>t+1</sub> − w<sub>t</sub>"
GD_LABEL = "−η∇L(w<sub>t</sub>): the full-gradient step"
SAMPLE_LINE_LABEL = "line through w<sub>t</sub> along x<sub>i</sub>"
BATCH_LABEL = "−η × the batch's gradient"
EXAMPLE_LABEL = (
    "−η∇L<sub>i</sub>(w<sub>t</sub>) = −η x<sub>i</sub>(x<sub>i</sub>ᵀw<sub>t</sub> − y<sub>i</sub>)"
)
STEP_PROJECTED_NOTE = "arrows projected onto this plane<br>(angles in the text: in all K dimensions)"
STAR_OFF_VIEW = "w* lies outside this close-up"
SAMPLE_LINE_COLOR = "#56B4E9"  # Okabe-Ito sky blue: no run uses it (four runs at most)


# --- timeline and frames ---------------------------------------------------------------------


def _progress(traj, clock: str) -> np.ndarray:
    """The clock reading of each recorded iterate: its step t, or t / (steps per epoch)."""
    steps = np.asarray(traj.steps, dtype=float)
    return steps if clock == "step" else steps / traj.steps_per_epoch


def frame_times(paths: Sequence[PathSpec], max_frames: int = 60, clock: str = "step") -> np.ndarray:
    """Clock readings of the frames: 0 … the longest run's end, at most ``max_frames`` + 1 of them.

    With the step clock a run of T ≤ ``max_frames`` steps gets one frame per step;
    longer runs one frame per ⌈T/max_frames⌉ steps or so (rounded, always ending at T).
    """
    if clock not in CLOCKS:
        raise ValueError(f"clock must be 'step' or 'epoch', got {clock!r}.")
    if int(max_frames) < 1:
        raise ValueError(f"max_frames must be at least 1, got {max_frames!r}.")
    end = max((float(_progress(s.trajectory, clock)[-1]) for s in paths), default=0.0)
    total_steps = max((int(np.asarray(s.trajectory.steps)[-1]) for s in paths), default=0)
    count = min(int(max_frames), max(total_steps, 1)) + 1
    times = np.linspace(0.0, end, count)
    return np.unique(np.round(times)) if clock == "step" else times


class _AnimatedPath:
    """One path in display coordinates, thinned once, cut at each frame's time."""

    def __init__(self, spec: PathSpec, project, bounds, clock: str, max_points: int):
        traj = spec.trajectory
        coords = project(np.asarray(traj.weights, dtype=float))  # (x, y, distance)
        xy = [np.asarray(c, dtype=float) for c in coords[:2]]
        lo, hi = bounds
        clipped = np.column_stack([np.clip(c, a, b) for c, a, b in zip(xy, lo, hi, strict=True)])
        inside = np.all(clipped == np.column_stack(xy), axis=1)
        self.drawn = np.where(inside[:, None], clipped, np.nan)  # (n, 2): gaps outside the view
        self.pinned = clipped  # (n, 2): the marker stays on the edge
        self.idx = downsample_indices(clipped, max_points)
        self.progress = _progress(traj, clock)
        self.steps = np.asarray(traj.steps)

    def at(self, time: float):
        """(points so far, exact current point, current step) at clock reading ``time``."""
        k = max(int(np.searchsorted(self.progress, time + 1e-9, side="right")) - 1, 0)
        before = self.idx[self.idx < k]
        so_far = np.concatenate([self.drawn[before], self.drawn[k : k + 1]])  # ends at w_t exactly
        return so_far, self.pinned[k], int(self.steps[k])


def _typed(a) -> dict:
    """A float32 plotly.js typed array {dtype, bdata}: what plotly emits, without its per-array cost."""
    a = np.ascontiguousarray(a, dtype="<f4")
    return {"dtype": "f4", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


def _banded_image(slice_, contour: dict, dark: bool, size: int = BACKGROUND_PIXELS) -> dict:
    """The contour's filled levels as a PNG layout image over the slice's extent (data coordinates)."""
    x = np.linspace(slice_.x[0], slice_.x[-1], size)
    y = np.linspace(slice_.y[-1], slice_.y[0], size)  # image rows run top to bottom
    Z = slice_.value(x[None, :], y[:, None])  # exact loss on the plane, (size, size)
    cmin, cmax = float(contour["zmin"]), float(contour["zmax"])
    step = float(contour["contours"]["size"]) or 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        logz = np.log10(np.maximum(Z - slice_.min_value, 10.0**cmin))
    band = np.clip(np.floor((logz - cmin) / step), 0, max(round((cmax - cmin) / step) - 1, 0))
    level = (band + 0.5) * step / max(cmax - cmin, 1e-300)  # each band's colour at its middle
    scale = landscape_colorscale(dark)
    stops = np.array([s for s, _ in scale])
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in scale], dtype=float)
    pixels = np.stack([np.interp(level, stops, rgb[:, k]) for k in range(3)], axis=-1).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, format="PNG", optimize=True)
    return {
        "source": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
        "xref": "x",
        "yref": "y",
        "x": float(slice_.x[0]),
        "y": float(slice_.y[-1]),
        "sizex": float(slice_.x[-1] - slice_.x[0]),
        "sizey": float(slice_.y[-1] - slice_.y[0]),
        "sizing": "stretch",
        "layer": "below",
    }


def _as_dict(trace) -> dict:
    return trace if isinstance(trace, dict) else trace.to_plotly_json()


def _frame_label(time: float, clock: str) -> str:
    return f"{time:.0f}" if clock == "step" else f"{time:.3g}"


def _controls(frame_names: Sequence[str], labels: Sequence[str], clock: str, *, redraw, ms, dark, y):
    """A step slider across the width, and play/pause under it (plain-text labels: no emoji font needed).

    Stacked rather than side by side, so that no plot width makes them overlap; ``y`` is
    the top of the slider in paper coordinates.
    """
    play = {
        "frame": {"duration": ms, "redraw": redraw},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    pause = {"frame": {"duration": 0, "redraw": redraw}, "transition": {"duration": 0}, "mode": "immediate"}
    menu = {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": y - 0.14,
        "yanchor": "top",
        "pad": {"t": 0, "b": 0, "l": 0, "r": 10},
        "font": {"size": 16},
        "buttons": [
            {"label": PLAY_LABEL, "method": "animate", "args": [None, play]},
            {"label": PAUSE_LABEL, "method": "animate", "args": [[None], pause]},
        ],
    }
    slider = {
        "active": 0,
        "x": 0.0,
        "len": 1.0,
        "xanchor": "left",
        "y": y,
        "yanchor": "top",
        "pad": {"t": 0, "b": 0, "l": 0, "r": 0},
        "currentvalue": {
            "prefix": f"{clock} ",
            "visible": True,
            "xanchor": "left",
            "font": {"size": 16, "color": ink(dark)},
        },
        "font": {"size": 1, "color": "rgba(0,0,0,0)"},  # 61 tick labels would overlap: the value says it
        "ticklen": 3,
        "transition": {"duration": 0},
        "steps": [
            {"label": label, "method": "animate", "args": [[name], pause]}
            for name, label in zip(frame_names, labels, strict=True)
        ],
    }
    return {"updatemenus": [menu], "sliders": [slider]}


def _start_trace(paths, project_start, kind: str) -> dict:
    """One marker per run at its start (static, drawn once)."""
    coords = np.array([project_start(s) for s in paths], dtype=float).reshape(len(paths), -1)
    trace = {
        "type": kind,
        "mode": "markers",
        "marker": {
            "symbol": START_SYMBOL,
            "size": END_MARKER_SIZE * (SCENE_MARKER_SCALE if kind == "scatter3d" else 1.0),
            "color": [s.color for s in paths],
            "line": {"color": [s.color for s in paths], "width": 3},
        },
        "name": "start w<sub>0</sub>",
        "showlegend": False,
        "hovertemplate": "start<extra></extra>",
    }
    for axis, column in zip("xyz", coords.T, strict=False):
        trace[axis] = column
    return trace


def build_animated_contour_figure(
    slice_,
    paths: Sequence[PathSpec],
    w_star=None,
    *,
    projected: bool = False,
    max_frames: int = 60,
    dark: bool = False,
    clock: str = "step",
    max_points: int = ANIMATION_MAX_POINTS,
    title: str | None = None,
) -> go.Figure:
    """The contour map with each path revealed step by step, played in the browser.

    Parameters
    ----------
    slice_ : core.landscape.LossSlice
    paths : sequence of PathSpec
    w_star : array-like of shape (n_features,), optional
    projected : bool, default=False
        True when K > 2 (the figure says the paths are projections).
    max_frames : int, default=60
        Frames after the first; a run of T steps gets one frame per ~T/max_frames steps.
    dark : bool, default=False
    clock : {"step", "epoch"}, default="step"
        What the slider counts: optimizer steps, or epochs (passes over the data),
        which puts runs with different batch sizes on the same footing of cost.
    max_points : int, default=180
        Points of each path that frames draw (a thinned subset, first and last included).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the contour; per path a ``lines`` trace (the path so far) and a
        one-point marker (where it is now); the start markers; w*. ``frames[f]``
        updates only the per-path traces (``traces``). The first frame's state is
        the initial one; the last shows every path ending at its last iterate.
    """
    base = build_contour_figure(slice_, [], w_star, projected=projected, dark=dark, title=title)
    title = title or "The optimizer paths, step by step (press play)"
    return _animate(
        base, slice_, paths, max_frames=max_frames, clock=clock, max_points=max_points,
        dark=dark, title=title, lift=None,
    )  # fmt: skip


def build_animated_surface_figure(
    slice_,
    paths: Sequence[PathSpec],
    w_star=None,
    *,
    camera: dict | None = None,
    projected: bool = False,
    max_frames: int = 30,
    dark: bool = False,
    clock: str = "step",
    max_points: int = 120,
    title: str | None = None,
) -> go.Figure:
    """The 3D loss surface with each path revealed step by step (see the contour version).

    3D scenes redraw the whole surface per frame, so the defaults are lighter:
    30 frames, 120 points per path, a slower frame rate. Parameters and traces as
    in :func:`build_animated_contour_figure`, plus ``camera``; paths sit on the
    surface (z = L on the plane, lifted a hair).
    """
    base = build_surface_figure(
        slice_, [], w_star, camera=camera, projected=projected, dark=dark, title=title
    )
    lift = surface_lift(slice_)
    title = title or "The optimizer paths on the surface, step by step (press play)"
    return _animate(
        base, slice_, paths, max_frames=max_frames, clock=clock, max_points=max_points,
        dark=dark, title=title, lift=lift,
    )  # fmt: skip


def _animate(base, slice_, paths, *, max_frames, clock, max_points, dark, title, lift) -> go.Figure:
    three_d = lift is not None
    kind = "scatter3d" if three_d else "scatter"
    times = frame_times(paths, max_frames, clock)
    bounds = slice_bounds(slice_)
    drawn = [_AnimatedPath(s, slice_.project, bounds, clock, max_points) for s in paths]
    labels = slice_.labels

    def path_traces(time: float, full: bool) -> list[dict]:
        """Per path the line so far, then one trace with every path's current point."""
        out, heads = [], []
        for spec, p in zip(paths, drawn, strict=True):
            so_far, now, _ = p.at(time)
            line = {"type": kind, "x": _typed(so_far[:, 0]), "y": _typed(so_far[:, 1])}
            if three_d:
                line["z"] = _typed(slice_.value(so_far[:, 0], so_far[:, 1]) + lift)
            if full:  # the first state carries the look; frames only move the points
                line.update(
                    mode="lines",
                    line={"color": spec.color, "width": LINE_WIDTH + (2 if three_d else 0)},
                    name=spec.label,
                    legendgroup=spec.label,
                    hovertemplate=coordinate_hover(labels) + "<extra>%{fullData.name}</extra>",
                )
            out.append(line)
            heads.append(now)
        if not paths:
            return out
        H = np.array(heads, dtype=float)  # (P, 2)
        head = {"type": kind, "x": _typed(H[:, 0]), "y": _typed(H[:, 1])}
        if three_d:
            head["z"] = _typed(slice_.value(H[:, 0], H[:, 1]) + 2 * lift)
        if full:
            head.update(
                mode="markers",
                marker={
                    "symbol": END_SYMBOL,
                    "size": END_MARKER_SIZE * (SCENE_MARKER_SCALE if three_d else 1.0),
                    "color": [spec.color for spec in paths],
                    "line": {"color": paper(dark), "width": 2},
                },
                name="where each run is now",
                showlegend=False,
                hovertemplate=coordinate_hover(labels) + "<extra>now</extra>",
            )
        return [*out, head]

    def start(spec):
        w0 = np.asarray(spec.trajectory.weights[0], dtype=float)[None, :]
        x, y = (
            float(np.clip(c[0], lo, hi)) for c, lo, hi in zip(slice_.project(w0)[:2], *bounds, strict=True)
        )
        return [x, y, float(slice_.value(x, y)) + lift] if three_d else [x, y]

    surface, *static = list(base.data)  # the contour (or surface), and w*
    first = path_traces(times[0], full=True)  # the lines, then the heads
    data = [surface, *first[: len(paths)]]
    if paths:
        data += [_start_trace(paths, start, kind), *static, first[-1]]  # heads on top of w*
        moving = [*range(1, 1 + len(paths)), len(data) - 1]
    else:
        data += static
        moving = []
    background = {}
    if not three_d:
        # plotly.js (4.x, as Streamlit ships it) erases a contour trace whenever frames move the
        # traces beside it. So the filled levels are drawn as a picture under the plot, and the
        # contour trace stays only for its colour bar and hover, invisible.
        data[0] = {**_as_dict(data[0]), "opacity": 0}
        background = {"images": [_banded_image(slice_, data[0], dark)]}
    names = [str(i) for i in range(len(times))]
    frames = [
        {"name": name, "data": path_traces(t, full=False), "traces": moving}
        for name, t in zip(names, times, strict=True)
    ]
    labels_text = [_frame_label(t, clock) for t in times]
    ms = FRAME_MS_3D if three_d else FRAME_MS
    base_layout = base.layout.to_plotly_json()
    base_layout.pop("transition", None)  # frames move the paths; a tween on top would fight them
    layout = merge(
        base_layout,
        {
            "title": {"text": title},
            "height": ANIMATED_HEIGHT,
            "legend": {**LEGEND_BELOW, "y": LEGEND_Y[three_d]},
            "margin": {"b": 190},
            # A 3D scene must redraw for its points to move; the 2D paths just move.
            **background,
            **_controls(names, labels_text, clock, redraw=three_d, ms=ms, dark=dark, y=SLIDER_Y[three_d]),
        },
    )
    return go.Figure(data=data, layout=layout, frames=frames, _validate=os.environ.get(STRICT) == "1")


# --- one step up close -----------------------------------------------------------------------


def _arrow(tail, tip, color: str, width: float = 3.0) -> dict:
    """A layout annotation drawing an arrow from ``tail`` to ``tip`` in data coordinates."""
    return {
        "x": float(tip[0]),
        "y": float(tip[1]),
        "ax": float(tail[0]),
        "ay": float(tail[1]),
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowsize": 1.3,
        "arrowwidth": width,
        "arrowcolor": color,
        "text": "",
    }


def _segment(tail, tip, color: str, name: str, *, dash: str = "solid", width: float = 3.0) -> dict:
    """The legend entry (and hover) of an arrow: its shaft as a line trace."""
    return {
        "type": "scatter",
        "x": [float(tail[0]), float(tip[0])],
        "y": [float(tail[1]), float(tip[1])],
        "mode": "lines",
        "line": {"color": color, "width": width, "dash": dash},
        "name": name,
        "hoverinfo": "name",
    }


def step_vectors(slice_, directions, index: int = 0) -> dict:
    """Display coordinates of what :func:`build_step_figure` draws for row ``index`` of ``directions``.

    Returns a dict of (x, y) pairs: ``"w_t"``, ``"taken"`` (w_{t+1}), ``"gd"``
    (w_t − η∇L), ``"batch"`` (w_t − η·batch gradient), and for B = 1 ``"along"``
    (w_t + xᵢ/‖xᵢ‖, a point on the line along xᵢ). Since the projection onto the
    plane is affine, a drawn arrow is the projection of the vector it stands for.
    """
    j = int(index)
    w = np.asarray(directions.weights[j], dtype=float)
    eta = float(directions.learning_rate[j])
    points = {
        "w_t": w,
        "taken": w + directions.step[j],
        "gd": w - eta * directions.gradient[j],
        "batch": w - eta * directions.batch_gradient[j],
    }
    if directions.examples is not None:
        x_i = np.asarray(directions.examples[j], dtype=float)
        norm = float(np.linalg.norm(x_i))
        points["along"] = w + (x_i / norm if norm > 0 else x_i)
    names = list(points)
    xs, ys, _ = slice_.project(np.array([points[n] for n in names]))
    return {n: (float(x), float(y)) for n, x, y in zip(names, xs, ys, strict=True)}


def _same(a, b, tol: float = 1e-9) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.linalg.norm(a - b) <= tol * max(np.linalg.norm(a), np.linalg.norm(b), 1e-300))


def build_step_figure(
    slice_,
    directions,
    w_star=None,
    *,
    index: int = 0,
    label: str = "",
    color: str = "#0072B2",
    context=None,
    projected: bool = False,
    dark: bool = False,
    resolution: int = 81,
) -> go.Figure:
    """One update w_t → w_{t+1} up close on the contour, with the directions that explain it.

    Parameters
    ----------
    slice_ : core.landscape.LossSlice
        The plane to draw on (its exact loss is re-gridded around the step).
    directions : core.sampling.StepDirections
        From ``step_directions``; row ``index`` is drawn.
    w_star : array-like of shape (n_features,), optional
        Marked when it falls inside the zoomed view.
    index : int, default=0
    label : str
        The run's name, for the title.
    color : str
        The run's colour (the step taken).
    context : array-like of shape (m, n_features), optional
        Nearby iterates of the run, drawn faintly for orientation.
    projected : bool, default=False
        True when K > 2: arrows are projections, which the figure says.
    dark : bool, default=False
    resolution : int, default=81
        Grid points per axis of the zoomed contour.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the zoomed ``Contour``; the context path (if given); the arrows'
        shafts (legend entries) — the step taken, −η∇L(w_t), and whichever of the
        batch's or the sample's gradient step differs from the step taken; for
        B = 1 the dashed line through w_t along xᵢ; w_t; w* (if given). The arrow
        heads are layout annotations from tail (``ax``, ``ay``) to tip (``x``, ``y``).
    """
    j = int(index)
    t = int(directions.steps[j])
    v = step_vectors(slice_, directions, j)
    w_t = np.array(v["w_t"])
    ends = [np.array(v[k]) for k in ("taken", "gd", "batch")]
    reach = max(float(np.max(np.abs(e - w_t))) for e in ends)
    if not reach > 0 or not np.isfinite(reach):
        reach = max(float(slice_.natural_half_width) * 0.05, 1e-12)
    pts = np.array([w_t, *ends])
    mid = 0.5 * (pts.min(axis=0) + pts.max(axis=0))
    half = 0.5 * float(np.max(pts.max(axis=0) - pts.min(axis=0))) * 1.5 + 0.25 * reach
    gx = np.linspace(mid[0] - half, mid[0] + half, resolution)
    gy = np.linspace(mid[1] - half, mid[1] + half, resolution)
    Z = slice_.value(gx[None, :], gy[:, None])  # (n_b, n_a) exact loss on the plane
    logz, _, _ = log_excess(Z, slice_.min_value)
    labels = slice_.labels
    data = [
        {
            "type": "contour",
            "x": gx,
            "y": gy,
            "z": logz.astype(np.float32),
            "customdata": Z.astype(np.float32),
            "ncontours": 18,
            "contours": {"coloring": "fill"},
            "colorscale": landscape_colorscale(dark),
            "line": {"width": 1, "color": contour_line_color(dark)},
            "showscale": False,
            "name": "loss L(w)",
            "hovertemplate": coordinate_hover(labels) + "<br>L(w) = %{customdata:.6g}<extra></extra>",
        }
    ]
    if context is not None and len(context):
        cx, cy, _ = slice_.project(np.asarray(context, dtype=float))
        data.append(
            {
                "type": "scatter",
                "x": cx,
                "y": cy,
                "mode": "lines+markers",
                "line": {"color": color, "width": 1.5},
                "marker": {"size": MARKER_SIZE * 0.6, "color": color},
                "opacity": 0.35,
                "name": "the path around this step",
                "hoverinfo": "skip",
            }
        )
    annotations = []
    step_name = STEP_LABEL
    one_sample = directions.examples is not None
    if one_sample and _same(directions.step[j], -directions.learning_rate[j] * directions.batch_gradient[j]):
        step_name += f" = −η∇L<sub>i</sub>(w<sub>t</sub>), along x<sub>i</sub> (i = {directions.samples[j]})"
    gd_color = ink(dark)
    # −η∇L first, so the step taken is drawn on top where they overlap (full batch: they coincide).
    arrows = [(v["gd"], gd_color, GD_LABEL), (v["taken"], color, step_name)]
    if not _same(directions.step[j], -directions.learning_rate[j] * directions.batch_gradient[j]):
        extra = EXAMPLE_LABEL if one_sample else BATCH_LABEL
        arrows.insert(1, (v["batch"], reference_color(dark), extra))
    if one_sample:
        # The whole line w_t + s·xᵢ across the view: an SGD step on sample i can only move along it.
        d = np.array(v["along"]) - w_t
        if np.linalg.norm(d) > 0:
            s = 4 * half / np.linalg.norm(d)
            a, b = w_t - s * d, w_t + s * d
            name = f"{SAMPLE_LINE_LABEL} (sample i = {directions.samples[j]})"
            data.append(_segment(a, b, SAMPLE_LINE_COLOR, name, dash="dash", width=3))
    for tip, col, name in arrows:
        data.append(_segment(w_t, tip, col, name))
        if not _same(tip, w_t):
            annotations.append(_arrow(w_t, tip, col))
    data.append(
        {
            "type": "scatter",
            "x": [w_t[0]],
            "y": [w_t[1]],
            "mode": "markers",
            "marker": {"size": END_MARKER_SIZE, "color": color, "line": {"color": paper(dark), "width": 2}},
            "name": f"w<sub>t</sub> (t = {t})",
            "hovertemplate": f"w_t, t = {t}<br>" + coordinate_hover(labels) + "<extra></extra>",
        }
    )
    notes = [STEP_PROJECTED_NOTE] if projected else []
    if w_star is not None:
        x, y, _ = projected_point(slice_.project, w_star)
        if gx[0] <= x <= gx[-1] and gy[0] <= y <= gy[-1]:
            data.append(star_trace(x, y, dark=dark, hover=f"<br>L* = {slice_.min_value:.6g}"))
        else:
            notes.append(STAR_OFF_VIEW)
    if notes:
        annotations.append(
            {
                "text": "<br>".join(notes),
                "xref": "paper",
                "yref": "paper",
                "x": 1.03,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "bottom",
                "align": "left",
                "showarrow": False,
                "font": {"color": ink(dark), "size": 13},
                "bgcolor": note_box(dark),
            }
        )
    axis = {"constrain": "domain", "showgrid": False, "zeroline": False}
    layout = {
        "xaxis": {**axis, "title": {"text": labels[0]}, "range": [gx[0], gx[-1]]},
        "yaxis": {
            **axis,
            "title": {"text": labels[1]},
            "range": [gy[0], gy[-1]],
            "scaleanchor": "x",
            "scaleratio": 1,
        },
        "annotations": annotations,
        "legend": {"orientation": "v", "x": 1.03, "xanchor": "left", "y": 1.0, "yanchor": "top"},
        "height": STEP_FIGURE_HEIGHT,
        "margin": {"t": 60, "b": 40},
    }
    head = f"Step {t}" + (f" of {label}" if label else "") + ", up close"
    return make_figure(data, layout, title=head, dark=dark)
