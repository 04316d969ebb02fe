"""Synthetic regression data with a known truth.

``X`` rows are drawn from N(0, Σ) where Σ = Q diag(s) Qᵀ has a random rotation Q
and eigenvalues ``s`` spaced geometrically between 1 and 1/condition_number
(rescaled to mean 1, so the average feature variance is 1 whatever the
conditioning). Σ is the Hessian of the loss in expectation, so its condition
number is the elongation of the loss valley that the dashboard draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_float, check_int

# Above this the synthetic covariance itself is numerically singular.
MAX_CONDITION_NUMBER = 1e12


@dataclass(frozen=True, eq=False)
class Dataset:
    """A synthetic regression problem and the truth behind it.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training features (no column of ones; see :func:`add_intercept_column`).
    y : ndarray of shape (n_samples,)
        Training targets, ``y = X @ coef + intercept + noise``.
    coef : ndarray of shape (n_features,)
        True coefficients.
    intercept : float
        True intercept (0.0 when the data were made without one).
    noise : float
        Standard deviation of the Gaussian noise added to ``y``.
    covariance : ndarray of shape (n_features, n_features)
        Population covariance Σ of the rows of ``X``.
    X_test, y_test : ndarray of shape (n_test, n_features) and (n_test,)
        A held-out sample from the same distribution (empty when ``n_test=0``).
    seed : int
        The seed that reproduces this dataset.
    """

    X: np.ndarray
    y: np.ndarray
    coef: np.ndarray
    intercept: float
    noise: float
    covariance: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    seed: int

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]


def covariance_factors(n_features: int, condition_number: float, rng):
    """Eigenvalues (mean 1, ratio ``condition_number``) and a random rotation for Σ."""
    eigenvalues = np.geomspace(1.0, 1.0 / condition_number, n_features)
    eigenvalues *= n_features / eigenvalues.sum()
    # Haar-random rotation: QR of a Gaussian matrix with the sign of R's diagonal fixed.
    q, r = np.linalg.qr(rng.standard_normal((n_features, n_features)))
    q *= np.sign(np.diag(r))
    return eigenvalues, q


def make_regression(
    n_samples,
    n_features,
    *,
    noise,
    condition_number=1.0,
    seed=0,
    intercept=0.0,
    coef=None,
    n_test=0,
) -> Dataset:
    """Draw a linear-regression problem with known coefficients.

    Parameters
    ----------
    n_samples : int
        Number of training rows N (≥ 1).
    n_features : int
        Number of features K (≥ 1).
    noise : float
        Standard deviation σ ≥ 0 of the Gaussian noise on ``y``; 0 gives an exact fit.
    condition_number : float, default=1.0
        Condition number κ ≥ 1 of the features' covariance Σ (the loss Hessian in
        expectation): 1 is a round bowl, large values a long narrow valley. The
        realized κ of ``XᵀX`` approaches it as N grows.
    seed : int, default=0
        Seed of the random generator; the same seed gives the same dataset.
    intercept : float, default=0.0
        True intercept added to ``y``.
    coef : array-like of shape (n_features,), optional
        True coefficients; by default drawn i.i.d. N(0, 1) (so E‖coef‖² = K).
    n_test : int, default=0
        Rows of an extra held-out sample from the same distribution.

    Returns
    -------
    Dataset
        Frozen result with ``X``, ``y``, ``coef``, ``X_test``, ``y_test`` and the truth.

    Examples
    --------
    >>> data = make_regression(100, 2, noise=0.1, condition_number=10, seed=1)
    >>> data.X.shape, data.y.shape, data.coef.shape
    ((100, 2), (100,), (2,))
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    n_features = check_int("n_features", n_features, minimum=1)
    noise = check_float("noise", noise, minimum=0.0, hint="Use 0 for noise-free data.")
    condition_number = check_float(
        "condition_number",
        condition_number,
        minimum=1.0,
        maximum=MAX_CONDITION_NUMBER,
        hint="1 means uncorrelated features of equal scale.",
    )
    seed = check_int("seed", seed, minimum=0)
    intercept = check_float("intercept", intercept)
    n_test = check_int("n_test", n_test, minimum=0)

    rng = np.random.default_rng(seed)
    eigenvalues, rotation = covariance_factors(n_features, condition_number, rng)
    covariance = (rotation * eigenvalues) @ rotation.T
    root = np.sqrt(eigenvalues)[:, None] * rotation.T  # z @ root has covariance Σ
    if coef is None:
        coef = rng.standard_normal(n_features)
    else:
        coef = check_array("coef", coef, ndim=1)
        if coef.shape[0] != n_features:
            raise ValueError(f"coef must have n_features={n_features} entries, got {coef.shape[0]}.")

    def draw(rows: int) -> tuple[np.ndarray, np.ndarray]:
        X = rng.standard_normal((rows, n_features)) @ root  # (rows, K)
        y = X @ coef + intercept + noise * rng.standard_normal(rows)  # (rows,)
        return X, y

    X, y = draw(n_samples)
    X_test, y_test = draw(n_test)
    return Dataset(
        X=X,
        y=y,
        coef=coef.copy(),
        intercept=intercept,
        noise=noise,
        covariance=covariance,
        X_test=X_test,
        y_test=y_test,
        seed=seed,
    )


def add_intercept_column(X) -> np.ndarray:
    """Prepend a column of ones, so the first coefficient is the intercept.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_samples, n_features + 1)
    """
    X = check_array("X", X, ndim=2)
    return np.hstack([np.ones((X.shape[0], 1)), X])
