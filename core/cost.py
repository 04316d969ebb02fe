"""What each method costs as N and K grow: measured seconds and the O(·) lines through them.

Flop counts for N samples and K features:

    normal equations   NK² (the Gram matrix XᵀX) + K³/3 (Cholesky)
    QR                 2NK² − 2K³/3 (Householder)
    SVD                ~ 2NK² + 11K³ (a QR, then the SVD of the K×K factor)
    one SGD epoch      ~ 4NK (N steps of a K-vector dot product and update)

Each method also reads X once (checking it, forming residuals: ~NK) and an SGD
epoch pays a fixed cost per row (~N: drawing the order, the loop), so the model is

    closed forms   seconds ≈ a·NK² + b·K³ + c·NK + e
    SGD epoch      seconds ≈ c·NK + f·N + e

and :func:`fit_cost_model` fits those constants to measurements. A term the
measurements cannot tell from zero (the K³ of a solve, while K ≪ N) is left out
of the fit and reported as not resolved, rather than shown as a number. The
comparison that matters: per row, a closed form pays ~K² (in fast BLAS), one SGD
epoch ~K (in a compiled loop). The closed form is cheaper than *one* epoch only up
to a feature count K* ≈ c_SGD/a, nearly whatever N is — and SGD needs many epochs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.optimize

from ._validation import check_choice, check_int
from .data import make_regression
from .optimizers import SGD
from .quadratic import QuadraticLoss
from .solvers import solve_least_squares
from .trajectory import run_optimizer

CLOSED_FORMS = {"normal equations": "normal", "QR": "qr", "SVD": "svd"}
METHODS = (*CLOSED_FORMS, "SGD epoch")
MAX_CELLS = 5_000_000  # N·K; 40 MB of float64 and well under a second per closed form on a laptop


def _check_sizes(sizes) -> list[tuple[int, int]]:
    try:
        pairs = [tuple(p) for p in sizes]
    except TypeError:
        raise ValueError(f"sizes must be a list of (n_samples, n_features) pairs, got {sizes!r}.") from None
    if not pairs:
        raise ValueError("sizes must hold at least one (n_samples, n_features) pair, got none.")
    out = []
    for p in pairs:
        if len(p) != 2:
            raise ValueError(f"each size must be a pair (n_samples, n_features), got {p!r}.")
        n = check_int("n_samples", p[0], minimum=1)
        k = check_int("n_features", p[1], minimum=1)
        if n < k:
            raise ValueError(f"each size needs n_samples ≥ n_features for the closed forms, got ({n}, {k}).")
        if n * k > MAX_CELLS:
            raise ValueError(
                f"n_samples × n_features must be at most {MAX_CELLS:,} (the laptop cap), got "
                f"{n} × {k} = {n * k:,}. Use a smaller size."
            )
        out.append((n, k))
    return out


def _time(fn, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _sgd_epoch(X, y, loss):
    # Rate well inside per-sample stability (η < 2/‖x‖², ‖x‖² ≈ tr A) so the epoch runs to the end;
    # max_recorded=2 and the prebuilt loss keep O(NK²) bookkeeping out of the timing.
    eta = 0.5 / max(float(np.trace(loss.A)), 1e-12)
    return lambda: run_optimizer(X, y, SGD(eta), batch_size=1, epochs=1, tol=0.0, loss=loss, max_recorded=2)


def time_methods(
    sizes, *, repeats=3, seed=0, progress: Callable[[float, str], None] | None = None
) -> pd.DataFrame:
    """Time the normal equations, QR, SVD and one SGD epoch (batch size 1) at each size.

    Each time is the best of ``repeats`` (the least disturbed by other work on
    the machine). Compiled kernels are warmed up first, so no compile time is
    counted. The SGD epoch is ``run_optimizer(..., SGD(η), batch_size=1,
    epochs=1)`` given a prebuilt loss; the closed forms are
    ``solve_least_squares`` (validation included for all four).

    Parameters
    ----------
    sizes : sequence of (int, int)
        (n_samples, n_features) pairs, with N ≥ K and N·K ≤ 5,000,000.
    repeats : int, default=3
    seed : int, default=0
    progress : callable(fraction, message), optional
        Called after every measurement with the fraction done in (0, 1].

    Returns
    -------
    pandas.DataFrame
        Columns ``n_samples``, ``n_features``, ``method`` (one of "normal
        equations", "QR", "SVD", "SGD epoch"), ``seconds``.
    """
    pairs = _check_sizes(sizes)
    repeats = check_int("repeats", repeats, minimum=1, maximum=50)
    seed = check_int("seed", seed, minimum=0)
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be a callable(fraction, message) or None, got {progress!r}.")
    warm = make_regression(64, 2, noise=1.0, seed=seed)
    for method in CLOSED_FORMS.values():
        solve_least_squares(warm.X, warm.y, method=method)
    _sgd_epoch(warm.X, warm.y, QuadraticLoss.from_data(warm.X, warm.y))()

    rows = []
    total = len(pairs) * len(METHODS)
    for n, k in pairs:
        data = make_regression(n, k, noise=1.0, seed=seed)
        X, y = data.X, data.y
        for name, method in CLOSED_FORMS.items():
            solve = lambda X=X, y=y, m=method: solve_least_squares(X, y, method=m)  # noqa: E731
            rows.append((n, k, name, _time(solve, repeats)))
            if progress is not None:
                progress(len(rows) / total, f"{name}, N={n:,}, K={k}")
        rows.append((n, k, "SGD epoch", _time(_sgd_epoch(X, y, QuadraticLoss.from_data(X, y)), repeats)))
        if progress is not None:
            progress(len(rows) / total, f"SGD epoch, N={n:,}, K={k}")
    return pd.DataFrame(rows, columns=["n_samples", "n_features", "method", "seconds"])


# The model's terms, in the column order of fit_cost_model; each method fits its own subset.
TERMS = ("per_nk2", "per_k3", "per_nk", "per_n", "overhead")
TERM_LABELS = {"per_nk2": "NK²", "per_k3": "K³", "per_nk": "NK", "per_n": "N", "overhead": "1"}
MODEL_TERMS = {
    **dict.fromkeys(CLOSED_FORMS, ("per_nk2", "per_k3", "per_nk", "overhead")),
    "SGD epoch": ("per_nk", "per_n", "overhead"),
}
RESOLVED_T = 2.0  # a coefficient is resolved when it is at least this many standard errors above 0
# Other work on the machine only ever slows a timing down: a row measured more than this many times
# its fitted time was disturbed in every repeat and is left out of the fit (at most MAX_LEFT_OUT of them).
DISTURBED = 2.0
MAX_LEFT_OUT = 0.25


def _terms(method: str, n, k) -> np.ndarray:
    """The model's regressors at sizes (n, k): shape (..., len(TERMS)), zero for terms the method lacks."""
    n, k = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(k, dtype=float))
    columns = {"per_nk2": n * k**2, "per_k3": k**3, "per_nk": n * k, "per_n": n, "overhead": np.ones_like(n)}
    used = MODEL_TERMS[method]
    return np.stack([columns[t] if t in used else np.zeros_like(n) for t in TERMS], axis=-1)


