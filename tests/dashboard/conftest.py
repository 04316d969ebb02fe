"""Headless app fixtures: AppTest with a timeout long enough for a cold numpy/plotly import."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import numpy as np
import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from dashboard.chart.component import KNOWN
from dashboard.chart.payload import KnownTraces, decode

# The app turns a bug in a view into a polite message; under test it must fail loudly instead.
os.environ["LSQ_LAB_STRICT"] = "1"

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def new_app(*, browser_cache: bool = False, **state) -> AppTest:
    """The app, not yet run, with ``state`` in its session.

    AppTest has no browser that keeps the chart's big traces between reruns, so by default
    every payload carries all of them; ``browser_cache=True`` keeps the app's real behaviour
    (later payloads refer to traces sent before).
    """
    at = AppTest.from_file(APP, default_timeout=60)
    if not browser_cache:
        at.session_state[KNOWN] = KnownTraces(limit=0)
    for key, value in state.items():
        at.session_state[key] = value
    return at


def open_app(**params) -> AppTest:
    """The app opened from a link with these URL parameters, run once, with no exception."""
    at = new_app()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _decode(node):
    # Plotly 7 ships numpy arrays as {"dtype", "bdata"(base64), "shape"}: turn them back into lists.
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            array = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
            if "shape" in node:
                array = array.reshape([int(s) for s in str(node["shape"]).split(",")])
            return array.tolist()
        return {k: _decode(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decode(v) for v in node]
    return node


def charts(at: AppTest) -> dict[str, list[dict]]:
    """Every chart component on the page: its key → its panels (name, alt, data, layout, frames?)."""
    return {
        el.proto.id.rsplit("-", 1)[-1]: _decode(decode(el.proto.bytes)) for el in at.get("bidi_component")
    }


def chart_event(at: AppTest, key: str, event: str, value) -> AppTest:
    """What the browser sends when the user acts on chart ``key`` (a click, a rotation), then the rerun.

    AppTest cannot click a plotly chart; the chart component reports an event as a trigger
    widget next to the component's own id, which this sends exactly as the frontend would.
    """
    (element,) = [el for el in at.get("bidi_component") if el.key == key]
    states = at._tree.get_widget_states()
    trigger = _make_trigger_id(element.proto.id, "events")
    states.widgets.append(
        WidgetState(id=trigger, json_trigger_value=json.dumps([{"event": event, "value": value}]))
    )
    at._tree._runner._run(states, timeout=60)
    return at


def figures(at: AppTest) -> list[dict]:
    """Every plotly figure on the page as figure JSON (data, layout, frames), arrays decoded."""
    panels = [panel for chart in charts(at).values() for panel in chart]
    return panels + [_decode(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


def trace(fig: dict, name: str) -> dict:
    matches = [t for t in fig["data"] if t.get("name") == name]
    assert matches, f"no trace named {name!r} in {[t.get('name') for t in fig['data']]}"
    return matches[0]


@pytest.fixture
def app() -> AppTest:
    at = new_app()
    at.run()
    assert not at.exception, at.exception
    return at
