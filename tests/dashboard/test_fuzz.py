"""Fuzzing the whole app headless: settings at their extremes, malformed links, random CSV files.

Every example opens the app through AppTest as a link would (``at.query_params``),
with LSQ_LAB_STRICT=1 (tests/dashboard/conftest.py) so a bug in a view raises
instead of becoming a polite message. What must hold for every input:

- no exception reaches the page, and the page still draws something;
- every chart has alt text (its accessible name);
- every number on the Closed form view is finite, or is an infinite condition number
  next to the message that explains it (a rank-deficient X);
- a link value the app cannot use gives a warning naming the field;
- an uploaded file is either fitted or refused with a message.

Bounded and reproducible: ``derandomize=True`` and 20 examples per test (LSQ_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import hashlib
import math
import os
import re

from conftest import figures, new_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.controls import ALL_SPECS, run_specs
from dashboard.lecture import BIG
from dashboard.settings import MAX_RUNS, RULES, SCHEDULES
from dashboard.specs import Choice, Flag, Number, Text
from dashboard.views import VIEWS

# CI runs a fixed, small sample; LSQ_FUZZ_EXAMPLES=500 explores further (same derandomized order).
FUZZ = settings(
    max_examples=int(os.environ.get("LSQ_FUZZ_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
CLOSED_FORM = "Closed form"
RANK_MESSAGE = re.compile(r"singular|rank|pseudo-inverse|no unique", re.IGNORECASE)


def _url(spec, value) -> str:
    return spec.url_form(value)


def _run_params(i: int) -> st.SearchStrategy[dict]:
    s = run_specs(i)
    p = f"r{i}_"
    return st.fixed_dictionaries(
        {
            p + "rule": st.sampled_from(RULES),
            p + "lr": st.sampled_from((1e-4, 0.3, 1.2, 100.0)),
            p + "batch": st.sampled_from(("full", 1, 10, 10_000)),
            p + "mom": st.sampled_from((0.0, 0.5, 0.99)),
            p + "b2": st.sampled_from(s[p + "b2"].options),
            p + "sched": st.sampled_from(SCHEDULES),
            p + "decay": st.sampled_from((0.001, 1.0)),
        }
    )


@st.composite
def extreme_settings(draw) -> dict[str, str]:
    """Every control at an extreme (or a typical value), as the URL parameters of a link."""
    values = draw(
        st.fixed_dictionaries(
            {
                "n": st.sampled_from((5, 10, 200, 5_000, 100_000)),
                "k": st.sampled_from((1, 2, 3, 20, 50)),
                "noise": st.sampled_from((0.0, 0.5, 5.0)),
                "kappa": st.sampled_from((1.0, 10.0, 1e6)),
                "icpt": st.booleans(),
                "dup": st.booleans(),
                "seed": st.sampled_from((0, 1, 2**31 - 1)),
                "epochs": st.sampled_from((1, 30, 200)),
                "w0a": st.sampled_from((-20.0, 0.0, 20.0)),
                "w0b": st.sampled_from((-20.0, 0.0, 20.0)),
                "nruns": st.integers(1, MAX_RUNS),
            }
        )
    )
    for i in range(1, values["nruns"] + 1):
        values.update(draw(_run_params(i)))
    return {key: _url(ALL_SPECS[key], value) for key, value in values.items()}


def _open(params: dict[str, str]):
    at = new_app()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, (params, at.exception)
    return at


def _page_text(at) -> str:
    kinds = ("error", "warning", "info", "markdown", "caption")
    parts = [e.value for kind in kinds for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _check_charts_have_alt(at, where: str) -> None:
    for chart in at.get("plotly_chart"):
        assert chart.proto.alt.strip(), f"a chart without alt text in {where}"


def _check_closed_form_numbers(at, params) -> None:
    """Every metric is a finite number, a rank 'r / p', or κ = inf explained by a rank message."""
    text = _page_text(at)
    assert at.metric, "the Closed form view shows no metrics"
    for metric in at.metric:
        value = str(metric.value).replace(",", "").strip()
        if re.fullmatch(r"\d+ / \d+", value):
            continue
        number = float(value)  # anything else must at least be a number
        if math.isfinite(number):
            continue
        assert math.isinf(number) and number > 0 and "κ" in metric.label, (metric.label, value, params)
        assert RANK_MESSAGE.search(text), f"{metric.label} = {value} with no rank message: {params}"
    table = at.table[0].value if at.table else None
    if table is not None:
        for column in ("loss L(w)", "distance to w*"):
            for method, v in zip(table["method"], table[column], strict=True):
                if not math.isfinite(float(v)):
                    assert re.search("diverg|overflow", text, re.IGNORECASE), (method, column, v, params)


@FUZZ
@given(params=extreme_settings(), view=st.sampled_from(tuple(VIEWS)))
def test_any_settings_draw_without_exception_and_show_only_finite_numbers(params, view):
    at = _open({**params, "view": view})
    assert figures(at) or at.metric or at.markdown, f"{view} drew nothing for {params}"
    _check_charts_have_alt(at, view)
    if view != CLOSED_FORM:
        at.segmented_control(key="view").set_value(CLOSED_FORM).run()
        assert not at.exception, (params, at.exception)
    _check_closed_form_numbers(at, params)


# ----------------------------------------------------------------------------- malformed links

KNOWN = {**ALL_SPECS, "big": BIG}
LINK_KEYS = st.one_of(
    st.sampled_from((*KNOWN, "view", "preset", "lesson", "hide")),
    st.text(min_size=1, max_size=30),
)
ODD_VALUES = (
    "", "NaN", "nan", "inf", "-inf", "1e309", "-1e309", "9" * 400, "0x10", "1_000", " 5", "true ",
    "None", "null", "[]", "{}", "%00", "\u202e", "１２", "٣", "10\n", "<script>alert(1)</script>",
    "Landscape", "Closed+form", "valley", "data,optimizers",
)  # fmt: skip
NASTY_VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _usable(key: str, raw: str) -> bool | None:
    """Whether the app can use ``raw`` for ``key``; None when it need not say (lesson, hide)."""
    if key in ("lesson", "hide"):
        return None
    if key == "view":
        return raw in VIEWS
    if key == "preset":
        from dashboard.presets import PRESETS

        return raw in PRESETS
    spec = KNOWN.get(key)
    if spec is None:
        return False
    try:
        spec.parse(raw)
    except ValueError:
        return False
    return True


@FUZZ
@given(link=st.dictionaries(LINK_KEYS, NASTY_VALUES, min_size=1, max_size=4))
def test_a_malformed_link_warns_and_never_breaks_the_page(link):
    at = _open(link)
    warnings = " ".join(w.value for w in at.warning)
    for key, raw in link.items():
        if _usable(key, raw) is False and not isinstance(KNOWN.get(key), Text):
            assert warnings, f"no warning for {key}={raw!r}"
            spec = KNOWN.get(key)
            named = spec.label if isinstance(spec, (Choice, Number, Flag)) else key
            assert named in warnings or "does not exist" in warnings or "default" in warnings, (key, raw)
    assert figures(at) or at.metric, f"nothing drawn for {link}"
    for error in at.error:
        assert "Traceback" not in error.value


# ----------------------------------------------------------------------------- random CSV files

CELLS = st.sampled_from(
    ("1", "2.5", "-3", "0", "1e5", "1e400", "", "nan", "NA", "inf", "abc", "1,5", "=1+1", '"', "'", "é",
     " 7 ", "12%", "$3", "\u00a0", "1e-300")
)  # fmt: skip


@st.composite
def csv_like(draw) -> bytes:
    """Tables that look like CSV (odd delimiters, ragged rows, odd cells, odd encodings) or raw bytes."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=600))
    delimiter = draw(st.sampled_from((",", ";", "\t", "|", " ")))
    n_cols = draw(st.integers(1, 5))
    header = draw(st.lists(st.text(max_size=8) | st.sampled_from(("x", "y", "x", "")), min_size=n_cols,
                           max_size=n_cols))  # fmt: skip
    rows = draw(st.lists(st.lists(CELLS, min_size=max(1, n_cols - 1), max_size=n_cols + 1), max_size=30))
    text = "\n".join(delimiter.join(row) for row in [header, *rows])
    encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "latin-1", "utf-16")))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(content=csv_like())
