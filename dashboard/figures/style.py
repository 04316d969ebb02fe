"""Projector-friendly defaults and a colour-blind-safe palette for every figure.

Okabe & Ito (2008) colours stay distinguishable under the common colour-vision
deficiencies; a washed-out projector is the other enemy, hence big fonts, thick
lines and large markers. Surfaces and contours use a light, luminance-only scale
so the coloured paths on top of them keep their contrast.
"""

from __future__ import annotations

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


def merge(base: dict, extra: dict) -> dict:
    """Deep-merge two plain layout dicts (``extra`` wins); neither is modified."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def make_figure(data: list, layout: dict, *, title: str, dark: bool = False) -> go.Figure:
    """One ``go.Figure`` from traces and a layout dict, with the shared look merged in.

    The look is set explicitly on top of the empty template ``"none"``, not through
    ``"plotly_white"``: a full template costs ~8 ms and ~6.5 KB of JSON per figure,
    and the result then does not depend on ``plotly.io.templates.default``. Building
    the figure in one call (rather than ``update_*`` afterwards) keeps a builder at a
    few milliseconds, which the ≤ 100 ms rerun budget needs.
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
        "template": "none",
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
    return go.Figure(data=data, layout=merge(base, layout))


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
