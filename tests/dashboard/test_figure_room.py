"""The shared figure style for the room: legends under the plot, wrapped titles, heights, the
projector's enlargement and the dark theme's colours (``dashboard.figures.style``)."""

from __future__ import annotations

import copy
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.figures import style
from dashboard.figures.style import (
    ENLARGED_MAX_HEIGHT,
    FIGURE_HEIGHT,
    FONT_SIZE,
    LEGEND_AT_BOTTOM,
    LEGEND_BELOW,
    SCENE_TICKS_ENLARGED,
    TITLE_CHARS,
    TITLE_SIZE,
    darkened,
    enlarge,
    make_figure,
    wrap_title,
)


def _line(**extra) -> dict:
    return {"type": "scatter", "x": [0, 1], "y": [1, 2], "mode": "lines+markers", "name": "a",
            "line": {"width": 4}, "marker": {"size": 8, "line": {"width": 2}}, **extra}  # fmt: skip


def _figure(title="A title", **layout) -> go.Figure:
    base = {
        "xaxis": {"title": {"text": "step t"}},
        "yaxis": {"title": {"text": "loss"}},
        "legend": LEGEND_BELOW,
    }
    return make_figure([_line()], {**base, **layout}, title=title)


# --- make_figure ------------------------------------------------------------------------------------


def test_a_legend_under_the_plot_sits_at_the_figures_bottom_edge():
    """Anchored to the figure's bottom, plotly keeps the legend's height free of the plot and its
    x-axis title (a legend hung below the plot in paper units ran through the title)."""
    for legend in (LEGEND_BELOW, {"orientation": "h", "y": -0.15}, {**LEGEND_BELOW, "y": -0.28}):
        fig = _figure(legend=legend)
        assert {k: fig.layout.legend[k] for k in LEGEND_AT_BOTTOM} == LEGEND_AT_BOTTOM
        assert fig.layout.legend.orientation == "h" and fig.layout.legend.x == 0.0


def test_a_legend_elsewhere_stays_where_its_figure_put_it():
    fig = _figure(legend={"orientation": "v", "x": 1.02, "y": 1.0})
    assert fig.layout.legend.yref is None and fig.layout.legend.y == 1.0


def test_legend_below_keeps_paper_units_for_a_figure_that_sets_it_after_make_figure():
    """The animation merges ``{**LEGEND_BELOW, "y": ...}`` over a made figure: still paper units."""
    made = _figure().layout.to_plotly_json()
    merged = style.merge(made, {"legend": {**LEGEND_BELOW, "y": -0.3}})
    assert merged["legend"]["yref"] == "paper" and merged["legend"]["y"] == -0.3


def test_every_figure_gets_the_shared_height_unless_it_sets_its_own():
    assert _figure().layout.height == FIGURE_HEIGHT
    assert _figure(height=400).layout.height == 400


def test_a_long_title_wraps_and_the_top_margin_holds_its_lines():
    long = "More data: runs on different samples agree, and land nearer the truth"
    fig = _figure(title=long)
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= TITLE_CHARS for line in lines)
    assert " ".join(lines) == long
    assert fig.layout.margin.t >= 2 * TITLE_SIZE * style.TITLE_LINE
    assert _figure(title="Short").layout.title.text == "Short"


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("one two three", 7, "one two<br>three"),
        ("w<sub>t</sub> goes to w*", 8, "w<sub>t</sub> goes<br>to w*"),  # tags take no width
        ("a<br>b c", 10, "a b c"),  # earlier breaks are redone
        ('<span style="color: red">x y</span>', 3, '<span style="color: red">x y</span>'),
        ("averyveryverylongword and", 5, "averyveryverylongword<br>and"),
    ],
)
def test_wrap_title(text, width, expected):
    assert wrap_title(text, width) == expected


# --- enlarge (projector mode) ------------------------------------------------------------------------


