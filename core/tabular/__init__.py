"""Your own data: read a CSV safely, check it, and turn chosen columns into (X, y).

Three steps, each a public function whose error messages are shown to students
verbatim, so every ``TableError`` says what is wrong and how to fix it:

1. :func:`read_csv_table` turns bytes, an upload or a path into a :class:`Table`
   (``reading``: size caps; ``decoding``: bytes to text; ``parsing``: CSV text to
   typed columns; ``cells``: what counts as a number).
2. :func:`numeric_columns` says which columns can serve as numbers, and why the
   others cannot ("has 3 non-numeric cells, e.g. 'abc' on line 5") (``columns``).
3. :func:`design_from_table` builds the design matrix X and target y, with
   optional standardization and intercept, and reports κ(XᵀX) before and after
   (``design``).

Row positions in messages are *file lines* (the header is line 1), which is
what a student sees when opening the file in an editor or a spreadsheet.

Hostile content (HTML, script, spreadsheet formulas, control characters) is
kept as inert data. :func:`safe_label` makes a display-safe one-line label
(the UI still escapes HTML) and :func:`to_safe_csv` exports without formula
injection (OWASP: text cells starting with ``= + - @`` tab or CR get a ``'``)
(``safety``).
"""

from __future__ import annotations

from .cells import MISSING_TOKENS
from .columns import NumericColumns, numeric_columns
from .design import INTERCEPT_NAME, MAX_ABS_VALUE, Design, design_from_table
from .parsing import DELIMITERS
from .reading import read_csv_table
from .safety import csv_safe_cell, safe_label, to_safe_csv
from .table import Table, TableError

__all__ = [
    "DELIMITERS",
    "INTERCEPT_NAME",
    "MAX_ABS_VALUE",
    "MISSING_TOKENS",
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
