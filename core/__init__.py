"""core: the numerical library behind the least-squares lab.

Pure numpy/scipy (and numba for the one-pass kernels); it never imports
streamlit or plotly, so it works the same from a notebook.

Loss convention, used identically everywhere in the project::

    L(w) = ‖y − Xw‖² / (2N) = RSS(w) / (2N)       ∇L(w) = Xᵀ(Xw − y) / N

so the Hessian is XᵀX / N and a single-sample gradient is xᵢ(xᵢᵀw − yᵢ).
"""

from .data import Dataset, add_intercept_column, make_regression
from .quadratic import QuadraticLoss
from .solvers import LeastSquaresSolution, SingularGramError, solve_least_squares

__all__ = [
    "Dataset",
    "LeastSquaresSolution",
    "QuadraticLoss",
    "SingularGramError",
    "add_intercept_column",
    "make_regression",
    "solve_least_squares",
]
