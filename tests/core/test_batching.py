"""Batch arithmetic in one place: steps per epoch and what a batch size means for N samples."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import SGD, batch_indices, effective_batch_size, make_regression, run_optimizer, steps_per_epoch


@given(st.integers(1, 10_000), st.one_of(st.none(), st.integers(1, 20_000)))
def test_steps_per_epoch_is_the_ceiling_of_n_over_b(n, b):
    expected = 1 if b is None else math.ceil(n / b)
    assert steps_per_epoch(n, b) == expected
    assert steps_per_epoch(n, effective_batch_size(b, n)) == expected  # B ≥ N is one step either way


def test_effective_batch_size_makes_a_batch_as_large_as_the_data_full_batch():
    assert effective_batch_size(None, 10) is None
    assert effective_batch_size(10, 10) is None and effective_batch_size(50, 10) is None
    assert effective_batch_size(3, 10) == 3


@pytest.mark.parametrize("batch", [None, 1, 3, 7, 10])
def test_trajectory_and_batch_indices_agree_with_it(batch):
    data = make_regression(10, 2, noise=0.1, seed=0)
    traj = run_optimizer(data.X, data.y, SGD(0.05), batch_size=batch, epochs=3, tol=0)
    expected = steps_per_epoch(10, batch)
    assert traj.steps_per_epoch == expected
    assert traj.n_steps == 3 * expected
    assert batch_indices(10, batch, 3, 0).steps_per_epoch == expected


def test_a_batch_above_n_is_refused_by_the_library():
    data = make_regression(10, 2, noise=0.1, seed=0)
    with pytest.raises(ValueError, match="batch_size must be at most 10, got 11"):
        run_optimizer(data.X, data.y, SGD(0.05), batch_size=11)
