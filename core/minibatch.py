"""Minibatch landscapes: every batch has its own minimum, and how far they scatter.

A minibatch B of rows has its own least-squares loss L_B(w) = ‖y_B − X_B w‖²/(2B)
with its own minimizer ŵ_B. For least squares this is not "a different local
minimum" of one landscape: each L_B is convex with a single minimizer (an
affine set if B < K), and they scatter around the full-data w*. Writing
rᵢ = yᵢ − xᵢᵀw* (so Σᵢ xᵢrᵢ = 0, the normal equations),

    ŵ_B − w* = A_B⁻¹ (1/B) Σ_{i∈B} xᵢ rᵢ,      A_B = X_BᵀX_B / B,

and for K ≪ B the covariance of ŵ_B is (1/B)·A⁻¹SA⁻¹·(N − B)/(N − 1) with
S = (1/N) Σ rᵢ² xᵢxᵢᵀ (the "sandwich"; the last factor is the finite-population
correction for drawing without replacement). Hence the 1/√B law for the spread,
valid for K ≪ B ≪ N.

Constant-rate SGD never settles on w*: it keeps jumping between the batch
minima and fills a "noise ball" around w*, whose size we measure (with
``run_optimizer``) and, for sampling with replacement, compute exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_array, check_float, check_int, check_X_y
from .optimizers import SGD
from .quadratic import QuadraticLoss
from .solvers import solve_least_squares
from .trajectory import run_optimizer

MAX_THEORY_FEATURES = 30  # the exact noise-ball theory solves a K²×K² linear system


@dataclass(frozen=True, eq=False)
class BatchMinimizers:
    """The least-squares minimizers of random minibatches.

    Attributes
    ----------
    minimizers : ndarray of shape (n_batches, n_features)
        ŵ_B for each batch (the minimum-norm one when B < K or X_B is rank deficient).
    indices : ndarray of int, shape (n_batches, batch_size)
        The rows of each batch (``QuadraticLoss.from_data(X[idx], y[idx])`` gives its loss).
    full_minimizer : ndarray of shape (n_features,)
        w* of all the data.
    batch_size : int
    """

    minimizers: np.ndarray
    indices: np.ndarray
    full_minimizer: np.ndarray
    batch_size: int

    @property
    def distances(self) -> np.ndarray:
        """‖ŵ_B − w*‖ per batch, shape (n_batches,)."""
        return np.linalg.norm(self.minimizers - self.full_minimizer, axis=1)


def batch_minimizers(X, y, batch_size, *, n_batches=20, seed=0) -> BatchMinimizers:
    """Minimizers of ``n_batches`` random minibatches of ``batch_size`` rows.

    Rows are distinct within a batch (drawn without replacement); batches are
    drawn independently of each other. Each minimizer is X_B⁺y_B via the SVD.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    batch_size : int, 1 ≤ batch_size ≤ n_samples
    n_batches : int, default=20
    seed : int, default=0

    Returns
    -------
    BatchMinimizers
    """
    X, y = check_X_y(X, y)
    n = X.shape[0]
    b = check_int("batch_size", batch_size, minimum=1, maximum=n)
    n_batches = check_int("n_batches", n_batches, minimum=1, maximum=100_000)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.choice(n, b, replace=False) for _ in range(n_batches)])  # (n_batches, B), O(B) each
    W = np.array([solve_least_squares(X[i], y[i], method="svd").coef for i in idx])  # (n_batches, K)
    full = solve_least_squares(X, y, method="svd").coef
    return BatchMinimizers(minimizers=W, indices=idx, full_minimizer=full, batch_size=b)


def sandwich_covariance(X, y) -> np.ndarray:
    """S-sandwich A⁻¹SA⁻¹ with A = XᵀX/N, S = (1/N)Σ rᵢ²xᵢxᵢᵀ at the full-data w*.

    B·Cov(ŵ_B) tends to it for K ≪ B ≪ N (see the module docstring).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (n_features, n_features)
    """
    X, y = check_X_y(X, y)
    n, k = X.shape
    sol = solve_least_squares(X, y, method="svd")
    if sol.rank < k:
        raise ValueError(
            f"X has rank {sol.rank} < {k} features, so the batch minimizers have no covariance law. "
            "Remove collinear features."
        )
    r = y - X @ sol.coef  # (N,)
    S = (X * r[:, None] ** 2).T @ X / n
    A_inv = np.linalg.inv(X.T @ X / n)
    return A_inv @ S @ A_inv


def minimizer_spread(X, y, batch_sizes, *, n_batches=50, seed=0) -> pd.DataFrame:
    """How far per-batch minimizers scatter around w*, against the batch size.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    batch_sizes : array-like of int, shape (m,)
    n_batches : int, default=50
        Batches per size.
    seed : int, default=0

    Returns
    -------
    pandas.DataFrame
        One row per batch size, ascending: ``batch_size``; ``mean_distance``
        (mean ‖ŵ_B − w*‖); ``rms_distance`` (√mean ‖ŵ_B − w*‖²); ``rms_spread``
        (RMS distance of the ŵ_B to their own mean); ``law`` = c/√B with c
        fitted by least squares on log(rms_distance) + ½ log B over the rows
        with ``in_fit`` (K ≪ B ≪ N: 10K ≤ B ≤ N/10, or every B > K + 1 when
        none qualifies), i.e. c is the geometric mean of rms_distance·√B;
        ``theory`` = √(tr(A⁻¹SA⁻¹)/B · (N − B)/(N − 1)), the sandwich law with
        nothing fitted (NaN when X is rank deficient); ``in_fit``.
    """
    X, y = check_X_y(X, y)
    n, k = X.shape
    sizes = check_array("batch_sizes", np.atleast_1d(batch_sizes), ndim=1)
    if np.any(sizes != np.round(sizes)) or np.any(sizes < 1) or np.any(sizes > n):
        raise ValueError(f"batch_sizes must be whole numbers in [1, n_samples={n}], got {sizes.tolist()}.")
    sizes = np.unique(sizes.astype(int))
    rows = []
    for i, b in enumerate(sizes):
        res = batch_minimizers(X, y, b, n_batches=n_batches, seed=seed + i)
        d = res.distances
        centred = res.minimizers - res.minimizers.mean(axis=0)
        rows.append((b, d.mean(), np.sqrt(np.mean(d**2)), np.sqrt(np.mean(np.sum(centred**2, axis=1)))))
    df = pd.DataFrame(rows, columns=["batch_size", "mean_distance", "rms_distance", "rms_spread"])
    in_fit = (df["batch_size"] >= 10 * k) & (df["batch_size"] <= n / 10)
    if not in_fit.any():
        in_fit = df["batch_size"] > k + 1
    positive = in_fit & (df["rms_distance"] > 0)
    if positive.any():
        log_c = np.mean(
            np.log(df.loc[positive, "rms_distance"]) + 0.5 * np.log(df.loc[positive, "batch_size"])
        )
        df["law"] = np.exp(log_c) / np.sqrt(df["batch_size"])
    else:
        df["law"] = np.nan
    try:
        trace = float(np.trace(sandwich_covariance(X, y)))
        fpc = (n - df["batch_size"]) / max(n - 1, 1)
        df["theory"] = np.sqrt(trace / df["batch_size"] * fpc)
    except ValueError:
        df["theory"] = np.nan
    df["in_fit"] = in_fit
    return df


def noise_ball_theory(X, y, learning_rate, batch_size) -> tuple[float, float]:
    """Exact stationary size of constant-rate SGD's noise ball, for sampling with replacement.

    With Δ = w − w*, a step on a batch of B rows drawn with replacement is
    Δ ← (I − ηA_B)Δ + η h_B, h_B = (1/B)Σ xⱼrⱼ (mean 0 because Σᵢ xᵢrᵢ = 0).
    The stationary second moment M = E[ΔΔᵀ] then solves the linear equation

        M = (I − ηA)M(I − ηA) + (η²/B)·[(1/N)Σᵢ (xᵢᵀMxᵢ) xᵢxᵢᵀ − AMA] + (η²/B)·S

    with S = (1/N)Σ rᵢ²xᵢxᵢᵀ: no approximation, only the with-replacement
    sampling (``run_optimizer`` reshuffles each epoch instead, which agrees
    when the ball relaxes in far fewer steps than an epoch, 1/(ηλ_min) ≪ N/B).
    For small η it reduces to AM + MA ≈ (η/B)S, i.e. E[L − L*] ≈ η·tr(S)/(4B).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), n_features ≤ 30
    y : array-like of shape (n_samples,)
    learning_rate : float > 0
    batch_size : int ≥ 1

    Returns
    -------
    rms_radius : float
        √E‖w − w*‖² = √tr M (inf when the second moment does not settle).
    excess_loss : float
        E[L(w) − L*] = ½ tr(AM).
    """
    X, y = check_X_y(X, y)
    k = X.shape[1]
    if k > MAX_THEORY_FEATURES:
        raise ValueError(f"noise_ball_theory handles at most {MAX_THEORY_FEATURES} features, got {k}.")
    eta = check_float("learning_rate", learning_rate, minimum=0.0, strict_minimum=True)
    b = check_int("batch_size", batch_size, minimum=1)
    return _noise_ball_theory(_noise_moments(X, y), eta, b)


def _noise_moments(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A, S and the fourth moment of validated data: O(NK⁴), so computed once per dataset."""
    n, k = X.shape
    w = solve_least_squares(X, y, method="svd").coef
    r = y - X @ w
    A = X.T @ X / n
    S = (X * r[:, None] ** 2).T @ X / n
    # vec((1/N)Σ (xᵀMx) xxᵀ) = (1/N)Σ vec(xxᵀ) vec(xxᵀ)ᵀ vec M.
    outer = np.einsum("ni,nj->nij", X, X).reshape(n, k * k)  # (N, K²)
    return A, S, outer.T @ outer / n  # (K, K), (K, K), (K², K²)


