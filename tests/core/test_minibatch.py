"""Per-batch minimizers against lstsq and the 1/√B law; the SGD noise ball against its exact theory."""

from __future__ import annotations

import numpy as np
import pytest

from core import make_regression
from core.minibatch import batch_minimizers, minimizer_spread, noise_ball_radius, noise_ball_theory


@pytest.fixture(scope="module")
def data():
    return make_regression(20_000, 2, noise=1.0, condition_number=5, seed=0)


def test_batch_minimizers_are_each_batch_least_squares_fit(data):
    res = batch_minimizers(data.X, data.y, 30, n_batches=5, seed=1)
    assert res.minimizers.shape == (5, 2) and res.indices.shape == (5, 30)
    for w, idx in zip(res.minimizers, res.indices, strict=True):
        assert len(set(idx)) == 30  # without replacement within a batch
        np.testing.assert_allclose(w, np.linalg.lstsq(data.X[idx], data.y[idx], rcond=None)[0], atol=1e-10)
    np.testing.assert_allclose(res.full_minimizer, np.linalg.lstsq(data.X, data.y, rcond=None)[0], atol=1e-10)
    np.testing.assert_allclose(res.distances, np.linalg.norm(res.minimizers - res.full_minimizer, axis=1))


def test_underdetermined_batches_give_min_norm_fits():
    d = make_regression(50, 5, noise=0.5, seed=2)
    res = batch_minimizers(d.X, d.y, 3, n_batches=4, seed=0)
    for w, idx in zip(res.minimizers, res.indices, strict=True):
        np.testing.assert_allclose(w, np.linalg.pinv(d.X[idx]) @ d.y[idx], atol=1e-10)


def test_spread_falls_like_one_over_root_b(data):
    sizes = [20, 50, 100, 200, 500, 1000, 2000]  # B ≫ K = 2 and B ≤ N/10
    df = minimizer_spread(data.X, data.y, sizes, n_batches=100, seed=0)
    assert list(df.columns) == [
        "batch_size", "mean_distance", "rms_distance", "rms_spread", "law", "theory", "in_fit",
    ]  # fmt: skip
    assert df["in_fit"].all()
    slope = np.polyfit(np.log(df["batch_size"]), np.log(df["rms_distance"]), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.1)
    # The fitted law and the unfitted sandwich theory both track the measurement (100 batches:
    # the RMS of 100 draws is within ~15% of its expectation).
    np.testing.assert_allclose(df["rms_distance"], df["theory"], rtol=0.2)
    np.testing.assert_allclose(df["law"] * np.sqrt(df["batch_size"]), df["law"].iloc[0] * np.sqrt(20))
    assert (df["rms_spread"] <= df["rms_distance"] + 1e-12).all()


def test_noise_ball_theory_matches_a_with_replacement_simulation():
    d = make_regression(500, 2, noise=1.0, condition_number=4, seed=3)
    X, y = d.X, d.y
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    eta, b, chains = 0.2, 2, 400
    radius, _ = noise_ball_theory(X, y, eta, b)
    rng = np.random.default_rng(0)
    W = np.tile(w, (chains, 1))
    sq = []
    for t in range(1500):  # independent chains, batches drawn with replacement
        idx = rng.integers(0, 500, (chains, b))
        xb, yb = X[idx], y[idx]  # (chains, B, K), (chains, B)
        W = W - eta * np.einsum("cbk,cb->ck", xb, np.einsum("cbk,ck->cb", xb, W) - yb) / b
        if t >= 300:
            sq.append(np.mean(np.sum((W - w) ** 2, axis=1)))
    assert np.sqrt(np.mean(sq)) == pytest.approx(radius, rel=0.05)
    # Small-η limit: E[L − L*] ≈ η tr(S) / (4B).
    r = y - X @ w
    S = (X * r[:, None] ** 2).T @ X / 500
    _, small = noise_ball_theory(X, y, 1e-4, b)
    assert small == pytest.approx(1e-4 * np.trace(S) / (4 * b), rel=1e-3)
    assert noise_ball_theory(X, y, 50.0, 1) == (np.inf, np.inf)


def test_noise_ball_measured_with_run_optimizer(data):
    df = noise_ball_radius(
        data.X[:5000], data.y[:5000], learning_rates=[0.02, 0.1], batch_sizes=[1, 10], epochs=3
    )
    assert list(df.columns) == [
        "learning_rate", "batch_size", "rms_radius", "mean_excess_loss",
        "theory_rms_radius", "theory_excess_loss", "diverged", "n_iterates",
    ]  # fmt: skip
    assert not df["diverged"].any()
    by = df.set_index(["learning_rate", "batch_size"])["rms_radius"]
    assert by[(0.1, 1)] > by[(0.02, 1)] and by[(0.1, 1)] > by[(0.1, 10)]  # grows with η, shrinks with B
    # B = 1: the ball relaxes in ~1/(ηλ) ≪ N steps, so reshuffling behaves like the
    # with-replacement theory.
    b1 = df[df["batch_size"] == 1]
    np.testing.assert_allclose(b1["rms_radius"], b1["theory_rms_radius"], rtol=0.2)


def test_bad_batch_sizes_are_refused(data):
    with pytest.raises(ValueError, match="batch_size must be at most"):
        batch_minimizers(data.X[:10], data.y[:10], 11)
    with pytest.raises(ValueError, match="batch_sizes"):
        minimizer_spread(data.X[:10], data.y[:10], [0, 5])
    with pytest.raises(ValueError, match="learning_rates"):
        noise_ball_radius(data.X[:10], data.y[:10], learning_rates=[-1.0], batch_sizes=[1])
