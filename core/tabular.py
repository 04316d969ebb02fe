"""Your own data: read a CSV safely, check it, and turn chosen columns into (X, y).

Three steps, each a public function whose error messages are shown to students
verbatim, so every ``TableError`` says what is wrong and how to fix it:

1. :func:`read_csv_table` turns bytes, an upload or a path into a :class:`Table`.
   The file is parsed by Python's :mod:`csv` module into plain strings; nothing
   is evaluated, no formula is interpreted, and a column is converted to numbers
   only when every non-empty cell is a plain number.
2. :func:`numeric_columns` says which columns can serve as numbers, and why the
   others cannot ("has 3 non-numeric cells, e.g. 'abc' on line 5").
3. :func:`design_from_table` builds the design matrix X and target y, with
   optional standardization and intercept, and reports κ(XᵀX) before and after.

Row positions in messages are *file lines* (the header is line 1), which is
what a student sees when opening the file in an editor or a spreadsheet.

Hostile content (HTML, script, spreadsheet formulas, control characters) is
kept as inert data. :func:`safe_label` makes a display-safe one-line label
(the UI still escapes HTML) and :func:`to_safe_csv` exports without formula
injection (OWASP: text cells starting with ``= + - @`` tab or CR get a ``'``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import check_int

__all__ = [
    "Design",
    "NumericColumns",
    "Table",
    "TableError",
    "csv_safe_cell",
    "design_from_table",
    "numeric_columns",
    "read_csv_table",
    "safe_label",
    "to_safe_csv",
]

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe (|)"}
_DELIMITER_PLURALS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
# Cells that mean "no value" in files exported by Excel, R, pandas, SAS/Stata and UCI.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "<na>", "?", "."})
INTERCEPT_NAME = "intercept"
# |x| above this overflows float64 once squared and summed in XᵀX (1e308 is the ceiling).
MAX_ABS_VALUE = 1e100
_SAMPLE_CHARS = 64_000
# Share of control characters (other than tab, CR, LF) above which "text" is really binary.
_MAX_CONTROL_SHARE = 0.05
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
# Unambiguous alternatives, so a 100 kB cell of digits cannot make the regex backtrack for ever.
_PLAIN_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
# Looks like a number dressed up: "12%", "$1,234", "3.5 kg", "(12)". Only tried on short
# cells: its nested repeats backtrack quadratically on long ones.
_NUMBER_WITH_EXTRAS = re.compile(r"\s*[$€£¥(+-]*\s*[\d.,' ]*\d[\d.,' ]*\s*(?:%|[a-zA-Zµ°²³/]{1,5})?\)?\s*")
_SEP_LINE = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)
_MAGIC = (
    (b"PK\x03\x04", "a zip archive or an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_SAVE_AS_CSV = "Open it in your spreadsheet program and use Save As → 'CSV UTF-8 (comma delimited)'."
# OWASP CSV injection: a text cell starting with one of these is a formula to Excel/LibreOffice.
# LF is not on OWASP's list; prefixing it too costs nothing.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


class TableError(ValueError):
    """A file or a choice of columns that cannot be used; the message says why and how to fix it."""


# ---------------------------------------------------------------------------------------------
# Display and export safety
# ---------------------------------------------------------------------------------------------


def safe_label(text, max_len=60) -> str:
    """Return a single-line, control-character-free label of at most ``max_len`` characters.

    Whitespace runs (including tabs and line breaks) become one space; control
    and format characters (C0/C1 controls, zero-width and bidi-override marks)
    are removed; a longer label is cut and ends with "…". HTML is left as is:
    the caller must still escape it (Streamlit does for plain text).

    Parameters
    ----------
    text : object
        Anything; it is converted with ``str``. ``None`` counts as empty.
    max_len : int, default=60
        Maximum length of the result, at least 2.

    Returns
    -------
    str
        The label; ``"(blank)"`` (cut to ``max_len``) when nothing visible is
        left, so a label is never invisible.

    Examples
    --------
    >>> safe_label("a\\tb\\r\\n=c\\x00d")
    'a b =cd'
    >>> safe_label("x" * 100, max_len=10)
    'xxxxxxxxx…'
    """
    max_len = check_int("max_len", max_len, minimum=2)
    text = "" if text is None else str(text)
    out: list[str] = []
    pending_space = False
    # Walk only as far as needed: a 100 kB cell must not cost 100 kB of work per label.
    for ch in text:
        if ch.isspace():
            pending_space = bool(out)
            continue
        if unicodedata.category(ch)[0] == "C":
            continue
        if pending_space:
            out.append(" ")
            pending_space = False
        out.append(ch)
        if len(out) > max_len:
            break
    if not out:
        out = list("(blank)")
    if len(out) > max_len:
        return "".join(out[: max_len - 1]).rstrip() + "…"
    return "".join(out)


def csv_safe_cell(value):
    """Neutralize spreadsheet formula injection in one exported cell.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF (after
    any leading spaces) gets a leading ``'``, so Excel and LibreOffice show it
    as text instead of running it (OWASP "CSV Injection"). Numbers, and text
    that is just a plain number such as ``"-1.5"``, are returned unchanged.

    Parameters
    ----------
    value : object

    Returns
    -------
    object
        ``value``, or ``"'" + value`` for a risky text cell.

    Examples
    --------
    >>> csv_safe_cell("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> csv_safe_cell(-1.5), csv_safe_cell("-1.5"), csv_safe_cell("-x")
    (-1.5, '-1.5', "'-x")
    """
    if not isinstance(value, str):
        return value
    head = value.lstrip(" ")
    if head.startswith(_FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_safe_csv(data) -> str:
    """Write a table as CSV text that spreadsheets will not execute.

    Every text cell and every column name passes through :func:`csv_safe_cell`;
    numeric columns are written as numbers (negative numbers stay numeric).
    Cells holding the delimiter, quotes, CR or LF are quoted by the :mod:`csv`
    rules, so a cell cannot break the row structure to start a formula either.

    Parameters
    ----------
    data : Table or pandas.DataFrame

    Returns
    -------
    str
        CSV text (CRLF line ends, RFC 4180) with a header row and no index column.
    """
    frame = data.frame if isinstance(data, Table) else data
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"to_safe_csv needs a Table or a pandas DataFrame, got {type(data).__name__}.")
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)):
            safe[name] = column.map(csv_safe_cell).astype(object)
    safe.columns = [csv_safe_cell(str(name)) for name in safe.columns]
    # CRLF line ends (RFC 4180) also make the csv writer quote any cell holding a bare CR,
    # which would otherwise start a new row, and so a new first cell, in a spreadsheet.
    return safe.to_csv(index=False, lineterminator="\r\n")


def _q(name, max_len=40) -> str:
    """Quote a column name or cell for a message, display-safe."""
    return "'" + safe_label(name, max_len) + "'"


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Table:
    """A table read from a CSV file (or wrapped around a DataFrame).

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per header name. A column whose every non-empty cell is a
        plain number is numeric (float64, or int64 when all whole and complete;
        empty cells are NaN); every other column holds the cells' text exactly
        as written in the file. Treat it as read-only.
    notes : tuple of str
        What was adjusted while reading (encoding, delimiter, renamed columns...),
        each a sentence to show the user.
    line_numbers : tuple of int or None
        File line of each row of ``frame`` (the header is line 1), used in
        messages; ``None`` for a table built from a DataFrame (rows are then
        counted from 1).
    encoding : str
        Text encoding the file was read with.
    delimiter : str
        Column separator that was used.
    """

    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    line_numbers: tuple[int, ...] | None = None
    encoding: str = "utf-8"
    delimiter: str = ","

    def __post_init__(self):
        if not isinstance(self.frame, pd.DataFrame):
            raise TypeError(f"Table.frame must be a pandas DataFrame, got {type(self.frame).__name__}.")
        object.__setattr__(self, "notes", tuple(self.notes))
        if self.line_numbers is not None:
            object.__setattr__(self, "line_numbers", tuple(self.line_numbers))
            if len(self.line_numbers) != len(self.frame):
                raise ValueError(
                    f"Table.line_numbers has {len(self.line_numbers)} entries for {len(self.frame)} rows."
                )

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> tuple:
        return tuple(self.frame.columns)

    def where(self, position: int) -> str:
        """Human wording for the row at ``position`` (0-based) in ``frame``."""
        if self.line_numbers is not None:
            return f"line {self.line_numbers[position]}"
        return f"row {position + 1}"


def read_csv_table(source, *, max_bytes=5_000_000, max_rows=100_000, max_columns=200) -> Table:
    """Read a CSV file into a :class:`Table`, refusing bad files with a clear message.

    The delimiter (comma, semicolon, tab or ``|``) is detected with
    :class:`csv.Sniffer` on the first 64 kB, checked against the row lengths,
    and otherwise chosen as the candidate giving the most consistent columns;
    an Excel ``sep=;`` first line is honoured. The text encoding is UTF-8
    (a byte-order mark is removed), UTF-16 when the file starts with its
    byte-order mark (Excel's "Unicode text"), else Windows-1252, else Latin-1;
    a note says so when it is not UTF-8. Cells stay plain strings: nothing
    is evaluated and formulas are not interpreted. Blank lines are skipped,
    spaces around column names are removed, nameless columns are named
    ``column_<n>`` (or dropped when empty: a trailing separator), a first
    line of only numbers is taken as data, and short rows are padded with
    empty cells; each adjustment adds a note.

    Parameters
    ----------
    source : bytes, file-like or path
        File contents, an object with ``read()`` (such as Streamlit's upload;
        read from the start when it can seek), or a filesystem path.
    max_bytes : int, default=5_000_000
        Largest file accepted, in bytes (5 MB).
    max_rows : int, default=100_000
        Largest number of data rows accepted.
    max_columns : int, default=200
        Largest number of columns accepted.

    Returns
    -------
    Table

    Raises
    ------
    TableError
        For an empty file, a header without data, a single column, a file
        above a cap, binary or unreadable content, duplicate column names, or
        a row with more cells than the header.
    """
    max_bytes = check_int("max_bytes", max_bytes, minimum=1)
    max_rows = check_int("max_rows", max_rows, minimum=1)
    max_columns = check_int("max_columns", max_columns, minimum=2)
    data = _read_bytes(source, max_bytes)
    text, encoding, notes = _decode(data)
    return _parse(text, encoding, notes, max_rows=max_rows, max_columns=max_columns)


def _size_text(n_bytes: int) -> str:
    if n_bytes >= 100_000:
        return f"{n_bytes / 1e6:.3g} MB"
    return f"{n_bytes / 1e3:.3g} kB" if n_bytes >= 1000 else f"{n_bytes} bytes"


def _too_large(size: int | None, max_bytes: int) -> TableError:
    cap = _size_text(max_bytes)
    if size is None:
        said = "The file is larger than"
    elif _size_text(size) == cap:  # "5 MB, over the 5 MB limit" would read as a contradiction
        said = f"The file is {size:,} bytes, over"
    else:
        said = f"The file is {_size_text(size)}, over"
    return TableError(
        f"{said} the {cap} limit. Upload a smaller file: keep only the columns you need, "
        "or a sample of the rows."
    )


def _read_bytes(source, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return data
    if isinstance(source, str | os.PathLike):
        try:
            size = os.path.getsize(source)
            if size > max_bytes:
                raise _too_large(size, max_bytes)
            with open(source, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as error:
            raise TableError(f"Could not open the file {_q(os.fspath(source))}: {error.strerror}.") from None
    elif hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        data = source.read(max_bytes + 1)
        if isinstance(data, str):  # a file opened in text mode
            data = data.encode("utf-8")
        if not isinstance(data, bytes | bytearray):
            raise TypeError(f"source.read() returned {type(data).__name__}, expected bytes.")
        data = bytes(data)
    else:
        raise TypeError(f"source must be bytes, a file-like object or a path, got {type(source).__name__}.")
    if len(data) > max_bytes:
        size = getattr(source, "size", None)
        raise _too_large(size if isinstance(size, int) else None, max_bytes)
    return data


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    notes: list[str] = []
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise TableError(f"This file is {kind}, not a CSV text file. {_SAVE_AS_CSV}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise TableError(
                f"This file starts like UTF-16 text but could not be decoded. {_SAVE_AS_CSV}"
            ) from None
        notes.append("The file is in UTF-16 (as Excel's 'Unicode text' saves); it was read as such.")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            # Excel's "CSV UTF-8" starts with a byte-order mark that would otherwise glue
            # itself to the first column name.
            data = data[3:]
            notes.append("Removed the byte-order mark (BOM) at the start of the file.")
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Windows-1252 first: it is what Excel writes on Western Windows, and it reads
            # the curly quotes and € that Latin-1 would turn into invisible controls.
            try:
                text, encoding, name = data.decode("cp1252"), "cp1252", "Windows-1252"
            except UnicodeDecodeError:
                text, encoding, name = data.decode("latin-1"), "latin-1", "Latin-1 (ISO-8859-1)"
            notes.append(
                f"The file is not in UTF-8, so it was read as {name}. If accented letters look "
                "wrong, save the file as 'CSV UTF-8' and upload it again."
            )
    if not text.strip():
        raise TableError(
            "The file is empty. Choose a CSV file with a header row of column names "
            "and at least two rows of numbers."
        )
    if "\x00" in text or _looks_binary(text[:_SAMPLE_CHARS]):
        raise TableError(
            "This file does not look like text: it contains binary data, so it is not a CSV file "
            f"(or it is damaged). {_SAVE_AS_CSV}"
        )
    return text, encoding, notes


def _looks_binary(text: str) -> bool:
    # A stray control character or two is a damaged text file, not a binary one.
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    return controls > max(2, _MAX_CONTROL_SHARE * len(text))


def _rows(text: str, delimiter: str):
    # newline="" hands CR/LF handling to the csv module, which knows about quoted line breaks.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)


def _is_blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def _score(sample: str, delimiter: str) -> tuple[float, int]:
    """(share of rows as wide as the header, header width) for a candidate delimiter."""
    try:
        widths = [len(row) for row in _rows(sample, delimiter) if not _is_blank(row)]
    except csv.Error:
        return (0.0, 0)
    if not widths or widths[0] < 2:
        return (0.0, widths[0] if widths else 0)
    return (sum(w == widths[0] for w in widths) / len(widths), widths[0])


def _detect_delimiter(text: str) -> str:
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # no half line at the end of the sample
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except Exception:  # the Sniffer is a heuristic on arbitrary text; the fallback below decides
        sniffed = None
    if sniffed in DELIMITERS:
        consistency, width = _score(sample, sniffed)
        if consistency == 1.0 and width >= 2:
            return sniffed
    # Fallback: the candidate whose rows agree best with the header, then the widest.
    scores = {d: _score(sample, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best][1] >= 2 else ","


def _parse(text: str, encoding: str, notes: list[str], *, max_rows: int, max_columns: int) -> Table:
    skip_first = False
    sep_line = _SEP_LINE.match(text)
    if sep_line and sep_line.group(1) in DELIMITERS:
        # Excel's "sep=;" hint line: it names the delimiter and is not part of the data.
        delimiter, skip_first = sep_line.group(1), True
    else:
        delimiter = _detect_delimiter(text)
    if delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_PLURALS[delimiter]}.")

    reader = _rows(text, delimiter)
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    n_short = 0
    try:
        for row in reader:
            if skip_first:
                skip_first = False
                continue
            if _is_blank(row):
                continue
            if header is None:
                header, header_line = row, reader.line_num
                if len(header) > max_columns:
                    raise TableError(
                        f"The file has {len(header)} columns; the limit is {max_columns}. "
                        "Keep only the columns you need and upload it again."
                    )
                continue
            if len(row) > len(header):
                if _is_blank(row[len(header) :]):
                    row = row[: len(header)]  # trailing separators only
                else:
                    decimal_hint = (
                        "; a decimal comma (3,5) in a comma-separated file must be written 3.5 "
                        "or put in quotes"
                        if delimiter == ","
                        else ""
                    )
                    raise TableError(
                        f"Line {reader.line_num} has {len(row)} cells but the header names "
                        f"{len(header)} columns. Check that line for an extra "
                        f"{_DELIMITER_NAMES[delimiter]}{decimal_hint}."
                    )
            elif len(row) < len(header):
                n_short += 1
                row = row + [""] * (len(header) - len(row))
            rows.append(row)
            lines.append(reader.line_num)
            if len(rows) > max_rows:
                raise TableError(
                    f"The file has more than {max_rows:,} rows of data; the limit is {max_rows:,}. "
                    "Upload a sample of the rows (least squares needs far fewer to teach)."
                )
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise TableError(
                f"Near line {reader.line_num}, a cell is longer than {csv.field_size_limit():,} "
                'characters. This is usually a missing closing quote mark ("); fix it or shorten the cell.'
            ) from None
        raise TableError(
            f"The file could not be read as CSV near line {reader.line_num} ({error}). "
            f"Check the quote marks there, or {_SAVE_AS_CSV[0].lower() + _SAVE_AS_CSV[1:]}"
        ) from None

    if header is None:  # only separators and spaces
        raise TableError(
            "The file is empty: it holds only separators and blank cells. Choose a CSV file with a "
            "header row of column names and at least two rows of numbers."
        )
    if len(header) >= 2 and all(_PLAIN_NUMBER.fullmatch(cell) for cell in header):
        # No header row: the first line is data. Keep it and name the columns.
        rows.insert(0, header)
        lines.insert(0, header_line)
        header = [""] * len(header)
        notes.append(
            "The first line holds only numbers, so it was read as data; columns are named column_1, …"
        )
        if len(rows) > max_rows:
            raise TableError(f"The file has more than {max_rows:,} rows of data; the limit is {max_rows:,}.")
    if not rows:
        names = ", ".join(_q(name, 20) for name in header[:5]) + (", …" if len(header) > 5 else "")
        raise TableError(
            f"The file has a header row ({names}) but no data below it. "
            "Add at least two rows of numbers under the column names."
        )
    if n_short:
        notes.append(
            f"{n_short} row{'s' if n_short > 1 else ''} had fewer cells than the header; "
            "the missing cells were left empty."
        )

    names, keep = _column_names(header, rows, notes)
    if len(names) < 2:
        raise TableError(
            f"Only one column was found ({_q(names[0] if names else header[0])}), so there is nothing "
            "to predict it from. A CSV needs at least two columns separated by commas, semicolons, "
            "tabs or |. If your file uses another separator, change it to commas."
        )
    raw = pd.DataFrame(rows, dtype=object)
    raw = raw.iloc[:, keep]
    raw.columns = names
    frame = pd.DataFrame({name: _convert(raw[name], name, delimiter, notes) for name in names})
    return Table(frame, tuple(notes), tuple(lines), encoding, delimiter)


def _column_names(header: list[str], rows: list[list[str]], notes: list[str]) -> tuple[list[str], list[int]]:
    """Clean header names, drop nameless empty columns, refuse duplicates."""
    stripped = [name.strip() for name in header]
    keep = [
        j
        for j, name in enumerate(stripped)
        if name or any(row[j].strip() for row in rows)  # nameless and empty: a trailing separator
    ]
    names: list[str] = []
    taken = {stripped[j] for j in keep}
    renamed = []
    for j in keep:
        name = stripped[j]
        if not name:
            name = f"column_{j + 1}"
            while name in taken:
                name += "_"
            taken.add(name)
            renamed.append(name)
        names.append(name)
    if renamed and any(stripped):
        notes.append(f"Columns without a name were called {', '.join(_q(n) for n in renamed[:5])}.")
    if any(a != b for a, b in zip(stripped, header, strict=True)):
        notes.append("Spaces around column names were removed.")
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise TableError(
                f"The column name {_q(name)} appears more than once (columns {seen[name]} and {position}). "
                "Give each column a different name in the header row."
            )
        seen[name] = position
    return names, keep


def _parse_cells(cells: Sequence[str], give_up=None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Numbers, missing mask and not-a-number mask for a sequence of text cells.

    Returns None as soon as ``give_up(text)`` is true for a non-numeric cell: one such cell
    settles that a column is text, and reading 100 000 more would be wasted work.
    """
    cells = [str(cell) for cell in cells]
    # Fast path for the common all-numbers column: numpy runs float() in C. float() also
    # accepts "1_000" and non-ASCII digits, which students never mean; those take the slow path.
    joined = "".join(cells)
    if joined.isascii() and "_" not in joined:
        try:
            values = np.array(cells, dtype=np.float64)
        except ValueError:
            pass
        else:
            return values, np.isnan(values), np.zeros(len(cells), dtype=bool)
    numbers: list[float] = []
    missing: list[bool] = []
    bad: list[bool] = []
    nan = float("nan")
    for cell in cells:
        text = cell.strip()
        value, is_missing, is_bad = nan, False, False
        if text.lower() in MISSING_TOKENS:
            is_missing = True
        elif text.isascii() and "_" not in text:
            try:
                value = float(text)
            except ValueError:
                is_bad = True
            else:
                is_missing = value != value  # "+nan" and the like
        else:
            is_bad = True
        if is_bad and give_up is not None and give_up(text):
            return None
        numbers.append(value)
        missing.append(is_missing)
        bad.append(is_bad)
    return np.array(numbers, dtype=np.float64), np.array(missing, dtype=bool), np.array(bad, dtype=bool)


def _convert(column: pd.Series, name: str, delimiter: str, notes: list[str]) -> pd.Series:
    """A numeric column when every non-empty cell is a number, else the text unchanged."""
    cells = column.tolist()
    # Only a decimal comma in a file not separated by commas can still make a bad cell a number.
    parsed = _parse_cells(cells, give_up=lambda text: delimiter == "," or not _DECIMAL_COMMA.fullmatch(text))
    if parsed is None:
        return pd.Series(cells, dtype=object).astype(str)
    values, missing, bad = parsed
    if bad.any() and delimiter != ",":
        # "3,5" is how much of Europe writes 3.5; such files use ; or tab as the separator.
        comma = [_DECIMAL_COMMA.fullmatch(str(cells[i]).strip()) for i in np.flatnonzero(bad)]
        if all(comma):
            example = str(cells[int(np.flatnonzero(bad)[0])]).strip()
            values[bad] = [float(m.group(0).replace(",", ".")) for m in comma]
            bad[:] = False
            notes.append(
                f"Column {_q(name)} uses decimal commas (e.g. {_q(example)}); "
                "they were read as decimal points."
            )
    if bad.any():
        return pd.Series(cells, dtype=object).astype(str)
    whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2.0**53)
    if not missing.any() and whole.all():
        return pd.Series(values.astype(np.int64))
    return pd.Series(values)


# ---------------------------------------------------------------------------------------------
# Which columns are numbers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NumericColumns:
    """Result of :func:`numeric_columns`.

    Attributes
    ----------
    usable : tuple
        Names of the columns that can be used as numbers, in table order.
    unusable : Mapping
        For every other column, the reason, e.g.
        ``"has 3 non-numeric cells, e.g. 'abc' on line 5"``.
    caveats : Mapping
        For usable columns that need care before fitting: missing or infinite
        values, or a constant value.
    """

    usable: tuple
    unusable: Mapping = field(default_factory=dict)
    caveats: Mapping = field(default_factory=dict)


def _as_table(table) -> Table:
    if isinstance(table, Table):
        return table
    if isinstance(table, pd.DataFrame):
        return Table(table)
    raise TypeError(f"Expected a Table or a pandas DataFrame, got {type(table).__name__}.")


def _column_numbers(table: Table, name) -> tuple[np.ndarray | None, str]:
    """(values as float, "") or (None, reason) for one column."""
    column = table.frame[name]
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    elif pd.api.types.is_datetime64_any_dtype(column) or isinstance(column.dtype, pd.PeriodDtype):
        return None, "holds dates or times, not numbers"
    else:
        cells = ["" if pd.isna(cell) else cell for cell in column.tolist()]
        values, _, bad = _parse_cells(cells)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            count = int(bad.sum())
            hint = ""
            if len(str(cells[first])) <= 40 and _NUMBER_WITH_EXTRAS.fullmatch(str(cells[first])):
                hint = " (write plain numbers such as 3.5, without units, % or thousands separators)"
            plural = "cells" if count > 1 else "cell"
            return None, (
                f"has {count} non-numeric {plural}, e.g. {_q(cells[first], 30)} on {table.where(first)}{hint}"
            )
    if np.isnan(values).all():
        return None, "has no numbers: every cell is empty"
    return values, ""


def numeric_columns(table) -> NumericColumns:
    """Say which columns of a table can be used as numbers, and why the others cannot.

    Parameters
    ----------
    table : Table or pandas.DataFrame

    Returns
    -------
    NumericColumns
        ``usable`` names, ``unusable`` reasons and ``caveats`` for usable
        columns with missing, infinite or constant values.

    Examples
    --------
    >>> t = read_csv_table(b"x,name\\n1,ann\\n2,bob\\n")
    >>> report = numeric_columns(t)
    >>> report.usable, report.unusable["name"]
    (('x',), "has 2 non-numeric cells, e.g. 'ann' on line 2")
    """
    table = _as_table(table)
    usable, unusable, caveats = [], {}, {}
    for name in table.frame.columns:
        values, reason = _column_numbers(table, name)
        if values is None:
            unusable[name] = reason
            continue
        usable.append(name)
        problems = []
        n_missing = int(np.isnan(values).sum())
        n_inf = int(np.isinf(values).sum())
        if n_missing:
            problems.append(f"has {n_missing} missing value{'s' if n_missing > 1 else ''}")
        if n_inf:
            problems.append(f"has {n_inf} infinite value{'s' if n_inf > 1 else ''}")
        finite = values[np.isfinite(values)]
        if finite.size and not n_inf and np.all(finite == finite[0]):
            problems.append(f"has the same value ({finite[0]:g}) in every row")
        if problems:
            caveats[name] = " and ".join(problems)
    return NumericColumns(tuple(usable), unusable, caveats)


# ---------------------------------------------------------------------------------------------
# Design matrix
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Design:
    """A design matrix and target built from table columns by :func:`design_from_table`.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        Features (standardized if asked), with a first column of ones when
        ``intercept`` is true.
    y : ndarray of shape (n_samples,)
        Target, never standardized.
    feature_names : tuple of str
        One name per column of ``X`` (``"intercept"`` first when there is one).
    target_name : str
    intercept : bool
    standardized : bool
    means, scales : ndarray of shape (n_chosen_features,)
        The standardization x' = (x − mean) / scale of each chosen feature, in
        order; zeros and ones when ``standardized`` is false.
    rows : ndarray of shape (n_samples,)
        Positions in the table's frame of the rows used.
    n_dropped : int
        Rows dropped for missing values.
    condition_number_raw : float
        κ(XᵀX) of the design without standardization (inf when singular).
    condition_number : float
        κ(XᵀX) of ``X`` as returned; equal to the raw one when not standardized.
    rank : int
        Numerical rank of ``X``.
    notes : tuple of str
        Sentences for the user: dropped rows, duplicate features, rank, κ.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple
    target_name: str
    intercept: bool
    standardized: bool
    means: np.ndarray
    scales: np.ndarray
    rows: np.ndarray
    n_dropped: int
    condition_number_raw: float
    condition_number: float
    rank: int
    notes: tuple[str, ...]

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    def to_original_units(self, coef) -> tuple[np.ndarray, float]:
        """Coefficients and intercept in the units of the file's columns.

        With x' = (x − m) / s, ŷ = b + Σ wⱼ x'ⱼ = (b − Σ wⱼ mⱼ / sⱼ) + Σ (wⱼ / sⱼ) xⱼ.

        Parameters
        ----------
        coef : array-like of shape (n_features,)
            Coefficients for ``X`` (intercept first when ``intercept`` is true).

        Returns
        -------
        slopes : ndarray of shape (n_chosen_features,)
        intercept : float
            0.0 when the design has no intercept and is not standardized.
        """
        coef = np.asarray(coef, dtype=np.float64)
        if coef.shape != (self.n_features,):
            raise ValueError(f"coef must have shape ({self.n_features},), got {coef.shape}.")
        b = float(coef[0]) if self.intercept else 0.0
        w = coef[1:] if self.intercept else coef
        slopes = w / self.scales
        return slopes, b - float(slopes @ self.means)


def _gram_condition(X: np.ndarray) -> tuple[float, int]:
    """κ(XᵀX) = κ(X)² from X's singular values (more accurate than forming XᵀX), and rank."""
    s = np.linalg.svd(X, compute_uv=False)
    rank = int(np.count_nonzero(s > s[0] * max(X.shape) * np.finfo(np.float64).eps)) if s[0] > 0 else 0
    if rank < X.shape[1]:
        return float("inf"), rank
    return float((s[0] / s[-1]) ** 2), rank


def _fmt_cond(value: float) -> str:
    return "infinite (XᵀX is singular)" if not np.isfinite(value) else f"{value:.3g}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def design_from_table(
    table,
    target,
    features,
    *,
    standardize=False,
    intercept=False,
    max_features=5,
    drop_missing=False,
) -> Design:
    """Build the design matrix X and target y from columns of a table.

    Parameters
    ----------
    table : Table or pandas.DataFrame
    target : str
        Column to predict.
    features : str or sequence of str
        Columns to predict it from (a single name is allowed).
    standardize : bool, default=False
        Replace each feature x by (x − mean) / std (population std), which
        puts all features on one scale: the loss contours' ellipses become
        closer to circles and κ(XᵀX) usually drops.
    intercept : bool, default=False
        Prepend a column of ones, named ``"intercept"``.
    max_features : int, default=5
        Most features accepted.
    drop_missing : bool, default=False
        Drop rows with an empty cell in the target or a feature (a note says
        how many) instead of refusing them.

    Returns
    -------
    Design

    Raises
    ------
    TableError
        Unknown or non-numeric target or feature; no feature or too many; a
        feature equal to (or an exact copy of) the target; missing values
        (unless ``drop_missing``), infinite or huge values; a constant feature
        with standardization or an intercept; fewer than 2 rows.

    Notes
    -----
    Identical or collinear features are allowed, with a note: a singular XᵀX
    is one of the app's lessons (the normal equations fail, SVD still works).
    """
    table = _as_table(table)
    frame = table.frame
    max_features = check_int("max_features", max_features, minimum=1)
    notes: list[str] = []

    if isinstance(features, str) or not isinstance(features, Sequence | pd.Index | np.ndarray):
        features = [features]
    chosen: list = []
    for name in features:
        if name in chosen:
            notes.append(f"{_q(name)} was chosen twice as a feature; it is used once.")
        else:
            chosen.append(name)

    columns = list(frame.columns)
    listing = ", ".join(_q(c, 20) for c in columns[:10]) + (
        f" and {len(columns) - 10} more" if len(columns) > 10 else ""
    )
    if target not in columns:
        raise TableError(f"There is no column called {_q(target)}. Choose the target from: {listing}.")
    if not chosen:
        raise TableError(f"Choose at least one feature column to predict {_q(target)} from.")
    if len(chosen) > max_features:
        raise TableError(
            f"You chose {len(chosen)} features; at most {max_features} are allowed here, so the "
            f"pictures stay readable. Remove {len(chosen) - max_features} of them."
        )
    for name in chosen:
        if name not in columns:
            raise TableError(f"There is no column called {_q(name)}. Choose features from: {listing}.")
        if name == target:
            raise TableError(
                f"{_q(name)} is the target, so it cannot also be a feature (it would predict "
                "itself perfectly and teach nothing). Remove it from the features."
            )

    # Every column must be numbers; report all offenders at once so one fix suffices.
    values: dict = {}
    problems = []
    for role, name in [("target", target)] + [("feature", n) for n in chosen]:
        column, reason = _column_numbers(table, name)
        if column is None:
            problems.append(f"The {role} {_q(name)} {reason}.")
        values[name] = column
    if problems:
        raise TableError(
            " ".join(problems)
            + " Choose numeric columns, or fix those cells in your file and upload it again."
        )

    names = [target, *chosen]
    data = np.column_stack([values[n] for n in names])  # (n_rows, 1 + n_chosen)
    missing = np.isnan(data)
    rows = np.arange(len(frame))
    n_dropped = 0
    if missing.any():
        incomplete = missing.any(axis=1)
        if not drop_missing:
            parts = []
            for j, name in enumerate(names):
                if missing[:, j].any():
                    first = int(np.flatnonzero(missing[:, j])[0])
                    parts.append(
                        f"{_q(name)} has {_plural(int(missing[:, j].sum()), 'empty cell')} "
                        f"(first on {table.where(first)})"
                    )
            raise TableError(
                "Some chosen columns have empty cells: "
                + "; ".join(parts)
                + ". Fill them in, delete those rows from your file, or choose to drop incomplete rows "
                f"({_plural(int(incomplete.sum()), 'row')} of {len(frame)} would be dropped)."
            )
        n_dropped = int(incomplete.sum())
        data, rows = data[~incomplete], rows[~incomplete]
        shown = ", ".join(table.where(int(p)) for p in np.flatnonzero(incomplete)[:5])
        more = ", …" if n_dropped > 5 else ""
        notes.append(f"Dropped {_plural(n_dropped, 'row')} with empty cells ({shown}{more}).")

    for j, name in enumerate(names):
        column = data[:, j]
        if np.isinf(column).any():
            first = int(np.flatnonzero(np.isinf(column))[0])
            raise TableError(
                f"{_q(name)} has {_plural(int(np.isinf(column).sum()), 'infinite value')} "
                f"(first on {table.where(int(rows[first]))}). Replace them with ordinary numbers "
                "or delete those rows."
            )
        if np.abs(column).max(initial=0.0) > MAX_ABS_VALUE:
            raise TableError(
                f"{_q(name)} has values as large as {np.abs(column).max():.3g}; beyond ±{MAX_ABS_VALUE:g} "
                "they overflow when squared. Rescale the column (for example, change its units)."
            )

    n = data.shape[0]
    if n < 2:
        after = " after dropping incomplete rows" if n_dropped else ""
        raise TableError(
            f"Only {_plural(n, 'row')} of data {'is' if n == 1 else 'are'} left{after}; least squares "
            "needs at least 2 rows. Add more rows, or fill in the empty cells."
        )

    y = data[:, 0]
    F = data[:, 1:]  # (n, n_chosen), before standardization
    for j, name in enumerate(chosen):
        if np.array_equal(F[:, j], y):
            raise TableError(
                f"The feature {_q(name)} is an exact copy of the target {_q(target)}: it would predict it "
                "perfectly and teach nothing. Remove it from the features."
            )
    for j, name in enumerate(chosen):
        if np.all(F[:, j] == F[0, j]):
            constant = f"The feature {_q(name)} has the same value ({F[0, j]:g}) in every row"
            if standardize:
                raise TableError(
                    f"{constant}, so its standard deviation is 0 and it cannot be standardized "
                    "(that would divide by zero). Remove it from the features."
                )
            if intercept:
                raise TableError(
                    f"{constant}, so it is a multiple of the intercept's column of ones and XᵀX would "
                    "be singular. Remove it from the features, or turn off the intercept."
                )
            notes.append(f"{constant}; without an intercept it plays the role of one.")
    for j in range(len(chosen)):
        for k in range(j):
            if np.array_equal(F[:, j], F[:, k]):
                notes.append(
                    f"The features {_q(chosen[k])} and {_q(chosen[j])} are identical, so XᵀX is singular "
                    "(rank deficient): the normal equations have no unique solution. That is a lesson in "
                    "itself; SVD still gives the minimum-norm solution. Drop one of them for a unique fit."
                )

    ones = [np.ones((n, 1))] if intercept else []
    X_raw = np.hstack([*ones, F])
    cond_raw, rank = _gram_condition(X_raw)
    means = np.zeros(len(chosen))
    scales = np.ones(len(chosen))
    X = X_raw
    cond = cond_raw
    if standardize:
        means = F.mean(axis=0)
        scales = F.std(axis=0)
        X = np.hstack([*ones, (F - means) / scales])
        cond, rank = _gram_condition(X)
        notes.append(
            f"Standardized each feature to mean 0 and standard deviation 1: the condition number of XᵀX "
            f"went from {_fmt_cond(cond_raw)} to {_fmt_cond(cond)}."
        )
        if not intercept:
            notes.append(
                "The features are centred but there is no intercept, so the fit cannot match the "
                "target's mean. Turn on the intercept."
            )
    k = X.shape[1]
    if n < k:
        notes.append(
            f"There are fewer rows ({n}) than coefficients ({k}): many exact fits exist, XᵀX is "
            "singular, and SVD picks the one of minimum norm."
        )
    elif rank < k:
        notes.append(
            f"X has rank {rank} < {k} columns: some features are linear combinations of others, "
            "so XᵀX is singular and the normal equations have no unique solution."
        )
    elif cond > 1.0 / np.finfo(np.float64).eps:
        notes.append(
            f"κ(XᵀX) ≈ {cond:.3g} exceeds 1/eps ≈ 4.5e15: in double precision XᵀX is singular to "
            "working accuracy, so the normal equations fail or lose every digit. QR and SVD work with "
            f"κ(X) = √κ(XᵀX) ≈ {np.sqrt(cond):.2g} and still give an accurate fit; "
            "standardizing the features may help too."
        )
    # A file may have its own column called "intercept"; keep the names distinct.
    ones_name = INTERCEPT_NAME if INTERCEPT_NAME not in chosen else f"({INTERCEPT_NAME})"
    names_out = ((ones_name,) if intercept else ()) + tuple(chosen)
    return Design(
        X=X,
        y=y,
        feature_names=names_out,
        target_name=target,
        intercept=bool(intercept),
        standardized=bool(standardize),
        means=means,
        scales=scales,
        rows=rows,
        n_dropped=n_dropped,
        condition_number_raw=cond_raw,
        condition_number=cond,
        rank=rank,
        notes=tuple(notes),
    )
