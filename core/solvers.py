"""Closed-form least squares: normal equations, QR and the SVD pseudo-inverse.

Loss convention of the whole project: L(w) = ‖y − Xw‖² / (2N) = RSS(w) / (2N).

``solve_least_squares`` validates, then hands over to one small ``_solve_*``
function per method. The normal-equations path never silently switches
method: when XᵀX is singular (or numerically so) it raises, because that
failure is what the app teaches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from ._gram import augmented_gram
from ._validation import check_array, check_choice, check_int, check_X_y

METHODS = ("normal", "qr", "svd")
EPS = np.finfo(np.float64).eps


class SingularGramError(np.linalg.LinAlgError):
    """XᵀX is singular or numerically so; the normal equations have no unique solution.

    ``LinAlgError`` is a ``ValueError``, so callers may catch either.
    """

    def __init__(self, message: str, *, rank: int, condition_number: float):
        super().__init__(message)
        self.rank = rank
        self.condition_number = condition_number


@dataclass(frozen=True, eq=False)
class LeastSquaresSolution:
    """Result of :func:`solve_least_squares`.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The minimizer w* (the minimum-norm one for ``method="svd"``).
    rss : float
        Residual sum of squares ‖y − Xw*‖².
    rank : int
        Numerical rank of X.
    condition_number : float
        κ(X) = σ_max / σ_min (inf when rank deficient); κ(XᵀX) is its square.
    singular_values : ndarray of shape (min(n_samples, n_features),)
        Singular values of X, descending. For ``"normal"`` they are the square
        roots of XᵀX's eigenvalues, so values below √eps·σ_max are not resolved.
    method : str
        ``"normal"``, ``"qr"`` or ``"svd"``.
    n_samples, n_features : int
    """

    coef: np.ndarray
    rss: float
    rank: int
    condition_number: float
    singular_values: np.ndarray
    method: str
    n_samples: int
    n_features: int

    @property
    def loss(self) -> float:
        """The project's loss at w*: RSS / (2N)."""
        return self.rss / (2 * self.n_samples)

    @property
    def gram_condition_number(self) -> float:
        """κ(XᵀX) = κ(X)²: the elongation of the loss valley, and GD's difficulty."""
        return self.condition_number**2


def _condition(singular_values: np.ndarray, rank: int, n_features: int) -> float:
    if rank < n_features or singular_values[-1] == 0:
        return float("inf")
    return float(singular_values[0] / singular_values[-1])


def _rank(singular_values: np.ndarray, tol_factor: float) -> int:
    # numpy.linalg.matrix_rank's rule: σ > σ_max · max(N, K) · eps.
    if singular_values.size == 0 or singular_values[0] == 0:
        return 0
    return int(np.count_nonzero(singular_values > singular_values[0] * tol_factor))


def _singular_error(rank: int, n_features: int, cond: float, why: str) -> SingularGramError:
    cond_text = "inf" if not np.isfinite(cond) else f"{cond**2:.3g}"
    return SingularGramError(
        f"The normal equations XᵀXw = Xᵀy have no unique solution: {why} "
        f"(rank {rank} < {n_features} features, condition number of XᵀX {cond_text}). "
        'Use method="svd" for the minimum-norm (pseudo-inverse) solution, '
        "or remove collinear features.",
        rank=rank,
        condition_number=cond,
    )


def solve_normal_equations(gram, *, n_samples) -> LeastSquaresSolution:
    """Solve XᵀXw = Xᵀy from the augmented Gram matrix alone, with no pass over the data.

    Parameters
    ----------
    gram : array-like of shape (n_features + 1, n_features + 1)
        ``[X y]ᵀ[X y]`` as returned by :func:`augmented_gram`.
    n_samples : int
        N, the number of rows of X.

    Returns
    -------
    LeastSquaresSolution
        Identical to ``solve_least_squares(X, y, method="normal")``.

    Raises
    ------
    SingularGramError
        When XᵀX is singular or numerically so.
    """
    gram = check_array("gram", gram, ndim=2)
    if gram.shape[0] != gram.shape[1] or gram.shape[0] < 2:
        raise ValueError(f"gram must be a square (K+1, K+1) matrix with K ≥ 1, got shape {gram.shape}.")
    return _normal_from_gram(gram, check_int("n_samples", n_samples, minimum=1))


