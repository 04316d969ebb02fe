"""Text cells to numbers: what counts as a number, as missing, and as a number dressed up.

A cell is a number only when it is a plain decimal (``3.5``, ``-1e3``); nothing
is evaluated. Missing-value spellings of Excel, R, pandas, SAS/Stata and UCI
count as empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

# Cells that mean "no value" in files exported by Excel, R, pandas, SAS/Stata and UCI.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "<na>", "?", "."})
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
# Unambiguous alternatives, so a 100 kB cell of digits cannot make the regex backtrack for ever.
PLAIN_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
# Looks like a number dressed up: "12%", "$1,234", "3.5 kg", "(12)". Only tried on short
# cells: its nested repeats backtrack quadratically on long ones.
NUMBER_WITH_EXTRAS = re.compile(r"\s*[$€£¥(+-]*\s*[\d.,' ]*\d[\d.,' ]*\s*(?:%|[a-zA-Zµ°²³/]{1,5})?\)?\s*")


def parse_cells(cells: Sequence[str], give_up=None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
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
