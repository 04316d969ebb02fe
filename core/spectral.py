"""The spectral lens: every estimator as a filter on the singular directions of X.

Write X = UΣVᵀ (thin SVD, σ₁ ≥ σ₂ ≥ ...) and λᵢ = σᵢ²/N, the curvature of
L(w) = ‖y − Xw‖²/(2N) along vᵢ (the eigenvalues of the Hessian XᵀX/N). The
minimum-norm solution is w⁺ = Σᵢ (uᵢᵀy/σᵢ)vᵢ, and every linear estimator the
lecture meets keeps its own fraction φᵢ of it along each direction::

    w = V diag(φᵢ/σᵢ) Uᵀy

    pseudo-inverse               φᵢ = 1                     (0 beyond the numerical rank)
    ridge, L(w) + (ρ/2)‖w‖²      φᵢ = λᵢ/(λᵢ + ρ) = σᵢ²/(σᵢ² + Nρ)
    GD, t steps of η from 0      φᵢ = 1 − (1 − ηλᵢ)ᵗ
    heavy ball (η, β) from 0     φᵢ(t+1) = (1 + β − ηλᵢ)φᵢ(t) − βφᵢ(t−1) + ηλᵢ,  φᵢ(0) = 0, φᵢ(1) = ηλᵢ

The last line is the heavy-ball step w ← w − ηg + β(w − w_prev) (``core.SGD(η, momentum=β)``:
v ← βv + g, w ← w − ηv, v₀ = 0) written for eᵢ = vᵢᵀ(w − w⁺), where g = λᵢeᵢ:
e(t+1) = (1 + β − ηλᵢ)e(t) − βe(t−1), e(1) = (1 − ηλᵢ)e(0), and φ = 1 − e(t)/e(0). From any
start w₀, φᵢ(t) is the fraction of the way from w₀ to w⁺ covered along vᵢ after t steps.

Early stopping is an implicit ridge: for the weakly curved directions (ηλᵢt ≪ 1) GD's
φᵢ ≈ ηtλᵢ and ridge's φᵢ ≈ λᵢ/ρ, equal for ρ = 1/(ηt); both are ≈ 1 where λᵢ ≫ 1/(ηt).

Also here: the heavy-ball convergence rate over (η, β) for the data's curvatures (the
phase diagram), and the digits the normal equations, QR and the SVD lose as κ(X) grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ._validation import _describe, check_array, check_choice, check_float, check_int, check_X_y
from .quadratic import QuadraticLoss
from .solvers import METHODS as SOLVER_METHODS
from .solvers import SingularGramError, _rank, solve_least_squares
from .theory import gd_theory

METHODS = ("pinv", "ridge", "gd", "momentum")
EPS = np.finfo(np.float64).eps
UNIT_ROUNDOFF = EPS / 2  # u = 2⁻⁵³: a correctly rounded result has relative error ≤ u


@dataclass(frozen=True, eq=False)
class FilterFactors:
    """Result of :func:`filter_factors`. Arrays are read-only.

    Attributes
    ----------
    singular_values : ndarray of shape (min(n_samples, n_features),)
        σᵢ of X, descending.
    factors : ndarray of shape (min(n_samples, n_features),)
        φᵢ, the fraction of the minimum-norm solution kept along direction i; 0 beyond
        the numerical rank (there σᵢ is rounding noise of a zero). Above 1 or non-finite
        for a diverging gradient method.
    coef : ndarray of shape (n_features,)
        w = V diag(φᵢ/σᵢ) Uᵀy, the estimate these factors give.
    method : str
        ``"pinv"``, ``"ridge"``, ``"gd"`` or ``"momentum"``.
    rank : int
        Numerical rank of X (σᵢ > σ₁·max(N, K)·eps, as ``numpy.linalg.matrix_rank``).
    n_samples : int
    rate : float or None
        For ``"gd"``/``"momentum"``: the linear rate of the slowest direction (spectral radius
        of the step, maximized over the nonzero directions); below 1 converges. None otherwise.
    steps, learning_rate, momentum, ridge : hyperparameters used (None when not used).
    """

    singular_values: np.ndarray
    factors: np.ndarray
    coef: np.ndarray
    method: str
    rank: int
    n_samples: int
    rate: float | None = None
    steps: int | None = None
    learning_rate: float | None = None
    momentum: float | None = None
    ridge: float | None = None

    @property
    def curvatures(self) -> np.ndarray:
        """λᵢ = σᵢ²/N: the eigenvalues of the Hessian XᵀX/N along the same directions."""
        return self.singular_values**2 / self.n_samples

    @property
    def diverged(self) -> bool:
        """True when a gradient method's step grows some direction (rate ≥ 1)."""
        return self.rate is not None and not self.rate < 1.0


