"""Minima told truthfully: least squares has one valley; a tiny neural net has more.

Least squares. L(w) = ‖y − Xw‖²/(2N) is convex. Its minimizers form the affine
set w* + null(X): a single point when XᵀX is invertible, otherwise a flat
valley (a line, a plane, ...) along which the loss does not change at all. The
pseudo-inverse picks the point of that set closest to 0. :func:`minimum_set`
returns both pieces so the view can draw the valley.

A non-convex contrast: one tanh unit, y = w₂·tanh(w₁·x) + ε with x ~ N(0, 1).
It is the smallest neural network (one hidden unit, two weights, so the loss
is a surface we can draw), its prediction is smooth, and what it has is known
exactly rather than asserted:

- two global minima, (w₁*, w₂*) and (−w₁*, −w₂*): tanh is odd, so both give the
  *same function*. Runs that end in "different minima" here disagree about the
  weights but not about the predictions;
- one saddle, at the origin (the Hessian there is [[0, −c], [−c, 0]] with
  c = mean(x·y), eigenvalues ±c), and no other stationary point: on the line
  w₁ = 0 the slope in w₁ is −w₂·mean(x·y) ≠ 0 and on w₂ = 0 the slope in w₂ is
  −mean(y·tanh(w₁x)) ≠ 0 away from the origin;
- flat ground far out, in two directions: as |w₁| → ∞, tanh(w₁x) → sign(x)
  (a step function), and as w₁ → 0 with w₁w₂ fixed, w₂·tanh(w₁x) → w₁w₂·x
  (a straight line). Along both the loss tends to a constant and the gradient
  vanishes without a minimum being there. With very few samples (N ≲ 5) the
  step or the line can fit better than any finite (w₁, w₂), and then there
  is no finite minimum at all: descent drifts outwards for ever.
  This disappears as N grows (it is what "more data smooths the landscape"
  means for this model), and the minimum found moves towards the true weights
  with a spread ∝ 1/√N.

We found no spurious local minimum near w₁ = 0 or elsewhere for N ≳ 10 (profile
scans over w₁ with w₂ at its optimum); the loss is quadratic in w₂ for fixed
w₁, so any minimum sits on the curve w₂ = mean(y·t)/mean(t²), t = tanh(w₁x).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.optimize

from ._validation import check_array, check_float, check_int, check_weights
from .batching import steps_per_epoch
from .quadratic import QuadraticLoss

TRUE_WEIGHTS = (1.5, 1.0)
# A run is "at a minimum" when the gradient norm has fallen below this ...
GRAD_TOL = 1e-5
# ... inside this box. Beyond |w₁| = 8 tanh is saturated (a step function); beyond |w₂| = 20
# with w₁ ≈ 0 the unit is linear (w₂·tanh(w₁x) ≈ w₁w₂·x). Both are flat ground, not minima.
PLATEAU_W1 = 8.0
PLATEAU_W2 = 20.0


# -- least squares: the set of minima -----------------------------------------------------


@dataclass(frozen=True, eq=False)
class MinimumSet:
    """The minimizers of a least-squares loss: the affine set w* + span(null_space).

    Attributes
    ----------
    minimizer : ndarray of shape (n_features,)
        The minimum-norm minimizer w* = A⁺b, orthogonal to the null space.
    null_space : ndarray of shape (n_features, n_features - rank)
        Orthonormal basis of null(A) = null(X): the flat directions of the
        valley (empty, shape (K, 0), when the minimum is unique).
    min_value : float
        L(w*), the value at every point of the set.
    rank : int
    """

    minimizer: np.ndarray
    null_space: np.ndarray
    min_value: float
    rank: int

    @property
    def dimension(self) -> int:
        """0 for a single point, 1 for a line of minima, 2 for a plane, ..."""
        return self.null_space.shape[1]

    @property
    def description(self) -> str:
        if self.dimension == 0:
            return "a single minimum: XᵀX is invertible, the loss is strictly convex"
        shape = {1: "a line", 2: "a plane"}.get(self.dimension, f"a {self.dimension}-dimensional affine set")
        return (
            f"{shape} of minima (a flat valley): XᵀX is singular (rank {self.rank}); "
            "the pseudo-inverse picks its point of minimum norm"
        )

    def points(self, Z) -> np.ndarray:
        """Points w* + null_space @ z of the set, one per row of ``Z`` (M, dimension) → (M, K)."""
        Z = np.atleast_2d(np.asarray(Z, dtype=np.float64))
        if Z.shape[1] != self.dimension:
            raise ValueError(
                f"Z must have {self.dimension} column(s), one per flat direction, got {Z.shape}."
            )
        return self.minimizer + Z @ self.null_space.T


def minimum_set(loss: QuadraticLoss) -> MinimumSet:
    """Describe where a least-squares loss attains its minimum.

    Parameters
    ----------
    loss : QuadraticLoss

    Returns
    -------
    MinimumSet
        The minimum-norm minimizer and an orthonormal basis of the flat
        directions (eigenvectors of A = XᵀX/N whose eigenvalues are zero up to
        rounding, by the same rank rule as ``QuadraticLoss``).
    """
    if not isinstance(loss, QuadraticLoss):
        raise ValueError(f"loss must be a QuadraticLoss, got {type(loss).__name__}.")
    return MinimumSet(
        minimizer=loss.minimizer.copy(),
        null_space=loss.eigenvectors[:, loss.rank :].copy(),
        min_value=loss.min_value,
        rank=loss.rank,
    )


# -- the one-unit tanh model -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TanhData:
    """Samples of y = w₂·tanh(w₁·x) + ε.

    Attributes
    ----------
    x, y : ndarray of shape (n_samples,)
    true_weights : ndarray of shape (2,)
        (w₁, w₂) that generated y.
    noise : float
        Standard deviation of ε.
    seed : int
    """

    x: np.ndarray
    y: np.ndarray
    true_weights: np.ndarray
    noise: float
    seed: int


def make_tanh_data(n_samples, *, noise=0.3, true_weights=TRUE_WEIGHTS, seed=0) -> TanhData:
    """Draw x ~ N(0, 1) and y = w₂·tanh(w₁·x) + noise·N(0, 1).

    Parameters
    ----------
    n_samples : int ≥ 1
    noise : float ≥ 0, default=0.3
    true_weights : (float, float), default=(1.5, 1.0)
    seed : int, default=0

    Returns
    -------
    TanhData
    """
    n = check_int("n_samples", n_samples, minimum=1, maximum=1_000_000)
    noise = check_float("noise", noise, minimum=0.0)
    w = check_array("true_weights", true_weights, ndim=1)
    if w.shape != (2,):
        raise ValueError(f"true_weights must be two numbers (w1, w2), got shape {w.shape}.")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = w[1] * np.tanh(w[0] * x) + noise * rng.standard_normal(n)
    return TanhData(x=x, y=y, true_weights=w, noise=noise, seed=seed)


def _xy(x, y):
    x = check_array("x", x, ndim=1)
    y = check_array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} != {y.size}.")
    return x, y


def _loss(W, x, y):
    r = W[:, 1:] * np.tanh(W[:, :1] * x) - y  # (M, N) residuals
    return 0.5 * np.mean(r * r, axis=1)


def _gradient(W, x, y):
    t = np.tanh(W[:, :1] * x)  # (M, N)
    r = W[:, 1:] * t - y  # (M, N)
    g1 = np.mean(r * W[:, 1:] * x * (1.0 - t * t), axis=1)  # ∂/∂w₁: r·w₂·x·sech²(w₁x)
    g2 = np.mean(r * t, axis=1)  # ∂/∂w₂: r·tanh(w₁x)
    return np.stack([g1, g2], axis=1)


def tanh_loss(W, x, y):
    """L(w) = mean((w₂·tanh(w₁x) − y)²)/2, the project's 1/(2N) convention.

    Parameters
    ----------
    W : array-like of shape (M, 2) or (2,)
    x, y : array-like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (M,), or float for a single (2,) point
    """
    x, y = _xy(x, y)
    W2, single = check_weights("W", W, 2)
    out = _loss(W2, x, y)
    return float(out[0]) if single else out


def tanh_gradient(W, x, y):
    """∇L = mean(r·[w₂·x·sech²(w₁x), tanh(w₁x)]) with r = w₂·tanh(w₁x) − y.

    Parameters
    ----------
    W : array-like of shape (M, 2) or (2,)
    x, y : array-like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (M, 2) or (2,)
    """
    x, y = _xy(x, y)
    W2, single = check_weights("W", W, 2)
    G = _gradient(W2, x, y)
    return G[0] if single else G


def tanh_loss_grid(x, y, w1, w2) -> np.ndarray:
    """The loss on a grid, for a surface or contour plot.

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
    w1 : array-like of shape (n_w1,)
    w2 : array-like of shape (n_w2,)

    Returns
    -------
    ndarray of shape (n_w2, n_w1)
        ``Z[j, i] = L(w1[i], w2[j])`` (rows follow w2, as plotly expects).
    """
    x, y = _xy(x, y)
    w1 = check_array("w1", w1, ndim=1)
    w2 = check_array("w2", w2, ndim=1)
    if w1.size * w2.size * x.size > 5e7:
        raise ValueError(
            f"grid too large: {w1.size}×{w2.size} points × {x.size} samples > 5e7. Use a coarser grid."
        )
    # L = ½(w₂² mean(t²) − 2w₂ mean(t·y) + mean(y²)): one tanh per w₁, not per grid point.
    t = np.tanh(w1[:, None] * x)  # (n_w1, N)
    tt, ty, yy = np.mean(t * t, axis=1), t @ y / x.size, np.mean(y * y)
    return 0.5 * (w2[:, None] ** 2 * tt - 2 * w2[:, None] * ty + yy)


def run_tanh_descent(
    x, y, starts, *, learning_rate=0.3, epochs=1000, batch_size=None, seed=0, record_every=1
) -> np.ndarray:
    """(Stochastic) gradient descent on the tanh model from many starts at once.

    Each step w ← w − η·∇L_B(w) uses a minibatch B; with ``batch_size=None`` B
    is the full data (GD, one step per epoch). Minibatches are drawn by
    shuffling once per epoch, independently for every start.

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
    starts : array-like of shape (M, 2) or (2,)
    learning_rate : float > 0, default=0.3
    epochs : int ≥ 1, default=1000
    batch_size : int, optional
        Samples per step (1 ≤ B ≤ N); None for full-batch GD.
    seed : int, default=0
    record_every : int ≥ 1, default=1
        Keep every that many steps (the last is always kept).

    Returns
    -------
    ndarray of shape (M, n_recorded, 2)
        The paths, starts first. A run that overflows stays NaN from then on.
    """
    x, y = _xy(x, y)
    W, _ = check_weights("starts", starts, 2)
    return _descend(W, x[None], y[None], learning_rate, epochs, batch_size, seed, record_every)


def _descend(W, X, Y, learning_rate, epochs, batch_size, seed, record_every):
    """Descent for runs W (M, 2) on data X, Y of shape (M, N) (one dataset per run) or (1, N)."""
    eta = check_float("learning_rate", learning_rate, minimum=0.0, strict_minimum=True)
    epochs = check_int("epochs", epochs, minimum=1, maximum=1_000_000)
    m, n = W.shape[0], X.shape[1]
    b = n if batch_size is None else check_int("batch_size", batch_size, minimum=1, maximum=n)
    record_every = check_int("record_every", record_every, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    per_epoch = steps_per_epoch(n, b)
    total = epochs * per_epoch
    if m * total * b > 2e8:
        raise ValueError(
            f"too much work: {m} runs × {total} steps × batch {b} > 2e8. Use fewer starts, epochs or samples."
        )
    rng = np.random.default_rng(seed)
    X, Y = np.broadcast_to(X, (m, n)), np.broadcast_to(Y, (m, n))
    path = [W.copy()]
    for epoch in range(epochs):
        order = np.argsort(rng.random((m, n)), axis=1) if b < n else None  # (M, N) per-run shuffles
        for s in range(per_epoch):
            if order is None:
                G = _gradient(W, X, Y)
            else:
                idx = order[:, s * b : (s + 1) * b]  # (M, B): each run its own batch
                G = _gradient(W, np.take_along_axis(X, idx, 1), np.take_along_axis(Y, idx, 1))
            with np.errstate(over="ignore", invalid="ignore"):
                W = W - eta * G
            step = epoch * per_epoch + s + 1
            if step % record_every == 0 or step == total:
                path.append(W.copy())
    return np.stack(path, axis=1)


def _kind(w, x, y) -> str:
    """ "minimum", "saddle" or "flat" from the Hessian's eigenvalues at a stationary point."""
    eig = np.linalg.eigvalsh(_hessian(w, x, y))
    if eig[0] > 1e-8:
        return "minimum"
    return "saddle" if eig[0] < -1e-8 < eig[1] else "flat"


