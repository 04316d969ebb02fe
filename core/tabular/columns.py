"""Which columns of a table can serve as numbers, and why the others cannot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .cells import NUMBER_WITH_EXTRAS, parse_cells
from .safety import quote
from .table import Table, as_table


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


def column_numbers(table: Table, name) -> tuple[np.ndarray | None, str]:
    """(values as float, "") or (None, reason) for one column."""
    column = table.frame[name]
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    elif pd.api.types.is_datetime64_any_dtype(column) or isinstance(column.dtype, pd.PeriodDtype):
        return None, "holds dates or times, not numbers"
    else:
        cells = ["" if pd.isna(cell) else cell for cell in column.tolist()]
        values, _, bad = parse_cells(cells)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            count = int(bad.sum())
            hint = ""
            if len(str(cells[first])) <= 40 and NUMBER_WITH_EXTRAS.fullmatch(str(cells[first])):
                hint = " (write plain numbers such as 3.5, without units, % or thousands separators)"
            plural = "cells" if count > 1 else "cell"
            example = quote(cells[first], 30)
            return None, f"has {count} non-numeric {plural}, e.g. {example} on {table.where(first)}{hint}"
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
    table = as_table(table)
    usable, unusable, caveats = [], {}, {}
    for name in table.frame.columns:
        values, reason = column_numbers(table, name)
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