# -- the filters, as functions of σ --------------------------------------------------------


def spectral_filter(
    singular_values, *, n_samples, method, steps=None, learning_rate=None, momentum=0.0, ridge=None
) -> np.ndarray:
    """Filter factors φ(σ) of one method at any singular values (not only the data's).

    The same formulas :func:`filter_factors` applies to X's singular values, for drawing a
    filter as a curve over σ.

    Parameters
    ----------
    singular_values : array-like of shape (m,)
        σ ≥ 0 at which to evaluate the filter.
    n_samples : int
        N; the curvature of direction σ is σ²/N.
    method, steps, learning_rate, momentum, ridge
        As in :func:`filter_factors`. ``"pinv"`` gives 1 wherever σ > 0.

    Returns
    -------
    ndarray of shape (m,)
        φ(σ); 0 where σ = 0. Overflows to ±inf (or NaN) for a diverging gradient method.
    """
    sigma = check_array("singular_values", singular_values, ndim=1)
    if np.any(sigma < 0):
        raise ValueError("singular_values must be ≥ 0 (they are lengths), got a negative value.")
    n = check_int("n_samples", n_samples, minimum=1)
    params = _check_method(method, steps, learning_rate, momentum, ridge)
    return _factors(sigma * sigma / n, sigma > 0, params)


def _check_method(method, steps, learning_rate, momentum, ridge) -> dict:
    """Validate the method and exactly the hyperparameters it uses (an unused one is refused)."""
    method = check_choice("method", method, METHODS)
    uses = {
        "pinv": (),
        "ridge": ("ridge",),
        "gd": ("steps", "learning_rate"),
        "momentum": ("steps", "learning_rate", "momentum"),
    }[method]
    given = {"steps": steps, "learning_rate": learning_rate, "ridge": ridge}
    for name, value in given.items():
        if name in uses and value is None:
            raise ValueError(f'method="{method}" needs {name}; pass {name}=... (see the docstring).')
        if name not in uses and value is not None:
            raise ValueError(
                f'{name} is not used by method="{method}"; leave it None, got {_describe(value)}.'
            )
    if "momentum" not in uses and momentum not in (0, 0.0, None):
        raise ValueError(
            f'momentum is only used by method="momentum", got momentum={_describe(momentum)} with '
            f'method="{method}". Use method="momentum", or momentum=0.'
        )
    params = {"method": method}
    if "ridge" in uses:
        params["ridge"] = check_float(
            "ridge", ridge, minimum=0.0, strict_minimum=True, hint='Use method="pinv" for no penalty.'
        )
    if "steps" in uses:
        params["steps"] = check_int("steps", steps, minimum=0)
        params["learning_rate"] = check_float(
            "learning_rate", learning_rate, minimum=0.0, strict_minimum=True, hint="E.g. 0.1."
        )
    if "momentum" in uses:
        beta = check_float("momentum", 0.0 if momentum is None else momentum, minimum=0.0)
        if not beta < 1.0:
            raise ValueError(f"momentum must be less than 1, got {beta:g}. 0 is plain GD; 0.9 is common.")
        params["momentum"] = beta
    return params