def _polish(w, x, y):
    """Newton-type refinement (BFGS, analytic gradient) to a stationary point; (w, ok).

    Descent slows to a crawl where the valley is flat; BFGS finishes the job so
    that end points can be compared at 1e-3. ``ok`` is False when it ran off
    onto the flat ground (beyond PLATEAU_W1 or PLATEAU_W2) or did not converge.
    """
    if not np.all(np.isfinite(w)):
        return w, False

    def fun(v):
        return float(_loss(v[None], x, y)[0]), _gradient(v[None], x, y)[0]

    res = scipy.optimize.minimize(fun, w, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 500})
    v = res.x
    g = np.linalg.norm(_gradient(v[None], x, y))
    inside = abs(v[0]) < PLATEAU_W1 and abs(v[1]) < PLATEAU_W2
    return v, bool(np.all(np.isfinite(v)) and inside and g < GRAD_TOL)


def _hessian(w, x, y, h=1e-5):
    """Central differences of the analytic gradient, symmetrized: (2, 2)."""
    E = np.eye(2) * h
    H = (_gradient(w + E, x, y) - _gradient(w - E, x, y)) / (2 * h)  # row i: ∂g/∂wᵢ
    return 0.5 * (H + H.T)


@dataclass(frozen=True, eq=False)
class MinimaReport:
    """Where runs from many starts ended, and the distinct stationary points among them.

    Attributes
    ----------
    minima : pandas.DataFrame
        One row per distinct point: ``w1``, ``w2``, ``loss``, ``n_runs``,
        ``kind`` ("minimum" or "saddle", from the Hessian), ``is_global`` (loss within
        1e-8 of the best) and ``mirror`` (row index of its image under
        (w₁, w₂) → (−w₁, −w₂), or -1).
    starts, endpoints : ndarray of shape (n_runs, 2)
        Where each run began and where descent left it (before polishing).
    labels : ndarray of int, shape (n_runs,)
        Row of ``minima`` each run ended at; -1 when it found no stationary
        point (it ran off onto the flat ground, stalled where the Hessian is
        singular, or diverged).
    """

    minima: pd.DataFrame
    starts: np.ndarray
    endpoints: np.ndarray
    labels: np.ndarray

    @property
    def n_distinct_minima(self) -> int:
        return int((self.minima["kind"] == "minimum").sum())


