"""core.sampling: the rows of every SGD step replay run_optimizer exactly; step directions by brute force."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import SGD, Adam, InverseTimeDecay, QuadraticLoss, make_regression, run_optimizer
from core.sampling import BatchIndices, batch_indices, batch_indices_of, step_directions


def _data(n, k, seed=0):
    d = make_regression(n, k, noise=0.5, condition_number=5.0, seed=seed)
    return d.X, d.y


def _replay_plain_sgd(X, y, traj, batches):
    """Largest relative gap between w_t − η_t·g_batch(w_t), computed here, and the run's w_{t+1}."""
    W = traj.weights
    worst = 0.0
    for t in range(traj.n_steps):
        rows = batches[t]
        Xb = X[rows]
        g = Xb.T @ (Xb @ W[t] - y[rows]) / rows.size
        w_next = W[t] - traj.learning_rate[t] * g
        worst = max(worst, float(np.max(np.abs(w_next - W[t + 1])) / max(1.0, np.max(np.abs(W[t + 1])))))
    return worst


# (N, K, B, epochs, seed): classic SGD (the fused kernel), batches with a remainder, one batch short of N.
CASES = [(37, 3, 1, 4, 0), (50, 2, 7, 3, 5), (101, 2, 10, 5, 9), (64, 5, 63, 4, 2), (12, 1, 5, 6, 123)]


@pytest.mark.parametrize(("n", "k", "b", "epochs", "seed"), CASES)
def test_batches_replay_every_step_of_run_optimizer(n, k, b, epochs, seed):
    X, y = _data(n, k, seed)
    traj = run_optimizer(
        X, y, SGD(InverseTimeDecay(0.05, 0.01)), batch_size=b, epochs=epochs, seed=seed, tol=0, w0=np.ones(k)
    )
    batches = batch_indices(n, b, epochs, seed)
    assert len(batches) == traj.n_steps == epochs * math.ceil(n / b)
    assert _replay_plain_sgd(X, y, traj, batches) <= 1e-12


def test_a_wrong_seed_does_not_replay():
    X, y = _data(40, 2)
    traj = run_optimizer(X, y, SGD(0.1), batch_size=1, epochs=2, seed=3, tol=0, w0=np.ones(2))
    assert _replay_plain_sgd(X, y, traj, batch_indices(40, 1, 2, 3)) <= 1e-12
    assert _replay_plain_sgd(X, y, traj, batch_indices(40, 1, 2, 4)) > 1e-6


def test_momentum_run_replays_through_its_velocity():
    """The general minibatch kernel (momentum) consumes the same shuffles: replay the whole path."""
    n, k, b, epochs, seed, lr, mu = 45, 3, 4, 3, 11, 0.02, 0.9
    X, y = _data(n, k, seed)
    traj = run_optimizer(
        X, y, SGD(lr, momentum=mu), batch_size=b, epochs=epochs, seed=seed, tol=0, w0=np.ones(k)
    )
    batches = batch_indices(n, b, epochs, seed)
    w, v = np.ones(k), np.zeros(k)
    for t in range(traj.n_steps):
        rows = batches[t]
        g = X[rows].T @ (X[rows] @ w - y[rows]) / rows.size
        v = mu * v + g
        w = w - lr * v
        np.testing.assert_allclose(w, traj.weights[t + 1], rtol=1e-11, atol=1e-12)


@given(
    n=st.integers(2, 40),
    b=st.integers(1, 40),
    epochs=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=25, deadline=None)
def test_property_batches_replay_the_run(n, b, epochs, seed):
    b = min(b, n)
    X, y = _data(n, 2, seed % 1000)
    traj = run_optimizer(X, y, SGD(0.01), batch_size=b, epochs=epochs, seed=seed, tol=0, w0=np.ones(2))
    batches = batch_indices(n, b, epochs, seed)
    assert len(batches) == traj.n_steps
    assert _replay_plain_sgd(X, y, traj, batches) <= 1e-12


