"""From settings to numbers: the pure computations behind every view.

No streamlit here; ``dashboard.compute`` wraps these in bounded caches. Each
function takes hashable settings so the cache key is exactly what it computes from.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from core import (
    ConstantSchedule,
    CosineDecay,
    Dataset,
    Design,
    InverseTimeDecay,
    LeastSquaresSolution,
    QuadraticLoss,
    SingularGramError,
    StepDecay,
    Table,
    add_intercept_column,
    augmented_gram,
    design_from_table,
    effective_batch_size,
    gd_theory,
    make_regression,
    run_optimizer,
    safe_label,
    solve_least_squares,
    solve_normal_equations,
    steps_per_epoch,
    update_rule,
)

from .settings import DataSettings, LabSettings, RunSettings

# Rows of a path kept in memory: a long run is thinned (its final iterate stays exact),
# which bounds every cached trajectory to ~MAX_RECORDED × K × 8 bytes.
MAX_RECORDED = 20_000
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True, eq=False)
class Problem:
    """A dataset, its loss as a quadratic form, the closed-form answer and GD theory."""

    data: Dataset
    X: np.ndarray  # (N, P) design matrix; first column is ones when fitting an intercept
    y: np.ndarray  # (N,)
    loss: QuadraticLoss
    solution: LeastSquaresSolution  # normal equations, or the pseudo-inverse when they fail
    normal_error: str | None  # why the normal equations failed, in words, else None
    theory: object  # core.GDTheory
    param_names: tuple[str, ...]  # ("b", "w₁", "w₂", ...), or the table's column names
    intercept: bool  # X's first column is ones and param_names[0] names the intercept
    solve_time: float  # seconds taken by the closed-form solve shown
    notes: tuple[str, ...] = ()  # what reading real data changed (dropped rows, standardization)

    @property
    def w_star(self) -> np.ndarray:
        return self.solution.coef

    @property
    def true_params(self) -> np.ndarray | None:
        """The coefficients the data were made with; None for real data (nobody knows them)."""
        coef = self.data.coef
        if not np.all(np.isfinite(coef)):
            return None
        return np.concatenate([[self.data.intercept], coef]) if self.intercept else coef


def param_names(n_features: int, intercept: bool) -> tuple[str, ...]:
    names = tuple(f"w{str(i + 1).translate(SUBSCRIPTS)}" for i in range(n_features))
    return ("b", *names) if intercept else names


def figure_label(name: str) -> str:
    """A column name safe to show anywhere: one line, short, no markup (plotly reads < and >)."""
    return safe_label(name, max_len=40).replace("<", "‹").replace(">", "›")


def real_dataset(design: Design) -> Dataset:
    """Real data as a Dataset: the truth is unknown, so its coefficients are NaN."""
    has_intercept = design.intercept
    X = design.X[:, 1:] if has_intercept else design.X
    k = X.shape[1]
    nan = np.full(k, np.nan)
    return Dataset(
        X=X, y=design.y, coef=nan, intercept=float("nan"), noise=float("nan"),
        covariance=np.full((k, k), np.nan), X_test=np.empty((0, k)), y_test=np.empty(0), seed=0,
    )  # fmt: skip


def build_problem(settings: DataSettings, table: Table | None = None) -> Problem:
    """Draw (or read) the data and solve it in closed form; never switch method silently."""
    if not settings.synthetic:
        design = design_from_table(
            table,
            settings.target,
            list(settings.features),
            standardize=settings.standardize,
            intercept=settings.intercept,
            drop_missing=settings.drop_missing,
        )
        features = tuple(figure_label(n) for n in design.feature_names[int(design.intercept) :])
        names = (intercept_name(features), *features) if design.intercept else features
        return _solve(real_dataset(design), design.X, design.y, names, design.intercept, design.notes)
    data = make_regression(
        settings.n_samples,
        settings.n_features,
        noise=settings.noise,
        condition_number=settings.condition_number,
        seed=settings.seed,
        intercept=settings.true_intercept,
        n_test=min(1000, max(100, settings.n_samples)),
    )
    if settings.collinear and settings.n_features >= 2:
        data = duplicate_first_feature(data)
    X = add_intercept_column(data.X) if settings.intercept else data.X
    names = param_names(settings.n_features, settings.intercept)
    return _solve(data, X, data.y, names, settings.intercept)


def intercept_name(features: tuple[str, ...]) -> str:
    """The intercept's name: b, or (b) when a feature column is called b, so no two names clash."""
    name = "b"
    while name in features:
        name = f"({name})"
    return name


def _solve(data: Dataset, X, y, names: tuple[str, ...], intercept: bool, notes=()) -> Problem:
    start = time.perf_counter()
    gram = augmented_gram(X, y)  # the one pass over the data both of these need
    loss = QuadraticLoss.from_gram(gram, n_samples=len(y))
    normal_error = None
    try:
        solution = solve_normal_equations(gram, n_samples=len(y))
    except SingularGramError as exc:
        # The failure is the lesson: say so, and show the pseudo-inverse answer beside it.
        normal_error = str(exc)
        start = time.perf_counter()
        solution = solve_least_squares(X, y, method="svd")
    elapsed = time.perf_counter() - start
    return Problem(
        data=data, X=X, y=y, loss=loss, solution=solution, normal_error=normal_error, theory=gd_theory(loss),
        param_names=names, intercept=bool(intercept), solve_time=elapsed, notes=tuple(notes),
    )  # fmt: skip


def duplicate_first_feature(data: Dataset) -> Dataset:
    """The same problem with the last feature replaced by a copy of the first.

    y keeps its noise and follows the same true coefficients, so the truth is
    still exact; only X loses a rank.
    """
    X = data.X.copy()
    X[:, -1] = X[:, 0]
    y = data.y + (X[:, -1] - data.X[:, -1]) * data.coef[-1]
    return dataclasses.replace(data, X=X, y=y)


def make_schedule(run: RunSettings, total_steps: int):
    """The learning rate of ``run`` as a core schedule over ``total_steps`` steps."""
    eta = run.learning_rate
    if run.schedule == "inverse-time":
        return InverseTimeDecay(eta, run.decay)
    if run.schedule == "step":
        return StepDecay(eta, 0.5, max(1, total_steps // 4))
    if run.schedule == "cosine":
        return CosineDecay(eta, max(1, total_steps))
    return ConstantSchedule(eta)


def make_optimizer(run: RunSettings, total_steps: int):
    """The core optimizer for ``run``: its rule from core's registry, with the run's schedule."""
    return update_rule(run.rule).build(make_schedule(run, total_steps), **run.hyperparameters)


def start_point(settings: LabSettings) -> np.ndarray:
    """w0: the chosen first two coordinates, zeros elsewhere."""
    w0 = np.zeros(settings.data.n_params)
    m = min(2, w0.size)
    w0[:m] = settings.w0[:m]
    return w0


def run_one(problem: Problem, run: RunSettings, settings: LabSettings):
    """Run one optimizer on the problem's data from the shared start point."""
    n = problem.X.shape[0]
    batch = effective_batch_size(run.batch_size, n)  # a batch as large as the data is full batch
    total = settings.epochs * steps_per_epoch(n, batch)
    return run_optimizer(
        problem.X,
        problem.y,
        make_optimizer(run, total),
        batch_size=batch,
        epochs=settings.epochs,
        w0=start_point(settings),
        seed=settings.data.seed,
        loss=problem.loss,
        max_recorded=MAX_RECORDED,
    )
