"""Read a CSV file from bytes, an upload or a path into a :class:`Table`, within size caps."""

from __future__ import annotations

import os

from .._validation import check_int
from .decoding import decode
from .parsing import parse
from .safety import quote
from .table import Table, TableError


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
    text, encoding, notes = decode(data)
    return parse(text, encoding, notes, max_rows=max_rows, max_columns=max_columns)


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
            name = quote(os.fspath(source))
            raise TableError(f"Could not open the file {name}: {error.strerror}.") from None
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
