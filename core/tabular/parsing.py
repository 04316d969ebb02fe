"""CSV text to a :class:`Table`: the delimiter, the header, rows of the right width, typed columns.

The text is parsed by Python's :mod:`csv` module into plain strings; nothing is
evaluated, no formula is interpreted, and a column is converted to numbers only
when every non-empty cell is a plain number. Row positions in messages are *file
lines* (the header is line 1), what a student sees in an editor or a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .cells import DECIMAL_COMMA, PLAIN_NUMBER, parse_cells
from .decoding import SAMPLE_CHARS, SAVE_AS_CSV
from .safety import quote
from .table import Table, TableError

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe (|)"}
_DELIMITER_PLURALS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
_SEP_LINE = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)


def parse(text: str, encoding: str, notes: list[str], *, max_rows: int, max_columns: int) -> Table:
    """The table in ``text``; ``notes`` (what reading adjusted so far) gains what parsing adjusts."""
    delimiter, skip_first = _choose_delimiter(text, notes)
    got = _read_rows(text, delimiter, skip_first, max_rows=max_rows, max_columns=max_columns)
    header = _settle_header(got, notes, max_rows)
    names, keep = _column_names(header, got.rows, notes)
    if len(names) < 2:
        raise TableError(
            f"Only one column was found ({quote(names[0] if names else header[0])}), so there is nothing "
            "to predict it from. A CSV needs at least two columns separated by commas, semicolons, "
            "tabs or |. If your file uses another separator, change it to commas."
        )
    raw = pd.DataFrame(got.rows, dtype=object)
    raw = raw.iloc[:, keep]
    raw.columns = names
    frame = pd.DataFrame({name: _convert(raw[name], name, delimiter, notes) for name in names})
    return Table(frame, tuple(notes), tuple(got.lines), encoding, delimiter)


def _choose_delimiter(text: str, notes: list[str]) -> tuple[str, bool]:
    """The delimiter, and whether the first line is Excel's "sep=;" hint (not data)."""
    sep_line = _SEP_LINE.match(text)
    if sep_line and sep_line.group(1) in DELIMITERS:
        delimiter, skip_first = sep_line.group(1), True
    else:
        delimiter, skip_first = _detect_delimiter(text), False
    if delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_PLURALS[delimiter]}.")
    return delimiter, skip_first


@dataclass
class _Rows:
    """What the csv reader found: the header line, the data rows and their file lines."""

    header: list[str] | None = None
    header_line: int = 0
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    n_short: int = 0  # rows padded with empty cells


def _read_rows(text: str, delimiter: str, skip_first: bool, *, max_rows: int, max_columns: int) -> _Rows:
    reader = _rows(text, delimiter)
    got = _Rows()
    try:
        for row in reader:
            if skip_first:
                skip_first = False
                continue
            if _is_blank(row):
                continue
            if got.header is None:
                got.header, got.header_line = row, reader.line_num
                _check_width(len(row), max_columns)
                continue
            row = _fit_to_header(row, got, reader.line_num, delimiter)
            got.rows.append(row)
            got.lines.append(reader.line_num)
            if len(got.rows) > max_rows:
                raise TableError(
                    f"The file has more than {max_rows:,} rows of data; the limit is {max_rows:,}. "
                    "Upload a sample of the rows (least squares needs far fewer to teach)."
                )
    except csv.Error as error:
        raise _csv_error(error, reader.line_num) from None
    return got


def _check_width(n_columns: int, max_columns: int) -> None:
    if n_columns > max_columns:
        raise TableError(
            f"The file has {n_columns} columns; the limit is {max_columns}. "
            "Keep only the columns you need and upload it again."
        )


def _fit_to_header(row: list[str], got: _Rows, line: int, delimiter: str) -> list[str]:
    """The row cut to the header's width (trailing separators only) or padded; TableError otherwise."""
    width = len(got.header)
    if len(row) > width:
        if _is_blank(row[width:]):
            return row[:width]  # trailing separators only
        decimal_hint = (
            "; a decimal comma (3,5) in a comma-separated file must be written 3.5 or put in quotes"
            if delimiter == ","
            else ""
        )
        raise TableError(
            f"Line {line} has {len(row)} cells but the header names {width} columns. Check that line for "
            f"an extra {_DELIMITER_NAMES[delimiter]}{decimal_hint}."
        )
    if len(row) < width:
        got.n_short += 1
        return row + [""] * (width - len(row))
    return row