def _factors(lam: np.ndarray, keep: np.ndarray, params: dict) -> np.ndarray:
    """φ at curvatures ``lam`` (m,); directions where ``keep`` is False get 0."""
    method = params["method"]
    if method == "pinv":
        phi = np.ones_like(lam)
    elif method == "ridge":
        phi = lam / (lam + params["ridge"])
    elif method == "gd":
        phi = _gd_factors(params["learning_rate"] * lam, params["steps"])
    else:
        phi = _momentum_factors(params["learning_rate"] * lam, params["momentum"], params["steps"])
    return np.where(keep, phi, 0.0)


def _gd_factors(x: np.ndarray, t: int) -> np.ndarray:
    """1 − (1 − x)ᵗ for x = ηλ ≥ 0, without cancellation when x is tiny (φ ≈ t·x)."""
    if t == 0:
        return np.zeros_like(x)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        small = -np.expm1(t * np.log1p(-np.minimum(x, 1.0)))  # exact branch for 0 ≤ x ≤ 1
        large = 1.0 - (1.0 - x) ** t  # 1 − x ≤ 0: no cancellation to fear (|…| ≥ its parts)
    return np.where(x <= 1.0, small, large)


def _momentum_factors(x: np.ndarray, beta: float, t: int) -> np.ndarray:
    """φ(t) of the heavy ball at x = ηλ, by powers of its step matrix (17 squarings reach t = 10⁵).

    φ(t) = (Mᵗ)[0, 2] for a 3×3 M acting on the state (φ, ·, 1), started at (0, 0, 1). Two
    equivalent states, each where it is accurate (checked against exact rational arithmetic):

    - x ≤ 2: (φ, Δ, 1) with Δ(s) = φ(s) − φ(s−1), the last step (Δ(0) = 0: v₀ = 0)::

          Δ(s+1) = βΔ(s) + x(1 − φ(s)),  φ(s+1) = φ(s) + Δ(s+1)    M = [[1 − x, β, x], [−x, β, x], [0, 0, 1]]

      A small x stays an entry of its own. Rounded into 1 + β − x it would be blurred by
      eps/x, amplified by t/(1 − β): ~10⁻⁸ at β = 0.99, t = 10⁵ (here ~10⁻¹⁴).
    - x > 2 (near the divergence edge x = 2(1 + β), where the oscillating transient is large):
      (φ(s), φ(s−1), 1), the recurrence of the module docstring, M = [[1 + β − x, −β, x], [1, 0, 0],
      [0, 0, 1]]; its smaller entries lose ~10× less there.
    """
    m = x.size
    edge = x > 2.0
    M = np.zeros((m, 3, 3))
    M[:, 0, 0] = np.where(edge, 1.0 + beta - x, 1.0 - x)
    M[:, 0, 1] = np.where(edge, -beta, beta)
    M[:, 0, 2] = x
    M[:, 1, 0] = np.where(edge, 1.0, -x)
    M[:, 1, 1] = np.where(edge, 0.0, beta)
    M[:, 1, 2] = np.where(edge, 0.0, x)
    M[:, 2, 2] = 1.0
    power = np.broadcast_to(np.eye(3), (m, 3, 3)).copy()
    e = t
    with np.errstate(over="ignore", invalid="ignore"):
        while e:
            if e & 1:
                power = power @ M
            e >>= 1
            if e:
                M = M @ M
    return power[:, 0, 2]


# -- the data's filter ------------------------------------------------------------------------


