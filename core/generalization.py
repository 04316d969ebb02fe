"""Generalization against dataset size: double descent, measured and in theory.

For a fixed number of features K the sample size N sweeps through K, so γ = K/N
goes from below 1 (more samples than features: a unique least-squares fit) to
above 1 (fewer: infinitely many interpolating fits, of which the pseudo-inverse
picks the minimum-norm one). With isotropic features x ~ N(0, I) and
y = xᵀw + ε, ε ~ N(0, σ²), the excess risk of an estimate ŵ is

    R(ŵ) = E_x[(xᵀ(ŵ − w))²] = ‖ŵ − w‖²,

and Hastie, Montanari, Rosset & Tibshirani (2019), "Surprises in
high-dimensional ridgeless least squares interpolation", Theorem 1, give its
limit as N, K → ∞ with K/N → γ for the minimum-norm least-squares fit:

    γ < 1:  σ² γ / (1 − γ)
    γ > 1:  r² (1 − 1/γ) + σ² / (γ − 1),      r² = ‖w‖².

Both blow up at γ = 1 (when σ > 0): the interpolation peak of double descent.

Throughout this module ``noise`` is the noise *variance* σ² and ``signal`` is
r² = ‖w‖², the parameters of the theorem (``make_regression`` takes the
standard deviation σ instead; the experiment converts).
"""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pandas as pd

try:  # optional: ships with scikit-learn; without it BLAS keeps its default thread count
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

from ._validation import check_array, check_float, check_int
from .data import make_regression

METHODS = ("min-norm least squares", "gradient descent from 0")
# N·K of one fit above this is refused: the dashboard must stay responsive on a laptop.
MAX_CELLS = 5_000_000


def min_norm_risk(gamma, *, signal, noise):
    """Asymptotic excess risk of minimum-norm least squares, isotropic features (HMRT 2019, Thm 1).

    Parameters
    ----------
    gamma : float or array-like of shape (m,)
        Aspect ratio γ = K/N > 0 (features per sample).
    signal : float
        r² = ‖w_true‖² ≥ 0.
    noise : float
        Noise variance σ² ≥ 0.

    Returns
    -------
    float or ndarray of shape (m,)
        σ²γ/(1 − γ) for γ < 1, r²(1 − 1/γ) + σ²/(γ − 1) for γ > 1, and inf at
        γ = 1 when σ² > 0 (0 when σ² = 0, the value of both one-sided limits).

    Examples
    --------
    >>> min_norm_risk([0.5, 2.0], signal=1.0, noise=1.0)
    array([1. , 1.5])
    """
    scalar = np.ndim(gamma) == 0
    g = check_array("gamma", np.atleast_1d(gamma), ndim=1)
    if np.any(g <= 0):
        raise ValueError(
            f"gamma must be positive (γ = K/N), got {g[g <= 0][0]:g}. Pass n_features / n_samples."
        )
    r2 = check_float("signal", signal, minimum=0.0, hint="signal is r² = ‖w_true‖².")
    s2 = check_float("noise", noise, minimum=0.0, hint="noise is the noise variance σ².")
    risk = np.empty_like(g)
    under = g < 1
    over = g > 1
    risk[under] = s2 * g[under] / (1.0 - g[under])
    risk[over] = r2 * (1.0 - 1.0 / g[over]) + s2 / (g[over] - 1.0)
    risk[~(under | over)] = np.inf if s2 > 0 else 0.0
    return float(risk[0]) if scalar else risk


def sample_sizes_for_gammas(n_features, gammas) -> np.ndarray:
    """Distinct sample sizes N = round(K/γ) (at least 1), ascending.

    Parameters
    ----------
    n_features : int
    gammas : array-like of shape (m,)
        Positive aspect ratios γ = K/N.

    Returns
    -------
    ndarray of int, shape (m',) with m' ≤ m
    """
    k = check_int("n_features", n_features, minimum=1)
    g = check_array("gammas", np.atleast_1d(gammas), ndim=1)
    if np.any(g <= 0):
        raise ValueError(f"gammas must all be positive, got {g[g <= 0][0]:g}.")
    return np.unique(np.maximum(np.rint(k / g), 1).astype(int))