def find_minima(
    x,
    y,
    *,
    n_starts=48,
    box=(3.0, 2.0),
    learning_rate=0.3,
    epochs=1000,
    batch_size=None,
    seed=0,
    merge_distance=1e-3,
) -> MinimaReport:
    """Run descent from random starts, polish, and cluster the stationary points reached.

    Every run is descent (GD, or SGD with ``batch_size``) followed by a BFGS
    polish: descent decides *which* basin a run falls into, the polish makes
    the end point exact enough to tell distinct points apart (SGD only hovers
    near a minimum, and GD crawls in flat valleys).

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
    n_starts : int, default=48
        Starts drawn uniformly in [−box[0], box[0]] × [−box[1], box[1]].
    box : (float, float), default=(3.0, 2.0)
    learning_rate, epochs, batch_size, seed
        As in :func:`run_tanh_descent`.
    merge_distance : float, default=1e-3
        Polished points closer than this are the same point.

    Returns
    -------
    MinimaReport
    """
    x, y = _xy(x, y)
    n_starts = check_int("n_starts", n_starts, minimum=1, maximum=1000)
    box = check_array("box", box, ndim=1)
    if box.shape != (2,) or np.any(box <= 0):
        raise ValueError(f"box must be two positive half-widths (for w1, w2), got {box.tolist()}.")
    merge = check_float("merge_distance", merge_distance, minimum=0.0, strict_minimum=True)
    seed = check_int("seed", seed, minimum=0)
    starts = np.random.default_rng(seed).uniform(-box, box, size=(n_starts, 2))
    ends = _descend(starts, x[None], y[None], learning_rate, epochs, batch_size, seed, 10**9)[:, -1]

    labels = np.full(n_starts, -1)
    centers: list[tuple[np.ndarray, str]] = []
    for i in range(n_starts):
        v, ok = _polish(ends[i], x, y)
        kind = _kind(v, x, y) if ok else "flat"
        if kind == "flat":  # a small gradient on flat ground is not a stationary point worth naming
            continue
        for j, (c, _) in enumerate(centers):
            if np.linalg.norm(v - c) < merge:
                labels[i] = j
                break
        else:
            labels[i] = len(centers)
            centers.append((v, kind))
    rows = [
        (c[0], c[1], float(_loss(c[None], x, y)[0]), int(np.sum(labels == j)), kind)
        for j, (c, kind) in enumerate(centers)
    ]
    minima = pd.DataFrame(rows, columns=["w1", "w2", "loss", "n_runs", "kind"])
    best = minima["loss"].min() if len(minima) else np.nan
    minima["is_global"] = minima["loss"] <= best + 1e-8
    C = minima[["w1", "w2"]].to_numpy()
    minima["mirror"] = [
        int(np.argmin(d)) if d.min() < merge else -1 for d in (np.linalg.norm(C + c, axis=1) for c in C)
    ]
    return MinimaReport(minima=minima, starts=starts, endpoints=ends, labels=labels)


