"""What theory predicts for gradient descent on the user's own data.

Everything follows from the Hessian A = XᵀX/N and its eigenvalues λ₁ ≥ ... ≥ λ_K ≥ 0.
In the eigenbasis, constant-rate full-batch GD decouples: the error along
eigenvector vᵢ is multiplied by (1 − ηλᵢ) at every step, so

    L(w_t) − L* = ½ Σᵢ λᵢ (1 − ηλᵢ)^{2t} eᵢ²,     eᵢ = vᵢᵀ(w₀ − w*),

which converges iff |1 − ηλᵢ| < 1 for every λᵢ > 0, i.e. η < 2/λ_max.

When A is singular (N < K or collinear features) the directions with λᵢ = 0 are
never moved: GD converges to w* + (component of w₀ in the null space of A). From
w₀ = 0 that is w* itself, the minimum-norm (pseudo-inverse) solution: the
implicit bias of gradient descent. Rates and condition numbers here are
therefore taken over the nonzero eigenvalues.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_weights
from .quadratic import QuadraticLoss
from .rules import PLAIN_GD
from .schedules import _positive


def _as_loss(X) -> QuadraticLoss:
    if isinstance(X, QuadraticLoss):
        return X
    X = check_array("X", X, ndim=2)
    return QuadraticLoss.from_data(X, np.zeros(X.shape[0]))  # y does not enter the Hessian


def critical_learning_rate(X) -> float:
    """The largest constant learning rate for which full-batch GD converges: 2/λ_max(XᵀX/N).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or QuadraticLoss
        The design matrix (or its quadratic form, which avoids another pass over X).

    Returns
    -------
    float
        2/λ_max in the project's loss convention L = ‖y − Xw‖²/(2N); at exactly
        this rate the most curved direction oscillates without decaying.
        ``inf`` when X is all zeros (the gradient is always zero).
    """
    return PLAIN_GD.stability_limit(float(_as_loss(X).eigenvalues[0]))


@dataclass(frozen=True, eq=False)
class GDTheory:
    """Step sizes and linear rates of GD and heavy-ball momentum for one loss.

    A rate ρ means the error ‖w_t − w_∞‖ shrinks like ρᵗ (the loss gap like ρ²ᵗ).

    Attributes
    ----------
    eigenvalues : ndarray of shape (n_features,)
        Eigenvalues of A = XᵀX/N, descending (curvatures).
    eigenvectors : ndarray of shape (n_features, n_features)
        Matching unit eigenvectors as columns: column 0 is the most curved direction.
    rank : int
        Number of nonzero eigenvalues.
    lambda_max, lambda_min : float
        Largest and smallest *nonzero* eigenvalue.
    condition_number : float
        κ = λ_max/λ_min over the nonzero eigenvalues (null directions are never
        moved by GD, so they do not slow it; see ``QuadraticLoss.condition_number``
        for the κ that is inf when A is singular).
    critical_learning_rate : float
        2/λ_max: GD with a constant rate converges iff η is below it (momentum and
        Nesterov have their own limits: ``core.rules.UPDATE_RULES[name].stability_limit``).
    optimal_learning_rate : float
        2/(λ_max + λ_min), the constant rate with the fastest worst-case decay.
    optimal_rate : float
        (κ − 1)/(κ + 1), GD's linear rate at that step.
    heavy_ball_learning_rate : float
        4/(√λ_max + √λ_min)², Polyak's optimal step for ``SGD(momentum=...)``.
    heavy_ball_momentum : float
        ((√κ − 1)/(√κ + 1))², its optimal momentum.
    heavy_ball_rate : float
        (√κ − 1)/(√κ + 1), its linear rate (√κ instead of κ: the point of momentum).
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    rank: int
    lambda_max: float
    lambda_min: float
    condition_number: float
    critical_learning_rate: float
    optimal_learning_rate: float
    optimal_rate: float
    heavy_ball_learning_rate: float
    heavy_ball_momentum: float
    heavy_ball_rate: float

    def steps_to_reduce(self, factor: float, rate: float | None = None) -> float:
        """Steps for the error to shrink by ``factor`` (e.g. 1e-6) at ``rate`` (default: optimal GD)."""
        rate = self.optimal_rate if rate is None else rate
        if rate <= 0.0:
            return 1.0
        return math.log(factor) / math.log(rate)