def filter_factors(
    X, y, *, method, steps=None, learning_rate=None, momentum=0.0, ridge=None
) -> FilterFactors:
    """The filter factors φᵢ of one estimator on the singular directions of X, and its estimate.

    w = V diag(φᵢ/σᵢ) Uᵀy with X = UΣVᵀ; the table of φᵢ per method is in the module docstring.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    method : {"pinv", "ridge", "gd", "momentum"}
        ``"pinv"``: the minimum-norm least-squares solution X⁺y. ``"ridge"``: the minimizer
        of L(w) + (ridge/2)‖w‖² with L = ‖y − Xw‖²/(2N). ``"gd"``: ``steps`` full-batch
        gradient-descent steps of ``learning_rate`` from w = 0. ``"momentum"``: the same
        with heavy-ball momentum, as ``core.SGD(learning_rate, momentum=momentum)`` runs it.
    steps : int ≥ 0, for "gd" and "momentum"
    learning_rate : float > 0, for "gd" and "momentum"
    momentum : float in [0, 1), default=0.0
        β, for "momentum" only.
    ridge : float > 0, for "ridge" only
        The penalty ρ; φᵢ = σᵢ²/(σᵢ² + Nρ).

    Returns
    -------
    FilterFactors
        For "gd" and "momentum", ``coef`` equals the final iterate of
        ``run_optimizer(X, y, SGD(learning_rate, momentum=momentum), epochs=steps, tol=0)``
        from w = 0 up to rounding (both are exact for the quadratic loss).

    Raises
    ------
    ValueError
        For bad data, an unknown method, a missing hyperparameter or one the method does not use.
        A diverging learning rate is not an error: ``rate ≥ 1`` and the factors grow.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[2.0, 0.0], [0.0, 1.0]])
    >>> filter_factors(X, np.array([2.0, 1.0]), method="ridge", ridge=0.5).factors
    array([0.8, 0.5])
    """
    X, y = check_X_y(X, y)
    params = _check_method(method, steps, learning_rate, momentum, ridge)
    n, k = X.shape
    U, s, Vt = np.linalg.svd(X, full_matrices=False)  # (N, r), (r,), (r, K); r = min(N, K)
    rank = _rank(s, max(n, k) * EPS)
    lam = s * s / n
    keep = np.arange(s.size) < rank
    phi = _factors(lam, keep, params)
    with np.errstate(over="ignore", invalid="ignore"):
        gain = np.where(keep, phi / np.where(keep, s, 1.0), 0.0)  # φᵢ/σᵢ, 0 beyond the rank
        coef = Vt.T @ (gain * (U.T @ y))
    rate = None
    if method in ("gd", "momentum"):
        beta = params.get("momentum", 0.0)
        rate = float(np.max(heavy_ball_radius(lam[:rank], params["learning_rate"], beta))) if rank else 0.0
    for array in (s, phi, coef):
        array.setflags(write=False)
    return FilterFactors(
        singular_values=s,
        factors=phi,
        coef=coef,
        method=params["method"],
        rank=rank,
        n_samples=n,
        rate=rate,
        steps=params.get("steps"),
        learning_rate=params.get("learning_rate"),
        momentum=params.get("momentum"),
        ridge=params.get("ridge"),
    )


def early_stopping_ridge(learning_rate, steps) -> float:
    """The ridge penalty whose filter matches GD stopped after ``steps`` steps: ρ = 1/(ηt).

    Along a weakly curved direction (ηλt ≪ 1) GD's filter is 1 − (1 − ηλ)ᵗ = ηtλ + O((ηtλ)²)
    and ridge's is λ/(λ + ρ) = λ/ρ + O((λ/ρ)²): the two agree to first order exactly when
    ρ = 1/(ηt). Along strongly curved directions both are ≈ 1. In between GD's filter is the
    sharper one: for 0 ≤ ηλ ≤ 1 it is never below ridge's ((1 − ηλ)ᵗ(1 + ηtλ) ≤ (1 − η²λ²)ᵗ ≤ 1)
    and exceeds it by at most 0.204 for large t (1 − e⁻ᵘ − u/(1 + u) at u = ηtλ ≈ 2.51; 0.23
    at t = 10, 0.5 at t = 1).

    Parameters
    ----------
    learning_rate : float > 0
    steps : int ≥ 1

    Returns
    -------
    float
        ρ = 1/(ηt), in the convention L(w) + (ρ/2)‖w‖² (so φᵢ = σᵢ²/(σᵢ² + Nρ)).
    """
    eta = check_float("learning_rate", learning_rate, minimum=0.0, strict_minimum=True, hint="E.g. 0.1.")
    t = check_int("steps", steps, minimum=1)
    return 1.0 / (eta * t)


