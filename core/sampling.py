"""Which rows each SGD step used, and the directions of a step: taken, full gradient, one example.

``run_optimizer`` shuffles with ``rng = np.random.default_rng(seed)`` and, for
every epoch in turn, ``rng.permutation(N)``; the batches of that epoch are the
consecutive slices ``order[0:B], order[B:2B], ...`` (the last one takes the
remainder). Nothing else draws from ``rng``, so replaying those calls gives the
exact rows of every step (``batch_indices``); a test replays the steps from them.

With those rows, one step t (from w_t to w_{t+1}) is seen three ways
(``step_directions``)::

    step taken       w_{t+1} − w_t                 (−η_t g for plain SGD)
    full gradient    ∇L(w_t) = A(w_t − w*)         (the direction GD would go against)
    batch gradient   g = (1/B) Σ_{i∈batch} xᵢ(xᵢᵀw_t − yᵢ)

For B = 1 the batch gradient is xᵢ(xᵢᵀw_t − yᵢ): a multiple of the data point xᵢ.
Each classic SGD step therefore moves along one data direction, whatever K is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validation import _describe, check_int, check_X_y
from .batching import check_batch_size, steps_per_epoch
from .quadratic import QuadraticLoss
from .trajectory import Trajectory


@dataclass(frozen=True, eq=False)
class BatchIndices(Sequence):
    """The rows of every minibatch step of a run, as a read-only sequence: ``batches[t]``.

    Attributes
    ----------
    orders : ndarray of int of shape (epochs, n_samples)
        The sample order of each epoch (``rng.permutation(N)``; ``arange(N)`` for full batch).
    batch_size : int
        B; the last batch of an epoch holds N − (⌈N/B⌉ − 1)·B rows.
    full_batch : bool
        True when every step uses every row (``batch_size`` None or N): no shuffle was drawn.
    """

    orders: np.ndarray
    batch_size: int
    full_batch: bool

    @property
    def n_samples(self) -> int:
        return int(self.orders.shape[1])

    @property
    def epochs(self) -> int:
        return int(self.orders.shape[0])

    @property
    def steps_per_epoch(self) -> int:
        """⌈N/B⌉ (1 for full batch)."""
        return steps_per_epoch(self.n_samples, self.batch_size)

    def __len__(self) -> int:
        return self.epochs * self.steps_per_epoch

    def __getitem__(self, step):
        """Row indices (int array of shape (b,)) used by step ``step`` (negative counts from the end)."""
        if isinstance(step, slice):
            return [self[t] for t in range(*step.indices(len(self)))]
        t = check_int("step", step)
        if not -len(self) <= t < len(self):
            raise IndexError(f"step {t} is out of range: these batches cover steps 0 … {len(self) - 1}.")
        epoch, p = divmod(t % len(self), self.steps_per_epoch)
        lo = p * self.batch_size
        return self.orders[epoch, lo : lo + self.batch_size]

    def __iter__(self):
        for t in range(len(self)):
            yield self[t]

    def epoch_of(self, step: int) -> int:
        """Epoch (from 0) of step ``step``."""
        return check_int("step", step, minimum=0, maximum=len(self) - 1) // self.steps_per_epoch


def batch_indices(n_samples, batch_size, epochs, seed) -> BatchIndices:
    """The rows each step of ``run_optimizer(..., batch_size, epochs, seed)`` used.

    Parameters
    ----------
    n_samples : int
        N, the rows of X.
    batch_size : int or None
        B, as passed to ``run_optimizer``: 1 is classic SGD; None or N is full batch
        (every step uses every row, and no shuffle is drawn).
    epochs : int
        Epochs to generate. A run that stopped early used a prefix of them; asking
        for fewer epochs than the run had gives the same first steps (the shuffles
        are drawn one epoch after another).
    seed : int
        The run's seed.

    Returns
    -------
    BatchIndices
        ``batches[t]`` is the int array of rows of step t, ``len(batches)`` = epochs·⌈N/B⌉.

    Examples
    --------
    >>> b = batch_indices(5, 2, epochs=1, seed=0)
    >>> [rows.tolist() for rows in b]  # doctest: +SKIP
    [[4, 2], [1, 3], [0]]
    """
    n = check_int("n_samples", n_samples, minimum=1)
    epochs = check_int("epochs", epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    batch_size = check_batch_size(batch_size, n)
    if batch_size is None:  # full batch (None or N), as run_optimizer runs it: no shuffle
        orders = np.broadcast_to(np.arange(n, dtype=np.int64), (epochs, n))
        return BatchIndices(orders, n, True)
    # The very calls of trajectory._Run.minibatch, in the same order (its chunking of
    # epochs only groups them into arrays; it does not change the stream).
    rng = np.random.default_rng(seed)
    orders = np.empty((epochs, n), dtype=np.int64)  # (epochs, N)
    for e in range(epochs):
        orders[e] = rng.permutation(n)
    orders.setflags(write=False)
    return BatchIndices(orders, batch_size, False)


def batch_indices_of(trajectory: Trajectory, *, epochs=None) -> BatchIndices:
    """:func:`batch_indices` for the run that produced ``trajectory`` (its N, B and seed).

    ``epochs`` defaults to the epochs the run actually touched.
    """
    _check_trajectory(trajectory)
    if epochs is None:
        epochs = max(1, math.ceil(trajectory.n_steps / trajectory.steps_per_epoch))
    return batch_indices(trajectory.n_samples, trajectory.batch_size, epochs, trajectory.seed)


@dataclass(frozen=True, eq=False)
class StepDirections:
    """Chosen steps of a run, each seen as the step taken, the full gradient and its batch's gradient.

    Row j belongs to step ``steps[j]``, the update from w_t to w_{t+1} (t = ``steps[j]``).

    Attributes
    ----------
    steps : ndarray of int of shape (m,)
    weights : ndarray of shape (m, n_features)
        w_t, where each step starts.
    step : ndarray of shape (m, n_features)
        w_{t+1} − w_t, the step actually taken.
    gradient : ndarray of shape (m, n_features)
        ∇L(w_t) = A(w_t − w*) = Xᵀ(Xw_t − y)/N, from the quadratic form.
    batch_gradient : ndarray of shape (m, n_features)
        The gradient the optimizer was given: (1/b) Σ_{i∈batch} xᵢ(xᵢᵀw_t − yᵢ); ∇L(w_t) for full batch.
    learning_rate : ndarray of shape (m,)
        η_t.
    batches : tuple of m int arrays
        The rows of each step's batch.
    batch_size : int or None
        None for full batch.
    samples : ndarray of int of shape (m,), or None
        For B = 1: the row i of each step.
    examples : ndarray of shape (m, n_features), or None
        For B = 1: xᵢ, to which the step's gradient is parallel.
    residuals : ndarray of shape (m,), or None
        For B = 1: xᵢᵀw_t − yᵢ, so that batch_gradient = residual·xᵢ.
    """

    steps: np.ndarray
    weights: np.ndarray
    step: np.ndarray
    gradient: np.ndarray
    batch_gradient: np.ndarray
    learning_rate: np.ndarray
    batches: tuple
    batch_size: int | None
    samples: np.ndarray | None
    examples: np.ndarray | None
    residuals: np.ndarray | None

    def __len__(self) -> int:
        return int(self.steps.size)

    @property
    def example_gradient(self) -> np.ndarray | None:
        """For B = 1, xᵢ(xᵢᵀw_t − yᵢ) (m, K), the single-example gradient; else None."""
        return self.batch_gradient if self.batch_size == 1 else None

    @property
    def angle_to_gradient(self) -> np.ndarray:
        """Angle in degrees between the step taken and −∇L(w_t) (m,); 0 is steepest descent.

        NaN where either vector is zero (a step that did not move, or w_t = w*).
        """
        return _angle(self.step, -self.gradient)

    @property
    def angle_to_batch_gradient(self) -> np.ndarray:
        """Angle in degrees between the step taken and −(batch gradient) (m,); 0 for plain SGD."""
        return _angle(self.step, -self.batch_gradient)


def _angle(U: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Row-wise angle in degrees, by Kahan's 2·atan2(‖û − v̂‖, ‖û + v̂‖): exact near 0° and 180°."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        nu = np.linalg.norm(U, axis=1, keepdims=True)
        nv = np.linalg.norm(V, axis=1, keepdims=True)
        u, v = U / nu, V / nv
        out = np.degrees(2 * np.arctan2(np.linalg.norm(u - v, axis=1), np.linalg.norm(u + v, axis=1)))
    ok = (nu[:, 0] > 0) & (nv[:, 0] > 0) & np.isfinite(out)
    return np.where(ok, out, np.nan)


def _check_trajectory(trajectory) -> None:
    if not isinstance(trajectory, Trajectory):
        raise ValueError(
            f"trajectory must be a core.Trajectory from run_optimizer, got {_describe(trajectory)}."
        )


def _check_steps(steps, n_steps: int) -> np.ndarray:
    if n_steps == 0:
        raise ValueError("the trajectory took no steps (it started at the minimizer or stopped at once).")
    values = np.atleast_1d(np.asarray(steps))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"steps must be a step index or a 1-D list of them, got {_describe(steps)}.")
    if not np.issubdtype(values.dtype, np.integer):
        if not (np.issubdtype(values.dtype, np.floating) and np.all(values == np.round(values))):
            raise ValueError(f"steps must be whole numbers, got {_describe(steps)}.")
        values = values.astype(np.int64)
    bad = values[(values < 0) | (values >= n_steps)]
    if bad.size:
        raise ValueError(
            f"steps must lie in 0 … {n_steps - 1} (step t goes from w_t to w_(t+1); this run took "
            f"{n_steps} steps), got {int(bad[0])}."
        )
    return values.astype(np.int64)


def step_directions(X, y, trajectory, loss, *, steps) -> StepDirections:
    """The step taken, the full gradient and the batch (for B = 1: one example's) gradient at chosen steps.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        The data the run was made on.
    trajectory : Trajectory
        From ``run_optimizer`` with every iterate kept (``record_every == 1``).
    loss : QuadraticLoss
        ``QuadraticLoss.from_data(X, y)``; the full gradient comes from it.
    steps : int or array-like of int of shape (m,)
        Step indices t in 0 … n_steps − 1.

    Returns
    -------
    StepDirections

    Raises
    ------
    ValueError
        When the trajectory was thinned (``record_every`` > 1: w_{t+1} is not known
        for every t), when the data do not match the run, or for a step out of range.
    """
    _check_trajectory(trajectory)
    if trajectory.record_every != 1:
        raise ValueError(
            f"step_directions needs every iterate, but this trajectory kept only every "
            f"{trajectory.record_every}th (record_every={trajectory.record_every}). Rerun with a larger "
            "max_recorded, fewer epochs or a larger batch."
        )
    if not isinstance(loss, QuadraticLoss):
        raise ValueError(
            f"loss must be a QuadraticLoss (QuadraticLoss.from_data(X, y)), got {_describe(loss)}."
        )
    X, y = check_X_y(X, y)
    k = trajectory.weights.shape[1]
    if X.shape != (trajectory.n_samples, k) or (loss.n_samples, loss.n_features) != X.shape:
        raise ValueError(
            f"X has shape {X.shape}, but the run was made on data of shape ({trajectory.n_samples}, {k}) "
            f"and the loss on ({loss.n_samples}, {loss.n_features}). Pass the X, y and loss of the run."
        )
    t = _check_steps(steps, trajectory.n_steps)
    W = np.asarray(trajectory.weights, dtype=np.float64)
    w_t = W[t]  # (m, K); row t is w_t because every iterate was recorded
    step = W[t + 1] - w_t  # (m, K)
    gradient = np.atleast_2d(loss.gradient(w_t))  # (m, K)
    rates = np.asarray(trajectory.learning_rate, dtype=np.float64)[t]
    samples = examples = residuals = None
    if trajectory.batch_size is None:
        batches = tuple(np.arange(trajectory.n_samples) for _ in t)
        batch_gradient = gradient.copy()  # what the full-batch loop used: A(w − w*)
    else:
        order = batch_indices_of(trajectory, epochs=int(t.max()) // trajectory.steps_per_epoch + 1)
        batches = tuple(np.asarray(order[int(s)]) for s in t)
        batch_gradient = np.empty_like(w_t)
        for j, rows in enumerate(batches):
            Xb = X[rows]  # (b, K)
            r = Xb @ w_t[j] - y[rows]  # (b,) xᵢᵀw − yᵢ
            batch_gradient[j] = Xb.T @ r / rows.size
        if trajectory.batch_size == 1:
            samples = np.array([int(rows[0]) for rows in batches], dtype=np.int64)
            examples = X[samples]  # (m, K)
            residuals = np.einsum("ij,ij->i", examples, w_t) - y[samples]
    out = StepDirections(
        steps=t,
        weights=w_t,
        step=step,
        gradient=gradient,
        batch_gradient=batch_gradient,
        learning_rate=rates,
        batches=batches,
        batch_size=trajectory.batch_size,
        samples=samples,
        examples=examples,
        residuals=residuals,
    )
    for value in (out.steps, out.weights, out.step, out.gradient, out.batch_gradient, out.learning_rate):
        value.setflags(write=False)
    return out
