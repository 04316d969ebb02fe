"""Figures as the chart component receives them: JSON bytes, big traces sent once.

Pure Python (no streamlit). The browser keeps every trace that arrived with a ``$hash``
and accepts ``{"$ref": hash}`` for it afterwards, so a learning-rate change re-sends the
paths (a few KB) but not the surface or the filled contour (tens of KB each).
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import orjson
import plotly.graph_objects as go
from plotly.basedatatypes import BasePlotlyType

from dashboard.figures.style import plain_parts

# A trace above this many bytes of JSON is sent once and referenced afterwards; below it a
# reference saves less than it costs to track.
CACHE_MIN_BYTES = 2_048
# Hashes a session assumes the browser holds; the browser keeps twice as many (chart.js).
KNOWN_MAX = 32
# Panels of one chart sit side by side while each gets this many pixels, and stack otherwise.
MIN_PANEL_WIDTH = 440
CONFIG = {
    "displaylogo": False,
    "responsive": False,  # chart.js resizes on its container's size (plotly's own handler throws once hidden)
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


@dataclass(frozen=True)
class Panel:
    """One plot of a chart: a figure, its accessible name, a name that identifies it across reruns."""

    name: str
    figure: go.Figure | dict
    alt: str
    config: dict = field(default_factory=dict)
    clickable: bool = False  # a click on a point is sent to Python (render_chart's on_click)


class KnownTraces:
    """The hashes of traces the browser holds, most recently used last (bounded)."""

    def __init__(self, limit: int = KNOWN_MAX):
        self.limit = limit
        self._hashes: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, digest: str) -> bool:
        return digest in self._hashes

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, digest: str) -> None:
        self._hashes[digest] = None
        self._hashes.move_to_end(digest)
        while len(self._hashes) > self.limit:
            self._hashes.popitem(last=False)

    def clear(self) -> None:
        self._hashes.clear()


def _typed_array(a: np.ndarray):
    """A numpy array as plotly.js's typed array {dtype, bdata[, shape]} (what plotly.py sends too)."""
    if a.dtype.kind == "b":
        a = a.astype(np.uint8)
    elif a.dtype.kind in "iu" and a.dtype.itemsize == 8:  # plotly.js has no 64-bit integers
        fits = a.size == 0 or (np.iinfo(np.int32).min <= a.min() and a.max() <= np.iinfo(np.int32).max)
        a = a.astype(np.int32 if fits else np.float64)
    elif a.dtype.kind == "f" and a.dtype.itemsize == 2:
        a = a.astype(np.float32)
    elif a.dtype.kind not in "iuf":
        return a.tolist()
    a = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    out = {"dtype": a.dtype.str[1:], "bdata": base64.b64encode(a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = ",".join(map(str, a.shape))
    return out


def _default(obj):
    if isinstance(obj, np.ndarray):
        return _typed_array(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, BasePlotlyType):  # a trace or layout object left inside a dict
        return obj.to_plotly_json()
    raise TypeError(f"cannot send {type(obj).__name__} to the chart")


def _json(obj) -> bytes:
    return orjson.dumps(obj, default=_default)


def _parts(fig) -> tuple[list, dict, list]:
    """Traces, layout and frames of a figure, read in place: ``to_plotly_json`` deep-copies them all."""
    plain = plain_parts(fig)
    if plain is not None:  # as its builder wrote it, plotly's copy never made
        return plain[0], plain[1], []
    if isinstance(fig, go.Figure):
        frames = [frame.to_plotly_json() for frame in fig.frames]
        return fig._data, fig._layout, frames  # plotly's own storage of what the builder gave
    return fig.get("data", []), fig.get("layout", {}), fig.get("frames", [])


def _traces(data: Iterable[dict], known: KnownTraces) -> bytes:
    out = []
    for trace in data:
        body = _json(trace)
        if len(body) < CACHE_MIN_BYTES:
            out.append(body)
            continue
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        tag = digest.encode()
        out.append(b'{"$ref":"%s"}' % tag if digest in known else b'{"$hash":"%s",' % tag + body[1:])
        known.add(digest)
    return b"[" + b",".join(out) + b"]"


def _panel(panel: Panel, known: KnownTraces) -> bytes:
    data, layout, frames = _parts(panel.figure)
    parts = [
        b'"name":' + _json(panel.name),
        b'"alt":' + _json(panel.alt),
        b'"data":' + _traces(data, known),
        b'"layout":' + _json(layout),
        b'"config":' + _json({**CONFIG, **panel.config}),
        b'"clickable":' + (b"true" if panel.clickable else b"false"),
    ]
    if frames:
        parts.append(b'"frames":' + _json(frames))
    return b"{" + b",".join(parts) + b"}"


def encode(
    panels: Sequence[Panel], *, known: KnownTraces, revision: int = 0, min_width: int = MIN_PANEL_WIDTH
) -> bytes:
    """The payload of one chart: its panels, big traces by reference when the browser holds them.

    Parameters
    ----------
    panels : sequence of Panel
        Drawn in order; side by side while each gets ``min_width`` pixels, else stacked.
    known : KnownTraces
        What this browser session holds; updated with what this payload sends.
    revision : int
        Counts the payloads of one chart (the page shows it as ``data-revision``).
    min_width : int
        Pixels a panel needs beside another.

    Returns
    -------
    bytes
        UTF-8 JSON ``{"panels": [{"name", "alt", "data", "layout", "config", "frames"?}], ...}``.
    """
    body = b",".join(_panel(p, known) for p in panels)
    return b'{"panels":[%s],"revision":%d,"minWidth":%d}' % (body, revision, min_width)


def decode(body: bytes, traces: dict[str, dict] | None = None) -> list[dict]:
    """The panels' figures back from a payload (for tests): ``$ref`` resolved from ``traces``.

    ``traces`` collects the hashed traces seen so far (pass the same dict for a sequence
    of payloads, oldest first).
    """
    import json

    traces = {} if traces is None else traces
    panels = json.loads(body)["panels"]
    for panel in panels:
        resolved = []
        for trace in panel["data"]:
            if "$ref" in trace:
                trace = traces[trace["$ref"]]
            elif "$hash" in trace:
                digest = trace.pop("$hash")
                traces[digest] = trace
            resolved.append(trace)
        panel["data"] = resolved
    return panels
