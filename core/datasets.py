"""Small, classic, real datasets shipped with the package, usable offline.

Each CSV in ``core/data_files/`` is read through the same :func:`read_csv_table`
as an upload, so a bundled dataset and a student's file behave identically.
Sources, citations and licences are in ``core/data_files/SOURCES.md`` and in
:data:`DATASETS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from ._validation import check_choice
from .tabular import Table, read_csv_table

__all__ = ["DATASETS", "DatasetInfo", "list_datasets", "load_dataset"]


@dataclass(frozen=True)
class DatasetInfo:
    """What a bundled dataset is, where it comes from, and what it teaches.

    Attributes
    ----------
    name : str
        Key for :func:`load_dataset`.
    title : str
        Short display title.
    description : str
        What the rows and columns are.
    filename : str
        File in ``core/data_files/``.
    target : str
        Default target column.
    features : tuple of str
        Default feature columns (at most 5, the default ``max_features``).
    teaches : str
        The lesson it supports, with the numbers that make it.
    source : str
        Where the file comes from.
    citation : str
        The original publication.
    licence : str
    n_rows : int
    """

    name: str
    title: str
    description: str
    filename: str
    target: str
    features: tuple[str, ...]
    teaches: str
    source: str
    citation: str
    licence: str
    n_rows: int


_LONGLEY = DatasetInfo(
    name="longley",
    title="Longley's macroeconomic data (1947–1962)",
    description=(
        "16 years of US macroeconomic series: total employment (TOTEMP), the GNP deflator (GNPDEFL), "
        "GNP, unemployment (UNEMP), armed forces (ARMED), population (POP) and the year (YEAR)."
    ),
    filename="longley.csv",
    target="TOTEMP",
    features=("GNP", "UNEMP", "ARMED", "POP", "YEAR"),
    teaches=(
        "Ill-conditioning. GNP, POP and YEAR rise together, so the columns are nearly collinear: with "
        "all six predictors and an intercept κ(XᵀX) ≈ 2.4e19, beyond 1/eps ≈ 4.5e15, so XᵀX is singular "
        "to double precision and the normal equations fail, while QR and SVD, which work with "
        "κ(X) ≈ 4.9e9, still match NIST's certified coefficients to about 11 digits. Standardizing "
        "brings κ(XᵀX) down to ≈ 1.2e4 (then even the normal equations succeed) but cannot remove "
        "the collinearity. Try just GNP and YEAR: a long, thin valley."
    ),
    source=(
        "statsmodels 0.15.0 (statsmodels/datasets/longley, marked public domain); "
        "also NIST Statistical Reference Datasets, linear least squares, 'Longley'."
    ),
    citation=(
        "Longley, J. W. (1967). An appraisal of least squares programs for the electronic computer "
        "from the point of view of the user. Journal of the American Statistical Association, "
        "62(319), 819–841."
    ),
    licence="Public domain",
    n_rows=16,
)

_STACKLOSS = DatasetInfo(
    name="stackloss",
    title="Brownlee's stack loss plant data",
    description=(
        "21 days of operation of a plant oxidizing ammonia to nitric acid: the stack loss "
        "(STACKLOSS, ammonia escaping) against air flow (AIRFLOW), cooling water temperature "
        "(WATERTEMP) and acid concentration (ACIDCONC)."
    ),
    filename="stackloss.csv",
    target="STACKLOSS",
    features=("AIRFLOW", "WATERTEMP", "ACIDCONC"),
    teaches=(
        "A small real multiple regression. With an intercept κ(XᵀX) ≈ 3.3e6, mostly because "
        "ACIDCONC sits near 87 with a small spread (nearly a multiple of the column of ones); "
        "standardizing brings κ down to ≈ 10, and the loss valley becomes a bowl. Days 1, 3, 4 "
        "and 21 are well-known outliers."
    ),
    source="statsmodels 0.15.0 (statsmodels/datasets/stackloss, marked public domain); also R's datasets.",
    citation=(
        "Brownlee, K. A. (1965). Statistical Theory and Methodology in Science and Engineering, "
        "2nd ed. New York: Wiley."
    ),
    licence="Public domain",
    n_rows=21,
)

_ANSCOMBE = DatasetInfo(
    name="anscombe",
    title="Anscombe's quartet",
    description=(
        "Four small data sets (x1, y1) … (x4, y4) of 11 points each, built so that their means, "
        "variances, correlations and least-squares lines are (nearly) identical."
    ),
    filename="anscombe.csv",
    target="y1",
    features=("x1",),
    teaches=(
        "Always look at the data. Each pair gives the same fitted line, y ≈ 3.00 + 0.500 x, and the "
        "same R² ≈ 0.67, yet pair 1 is a noisy line, pair 2 a curve, pair 3 a line with one "
        "outlier, and in pair 4 x is constant except for one point that alone fixes the slope."
    ),
    source=(
        "Typed from the published table (layout of R's datasets::anscombe), checked against "
        "vega-datasets 0.9.0; see SOURCES.md for the one value where they differ."
    ),
    citation=(
        "Anscombe, F. J. (1973). Graphs in statistical analysis. The American Statistician, 27(1), 17–21."
    ),
    licence="Public domain (facts from a published table)",
    n_rows=11,
)

DATASETS = MappingProxyType({info.name: info for info in (_LONGLEY, _STACKLOSS, _ANSCOMBE)})


def list_datasets() -> tuple[str, ...]:
    """Names of the bundled datasets, in display order.

    Returns
    -------
    tuple of str
        Keys of :data:`DATASETS`, each accepted by :func:`load_dataset`.
    """
    return tuple(DATASETS)


def load_dataset(name) -> Table:
    """Load a bundled dataset as a :class:`~core.tabular.Table`.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`; see :data:`DATASETS` for each one's
        default target and features, source and licence.

    Returns
    -------
    Table

    Examples
    --------
    >>> table = load_dataset("stackloss")
    >>> table.frame.shape
    (21, 4)
    """
    info = DATASETS[check_choice("name", name, tuple(DATASETS))]
    data = resources.files(__package__).joinpath("data_files", info.filename).read_bytes()
    return read_csv_table(data)
