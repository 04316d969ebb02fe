"""The geometry of least squares: projection onto col(X), and the loss in its eigenbasis.

Column space. Xw ranges over the column space col(X) ⊂ ℝᴺ. The fit ŷ = Xw* is
the point of col(X) closest to y, i.e. its orthogonal projection, so the
residual r = y − ŷ is orthogonal to every column: Xᵀr = 0, which *is* the normal
equation XᵀXw = Xᵀy. With N = 3 and K = 2 all of it fits in a rotatable 3D plot:
y, the plane col(X), ŷ in it, r standing perpendicular on it. An optimizer's
iterates w_t map to ŷ_t = Xw_t, which never leave the plane.

Eigenbasis. With A = XᵀX/N = V diag(λ) Vᵀ and e = Vᵀ(w − w*), the loss is
L* + ½ Σ λᵢ eᵢ², and a GD step w ← w − η A(w − w*) acts on each coordinate
alone: eᵢ(t) = (1 − ηλᵢ)ᵗ eᵢ(0). Each direction decays at its own rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_array, check_float, check_int, check_weights, check_X_y
from .quadratic import QuadraticLoss

EPS = np.finfo(np.float64).eps
MAX_SAMPLES = 2000  # the projection matrix is N×N


@dataclass(frozen=True, eq=False)
class ColumnSpacePicture:
    """Everything a column-space figure draws.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
        w*, the minimum-norm least-squares solution.
    fitted : ndarray of shape (n_samples,)
        ŷ = Xw*, the orthogonal projection of y onto col(X).
    residual : ndarray of shape (n_samples,)
        r = y − ŷ, orthogonal to col(X).
    basis : ndarray of shape (n_samples, rank)
        Orthonormal basis of col(X) (left singular vectors).
    projection : ndarray of shape (n_samples, n_samples)
        P = basis basisᵀ, the orthogonal projector onto col(X).
    normal_equation_residual : ndarray of shape (n_features,)
        Xᵀr, zero up to rounding: the normal equations.
    exact_fit : bool
        y ∈ col(X) up to rounding (‖r‖ ≤ 1e-10·‖y‖): the residual vanishes.
    rank : int
    """

    X: np.ndarray
    y: np.ndarray
    coef: np.ndarray
    fitted: np.ndarray
    residual: np.ndarray
    basis: np.ndarray
    projection: np.ndarray
    normal_equation_residual: np.ndarray
    exact_fit: bool
    rank: int

    @property
    def angle_degrees(self) -> float:
        """Angle between y and the plane col(X) (0 for an exact fit)."""
        ny = np.linalg.norm(self.y)
        if ny == 0:
            return 0.0
        return float(np.degrees(np.arcsin(min(np.linalg.norm(self.residual) / ny, 1.0))))


def column_space_picture(X, y) -> ColumnSpacePicture:
    """Project y onto the column space of X.

    Meant for N = 3, K = 2 (a plane through the origin of ℝ³, drawn in 3D), but
    any N ≥ K works (up to N = 2000, since the projector is N×N).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)

    Returns
    -------
    ColumnSpacePicture
    """
    X, y = check_X_y(X, y)
    n, k = X.shape
    if n < k:
        raise ValueError(
            f"column_space_picture needs n_samples ≥ n_features, got {n} < {k}; "
            "with fewer rows col(X) may fill all of ℝᴺ. Add rows or drop features."
        )
    if n > MAX_SAMPLES:
        raise ValueError(f"n_samples must be at most {MAX_SAMPLES} here (P is N×N), got {n}.")
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    rank = int(np.count_nonzero(s > s[0] * max(n, k) * EPS)) if s[0] > 0 else 0
    Q = U[:, :rank]  # (N, rank)
    fitted = Q @ (Q.T @ y)  # projection through the orthonormal basis: no inverse of XᵀX
    coef = Vt[:rank].T @ ((Q.T @ y) / s[:rank])
    residual = y - fitted
    exact = bool(np.linalg.norm(residual) <= 1e-10 * max(np.linalg.norm(y), np.finfo(float).tiny))
    return ColumnSpacePicture(
        X=X,
        y=y,
        coef=coef,
        fitted=fitted,
        residual=residual,
        basis=Q,
        projection=Q @ Q.T,
        normal_equation_residual=X.T @ residual,
        exact_fit=exact,
        rank=rank,
    )


def fitted_path(X, trajectory_weights) -> np.ndarray:
    """Fitted values ŷ_t = X w_t along a trajectory; they stay in col(X).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    trajectory_weights : array-like of shape (n_steps, n_features)

    Returns
    -------
    ndarray of shape (n_steps, n_samples)
    """
    X = check_array("X", X, ndim=2)
    W, _ = check_weights("trajectory_weights", trajectory_weights, X.shape[1])
    return W @ X.T


def make_column_space_example(exact_fit=False, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """A well-drawn N = 3, K = 2 example: columns 50°–130° apart, y 25°–40° off the plane.

    Parameters
    ----------
    exact_fit : bool, default=False
        When True, y lies in col(X) (the residual is zero).
    seed : int, default=0

    Returns
    -------
    X : ndarray of shape (3, 2)
    y : ndarray of shape (3,)
    """
    if not isinstance(exact_fit, bool | np.bool_):
        raise ValueError(f"exact_fit must be True or False, got {exact_fit!r}.")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    while True:  # rejection sampling: a nearly flat "plane" teaches nothing
        X = rng.normal(size=(3, 2)) + np.array([[0.5, 0.0], [0.0, 0.5], [0.3, 0.3]])
        cos = X[:, 0] @ X[:, 1] / np.prod(np.linalg.norm(X, axis=0))
        norms = np.linalg.norm(X, axis=0)
        if abs(cos) < np.cos(np.radians(50)) and norms.min() > 0.7 and norms.max() < 2.5:
            break
    w = rng.uniform(0.6, 1.4, 2) * rng.choice([-1.0, 1.0], 2)
    fitted = X @ w
    if exact_fit:
        return X, fitted
    normal = np.cross(X[:, 0], X[:, 1])
    normal /= np.linalg.norm(normal)
    angle = np.radians(rng.uniform(25, 40))
    # ‖r‖/‖ŷ‖ = tan(angle) puts y at that angle above the plane.
    return X, fitted + np.tan(angle) * np.linalg.norm(fitted) * normal * rng.choice([-1.0, 1.0])


def to_eigenbasis(loss: QuadraticLoss, W) -> np.ndarray:
    """Coordinates of w − w* along the eigenvectors of A = XᵀX/N (most curved first).

    Parameters
    ----------
    loss : QuadraticLoss
    W : array-like of shape (n_points, n_features) or (n_features,)

    Returns
    -------
    ndarray of shape (n_points, n_features) or (n_features,)
        ``E[m, i] = vᵢᵀ(W[m] − w*)`` with vᵢ = ``loss.eigenvectors[:, i]``.
    """
    _check_loss(loss)
    W2, single = check_weights("W", W, loss.n_features)
    E = (W2 - loss.minimizer) @ loss.eigenvectors
    return E[0] if single else E


def gd_per_direction(loss: QuadraticLoss, w0, learning_rate, steps) -> pd.DataFrame:
    """GD's error per eigendirection in theory: eᵢ(t) = (1 − ηλᵢ)ᵗ eᵢ(0).

    Exact for full-batch GD with constant η on the quadratic loss (not an
    approximation), so the view can draw it over a measured trajectory mapped
    with :func:`to_eigenbasis`. Directions with |1 − ηλᵢ| > 1 (η > 2/λᵢ) grow.

    Parameters
    ----------
    loss : QuadraticLoss
    w0 : array-like of shape (n_features,)
    learning_rate : float > 0
    steps : int ≥ 0

    Returns
    -------
    pandas.DataFrame
        One row per (step, direction): ``step``, ``direction`` (0 = most curved),
        ``eigenvalue`` λᵢ, ``factor`` 1 − ηλᵢ, ``coordinate`` eᵢ(t) and
        ``abs_coordinate`` |eᵢ(t)| (for log axes).
    """
    _check_loss(loss)
    w0, _ = check_weights("w0", w0, loss.n_features)
    eta = check_float("learning_rate", learning_rate, minimum=0.0, strict_minimum=True)
    steps = check_int("steps", steps, minimum=0, maximum=1_000_000)
    e0 = to_eigenbasis(loss, w0[0])  # (K,)
    factor = 1.0 - eta * loss.eigenvalues  # (K,)
    t = np.arange(steps + 1)
    with np.errstate(over="ignore"):
        E = factor[None, :] ** t[:, None] * e0[None, :]  # (steps + 1, K)
    k = loss.n_features
    return pd.DataFrame(
        {
            "step": np.repeat(t, k),
            "direction": np.tile(np.arange(k), t.size),
            "eigenvalue": np.tile(loss.eigenvalues, t.size),
            "factor": np.tile(factor, t.size),
            "coordinate": E.ravel(),
            "abs_coordinate": np.abs(E.ravel()),
        }
    )


def _check_loss(loss) -> None:
    if not isinstance(loss, QuadraticLoss):
        raise ValueError(
            f"loss must be a QuadraticLoss, got {type(loss).__name__}. "
            "Build one with QuadraticLoss.from_data(X, y)."
        )
