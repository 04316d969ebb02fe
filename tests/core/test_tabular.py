"""Your own data: reading CSV files, bad-file messages, hostile content, and the design matrix."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import (
    Design,
    NumericColumns,
    Table,
    TableError,
    csv_safe_cell,
    design_from_table,
    numeric_columns,
    read_csv_table,
    safe_label,
    solve_least_squares,
    to_safe_csv,
)

FUZZ = settings(max_examples=150, deadline=None)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://example.invalid","click")',
    "x" * 10_000,
    "\u202etxt.exe",  # right-to-left override
    "zero\u200bwidth",
]


def csv_bytes(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    # CRLF makes the writer quote cells holding a bare CR, as spreadsheet programs do.
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def table_of(text: str) -> Table:
    return read_csv_table(text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Bad files: every one is a TableError whose message says what is wrong and how to fix it.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", r"The file is empty\. Choose a CSV file with a header row"),
        (b"  \n\r\n\t\n", r"The file is empty"),
        (b"\xef\xbb\xbf", r"The file is empty"),
        (b"x,y\n", r"header row \('x', 'y'\) but no data below it\. Add at least two rows"),
        (b"x,y\n\n,\n", r"header row \('x', 'y'\) but no data"),
        (b"height\n1.7\n1.8\n", r"Only one column was found \('height'\).*at least two columns separated"),
        (b"a b c\n1 2 3\n", r"Only one column was found"),
        (b"x,\n1,\n2,\n", r"Only one column was found \('x'\)"),
        (b",,\n,\n , \n", r"The file is empty: it holds only separators and blank cells"),
        (
            b"x,y,x\n1,2,3\n4,5,6\n",
            r"The column name 'x' appears more than once \(columns 1 and 3\)\. Give each",
        ),
        (b" x ,y,x\n1,2,3\n", r"'x' appears more than once"),
        (b"x,y\n1,2\n3,4,5\n", r"Line 3 has 3 cells but the header names 2 columns\. Check that line"),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            r"Excel workbook \(\.xlsx\), not a CSV text file\. Open it .* Save As",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", r"old Excel workbook \(\.xls\)"),
        (b"%PDF-1.7\n", r"a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", r"a PNG image"),
        (b"x,y\n1,2\x00\x00\x00\n", r"does not look like text: it contains binary data"),
        (bytes(range(1, 32)) * 10, r"does not look like text"),
    ],
)
def test_bad_file_gives_its_message(data, match):
    with pytest.raises(TableError, match=match):
        read_csv_table(data)


def test_table_error_is_a_value_error():
    assert issubclass(TableError, ValueError)


def test_too_large_states_the_cap_in_mb():
    data = b"x,y\n" + b"1,2\n" * 1_300_000  # 5.2 MB
    with pytest.raises(TableError, match=r"The file is 5\.2 MB, over the 5 MB limit\. Upload a smaller file"):
        read_csv_table(data)
    with pytest.raises(TableError, match=r"The file is 5,000,001 bytes, over the 5 MB limit"):
        read_csv_table(b"x" * 5_000_001)
    with pytest.raises(TableError, match=r"over the 2 MB limit"):
        read_csv_table(data, max_bytes=2_000_000)


def test_too_large_upload_stream_and_path(tmp_path):
    class Upload(io.BytesIO):  # like Streamlit's UploadedFile, which knows its size
        size = 3_000_000

    with pytest.raises(TableError, match=r"The file is 3 MB, over the 1 MB limit"):
        read_csv_table(Upload(b"x,y\n" + b"1,2\n" * 750_000), max_bytes=1_000_000)
    with pytest.raises(TableError, match=r"The file is larger than the 1 MB limit"):
        read_csv_table(io.BytesIO(b"x" * 1_000_001), max_bytes=1_000_000)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x,y\n" + b"1,2\n" * 1000)
    with pytest.raises(TableError, match=r"The file is 4 kB, over the 1 kB limit"):
        read_csv_table(path, max_bytes=1000)


def test_too_many_rows_and_columns_state_the_cap():
    with pytest.raises(TableError, match=r"more than 10 rows of data; the limit is 10\. Upload a sample"):
        read_csv_table(b"x,y\n" + b"1,2\n" * 11, max_rows=10)
    assert read_csv_table(b"x,y\n" + b"1,2\n" * 10, max_rows=10).n_rows == 10
    wide = ",".join(f"c{j}" for j in range(201)).encode() + b"\n" + b",".join([b"1"] * 201) + b"\n"
    with pytest.raises(
        TableError, match=r"The file has 201 columns; the limit is 200\. Keep only the columns"
    ):
        read_csv_table(wide)
    assert read_csv_table(wide, max_columns=201).frame.shape == (1, 201)


def test_missing_path_and_cell_above_the_csv_field_limit():
    with pytest.raises(TableError, match=r"Could not open the file '.*nowhere\.csv'"):
        read_csv_table("/nonexistent/nowhere.csv")
    # An unclosed quote swallows the rest of the file into one cell.
    data = b'x,y\n1,"' + b"2" * 200_000 + b"\n"
    with pytest.raises(TableError, match=r"a cell is longer than 131,072 characters.*closing quote"):
        read_csv_table(data)


def test_wrong_source_type_is_a_type_error():
    with pytest.raises(TypeError, match="bytes, a file-like object or a path"):
        read_csv_table(12)


# ---------------------------------------------------------------------------------------------
# Files that are fine, however they were saved
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "delimiter", "note"),
    [
        (b"x,y\n1,2\n3,4\n", ",", None),
        (b"x;y\n1;2\n3;4\n", ";", "Columns are separated by semicolons."),
        (b"x\ty\n1\t2\n3\t4\n", "\t", "Columns are separated by tabs."),
        (b"x|y\n1|2\n3|4\n", "|", "Columns are separated by pipes (|)."),
        (b"x,y\r\n1,2\r\n3,4\r\n", ",", None),
        (b"x,y\r1,2\r3,4", ",", None),
        (b"sep=;\nx;y\n1;2\n3;4\n", ";", "Columns are separated by semicolons."),
    ],
)
def test_delimiters_and_line_endings(data, delimiter, note):
    table = read_csv_table(data)
    assert table.delimiter == delimiter
    assert list(table.frame.columns) == ["x", "y"]
    assert table.frame["x"].tolist() == [1, 3] and table.frame["y"].tolist() == [2, 4]
    assert (note in table.notes) if note else table.notes == ()


def test_byte_order_mark_is_removed_with_a_note():
    table = read_csv_table(b"\xef\xbb\xbfx;y\n1;2\n3;4\n")
    assert list(table.frame.columns) == ["x", "y"]  # not "\ufeffx"
    assert table.encoding == "utf-8-sig"
    assert "Removed the byte-order mark (BOM) at the start of the file." in table.notes


def test_latin1_file_parses_with_a_note():
    data = "température,durée\n20,5\n21,6\n".encode("latin-1")
    table = read_csv_table(data)
    assert list(table.frame.columns) == ["température", "durée"]
    assert table.encoding == "cp1252"
    assert any("not in UTF-8" in note and "save the file as 'CSV UTF-8'" in note for note in table.notes)
    # Bytes that Windows-1252 leaves undefined fall through to Latin-1 itself.
    table = read_csv_table(b"x,y\n1,\x81z\n")
    assert table.encoding == "latin-1" and table.frame["y"].tolist() == ["\x81z"]
    assert any("Latin-1" in note for note in table.notes)


def test_utf16_from_excel_unicode_text():
    table = read_csv_table("x\ty\n1\t2\n3\t4\n".encode("utf-16"))
    assert table.encoding == "utf-16" and table.frame.shape == (2, 2)
    assert any("UTF-16" in note for note in table.notes)


def test_sources_bytes_stream_and_path_agree(tmp_path):
    data = b"x,y\n1,2.5\n3,4\n"
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    stream = io.BytesIO(data)
    stream.read()  # already consumed, as after a previous rerun: read again from the start
    for source in (data, bytearray(data), memoryview(data), stream, path, str(path)):
        pd.testing.assert_frame_equal(read_csv_table(source).frame, read_csv_table(data).frame)
    with open(path) as text_mode:
        assert read_csv_table(text_mode).frame.shape == (2, 2)


def test_column_types_missing_tokens_and_decimal_commas():
    table = table_of("a,b,c,d,e\n1,1.5,x,,NA\n2,,y,,n/a\n3,-2e3,z,,?\n")
    frame = table.frame
    assert frame["a"].dtype == np.int64 and frame["a"].tolist() == [1, 2, 3]
    assert frame["b"].dtype == np.float64 and np.isnan(frame["b"][1]) and frame["b"][2] == -2000.0
    assert frame["c"].tolist() == ["x", "y", "z"]
    assert frame["d"].isna().all() and frame["e"].isna().all()
    table = read_csv_table(b"x;y\n1,5;2\n-3,25;4\n")
    assert table.frame["x"].tolist() == [1.5, -3.25]
    assert "Column 'x' uses decimal commas (e.g. '1,5'); they were read as decimal points." in table.notes
    # In a comma-separated file a quoted "1,5" is ambiguous (thousands?), so it stays text.
    assert table_of('x,y\n"1,5",2\n3,4\n').frame["x"].tolist() == ["1,5", "3"]


def test_header_that_is_all_numbers_is_data():
    table = table_of("1,2\n3,4\n")
    assert list(table.frame.columns) == ["column_1", "column_2"]
    assert table.frame["column_1"].tolist() == [1, 3]
    assert table.line_numbers == (1, 2)


def test_names_blank_lines_trailing_separators_and_short_rows():
    table = table_of(" x ,,z,\n\n1,2,3,\n\n4,5\n")
    assert list(table.frame.columns) == ["x", "column_2", "z"]
    assert table.line_numbers == (3, 5)
    assert table.frame["z"].isna().tolist() == [False, True]
    assert "Spaces around column names were removed." in table.notes
    assert "Columns without a name were called 'column_2'." in table.notes
    assert "1 row had fewer cells than the header; the missing cells were left empty." in table.notes


def test_table_is_frozen_and_checks_its_fields():
    table = table_of("x,y\n1,2\n")
    with pytest.raises(AttributeError):
        table.notes = ()
    with pytest.raises(ValueError, match="line_numbers has 1 entries for 2 rows"):
        Table(pd.DataFrame({"x": [1, 2]}), line_numbers=[2])
    with pytest.raises(TypeError, match="pandas DataFrame"):
        Table([[1, 2]])


# ---------------------------------------------------------------------------------------------
# Hostile content stays inert data
# ---------------------------------------------------------------------------------------------


def test_hostile_names_and_cells_come_back_unchanged():
    names = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "<img src=x onerror=alert(1)>", "@x"]
    rows = [names] + [[text, text, str(i), text] for i, text in enumerate(HOSTILE)]
    table = read_csv_table(csv_bytes(rows))
    assert table.delimiter == ","  # the | inside a cell does not fool delimiter detection
    assert list(table.frame.columns) == names
    for name in (names[0], names[1], names[3]):
        assert table.frame[name].tolist() == HOSTILE
        assert all(isinstance(cell, str) for cell in table.frame[name])
    assert table.frame[names[2]].tolist() == list(range(len(HOSTILE)))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_hostile_cells_survive_every_delimiter(delimiter):
    rows = [["a", "b"]] + [[text, "1"] for text in HOSTILE]
    table = read_csv_table(csv_bytes(rows, delimiter=delimiter))
    assert table.frame["a"].tolist() == HOSTILE


def test_hostile_column_names_in_messages_are_display_safe():
    data = csv_bytes([["y\r\n<b>", "a" * 500], ["p\x1b[2J", "x"], ["q", "y"]])
    table = read_csv_table(data)
    with pytest.raises(TableError) as error:
        design_from_table(table, "y\r\n<b>", ["a" * 500])
    message = str(error.value)
    assert not any(ch in message for ch in "\r\n\x1b") and "a" * 50 not in message
    # The quoted header spans lines 1-2 of the file, so the first data row is line 3.
    assert "The target 'y <b>' has 2 non-numeric cells, e.g. 'p[2J' on line 3." in message
    assert "The feature '" + "a" * 39 + "…' has 2 non-numeric cells" in message


def test_safe_label_strips_control_characters_and_truncates():
    assert safe_label("a\tb\r\nc\x00d\x07e\x1b[31m") == "a b cde[31m"
    assert safe_label("\u202eexe.txt\u200b") == "exe.txt"  # bidi override and zero-width space removed
    assert safe_label("  spaced   out  ") == "spaced out"
    assert (
        safe_label("<img src=x onerror=alert(1)>") == "<img src=x onerror=alert(1)>"
    )  # escaping is the UI's
    assert safe_label("x" * 100) == "x" * 59 + "…"
    assert safe_label("abcdef", max_len=4) == "abc…"
    assert safe_label("abcd", max_len=4) == "abcd"
    assert safe_label("") == safe_label(None) == safe_label("\x00\n\t") == "(blank)"
    assert safe_label("", max_len=4) == "(bl…"
    assert safe_label(3.5) == "3.5"
    with pytest.raises(ValueError, match="max_len must be at least 2"):
        safe_label("x", max_len=1)


@given(st.text(max_size=300), st.integers(2, 80))
@settings(max_examples=200, deadline=None)
def test_safe_label_is_always_one_short_visible_line(text, max_len):
    label = safe_label(text, max_len)
    assert 1 <= len(label) <= max_len
    assert not any(ch.isspace() and ch != " " for ch in label)
    assert label == label.strip()


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,1)", "'@SUM(1,1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("-2e-3", "-2e-3"),
        ("hello", "hello"),
        ("a=b", "a=b"),
        ("", ""),
        (-1.5, -1.5),
        (-3, -3),
        (None, None),
    ],
)
def test_csv_safe_cell(cell, safe):
    assert csv_safe_cell(cell) == safe


def test_to_safe_csv_neutralizes_formulas_but_keeps_numbers():
    frame = pd.DataFrame(
        {
            "=HEADER()": ["=cmd|' /C calc'!A0", "@x", "plain", "-1"],
            "value": [-1.5, 2.0, -3.0, np.nan],
            "count": [-1, 2, 3, 4],
        }
    )
    text = to_safe_csv(frame)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["'=HEADER()", "value", "count"]
    assert [row[0] for row in rows[1:]] == ["'=cmd|' /C calc'!A0", "'@x", "plain", "-1"]
    assert [row[1] for row in rows[1:]] == ["-1.5", "2.0", "-3.0", ""]
    assert [row[2] for row in rows[1:]] == ["-1", "2", "3", "4"]
    assert frame.columns[0] == "=HEADER()"  # the input is not modified
    # Exporting an uploaded hostile table: no cell starts a formula, numbers read back as numbers.
    table = read_csv_table(csv_bytes([["name", "x"]] + [[text, str(-i)] for i, text in enumerate(HOSTILE)]))
    back = read_csv_table(to_safe_csv(table).encode())
    assert back.frame["x"].tolist() == [-i for i in range(len(HOSTILE))]
    assert not any(
        cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) for cell in back.frame["name"]
    )
    # A CR or LF inside a cell is quoted, so it cannot start a new row (and a formula) in a spreadsheet.
    text = to_safe_csv(pd.DataFrame({"a": ["x\r=cmd|' /C calc'!A0", "y\n@z"], "b": [1, 2]}))
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b"],
        ["x\r=cmd|' /C calc'!A0", "1"],
        ["y\n@z", "2"],
    ]
    with pytest.raises(TypeError, match="Table or a pandas DataFrame"):
        to_safe_csv([[1]])


# ---------------------------------------------------------------------------------------------
# Which columns are numbers
# ---------------------------------------------------------------------------------------------


def test_numeric_columns_reasons_and_caveats():
    table = table_of(
        "x,name,price,mixed,empty,const,gaps\n"
        "1,ann,$3,1,,7,1\n"
        "2,bob,$4,2,,7,\n"
        "3,cid,5,3,,7,inf\n"
        "4,dan,6,abc,,7,4\n"
    )
    report = numeric_columns(table)
    assert isinstance(report, NumericColumns)
    assert report.usable == ("x", "const", "gaps")
    assert report.unusable["name"] == "has 4 non-numeric cells, e.g. 'ann' on line 2"
    assert report.unusable["mixed"] == "has 1 non-numeric cell, e.g. 'abc' on line 5"
    assert report.unusable["price"].startswith(
        "has 2 non-numeric cells, e.g. '$3' on line 2 (write plain numbers"
    )
    assert report.unusable["empty"] == "has no numbers: every cell is empty"
    assert report.caveats == {
        "const": "has the same value (7) in every row",
        "gaps": "has 1 missing value and has 1 infinite value",
    }


def test_numeric_columns_of_a_plain_dataframe_counts_rows_from_one():
    frame = pd.DataFrame({"a": ["1", "2", "x"], "b": [1.0, 2.0, 3.0], "t": pd.to_datetime(["2020"] * 3)})
    report = numeric_columns(frame)
    assert report.usable == ("b",)
    assert report.unusable["a"] == "has 1 non-numeric cell, e.g. 'x' on row 3"
    assert report.unusable["t"] == "holds dates or times, not numbers"


# ---------------------------------------------------------------------------------------------
# Design matrix
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    n = 30
    x1 = rng.normal(100.0, 10.0, n)
    x2 = rng.normal(0.0, 0.01, n)
    y = 2.0 + 0.5 * x1 - 30.0 * x2 + rng.normal(0, 0.1, n)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "y": y, "name": [f"p{i}" for i in range(n)]})
    frame["twin"] = frame["x1"]
    frame["copy_of_y"] = frame["y"]
    frame["const"] = 5.0
    return read_csv_table(frame.to_csv(index=False).encode())


def test_design_shapes_names_and_values(table):
    design = design_from_table(table, "y", ["x1", "x2"], intercept=True)
    assert isinstance(design, Design)
    assert design.X.shape == (30, 3) and design.y.shape == (30,)
    assert design.feature_names == ("intercept", "x1", "x2") and design.target_name == "y"
    np.testing.assert_array_equal(design.X[:, 0], 1.0)
    np.testing.assert_allclose(design.X[:, 1:], table.frame[["x1", "x2"]].to_numpy())
    np.testing.assert_allclose(design.y, table.frame["y"].to_numpy())
    assert not design.standardized and design.n_dropped == 0 and design.rank == 3
    np.testing.assert_array_equal(design.means, 0.0)
    np.testing.assert_array_equal(design.scales, 1.0)
    assert design.condition_number == design.condition_number_raw
    np.testing.assert_allclose(design.condition_number, np.linalg.cond(design.X) ** 2, rtol=1e-8)
    single = design_from_table(table, "y", "x1")  # one name is accepted as a string
    assert single.feature_names == ("x1",) and single.X.shape == (30, 1)


def test_standardization_improves_conditioning_and_maps_back(table):
    raw = design_from_table(table, "y", ["x1", "x2"], intercept=True)
    std = design_from_table(table, "y", ["x1", "x2"], intercept=True, standardize=True)
    F = table.frame[["x1", "x2"]].to_numpy()
    np.testing.assert_allclose(std.means, F.mean(axis=0))
    np.testing.assert_allclose(std.scales, F.std(axis=0))
    np.testing.assert_allclose(std.X[:, 1:].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(std.X[:, 1:].std(axis=0), 1.0)
    assert std.condition_number_raw == pytest.approx(raw.condition_number)
    np.testing.assert_allclose(std.condition_number, np.linalg.cond(std.X) ** 2, rtol=1e-8)
    assert raw.condition_number > 1e8 and std.condition_number < 10
    assert any(
        note.startswith("Standardized each feature") and f"{raw.condition_number:.3g}" in note
        for note in std.notes
    )
    w_raw = solve_least_squares(raw.X, raw.y, method="qr").coef
    slopes, intercept = std.to_original_units(solve_least_squares(std.X, std.y, method="normal").coef)
    np.testing.assert_allclose(np.r_[intercept, slopes], w_raw, rtol=1e-7)
    identity = raw.to_original_units(w_raw)
    np.testing.assert_allclose(np.r_[identity[1], identity[0]], w_raw)
    with pytest.raises(ValueError, match=r"coef must have shape \(3,\)"):
        raw.to_original_units([1.0, 2.0])


def test_standardize_without_intercept_says_to_add_one(table):
    design = design_from_table(table, "y", ["x1"], standardize=True)
    assert any("Turn on the intercept" in note for note in design.notes)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            dict(target="z", features=["x1"]),
            r"There is no column called 'z'\. Choose the target from: 'x1', 'x2'",
        ),
        (dict(target="y", features=["zz"]), r"There is no column called 'zz'\. Choose features from"),
        (dict(target="y", features=[]), r"Choose at least one feature column to predict 'y' from"),
        (
            dict(target="y", features=["x1", "x2", "twin"], max_features=2),
            r"You chose 3 features; at most 2 are allowed here.*Remove 1 of them",
        ),
        (dict(target="y", features=["x1", "y"]), r"'y' is the target, so it cannot also be a feature"),
        (
            dict(target="name", features=["x1"]),
            r"The target 'name' has 30 non-numeric cells, e.g\. 'p0' on line 2\. Choose numeric columns",
        ),
        (dict(target="y", features=["name", "x1"]), r"The feature 'name' has 30 non-numeric cells"),
        (
            dict(target="y", features=["copy_of_y"]),
            r"The feature 'copy_of_y' is an exact copy of the target 'y'",
        ),
        (
            dict(target="y", features=["const"], standardize=True),
            r"'const' has the same value \(5\) in every row, so its standard deviation is 0 and it cannot "
            r"be standardized",
        ),
        (
            dict(target="y", features=["x1", "const"], intercept=True),
            r"'const' has the same value \(5\) in every row, so it is a multiple of the intercept's column",
        ),
    ],
)
def test_design_errors(table, kwargs, match):
    with pytest.raises(TableError, match=match):
        design_from_table(table, **kwargs)


def test_constant_feature_without_intercept_is_allowed_with_a_note(table):
    design = design_from_table(table, "y", ["x1", "const"])
    assert any("plays the role of one" in note for note in design.notes)


def test_missing_values_refused_or_dropped():
    table = table_of("x,y,z\n1,2,3\n2,,5\n3,6,\n4,8,9\n5,,11\n")
    with pytest.raises(
        TableError,
        match=r"Some chosen columns have empty cells: 'y' has 2 empty cells \(first on line 3\); "
        r"'z' has 1 empty cell \(first on line 4\)\. Fill them in, delete those rows from your file, "
        r"or choose to drop incomplete rows \(3 rows of 5 would be dropped\)\.",
    ):
        design_from_table(table, "y", ["x", "z"])
    design = design_from_table(table, "y", ["x", "z"], drop_missing=True)
    assert design.n_dropped == 3 and design.X.shape == (2, 2)
    np.testing.assert_array_equal(design.rows, [0, 3])
    assert "Dropped 3 rows with empty cells (line 3, line 4, line 6)." in design.notes
    # Only the chosen columns count.
    assert design_from_table(table, "x", ["z"], drop_missing=True).n_dropped == 1
    with pytest.raises(TableError, match=r"Only 1 row of data is left after dropping incomplete rows"):
        design_from_table(table_of("x,y\n1,\n2,3\n,4\n"), "y", ["x"], drop_missing=True)


def test_infinite_huge_and_too_few_rows():
    with pytest.raises(TableError, match=r"'x' has 2 infinite values \(first on line 3\)\. Replace them"):
        design_from_table(table_of("x,y\n1,2\ninf,3\n-Infinity,4\n"), "y", ["x"])
    with pytest.raises(TableError, match=r"'y' has values as large as 1e\+200.*Rescale the column"):
        design_from_table(table_of("x,y\n1,2\n2,1e200\n"), "y", ["x"])
    with pytest.raises(TableError, match=r"Only 1 row of data is left; least squares needs at least 2 rows"):
        design_from_table(table_of("x,y\n1,2\n"), "y", ["x"])


def test_duplicate_and_collinear_features_are_allowed_with_a_lesson(table):
    design = design_from_table(table, "y", ["x1", "twin"], intercept=True)
    assert design.rank == 2 and design.condition_number == np.inf
    assert any(
        "'x1' and 'twin' are identical, so XᵀX is singular (rank deficient)" in note and "SVD" in note
        for note in design.notes
    )
    # The lesson itself: the normal equations refuse, SVD gives the minimum-norm fit.
    with pytest.raises(ValueError, match="no unique solution"):
        solve_least_squares(design.X, design.y, method="normal")
    w = solve_least_squares(design.X, design.y, method="svd").coef
    assert w[1] == pytest.approx(w[2])
    collinear = table_of("a,b,c,y\n1,2,3,1\n2,1,3,2\n3,5,8,2\n4,4,8,5\n")
    design = design_from_table(collinear, "y", ["a", "b", "c"])
    assert any("X has rank 2 < 3 columns" in note for note in design.notes)


def test_more_coefficients_than_rows_and_repeated_feature_notes():
    table = table_of("a,b,c,y\n1,2,4,5\n2,1,7,3\n")
    design = design_from_table(table, "y", ["a", "b", "c", "a"], intercept=True)
    assert design.feature_names == ("intercept", "a", "b", "c")
    assert "'a' was chosen twice as a feature; it is used once." in design.notes
    assert any("fewer rows (2) than coefficients (4)" in note for note in design.notes)


def test_ill_conditioned_note_and_intercept_name_clash():
    table = table_of("intercept,y\n1,1\n2,3\n3,2\n")
    design = design_from_table(table, "y", ["intercept"], intercept=True)
    assert design.feature_names == ("(intercept)", "intercept")
    years = np.arange(1_000_000.0, 1_000_010.0)  # κ(XᵀX) ≈ 1.2e23 with the intercept
    frame = pd.DataFrame({"t": years, "y": np.arange(10.0)})
    design = design_from_table(frame, "y", ["t"], intercept=True)
    assert any(note.startswith("κ(XᵀX) ≈") and "exceeds 1/eps" in note for note in design.notes)


# ---------------------------------------------------------------------------------------------
# Fuzzing: nothing but TableError, whatever the bytes
# ---------------------------------------------------------------------------------------------

FUZZ_TOKENS = [
    *b", ; \t | \n \r\n \r \" ' 1 -2.5 1e3 inf nan NA x =cmd <script> 3,5 sep=;\n".split(b" "),
    *(b" ", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe9", b"\x00", b"\x81", b"\xc3\xa9"),
]
CSVISH = st.lists(st.sampled_from(FUZZ_TOKENS), max_size=60).map(b"".join)


def _exercise(data: bytes):
    try:
        table = read_csv_table(data, max_rows=50, max_columns=10)
    except TableError:
        return
    assert isinstance(table.frame, pd.DataFrame) and table.frame.shape[1] >= 2
    report = numeric_columns(table)
    assert set(report.usable) | set(report.unusable) == set(table.frame.columns)
    columns = list(table.frame.columns)
    for flags in ({}, {"standardize": True, "intercept": True, "drop_missing": True}):
        try:
            design = design_from_table(table, columns[0], columns[1:3], **flags)
        except TableError:
            continue
        assert np.all(np.isfinite(design.X)) and np.all(np.isfinite(design.y))
    to_safe_csv(table)
    for name in columns:
        safe_label(name)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_raise_nothing_but_table_error(data):
    _exercise(data)


@FUZZ
@given(CSVISH)
def test_random_csv_like_bytes_raise_nothing_but_table_error(data):
    _exercise(data)
