"""core: the numerical library behind the least-squares lab.

Pure numpy/scipy (and numba for the one-pass kernels); it never imports
streamlit or plotly, so it works the same from a notebook.

Loss convention, used identically everywhere in the project::

    L(w) = ‖y − Xw‖² / (2N) = RSS(w) / (2N)       ∇L(w) = Xᵀ(Xw − y) / N

so the Hessian is XᵀX / N and a single-sample gradient is xᵢ(xᵢᵀw − yᵢ).
"""

from .data import Dataset, add_intercept_column, make_regression
from .optimizers import SGD, AdaGrad, AdaGradState, Adam, AdamState, RMSProp, RMSPropState, SGDState
from .quadratic import QuadraticLoss
from .schedules import ConstantSchedule, CosineDecay, InverseTimeDecay, Schedule, StepDecay
from .solvers import LeastSquaresSolution, SingularGramError, solve_least_squares
from .theory import GDTheory, critical_learning_rate, gd_limit_point, gd_loss_bound, gd_loss_exact, gd_theory
from .trajectory import Trajectory, excess_loss, run_optimizer

__all__ = [
    "SGD",
    "AdaGrad",
    "AdaGradState",
    "Adam",
    "AdamState",
    "ConstantSchedule",
    "CosineDecay",
    "Dataset",
    "GDTheory",
    "InverseTimeDecay",
    "LeastSquaresSolution",
    "QuadraticLoss",
    "RMSProp",
    "RMSPropState",
    "SGDState",
    "Schedule",
    "SingularGramError",
    "StepDecay",
    "Trajectory",
    "add_intercept_column",
    "critical_learning_rate",
    "excess_loss",
    "gd_limit_point",
    "gd_loss_bound",
    "gd_loss_exact",
    "gd_theory",
    "make_regression",
    "run_optimizer",
    "solve_least_squares",
]
