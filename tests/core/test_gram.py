"""The one-pass augmented Gram kernel [X y]ᵀ[X y] against BLAS, on both its serial and parallel paths."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import _gram
from core._gram import augmented_gram

# Below 2 * 8192 rows the kernel runs serially; from there on it splits into chunks over threads.
PARALLEL_THRESHOLD = 2 * _gram._MIN_ROWS_PER_CHUNK


def reference_gram(X, y):
    Z = np.column_stack([X, y])  # (N, K+1)
    return Z.T @ Z


def assert_gram_close(G, ref, rtol=1e-12):
    """Entrywise error relative to √(G_ii G_jj), the Cauchy–Schwarz scale of entry (i, j).

    (Plain relative error is meaningless for an off-diagonal entry that cancels to ~0.)
    """
    scale = np.sqrt(np.outer(np.diag(ref), np.diag(ref)))
    assert G.shape == ref.shape
    assert np.all(np.abs(G - ref) <= rtol * scale), np.max(np.abs(G - ref) / scale)


def random_problem(rng, n, k):
    # Columns of very different scales and nonzero means: the realistic, harder case.
    X = rng.standard_normal((n, k)) * 10.0 ** rng.uniform(-3, 3, k) + rng.uniform(-5, 5, k)
    y = rng.standard_normal(n) * 3.0 + 1.0
    return X, y


@pytest.mark.parametrize(
    "n",
    [1, 2, 127, 128, 129, PARALLEL_THRESHOLD - 1, PARALLEL_THRESHOLD, PARALLEL_THRESHOLD + 1, 100_003],
)
@pytest.mark.parametrize("k", [1, 4, 20])
def test_augmented_gram_equals_column_stack_gram_on_serial_and_parallel_paths(n, k):
    X, y = random_problem(np.random.default_rng(n * 31 + k), n, k)
    assert_gram_close(augmented_gram(X, y), reference_gram(X, y))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3000), k=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_augmented_gram_matches_blas_for_arbitrary_shapes(n, k, seed):
    X, y = random_problem(np.random.default_rng(seed), n, k)
    G = augmented_gram(X, y)
    assert_gram_close(G, reference_gram(X, y))
    np.testing.assert_array_equal(G, G.T)


def test_blocks_are_xtx_xty_and_yty():
    rng = np.random.default_rng(0)
    X, y = random_problem(rng, 1000, 3)
    G = augmented_gram(X, y)
    np.testing.assert_allclose(G[:3, :3], X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(G[:3, 3], X.T @ y, rtol=1e-12)
    assert G[3, 3] == pytest.approx(y @ y, rel=1e-13)


def test_small_integer_data_is_exact():
    # Integers small enough that every partial sum is exact in float64: no rounding anywhere.
    rng = np.random.default_rng(1)
    for n in (50, PARALLEL_THRESHOLD + 5000):
        X = rng.integers(-100, 101, size=(n, 5)).astype(float)
        y = rng.integers(-100, 101, size=n).astype(float)
        Z = np.column_stack([X, y]).astype(np.int64)
        np.testing.assert_array_equal(augmented_gram(X, y), (Z.T @ Z).astype(float))


@pytest.mark.parametrize("n", [PARALLEL_THRESHOLD - 1, 200_000])
def test_augmented_gram_is_deterministic_bit_for_bit(n):
    X, y = random_problem(np.random.default_rng(2), n, 10)
    first = augmented_gram(X, y)
    for _ in range(3):
        assert augmented_gram(X, y).tobytes() == first.tobytes()


def test_parallel_result_does_not_depend_on_thread_count():
    X, y = random_problem(np.random.default_rng(3), 150_000, 6)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one_thread = augmented_gram(X, y)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        all_threads = augmented_gram(X, y)
    finally:
        numba.set_num_threads(before)
    assert one_thread.tobytes() == all_threads.tobytes()


@pytest.mark.parametrize("n_chunks", [2, 3, 16])
def test_parallel_kernel_agrees_with_serial_kernel_for_any_chunk_count(n_chunks):
    X, y = random_problem(np.random.default_rng(4), 40_001, 7)
    serial = _gram._gram_serial(X, y)
    parallel = _gram._gram_parallel(X, y, n_chunks)
    ref = reference_gram(X, y)
    # The kernels fill the upper triangle only; augmented_gram mirrors it.
    upper = np.triu_indices(8)
    assert_gram_close(np.triu(serial) + np.triu(serial, 1).T, ref)
    assert_gram_close(np.triu(parallel) + np.triu(parallel, 1).T, ref)
    np.testing.assert_allclose(parallel[upper], serial[upper], rtol=1e-12, atol=0)


def test_non_contiguous_and_fortran_inputs_are_handled():
    X, y = random_problem(np.random.default_rng(5), 20_000, 4)
    ref = reference_gram(X, y)
    wide = np.zeros((20_000, 8))
    wide[:, ::2] = X
    ys = np.zeros(40_000)
    ys[::2] = y
    assert_gram_close(augmented_gram(np.asfortranarray(X), y), ref)
    assert_gram_close(augmented_gram(wide[:, ::2], ys[::2]), ref)


@pytest.mark.parametrize(
    ("n", "path"), [(PARALLEL_THRESHOLD - 1, "serial"), (PARALLEL_THRESHOLD, "parallel"), (10**6, "parallel")]
)
def test_dispatch_runs_serially_below_two_chunks_and_in_parallel_above(n, path, monkeypatch):
    calls = []
    serial, parallel = _gram._gram_serial, _gram._gram_parallel
    monkeypatch.setattr(_gram, "_gram_serial", lambda X, y: calls.append("serial") or serial(X, y))
    monkeypatch.setattr(
        _gram, "_gram_parallel", lambda X, y, c: calls.append("parallel") or parallel(X, y, c)
    )
    X = np.ones((n, 1))
    G = augmented_gram(X, np.ones(n))
    assert calls == [path]
    np.testing.assert_array_equal(G, np.full((2, 2), float(n)))