def _thin_svd(X):
    """Thin SVD through a QR of the long side first: the SVD then works on a small square R.

    Same factors as ``np.linalg.svd(X, full_matrices=False)``, several times
    faster for the tall (or wide) matrices of the sweep.
    """
    if X.shape[0] >= X.shape[1]:
        Q, R = np.linalg.qr(X)  # X = QR, R is K×K
        Ur, s, Vt = np.linalg.svd(R)
        return Q @ Ur, s, Vt
    Q, R = np.linalg.qr(X.T)  # Xᵀ = QR, so X = RᵀQᵀ with Rᵀ N×N
    U, s, Vrt = np.linalg.svd(R.T)
    return U, s, Vrt @ Q.T


def _fits(X, y, *, ridge, gd_steps):
    """Min-norm, GD-from-zero and ridge fits from one thin SVD X = U S Vᵀ.

    In the eigenbasis of A = XᵀX/N (eigenvalues λᵢ = sᵢ²/N, eigenvectors Vᵀ's rows)
    every estimator is a filter on the coefficients cᵢ = (Uᵀy)ᵢ / sᵢ of the
    min-norm fit (w = Σ fᵢ cᵢ vᵢ):

        min-norm least squares   fᵢ = 1
        GD from 0, T steps of η  fᵢ = 1 − (1 − ηλᵢ)ᵀ    (exact: w_T = Σ_t (I − ηA)ᵗ η b)
        ridge, L + (λ/2)‖w‖²     fᵢ = λᵢ / (λᵢ + λ)
    """
    n = X.shape[0]
    U, s, Vt = _thin_svd(X)
    keep = s > s[0] * max(X.shape) * np.finfo(float).eps  # drop what the pseudo-inverse drops
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    c = (U.T @ y) / s  # (r,)
    lam = s**2 / n  # (r,) non-zero eigenvalues of XᵀX/N
    eta = 1.0 / lam[0]  # the safe "1/L" step, < 2/λ_max
    filters = {
        "min-norm least squares": np.ones_like(lam),
        "gradient descent from 0": 1.0 - (1.0 - eta * lam) ** gd_steps,
        _ridge_label(ridge): lam / (lam + ridge),
    }
    return {name: Vt.T @ (f * c) for name, f in filters.items()}


def _ridge_label(ridge: float) -> str:
    return f"ridge λ={ridge:g}"


def double_descent_experiment(
    n_features,
    sample_sizes,
    *,
    noise,
    signal=1.0,
    n_seeds=10,
    ridge=0.1,
    gd_steps=100,
    seed=0,
    n_test=0,
) -> pd.DataFrame:
    """Excess test risk of min-norm least squares, early-stopped GD and ridge against N.

    For every N in ``sample_sizes`` and every seed: isotropic data from
    ``make_regression(N, K, noise=√noise, condition_number=1)`` (covariance I)
    with a true w of random direction and ‖w‖² = ``signal``, then three fits
    (all from one SVD):

    - ``"min-norm least squares"``: w = X⁺y;
    - ``"gradient descent from 0"``: ``gd_steps`` full-batch steps of
      η = 1/λ_max(XᵀX/N) on L(w) = ‖y − Xw‖²/(2N) from w = 0 (computed in the
      eigenbasis, exactly equal to running the loop);
    - ``"ridge λ=<ridge>"``: the minimizer of L(w) + (ridge/2)‖w‖².

    Parameters
    ----------
    n_features : int
        K, fixed across the sweep.
    sample_sizes : array-like of int, shape (m,)
        The values of N (see :func:`sample_sizes_for_gammas`).
    noise : float
        Noise variance σ² ≥ 0 (the theorem's σ², not the standard deviation).
    signal : float, default=1.0
        r² = ‖w_true‖² ≥ 0.
    n_seeds : int, default=10
        Independent datasets per N.
    ridge : float > 0, default=0.1
    gd_steps : int ≥ 1, default=100
    seed : int, default=0
        Base seed; every (N, seed) cell gets its own independent stream.
    n_test : int, default=0
        When positive, also measure the test MSE on that many fresh rows and
        report MSE − σ² in ``measured_excess_risk`` (NaN otherwise).

    Returns
    -------
    pandas.DataFrame
        One row per (N, seed, method), columns ``n_samples``, ``gamma``,
        ``method``, ``seed``, ``test_excess_risk`` (exact ‖ŵ − w‖²) and
        ``measured_excess_risk``.
    """
    k = check_int("n_features", n_features, minimum=1, maximum=2000)
    sizes = check_array("sample_sizes", np.atleast_1d(sample_sizes), ndim=1)
    if np.any(sizes < 1) or np.any(sizes != np.round(sizes)):
        raise ValueError(f"sample_sizes must be whole numbers ≥ 1, got {sizes.tolist()}.")
    sizes = sizes.astype(int)
    if sizes.max() * k > MAX_CELLS:
        raise ValueError(
            f"sample_sizes × n_features must stay ≤ {MAX_CELLS:,} (laptop cap), got "
            f"{sizes.max()} × {k}. Use fewer samples or features."
        )
    s2 = check_float("noise", noise, minimum=0.0, hint="noise is the noise variance σ².")
    r2 = check_float("signal", signal, minimum=0.0, hint="signal is r² = ‖w_true‖².")
    n_seeds = check_int("n_seeds", n_seeds, minimum=1, maximum=1000)
    ridge = check_float("ridge", ridge, minimum=0.0, strict_minimum=True, hint="0.1 is a mild penalty.")
    gd_steps = check_int("gd_steps", gd_steps, minimum=1, maximum=1_000_000)
    seed = check_int("seed", seed, minimum=0)
    n_test = check_int("n_test", n_test, minimum=0, maximum=100_000)

    rows = []
    # Hundreds of QRs of a few hundred columns: threads only add hand-off cost, and on a busy
    # machine multithreaded BLAS made this sweep 20× slower. One thread per factorization.
    with threadpool_limits(1, user_api="blas") if threadpool_limits else nullcontext():
        for i, n in enumerate(sizes):
            _sweep_size(rows, i, n, k, n_seeds, seed, r2, s2, ridge, gd_steps, n_test)
    return pd.DataFrame(
        rows,
        columns=["n_samples", "gamma", "method", "seed", "test_excess_risk", "measured_excess_risk"],
    )


