"""core: the numerical library behind the least-squares lab.

Pure numpy/scipy (and numba for the one-pass kernels); it never imports
streamlit or plotly, so it works the same from a notebook.

Loss convention, used identically everywhere in the project::

    L(w) = ‖y − Xw‖² / (2N) = RSS(w) / (2N)       ∇L(w) = Xᵀ(Xw − y) / N

so the Hessian is XᵀX / N and a single-sample gradient is xᵢ(xᵢᵀw − yᵢ).
"""

from .data import Dataset, add_intercept_column, make_regression
from .datasets import DATASETS, DatasetInfo, list_datasets, load_dataset
from .optimizers import SGD, AdaGrad, AdaGradState, Adam, AdamState, RMSProp, RMSPropState, SGDState
from .quadratic import QuadraticLoss
from .schedules import ConstantSchedule, CosineDecay, InverseTimeDecay, Schedule, StepDecay
from .solvers import LeastSquaresSolution, SingularGramError, solve_least_squares
from .tabular import (
    Design,
    NumericColumns,
    Table,
    TableError,
    csv_safe_cell,
    design_from_table,
    numeric_columns,
    read_csv_table,
    safe_label,
    to_safe_csv,
)
from .theory import GDTheory, critical_learning_rate, gd_limit_point, gd_loss_bound, gd_loss_exact, gd_theory
from .trajectory import Trajectory, excess_loss, run_optimizer

__all__ = [
    "DATASETS",
    "SGD",
    "AdaGrad",
    "AdaGradState",
    "Adam",
    "AdamState",
    "ConstantSchedule",
    "CosineDecay",
    "Dataset",
    "DatasetInfo",
    "Design",
    "GDTheory",
    "InverseTimeDecay",
    "LeastSquaresSolution",
    "NumericColumns",
    "QuadraticLoss",
    "RMSProp",
    "RMSPropState",
    "SGDState",
    "Schedule",
    "SingularGramError",
    "StepDecay",
    "Table",
    "TableError",
    "Trajectory",
    "add_intercept_column",
    "critical_learning_rate",
    "csv_safe_cell",
    "design_from_table",
    "excess_loss",
    "gd_limit_point",
    "gd_loss_bound",
    "gd_loss_exact",
    "gd_theory",
    "list_datasets",
    "load_dataset",
    "make_regression",
    "numeric_columns",
    "read_csv_table",
    "run_optimizer",
    "safe_label",
    "solve_least_squares",
    "to_safe_csv",
]