def test_each_epoch_partitions_the_rows_in_consecutive_batches():
    b = batch_indices(23, 5, 3, seed=7)
    assert isinstance(b, BatchIndices)
    assert (b.steps_per_epoch, len(b), b.epochs, b.n_samples) == (5, 15, 3, 23)
    sizes = [rows.size for rows in b]
    assert sizes == [5, 5, 5, 5, 3] * 3
    rng = np.random.default_rng(7)
    for e in range(3):
        epoch_rows = np.concatenate(b[e * 5 : (e + 1) * 5])
        np.testing.assert_array_equal(epoch_rows, rng.permutation(23))  # the order, cut in slices
        np.testing.assert_array_equal(np.sort(epoch_rows), np.arange(23))
        assert b.epoch_of(e * 5 + 4) == e
    np.testing.assert_array_equal(b[-1], b[14])
    assert not np.array_equal(b.orders[0], b.orders[1])  # a fresh shuffle every epoch


def test_fewer_epochs_give_the_same_first_steps():
    long, short = batch_indices(30, 4, 5, seed=1), batch_indices(30, 4, 2, seed=1)
    for t in range(len(short)):
        np.testing.assert_array_equal(long[t], short[t])


@pytest.mark.parametrize("batch_size", [None, 17])
def test_full_batch_uses_every_row_and_draws_no_shuffle(batch_size):
    b = batch_indices(17, batch_size, 3, seed=0)
    assert b.full_batch and len(b) == 3
    np.testing.assert_array_equal(b[2], np.arange(17))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((10, 0, 1, 0), "batch_size must be at least 1"),
        ((10, 11, 1, 0), "batch_size must be at most 10"),
        ((10, 2, 0, 0), "epochs must be at least 1"),
        ((10, 2, 1, -1), "seed must be at least 0"),
        ((0, 2, 1, 0), "n_samples must be at least 1"),
        ((10, 2.5, 1, 0), "batch_size must be a whole number"),
    ],
)
def test_batch_indices_refuses_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        batch_indices(*args)


def test_batch_index_out_of_range():
    with pytest.raises(IndexError, match="steps 0 … 5"):
        batch_indices(6, 1, 1, 0)[6]


# ---------------------------------------------------------------- step_directions


def _brute_gradient(X, y, w):
    n = X.shape[0]
    return sum(X[i] * (X[i] @ w - y[i]) for i in range(n)) / n


