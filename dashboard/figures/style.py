"""The look every figure shares: palette, sizes, the marker language and the loss colouring.

Okabe & Ito (2008) colours stay distinguishable under the common colour-vision
deficiencies; a washed-out projector is the other enemy, hence big fonts, thick
lines and large markers. Surfaces and contours use a light, luminance-only scale
so the coloured paths on top of them keep their contrast.

One marker language across the views (3D scenes offer few symbols, so these are
chosen from the ones both 2D and 3D have): w* and every other minimum is a diamond,
a run starts at a ring and ends at a dot (an x when it diverged), a saddle is a cross.
Figure modules take these shared pieces from here, never from each other.
"""

from __future__ import annotations

import base64
import math
import os
import re
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Most distinct first: the first four are the compared runs of the dashboard.
PATH_COLORS = tuple(
    OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue")
)

FONT_SIZE = 16
TITLE_SIZE = 20
LINE_WIDTH = 4
MARKER_SIZE = 8  # iterates along a path
END_MARKER_SIZE = 16  # start / end / w*
FONT_FAMILY = "Helvetica, Arial, sans-serif"
STRICT = "LSQ_LAB_STRICT"  # set by the tests: figures are validated by plotly there
FIGURE_HEIGHT = 560
# Legends under the plot, so they never cover the title or the valley. LEGEND_AT_BOTTOM places one
# from the bottom of the figure ("container") rather than at a fraction of the plot's height, so plotly
# makes room for it below the x-axis title instead of drawing it through the title when the plot is
# short; ``make_figure`` moves a legend given as LEGEND_BELOW (or any horizontal legend under the plot)
# there too. LEGEND_BELOW's explicit ``yref`` keeps a figure that sets it after ``make_figure`` (the
# animation, with its slider under the legend) in paper units.
LEGEND_AT_BOTTOM = {
    "orientation": "h",
    "x": 0.0,
    "xanchor": "left",
    "y": 0.0,
    "yanchor": "bottom",
    "yref": "container",
}
# Pixels a figure grows per legend entry beyond two (with LEGEND_AT_BOTTOM the legend takes its room
# from the plot; on a narrow screen every entry gets its own row).
LEGEND_ROW = 30
LEGEND_BELOW = {"orientation": "h", "x": 0.0, "y": -0.16, "yanchor": "top", "yref": "paper"}
# A title wraps after this many characters: one line of TITLE_SIZE type fits a 440 px panel (the
# narrowest a chart component draws side by side) with room to spare; plotly never wraps by itself.
TITLE_CHARS = 48
TITLE_LINE = 1.3  # a title line's height, in units of its font size
LOG_AXIS = {"type": "log", "exponentformat": "power", "showexponent": "all"}
FEW_TICKS = {"dtick": "D2"}  # 1, 2, 5 per decade: for axes spanning a decade or two

# The marker language (see the module docstring).
W_STAR_LABEL = "w* (closed form)"
W_STAR_SYMBOL = "diamond"
START_SYMBOL = "circle-open"
END_SYMBOL = "circle"
DIVERGED_SYMBOL = "x"
SADDLE_SYMBOL = "cross"
# The weights that generated the data: a mark of its own (not a ring, which is a run's start, and not a
# diamond, which is a minimum).
TRUTH_SYMBOL = "square-open"
STAR_SIZE = END_MARKER_SIZE + 6  # w* is the one mark every view must show at a glance
SCENE_STAR_SIZE = 9  # a 3D diamond is drawn as a solid: small reads as the same mark
SCENE_MARKER_SCALE = 0.5  # scatter3d markers render larger than 2D ones of the same size

# Loss maps are coloured by log10(L − L*) over this many decades below the top of the view:
# a quadratic's excess grows like r², so 4 decades span a factor 100 in distance.
COLOR_DECADES = 4.0
N_CONTOURS = 16

# Light-to-dark grey-blue: low loss is light, so the valley floor and the paths
# converging into it stand out; luminance alone carries the value.
LANDSCAPE_COLORSCALE = [
    [0.0, "#ffffff"],
    [0.2, "#eef2f7"],
    [0.45, "#c9d5e3"],
    [0.75, "#8fa3bb"],
    [1.0, "#4e6580"],
]
LANDSCAPE_COLORSCALE_DARK = [
    [0.0, "#0b0f14"],
    [0.2, "#1b2633"],
    [0.45, "#34475c"],
    [0.75, "#5f7893"],
    [1.0, "#9fb3c8"],
]


def path_color(index: int) -> str:
    """The colour of the ``index``-th compared run."""
    return PATH_COLORS[index % len(PATH_COLORS)]


