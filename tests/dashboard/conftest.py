"""Headless app fixtures: AppTest with a timeout long enough for a cold numpy/plotly import."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

# The app turns a bug in a view into a polite message; under test it must fail loudly instead.
os.environ["LSQ_LAB_STRICT"] = "1"

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def new_app(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
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


def figures(at: AppTest) -> list[dict]:
    """Every plotly chart on the page as figure JSON (data, layout), arrays decoded."""
    return [_decode(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


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