def agreement_vs_sample_size(
    sample_sizes,
    *,
    n_seeds=20,
    noise=0.3,
    true_weights=TRUE_WEIGHTS,
    start=(0.5, -0.5),
    learning_rate=0.3,
    epochs=300,
    batch_size=None,
    agree_distance=0.25,
    seed=0,
) -> pd.DataFrame:
    """Do runs on different datasets of size N find the same minimum? Measured against N.

    For each N and seed, a fresh dataset of N samples (equivalently, a
    different minibatch of size N from the same population) and one descent
    run from the same ``start``, polished as in :func:`find_minima`. End
    points are mapped to the w₁ > 0 member of the mirror pair (the two are the
    same function), then compared.

    Parameters
    ----------
    sample_sizes : array-like of int, shape (m,)
    n_seeds : int ≥ 2, default=20
    noise : float, default=0.3
        Standard deviation of ε.
    true_weights : (float, float), default=(1.5, 1.0)
    start : (float, float), default=(0.5, -0.5)
    learning_rate, epochs, batch_size
        As in :func:`run_tanh_descent` (one run per dataset, all vectorized).
    agree_distance : float, default=0.25
        Two runs agree when their mirrored end points are closer than this.
    seed : int, default=0

    Returns
    -------
    pandas.DataFrame
        One row per N: ``n_samples``; ``converged_fraction`` (runs that reached
        a finite minimum rather than running off onto the flat ground, which
        happens when a small dataset is fit better by a step function);
        ``same_sign_fraction`` (runs in the majority member of the mirror
        pair); ``agreement_fraction`` (pairs of converged runs that agree);
        ``endpoint_spread`` (RMS distance of converged, mirrored minima to the
        true weights, ∝ 1/√N for large N; small N has outliers far out in w₁),
        ``median_distance`` (the robust version); ``mean_loss``.
    """
    sizes = check_array("sample_sizes", np.atleast_1d(sample_sizes), ndim=1)
    if np.any(sizes < 1) or np.any(sizes != np.round(sizes)) or sizes.max() > 100_000:
        raise ValueError(f"sample_sizes must be whole numbers in [1, 100000], got {sizes.tolist()}.")
    n_seeds = check_int("n_seeds", n_seeds, minimum=2, maximum=1000)
    start, _ = check_weights("start", start, 2)
    agree = check_float("agree_distance", agree_distance, minimum=0.0, strict_minimum=True)
    seed = check_int("seed", seed, minimum=0)
    w_true = check_array("true_weights", true_weights, ndim=1)
    target = w_true * (np.sign(w_true[0]) or 1.0)  # the w₁ ≥ 0 member of the true pair
    rows = []
    for n in sizes.astype(int):
        sets = [
            make_tanh_data(n, noise=noise, true_weights=w_true, seed=seed * 100_003 + s)
            for s in range(n_seeds)
        ]
        X = np.stack([d.x for d in sets])  # (seeds, N): one dataset per run
        Y = np.stack([d.y for d in sets])
        W0 = np.repeat(start, n_seeds, axis=0)
        ends = _descend(W0, X, Y, learning_rate, epochs, batch_size, seed, 10**9)[:, -1]
        polished = [_polish(ends[s], X[s], Y[s]) for s in range(n_seeds)]
        E = np.array([v for v, _ in polished])  # (seeds, 2)
        ok = np.array([good for _, good in polished])
        sign = np.where(E[:, 0] < 0, -1.0, 1.0)
        Mc = (E * sign[:, None])[ok]  # converged minima, mirrored into w₁ ≥ 0
        agreement = spread = median = np.nan
        if len(Mc) >= 2:
            D = np.linalg.norm(Mc[:, None] - Mc[None], axis=2)
            agreement = float(np.mean(D[np.triu_indices(len(Mc), 1)] < agree))
        if len(Mc):
            dist = np.linalg.norm(Mc - target, axis=1)
            spread, median = float(np.sqrt(np.mean(dist**2))), float(np.median(dist))
        losses = [float(_loss(E[s][None], X[s], Y[s])[0]) for s in range(n_seeds)]
        same_sign = float(max(np.mean(sign[ok] > 0), np.mean(sign[ok] < 0))) if ok.any() else np.nan
        rows.append((n, float(ok.mean()), same_sign, agreement, spread, median, float(np.mean(losses))))
    return pd.DataFrame(
        rows,
        columns=[
            "n_samples",
            "converged_fraction",
            "same_sign_fraction",
            "agreement_fraction",
            "endpoint_spread",
            "median_distance",
            "mean_loss",
        ],
    )
