"""``run_optimizer``: run an update rule on least squares and keep its whole path.

Full batch (``batch_size=None``) never touches X: the gradient is A(w − w*) from
the quadratic form, O(K²) per step whatever N is. Minibatch SGD walks the rows
in a fresh random order every epoch (``np.random.default_rng(seed)``), in the
compiled loop of ``_sgd_kernel``. The full-data loss at every recorded iterate
comes from the quadratic form too, L(w) − L* = ½‖Lᵀ(w − w*)‖² with A = LLᵀ: K² flops
per row and no pass over the data. That is up to K times the cost of the SGD step
itself, so it is computed when first asked for (``Trajectory.loss``), not inside
``run_optimizer``: a view that draws 400 points of a 100,000-step path never pays for
the rest. The run itself judges convergence and divergence on exact gaps at epoch
ends and on a subsample of the recorded rows.

Step numbering: iterate w_t is the point after t updates (w_0 the start); step t
is the update from w_t to w_{t+1}.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.linalg
from scipy.linalg.blas import dtrmm

from . import _sgd_kernel as kernel
from ._validation import _describe, check_float, check_int, check_X_y
from .batching import check_batch_size, steps_per_epoch
from .quadratic import QuadraticLoss
from .rules import PLAIN_GD, rule_of
from .schedules import ConstantSchedule

# A loss above this multiple of max(L(w0), L(0)) counts as diverged: the path has left any
# region a plot can show, and stopping early keeps the recorded values finite.
DIVERGENCE_FACTOR = 1e10
_ORDER_CHUNK = 1 << 20  # sample indices generated per kernel call (8 MB)
_LOSS_CHUNK = 8192  # rows per BLAS call when evaluating the loss
_MESSAGE_ROWS = 1024  # recorded rows whose gap the run's message is judged on
_SMALL_K = 32  # up to this many features the loss is evaluated by a compiled loop instead of BLAS


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The path of one optimizer run. Arrays are read-only.

    Attributes
    ----------
    weights : ndarray of shape (n_recorded, n_features)
        Recorded iterates, starting with w_0; the last row is always the final
        iterate w_{n_steps}, exactly.
    steps : ndarray of int of shape (n_recorded,)
        Iterate index t of each row of ``weights`` (0, r, 2r, ..., and n_steps;
        r = ``record_every``).
    loss : ndarray of shape (n_recorded,)
        Full-data loss L(w_t) at each recorded iterate, from the quadratic form
        (computed on first access, then kept).
    excess_loss : ndarray of shape (n_recorded,)
        L(w_t) − L*, computed without cancellation (for log-scale plots and theory).
    batch_loss, grad_norm : ndarray of shape (n_steps,)
        Entry t belongs to step t and is evaluated at w_t, before the update:
        the loss on step t's batch (the full loss L(w_t) for full batch) and the
        norm of the gradient the step used (the batch gradient; ∇L for full batch).
    learning_rate : ndarray of shape (n_steps,)
        η_t used by step t.
    epoch : ndarray of int of shape (n_steps,)
        Epoch (from 0) that step t belongs to; for full batch it equals t.
    converged, diverged : bool
    message : str
        What happened, in one sentence.
    n_steps : int
        Updates taken (w_{n_steps} is the last iterate).
    record_every : int
        Iterates kept: every ``record_every``-th (1 unless the run was long), plus the last.
    batch_size : int or None
        None for full batch (also when n_samples was passed).
    n_samples : int
    wall_time : float
        Seconds spent in ``run_optimizer``, including validation and (when no
        ``loss`` was passed) building the quadratic form.
    optimizer : SGD, AdaGrad, RMSProp or Adam
    seed : int
    objective : QuadraticLoss
        The loss the run minimized; ``loss`` and ``excess_loss`` are evaluated on it.
    """

    weights: np.ndarray
    steps: np.ndarray
    batch_loss: np.ndarray
    grad_norm: np.ndarray
    learning_rate: np.ndarray
    epoch: np.ndarray
    converged: bool
    diverged: bool
    message: str
    n_steps: int
    record_every: int
    batch_size: int | None
    n_samples: int
    wall_time: float
    optimizer: object
    seed: int
    objective: QuadraticLoss = field(repr=False)

    @cached_property
    def excess_loss(self) -> np.ndarray:
        gap = excess_loss(self.objective, self.weights)
        gap.setflags(write=False)
        return gap

    @cached_property
    def loss(self) -> np.ndarray:
        values = self.objective.min_value + self.excess_loss
        values.setflags(write=False)
        return values

    @property
    def steps_per_epoch(self) -> int:
        """Steps per pass over the data: ⌈N/B⌉, 1 for full batch."""
        return steps_per_epoch(self.n_samples, self.batch_size)

    @property
    def passes(self) -> float:
        """Passes over the data: samples touched / N (full batch: one per step)."""
        if self.batch_size is None:
            return float(self.n_steps)
        epochs, rest = divmod(self.n_steps, self.steps_per_epoch)
        return epochs + min(rest * self.batch_size, self.n_samples) / self.n_samples

    @property
    def final_weights(self) -> np.ndarray:
        """w_{n_steps}, shape (n_features,)."""
        return self.weights[-1]

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])

    @property
    def label(self) -> str:
        """Optimizer name and batch size, for a legend."""
        batch = "full batch" if self.batch_size is None else f"batch size {self.batch_size}"
        return f"{self.optimizer.name}, {batch}"


