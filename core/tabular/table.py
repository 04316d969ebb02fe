"""The table a CSV file becomes, and the error every refusal raises."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


class TableError(ValueError):
    """A file or a choice of columns that cannot be used; the message says why and how to fix it."""


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


def as_table(table) -> Table:
    """``table`` itself, or a DataFrame wrapped as a Table; TypeError for anything else."""
    if isinstance(table, Table):
        return table
    if isinstance(table, pd.DataFrame):
        return Table(table)
    raise TypeError(f"Expected a Table or a pandas DataFrame, got {type(table).__name__}.")
