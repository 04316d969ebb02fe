"""The compiled optimizer loops: full-batch steps on the quadratic form, and minibatch SGD.

Both loops apply the update rules of ``optimizers.py`` with the same arithmetic
in the same order (``_apply_update`` mirrors each ``update`` method line by line;
the tests compare the two). Only the dot products may be reassociated, so they
vectorize; everything that tests for NaN/inf is compiled without fast-math.

Conventions shared with ``trajectory.py``:

- step t is the update from iterate w_t to w_{t+1}; ``rates[t]``,
  ``batch_loss[t]`` and ``grad_norm[t]`` belong to it (the last two evaluated at w_t);
- iterate t is recorded into ``W_out`` when t % rec_every == 0 (the caller adds the final one);
- a loop returns ``(t, n_rec, count, status)``: the steps taken, rows recorded,
  Adam's update count and RUNNING / CONVERGED / DIVERGED.
"""

from __future__ import annotations

import math

import numba
import numpy as np

RUNNING, CONVERGED, DIVERGED = 0, 1, 2
# One code per branch of ``_apply_update``; ``core.rules`` says which rule uses which code
# and which hyperparameters fill ``hyper[0..3]`` for it.
SGD_RULE, ADAGRAD_RULE, RMSPROP_RULE, ADAM_RULE = 0, 1, 2, 3
N_HYPER = 4  # length of the ``hyper`` array every branch reads from
_AHEAD = 8  # samples to look ahead when touching rows (prefetch)


# Reassociation only (no "nnan"/"ninf"), so sums vectorize and the NaN/inf tests stay.
_FASTMATH = {"reassoc", "nsz"}


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _dot(a, b):
    s = 0.0
    for j in range(a.shape[0]):
        s += a[j] * b[j]
    return s


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _row_residual(X, y, i, w):
    """xᵢᵀw − yᵢ, with the dot product reassociated so it vectorizes (no serial add chain)."""
    s = 0.0
    for j in range(w.shape[0]):
        s += X[i, j] * w[j]
    return s - y[i]


@numba.njit(cache=True, nogil=True)
def _apply_update(rule, hyper, g, w, s1, s2, count, lr, w_new):
    """Write w + update into ``w_new``, advance the state (s1, s2, count); return count and finiteness."""
    k = w.shape[0]
    if rule == SGD_RULE:
        mu = hyper[0]
        if mu == 0.0:
            for j in range(k):
                w_new[j] = w[j] + -lr * g[j]
        else:
            nesterov = hyper[1] != 0.0
            for j in range(k):
                v = mu * s1[j] + g[j]
                s1[j] = v
                direction = g[j] + mu * v if nesterov else v
                w_new[j] = w[j] + -lr * direction
    elif rule == ADAGRAD_RULE:
        eps = hyper[2]
        for j in range(k):
            s1[j] = s1[j] + g[j] * g[j]
            w_new[j] = w[j] + -lr * g[j] / (math.sqrt(s1[j]) + eps)
    elif rule == RMSPROP_RULE:
        rho, eps = hyper[0], hyper[2]
        for j in range(k):
            s1[j] = rho * s1[j] + (1.0 - rho) * g[j] * g[j]
            w_new[j] = w[j] + -lr * g[j] / (math.sqrt(s1[j]) + eps)
    else:  # ADAM_RULE
        b1, b2, eps = hyper[0], hyper[1], hyper[2]
        count += 1
        bc1 = 1.0 - b1 ** float(count)
        bc2 = 1.0 - b2 ** float(count)
        for j in range(k):
            s1[j] = b1 * s1[j] + (1.0 - b1) * g[j]
            s2[j] = b2 * s2[j] + (1.0 - b2) * g[j] * g[j]
            w_new[j] = w[j] + -lr * (s1[j] / bc1) / (math.sqrt(s2[j] / bc2) + eps)
    finite = True
    for j in range(k):
        if not math.isfinite(w_new[j]):
            finite = False
    return count, finite


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _centered_gradient(A, F, w, w_star, d, g, z):
    """g = A(w − w*) and return the loss gap ½‖Fᵀ(w − w*)‖² (A = FFᵀ); d receives w − w*.

    The gap is not taken as ½ dᵀg: when A is singular, d keeps a large null-space
    part and dᵀg would cancel down to rounding noise (even below zero).
    """
    k = w.shape[0]
    r = F.shape[1]
    for j in range(k):
        d[j] = w[j] - w_star[j]
    for c in range(r):
        z[c] = 0.0
    for j in range(k):
        s = 0.0
        for m in range(k):
            s += A[j, m] * d[m]
        g[j] = s
        for c in range(r):
            z[c] += F[j, c] * d[j]
    gap = 0.0
    for c in range(r):
        gap += z[c] * z[c]
    return 0.5 * gap