def _relative_fit(D: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-negative least squares of D·coef ≈ 1 (D: regressors divided by the measured time).

    Returns the coefficients, their standard errors (NaN without residual degrees of freedom)
    and the relative residuals D·coef − 1.
    """
    scale = D.max(axis=0)  # conditioning: NK² and 1 differ by 10 orders of magnitude
    Ds = D / scale
    coef, _ = scipy.optimize.nnls(Ds, np.ones(D.shape[0]))
    resid = Ds @ coef - 1.0
    dof = D.shape[0] - D.shape[1]
    se = np.full(D.shape[1], np.nan)
    if dof > 0:
        # Ordinary least-squares standard errors (at an interior NNLS solution the two fits coincide).
        cov = (resid @ resid / dof) * np.linalg.pinv(Ds.T @ Ds)
        se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    return coef / scale, se / scale, resid


def _undisturbed(T: np.ndarray, t: np.ndarray, terms: tuple[str, ...]) -> np.ndarray:
    """Rows not measured DISTURBED times slower than the full model fitted to the others: bool (m,)."""
    cols = [TERMS.index(name) for name in terms]
    keep = np.ones(t.size, dtype=bool)
    for _ in range(5):
        coef, _, _ = _relative_fit(T[keep][:, cols] / t[keep, None])
        ratio = t / np.maximum(T[:, cols] @ coef, 1e-300)  # measured / predicted
        slow = ratio > DISTURBED
        most = int(MAX_LEFT_OUT * t.size)
        if slow.sum() > most:  # keep all but the `most` slowest
            slow = np.zeros(t.size, dtype=bool)
            slow[np.argsort(-ratio)[:most]] = True
        if np.array_equal(~slow, keep):
            break
        keep = ~slow
    return keep


def _fit_one(T: np.ndarray, t: np.ndarray, terms: tuple[str, ...]) -> tuple[dict, dict, np.ndarray]:
    """Backward elimination: drop the least certain term until every kept one is resolved."""
    kept = list(terms)
    while True:
        cols = [TERMS.index(name) for name in kept]
        coef, se, resid = _relative_fit(T[:, cols] / t[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            tstat = np.where(coef > 0, coef / se, 0.0)  # se = 0 (an exact fit): inf
        tstat = np.where(np.isnan(tstat), np.inf, tstat)  # no degrees of freedom left: keep what is > 0
        worst = int(np.argmin(tstat))
        if len(kept) == 1 or tstat[worst] >= RESOLVED_T:
            return dict(zip(kept, coef, strict=True)), dict(zip(kept, se, strict=True)), resid
        del kept[worst]


def fit_cost_model(timings: pd.DataFrame) -> pd.DataFrame:
    """Fit seconds ≈ a·NK² + b·K³ + c·NK + e (closed forms) and c·NK + f·N + e (SGD epoch) per method.

    Least squares on *relative* error (each row divided by its own time), so small and
    large sizes count alike, as on log axes; coefficients are non-negative. A row
    measured more than ``DISTURBED`` = 2 times slower than the model fitted to the
    others was disturbed by other work on the machine in every repeat: it is left out
    (at most a quarter of the rows; :func:`left_out` tells which). Then the least
    certain term is dropped and the rest refitted, until every kept coefficient is at
    least ``RESOLVED_T`` = 2 standard errors above zero: a term these sizes cannot tell
    from zero (typically K³ while K ≪ N, since K³/NK² = K/N) is reported as not
    resolved instead of as a number.

    Parameters
    ----------
    timings : pandas.DataFrame
        Output of :func:`time_methods`.

    Returns
    -------
    pandas.DataFrame
        One row per method measured: ``method``; the coefficients ``per_nk2`` (a),
        ``per_k3`` (b), ``per_nk`` (c), ``per_n`` (f), ``overhead`` (e, seconds), 0 for a
        term not in the final fit; their standard errors ``per_nk2_se`` … ``overhead_se``
        (NaN for a term not in the final fit, or with no residual degrees of freedom);
        ``unresolved``, the tuple of the method's terms (``TERMS`` names) that were dropped;
        ``rel_rms_error``, the RMS of predicted/measured − 1 over the fitted rows;
        ``n_fitted`` and ``n_left_out``, the rows used and the disturbed rows left out.
    """
    needed = {"n_samples", "n_features", "method", "seconds"}
    if not isinstance(timings, pd.DataFrame) or not needed <= set(timings.columns):
        raise ValueError(f"timings must be the DataFrame from time_methods, with columns {sorted(needed)}.")
    rows = []
    for method in [m for m in METHODS if m in set(timings["method"])]:
        part = timings[timings["method"] == method]
        t = part["seconds"].to_numpy(dtype=float)
        if np.any(t <= 0) or not np.all(np.isfinite(t)):
            raise ValueError(f"timings for {method!r} must be positive seconds, got {t.min():g}.")
        T = _terms(method, part["n_samples"].to_numpy(), part["n_features"].to_numpy())  # (m, 5)
        keep = _undisturbed(T, t, MODEL_TERMS[method])
        coef, se, resid = _fit_one(T[keep], t[keep], MODEL_TERMS[method])
        rows.append(
            {
                "method": method,
                **{name: float(coef.get(name, 0.0)) for name in TERMS},
                **{f"{name}_se": float(se.get(name, np.nan)) for name in TERMS},
                "unresolved": tuple(name for name in MODEL_TERMS[method] if name not in coef),
                "rel_rms_error": float(np.sqrt(np.mean(resid**2))),
                "n_fitted": int(keep.sum()),
                "n_left_out": int((~keep).sum()),
            }
        )
    return pd.DataFrame(rows)


def predicted_seconds(model: pd.DataFrame, n_samples, n_features) -> pd.DataFrame:
    """The fitted lines, ready to overlay on the measurements.

    Parameters
    ----------
    model : pandas.DataFrame
        Output of :func:`fit_cost_model`.
    n_samples, n_features : int or array-like of shape (m,)
        Broadcast against each other.

    Returns
    -------
    pandas.DataFrame
        Columns ``n_samples``, ``n_features``, ``method``, ``seconds``.
    """
    n, k = np.broadcast_arrays(
        np.atleast_1d(n_samples).astype(float), np.atleast_1d(n_features).astype(float)
    )
    frames = []
    for _, row in _check_model(model).iterrows():
        coef = row[list(TERMS)].to_numpy(dtype=float)
        frames.append(
            pd.DataFrame(
                {
                    "n_samples": n,
                    "n_features": k,
                    "method": row["method"],
                    "seconds": _terms(row["method"], n, k) @ coef,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def left_out(model: pd.DataFrame, timings: pd.DataFrame) -> np.ndarray:
    """Which rows of ``timings`` the fit left out as disturbed: bool array of shape (len(timings),).

    The rows measured more than ``DISTURBED`` times their method's fitted time (the rule
    :func:`fit_cost_model` applies, read back from its result).
    """
    model = _check_model(model).set_index("method")
    out = np.zeros(len(timings), dtype=bool)
    for method, row in model.iterrows():
        mask = (timings["method"] == method).to_numpy()
        part = timings[mask]
        pred = _terms(method, part["n_samples"].to_numpy(), part["n_features"].to_numpy()) @ row[
            list(TERMS)
        ].to_numpy(dtype=float)
        out[mask] = part["seconds"].to_numpy(dtype=float) > DISTURBED * pred
    return out


def crossover(model: pd.DataFrame, n_samples, *, method="normal equations", epochs=1) -> np.ndarray:
    """Up to how many features the closed form costs less than ``epochs`` SGD epochs.

    Parameters
    ----------
    model : pandas.DataFrame
        Output of :func:`fit_cost_model`, with rows for ``method`` and "SGD epoch".
    n_samples : int or array-like of shape (m,)
    method : {"normal equations", "QR", "SVD"}, default="normal equations"
    epochs : int ≥ 1, default=1
        SGD rarely converges in one epoch; pass the number it needs.

    Returns
    -------
    ndarray of shape (m,)
        K* for each N: the closed form wins for K < K* (on the fitted model,
        K ≤ N). inf when it wins up to K = N, 0 when it never wins.
    """
    method = check_choice("method", method, tuple(CLOSED_FORMS))
    epochs = check_int("epochs", epochs, minimum=1)
    model = _check_model(model)
    if not {method, "SGD epoch"} <= set(model["method"]):
        raise ValueError(f"model must have rows for {method!r} and 'SGD epoch'; time both first.")
    ns = np.atleast_1d(np.asarray(n_samples, dtype=float))
    out = np.empty(ns.size)
    for i, n in enumerate(ns):
        k = np.unique(np.rint(np.geomspace(1, max(n, 1), 400)))
        pred = predicted_seconds(model, n, k)
        closed = pred.loc[pred["method"] == method, "seconds"].to_numpy()
        sgd = epochs * pred.loc[pred["method"] == "SGD epoch", "seconds"].to_numpy()
        loses = np.flatnonzero(closed > sgd)
        out[i] = np.inf if loses.size == 0 else (0.0 if loses[0] == 0 else k[loses[0]])
    return out


def _check_model(model) -> pd.DataFrame:
    needed = {"method", *TERMS}
    if not isinstance(model, pd.DataFrame) or not needed <= set(model.columns):
        raise ValueError(f"model must be the DataFrame from fit_cost_model, with columns {sorted(needed)}.")
    return model
