"""Timings are positive and tidy; the fitted O(NK² + K³) / O(NK) model is sane."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from core.cost import MAX_CELLS, crossover, fit_cost_model, predicted_seconds, time_methods


def test_time_methods_reports_positive_seconds_and_progress():
    calls = []
    sizes = [(400, 4), (1600, 4), (1600, 16)]
    df = time_methods(sizes, repeats=1, progress=lambda f, m: calls.append((f, m)))
    assert list(df.columns) == ["n_samples", "n_features", "method", "seconds"]
    assert len(df) == 12 and set(df["method"]) == {"normal equations", "QR", "SVD", "SGD epoch"}
    assert (df["seconds"] > 0).all() and np.isfinite(df["seconds"]).all()
    assert len(calls) == 12 and calls[-1][0] == pytest.approx(1.0)
    assert all(a[0] < b[0] for a, b in itertools.pairwise(calls))


def test_fit_recovers_a_synthetic_cost_model_and_crossover():
    # Exact synthetic timings: the fit must return their constants.
    sizes = [(n, k) for n in (1000, 4000, 16000) for k in (4, 16, 64)]
    true = {"normal equations": (2e-10, 1e-9, 0, 1e-5), "SGD epoch": (0, 0, 5e-9, 2e-5)}
    rows = [
        (n, k, m, a * n * k**2 + b * k**3 + d * n * k + e)
        for m, (a, b, d, e) in true.items()
        for n, k in sizes
    ]
    model = fit_cost_model(pd.DataFrame(rows, columns=["n_samples", "n_features", "method", "seconds"]))
    got = model.set_index("method")
    np.testing.assert_allclose(
        got.loc["normal equations", ["per_nk2", "per_k3", "overhead"]], [2e-10, 1e-9, 1e-5], rtol=1e-6
    )
    np.testing.assert_allclose(got.loc["SGD epoch", ["per_nk", "overhead"]], [5e-9, 2e-5], rtol=1e-6)
    assert (model["rel_rms_error"] < 1e-6).all()
    pred = predicted_seconds(model, [1000, 2000], 8)
    assert list(pred.columns) == ["n_samples", "n_features", "method", "seconds"] and len(pred) == 4
    # Per row: 2e-10·K² vs 5e-9·K, so the closed form wins below K ≈ 25 once N ≫ K.
    k_star = crossover(model, [100_000])[0]
    assert 20 <= k_star <= 30
    assert crossover(model, [100_000], epochs=10)[0] > 5 * k_star


def test_fit_on_real_timings_is_sane():
    df = time_methods([(500, 4), (2000, 4), (2000, 16), (8000, 8)], repeats=2)
    model = fit_cost_model(df)
    assert set(model["method"]) == {"normal equations", "QR", "SVD", "SGD epoch"}
    coefs = model[["per_nk2", "per_k3", "per_nk", "overhead"]].to_numpy()
    assert (coefs >= 0).all() and np.isfinite(coefs).all()
    pred = predicted_seconds(model, df["n_samples"].unique(), 8)
    assert (pred["seconds"] > 0).all()


def test_sizes_are_capped_and_checked():
    with pytest.raises(ValueError, match="5,000,000"):
        time_methods([(10_000_000, 1)])
    assert MAX_CELLS == 5_000_000
    with pytest.raises(ValueError, match="n_samples ≥ n_features"):
        time_methods([(5, 10)])
    with pytest.raises(ValueError, match="must be a pair"):
        time_methods([(5, 10, 3)])
    with pytest.raises(ValueError, match="progress"):
        time_methods([(50, 2)], progress="yes")
    with pytest.raises(ValueError, match="timings must be"):
        fit_cost_model(pd.DataFrame({"a": [1]}))