@numba.njit(cache=True, nogil=True)
def _copy_row(src, dst, row):
    for j in range(src.shape[0]):
        dst[row, j] = src[j]


@numba.njit(cache=True, nogil=True)
def run_full_batch(
    A,
    F,
    w_star,
    n_steps,
    rates,
    rule,
    hyper,
    w,
    s1,
    s2,
    count,
    tol_gap,
    gap_limit,
    W_out,
    rec_every,
    gap_out,
    grad_norm,
):
    """Full-batch steps with ∇L = A(w − w*): O(K²) per step whatever N is.

    Before each step the gap L(w_t) − L* is checked: above ``gap_limit`` (or not
    finite) the run diverged, at or below ``tol_gap`` it converged.
    """
    k = w.shape[0]
    d = np.empty(k)
    g = np.empty(k)
    z = np.empty(F.shape[1])
    w_new = np.empty(k)
    t, n_rec, status = 0, 1, RUNNING  # row 0 (the start) is written by the caller
    while True:
        gap = _centered_gradient(A, F, w, w_star, d, g, z)
        if not gap <= gap_limit:
            status = DIVERGED
            break
        if gap <= tol_gap:
            status = CONVERGED
            break
        if t == n_steps:
            break
        gap_out[t] = gap
        grad_norm[t] = math.sqrt(_dot(g, g))
        count, finite = _apply_update(rule, hyper, g, w, s1, s2, count, rates[t], w_new)
        if not finite:
            status = DIVERGED
            break
        for j in range(k):
            w[j] = w_new[j]
        t += 1
        if t % rec_every == 0:
            _copy_row(w, W_out, n_rec)
            n_rec += 1
    return t, n_rec, count, status


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def run_single_sample_sgd(
    X, y, orders, rates, t0, w, A, F, w_star, tol_gap, loss_limit, gap_limit, W_out, n_rec,
    batch_loss, grad_norm,
):  # fmt: skip
    """Classic SGD (batch 1, no momentum), every iterate recorded: the notes' update, fused.

    The same arithmetic as ``run_minibatch`` for this case (same iterates, bit for
    bit), in two passes over the row instead of eight: one for the residual
    rᵢ = xᵢᵀw − yᵢ, one writing w_{t+1} = w_t − η·(rᵢxᵢ) straight into its recorded
    row while summing ‖rᵢxᵢ‖². Requires n_rec == t0 + 1 (every row so far recorded).
    """
    n, k = X.shape
    d = np.empty(k)
    g = np.empty(k)
    z = np.empty(F.shape[1])
    t, status = t0, RUNNING
    row = n_rec - 1  # W_out[row] holds the current iterate
    touched = 0.0
    for e in range(orders.shape[0]):
        order = orders[e]
        for p in range(n):
            q = order[min(p + _AHEAD, n - 1)]  # issue the load of a later row early (see run_minibatch)
            for j in range(0, k, 8):
                touched += X[q, j]
            i = order[p]
            r = _row_residual(X, y, i, W_out[row])  # the very arithmetic of run_minibatch
            bl = r * r / 2.0
            if not bl <= loss_limit * n:
                _copy_out(W_out, row, w)
                return t, row + 1, DIVERGED, touched
            batch_loss[t] = bl
            lr = rates[t - t0]
            gg = 0.0
            bad = 0.0  # stays 0 unless a new weight is inf or NaN (x·0 is NaN exactly then)
            for j in range(k):
                gj = r * X[i, j]
                gg += gj * gj
                wj = W_out[row, j] + -lr * gj
                W_out[row + 1, j] = wj
                bad += wj * 0.0
            grad_norm[t] = math.sqrt(gg)
            if bad != 0.0:
                _copy_out(W_out, row, w)
                return t, row + 1, DIVERGED, touched
            row += 1
            t += 1
        _copy_out(W_out, row, w)
        gap = _centered_gradient(A, F, w, w_star, d, g, z)
        if not gap <= gap_limit:
            status = DIVERGED
            break
        if gap <= tol_gap:
            status = CONVERGED
            break
    _copy_out(W_out, row, w)
    return t, row + 1, status, touched