def test_a_random_csv_is_fitted_or_refused_with_a_message(content):
    at = _open({"src": "upload", "view": CLOSED_FORM})
    at.file_uploader(key="upload_file").upload("fuzz.csv", content, "text/csv").run()
    assert not at.exception, (content[:200], at.exception)
    errors = [e.value for e in at.error]
    assert all(e.strip() and "Traceback" not in e for e in errors), errors
    if errors:
        return
    # Accepted: these bytes are the data on screen, and the fit's numbers are finite.
    assert at.session_state["_upload_id"] == hashlib.sha256(content).hexdigest()[:16]
    _check_closed_form_numbers(at, {"csv": content[:200]})


def test_fuzz_strategies_reach_the_extremes():
    """The settings strategy can produce every extreme it claims (a guard against a silent narrowing)."""
    seen: dict[str, set[str]] = {}

    @settings(max_examples=150, deadline=None, derandomize=True, database=None)
    @given(extreme_settings())
    def collect(params):
        for key, value in params.items():
            seen.setdefault(key, set()).add(value)

    collect()
    assert {"5", "100000"} <= seen["n"] and {"1", "50"} <= seen["k"]
    assert {"0.0001", "100"} <= seen["r1_lr"] and {"full", "1"} <= seen["r1_batch"]
    assert set(seen["r1_rule"]) == set(RULES) and "r4_rule" in seen