# -- momentum's phase diagram ---------------------------------------------------------------------


def heavy_ball_radius(curvatures, learning_rate, momentum) -> np.ndarray:
    """Spectral radius of one heavy-ball step along a direction of curvature λ (broadcasting).

    The error (e(t), e(t−1)) advances by [[1 + β − ηλ, −β], [1, 0]], with characteristic
    polynomial z² − az + β, a = 1 + β − ηλ. Complex roots (a² < 4β) both have |z| = √β;
    real roots give max|z| = (|a| + √(a² − 4β))/2. Below 1 the error shrinks like rateᵗ;
    it is 1 exactly at ηλ = 2(1 + β) and at λ = 0. With β = 0 it is |1 − ηλ|, GD's factor.

    Parameters
    ----------
    curvatures, learning_rate, momentum : array-like, broadcast together
        λ ≥ 0, η > 0 and β in [0, 1).

    Returns
    -------
    ndarray
        max|z| over the two roots, of the broadcast shape.
    """
    lam = np.asarray(curvatures, dtype=np.float64)
    eta = np.asarray(learning_rate, dtype=np.float64)
    beta = np.asarray(momentum, dtype=np.float64)
    a = 1.0 + beta - eta * lam
    root = np.sqrt(beta)
    disc = (np.abs(a) - 2.0 * root) * (np.abs(a) + 2.0 * root)  # a² − 4β, without cancelling a² against 4β
    real = 0.5 * (np.abs(a) + np.sqrt(np.maximum(disc, 0.0)))
    return np.where(disc < 0.0, root, real)


@dataclass(frozen=True, eq=False)
class MomentumRateMap:
    """The heavy-ball rate over a grid of (η, β) for one dataset: :func:`momentum_rate_map`.

    Attributes
    ----------
    learning_rates : ndarray of shape (m,)
        η, increasing (log-spaced by default).
    momenta : ndarray of shape (n,)
        β, increasing.
    rate : ndarray of shape (n, m)
        ``rate[j, i]``: the linear rate at (η = learning_rates[i], β = momenta[j]), the largest
        spectral radius over the data's nonzero curvatures; ≥ 1 diverges (or never converges).
    lambda_max, lambda_min : float
        Largest and smallest nonzero eigenvalue of XᵀX/N.
    best_learning_rate, best_momentum, best_rate : float
        Polyak's optimum: η* = 4/(√λ_max + √λ_min)², β* = ((√κ − 1)/(√κ + 1))², rate √β*.
    """

    learning_rates: np.ndarray
    momenta: np.ndarray
    rate: np.ndarray
    lambda_max: float
    lambda_min: float
    best_learning_rate: float
    best_momentum: float
    best_rate: float

    @property
    def stable(self) -> np.ndarray:
        """(n, m) True where the heavy ball converges (rate < 1)."""
        return self.rate < 1.0

    @property
    def divergence_boundary(self) -> np.ndarray:
        """(n,) η = 2(1 + β)/λ_max for each β: at and above it the steepest direction diverges."""
        return 2.0 * (1.0 + self.momenta) / self.lambda_max

    def rate_at(self, learning_rate, momentum) -> np.ndarray:
        """The exact rate at any (η, β) (not only on the grid)."""
        return _rate(np.array([self.lambda_max, self.lambda_min]), learning_rate, momentum)


