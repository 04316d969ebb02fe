"""Timings are positive and tidy; the fitted cost model recovers known constants, gives correct standard
errors, leaves out disturbed timings, and says which terms the sizes cannot resolve."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.optimize

from core.cost import (
    MAX_CELLS,
    MODEL_TERMS,
    TERMS,
    crossover,
    fit_cost_model,
    left_out,
    predicted_seconds,
    time_methods,
)


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
    coefs = model[list(TERMS)].to_numpy()
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


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["n_samples", "n_features", "method", "seconds"])


# The Cost view's sweep: N from 1,000 to 50,000 at K = 10, then K from 2 to 200 at N = 5,000.
VIEW_SIZES = [(n, 10) for n in (1000, 2187, 4782, 10456, 22865, 50000)] + [
    (5000, k) for k in (2, 5, 10, 13, 32, 80, 200)
]


def _noisy(model_seconds, sizes, method, noise, rng) -> pd.DataFrame:
    return _frame(
        [(n, k, method, model_seconds(n, k) * np.exp(noise * rng.standard_normal())) for n, k in sizes]
    )


def test_a_k_cubed_term_the_sizes_cannot_resolve_is_reported_not_shown():
    # Like the view's sweep on a laptop: K ≤ 200 ≪ N, so K³ is ≤ 4 % of NK² (b = a here), under 10 % noise.
    rng = np.random.default_rng(1)
    t = _noisy(lambda n, k: 7e-11 * n * k**2 + 7e-11 * k**3 + 1e-4, VIEW_SIZES, "normal equations", 0.1, rng)
    row = fit_cost_model(t).iloc[0]
    assert "per_k3" in row["unresolved"]
    assert row["per_k3"] == 0 and np.isnan(row["per_k3_se"])
    assert row["per_nk2"] == pytest.approx(7e-11, rel=0.15)
    assert row["per_nk2"] > 2 * row["per_nk2_se"] > 0
    # With square problems in the sweep (K = N), the same K³ term is resolved and recovered.
    square = [*VIEW_SIZES, (300, 300), (600, 600), (1000, 1000)]
    t = _noisy(lambda n, k: 7e-11 * n * k**2 + 7e-10 * k**3 + 1e-4, square, "normal equations", 0.02, rng)
    row = fit_cost_model(t).iloc[0]
    assert "per_k3" not in row["unresolved"]
    assert row["per_k3"] == pytest.approx(7e-10, rel=0.2)


def test_standard_errors_match_scipy_curve_fit():
    # Independent reference: scipy's weighted nonlinear least squares (Levenberg–Marquardt) with
    # sigma = the measured time minimizes the same relative error and reports the covariance.
    rng = np.random.default_rng(2)
    true = lambda n, k: 2e-9 * n * k + 6e-8 * n + 1e-4  # noqa: E731
    t = _noisy(true, VIEW_SIZES, "SGD epoch", 0.05, rng)
    row = fit_cost_model(t).iloc[0]
    assert row["unresolved"] == () and row["n_left_out"] == 0
    n, k, sec = (t[c].to_numpy(dtype=float) for c in ("n_samples", "n_features", "seconds"))
    popt, pcov = scipy.optimize.curve_fit(
        lambda nk, c, f, e: c * nk[0] * nk[1] + f * nk[0] + e, (n, k), sec, p0=[1e-9, 1e-8, 1e-4], sigma=sec
    )
    np.testing.assert_allclose(row[["per_nk", "per_n", "overhead"]].to_numpy(dtype=float), popt, rtol=1e-5)
    np.testing.assert_allclose(
        row[["per_nk_se", "per_n_se", "overhead_se"]].to_numpy(dtype=float), np.sqrt(np.diag(pcov)), rtol=1e-4
    )
    relative = (popt[0] * n * k + popt[1] * n + popt[2]) / sec - 1
    assert row["rel_rms_error"] == pytest.approx(np.sqrt(np.mean(relative**2)), rel=1e-5)


def test_standard_errors_cover_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    hits = []
    for _ in range(300):
        t = _noisy(lambda n, k: 2e-9 * n * k + 6e-8 * n + 1e-4, VIEW_SIZES, "SGD epoch", 0.05, rng)
        row = fit_cost_model(t).iloc[0]
        if row["unresolved"] == ():
            hits.append(abs(row["per_nk"] - 2e-9) < 1.96 * row["per_nk_se"])
    assert len(hits) > 250
    assert 0.88 < np.mean(hits) < 0.99  # ≈ 0.95 (t with 10 degrees of freedom, and ~5 % noise)


def test_a_disturbed_timing_is_left_out_and_the_rest_fit_exactly():
    true = lambda n, k: 1e-10 * n * k**2 + 3e-9 * n * k + 1e-4  # noqa: E731
    rows = [(n, k, "QR", true(n, k)) for n, k in VIEW_SIZES]
    rows[4] = (*rows[4][:3], 10 * rows[4][3])  # another process ran during every repeat
    t = _frame(rows)
    model = fit_cost_model(t)
    row = model.iloc[0]
    np.testing.assert_array_equal(left_out(model, t), np.arange(len(t)) == 4)
    assert row["n_left_out"] == 1 and row["n_fitted"] == len(t) - 1
    got = row[["per_nk2", "per_nk", "overhead"]].to_numpy(dtype=float)
    np.testing.assert_allclose(got, [1e-10, 3e-9, 1e-4], rtol=1e-6)
    assert row["rel_rms_error"] < 1e-8


def test_at_most_a_quarter_of_the_timings_is_left_out():
    rng = np.random.default_rng(4)
    rows = [(n, k, "SVD", 1e-9 * n * k**2 * (30 if rng.random() < 0.5 else 1)) for n, k in VIEW_SIZES]
    model = fit_cost_model(_frame(rows))
    assert model.iloc[0]["n_left_out"] <= len(rows) // 4


def test_every_method_fits_its_own_terms_only():
    t = _frame([(n, k, m, 1e-9 * n * k + 1e-4) for n, k in VIEW_SIZES for m in MODEL_TERMS])
    model = fit_cost_model(t).set_index("method")
    assert model.loc["SGD epoch", "per_nk2"] == 0 and "per_nk2" not in MODEL_TERMS["SGD epoch"]
    assert model.loc["QR", "per_n"] == 0 and "per_n" not in MODEL_TERMS["QR"]
    for method, terms in MODEL_TERMS.items():
        assert set(model.loc[method, "unresolved"]) <= set(terms)
