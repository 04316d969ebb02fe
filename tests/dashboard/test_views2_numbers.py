"""Numbers the views Minibatches, Generalization and Cost say in words, each against an independent
reference: the noise ball of independent batches against the exact theory, the sentence under it against
the charts and numpy's eigenvalues, the peak sentence against the experiment, the cost table against the
fitted model (and the fit against scipy, in tests/core/test_cost.py)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import figures, new_app, trace

from core import QuadraticLoss, make_regression, noise_ball_radius
from core.cost import TERMS, fit_cost_model
from core.minibatch import noise_ball_theory
from dashboard import compute_scaling as cs
from dashboard import lab
from dashboard.figures.scaling import INDEPENDENT, RESHUFFLED, THEORY_RADIUS
from dashboard.settings import DataSettings
from dashboard.views.cost import model_table
from dashboard.views.generalization import PEAK, peak_sentence
from dashboard.views.minibatches import relaxation_steps

NUMBER = r"[-+]?\d[\d,]*\.?\d*(?:e[-+]?\d+)?"


@pytest.fixture(scope="module")
def small():
    data = make_regression(120, 2, noise=0.5, condition_number=4, seed=3)
    return data.X, data.y, QuadraticLoss.from_data(data.X, data.y)


@pytest.mark.parametrize(("rate", "batch"), [(0.05, 1), (0.2, 5)])
def test_independent_batches_give_the_exact_theorys_ball(small, rate, batch):
    # The exact second moment (core.noise_ball_theory) holds for batches drawn with replacement: a long run
    # of them must reproduce it to within its sampling error (a few per cent over ~10⁵ correlated iterates).
    X, y, loss = small
    df = cs.noise_ball_independent(("small", rate, batch), (rate,), (batch,), 800, 0, X, y, loss)
    theory, _ = noise_ball_theory(X, y, rate, batch)
    assert not df["diverged"].iloc[0]
    assert df["rms_radius"].iloc[0] == pytest.approx(theory, rel=0.1)


def test_a_full_batch_drawn_with_replacement_still_jitters_reshuffled_does_not(small):
    # B = N: reshuffled, every step is the full gradient (plain GD from w* stays put); independent, a batch
    # of N rows drawn with replacement repeats some rows and misses others, so the ball does not vanish.
    X, y, loss = small
    n = X.shape[0]
    independent = cs.noise_ball_independent(("small", "B=N"), (0.5,), (n,), 4000, 0, X, y, loss)
    reshuffled = noise_ball_radius(X, y, learning_rates=[0.5], batch_sizes=[n], epochs=50)
    assert reshuffled["rms_radius"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    theory, _ = noise_ball_theory(X, y, 0.5, n)
    assert independent["rms_radius"].iloc[0] == pytest.approx(theory, rel=0.15)


def test_the_minibatch_sentence_says_what_the_charts_show():
    at = new_app(view="Minibatches")
    at.run()
    assert not at.exception and not at.error
    (sentence,) = [m.value for m in at.markdown if m.value.startswith("**At η =")]
    problem = lab.build_problem(DataSettings())
    lam = np.linalg.eigvalsh(problem.X.T @ problem.X / problem.X.shape[0])  # independent of core
    rate = 0.05 * 2 / lam.max()  # the default fraction of the stability limit
    assert f"**At η = {rate:.3g} and B = 10:**" in sentence
    by_rate = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Radius against η"))
    at_rate = [np.isclose(x, rate) for x in trace(by_rate, f"measured, {INDEPENDENT}")["x"]]
    ind = np.asarray(trace(by_rate, f"measured, {INDEPENDENT}")["y"])[at_rate][0]
    resh = np.asarray(trace(by_rate, f"measured, {RESHUFFLED}")["y"])[at_rate][0]
    theory = np.asarray(trace(by_rate, f"{THEORY_RADIUS} batches")["y"])[at_rate][0]
    assert theory == pytest.approx(noise_ball_theory(problem.X, problem.y, rate, 10)[0], rel=1e-9)
    assert f"independent batches give a ball of RMS radius {ind:.3g} (exact theory {theory:.3g})" in sentence
    assert f"reshuffled each epoch, {resh:.3g}, which is {resh / ind:.0%} of it" in sentence
    assert ind == pytest.approx(theory, rel=0.2)  # like with like
    relax = 1 / (rate * lam.min())
    assert relax == pytest.approx(relaxation_steps(rate, problem.theory.lambda_min))
    assert f"≈ {relax:,.0f} steps to form, {relax / 20:,.1f} epochs of 20 steps" in sentence
    ball = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Noise ball"))
    legend = [t["name"] for t in ball["data"] if t.get("name")]
    assert f"{INDEPENDENT}: RMS {ind:.3g}" in legend and f"{RESHUFFLED}: RMS {resh:.3g}" in legend


def _summary(means: dict[str, list[float]], gammas) -> pd.DataFrame:
    rows = [
        {"method": m, "gamma": g, "mean": v, "n_samples": 10, "median": v, "std_error": 0.1, "n_seeds": 4}
        for m, values in means.items()
        for g, v in zip(gammas, values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_the_peak_sentence_reads_the_means_at_n_equals_k():
    gammas = [0.5, 0.8, 1.0, 1.25, 2.0]
    summary = _summary(
        {
            "min-norm least squares": [0.5, 2.0, 6060.4, 3.3, 1.0],
            "gradient descent from 0": [0.5, 1.6, 1.75, 1.68, 0.9],
            "ridge λ=0.1": [0.4, 0.7, 0.78, 0.88, 0.9],
        },
        gammas,
    )
    text = peak_sentence(summary, noise=0.5)
    assert "- min-norm least squares: 6,060 at N = K, at most 3.3 beside it: **a peak**" in text
    assert (
        "- gradient descent from 0, stopped after 100 steps: 1.75 at N = K, at most 1.68 beside it: no peak"
        in text
    )
    assert "- ridge λ=0.1: 0.78 at N = K, at most 0.88 beside it: no peak" in text
    # The verdict is the rule PEAK states, on the numbers shown.
    assert 6060.4 > PEAK * 3.3 and not 1.75 > PEAK * 1.68


def test_the_cost_table_shows_the_fitted_numbers_and_hides_the_unresolved():
    rng = np.random.default_rng(5)
    sizes = [(n, 10) for n in (1000, 3000, 10000, 30000)] + [(5000, k) for k in (2, 5, 20, 50, 100)]
    rows = [
        (n, k, "normal equations", (7e-11 * n * k**2 + 9e-5) * np.exp(0.05 * rng.standard_normal()))
        for n, k in sizes
    ]
    timings = pd.DataFrame(rows, columns=["n_samples", "n_features", "method", "seconds"])
    model = fit_cost_model(timings)
    row = model.iloc[0]
    table = model_table(model)
    line = next(ln for ln in table.splitlines() if ln.startswith("| normal equations"))
    formula, unresolved, error = (cell.strip() for cell in line.split("|")[2:5])
    shown = {t for t in TERMS if row[t] > 0}
    assert "per_k3" not in shown and "$K^3$" in unresolved  # K ≤ 100 ≪ N: not resolved, and said so
    assert formula.count("\\pm") == len(shown)  # one number per resolved term, none for the others
    terms = dict(zip(("per_nk2", "overhead"), formula.strip("$").split(" + "), strict=True))
    assert terms["per_nk2"].endswith("\\,NK^2") and "\\," not in terms["overhead"]
    for term, tex in terms.items():
        match = re.match(rf"\(({NUMBER}) \\pm ({NUMBER})\)\\times 10\^\{{(-?\d+)\}}", tex)
        assert match, (term, tex)
        value = float(match.group(1)) * 10 ** int(match.group(3))
        se = float(match.group(2)) * 10 ** int(match.group(3))
        assert value == pytest.approx(row[term], abs=se / 2)  # rounded to the digits of its error
        assert se == pytest.approx(row[f"{term}_se"], rel=0.5)
    assert error == f"{row['rel_rms_error']:.0%}"