def _sweep_size(rows, i, n, k, n_seeds, seed, r2, s2, ridge, gd_steps, n_test):
    """Append the rows of every seed at sample size ``n`` (the i-th size)."""
    for s in range(n_seeds):
        # One independent stream per cell, so adding sizes or seeds leaves the others unchanged.
        cell = np.random.SeedSequence([seed, i, s]).generate_state(2)
        direction = np.random.default_rng(cell[1]).standard_normal(k)
        coef = direction * np.sqrt(r2) / np.linalg.norm(direction)
        data = make_regression(
            n, k, noise=np.sqrt(s2), condition_number=1.0, seed=int(cell[0]), coef=coef, n_test=n_test
        )
        for method, w in _fits(data.X, data.y, ridge=ridge, gd_steps=gd_steps).items():
            err = w - coef
            measured = np.nan
            if n_test:
                measured = float(np.mean((data.y_test - data.X_test @ w) ** 2)) - s2
            rows.append((int(n), k / n, method, s, float(err @ err), measured))


def summarize_risk(results: pd.DataFrame, value="test_excess_risk") -> pd.DataFrame:
    """Mean and standard-error band of a risk column per (N, γ, method).

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`double_descent_experiment`.
    value : str, default="test_excess_risk"
        The column to summarize (or ``"measured_excess_risk"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``n_samples``, ``gamma``, ``method``, ``mean``, ``median``,
        ``std_error`` (sample std / √seeds), ``lower`` and ``upper``
        (mean ∓ std_error) and ``n_seeds``, sorted by γ. Near γ = 1 the risk is
        heavy-tailed (its expectation is infinite at N = K), so the mean and its
        band are noisy there; the median is the steadier summary.
    """
    needed = {"n_samples", "gamma", "method", value}
    if not isinstance(results, pd.DataFrame) or not needed <= set(results.columns):
        raise ValueError(
            f"results must be the DataFrame from double_descent_experiment with columns {sorted(needed)}."
        )
    grouped = results.groupby(["n_samples", "gamma", "method"], sort=False)[value]
    out = grouped.agg(mean="mean", median="median", std="std", n_seeds="count").reset_index()
    out["std_error"] = out.pop("std").fillna(0.0) / np.sqrt(out["n_seeds"])
    out["lower"] = out["mean"] - out["std_error"]
    out["upper"] = out["mean"] + out["std_error"]
    cols = ["n_samples", "gamma", "method", "mean", "median", "std_error", "lower", "upper", "n_seeds"]
    return out[cols].sort_values(["method", "gamma"], kind="stable").reset_index(drop=True)
