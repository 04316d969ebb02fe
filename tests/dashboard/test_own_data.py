"""Your own data, headless: bundled datasets, uploads good and bad, standardization, hostile names."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import figures, open_app

from core import DATASETS, design_from_table, load_dataset
from dashboard.controls import MAX_FEATURES


def _closed_form_coefficients(at) -> np.ndarray:
    text = at.table[0].value["coefficients"].iloc[0]
    return np.array([float(v) for v in text.strip("[]").split(",")])


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("standardize", [True, False])
def test_each_bundled_dataset_loads_and_matches_lstsq(name, standardize):
    at = open_app(src=name, std=str(standardize).lower(), view="Closed form")
    info = DATASETS[name]
    design = design_from_table(
        load_dataset(name), info.target, list(info.features), standardize=standardize, intercept=True
    )
    reference, *_ = np.linalg.lstsq(design.X, design.y, rcond=None)
    shown = _closed_form_coefficients(at)  # printed to 4 significant digits
    np.testing.assert_allclose(shown, reference, rtol=1e-3, atol=1e-3 * np.abs(reference).max())
    for view in ("Landscape", "Convergence", "Fit"):
        at.segmented_control(key="view").set_value(view).run()
        assert not at.exception, (name, view, at.exception)
        assert figures(at)


def test_raw_longley_makes_the_normal_equations_fail_and_standardizing_fixes_it():
    raw = open_app(src="longley", std="false", view="Closed form")
    assert any("no unique solution" in e.value for e in raw.error)
    assert any("2.26e+19" in c.value for c in raw.sidebar.caption)
    standardized = open_app(src="longley", view="Closed form")
    assert not standardized.error
    assert any("went from" in c.value for c in standardized.sidebar.caption)


def _upload(at, content: bytes, name="data.csv"):
    at.file_uploader(key="upload_file").upload(name, content, "text/csv").run()
    assert not at.exception, at.exception
    return at


GOOD = b"x,z,y\n1,0.5,2.1\n2,0.1,3.9\n3,0.7,6.2\n4,0.2,7.8\n5,0.9,10.1\n6,0.3,12.2\n"


def test_a_good_upload_is_fitted_and_matches_lstsq():
    at = _upload(open_app(src="upload", view="Closed form"), GOOD)
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="target").value == "y"
    data = np.loadtxt(GOOD.decode().splitlines()[1:], delimiter=",")
    feature = (data[:, 0] - data[:, 0].mean()) / data[:, 0].std()
    X = np.column_stack([np.ones(len(data)), feature])
    reference, *_ = np.linalg.lstsq(X, data[:, 2], rcond=None)
    np.testing.assert_allclose(_closed_form_coefficients(at), reference, rtol=1e-3)


BAD_FILES = {
    "empty": (b"", "empty"),
    "one column": (b"y\n1\n2\n3\n", "one column"),
    "non-numeric": (b"x,y\n1,2\nabc,3\n4,5\n", "non-numeric"),
    "missing": (b"x,y\n1,2\n,3\n4,5\n6,7\n", "empty cell"),
    "inf": (b"x,y\n1,2\ninf,3\n4,5\n6,7\n", "infinite"),
    "constant": (b"x,y\n1,2\n1,3\n1,5\n1,7\n", "same value .* in every row"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary|not a CSV|image"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_upload_says_what_is_wrong_and_keeps_the_previous_data(case):
    content, pattern = BAD_FILES[case]
    at = _upload(open_app(src="upload", view="Closed form"), GOOD, "good.csv")
    good = figures(at), at.table[0].value["coefficients"].tolist()
    at.file_uploader(key="upload_file").clear().upload("bad.csv", content, "text/csv").run()
    assert not at.exception, at.exception
    messages = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.sidebar.caption)
    assert re.search(pattern, messages, flags=re.I), messages
    assert at.table[0].value["coefficients"].tolist() == good[1], "the previous data must stay loaded"


def test_semicolon_tab_and_bom_files_parse():
    for content in (GOOD.replace(b",", b";"), GOOD.replace(b",", b"\t"), b"\xef\xbb\xbf" + GOOD):
        at = _upload(open_app(src="upload"), content)
        assert not at.error, [e.value for e in at.error]
        assert at.selectbox(key="target").value == "y"


def test_feature_choice_is_capped():
    at = open_app(src="longley")
    assert len(at.multiselect(key="feats").value) <= MAX_FEATURES


HOSTILE = (
    b'"<img src=x onerror=alert(1)>","<script>alert(2)</script>",y\n'
    b"1,=cmd|' /C calc'!A0,2\n2,<b>bold</b>,4\n3,x,6.5\n4,y,8\n"
)


def test_hostile_column_names_are_shown_as_inert_text():
    at = _upload(open_app(src="upload", view="Landscape"), HOSTILE)
    assert not at.exception
    # The script column is text: it is named as unusable, with its markup defused.
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "‹script›" in captions and "<script" not in captions
    # The img column is numeric, so it is a feature: plotly (which reads tags) gets a defused label.
    assert at.multiselect(key="feats").value == ["<img src=x onerror=alert(1)>"]
    drawn = str(figures(at))
    assert "‹img src=x onerror=alert(1)›" in drawn and "<img" not in drawn


def test_a_new_upload_gets_its_own_target_and_features():
    at = _upload(
        open_app(src="upload", view="Closed form"), b"a,b,y\n1,5,2\n2,3,4\n3,8,7\n4,1,8\n5,6,11\n", "one.csv"
    )
    assert at.multiselect(key="feats").value == ["a"]
    at.multiselect(key="feats").set_value(["a", "b"]).run()
    at.selectbox(key="target").set_value("a").run()
    assert not at.exception, at.exception
    other = b"x1,x2,y\n1,0.5,2.1\n2,0.1,3.9\n3,0.7,6.2\n4,0.2,7.8\n5,0.9,10.1\n6,0.3,12.2\n"
    at = _upload(at, other, "two.csv")
    assert not at.error, [e.value for e in at.error]  # was: "Choose at least one feature column."
    assert at.selectbox(key="target").value == "y"
    assert at.multiselect(key="feats").value == ["x1"]
    assert at.metric, "the new file is fitted"
    assert "feats" not in at.query_params and "target" not in at.query_params  # defaults stay out of the link


def test_a_linked_target_and_features_apply_to_the_first_file_only():
    content = b"a,b,c,y\n1,5,2,1\n2,3,4,3\n3,8,7,2\n4,1,8,5\n5,6,11,4\n6,2,3,8\n"
    at = _upload(open_app(src="upload", view="Closed form", target="c", feats="a,b"), content, "one.csv")
    assert at.selectbox(key="target").value == "c"
    assert at.multiselect(key="feats").value == ["a", "b"]
    assert at.query_params["feats"] == "a,b"  # a choice that is not the default stays in the link
    at = _upload(at, content.replace(b"a,b,c,y", b"p,q,r,s"), "two.csv")
    assert at.selectbox(key="target").value == "s"
    assert at.multiselect(key="feats").value == ["p"]