def _as_loss(X) -> QuadraticLoss:
    """X (n, K) or a QuadraticLoss as the loss whose Hessian XᵀX/N the rates depend on."""
    if isinstance(X, QuadraticLoss):
        return X
    X = check_array("X", X, ndim=2)
    return QuadraticLoss.from_data(X, np.zeros(X.shape[0]))  # y does not enter the Hessian


def _nonzero_curvatures(X) -> np.ndarray:
    """The nonzero eigenvalues of XᵀX/N, descending."""
    loss = _as_loss(X)
    return loss.eigenvalues[: loss.rank]


def momentum_rate(X, learning_rate, momentum) -> np.ndarray:
    """The heavy ball's linear rate on this data at (η, β): the slowest direction's spectral radius.

    Only λ_min and λ_max are needed, not every eigenvalue: the radius is a non-decreasing
    function of |a| = |1 + β − ηλ| (√β while the roots are complex, then (|a| + √(a² − 4β))/2,
    which grows with |a|), and |a| is convex in λ, so over [λ_min, λ_max] its maximum sits at
    an end.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or QuadraticLoss
        The data (only XᵀX/N matters: its nonzero eigenvalues).
    learning_rate, momentum : float or array-like
        η > 0 and β in [0, 1), broadcast together.

    Returns
    -------
    ndarray
        The rate, of the broadcast shape of η and β; 0 when X is all zeros.
    """
    return _rate(_nonzero_curvatures(X), learning_rate, momentum)


def _rate(lam: np.ndarray, learning_rate, momentum) -> np.ndarray:
    eta = np.asarray(learning_rate, dtype=np.float64)
    beta = np.asarray(momentum, dtype=np.float64)
    if not (np.all(np.isfinite(eta)) and np.all(eta > 0)):
        raise ValueError(f"learning_rate must be positive and finite, got {_describe(learning_rate)}.")
    if not (np.all(beta >= 0) and np.all(beta < 1)):
        raise ValueError(f"momentum must be in [0, 1), got {_describe(momentum)}. 0 is plain GD.")
    eta, beta = np.broadcast_arrays(eta, beta)
    if lam.size == 0:
        return np.zeros(eta.shape)
    ends = np.array([lam.max(), lam.min()])
    return np.max(heavy_ball_radius(ends, eta[..., None], beta[..., None]), axis=-1)


def momentum_rate_map(X, *, learning_rates=None, momenta=None) -> MomentumRateMap:
    """The heavy ball's convergence rate over a grid of (η, β) on this data: its phase diagram.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or QuadraticLoss
    learning_rates : array-like of shape (m,), optional
        Default: 160 log-spaced values from 0.01/λ_max to 5/λ_max (past the divergence
        boundary 2(1 + β)/λ_max for every β < 1.5).
    momenta : array-like of shape (n,), optional
        Default: 0, 0.01, ..., 0.99.

    Returns
    -------
    MomentumRateMap

    Raises
    ------
    ValueError
        When X is all zeros (no curvature: every (η, β) leaves w where it is).
    """
    theory = gd_theory(_as_loss(X))  # Polyak's optimum, from the same eigenvalues
    if theory.rank == 0:
        raise ValueError("X has no nonzero singular value (all zeros): there is no rate to map.")
    lam = theory.eigenvalues[: theory.rank]
    if learning_rates is None:
        learning_rates = np.geomspace(0.01 / theory.lambda_max, 5.0 / theory.lambda_max, 160)
    if momenta is None:
        momenta = np.round(np.arange(100) * 0.01, 2)
    eta = check_array("learning_rates", learning_rates, ndim=1)
    beta = check_array("momenta", momenta, ndim=1)
    rate = _rate(lam, eta[None, :], beta[:, None])  # (n, m)
    for array in (eta, beta, rate):
        array.setflags(write=False)
    return MomentumRateMap(
        learning_rates=eta,
        momenta=beta,
        rate=rate,
        lambda_max=theory.lambda_max,
        lambda_min=theory.lambda_min,
        best_learning_rate=theory.heavy_ball_learning_rate,
        best_momentum=theory.heavy_ball_momentum,
        best_rate=theory.heavy_ball_rate,
    )


