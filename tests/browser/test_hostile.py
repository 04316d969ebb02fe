"""A hostile CSV: markup and script in names and cells, formula prefixes, a 10,000-char name, latin-1.

In the browser the file is uploaded through the sidebar's own file input. Nothing
in it may run: no dialog opens, no ``window.__pwned`` appears, no element is
created from its markup, and the names are shown as text. Exported again (the
app's "Data (CSV)" download, and ``to_safe_csv`` directly), no cell may start a
spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace

import numpy as np
import pytest

from core import read_csv_table, to_safe_csv
from dashboard import export, lab
from dashboard.settings import DataSettings

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=2</script>"
FORMULA = "=cmd|' /C calc'!A0"
LONG = "<svg onload=window.__pwned=3>" + "A" * 9_970  # 10,000 characters
LATIN1 = "Größe_ñ"
TEXT_CELLS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    FORMULA,
    '=HYPERLINK("http://example.invalid","x")',
    "+1+cmd",
    "@SUM(A1)",
    "-2+3+cmd|' /C calc'!A0",
    "\tleading tab",
    "x" * 10_000,
]
NUMERIC = (IMG, SCRIPT, FORMULA, LONG, LATIN1)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")


def hostile_csv() -> bytes:
    """Five numeric columns with hostile names, a text column of hostile cells, then y; latin-1."""
    rng = np.random.default_rng(7)
    rows = len(TEXT_CELLS) * 3
    X = rng.normal(size=(rows, len(NUMERIC)))
    y = X @ np.arange(1.0, len(NUMERIC) + 1) + 0.1 * rng.normal(size=rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*NUMERIC, "<b>notes</b>", "y"])
    for i in range(rows):
        writer.writerow([*(f"{v:.6f}" for v in X[i]), TEXT_CELLS[i % len(TEXT_CELLS)], f"{y[i]:.6f}"])
    return out.getvalue().encode("latin-1")


def _formula_cells(text: str) -> list[str]:
    """Every CSV field a spreadsheet would run as a formula."""
    return [
        field
        for row in csv.reader(io.StringIO(text))
        for field in row
        if field.lstrip(" ").startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(field)
    ]


def test_exported_csv_never_starts_a_formula():
    """The uploaded table and the app's data export, written by to_safe_csv: formulas defused."""
    table = read_csv_table(hostile_csv())
    assert LATIN1 in table.columns, table.columns  # latin-1 was decoded, not mangled
    assert table.frame.shape[1] == len(NUMERIC) + 2
    raw = table.frame.to_csv(index=False)
    assert _formula_cells(raw), "the fixture must hold formula cells to defuse"
    text = to_safe_csv(table)
    assert _formula_cells(text) == []
    assert "'" + FORMULA in text  # kept, but as text
    # What the app's "Data (CSV)" button writes: design matrix and target with the shown names.
    features = [name for name in NUMERIC]
    settings = DataSettings(source="upload", target="y", features=tuple(features), intercept=True)
    problem = lab.build_problem(settings, table)
    frame = export.data_frame(SimpleNamespace(problem=problem))
    exported = to_safe_csv(frame)
    assert _formula_cells(exported) == []
    header = next(csv.reader(io.StringIO(exported)))
    assert any(h.startswith("'=cmd") for h in header), header
    assert not any("<" in h for h in header), header  # figure labels carry no markup


@pytest.mark.browser
def test_a_hostile_csv_is_shown_as_inert_text_and_exported_safely(app_page, ui):
    page = app_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ui.open_app(app_page, "?src=upload", charts=False)
    upload = ui.control(page, "upload_file").locator("input[type=file]")
    upload.set_input_files({"name": "hostile.csv", "mimeType": "text/csv", "buffer": hostile_csv()})
    app_page.wait_idle()
    page.wait_for_selector(ui.CHART, timeout=30_000)  # the file was fitted and drawn
    # Show every name: open the feature list (each option drawn as text), then pick two more.
    feats = ui.control(page, "feats")
    feats.get_by_role("combobox").click()
    options = page.get_by_role("option").all_text_contents()
    assert any(SCRIPT in o for o in options) and any(FORMULA in o for o in options), options
    for name in (SCRIPT, FORMULA):
        if not page.get_by_role("option", name=name, exact=True).is_visible():
            feats.get_by_role("combobox").click()
        page.get_by_role("option", name=name, exact=True).click()
        app_page.wait_idle()
    page.keyboard.press("Escape")
    app_page.wait_idle()
    page.wait_for_selector(ui.CHART)
    for view in ("Closed form", "Fit", "Landscape"):
        ui.control(page, "view").get_by_role("radio", name=view, exact=True).click()
        app_page.wait_idle()
    app_page.screenshot("hostile-upload")

    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img[src='x'], svg[onload], [onerror]").count() == 0
    scripts = page.evaluate("() => [...document.scripts].map(s => s.text).join('\\n')")
    assert "__pwned" not in scripts and "alert(" not in scripts
    # Shown, as text: the raw names in the widgets, defused (‹ ›) in captions and chart labels.
    chips = feats.text_content()
    assert IMG in chips and SCRIPT in chips and FORMULA in chips, chips
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "‹b›notes‹/b›" in sidebar, "the unusable text column must be named, as text"
    drawn = " ".join(page.locator(".js-plotly-plot").all_text_contents())
    assert "‹img src=x" in drawn or "‹script›" in drawn, drawn[:500]

    # The app's own export of these data: no cell a spreadsheet would run.
    page.get_by_test_id("stExpander").filter(has_text="Export and import").locator("summary").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Data (CSV)").click()
    exported = download.value.path().read_bytes().decode("utf-8-sig")
    assert _formula_cells(exported) == []
    assert "'=cmd" in exported.splitlines()[0], exported.splitlines()[0]
    assert page.locator("[data-testid='stException']").count() == 0
    assert app_page.problems == []
