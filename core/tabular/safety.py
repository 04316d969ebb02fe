"""Display and export safety: one-line labels, quoted names in messages, CSV that spreadsheets won't run.

Hostile content (HTML, script, spreadsheet formulas, control characters) is kept
as inert data. :func:`safe_label` makes a display-safe one-line label (the UI
still escapes HTML) and :func:`to_safe_csv` exports without formula injection
(OWASP: text cells starting with ``= + - @`` tab or CR get a ``'``).
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from .._validation import check_int
from .cells import PLAIN_NUMBER
from .table import Table

# OWASP CSV injection: a text cell starting with one of these is a formula to Excel/LibreOffice.
# LF is not on OWASP's list; prefixing it too costs nothing.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


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
    if head.startswith(_FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
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


def quote(name, max_len=40) -> str:
    """Quote a column name or cell for a message, display-safe."""
    return "'" + safe_label(name, max_len) + "'"