@pytest.mark.parametrize("b", [1, 6, None])
def test_step_directions_against_brute_force(b):
    n, k, epochs, seed = 30, 3, 3, 4
    X, y = _data(n, k, seed)
    loss = QuadraticLoss.from_data(X, y)
    traj = run_optimizer(
        X, y, SGD(0.05), batch_size=b, epochs=epochs, seed=seed, tol=0, w0=np.ones(k), loss=loss
    )
    steps = [0, 1, traj.n_steps // 2, traj.n_steps - 1]
    sd = step_directions(X, y, traj, loss, steps=steps)
    assert len(sd) == 4 and sd.batch_size == b
    np.testing.assert_array_equal(sd.steps, steps)
    first_order = np.random.default_rng(seed).permutation(n)  # epoch 0, by hand
    for j, t in enumerate(steps):
        w = traj.weights[t]
        np.testing.assert_array_equal(sd.weights[j], w)
        np.testing.assert_array_equal(sd.step[j], traj.weights[t + 1] - w)
        np.testing.assert_allclose(sd.gradient[j], _brute_gradient(X, y, w), rtol=1e-10, atol=1e-12)
        rows = np.arange(n) if b is None else sd.batches[j]
        g = sum(X[i] * (X[i] @ w - y[i]) for i in rows) / rows.size
        np.testing.assert_allclose(sd.batch_gradient[j], g, rtol=1e-10, atol=1e-12)
        # Plain SGD: the step is −η times the batch gradient.
        np.testing.assert_allclose(sd.step[j], -0.05 * sd.batch_gradient[j], rtol=1e-10, atol=1e-14)
        assert sd.learning_rate[j] == 0.05
        cos = -sd.step[j] @ sd.gradient[j] / np.linalg.norm(sd.step[j]) / np.linalg.norm(sd.gradient[j])
        assert sd.angle_to_gradient[j] == pytest.approx(np.degrees(np.arccos(np.clip(cos, -1, 1))), abs=1e-6)
    if b is not None and b < n:
        np.testing.assert_array_equal(sd.batches[0], first_order[:b])
    np.testing.assert_allclose(sd.angle_to_batch_gradient, 0.0, atol=1e-6)
    if b is None:
        np.testing.assert_allclose(sd.angle_to_gradient, 0.0, atol=1e-6)


def test_single_example_gradient_is_parallel_to_its_data_point():
    n, k = 40, 5
    X, y = _data(n, k, 8)
    loss = QuadraticLoss.from_data(X, y)
    traj = run_optimizer(X, y, SGD(0.02), batch_size=1, epochs=2, seed=8, tol=0, w0=np.ones(k), loss=loss)
    sd = step_directions(X, y, traj, loss, steps=np.arange(traj.n_steps))
    rng = np.random.default_rng(8)
    order = np.concatenate([rng.permutation(n), rng.permutation(n)])
    np.testing.assert_array_equal(sd.samples, order)
    np.testing.assert_array_equal(sd.examples, X[order])
    r = np.array([X[i] @ traj.weights[t] - y[i] for t, i in enumerate(order)])
    np.testing.assert_allclose(sd.residuals, r, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sd.example_gradient, r[:, None] * X[order], rtol=1e-12, atol=1e-12)
    # Parallel to xᵢ: |cos| = 1, and the step itself lies along xᵢ (K = 5: one direction of five).
    for U in (sd.example_gradient, sd.step):
        cos = (
            np.einsum("ij,ij->i", U, X[order]) / np.linalg.norm(U, axis=1) / np.linalg.norm(X[order], axis=1)
        )
        np.testing.assert_allclose(np.abs(cos), 1.0, atol=1e-12)
    # The full gradient is not along xᵢ: the angle between step and −∇L is seldom 0.
    assert np.nanmedian(sd.angle_to_gradient) > 10


def test_momentum_step_is_not_along_the_batch_gradient():
    X, y = _data(30, 2, 1)
    loss = QuadraticLoss.from_data(X, y)
    traj = run_optimizer(X, y, Adam(0.05), batch_size=1, epochs=1, seed=1, tol=0, w0=np.ones(2), loss=loss)
    sd = step_directions(X, y, traj, loss, steps=[5, 6])
    assert sd.example_gradient is not None
    assert np.all(sd.angle_to_batch_gradient > 1e-3)


def test_a_scalar_step_and_a_run_that_stopped_early():
    X, y = _data(50, 2, 0)
    loss = QuadraticLoss.from_data(X, y)
    traj = run_optimizer(X, y, SGD(0.5), epochs=10_000, tol=1e-6, loss=loss)
    assert traj.converged and traj.n_steps < 10_000
    sd = step_directions(X, y, traj, loss, steps=traj.n_steps - 1)
    np.testing.assert_array_equal(sd.step[0], traj.weights[-1] - traj.weights[-2])
    assert len(batch_indices_of(traj)) == traj.n_steps


def test_thinned_trajectory_is_refused():
    X, y = _data(50, 2, 0)
    traj = run_optimizer(X, y, SGD(0.1), batch_size=1, epochs=2, tol=0, max_recorded=10)
    assert traj.record_every > 1
    with pytest.raises(ValueError, match=r"needs every iterate.*record_every="):
        step_directions(X, y, traj, QuadraticLoss.from_data(X, y), steps=0)


@pytest.mark.parametrize(
    ("steps", "match"),
    [(10, r"steps must lie in 0 … 9"), (-1, "got -1"), ([], "1-D list"), (1.5, "whole numbers")],
)
def test_step_directions_refuses_bad_steps(steps, match):
    X, y = _data(20, 2, 0)
    traj = run_optimizer(X, y, SGD(0.1), batch_size=2, epochs=1, tol=0)
    with pytest.raises(ValueError, match=match):
        step_directions(X, y, traj, QuadraticLoss.from_data(X, y), steps=steps)


def test_step_directions_refuses_other_data():
    X, y = _data(20, 2, 0)
    traj = run_optimizer(X, y, SGD(0.1), batch_size=2, epochs=1, tol=0)
    X2, y2 = _data(21, 2, 0)
    with pytest.raises(ValueError, match="Pass the X, y and loss of the run"):
        step_directions(X2, y2, traj, QuadraticLoss.from_data(X2, y2), steps=0)
    with pytest.raises(ValueError, match="loss must be a QuadraticLoss"):
        step_directions(X, y, traj, None, steps=0)
    with pytest.raises(ValueError, match=r"trajectory must be a core\.Trajectory"):
        step_directions(X, y, traj.weights, QuadraticLoss.from_data(X, y), steps=0)