def _noise_ball_theory(moments, eta: float, b: int) -> tuple[float, float]:
    A, S, fourth = moments
    k = A.shape[0]
    P = np.eye(k) - eta * A
    # vec(PMP) = (P ⊗ P) vec M.
    op = np.kron(P, P) + (eta**2 / b) * (fourth - np.kron(A, A))
    if np.max(np.abs(np.linalg.eigvals(op))) >= 1.0:
        return float("inf"), float("inf")
    M = np.linalg.solve(np.eye(k * k) - op, (eta**2 / b) * S.reshape(-1)).reshape(k, k)
    M = 0.5 * (M + M.T)
    return float(np.sqrt(max(np.trace(M), 0.0))), float(0.5 * np.trace(A @ M))


def noise_ball_radius(X, y, *, learning_rates, batch_sizes, epochs=20, seed=0, burn_in=0.5) -> pd.DataFrame:
    """Measure the noise ball of constant-rate SGD around w*, per learning rate and batch size.

    Each run starts at w* (so nothing but noise moves it), uses
    ``run_optimizer(X, y, SGD(η), batch_size=B, epochs=epochs, tol=0)`` and
    measures the iterates after the first ``burn_in`` fraction of its steps.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    learning_rates : array-like of float, shape (p,)
    batch_sizes : array-like of int, shape (q,)
    epochs : int, default=20
    seed : int, default=0
    burn_in : float in [0, 1), default=0.5

    Returns
    -------
    pandas.DataFrame
        One row per (learning_rate, batch_size): ``learning_rate``,
        ``batch_size``, ``rms_radius`` (√mean ‖w_t − w*‖²), ``mean_excess_loss``
        (mean L(w_t) − L*), ``theory_rms_radius`` and ``theory_excess_loss``
        (:func:`noise_ball_theory`; NaN for more than 30 features),
        ``diverged``, ``n_iterates`` (iterates averaged).
    """
    X, y = check_X_y(X, y)
    n, k = X.shape
    rates = check_array("learning_rates", np.atleast_1d(learning_rates), ndim=1)
    if np.any(rates <= 0):
        raise ValueError(f"learning_rates must be positive, got {rates.tolist()}.")
    sizes = check_array("batch_sizes", np.atleast_1d(batch_sizes), ndim=1)
    if np.any(sizes != np.round(sizes)) or np.any(sizes < 1) or np.any(sizes > n):
        raise ValueError(f"batch_sizes must be whole numbers in [1, n_samples={n}], got {sizes.tolist()}.")
    epochs = check_int("epochs", epochs, minimum=1, maximum=100_000)
    seed = check_int("seed", seed, minimum=0)
    burn_in = check_float("burn_in", burn_in, minimum=0.0, maximum=0.99)
    loss = QuadraticLoss.from_data(X, y)
    w_star = loss.minimizer
    moments = _noise_moments(X, y) if k <= MAX_THEORY_FEATURES else None
    rows = []
    for eta in rates:
        for b in sizes.astype(int):
            traj = run_optimizer(
                X,
                y,
                SGD(float(eta)),
                batch_size=int(b),
                epochs=epochs,
                w0=w_star,
                seed=seed,
                tol=0.0,
                loss=loss,
            )
            keep = traj.steps >= burn_in * traj.n_steps
            D = traj.weights[keep] - w_star
            radius = float(np.sqrt(np.mean(np.sum(D**2, axis=1))))
            excess = float(np.mean(traj.excess_loss[keep]))
            if moments is not None:
                t_radius, t_excess = _noise_ball_theory(moments, float(eta), int(b))
            else:
                t_radius = t_excess = np.nan
            rows.append(
                (float(eta), int(b), radius, excess, t_radius, t_excess, traj.diverged, int(keep.sum()))
            )
    return pd.DataFrame(
        rows,
        columns=[
            "learning_rate",
            "batch_size",
            "rms_radius",
            "mean_excess_loss",
            "theory_rms_radius",
            "theory_excess_loss",
            "diverged",
            "n_iterates",
        ],
    )
