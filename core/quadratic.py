"""The least-squares loss as a quadratic form, for evaluating it anywhere cheaply.

L(w) = ‖y − Xw‖² / (2N) = ½ wᵀAw − bᵀw + ½c with A = XᵀX/N, b = Xᵀy/N, c = yᵀy/N.

Expanded like that, L loses digits near its minimum (c and bᵀw nearly cancel).
Centred at the minimizer w* it does not:

    L(w) = L* + ½ (w − w*)ᵀ A (w − w*),

which is exact for a quadratic and is what every method here evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._gram import augmented_gram
from ._validation import check_array, check_float, check_int, check_weights

EPS = np.finfo(np.float64).eps


@dataclass(frozen=True, eq=False)
class QuadraticLoss:
    """The loss L(w) = ‖y − Xw‖² / (2N), held as A, b, c after one pass over the data.

    Attributes
    ----------
    A : ndarray of shape (n_features, n_features)
        XᵀX / N, the Hessian of L.
    b : ndarray of shape (n_features,)
        Xᵀy / N.
    c : float
        yᵀy / N.
    n_samples : int
    minimizer : ndarray of shape (n_features,)
        The minimum-norm minimizer w* = A⁺b (unique when A is non-singular).
    min_value : float
        L(w*).
    eigenvalues : ndarray of shape (n_features,)
        Eigenvalues of A, descending (the curvatures of L).
    eigenvectors : ndarray of shape (n_features, n_features)
        Matching unit eigenvectors as columns (most curved first).
    rank : int
        Numerical rank of A.
    """

    A: np.ndarray
    b: np.ndarray
    c: float
    n_samples: int
    minimizer: np.ndarray
    min_value: float
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    rank: int

    @classmethod
    def from_data(cls, X, y) -> QuadraticLoss:
        """Build the form in one pass over ``X`` (n_samples, n_features) and ``y`` (n_samples,)."""
        gram = augmented_gram(X, y)  # validates X and y within its single pass
        return cls.from_gram(gram, n_samples=len(y))

    @classmethod
    def from_gram(cls, gram, *, n_samples: int) -> QuadraticLoss:
        """Build the form from ``[X y]ᵀ[X y]`` (see :func:`core.augmented_gram`) and N."""
        n_samples = check_int("n_samples", n_samples, minimum=1)
        G = check_array("gram", gram, ndim=2) / n_samples
        k = G.shape[0] - 1
        return cls.from_moments(G[:k, :k], G[:k, k], G[k, k], n_samples=n_samples)

    @classmethod
    def from_moments(cls, A, b, c, *, n_samples: int) -> QuadraticLoss:
        """Build the form from A = XᵀX/N, b = Xᵀy/N and c = yᵀy/N."""
        A = check_array("A", A, ndim=2)
        b = check_array("b", b, ndim=1)
        if A.shape != (b.size, b.size):
            raise ValueError(f"A must have shape ({b.size}, {b.size}) to match b, got {A.shape}.")
        A = 0.5 * (A + A.T)
        c = check_float("c", c)
        n_samples = check_int("n_samples", n_samples, minimum=1)
        eigenvalues, eigenvectors = np.linalg.eigh(A)
        eigenvalues, eigenvectors = eigenvalues[::-1], eigenvectors[:, ::-1]
        top = max(eigenvalues[0], 0.0)
        rank = int(np.count_nonzero(eigenvalues > top * b.size * EPS)) if top > 0 else 0
        # w* = A⁺b through the eigenbasis, dropping directions A cannot resolve.
        proj = eigenvectors[:, :rank].T @ b
        minimizer = eigenvectors[:, :rank] @ (proj / eigenvalues[:rank])
        min_value = max(0.5 * (float(c) - float(proj @ (proj / eigenvalues[:rank]))), 0.0)
        return cls(A, b, float(c), int(n_samples), minimizer, min_value, eigenvalues, eigenvectors, rank)

    @property
    def n_features(self) -> int:
        return self.b.size

    @property
    def condition_number(self) -> float:
        """κ(A) = λ_max / λ_min of the Hessian XᵀX/N (inf when singular)."""
        if self.rank < self.n_features:
            return float("inf")
        return float(self.eigenvalues[0] / self.eigenvalues[-1])

    def value(self, W) -> np.ndarray | float:
        """Loss at each row of ``W`` (M, K) → (M,), or at one vector (K,) → float."""
        W2, single = check_weights("W", W, self.n_features)
        D = W2 - self.minimizer  # (M, K)
        with np.errstate(over="ignore", invalid="ignore"):
            out = self.min_value + 0.5 * np.einsum("ij,jk,ik->i", D, self.A, D)
        return float(out[0]) if single else out

    def gradient(self, W) -> np.ndarray:
        """∇L = A(w − w*) = (XᵀXw − Xᵀy)/N at each row of ``W`` (M, K), or at one (K,)."""
        W2, single = check_weights("W", W, self.n_features)
        with np.errstate(over="ignore", invalid="ignore"):
            G = (W2 - self.minimizer) @ self.A
        return G[0] if single else G

    def rss(self, W) -> np.ndarray | float:
        """Residual sum of squares ‖y − Xw‖² = 2N·L(w)."""
        return 2 * self.n_samples * self.value(W)

    def slice_grid(self, center, d1, d2, a, b) -> np.ndarray:
        """Exact loss on the plane w = center + a·d1 + b·d2.

        Parameters
        ----------
        center, d1, d2 : array-like of shape (n_features,)
            A point of the plane and its two direction vectors.
        a : array-like of shape (n_a,)
            Coordinates along ``d1``.
        b : array-like of shape (n_b,)
            Coordinates along ``d2``.

        Returns
        -------
        ndarray of shape (n_b, n_a)
            ``Z[j, i] = L(center + a[i]·d1 + b[j]·d2)``, ready for a plotly surface.
        """
        k = self.n_features
        e, d1, d2 = (
            check_weights(name, v, k)[0][0] for name, v in (("center", center), ("d1", d1), ("d2", d2))
        )
        a = check_array("a", a, ndim=1)
        b = check_array("b", b, ndim=1)
        e = e - self.minimizer
        # ½(e + a d1 + b d2)ᵀA(e + a d1 + b d2), expanded into six scalar coefficients.
        Ae, Ad1, Ad2 = self.A @ e, self.A @ d1, self.A @ d2
        aa, bb, ab = d1 @ Ad1, d2 @ Ad2, d1 @ Ad2
        a_lin, b_lin, const = d1 @ Ae, d2 @ Ae, e @ Ae
        A_, B_ = a[None, :], b[:, None]
        return self.min_value + 0.5 * (
            const + aa * A_**2 + bb * B_**2 + 2 * (a_lin * A_ + b_lin * B_ + ab * A_ * B_)
        )
