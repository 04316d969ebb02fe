"""The 3D camera in the link: ?eye= (and up, center) or an older ?cam= preset opens that view."""

from __future__ import annotations

import pytest
from conftest import charts, open_app

from dashboard.figures import CAMERA_PRESETS
from dashboard.specs import Vector3


def _camera(at) -> dict:
    surface = next(p for p in charts(at)["landscape"] if p["name"] == "surface")
    return surface["layout"]["scene"]["camera"]


def test_a_link_with_a_camera_opens_at_that_angle():
    at = open_app(eye="0.5,-1.5,1.25", up="0,1,0")
    camera = _camera(at)
    assert camera["eye"] == {"x": 0.5, "y": -1.5, "z": 1.25}
    assert camera["up"] == {"x": 0.0, "y": 1.0, "z": 0.0}
    assert not at.warning


def test_an_older_link_names_a_preset():
    assert _camera(open_app(cam="top"))["eye"] == CAMERA_PRESETS["top"]["eye"]


@pytest.mark.parametrize("raw", ["abc", "1,2", "0,0,0", "1,2,inf", "1e9,0,0"])
def test_a_bad_camera_warns_and_opens_the_default_view(raw):
    at = open_app(eye=raw)
    assert any("3D camera position" in w.value for w in at.warning), [w.value for w in at.warning]
    assert _camera(at)["eye"] == CAMERA_PRESETS["oblique"]["eye"]


def test_vector_spec_round_trips_six_digits():
    spec = Vector3("eye", "eye", {"x": 1.0, "y": 0.0, "z": 0.0})
    value = {"x": 1.2345678, "y": -0.5, "z": 2.0}
    assert spec.url_form(value) == "1.23457,-0.5,2"
    assert spec.parse(spec.url_form(value)) == pytest.approx({"x": 1.23457, "y": -0.5, "z": 2.0})
