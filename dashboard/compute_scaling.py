"""Bounded caches for the issue-6 views: minibatches, generalization, cost, minima, geometry.

Every experiment is a ``core`` call cached on exactly what it depends on. Data
arrays are never hashed (a 100,000-row X would cost more to hash than to use):
they are passed as ``_X``/``_y`` (names starting with ``_`` are not hashed by
Streamlit) together with :func:`fingerprint`, a small exact key of the data —
the loss moments A = XᵀX/N, b = Xᵀy/N, c = yᵀy/N and N. ``st.cache_data``
returns a copy per call (DataFrames and small arrays); ``st.cache_resource``
is used only for a trajectory, which is read-only.
"""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pandas as pd
import streamlit as st

try:  # optional (ships with scikit-learn): one BLAS thread for the many small factorizations
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

import core
from core import SGD

TTL = 3600  # seconds: a lecture, then the memory is given back
NOISE_BALL_BURN_IN = 0.5  # as in core.noise_ball_radius
MAX_CLOUD = 600  # iterates kept for drawing the noise ball


def _one_thread():
    """Hundreds of small SVDs: BLAS threads only add hand-off cost (4× slower on a busy 2-core box)."""
    return threadpool_limits(1, user_api="blas") if threadpool_limits else nullcontext()


def fingerprint(problem) -> tuple:
    """An exact, cheap cache key for a problem's data: (N, K, A, b, c) of its quadratic loss."""
    loss = problem.loss
    return (int(loss.n_samples), int(loss.n_features), loss.A.tobytes(), loss.b.tobytes(), float(loss.c))


# -- minibatches -----------------------------------------------------------------------------


@st.cache_data(max_entries=32, ttl=TTL, show_spinner=False)
def batch_minimizers(key, batch_size: int, n_batches: int, seed: int, _X, _y) -> core.BatchMinimizers:
    with _one_thread():
        return core.batch_minimizers(_X, _y, batch_size, n_batches=n_batches, seed=seed)


@st.cache_data(max_entries=16, ttl=TTL, show_spinner="Drawing batches of every size ...")
def minimizer_spread(key, sizes: tuple, n_batches: int, seed: int, _X, _y) -> pd.DataFrame:
    with _one_thread():
        return core.minimizer_spread(_X, _y, list(sizes), n_batches=n_batches, seed=seed)


@st.cache_data(max_entries=32, ttl=TTL, show_spinner="Running constant-rate SGD from w* ...")
def noise_ball(key, rates: tuple, sizes: tuple, epochs: int, seed: int, _X, _y) -> pd.DataFrame:
    with _one_thread():
        return core.noise_ball_radius(
            _X, _y, learning_rates=list(rates), batch_sizes=list(sizes), epochs=epochs, seed=seed
        )


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def noise_ball_cloud(key, rate: float, batch_size: int, epochs: int, seed: int, _X, _y, _loss) -> np.ndarray:
    """Iterates of SGD(η) started at w*, after the burn-in, thinned to at most 600: (T, K)."""
    traj = core.run_optimizer(
        _X,
        _y,
        SGD(rate),
        batch_size=batch_size,
        epochs=epochs,
        w0=_loss.minimizer,
        seed=seed,
        tol=0.0,
        loss=_loss,
    )
    W = traj.weights[traj.steps >= NOISE_BALL_BURN_IN * traj.n_steps]
    if len(W) > MAX_CLOUD:
        W = W[np.linspace(0, len(W) - 1, MAX_CLOUD).round().astype(int)]
    return np.array(W)


# The noise ball for batches drawn independently (rows with replacement), the case core's exact theory
# describes. run_optimizer reshuffles each epoch; a random order of rows that were themselves drawn
# independently is still independent, so SGD over a fresh with-replacement sample of rows *is* SGD with
# independent batches. Run in chunks of rows, each chunk starting where the last one ended.
INDEPENDENT_CHUNK_ROWS = 200_000