def _normal_from_gram(G: np.ndarray, n: int) -> LeastSquaresSolution:
    # Everything here is K×K work on G = [X y]ᵀ[X y].
    k = G.shape[0] - 1
    A, b, c = G[:k, :k], G[:k, k], G[k, k]
    eigenvalues = np.linalg.eigvalsh(A)[::-1]  # descending; K×K, not an SVD of X
    singular_values = np.sqrt(np.clip(eigenvalues, 0.0, None))
    # Eigenvalues of the computed Gram carry absolute error ~ eps·λ_max.
    rank = int(np.count_nonzero(eigenvalues > eigenvalues[0] * k * EPS)) if eigenvalues[0] > 0 else 0
    cond = _condition(singular_values, rank, k)
    if rank < k:
        why = "there are fewer samples than features, so " if n < k else ""
        raise _singular_error(rank, k, cond, why + "XᵀX is singular")
    try:
        L = scipy.linalg.cholesky(A, lower=True)
    except np.linalg.LinAlgError:
        raise _singular_error(rank, k, cond, "the Cholesky factorization of XᵀX failed") from None
    z = scipy.linalg.solve_triangular(L, b, lower=True)  # L z = Xᵀy
    coef = scipy.linalg.solve_triangular(L.T, z, lower=False)  # Lᵀ w = z
    rss = max(float(c - z @ z), 0.0)  # Schur complement: yᵀy − yᵀX(XᵀX)⁻¹Xᵀy
    return LeastSquaresSolution(coef, rss, rank, cond, singular_values, "normal", n, k)


def _solve_qr(X: np.ndarray, y: np.ndarray) -> LeastSquaresSolution:
    n, k = X.shape
    if n < k:
        raise _singular_error(n, k, float("inf"), "there are fewer samples than features, so XᵀX is singular")
    Q, R = scipy.linalg.qr(X, mode="economic")  # X = QR, R is K×K upper triangular
    singular_values = scipy.linalg.svdvals(R)  # same as X's; K×K work only
    rank = _rank(singular_values, max(n, k) * EPS)
    cond = _condition(singular_values, rank, k)
    if rank < k:
        raise _singular_error(rank, k, cond, "R in X = QR is singular")
    coef = scipy.linalg.solve_triangular(R, Q.T @ y, lower=False)
    residual = y - X @ coef
    return LeastSquaresSolution(coef, float(residual @ residual), rank, cond, singular_values, "qr", n, k)


def _solve_svd(X: np.ndarray, y: np.ndarray) -> LeastSquaresSolution:
    # w = V Σ⁺ Uᵀ y: the Moore–Penrose pseudo-inverse, minimum-norm among all minimizers.
    n, k = X.shape
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    rank = _rank(s, max(n, k) * EPS)
    coef = Vt[:rank].T @ ((U[:, :rank].T @ y) / s[:rank])
    residual = y - X @ coef
    cond = _condition(s, rank, k) if n >= k else float("inf")
    return LeastSquaresSolution(coef, float(residual @ residual), rank, cond, s, "svd", n, k)


_SOLVERS = {"qr": _solve_qr, "svd": _solve_svd}


def solve_least_squares(X, y, *, method="normal") -> LeastSquaresSolution:
    """Minimize RSS(w) = ‖y − Xw‖² in closed form.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    method : {"normal", "qr", "svd"}, default="normal"
        ``"normal"``: the normal equations XᵀXw = Xᵀy by Cholesky, one pass over
        the data; fast, but squares the condition number (error grows like
        κ(X)²·eps). ``"qr"``: X = QR, then Rw = Qᵀy; error grows like κ(X)·eps.
        ``"svd"``: w = X⁺y with the Moore–Penrose pseudo-inverse; the
        minimum-norm minimizer when X is rank deficient or N < K.

    Returns
    -------
    LeastSquaresSolution

    Raises
    ------
    SingularGramError
        For ``"normal"`` and ``"qr"`` when X does not have full column rank;
        the message names the rank and condition number and suggests ``"svd"``.
    ValueError
        For invalid X, y or method.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> solve_least_squares(X, np.array([1.0, 2.0, 3.0])).coef.round(6)
    array([1., 2.])
    """
    method = check_choice("method", method, METHODS)
    if method == "normal":
        return _normal_from_gram(augmented_gram(X, y), len(y))  # validates X, y in the same pass
    X, y = check_X_y(X, y)
    return _SOLVERS[method](X, y)
