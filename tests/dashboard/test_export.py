"""Export and import: CSVs hold what the app computed, settings round-trip, bad files are refused."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
from conftest import figures, new_app

from dashboard import export, lab
from dashboard.settings import LabSettings
from dashboard.state import LabResult


def _result() -> LabResult:
    settings = LabSettings()
    problem = lab.build_problem(settings.data)
    return LabResult(settings, problem, [lab.run_one(problem, r, settings) for r in settings.runs])


def test_data_csv_holds_the_design_matrix_and_target():
    result = _result()
    frame = pd.read_csv(io.StringIO(export.to_safe_csv(export.data_frame(result))))
    np.testing.assert_allclose(
        frame[list(result.problem.param_names)].to_numpy(), result.problem.X, rtol=1e-12
    )
    np.testing.assert_allclose(frame["y"].to_numpy(), result.problem.y, rtol=1e-12)


def test_paths_csv_holds_every_recorded_iterate_and_its_loss():
    result = _result()
    frame = export.trajectories_frame(result)
    for i, t in enumerate(result.runs, start=1):
        part = frame[frame["run"].str.startswith(f"Run {i}:")]
        np.testing.assert_array_equal(part[list(result.problem.param_names)].to_numpy(), t.weights)
        np.testing.assert_array_equal(part["loss"].to_numpy(), t.loss)


def test_settings_file_round_trips_into_the_same_picture():
    at = new_app(export_open=True)
    at.run()
    at.slider(key="noise").set_value(1.5).run()
    at.select_slider(key="r1_lr").set_value(0.2).run()
    params = {"noise": "1.5", "r1_lr": "0.2"}
    content = json.dumps({"format": export.SETTINGS_FORMAT, "params": params}).encode()
    fresh = new_app(export_open=True)
    fresh.run()
    fresh.file_uploader(key="settings_file").upload("s.json", content, "application/json").run()
    assert not fresh.exception, fresh.exception
    assert fresh.slider(key="noise").value == 1.5
    assert fresh.select_slider(key="r1_lr").value == 0.2
    assert figures(fresh) == figures(at)


def test_a_bad_settings_file_is_refused_with_a_reason():
    at = new_app(export_open=True)
    at.run()
    for content, phrase in ((b"{not json", "not valid JSON"), (b'{"a": 1}', "not an lsq-lab settings file")):
        at.file_uploader(key="settings_file").clear().upload("s.json", content, "application/json").run()
        assert not at.exception
        assert any(phrase in w.value for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]


def test_a_settings_field_out_of_range_keeps_its_default():
    at = new_app(export_open=True)
    at.run()
    content = json.dumps({"format": export.SETTINGS_FORMAT, "params": {"k": "999", "noise": "2"}}).encode()
    at.file_uploader(key="settings_file").upload("s.json", content, "application/json").run()
    assert at.slider(key="noise").value == 2.0 and at.slider(key="k").value == 2
    assert any("outside" in w.value for w in at.sidebar.warning)
