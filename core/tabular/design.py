"""Chosen columns to a design matrix X and target y: checks first, then standardization and intercept.

Every refusal is a :class:`TableError` saying what is wrong with the choice and
how to fix it; what is allowed but worth knowing (dropped rows, identical or
constant features, rank, κ(XᵀX) before and after standardizing) becomes a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_int
from .columns import column_numbers
from .safety import quote
from .table import Table, TableError, as_table

INTERCEPT_NAME = "intercept"
# |x| above this overflows float64 once squared and summed in XᵀX (1e308 is the ceiling).
MAX_ABS_VALUE = 1e100


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
    table, target, features, *, standardize=False, intercept=False, max_features=5, drop_missing=False
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
    table = as_table(table)
    max_features = check_int("max_features", max_features, minimum=1)
    notes: list[str] = []
    chosen = _unique(features, notes)
    _check_choice(table, target, chosen, max_features)
    names = [target, *chosen]
    data, rows = _complete_rows(table, names, _numbers(table, target, chosen), drop_missing, notes)
    _check_values(table, names, data, rows)
    n_dropped = len(table.frame) - len(rows)
    _check_enough_rows(data.shape[0], n_dropped)
    y, F = data[:, 0], data[:, 1:]  # F: (n, n_chosen), before standardization
    _check_features(target, chosen, y, F, standardize=standardize, intercept=intercept, notes=notes)
    X, means, scales, cond_raw, cond, rank = _design_matrix(F, standardize, intercept, notes)
    # A file may have its own column called "intercept"; keep the names distinct.
    ones_name = INTERCEPT_NAME if INTERCEPT_NAME not in chosen else f"({INTERCEPT_NAME})"
    return Design(
        X=X, y=y, feature_names=((ones_name,) if intercept else ()) + tuple(chosen), target_name=target,
        intercept=bool(intercept), standardized=bool(standardize), means=means, scales=scales, rows=rows,
        n_dropped=n_dropped, condition_number_raw=cond_raw, condition_number=cond, rank=rank,
        notes=tuple(notes),
    )  # fmt: skip


def _unique(features, notes: list[str]) -> list:
    """The chosen features in order, each once (a single name is a list of one)."""
    if isinstance(features, str) or not isinstance(features, Sequence | pd.Index | np.ndarray):
        features = [features]
    chosen: list = []
    for name in features:
        if name in chosen:
            notes.append(f"{quote(name)} was chosen twice as a feature; it is used once.")
        else:
            chosen.append(name)
    return chosen


def _check_choice(table: Table, target, chosen: list, max_features: int) -> None:
    """The target and features exist, are distinct, and there are 1 to ``max_features`` features."""
    columns = list(table.frame.columns)
    listing = ", ".join(quote(c, 20) for c in columns[:10]) + (
        f" and {len(columns) - 10} more" if len(columns) > 10 else ""
    )
    if target not in columns:
        raise TableError(f"There is no column called {quote(target)}. Choose the target from: {listing}.")
    if not chosen:
        raise TableError(f"Choose at least one feature column to predict {quote(target)} from.")
    if len(chosen) > max_features:
        raise TableError(
            f"You chose {len(chosen)} features; at most {max_features} are allowed here, so the "
            f"pictures stay readable. Remove {len(chosen) - max_features} of them."
        )
    for name in chosen:
        if name not in columns:
            raise TableError(f"There is no column called {quote(name)}. Choose features from: {listing}.")
        if name == target:
            raise TableError(
                f"{quote(name)} is the target, so it cannot also be a feature (it would predict "
                "itself perfectly and teach nothing). Remove it from the features."
            )


def _numbers(table: Table, target, chosen: list) -> np.ndarray:
    """(n_rows, 1 + n_chosen): the target, then each feature, as floats (NaN where empty)."""
    # Every column must be numbers; report all offenders at once so one fix suffices.
    values: dict = {}
    problems = []
    for role, name in [("target", target)] + [("feature", n) for n in chosen]:
        column, reason = column_numbers(table, name)
        if column is None:
            problems.append(f"The {role} {quote(name)} {reason}.")
        values[name] = column
    if problems:
        raise TableError(
            " ".join(problems)
            + " Choose numeric columns, or fix those cells in your file and upload it again."
        )
    return np.column_stack([values[n] for n in [target, *chosen]])


def _complete_rows(table: Table, names: list, data: np.ndarray, drop_missing: bool, notes: list[str]):
    """``data`` and the table positions of its rows, without incomplete rows (or TableError)."""
    missing = np.isnan(data)
    rows = np.arange(len(table.frame))
    if not missing.any():
        return data, rows
    incomplete = missing.any(axis=1)
    if not drop_missing:
        parts = []
        for j, name in enumerate(names):
            if missing[:, j].any():
                first = int(np.flatnonzero(missing[:, j])[0])
                parts.append(
                    f"{quote(name)} has {_plural(int(missing[:, j].sum()), 'empty cell')} "
                    f"(first on {table.where(first)})"
                )
        raise TableError(
            "Some chosen columns have empty cells: "
            + "; ".join(parts)
            + ". Fill them in, delete those rows from your file, or choose to drop incomplete rows "
            f"({_plural(int(incomplete.sum()), 'row')} of {len(table.frame)} would be dropped)."
        )
    n_dropped = int(incomplete.sum())
    shown = ", ".join(table.where(int(p)) for p in np.flatnonzero(incomplete)[:5])
    more = ", …" if n_dropped > 5 else ""
    notes.append(f"Dropped {_plural(n_dropped, 'row')} with empty cells ({shown}{more}).")
    return data[~incomplete], rows[~incomplete]


def _check_values(table: Table, names: list, data: np.ndarray, rows: np.ndarray) -> None:
    """No infinite values, none so large that XᵀX overflows."""
    for j, name in enumerate(names):
        column = data[:, j]
        if np.isinf(column).any():
            first = int(np.flatnonzero(np.isinf(column))[0])
            raise TableError(
                f"{quote(name)} has {_plural(int(np.isinf(column).sum()), 'infinite value')} "
                f"(first on {table.where(int(rows[first]))}). Replace them with ordinary numbers "
                "or delete those rows."
            )
        if np.abs(column).max(initial=0.0) > MAX_ABS_VALUE:
            raise TableError(
                f"{quote(name)} has values as large as {np.abs(column).max():.3g}; beyond ±{MAX_ABS_VALUE:g} "
                "they overflow when squared. Rescale the column (for example, change its units)."
            )


def _check_enough_rows(n: int, n_dropped: int) -> None:
    if n < 2:
        after = " after dropping incomplete rows" if n_dropped else ""
        raise TableError(
            f"Only {_plural(n, 'row')} of data {'is' if n == 1 else 'are'} left{after}; least squares "
            "needs at least 2 rows. Add more rows, or fill in the empty cells."
        )


def _check_features(target, chosen: list, y, F, *, standardize: bool, intercept: bool, notes: list[str]):
    """Refuse a copy of the target and a constant that cannot be used; note constants and duplicates."""
    for j, name in enumerate(chosen):
        if np.array_equal(F[:, j], y):
            raise TableError(
                f"The feature {quote(name)} is an exact copy of the target {quote(target)}: it would "
                "predict it perfectly and teach nothing. Remove it from the features."
            )
    for j, name in enumerate(chosen):
        if np.all(F[:, j] == F[0, j]):
            notes.append(_constant_feature(name, F[0, j], standardize=standardize, intercept=intercept))
    for j in range(len(chosen)):
        for k in range(j):
            if np.array_equal(F[:, j], F[:, k]):
                notes.append(
                    f"The features {quote(chosen[k])} and {quote(chosen[j])} are identical, so XᵀX is "
                    "singular (rank deficient): the normal equations have no unique solution. That is a "
                    "lesson in itself; SVD still gives the minimum-norm solution. Drop one of them for a "
                    "unique fit."
                )


def _constant_feature(name, value: float, *, standardize: bool, intercept: bool) -> str:
    """The note for a constant feature, or TableError when standardizing or an intercept rules it out."""
    constant = f"The feature {quote(name)} has the same value ({value:g}) in every row"
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
    return f"{constant}; without an intercept it plays the role of one."


def _design_matrix(F: np.ndarray, standardize: bool, intercept: bool, notes: list[str]):
    """X (ones first with an intercept; standardized if asked), means, scales, κ(XᵀX) raw and final, rank."""
    n = F.shape[0]
    ones = [np.ones((n, 1))] if intercept else []
    X = np.hstack([*ones, F])
    cond_raw, rank = _gram_condition(X)
    means, scales, cond = np.zeros(F.shape[1]), np.ones(F.shape[1]), cond_raw
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
    notes.extend(_shape_notes(n, X.shape[1], rank, cond))
    return X, means, scales, cond_raw, cond, rank


def _shape_notes(n: int, k: int, rank: int, cond: float) -> list[str]:
    """What the shape, rank and conditioning of X mean for the normal equations."""
    if n < k:
        return [
            f"There are fewer rows ({n}) than coefficients ({k}): many exact fits exist, XᵀX is "
            "singular, and SVD picks the one of minimum norm."
        ]
    if rank < k:
        return [
            f"X has rank {rank} < {k} columns: some features are linear combinations of others, "
            "so XᵀX is singular and the normal equations have no unique solution."
        ]
    if cond > 1.0 / np.finfo(np.float64).eps:
        return [
            f"κ(XᵀX) ≈ {cond:.3g} exceeds 1/eps ≈ 4.5e15: in double precision XᵀX is singular to "
            "working accuracy, so the normal equations fail or lose every digit. QR and SVD work with "
            f"κ(X) = √κ(XᵀX) ≈ {np.sqrt(cond):.2g} and still give an accurate fit; "
            "standardizing the features may help too."
        ]
    return []