def ink(dark: bool = False) -> str:
    """Foreground colour: text, w*, reference lines."""
    return "#f2f2f2" if dark else OKABE_ITO["black"]


def paper(dark: bool = False) -> str:
    return "#111111" if dark else "#ffffff"


def reference_color(dark: bool = False) -> str:
    """Grey for theoretical curves and zero lines, visible on either background."""
    return "#b0b0b0" if dark else "#555555"


def landscape_colorscale(dark: bool = False):
    return LANDSCAPE_COLORSCALE_DARK if dark else LANDSCAPE_COLORSCALE


def grid(dark: bool = False) -> str:
    return "#3a3a3a" if dark else "#e3e3e3"


# --- the room: a figure enlarged for a projector, a figure built light shown on a dark page ---------

PLOTLY_HEIGHT = 450  # what plotly draws a figure without a height at (the chart's div sets none)
ENLARGED_MAX_HEIGHT = 700  # an enlarged chart still fits a 1024×768 screen under Streamlit's header
SCENE_TICKS_ENLARGED = 4  # 3D axes keep at most this many ticks once enlarged: bigger labels would collide
_NOT_A_SIZE = ("sizeref", "sizemin", "sizemode")  # marker attributes that are not a size in pixels


def _times(value, factor: float):
    """A size (a number or an array of them) times ``factor``; anything else as it is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value * factor
    if isinstance(value, dict) and "bdata" in value:  # plotly's typed array: {"dtype", "bdata", "shape"?}
        value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    if isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value)
        return array * factor if array.dtype.kind in "iuf" else value
    return value


def _enlarge_node(node, factor: float, key: str = "", seen: set[int] | None = None) -> None:
    """Scale in place every font size, line width and marker size under ``node`` (a plotly JSON dict).

    A dict met twice (two axes sharing one font dict, as plain figures may) is scaled once.
    """
    seen = set() if seen is None else seen
    if isinstance(node, list):
        if node and isinstance(node[0], (dict, list)):
            for item in node:
                _enlarge_node(item, factor, key, seen)
        return
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen.add(id(node))
    if key.endswith("font") and "size" in node:  # font, tickfont, textfont, labelfont, ...
        node["size"] = _times(node["size"], factor)
    elif key == "marker" and "size" in node:
        node["size"] = _times(node["size"], factor)
    elif key == "line" and "width" in node:
        node["width"] = _times(node["width"], factor)
    if "arrowwidth" in node:  # an annotation's arrow
        node["arrowwidth"] = _times(node["arrowwidth"], factor)
    for child_key, child in node.items():
        if isinstance(child, (dict, list)) and child_key not in _NOT_A_SIZE:
            _enlarge_node(child, factor, child_key, seen)


def enlarge(spec: dict, factor: float) -> dict:
    """A figure (plotly JSON: ``data``, ``layout``, ``frames``) with everything the room reads enlarged.

    Every font (title, axis titles, ticks, legend, colour bar, annotations, buttons), line
    width and marker size is multiplied by ``factor``, and so are the margins and the height,
    up to ENLARGED_MAX_HEIGHT (the plot keeps its share of the figure, and a chart still fits
    a 1024×768 screen), the title is re-wrapped for its bigger type, and a 3D axis keeps at most
    SCENE_TICKS_ENLARGED ticks. A 3D box given in manual proportions shrinks by √factor: its
    bigger tick labels and axis titles need room around it inside the scene, which clips them.
    ``spec`` is changed in place (arrays are replaced, never written to) and returned.
    """
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {}).setdefault("size", FONT_SIZE)
    title = layout.get("title") or {}
    if title.get("text"):
        title.setdefault("font", {}).setdefault("size", TITLE_SIZE)
    seen: set[int] = set()
    for part in (spec.get("data"), layout, *(frame.get("data") for frame in spec.get("frames") or ())):
        _enlarge_node(part, factor, seen=seen)
    height = layout.get("height") or PLOTLY_HEIGHT
    layout["height"] = round(max(height, min(height * factor, ENLARGED_MAX_HEIGHT)))
    margin = layout.get("margin") or {}
    for side in ("l", "r", "t", "b"):
        if margin.get(side):
            margin[side] = round(margin[side] * factor)
    fit_title(layout, math.floor(TITLE_CHARS / factor))
    for name, scene in layout.items():
        if name.startswith("scene") and isinstance(scene, dict):
            for axis in ("xaxis", "yaxis", "zaxis"):
                scene_axis = scene.setdefault(axis, {})
                most = SCENE_TICKS_ENLARGED
                scene_axis["nticks"] = min(scene_axis.get("nticks") or most, most)
            if scene.get("aspectmode") == "manual" and scene.get("aspectratio"):
                scene["aspectratio"] = {k: v / math.sqrt(factor) for k, v in scene["aspectratio"].items()}
    return spec


def _dark_twins() -> dict[str, str]:
    """Each shared light-theme colour and the colour the dark theme uses in its place (lower case)."""
    pairs = {
        ink(False): ink(True),
        paper(False): paper(True),
        reference_color(False): reference_color(True),
        grid(False): grid(True),
        contour_line_color(False): contour_line_color(True),
        note_box(False): note_box(True),
        "white": paper(True),
        "black": ink(True),
        "rgba(255,255,255,0.8)": note_box(True),
    }
    return {light.lower().replace(" ", ""): dark for light, dark in pairs.items()}


def _is_scale(node: list, scale: list) -> bool:
    return all(
        isinstance(step, (list, tuple)) and len(step) == 2 and (step[0], str(step[1]).lower()) == (v, c)
        for step, (v, c) in zip(node, scale, strict=True)
    )


def _darken_node(node, twins: dict[str, str]):
    if isinstance(node, str):
        return twins.get(node.lower().replace(" ", ""), node)
    if isinstance(node, list):
        if len(node) == len(LANDSCAPE_COLORSCALE) and _is_scale(node, LANDSCAPE_COLORSCALE):
            return [list(step) for step in LANDSCAPE_COLORSCALE_DARK]
        if node and isinstance(node[0], (str, dict, list, tuple)):
            return [_darken_node(item, twins) for item in node]
        return node
    if isinstance(node, tuple):
        return _darken_node(list(node), twins)
    if isinstance(node, dict):
        return {key: _darken_node(value, twins) for key, value in node.items()}
    return node


def darkened(spec: dict) -> dict:
    """A figure built for the light theme in the dark theme's colours, if it is one; else ``spec``.

    Every figure builder takes ``dark=``; this is the net under a view that forgot to pass it:
    a figure on the light paper gets the dark twin of every shared colour (ink, paper, greys,
    grid, note boxes, the landscape's colour scale). Colours of its own stay.
    """
    layout = spec.get("layout") or {}
    if str(layout.get("paper_bgcolor", "")).lower() != paper(False):
        return spec
    return _darken_node(spec, _dark_twins())


def merge(base: dict, extra: dict) -> dict:
    """Deep-merge two plain layout dicts (``extra`` wins); neither is modified."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


class PlainFigure(go.Figure):
    """A ``go.Figure`` that keeps its builder's plain traces and layout until it is used as one.

    plotly wraps and deep-copies every property of a new figure (~0.6 ms for the loss surface,
    a few per cent of a rerun), though the app's chart only sends the JSON, which the builder's
    plain dicts already are: :func:`plain_parts` hands them to it untouched. Any other use
    (``fig.data``, ``fig.layout``, ``update_layout``, ``to_json``, a copy) first builds the
    plotly figure from them, once; from then on it is an ordinary ``go.Figure``.
    """

    @classmethod
    def deferred(cls, data: list, layout: dict) -> PlainFigure:
        fig = cls.__new__(cls)
        fig.__dict__["_plain"] = (data, layout)
        return fig

    def __getattr__(self, name):
        # Python calls this only for an attribute not set yet: the first use as a plotly figure.
        plain = self.__dict__.pop("_plain", None)
        if plain is None:
            raise AttributeError(name)
        go.Figure.__init__(self, data=plain[0], layout=plain[1], _validate=False)
        return getattr(self, name)


def plain_parts(fig) -> tuple[list, dict] | None:
    """The traces and layout a :class:`PlainFigure` was made of, while nothing has made it plotly's."""
    return fig.__dict__.get("_plain") if isinstance(fig, PlainFigure) else None


def make_figure(data: list, layout: dict, *, title: str, dark: bool = False) -> go.Figure:
    """One figure from traces and a layout dict, with the shared look merged in.

    The look is set explicitly on top of the empty template ``"none"``, not through
    ``"plotly_white"``: a full template costs ~8 ms and ~6.5 KB of JSON per figure,
    and the result then does not depend on ``plotly.io.templates.default``. Building
    the figure in one call (rather than ``update_*`` afterwards) keeps a builder at a
    few milliseconds.

    The figure is a :class:`PlainFigure`: the chart sends the builder's dicts as they are,
    without plotly's validation and copies. The tests set ``LSQ_LAB_STRICT=1``: there
    plotly validates every figure, so a misspelt property fails, and the dicts must be
    what plotly itself would send (a shorthand such as ``title_text`` would not be).
    """
    axis = {
        "gridcolor": grid(dark),
        "linecolor": reference_color(dark),
        "zerolinecolor": grid(dark),
        "showline": True,
        "ticks": "outside",
        "automargin": True,
        "title": {"font": {"size": FONT_SIZE + 1}},
    }
    scene_axis = {
        "gridcolor": grid(dark),
        "backgroundcolor": paper(dark),
        "showbackground": True,
        "zerolinecolor": grid(dark),
        "title": {"font": {"size": FONT_SIZE}},
    }
    base = {
        "template": {},  # no template: the look is all here
        "title": {"text": title, "font": {"size": TITLE_SIZE}, "x": 0.02, "xanchor": "left"},
        "font": {"size": FONT_SIZE, "family": FONT_FAMILY, "color": ink(dark)},
        "paper_bgcolor": paper(dark),
        "plot_bgcolor": paper(dark),
        "colorway": list(PATH_COLORS),
        "hoverlabel": {"font": {"size": FONT_SIZE, "family": FONT_FAMILY}},
        "legend": {"font": {"size": FONT_SIZE}, "bgcolor": "rgba(0,0,0,0)"},
        "margin": {"l": 70, "r": 30, "t": 70, "b": 60},
    }
    for key in layout:
        if key.startswith(("xaxis", "yaxis")):
            base[key] = axis
        elif key.startswith("scene"):
            base[key] = {"xaxis": scene_axis, "yaxis": scene_axis, "zaxis": scene_axis}
    full = merge(base, layout)
    full.setdefault("height", FIGURE_HEIGHT)  # plotly's own 450 px leaves a legend and two titles little room
    legend = full["legend"]
    if legend.get("orientation") == "h" and legend.get("y", 1.0) < 0:  # under the plot: at the bottom edge
        full["legend"] = {**legend, **LEGEND_AT_BOTTOM}
    fit_title(full, TITLE_CHARS)
    if os.environ.get(STRICT) == "1":
        _check_plain(data, full)
    return PlainFigure.deferred(data, full)


def _check_plain(data: list, layout: dict) -> None:
    """Raise unless plotly accepts the figure and would send what its plain dicts say.

    Alike count: an empty list or dict and none at all (plotly drops ``annotations=[]``), and the
    template (a validated ``{}`` comes back as plotly's empty skeleton, which draws the same).
    """
    import json

    from plotly.io.json import to_json_plotly

    def bare(node):
        if isinstance(node, dict):
            node = {k: bare(v) for k, v in node.items()}
            return {k: v for k, v in node.items() if v not in (None, [], {})}
        return [bare(v) for v in node] if isinstance(node, list) else node

    validated = go.Figure(data=data, layout=layout)
    pairs = [(f"trace {i}", a, b) for i, (a, b) in enumerate(zip(data, validated._data, strict=True))]
    pairs.append(("layout", {**layout, "template": None}, {**validated._layout, "template": None}))
    for where, ours, theirs in pairs:
        ours, theirs = (bare(json.loads(to_json_plotly(d))) for d in (ours, theirs))
        for key in sorted(set(ours) | set(theirs)):
            if ours.get(key) != theirs.get(key):
                raise ValueError(
                    f"{where}: plotly sends {key!r} as {str(theirs.get(key))[:200]}, "
                    f"the builder wrote {str(ours.get(key))[:200]}"
                )


def fit_title(layout: dict, width: int) -> None:
    """Wrap the title of a plain layout dict after ``width`` characters; give the top margin its lines."""
    title = layout.get("title") or {}
    if not title.get("text"):
        return
    title["text"] = wrap_title(title["text"], width)
    lines = title["text"].count("<br>") + 1
    size = (title.get("font") or {}).get("size") or TITLE_SIZE
    margin = layout.setdefault("margin", {})
    margin["t"] = max(margin.get("t") or 0, int(lines * TITLE_LINE * size + 26))


def wrap_title(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` visible characters (tags such as <sub> do not count).

    Line breaks already in it are redone; a title with markup holding spaces is left alone.
    """
    text = str(text)
    if re.search(r"<[^>]*\s[^>]*>", text):
        return text
    words = re.sub(r"<br\s*/?>", " ", text).split()
    lines, line, seen = [], "", 0
    for word in words:
        visible = len(re.sub(r"<[^>]+>", "", word))
        if line and seen + 1 + visible > width:
            lines.append(line)
            line, seen = word, visible
        else:
            line, seen = (f"{line} {word}", seen + 1 + visible) if line else (word, visible)
    if line:
        lines.append(line)
    return "<br>".join(lines)


def significant(values, digits: int = 6) -> np.ndarray:
    """Round to ``digits`` significant digits (for hover-only numbers; keeps NaN and 0)."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(np.isfinite(values) & (values != 0), np.floor(np.log10(np.abs(values))), 0.0)
        scale = 10.0 ** (digits - 1 - mag)
        out = np.round(values * scale) / scale
    return np.where(np.isfinite(out), out, values)


def wrap(text: str, width: int = 48) -> str:
    """Break a message into <br>-separated lines for annotations."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines)


def contour_line_color(dark: bool = False) -> str:
    return "rgba(200,210,225,0.45)" if dark else "rgba(60,75,95,0.55)"


def note_box(dark: bool = False) -> str:
    """Background of a note drawn over a plot (translucent, so the plot shows through)."""
    return "rgba(17,17,17,0.8)" if dark else "rgba(255,255,255,0.85)"


def log_excess(Z: np.ndarray, min_value: float) -> tuple[np.ndarray, float, float]:
    """log10(L − L*), floored COLOR_DECADES below its top, and its colour range (cmin, cmax)."""
    excess = np.asarray(Z, dtype=float) - min_value
    top = float(np.max(excess))
    if not top > 0:
        return np.zeros_like(excess), -1.0, 0.0
    cmax = np.log10(top)
    cmin = cmax - COLOR_DECADES
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.maximum(excess, 10.0**cmin)), float(cmin), float(cmax)


def coordinate_hover(labels: Sequence[str]) -> str:
    """Hover lines naming each coordinate: ``w₁ = %{x:.4g}<br>w₂ = %{y:.4g}``."""
    axes = ["x", "y", "z"][: len(labels)]
    return "<br>".join(f"{lab} = %{{{ax}:.4g}}" for lab, ax in zip(labels, axes, strict=True))


def loss_contour_trace(x, y, Z, min_value: float, labels: Sequence[str], *, dark: bool = False) -> dict:
    """A filled contour of a loss grid ``Z`` (len(y), len(x)): log-spaced levels, the loss in the hover."""
    logz, cmin, cmax = log_excess(Z, min_value)
    return {
        "type": "contour",
        "x": np.asarray(x, dtype=float),
        "y": np.asarray(y, dtype=float),
        "z": logz.astype(np.float32),
        "customdata": np.asarray(Z, dtype=np.float32),  # hover only
        "zmin": cmin,
        "zmax": cmax,
        "autocontour": False,
        "contours": {"start": cmin, "end": cmax, "size": (cmax - cmin) / N_CONTOURS, "coloring": "fill"},
        "colorscale": landscape_colorscale(dark),
        "showscale": False,
        "line": {"width": 1, "color": contour_line_color(dark)},
        "name": "loss L(w)",
        "hovertemplate": coordinate_hover(labels[:2]) + "<br>L(w) = %{customdata:.6g}<extra>loss</extra>",
    }


def star_trace(x: float, y: float, z: float | None = None, *, name: str = W_STAR_LABEL, dark: bool = False,
               hover: str = "") -> dict:  # fmt: skip
    """The w* marker (a diamond), in 2D or, given ``z``, in a 3D scene."""
    three_d = z is not None
    trace = {
        "type": "scatter3d" if three_d else "scatter",
        "x": [float(x)],
        "y": [float(y)],
        "mode": "markers",
        "marker": {
            "symbol": W_STAR_SYMBOL,
            "size": SCENE_STAR_SIZE if three_d else STAR_SIZE,
            "color": ink(dark),
            "line": {"color": paper(dark), "width": 2},
        },
        "name": name,
        "hovertemplate": f"{name}<br>(%{{x:.4g}}, %{{y:.4g}}){hover}<extra></extra>",
    }
    if three_d:
        trace["z"] = [float(z)]
    return trace


def equal_axes(x_range, y_range, labels: Sequence[str]) -> dict:
    """x/y axes at equal scale, so an ellipse looks as elongated as it is."""
    axis = {"constrain": "domain", "showgrid": False, "zeroline": False}
    return {
        "xaxis": {**axis, "title": {"text": labels[0]}, "range": list(map(float, x_range))},
        "yaxis": {
            **axis,
            "title": {"text": labels[1]},
            "range": list(map(float, y_range)),
            "scaleanchor": "x",
            "scaleratio": 1,
        },
    }