def _independent_run(X, y, rate: float, batch: int, steps: int, seed: int, w0) -> tuple[np.ndarray, bool]:
    """Iterates w_0 … w_steps of SGD(η) with independent batches of ``batch`` rows: ((T, K), diverged)."""
    rng = np.random.default_rng(seed)
    per_chunk = max(1, INDEPENDENT_CHUNK_ROWS // batch)
    weights, w, done, part = [np.asarray(w0, dtype=float)[None, :]], np.asarray(w0, dtype=float), 0, 0
    while done < steps:
        m = min(per_chunk, steps - done)
        rows = rng.integers(0, X.shape[0], size=m * batch)
        traj = core.run_optimizer(
            X[rows], y[rows], SGD(rate), batch_size=batch, epochs=1, w0=w, seed=seed + part, tol=0.0,
            max_recorded=m + 1,
        )  # fmt: skip
        weights.append(traj.weights[1:])
        if traj.diverged:
            return np.concatenate(weights), True
        w, done, part = traj.weights[-1], done + m, part + 1
    return np.concatenate(weights), False


def _ball_steps(n: int, batch: int, epochs: int) -> int:
    """Steps of the reshuffled run with these settings (so both samplings run as long)."""
    return epochs * core.steps_per_epoch(n, batch if batch < n else None)


@st.cache_data(max_entries=32, ttl=TTL, show_spinner="Running SGD with independent batches from w* ...")
def noise_ball_independent(
    key, rates: tuple, sizes: tuple, epochs: int, seed: int, _X, _y, _loss
) -> pd.DataFrame:
    """``core.noise_ball_radius``'s measurement for independent batches: one row per (η, B).

    Columns ``learning_rate``, ``batch_size``, ``rms_radius`` (√mean ‖w_t − w*‖² over the second
    half of the steps, as core measures), ``diverged``, ``n_iterates``.
    """
    w_star = _loss.minimizer
    rows = []
    with _one_thread():
        for rate in rates:
            for b in sizes:
                steps = _ball_steps(_X.shape[0], int(b), epochs)
                W, diverged = _independent_run(_X, _y, float(rate), int(b), steps, seed, w_star)
                kept = W[np.arange(len(W)) >= NOISE_BALL_BURN_IN * (len(W) - 1)]
                radius = float(np.sqrt(np.mean(np.sum((kept - w_star) ** 2, axis=1))))
                rows.append((float(rate), int(b), np.inf if diverged else radius, diverged, len(kept)))
    return pd.DataFrame(rows, columns=["learning_rate", "batch_size", "rms_radius", "diverged", "n_iterates"])


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def noise_ball_cloud_independent(
    key, rate: float, batch: int, epochs: int, seed: int, _X, _y, _loss
) -> np.ndarray:
    """Iterates of SGD(η) with independent batches from w*, after the burn-in, thinned to at most 600."""
    steps = _ball_steps(_X.shape[0], int(batch), epochs)
    W, _ = _independent_run(_X, _y, rate, int(batch), steps, seed, _loss.minimizer)
    W = W[np.arange(len(W)) >= NOISE_BALL_BURN_IN * (len(W) - 1)]
    if len(W) > MAX_CLOUD:
        W = W[np.linspace(0, len(W) - 1, MAX_CLOUD).round().astype(int)]
    return np.array(W)


# -- generalization ----------------------------------------------------------------------------


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def double_descent(
    n_features: int,
    sizes: tuple,
    noise: float,
    signal: float,
    n_seeds: int,
    ridge: float,
    seed: int,
    gd_steps: int = 100,
) -> pd.DataFrame:
    """``core.summarize_risk`` of ``core.double_descent_experiment`` (one row per N and method)."""
    df = core.double_descent_experiment(
        n_features,
        list(sizes),
        noise=noise,
        signal=signal,
        n_seeds=n_seeds,
        ridge=ridge,
        seed=seed,
        gd_steps=gd_steps,
    )
    return core.summarize_risk(df)


# -- cost --------------------------------------------------------------------------------------


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def time_size(n_samples: int, n_features: int, repeats: int) -> pd.DataFrame:
    """``core.time_methods`` at one size: measured once per size, then served from the cache.

    With one BLAS thread, like the compiled SGD loop: the methods compare like for like, and
    a busy laptop (two cores, a projector, a browser) disturbs a single thread far less.
    """
    with _one_thread():
        return core.time_methods([(n_samples, n_features)], repeats=repeats)


# -- minima ----------------------------------------------------------------------------------


@st.cache_data(max_entries=16, ttl=TTL, show_spinner="Descending from every start ...")
def tanh_experiment(
    n_samples: int, seed: int, n_starts: int, batch_size, learning_rate: float, epochs: int, record_every: int
) -> dict:
    """Data, the loss grid, the stationary points found and the paths, for the tanh unit."""
    data = core.make_tanh_data(n_samples, seed=seed)
    report = core.find_minima(
        data.x,
        data.y,
        n_starts=n_starts,
        learning_rate=learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )
    paths = core.run_tanh_descent(
        data.x,
        data.y,
        report.starts,
        learning_rate=learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        record_every=record_every,
    )
    w1 = np.linspace(-4.0, 4.0, 81)
    w2 = np.linspace(-2.5, 2.5, 61)
    return {
        "x": data.x,
        "y": data.y,
        "true_weights": data.true_weights,
        "w1": w1,
        "w2": w2,
        "Z": core.tanh_loss_grid(data.x, data.y, w1, w2),
        "saddle_loss": core.tanh_loss([0.0, 0.0], data.x, data.y),
        "minima": report.minima,
        "labels": report.labels,
        "starts": report.starts,
        "endpoints": report.endpoints,
        "paths": paths,
    }


@st.cache_data(max_entries=8, ttl=TTL, show_spinner="Fitting the tanh unit on many datasets ...")
def agreement(sizes: tuple, n_seeds: int, seed: int) -> pd.DataFrame:
    return core.agreement_vs_sample_size(list(sizes), n_seeds=n_seeds, seed=seed)


# -- geometry ----------------------------------------------------------------------------------


@st.cache_resource(max_entries=16, ttl=TTL, show_spinner=False)
def gd_run(key, learning_rate: float, epochs: int, w0: tuple, _X, _y, _loss) -> core.Trajectory:
    """Constant-rate full-batch GD on the problem (shared read-only: never mutate it)."""
    return core.run_optimizer(_X, _y, SGD(learning_rate), epochs=epochs, w0=np.array(w0), loss=_loss)