def gd_theory(loss: QuadraticLoss) -> GDTheory:
    """Theory for full-batch GD on ``loss`` (build one with ``QuadraticLoss.from_data(X, y)``).

    Parameters
    ----------
    loss : QuadraticLoss

    Returns
    -------
    GDTheory
        With A = 0 (X all zeros) the learning rates are inf and the rates 0.
    """
    loss = _check_loss(loss)
    lam = loss.eigenvalues
    rank = loss.rank
    if rank == 0:
        inf = math.inf
        return GDTheory(lam, loss.eigenvectors, 0, 0.0, 0.0, 1.0, inf, inf, 0.0, inf, 0.0, 0.0)
    lam_max, lam_min = float(lam[0]), float(lam[rank - 1])
    kappa = lam_max / lam_min
    root = math.sqrt(kappa)
    hb_rate = (root - 1.0) / (root + 1.0)
    return GDTheory(
        eigenvalues=lam,
        eigenvectors=loss.eigenvectors,
        rank=rank,
        lambda_max=lam_max,
        lambda_min=lam_min,
        condition_number=kappa,
        critical_learning_rate=PLAIN_GD.stability_limit(lam_max),
        optimal_learning_rate=2.0 / (lam_max + lam_min),
        optimal_rate=(kappa - 1.0) / (kappa + 1.0),
        heavy_ball_learning_rate=4.0 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2,
        heavy_ball_momentum=hb_rate**2,
        heavy_ball_rate=hb_rate,
    )


def _check_loss(loss) -> QuadraticLoss:
    if not isinstance(loss, QuadraticLoss):
        raise ValueError(
            f"loss must be a QuadraticLoss (QuadraticLoss.from_data(X, y)), got {type(loss).__name__}."
        )
    return loss


def _steps(steps) -> np.ndarray:
    t = np.asarray(steps)
    if t.dtype.kind not in "iu" or np.any(t < 0):
        raise ValueError(f"steps must be a whole number n ≥ 0 or an array of them, got {steps!r}.")
    return np.arange(int(t) + 1) if t.ndim == 0 else t.astype(np.int64)


def _eigen_error(loss: QuadraticLoss, w0) -> tuple[np.ndarray, np.ndarray]:
    """Nonzero eigenvalues (r,) and the start's error in their directions eᵢ = vᵢᵀ(w₀ − w*) (r,)."""
    w0 = check_weights("w0", w0, loss.n_features)[0][0]
    r = loss.rank
    return loss.eigenvalues[:r], loss.eigenvectors[:, :r].T @ (w0 - loss.minimizer)


def gd_loss_exact(loss: QuadraticLoss, w0, learning_rate, steps) -> np.ndarray:
    """Exact L(w_t) − L* of constant-rate full-batch GD from ``w0``, per eigen-direction.

    Parameters
    ----------
    loss : QuadraticLoss
    w0 : array-like of shape (n_features,)
    learning_rate : float > 0
    steps : int n (meaning 0, 1, ..., n) or int array of shape (T,)

    Returns
    -------
    ndarray of shape (T,)
        ½ Σᵢ λᵢ (1 − ηλᵢ)^{2t} eᵢ² at each t (T = n + 1 for an int). Add
        ``loss.min_value`` for L itself. Overflows to inf for a diverging rate.
    """
    loss = _check_loss(loss)
    eta = _positive("learning_rate", learning_rate)
    t = _steps(steps)
    lam, e = _eigen_error(loss, w0)
    with np.errstate(over="ignore", invalid="ignore"):
        decay = np.abs(1.0 - eta * lam)[None, :] ** (2 * t[:, None])  # (T, r)
        return 0.5 * decay @ (lam * e * e)


def gd_loss_bound(loss: QuadraticLoss, w0, learning_rate, steps) -> np.ndarray:
    """Worst-case bound ρ^{2t}·(L(w₀) − L*) on L(w_t) − L* for constant-rate full-batch GD.

    ρ = maxᵢ |1 − ηλᵢ| over the nonzero eigenvalues: the slowest direction's
    contraction. The exact curve (:func:`gd_loss_exact`) stays below it.

    Parameters
    ----------
    loss : QuadraticLoss
    w0 : array-like of shape (n_features,)
    learning_rate : float > 0
    steps : int n (meaning 0, 1, ..., n) or int array of shape (T,)

    Returns
    -------
    ndarray of shape (T,)
    """
    loss = _check_loss(loss)
    eta = _positive("learning_rate", learning_rate)
    t = _steps(steps)
    lam, e = _eigen_error(loss, w0)
    gap0 = 0.5 * float(np.sum(lam * e * e))
    rho = float(np.max(np.abs(1.0 - eta * lam))) if lam.size else 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        return gap0 * rho ** (2.0 * t)


def gd_limit_point(loss: QuadraticLoss, w0) -> np.ndarray:
    """Where convergent full-batch GD (plain, heavy-ball or Nesterov) from ``w0`` ends.

    w* plus the part of w₀ in the null space of A: from w₀ = 0 the minimum-norm
    solution, from elsewhere another minimizer when A is singular.

    Returns
    -------
    ndarray of shape (n_features,)
    """
    loss = _check_loss(loss)
    w0 = check_weights("w0", w0, loss.n_features)[0][0]
    V = loss.eigenvectors[:, : loss.rank]  # (K, r) basis of A's range
    return loss.minimizer + (w0 - V @ (V.T @ w0))