def _rich_spec() -> dict:
    """A figure with every kind of text, line and marker the views use, 2D and 3D."""
    fig = make_figure(
        [
            _line(textfont={"size": 12}),
            {"type": "scatter", "x": [0, 1], "y": [0, 0], "marker": {"size": np.array([6.0, 9.0])}},
            {"type": "contour", "z": [[1, 2], [3, 4]], "contours": {"start": 0, "end": 4, "size": 0.5},
             "colorbar": {"title": {"text": "loss", "font": {"size": 14}}, "tickfont": {"size": 13}},
             "line": {"width": 1}},
            {"type": "scatter3d", "x": [0], "y": [0], "z": [0], "mode": "markers", "marker": {"size": 5},
             "scene": "scene"},
        ],
        {
            "xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
            "scene": {"xaxis": {"title": {"text": "w1"}, "nticks": 6}, "zaxis": {"title": {"text": "L"}}},
            "legend": LEGEND_BELOW,
            "annotations": [{"text": "a note", "font": {"size": 13}, "arrowwidth": 2, "x": 0, "y": 0}],
            "shapes": [{"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 0, "line": {"width": 2}}],
            "updatemenus": [{"type": "buttons", "font": {"size": 16}, "buttons": []}],
        },
        title="A figure with a title long enough to be wrapped once it is enlarged",
    )  # fmt: skip
    spec = fig.to_plotly_json()
    spec["frames"] = [{"data": [_line()]}]
    return spec


def test_enlarge_scales_every_font_line_and_marker():
    before = _rich_spec()
    after = enlarge(copy.deepcopy(before), 1.5)
    lay0, lay = before["layout"], after["layout"]
    assert lay["font"]["size"] == 1.5 * FONT_SIZE
    assert lay["title"]["font"]["size"] == 1.5 * TITLE_SIZE
    assert lay["xaxis"]["title"]["font"]["size"] == 1.5 * lay0["xaxis"]["title"]["font"]["size"]
    assert (
        lay["scene"]["zaxis"]["title"]["font"]["size"]
        == 1.5 * lay0["scene"]["zaxis"]["title"]["font"]["size"]
    )
    assert lay["legend"]["font"]["size"] == 1.5 * lay0["legend"]["font"]["size"]
    assert lay["annotations"][0]["font"]["size"] == 1.5 * 13 and lay["annotations"][0]["arrowwidth"] == 3
    assert lay["shapes"][0]["line"]["width"] == 3
    assert lay["updatemenus"][0]["font"]["size"] == 24
    line, markers, contour, scatter3d = after["data"]
    assert (
        line["line"]["width"] == 6 and line["marker"]["size"] == 12 and line["marker"]["line"]["width"] == 3
    )
    assert line["textfont"]["size"] == 18
    np.testing.assert_allclose(markers["marker"]["size"], [9.0, 13.5])  # a typed array in plotly's JSON
    assert (
        contour["colorbar"]["title"]["font"]["size"] == 21 and contour["colorbar"]["tickfont"]["size"] == 19.5
    )
    assert contour["contours"]["size"] == 0.5, "a contour's level spacing is not a size in pixels"
    assert scatter3d["marker"]["size"] == 7.5
    assert after["frames"][0]["data"][0]["line"]["width"] == 6, "an animation's frames match its traces"
    assert before["data"][1]["marker"]["size"] == _rich_spec()["data"][1]["marker"]["size"]  # not written to


def test_enlarge_grows_the_figure_and_its_margins_and_rewraps_the_title():
    before = _rich_spec()
    after = enlarge(copy.deepcopy(before), 1.25)
    lay = after["layout"]
    assert lay["height"] == min(FIGURE_HEIGHT * 1.25, ENLARGED_MAX_HEIGHT)
    assert lay["margin"]["l"] == round(before["layout"]["margin"]["l"] * 1.25)
    lines = lay["title"]["text"].split("<br>")
    assert all(len(line) <= TITLE_CHARS / 1.25 for line in lines) and len(lines) >= 2
    assert lay["margin"]["t"] >= len(lines) * lay["title"]["font"]["size"] * style.TITLE_LINE


def test_enlarge_thins_out_3d_ticks():
    lay = enlarge(_rich_spec(), 1.3)["layout"]
    assert all(lay["scene"][axis]["nticks"] <= SCENE_TICKS_ENLARGED for axis in ("xaxis", "yaxis", "zaxis"))


def test_enlarge_takes_a_figure_without_height_at_plotlys_own():
    spec = {"data": [_line()], "layout": {}}
    enlarge(spec, 1.3)
    assert spec["layout"]["height"] == round(style.PLOTLY_HEIGHT * 1.3)
    assert spec["layout"]["font"]["size"] == 1.3 * FONT_SIZE


# --- darkened (the dark theme's net) -----------------------------------------------------------------


def _colours(node) -> set[str]:
    if isinstance(node, str):
        return {node.lower()} if re.fullmatch(r"#[0-9a-fA-F]{6}|rgba?\(.*\)|white|black", node) else set()
    if isinstance(node, dict):
        return set().union(*map(_colours, node.values())) if node else set()
    if isinstance(node, (list, tuple)):
        return set().union(*map(_colours, node)) if node else set()
    return set()


def _shared_figure(dark: bool) -> dict:
    data = [
        style.loss_contour_trace(
            [0, 1], [0, 1], np.array([[1.0, 2.0], [3.0, 4.0]]), 1.0, ["w₁", "w₂"], dark=dark
        ),
        style.star_trace(0.5, 0.5, dark=dark),
        {"type": "scatter", "x": [0, 1], "y": [0, 0], "line": {"color": style.reference_color(dark)}},
    ]
    note = {"text": "n", "bgcolor": style.note_box(dark), "font": {"color": style.ink(dark)}}
    layout = {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}}, "annotations": [note]}
    return make_figure(data, layout, title="t", dark=dark).to_plotly_json()


def test_a_figure_built_light_is_darkened_to_what_its_builder_draws_in_the_dark():
    light, dark = _shared_figure(False), _shared_figure(True)
    assert _colours(darkened(light)) == _colours(dark)
    assert darkened(light)["data"][0]["colorscale"] == [list(s) for s in style.LANDSCAPE_COLORSCALE_DARK]


def test_a_figure_built_dark_is_left_as_it_is():
    dark = _shared_figure(True)
    assert darkened(dark) is dark


def test_darkened_keeps_a_figures_own_colours():
    light = _shared_figure(False)
    light["data"].append({"type": "scatter", "marker": {"color": style.path_color(1)}})
    assert darkened(light)["data"][-1]["marker"]["color"] == style.path_color(1)
