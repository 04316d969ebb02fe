"""core: the numerical library behind the least-squares lab.

Pure numpy/scipy (and numba for the one-pass kernels); it never imports
streamlit or plotly, so it works the same from a notebook.

Loss convention, used identically everywhere in the project::

    L(w) = ‖y − Xw‖² / (2N) = RSS(w) / (2N)       ∇L(w) = Xᵀ(Xw − y) / N

so the Hessian is XᵀX / N and a single-sample gradient is xᵢ(xᵢᵀw − yᵢ).
"""

from ._gram import augmented_gram
from .batching import effective_batch_size, steps_per_epoch
from .cost import crossover, fit_cost_model, predicted_seconds, time_methods
from .data import Dataset, add_intercept_column, make_regression
from .datasets import DATASETS, DatasetInfo, list_datasets, load_dataset
from .generalization import double_descent_experiment, min_norm_risk, sample_sizes_for_gammas, summarize_risk
from .geometry import (
    ColumnSpacePicture,
    column_space_picture,
    fitted_path,
    gd_per_direction,
    make_column_space_example,
    to_eigenbasis,
)
from .minibatch import (
    BatchMinimizers,
    batch_minimizers,
    minimizer_spread,
    noise_ball_radius,
    noise_ball_theory,
    sandwich_covariance,
)
from .nonconvex import (
    MinimaReport,
    MinimumSet,
    TanhData,
    agreement_vs_sample_size,
    find_minima,
    make_tanh_data,
    minimum_set,
    run_tanh_descent,
    tanh_gradient,
    tanh_loss,
    tanh_loss_grid,
)
from .optimizers import SGD, AdaGrad, AdaGradState, Adam, AdamState, RMSProp, RMSPropState, SGDState
from .quadratic import QuadraticLoss
from .rules import PLAIN_GD, UPDATE_RULES, UpdateRule, rule_of, update_rule
from .sampling import BatchIndices, StepDirections, batch_indices, batch_indices_of, step_directions
from .schedules import ConstantSchedule, CosineDecay, InverseTimeDecay, Schedule, StepDecay
from .solvers import LeastSquaresSolution, SingularGramError, solve_least_squares, solve_normal_equations
from .spectral import (
    DigitsLost,
    FilterFactors,
    MomentumRateMap,
    digits_lost,
    early_stopping_ridge,
    filter_factors,
    heavy_ball_radius,
    momentum_rate,
    momentum_rate_map,
    spectral_filter,
)
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
    "PLAIN_GD",
    "SGD",
    "UPDATE_RULES",
    "AdaGrad",
    "AdaGradState",
    "Adam",
    "AdamState",
    "BatchIndices",
    "BatchMinimizers",
    "ColumnSpacePicture",
    "ConstantSchedule",
    "CosineDecay",
    "Dataset",
    "DatasetInfo",
    "Design",
    "DigitsLost",
    "FilterFactors",
    "GDTheory",
    "InverseTimeDecay",
    "LeastSquaresSolution",
    "MinimaReport",
    "MinimumSet",
    "MomentumRateMap",
    "NumericColumns",
    "QuadraticLoss",
    "RMSProp",
    "RMSPropState",
    "SGDState",
    "Schedule",
    "SingularGramError",
    "StepDecay",
    "StepDirections",
    "Table",
    "TableError",
    "TanhData",
    "Trajectory",
    "UpdateRule",
    "add_intercept_column",
    "agreement_vs_sample_size",
    "augmented_gram",
    "batch_indices",
    "batch_indices_of",
    "batch_minimizers",
    "column_space_picture",
    "critical_learning_rate",
    "crossover",
    "csv_safe_cell",
    "design_from_table",
    "digits_lost",
    "double_descent_experiment",
    "early_stopping_ridge",
    "effective_batch_size",
    "excess_loss",
    "filter_factors",
    "find_minima",
    "fit_cost_model",
    "fitted_path",
    "gd_limit_point",
    "gd_loss_bound",
    "gd_loss_exact",
    "gd_per_direction",
    "gd_theory",
    "heavy_ball_radius",
    "list_datasets",
    "load_dataset",
    "make_column_space_example",
    "make_regression",
    "make_tanh_data",
    "min_norm_risk",
    "minimizer_spread",
    "minimum_set",
    "momentum_rate",
    "momentum_rate_map",
    "noise_ball_radius",
    "noise_ball_theory",
    "numeric_columns",
    "predicted_seconds",
    "read_csv_table",
    "rule_of",
    "run_optimizer",
    "run_tanh_descent",
    "safe_label",
    "sample_sizes_for_gammas",
    "sandwich_covariance",
    "solve_least_squares",
    "solve_normal_equations",
    "spectral_filter",
    "step_directions",
    "steps_per_epoch",
    "summarize_risk",
    "tanh_gradient",
    "tanh_loss",
    "tanh_loss_grid",
    "time_methods",
    "to_eigenbasis",
    "to_safe_csv",
    "update_rule",
]
