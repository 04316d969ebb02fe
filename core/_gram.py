"""One pass over the data: the augmented Gram matrix [X y]ᵀ[X y].

``X.T @ X`` in stock numpy (BLAS syrk) is slow for tall, skinny X. This kernel
reads each row once: it copies a block of rows, transposed, into a buffer that
stays in L1 cache, takes the dot product of every pair of its columns
(vectorized: ``fastmath`` lets LLVM reassociate the sum), and splits the blocks
over all cores. The chunk count is fixed, not taken from the thread count, so
the result does not depend on how many threads ran it.
"""

from __future__ import annotations

import numba
import numpy as np

from ._validation import check_X_y

_N_CHUNKS = 16
_MIN_ROWS_PER_CHUNK = 8192
_BLOCK = 128  # rows per buffer: (K+1) x 128 doubles stays in L1 for K up to ~20


@numba.njit(cache=True, nogil=True, fastmath=True)
def _accumulate(X, y, start, stop, G):
    k = X.shape[1]
    m = k + 1
    buf = np.empty((m, _BLOCK))
    for lo in range(start, stop, _BLOCK):
        hi = min(stop, lo + _BLOCK)
        r = hi - lo
        for i in range(r):
            for a in range(k):
                buf[a, i] = X[lo + i, a]
            buf[k, i] = y[lo + i]
        for a in range(m):
            for b in range(a, m):
                s = 0.0
                for i in range(r):
                    s += buf[a, i] * buf[b, i]
                G[a, b] += s


@numba.njit(cache=True, parallel=True)
def _gram_parallel(X, y, n_chunks):
    n, k = X.shape
    m = k + 1
    partial = np.zeros((n_chunks, m, m))
    rows_per_chunk = (n + n_chunks - 1) // n_chunks
    for c in numba.prange(n_chunks):
        start = c * rows_per_chunk
        stop = min(n, start + rows_per_chunk)
        _accumulate(X, y, start, stop, partial[c])
    G = np.zeros((m, m))
    for c in range(n_chunks):  # fixed order: deterministic sum
        G += partial[c]
    return G


@numba.njit(cache=True)
def _gram_serial(X, y):
    m = X.shape[1] + 1
    G = np.zeros((m, m))
    _accumulate(X, y, 0, X.shape[0], G)
    return G


def augmented_gram(X, y) -> np.ndarray:
    """Return ``[X y]ᵀ[X y]`` in one pass over the data.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (n_features + 1, n_features + 1)
        Top-left K×K block XᵀX, last column Xᵀy, corner yᵀy. Feed it to
        :meth:`QuadraticLoss.from_gram` and :func:`solve_normal_equations` to
        get both from a single pass.
    """
    # No separate isfinite pass (it would cost as much as the Gram itself): G is
    # non-finite exactly when the input is, or when the products overflow.
    X, y = check_X_y(X, y, finite=False)
    X = np.ascontiguousarray(X)
    y = np.ascontiguousarray(y)
    n_chunks = min(_N_CHUNKS, X.shape[0] // _MIN_ROWS_PER_CHUNK)
    G = _gram_serial(X, y) if n_chunks < 2 else _gram_parallel(X, y, n_chunks)
    if not np.all(np.isfinite(G)):
        check_X_y(X, y)  # raises, naming the non-finite entries
        raise ValueError(
            "X or y holds values so large that XᵀX overflows (largest |value| "
            f"{max(np.abs(X).max(), np.abs(y).max()):.3g}); rescale the data, e.g. standardize it."
        )
    return np.triu(G) + np.triu(G, 1).T