def run_optimizer(
    X,
    y,
    optimizer,
    *,
    batch_size=None,
    epochs=10,
    w0=None,
    seed=0,
    tol=1e-10,
    loss=None,
    max_recorded=200_000,
) -> Trajectory:
    """Minimize L(w) = ‖y − Xw‖²/(2N) with ``optimizer`` and record the path.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    optimizer : SGD, AdaGrad, RMSProp or Adam
    batch_size : int or None, default=None
        None: full-batch gradient descent, one step per epoch, using the
        quadratic form (``batch_size=n_samples`` is run the same way). 1: classic
        SGD. In between: minibatch SGD, ⌈N/B⌉ steps per epoch over a fresh
        permutation each epoch (the last batch takes the remainder).
    epochs : int, default=10
        Passes over the data (full batch: steps).
    w0 : array-like of shape (n_features,), optional
        Start; zeros by default (from which GD ends at the minimum-norm solution).
    seed : int, default=0
        Seed of ``np.random.default_rng`` for the shuffles; same seed, same path.
    tol : float, default=1e-10
        Stop as converged once L(w) − L* ≤ tol·(L(w_0) − L*). Checked before
        every full-batch step and at the end of every SGD epoch. 0 never stops early.
    loss : QuadraticLoss, optional
        ``QuadraticLoss.from_data(X, y)`` if already built (it must be for this
        X and y). Full batch then never reads X beyond its shape.
    max_recorded : int, default=200_000
        Most iterates to keep; longer runs keep every r-th (``record_every``) and the last.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        For bad data or hyperparameters. Divergence is not an error: it returns
        a trajectory with ``diverged=True`` and a message saying why.
    """
    start = time.perf_counter()
    rule = rule_of(optimizer)  # raises for anything that is not one of core's optimizers
    X, y, loss = _check_data(X, y, loss, batch_size)
    n, k = X.shape
    batch_size = check_batch_size(batch_size, n)  # B = N runs as full batch
    epochs = check_int("epochs", epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    tol = check_float("tol", tol, minimum=0.0, hint="Use 0 to always run every epoch.")
    max_recorded = check_int("max_recorded", max_recorded, minimum=2)
    w0 = _check_w0(w0, k)

    per_epoch = steps_per_epoch(n, batch_size)
    total = epochs * per_epoch
    # Keep floor(total/r) + 2 ≤ max_recorded rows: multiples of r, the start and the last.
    rec_every = 1 if total + 1 <= max_recorded else math.ceil(total / max(max_recorded - 2, 1))
    run = _Run(optimizer, rule, loss, w0, total, rec_every, tol, n)
    if batch_size is None:
        run.full_batch()
    else:
        run.minibatch(X, y, batch_size, epochs, seed)
    return run.finish(batch_size, per_epoch, seed, start)


def _check_data(X, y, loss, batch_size):
    if loss is None:
        X, y = check_X_y(X, y)
        return X, y, QuadraticLoss.from_data(X, y)
    if not isinstance(loss, QuadraticLoss):
        raise ValueError(
            f"loss must be a QuadraticLoss (QuadraticLoss.from_data(X, y)) or None, got {_describe(loss)}."
        )
    if batch_size is None:
        # Full batch reads only the quadratic form: check shapes, skip the O(NK) scan of X.
        X, y = np.asarray(X), np.asarray(y)
        if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
            X, y = check_X_y(X, y)  # raises the usual message
    else:
        # No isfinite scan either (it costs a sixth of an epoch): building ``loss`` from this X
        # already proved it finite, and the caller vouches that it was this X.
        X, y = check_X_y(X, y, finite=False)
    if X.shape != (loss.n_samples, loss.n_features):
        raise ValueError(
            f"loss was built for data of shape ({loss.n_samples}, {loss.n_features}) but X has shape "
            f"{X.shape}. Pass loss=QuadraticLoss.from_data(X, y) for this X, or loss=None."
        )
    return X, y, loss


def _check_w0(w0, k: int) -> np.ndarray:
    if w0 is None:
        return np.zeros(k)
    try:
        w = np.array(w0, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"w0 must be a vector of {k} numbers, got {_describe(w0)}.") from None
    if w.shape != (k,):
        raise ValueError(f"w0 must have shape ({k},), one weight per feature of X, got shape {w.shape}.")
    if not np.all(np.isfinite(w)):
        raise ValueError("w0 contains NaN or inf; start from finite weights (or w0=None for zeros).")
    return w


class _Run:
    """State of one run between the compiled calls and the final Trajectory."""

    def __init__(self, optimizer, rule, loss: QuadraticLoss, w0, total, rec_every, tol, n):
        self.optimizer, self.loss, self.total, self.rec_every, self.n = optimizer, loss, total, rec_every, n
        self.tol = tol
        self.update_rule = rule  # the registry entry (core.rules)
        self.rule, self.hyper = rule.kernel_spec(optimizer)  # kernel branch code and its slots
        self.w = w0.copy()
        k = w0.size
        self.s1, self.s2, self.count = np.zeros(k), np.zeros(k), 0
        self.A = np.ascontiguousarray(loss.A)
        self.F = np.ascontiguousarray(_loss_factor(loss)[0])  # (K, r): A = FFᵀ, for exact gaps
        self.w_star = np.ascontiguousarray(loss.minimizer)
        gap0 = float(excess_loss(loss, w0[None, :])[0])
        self.tol_gap = tol * gap0
        # Divergence threshold on L, and on the gap L − L*; see DIVERGENCE_FACTOR.
        self.loss_limit = DIVERGENCE_FACTOR * max(loss.min_value + gap0, 0.5 * loss.c, 1e-300)
        self.gap_limit = self.loss_limit - loss.min_value
        # Exactly the rows of a full run: multiples of rec_every, plus the last step when it is not one.
        self.W = np.empty((total // rec_every + 1 + (total % rec_every != 0), k))  # (n_rec_max, K)
        self.W[0] = w0
        self.n_rec = 1
        self.batch_loss = np.empty(total)
        self.grad_norm = np.empty(total)
        self.t, self.status = 0, kernel.RUNNING

    def rates(self, lo: int, hi: int) -> np.ndarray:
        schedule = self.optimizer.schedule
        if isinstance(schedule, ConstantSchedule):
            return np.full(hi - lo, schedule.value)
        return np.ascontiguousarray(schedule(np.arange(lo, hi)), dtype=np.float64)

    def full_batch(self):
        self.rate_array = self.rates(0, self.total)
        t, self.n_rec, self.count, self.status = kernel.run_full_batch(
            self.A, self.F, self.w_star, self.total, self.rate_array, self.rule, self.hyper, self.w, self.s1,
            self.s2, self.count, self.tol_gap, self.gap_limit, self.W, self.rec_every, self.batch_loss,
            self.grad_norm,
        )  # fmt: skip
        self.t = t
        self.batch_loss[:t] += self.loss.min_value  # the kernel stored gaps; the batch is all the data

    def _plain_single_sample(self, batch_size) -> bool:
        """The notes' classic SGD with every iterate kept: the fused kernel applies."""
        plain = self.rule == kernel.SGD_RULE and self.hyper[0] == 0.0  # SGD branch without momentum
        return plain and batch_size == 1 and self.rec_every == 1 and self.n_rec == self.t + 1

    def minibatch(self, X, y, batch_size, epochs, seed):
        X = np.ascontiguousarray(X)
        y = np.ascontiguousarray(y)
        rng = np.random.default_rng(seed)
        n = self.n
        per_epoch = steps_per_epoch(n, batch_size)
        chunk = max(1, _ORDER_CHUNK // n)
        rate_parts = []
        for first in range(0, epochs, chunk):
            m = min(chunk, epochs - first)
            orders = np.empty((m, n), dtype=np.int64)
            for e in range(m):
                orders[e] = rng.permutation(n)
            t0 = self.t
            rates = self.rates(t0, t0 + m * per_epoch)
            rate_parts.append(rates)
            if self._plain_single_sample(batch_size):
                self.t, self.n_rec, self.status, _ = kernel.run_single_sample_sgd(
                    X, y, orders, rates, t0, self.w, self.A, self.F, self.w_star, self.tol_gap,
                    self.loss_limit, self.gap_limit, self.W, self.n_rec, self.batch_loss, self.grad_norm,
                )  # fmt: skip
            else:
                self.t, self.n_rec, self.count, self.status, _ = kernel.run_minibatch(
                    X, y, orders, batch_size, rates, t0, self.rule, self.hyper, self.w, self.s1, self.s2,
                    self.count, self.A, self.F, self.w_star, self.tol_gap, self.loss_limit, self.gap_limit,
                    self.W, self.n_rec, self.rec_every, self.batch_loss, self.grad_norm,
                )  # fmt: skip
            if self.status != kernel.RUNNING:
                break
        self.rate_array = np.concatenate(rate_parts)

    def finish(self, batch_size, per_epoch, seed, start) -> Trajectory:
        t, n_rec = self.t, self.n_rec
        steps = np.arange(n_rec, dtype=np.int64) * self.rec_every
        if steps[-1] != t:  # the final iterate is always kept
            self.W[n_rec] = self.w
            steps = np.append(steps, t)
            n_rec += 1
        W = self.W[:n_rec]
        diverged = self.status == kernel.DIVERGED
        diverged_at = t if diverged else None
        # Exact gaps of every row only when the run blew up (to cut it at the first bad row);
        # otherwise of an even subsample, enough for the message (the kernel checked the rest).
        rows = np.arange(n_rec) if diverged else _subsample(n_rec, _MESSAGE_ROWS)
        gap = excess_loss(self.loss, W[rows])
        if not np.all(gap <= self.gap_limit) and rows.size < n_rec:
            gap = excess_loss(self.loss, W)  # find the first bad row among all of them
        bad = np.flatnonzero(~(gap <= self.gap_limit))
        if bad.size:  # iterates past the limit inside an SGD epoch, or whose loss overflowed
            first = int(bad[0])
            keep = first + 1 if np.isfinite(gap[first]) else max(first, 1)
            diverged_at = int(steps[first]) if not diverged else min(diverged_at, int(steps[first]))
            diverged = True
            W, steps, gap = W[:keep], steps[:keep], gap[:keep]
            t = int(steps[-1])
        converged = self.status == kernel.CONVERGED and not diverged
        per_step = {
            "batch_loss": self.batch_loss[:t],
            "grad_norm": self.grad_norm[:t],
            "learning_rate": self.rate_array[:t],
            "epoch": np.arange(t, dtype=np.int64) // per_epoch,
        }
        message = _message(self, converged, diverged, diverged_at, t, gap, batch_size, per_epoch)
        arrays = {"weights": W, "steps": steps, **per_step}
        for name, value in arrays.items():
            if value.nbytes < getattr(
                value.base, "nbytes", 0
            ):  # a slice of a buffer sized for the full run: keep only what is used
                value = value.copy()
            value.setflags(write=False)
            arrays[name] = value
        return Trajectory(
            **arrays,
            converged=bool(converged),
            diverged=bool(diverged),
            message=message,
            n_steps=int(t),
            record_every=int(self.rec_every),
            batch_size=batch_size,
            n_samples=self.n,
            wall_time=time.perf_counter() - start,
            optimizer=self.optimizer,
            seed=seed,
            objective=self.loss,
        )


def _subsample(n: int, most: int) -> np.ndarray:
    """Up to ``most`` evenly spaced indices of range(n), first and last included."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, most).round().astype(np.int64))


def excess_loss(loss: QuadraticLoss, W) -> np.ndarray:
    """L(w) − L* = ½(w − w*)ᵀA(w − w*) for each row of ``W`` (M, K) → (M,), no pass over the data.

    With A = LLᵀ (Cholesky) it is ½‖Lᵀ(w − w*)‖²: K² flops a row, half of a general
    matrix product. Wide problems use one triangular BLAS product per block of
    rows; narrow ones a compiled row loop (tiny BLAS calls cost more in thread
    hand-offs than in arithmetic). A singular A uses its eigen-factor instead
    (the null space adds nothing to the loss).
    """
    W = np.ascontiguousarray(W, dtype=np.float64)
    m, k = W.shape
    out = np.empty(m)
    factor, triangular = _loss_factor(loss)
    if k <= _SMALL_K:
        kernel.row_gaps(
            W, np.ascontiguousarray(loss.minimizer), np.ascontiguousarray(factor), triangular, out
        )
        return out
    with np.errstate(over="ignore", invalid="ignore"):
        for lo in range(0, m, _LOSS_CHUNK):
            hi = min(m, lo + _LOSS_CHUNK)
            D = W[lo:hi] - loss.minimizer  # (rows, K), C order = Dᵀ in Fortran order
            if triangular:
                R = dtrmm(1.0, factor, D.T, side=0, lower=1, trans_a=1, overwrite_b=1)  # Lᵀ Dᵀ, (K, rows)
                out[lo:hi] = 0.5 * np.einsum("ij,ij->j", R, R)
            else:
                R = D @ factor  # (rows, rank)
                out[lo:hi] = 0.5 * np.einsum("ij,ij->i", R, R)
    return out


def _loss_factor(loss: QuadraticLoss) -> tuple[np.ndarray, bool]:
    if loss.rank == loss.n_features:
        try:
            return np.asfortranarray(scipy.linalg.cholesky(loss.A, lower=True)), True
        except np.linalg.LinAlgError:
            pass  # numerically singular after all: the eigen-factor below is exact on the range
    r = max(loss.rank, 1)
    lam = np.clip(loss.eigenvalues[:r], 0.0, None)
    return loss.eigenvectors[:, :r] * np.sqrt(lam), False


def _message(run: _Run, converged, diverged, diverged_at, t, gap, batch_size, per_epoch) -> str:
    if converged:
        if t == 0:
            return "converged after 0 steps: the start is already the minimizer"
        if run.tol == 0:
            return f"converged after {t} steps: the loss gap L(w) − L* reached 0 to rounding"
        return (
            f"converged after {t} steps: the loss gap L(w) − L* fell below {run.tol:g} of its starting value"
        )
    if diverged:
        return _divergence_message(run, diverged_at, batch_size, per_epoch)
    ran = f"ran {t} steps" + ("" if batch_size is None else f" ({t / per_epoch:.3g} epochs)")
    start, end = float(gap[0]), float(gap[-1])
    if start == 0.0:
        return f"{ran} from the minimizer; the stochastic steps moved it to a loss gap of {end:.3g}"
    if end > start:
        return f"{ran}; the loss grew to {end / start:.3g}× its starting gap above the minimum"
    if end <= 1e-24 * start:
        return f"{ran}; the loss is at its minimum up to rounding (gap {end:.3g})"
    where = f"the gap to the minimum is {end:.3g}, {end / start:.2g} of its start"
    if batch_size is not None and len(gap) >= 8:
        quarter = len(gap) // 4
        if np.mean(gap[-quarter:]) > 0.7 * np.mean(gap[-2 * quarter : -quarter]):
            return (
                f"{ran}; the loss levelled off ({where}): the noise of stochastic steps keeps it there "
                "(decay the learning rate or grow the batch to go lower)"
            )
    return f"{ran}; loss still decreasing ({where})"


def _divergence_message(run: _Run, diverged_at, batch_size, per_epoch) -> str:
    opt, rule = run.optimizer, run.update_rule
    lam_max = float(run.loss.eigenvalues[0])
    rates = run.rate_array[: max(diverged_at, 1)]  # the rates of the steps that led there
    constant = isinstance(opt.schedule, ConstantSchedule)
    rate = float(rates[-1])
    rate_text = f"learning rate {rate:.3g}" + ("" if constant else " at that step")
    where = f"diverged at step {diverged_at}"
    if batch_size is not None:
        where += f" (epoch {diverged_at // per_epoch})"
    limit = rule.stability_limit_of(opt, lam_max)  # constant η is stable below it (core.rules)
    if limit is None:
        return (
            f"{where}: {opt.name} with {rate_text} blew the loss up; try a smaller learning rate "
            f"(plain GD is stable below {PLAIN_GD.stability_limit(lam_max):.3g} for this data)"
        )
    what = "" if rule is PLAIN_GD else f" for {opt.name}"
    if rate <= limit and float(rates.max()) > limit:  # a schedule that decayed too late
        rate_text = f"the learning rate reached {float(rates.max()):.3g}, which"
    if batch_size is None or float(rates.max()) > limit:
        return f"{where}: {rate_text} is above the stability limit {limit:.3g}{what} on this data"
    return (
        f"{where}: {rate_text} is too large for stochastic steps with batch size {batch_size} "
        f"(full-batch GD is stable below {limit:.3g} on this data; small batches need smaller rates)"
    )