@numba.njit(cache=True, nogil=True)
def _copy_out(W_out, row, w):
    for j in range(w.shape[0]):
        w[j] = W_out[row, j]


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def run_minibatch(
    X,
    y,
    orders,
    batch_size,
    rates,
    t0,
    rule,
    hyper,
    w,
    s1,
    s2,
    count,
    A,
    F,
    w_star,
    tol_gap,
    loss_limit,
    gap_limit,
    W_out,
    n_rec,
    rec_every,
    batch_loss,
    grad_norm,
):
    """Minibatch SGD over the epochs in ``orders`` (one row of sample indices per epoch).

    The batch gradient is the mean of xᵢ(xᵢᵀw − yᵢ) over the batch (the last
    batch of an epoch may be smaller). Steps count on from ``t0``; ``rates`` holds
    this call's rates, from step t0 on. A batch loss above (N/B)·loss_limit
    proves L(w) > loss_limit (L is the mean over all N samples), so the run stops
    there as diverged; the exact gap is checked at each epoch's end, which is
    also where convergence (gap ≤ tol_gap) is tested.
    """
    n, k = X.shape
    g = np.empty(k)
    d = np.empty(k)
    z = np.empty(F.shape[1])
    w_new = np.empty(k)
    t, status = t0, RUNNING
    touched = 0.0
    for e in range(orders.shape[0]):
        order = orders[e]
        for lo in range(0, n, batch_size):
            hi = min(n, lo + batch_size)
            b = hi - lo
            for j in range(k):
                g[j] = 0.0
            sq = 0.0
            for p in range(lo, hi):
                # Touch the row needed _AHEAD samples later: the load does not depend on w, so the
                # CPU issues it early and the random access stops stalling the serial chain of steps.
                # (Narrow rows only: a wide row's later cache lines are streamed in by the hardware.)
                if k <= 32:
                    q = order[min(p + _AHEAD, n - 1)]
                    for j in range(0, k, 8):
                        touched += X[q, j]
                    touched += y[q]
                i = order[p]
                r = _row_residual(X, y, i, w)  # xᵢᵀw − yᵢ
                sq += r * r
                for j in range(k):
                    g[j] += r * X[i, j]
            if b > 1:
                for j in range(k):
                    g[j] = g[j] / b
            bl = sq / (2.0 * b)
            if not bl <= loss_limit * (n / b):
                return t, n_rec, count, DIVERGED, touched
            batch_loss[t] = bl
            grad_norm[t] = math.sqrt(_dot(g, g))
            count, finite = _apply_update(rule, hyper, g, w, s1, s2, count, rates[t - t0], w_new)
            if not finite:
                return t, n_rec, count, DIVERGED, touched
            for j in range(k):
                w[j] = w_new[j]
            t += 1
            if t % rec_every == 0:
                _copy_row(w, W_out, n_rec)
                n_rec += 1
        gap = _centered_gradient(A, F, w, w_star, d, g, z)
        if not gap <= gap_limit:
            status = DIVERGED
            break
        if gap <= tol_gap:
            status = CONVERGED
            break
    return t, n_rec, count, status, touched


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def row_gaps(W, w_star, F, triangular, out):
    """out[i] = ½‖Fᵀ(W[i] − w*)‖² for a (K, r) factor F of A = FFᵀ, row by row.

    With ``triangular`` F is the lower Cholesky factor and its zeros are skipped (K²/2 FMAs a row).
    """
    m, k = W.shape
    r = F.shape[1]
    d = np.empty(k)
    z = np.empty(r)
    for i in range(m):
        for j in range(k):
            d[j] = W[i, j] - w_star[j]
        for c in range(r):
            z[c] = 0.0
        for j in range(k):  # z = Fᵀd accumulated row by row of F: vectorizes over c
            top = j + 1 if triangular else r
            dj = d[j]
            for c in range(top):
                z[c] += F[j, c] * dj
        s = 0.0
        for c in range(r):
            s += z[c] * z[c]
        out[i] = 0.5 * s