# -- digits lost ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DigitsLost:
    """Accuracy of the closed-form solvers against κ(X): :func:`digits_lost`.

    Attributes
    ----------
    condition_numbers : ndarray of shape (m,)
        κ(X) of the constructed problems.
    methods : tuple of str
        ``solve_least_squares`` methods, rows of ``relative_error``.
    relative_error : ndarray of shape (len(methods), m)
        Median over the repeats of ‖ŵ − w_exact‖/‖w_exact‖; NaN where the method refused
        (the normal equations, once XᵀX is numerically singular).
    refused : ndarray of bool, shape (len(methods), m)
        True where the method refused every repeat.
    n_samples, n_features, repeats : int
    """

    condition_numbers: np.ndarray
    methods: tuple[str, ...]
    relative_error: np.ndarray
    refused: np.ndarray
    n_samples: int
    n_features: int
    repeats: int

    @property
    def digits_lost(self) -> np.ndarray:
        """log10(error/u), u = 2⁻⁵³: 0 for a correctly rounded answer, ~16 when nothing is left."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.maximum(self.relative_error, UNIT_ROUNDOFF) / UNIT_ROUNDOFF)

    @property
    def correct_digits(self) -> np.ndarray:
        """−log10(error): significant digits that are right (at most ~16)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return -np.log10(np.maximum(self.relative_error, UNIT_ROUNDOFF))


def make_conditioned_problem(n_samples, n_features, condition_number, *, seed=0):
    """X = U diag(σ) Vᵀ with σ log-spaced from 1 to 1/κ, and y = Xw in its column space.

    Parameters
    ----------
    n_samples, n_features : int, n_samples ≥ n_features ≥ 1
    condition_number : float ≥ 1
        κ(X) = σ₁/σ_K of the construction (the stored X matches it to a relative κ·eps).
    seed : int, default=0

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        X @ w for a random w: the residual is zero up to the rounding of that product, so a
        backward-stable solver's error is ~κ·u and not ~κ²·u·‖r‖ (Golub–Wilkinson).
    """
    n, k = _check_shape(n_samples, n_features)
    kappa = check_float("condition_number", condition_number, minimum=1.0)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    U, _ = np.linalg.qr(rng.standard_normal((n, k)))  # (N, K) orthonormal columns
    V, _ = np.linalg.qr(rng.standard_normal((k, k)))  # (K, K) orthogonal
    sigma = np.geomspace(1.0, 1.0 / kappa, k)
    X = (U * sigma) @ V.T
    return X, X @ rng.standard_normal(k)


def _check_shape(n_samples, n_features) -> tuple[int, int]:
    k = check_int("n_features", n_features, minimum=1, maximum=20)
    n = check_int("n_samples", n_samples, minimum=1, maximum=400)
    if n < k:
        raise ValueError(f"n_samples must be at least n_features ({k}) for a full-rank X, got {n}.")
    return n, k


def exact_least_squares(X, y) -> np.ndarray:
    """The exact least-squares solution of the stored (float) X and y, rounded once at the end.

    Every float is a dyadic rational m·2ᵉ. Scaled by a common power of two, X and y become
    integers; XᵀX and Xᵀy are formed in exact integer arithmetic and XᵀXw = Xᵀy is solved with
    ``fractions.Fraction``, so nothing is rounded before the final conversion to float (which
    rounds correctly). Independent of κ; small problems only.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), full column rank
        At most 400 × 20.
    y : array-like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (n_features,)
    """
    X, y = check_X_y(X, y)
    n, k = _check_shape(*X.shape)
    flat, x_scale = _as_integers(X.T.ravel())  # column after column
    cols = [flat[j * n : (j + 1) * n] for j in range(k)]
    yi, y_scale = _as_integers(y)
    # Augmented [XᵢᵀXᵢ | Xᵢᵀyᵢ] of the integer data, then exact Gauss–Jordan elimination.
    rows = [[Fraction(sum(a * b for a, b in zip(cols[i], cols[j], strict=True))) for j in range(k)]
            + [Fraction(sum(a * b for a, b in zip(cols[i], yi, strict=True)))] for i in range(k)]  # fmt: skip
    for col in range(k):
        pivot = next((r for r in range(col, k) if rows[r][col] != 0), None)
        if pivot is None:
            raise ValueError("X does not have full column rank; the exact solution is not unique.")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        p = rows[col][col]
        rows[col] = [v / p for v in rows[col]]
        for r in range(k):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[col], strict=True)]
    unscale = Fraction(x_scale, y_scale)  # X = Xᵢ/x_scale, y = yᵢ/y_scale
    return np.array([float(rows[i][k] * unscale) for i in range(k)])


