"""The intercept is a field of the problem, not a parameter name: a CSV column called "b" is a feature."""

from __future__ import annotations

import numpy as np
from conftest import figures, open_app

from core import read_csv_table
from dashboard.lab import build_problem
from dashboard.settings import DataSettings

CSV = b"b,x,y\n1,0.5,2.1\n2,0.1,3.9\n3,0.7,6.2\n4,0.2,7.8\n5,0.9,10.1\n6,0.3,12.2\n"
B_COLUMN = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def _problem(intercept: bool, features=("b", "x")):
    settings = DataSettings(
        source="upload", target="y", features=features, intercept=intercept, upload_id="test"
    )
    return build_problem(settings, read_csv_table(CSV))


def test_a_feature_called_b_without_intercept_is_a_feature():
    problem = _problem(intercept=False)
    assert not problem.intercept
    assert problem.param_names == ("b", "x")
    np.testing.assert_array_equal(problem.X[:, 0], B_COLUMN)  # the data, not a column of ones
    assert problem.true_params is None  # real data: nobody knows the truth


def test_with_the_intercept_on_the_names_stay_distinct():
    problem = _problem(intercept=True)
    assert problem.intercept
    assert problem.param_names == ("(b)", "b", "x")
    np.testing.assert_array_equal(problem.X[:, 0], np.ones(6))
    np.testing.assert_array_equal(problem.X[:, 1], B_COLUMN)


def test_synthetic_problems_carry_the_field_too():
    assert build_problem(DataSettings(intercept=True)).intercept
    assert build_problem(DataSettings(intercept=True)).param_names[0] == "b"
    assert not build_problem(DataSettings(intercept=False)).intercept


def _uploaded(view: str):
    at = open_app(src="upload", ricpt="false", std="false", view=view)
    at.file_uploader(key="upload_file").upload("b.csv", CSV, "text/csv").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.multiselect(key="feats").value == ["b"]  # the first column is the default feature
    return at


def test_the_views_do_not_take_a_column_called_b_for_the_intercept():
    at = _uploaded("Math")
    text = " ".join(m.value for m in at.markdown)
    assert "K = 1 columns." in text and "column of ones" not in text
    at.segmented_control(key="view").set_value("Closed form").run()
    assert not at.exception, at.exception
    assert not [c.value for c in at.caption if "column of ones" in c.value]
    at.segmented_control(key="view").set_value("Fit").run()
    assert not at.exception, at.exception
    data = next(t for t in figures(at)[0]["data"] if t.get("mode") == "markers")
    assert sorted(data["x"]) == B_COLUMN  # the fit is drawn against the b column itself