def _csv_error(error: csv.Error, line: int) -> TableError:
    if "field larger than field limit" in str(error):
        return TableError(
            f"Near line {line}, a cell is longer than {csv.field_size_limit():,} "
            'characters. This is usually a missing closing quote mark ("); fix it or shorten the cell.'
        )
    return TableError(
        f"The file could not be read as CSV near line {line} ({error}). "
        f"Check the quote marks there, or {SAVE_AS_CSV[0].lower() + SAVE_AS_CSV[1:]}"
    )


def _settle_header(got: _Rows, notes: list[str], max_rows: int) -> list[str]:
    """The header; a first line of only numbers becomes data. TableError when no data is left."""
    header = got.header
    if header is None:  # only separators and spaces
        raise TableError(
            "The file is empty: it holds only separators and blank cells. Choose a CSV file with a "
            "header row of column names and at least two rows of numbers."
        )
    if len(header) >= 2 and all(PLAIN_NUMBER.fullmatch(cell) for cell in header):
        # No header row: the first line is data. Keep it and name the columns.
        got.rows.insert(0, header)
        got.lines.insert(0, got.header_line)
        header = [""] * len(header)
        notes.append(
            "The first line holds only numbers, so it was read as data; columns are named column_1, …"
        )
        if len(got.rows) > max_rows:
            raise TableError(f"The file has more than {max_rows:,} rows of data; the limit is {max_rows:,}.")
    if not got.rows:
        names = ", ".join(quote(name, 20) for name in header[:5]) + (", …" if len(header) > 5 else "")
        raise TableError(
            f"The file has a header row ({names}) but no data below it. "
            "Add at least two rows of numbers under the column names."
        )
    if got.n_short:
        notes.append(
            f"{got.n_short} row{'s' if got.n_short > 1 else ''} had fewer cells than the header; "
            "the missing cells were left empty."
        )
    return header


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
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS and "\n" in sample:
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
        notes.append(f"Columns without a name were called {', '.join(quote(n) for n in renamed[:5])}.")
    if any(a != b for a, b in zip(stripped, header, strict=True)):
        notes.append("Spaces around column names were removed.")
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise TableError(
                f"The column name {quote(name)} appears more than once (columns {seen[name]} and "
                f"{position}). Give each column a different name in the header row."
            )
        seen[name] = position
    return names, keep


def _convert(column: pd.Series, name: str, delimiter: str, notes: list[str]) -> pd.Series:
    """A numeric column when every non-empty cell is a number, else the text unchanged."""
    cells = column.tolist()
    # Only a decimal comma in a file not separated by commas can still make a bad cell a number.
    parsed = parse_cells(cells, give_up=lambda text: delimiter == "," or not DECIMAL_COMMA.fullmatch(text))
    if parsed is None:
        return pd.Series(cells, dtype=object).astype(str)
    values, missing, bad = parsed
    if bad.any() and delimiter != ",":
        # "3,5" is how much of Europe writes 3.5; such files use ; or tab as the separator.
        comma = [DECIMAL_COMMA.fullmatch(str(cells[i]).strip()) for i in np.flatnonzero(bad)]
        if all(comma):
            example = str(cells[int(np.flatnonzero(bad)[0])]).strip()
            values[bad] = [float(m.group(0).replace(",", ".")) for m in comma]
            bad[:] = False
            notes.append(
                f"Column {quote(name)} uses decimal commas (e.g. {quote(example)}); "
                "they were read as decimal points."
            )
    if bad.any():
        return pd.Series(cells, dtype=object).astype(str)
    whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2.0**53)
    if not missing.any() and whole.all():
        return pd.Series(values.astype(np.int64))
    return pd.Series(values)