def _as_integers(values) -> tuple[list[int], int]:
    """Integers mᵢ and one power of two s with values[i] = mᵢ/s exactly."""
    ratios = [float(v).as_integer_ratio() for v in values]
    scale = max(d for _, d in ratios)
    return [m * (scale // d) for m, d in ratios], scale


def digits_lost(condition_numbers=None, *, n_samples=20, n_features=5, repeats=5, seed=0) -> DigitsLost:
    """Digits of w each closed-form solver loses as κ(X) grows, against an exact reference.

    For each κ, ``repeats`` problems from :func:`make_conditioned_problem` (y in the column
    space) are solved with ``solve_least_squares`` by the normal equations, QR and the SVD,
    and compared with :func:`exact_least_squares` of the same stored X and y. Theory: the
    normal equations work with XᵀX, κ(XᵀX) = κ(X)², so they lose ≈ 2·log10 κ digits; QR and
    the SVD are backward stable on X itself and lose ≈ log10 κ (y in the column space: no
    κ²·‖r‖ term).

    Parameters
    ----------
    condition_numbers : array-like of shape (m,), optional
        Default: 10⁰, 10^0.5, ..., 10¹² (25 values).
    n_samples, n_features : int, default=20, 5
        Small on purpose: the exact reference is rational arithmetic (at most 400 × 20).
    repeats : int, default=5
        Problems per κ (different random U, V, w); the median error is kept.
    seed : int, default=0

    Returns
    -------
    DigitsLost
    """
    if condition_numbers is None:
        condition_numbers = 10.0 ** np.arange(0.0, 12.01, 0.5)
    kappas = check_array("condition_numbers", condition_numbers, ndim=1)
    if np.any(kappas < 1.0):
        raise ValueError("condition_numbers must all be ≥ 1 (κ = σ_max/σ_min), got a smaller one.")
    n, k = _check_shape(n_samples, n_features)
    repeats = check_int("repeats", repeats, minimum=1, maximum=50)
    seed = check_int("seed", seed, minimum=0)
    errors = np.full((len(SOLVER_METHODS), kappas.size, repeats), np.nan)
    for j, kappa in enumerate(kappas):
        for r in range(repeats):
            X, y = make_conditioned_problem(n, k, kappa, seed=seed + 1000 * j + r)
            exact = exact_least_squares(X, y)
            for i, method in enumerate(SOLVER_METHODS):
                try:
                    coef = solve_least_squares(X, y, method=method).coef
                except SingularGramError:
                    continue  # refused: the lesson at large κ, kept as NaN
                errors[i, j, r] = np.linalg.norm(coef - exact) / np.linalg.norm(exact)
    refused = np.all(np.isnan(errors), axis=2)
    filled = np.where(refused[..., None], 0.0, errors)  # nanmedian of an all-NaN row only warns
    median = np.where(refused, np.nan, np.nanmedian(filled, axis=2))
    for array in (kappas, median, refused):
        array.setflags(write=False)
    return DigitsLost(kappas, SOLVER_METHODS, median, refused, n, k, repeats)
