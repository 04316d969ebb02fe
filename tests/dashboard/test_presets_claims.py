"""Every preset's note against its own picture: each claim checked on the data the app computes.

A preset is opened as the room opens it (``?preset=name``, AppTest); its settings, data and runs
are the app's own, and the landscape slice is the one the view draws (checked against the chart).
Each preset lists its *facts*: phrases of its note with a number in them, each verified here on
the data. A note may quote no number that is not one of its facts.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import charts, open_app

from core import gd_limit_point
from core.landscape import LossSlice, loss_slice, slice_directions
from dashboard import lab
from dashboard.controls import ALL_SPECS
from dashboard.presets import PRESETS, VIEW_WIDGETS
from dashboard.settings import LEARNING_RATE_CHOICES
from dashboard.views import VIEW_SPECS, VIEWS
from dashboard.views.landscape import SNAP


@dataclass(frozen=True, eq=False)
class Shown:
    """One preset as the app shows it: its settings, data, runs and (Landscape) drawn slice."""

    name: str
    result: object  # dashboard.state.LabResult
    drawn: LossSlice | None  # None unless the preset opens on the Landscape
    contour: dict | None  # the contour panel of the Landscape chart, as sent to the browser
    slice_mode: str | None

    @property
    def slice(self) -> LossSlice:
        assert self.drawn is not None, f"{self.name}: the note speaks of the Landscape, its view is not"
        return self.drawn

    @property
    def problem(self):
        return self.result.problem

    @property
    def loss(self):
        return self.result.problem.loss

    @property
    def w_star(self):
        return self.result.problem.w_star

    @property
    def w0(self):
        return lab.start_point(self.result.settings)

    def run(self, i: int):
        """Run ``i`` (1-based, as the legend and the note count)."""
        return self.result.runs[i - 1]

    def extent(self) -> np.ndarray:
        """Width and height of the drawn slice, display units."""
        return np.array([np.ptp(self.slice.x), np.ptp(self.slice.y)])

    def path_extent(self, i: int) -> np.ndarray:
        x, y, _ = self.slice.project(self.run(i).weights)
        return np.array([np.ptp(x), np.ptp(y)])


@functools.cache
def shown(name: str) -> Shown:
    at = open_app(preset=name)
    result = at.session_state["_current_lab"]
    assert not result.errors and not result.stale, result.errors
    if PRESETS[name].view != "Landscape":
        return Shown(name, result, None, None, None)
    problem = result.problem
    k = problem.w_star.size
    mode = at.radio(key="slice").value if k > 2 else "coordinates"
    pair = (
        (at.selectbox(key="ax1").value, at.selectbox(key="ax2").value)
        if mode == "coordinates" and k > 2
        else (0, 1)
    )
    # The slice exactly as dashboard/views/landscape.py computes it ...
    d1, d2, labels = slice_directions(problem.loss, mode, pair=pair, names=problem.param_names)
    drawn = loss_slice(
        problem.loss,
        problem.w_star,
        d1,
        d2,
        points=[t.weights for t in result.runs],
        anchors=[problem.w_star, lab.start_point(result.settings)],
        labels=labels,
        snap=SNAP,
    )
    contour = next(p for p in charts(at)["landscape"] if p["name"] == "contour")
    grid = next(t for t in contour["data"] if t["type"] == "contour")
    # ... and as the chart sent it: the same grid.
    assert np.allclose(grid["x"], drawn.x) and np.allclose(grid["y"], drawn.y)
    return Shown(name, result, drawn, contour, mode)


def _f(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace("-", "−")


def _eigen_errors(s: Shown, t) -> np.ndarray:
    """(T, K) components of w_t − w* along A's eigenvectors, most curved first."""
    return (t.weights - s.w_star) @ s.loss.eigenvectors


def _angle_to_axes(v: np.ndarray) -> float:
    """Degrees between a 2-vector's line and the nearer coordinate axis."""
    a = np.degrees(np.arctan2(abs(v[1]), abs(v[0])))
    return min(a, 90 - a)


def _off_chord(W: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Largest distance of the rows of W from the line through a and b."""
    u = (b - a) / np.linalg.norm(b - a)
    E = W - a
    return float(np.max(np.linalg.norm(E - np.outer(E @ u, u), axis=1)))


def _ball(s: Shown, t, last: float = 0.5) -> float:
    """RMS distance to w* over the last fraction of the run: the size of SGD's noise ball."""
    W = t.weights[int(len(t.weights) * (1 - last)) :]
    return float(np.sqrt(np.mean(np.sum((W - s.w_star) ** 2, axis=1))))


def _epoch_means(t) -> np.ndarray:
    """Geometric mean of the loss gap per epoch (SGD's gap jitters step to step)."""
    per = t.steps_per_epoch
    steps, gap = np.asarray(t.steps), np.asarray(t.excess_loss)
    n = t.n_steps // per
    return np.array(
        [np.exp(np.mean(np.log(gap[(steps > e * per) & (steps <= (e + 1) * per)]))) for e in range(n)]
    )


def _rerun(s: Shown, i: int, *, data=None, epochs=None, **run_changes):
    """Run ``i`` again with some settings changed, computed as the app computes it."""
    settings = s.result.settings
    if data:
        settings = dataclasses.replace(settings, data=dataclasses.replace(settings.data, **data))
    if epochs:
        settings = dataclasses.replace(settings, epochs=epochs)
    run = dataclasses.replace(settings.runs[i - 1], **run_changes)
    problem = lab.build_problem(settings.data)
    return problem, lab.run_one(problem, run, settings)


# Each preset: its facts (phrase of the note → a check on the data), checked below.
def _bowl(s: Shown) -> dict[str, Callable[[], None]]:
    gd, sgd = s.run(1), s.run(2)

    def nearly_round():
        lam = s.loss.eigenvalues
        assert s.result.settings.data.condition_number == 1.0 and lam[0] / lam[-1] < 1.2

    def straight_in():
        chord = np.linalg.norm(s.w_star - s.w0)
        assert gd.converged and np.linalg.norm(gd.weights[-1] - s.w_star) < 1e-4 * chord
        assert _off_chord(gd.weights, s.w0, s.w_star) < 0.02 * chord  # a straight line
        # SGD: same point, smaller and noisier steps
        assert np.linalg.norm(sgd.weights[-1] - s.w_star) < 0.01 * chord
        assert _off_chord(sgd.weights, s.w0, s.w_star) > 2 * _off_chord(gd.weights, s.w0, s.w_star)
        first = np.linalg.norm(np.diff(gd.weights[:2], axis=0))
        assert np.max(np.linalg.norm(np.diff(sgd.weights, axis=0), axis=1)) < first

    def batch_ten():
        assert s.result.settings.runs[1].batch_size == 10

    return {"κ = 1": nearly_round, "batches of 10": batch_ten, "straight": straight_in}


def _valley(s: Shown) -> dict[str, Callable[[], None]]:
    th = s.problem.theory
    gd, hb = s.run(1), s.run(2)
    run2 = s.result.settings.runs[1]
    lam = s.loss.eigenvalues

    def hb_radius():
        # Spectral radius of heavy ball at (η, β): largest root of z² − (1 + β − ηλ)z + β per λ.
        eta, beta = run2.learning_rate, run2.momentum
        return max(max(abs(np.roots([1, -(1 + beta - eta * v), beta]))) for v in lam)

    def zig_zag():
        e = _eigen_errors(s, gd)
        steep, floor = e[:, 0], e[:, -1]
        assert np.all(steep[1:] * steep[:-1] < 0), "GD flips across the valley every step"
        assert abs(floor[-1]) > 0.05 * abs(floor[0]), "and is still on its way along the floor"
        assert s.result.settings.runs[0].learning_rate == 1.0
        assert round(1 - 1.0 * lam[-1], 2) == round(th.optimal_rate, 2), "no constant step does better"

    def wider_then_faster():
        e_gd, e_hb = _eigen_errors(s, gd), _eigen_errors(s, hb)
        assert np.max(np.abs(e_hb[:, 0])) > 1.5 * np.max(np.abs(e_gd[:, 0]))
        assert hb.converged and not gd.converged and not gd.diverged

    def rate():
        g = np.asarray(hb.excess_loss)
        observed = np.exp(np.polyfit(np.arange(10, g.size), np.log(g[10:]), 1)[0] / 2)  # error ∝ √gap
        assert round(hb_radius(), 1) == round(observed, 1) == 0.8

    return {
        "κ = 50": lambda: None if s.result.settings.data.condition_number == 50 else pytest.fail(),
        f"2/λₘₐₓ ≈ {th.critical_learning_rate:.2f}": lambda: None,
        "η = 1.0 (Run 1)": zig_zag,
        f"only {th.optimal_rate:.2f} per step": zig_zag,
        "η = 1.5, β = 0.55": wider_then_faster,
        f"η ≈ {th.heavy_ball_learning_rate:.2f}, β ≈ {th.heavy_ball_momentum:.2f}": lambda: None,
        "about 0.8 per step": rate,
        f"{th.heavy_ball_rate:.2f} when tuned": lambda: None,
        f"in {hb.n_steps} steps": wider_then_faster,
        f"after {s.result.settings.epochs}": wider_then_faster,
    }


def _edge(s: Shown) -> dict[str, Callable[[], None]]:
    th = s.problem.theory
    below, above = s.run(1), s.run(2)
    lam_max = th.lambda_max

    def below_converges():
        assert 1.1 < th.critical_learning_rate < 1.2, "η = 1.1 just below the limit, 1.2 just above"
        g = np.asarray(below.excess_loss)
        assert not below.diverged and np.all(np.diff(g) < 0)
        slope = np.exp(np.polyfit(np.arange(100, g.size), np.log(g[100:]), 1)[0] / 2)
        assert slope == pytest.approx(abs(1 - 1.1 * lam_max), abs=0.005)  # a straight line on a log scale

    def above_diverges():
        g = np.asarray(above.excess_loss)
        assert above.diverged and np.all(np.diff(g[10:]) > 0)

    return {
        f"η < 2/λₘₐₓ, here about {th.critical_learning_rate:.2f}": lambda: None,
        "1 − ηλₘₐₓ": lambda: None,
        f"{_f(1 - 1.1 * lam_max)} at η = 1.1": below_converges,
        f"{_f(1 - 1.2 * lam_max)} at η = 1.2": above_diverges,
    }


def _noiseball(s: Shown) -> dict[str, Callable[[], None]]:
    one, twenty, gd = s.run(1), s.run(2), s.run(3)
    width = s.extent().max()

    def never_settles():
        ball = _ball(s, one)
        assert ball > 0.05 * width, "a ball the room can see"
        assert _ball(s, one, last=0.1) > 0.5 * ball, "that does not shrink"
        d = np.linalg.norm(one.weights - s.w_star, axis=1)
        assert np.argmax(d <= 2 * ball) < one.steps_per_epoch, "reached within the first epoch"

    def speck():
        assert _ball(s, twenty) < 0.2 * _ball(s, one) and _ball(s, twenty) < 0.02 * width

    def smooth_gd():
        e = _eigen_errors(s, gd)
        assert gd.converged and np.linalg.norm(gd.weights[-1] - s.w_star) < 1e-4
        e = np.where(np.abs(e) > 1e-9 * np.abs(e[0]), e, 0.0)  # ignore rounding once a direction is done
        assert np.all(e[1:] * e[:-1] >= 0), "no overshoot in any direction: a smooth path"

    def smaller_eta():
        _, slower = _rerun(s, 1, learning_rate=0.05)
        assert _ball(s, slower) < 0.85 * _ball(s, one)

    return {
        "never settles": never_settles,
        "20 samples": speck,
        "stops on ◆": smooth_gd,
        "smaller η": smaller_eta,
    }


def _schedule(s: Shown) -> dict[str, Callable[[], None]]:
    const, decay = s.run(1), s.run(2)
    run2 = s.result.settings.runs[1]

    def the_formula():
        t = np.arange(decay.n_steps)
        assert np.allclose(decay.learning_rate, run2.learning_rate / (1 + run2.decay * t))

    def flat_vs_falling():
        c, d = _epoch_means(const), _epoch_means(decay)
        assert 0.3 < np.mean(c[-5:]) / np.mean(c[1:6]) < 3, "constant η: flat after the first epoch"
        assert d[-1] < d[4] / 3, "decaying η: still falling"
        assert d[-1] < c[-1] / 30, "far below the constant run"

    return {"ηₜ = η/(1 + d·t)": the_formula, "d = 0.01": flat_vs_falling}


def _wide(s: Shown) -> dict[str, Callable[[], None]]:
    gd = s.run(1)
    problem = s.problem

    def flat_floor_in_view():
        assert s.slice_mode == "eigen"
        mu = np.linalg.eigvalsh(s.slice.hessian)
        assert abs(mu[0]) < 1e-10 * mu[1] and mu[1] > 0, "a trough: one flat, one curved direction"
        floor = s.w_star + np.outer(np.linspace(-1, 1, 5) * s.extent()[1], s.slice.d2)
        assert np.all(s.loss.value(floor) < 1e-12), "the whole floor fits the data exactly"
        assert problem.normal_error and problem.solution.rank == 10

    def min_norm_from_zero():
        assert np.all(s.w0 == 0)
        X, y = problem.X, problem.y
        assert np.allclose(s.w_star, np.linalg.pinv(X) @ y, atol=1e-10)  # the floor's point nearest 0
        assert np.allclose(gd_limit_point(s.loss, s.w0), s.w_star, atol=1e-10)
        assert gd.converged and np.linalg.norm(gd.weights[-1] - s.w_star) < 1e-3
        along = (gd.weights - s.w0) @ s.slice.d2
        assert np.max(np.abs(along)) < 1e-8, "never along the trough"
        assert s.path_extent(1)[0] > 0.1 * s.extent()[0], "a path the room can see"

    return {
        "N = 10 samples, K = 20 features": flat_floor_in_view,
        "nearest 0": min_norm_from_zero,
        "from 0": min_norm_from_zero,
    }


def _collinear(s: Shown) -> dict[str, Callable[[], None]]:
    gd = s.run(1)
    null = np.array([1.0, -1.0]) / np.sqrt(2)

    def trough():
        assert np.allclose(s.problem.X[:, 0], s.problem.X[:, 1]) and s.problem.normal_error
        mu = np.linalg.eigvalsh(s.slice.hessian)
        assert abs(mu[0]) < 1e-10 * mu[1] and np.linalg.norm(s.loss.A @ null) < 1e-12

    def across_not_along():
        steps = np.diff(gd.weights, axis=0)
        assert np.max(np.abs(steps @ null)) < 1e-12, "every step is across the trough"
        end = gd.weights[-1]
        assert gd.converged and np.allclose(end, gd_limit_point(s.loss, s.w0), atol=1e-4)
        assert (end - s.w0) @ null == pytest.approx(0, abs=1e-12), "the floor's point nearest the start"
        assert np.linalg.norm(s.w_star) < np.linalg.norm(end), "◆ is the floor's point nearest 0"
        assert s.loss.value(end) - s.loss.min_value < 1e-9, "at the same loss"
        assert np.linalg.norm(end - s.w0) > 0.2 * s.extent().max(), "a path the room can see"

    distance = np.linalg.norm(gd.weights[-1] - s.w_star)
    return {"nearest 0": trough, "trough": trough, f"{distance:.2f} away from ◆": across_not_along}


def _exact(s: Shown) -> dict[str, Callable[[], None]]:
    gd = s.run(1)
    problem = s.problem

    def exact_fit():
        residual = problem.y - problem.X @ s.w_star
        assert np.max(np.abs(residual)) < 10 * np.finfo(float).eps * np.max(np.abs(problem.y))  # ~1e-16
        assert np.allclose(s.w_star, problem.true_params, rtol=0, atol=1e-12)
        assert gd.converged and np.linalg.norm(gd.weights[-1] - s.w_star) < 1e-4

    def zero_minimum():
        assert problem.data.noise == 0 and s.loss.min_value < 1e-28

    return {"σ = 0": zero_minimum, "about 10⁻¹⁶": exact_fit, "the minimum of the loss is 0": zero_minimum}


def _highdim(s: Shown) -> dict[str, Callable[[], None]]:
    k = s.w_star.size
    width = s.extent().max()

    def a_slice_of_a_bowl():
        assert s.slice_mode == "coordinates" and s.slice.labels == ("w₁", "w₂")
        assert s.loss.rank == k and s.loss.eigenvalues[-1] > 0, "convex in every direction"
        assert np.all(np.linalg.eigvalsh(s.slice.hessian) > 0)

    def shadows():
        for i in (1, 2):
            assert np.all(s.path_extent(i) > 0.25 * s.extent()), "a path the room can see"
            assert np.linalg.norm(s.run(i).weights[-1] - s.w_star) < 0.02 * width, "ends at ◆"
        moved = np.abs(s.run(1).weights[-1][2:] - s.w0[2:])
        assert np.sum(moved > 0.1) > k // 2, "the other weights move too"

    def one_direction_per_step():
        problem, t = _rerun(s, 2, epochs=1)  # the same run's first epoch, every step recorded
        assert t.record_every == 1
        steps = np.diff(t.weights[:50], axis=0)
        rows = problem.X / np.linalg.norm(problem.X, axis=1)[:, None]
        cos = np.abs(steps @ rows.T) / np.linalg.norm(steps, axis=1)[:, None]
        assert np.all(cos.max(axis=1) > 1 - 1e-9), "each SGD step is along one data vector"

    return {
        "K = 50": a_slice_of_a_bowl,
        f"other {k - 2} weights": shadows,
        f"all {k} dimensions": a_slice_of_a_bowl,
        "xᵢ": one_direction_per_step,
    }


def _adam(s: Shown) -> dict[str, Callable[[], None]]:
    epochs = s.result.settings.epochs
    hb, adam, rms = s.run(1), s.run(2), s.run(3)

    def diagonal_and_crawling():
        assert _angle_to_axes(s.loss.eigenvectors[:, -1]) > 30, "the floor runs diagonally"
        assert hb.converged and hb.n_steps <= epochs
        for t in (adam, rms):
            e = _eigen_errors(s, t)[-1]
            assert not t.converged and t.excess_loss[-1] > 1e4 * hb.excess_loss[-1]
            assert abs(e[0]) < 0.1 * abs(e[-1]), "on the floor, far along it from ◆"
            assert np.linalg.norm(t.weights[-1] - s.w_star) > 0.1 * np.linalg.norm(s.w0 - s.w_star)

    def no_step_size_helps():
        for i in (2, 3):
            for lr in LEARNING_RATE_CHOICES:
                _, t = _rerun(s, i, learning_rate=lr)
                assert t.diverged or t.excess_loss[-1] > 100 * hb.excess_loss[-1], (i, lr)

    def seed_seven():
        problem, rms7 = _rerun(s, 3, data={"seed": 7})
        _, hb7 = _rerun(s, 1, data={"seed": 7})
        assert _angle_to_axes(problem.loss.eigenvectors[:, -1]) < 5, "along an axis"
        assert rms7.converged and hb7.converged and rms7.n_steps < hb7.n_steps

    return {
        "κ = 100": diagonal_and_crawling,
        f"after {epochs} steps": diagonal_and_crawling,
        "no step size": no_step_size_helps,
        "seed 7": seed_seven,
    }


def _earlystop(s: Shown) -> dict[str, Callable[[], None]]:
    values = PRESETS["earlystop"].values
    X, y = s.result.problem.X, s.result.problem.y
    n, k = X.shape
    U, sv, Vt = np.linalg.svd(X, full_matrices=False)
    lam = sv**2 / n
    eta, t0 = values["r1_lr"], values["epochs"]  # the step slider starts at the runs' length

    def gd(t):
        return 1 - (1 - eta * lam) ** t

    def ridge(t):
        return lam / (lam + 1 / (eta * t))

    w_pinv = np.linalg.pinv(X) @ y
    w_gd = Vt.T @ (gd(t0) * (U.T @ y) / sv)
    w_ridge = np.linalg.solve(X.T @ X + n / (eta * t0) * np.eye(k), X.T @ y)

    def from_zero():
        assert values["w0a"] == values["w0b"] == 0.0 and k == 10  # from 0: the filter is the estimate

    def twins_agree():
        assert np.max(np.abs(gd(t0) - ridge(t0))) <= 0.205  # never more than the bound core proves

    return {
        f"run from {lam.min():.2g} to {lam.max():.2g}": from_zero,
        f"η = {eta:g}": from_zero,
        f"t = {t0}": from_zero,
        f"λ = {1 / (eta * t0):.3g}": from_zero,
        f"{np.count_nonzero(gd(t0) > 0.5)} of the 10": from_zero,
        f"differ by at most {np.max(np.abs(gd(t0) - ridge(t0))):.3f}": twins_agree,
        f"weights by {100 * np.linalg.norm(w_gd - w_ridge) / np.linalg.norm(w_pinv):.0f}%": twins_agree,
        "t to 1,000": from_zero,
        f"λ = {1 / (eta * 1000):.3g}": from_zero,
        f"{np.count_nonzero(gd(1000) > 0.5)} of the 10 directions": from_zero,
        "Ten features": from_zero,
        "starts at w = 0": from_zero,
        "λ = 1/(ηt)": twins_agree,
    }


def _twoknobs(s: Shown) -> dict[str, Callable[[], None]]:
    values = PRESETS["twoknobs"].values
    X = s.result.problem.X
    lam = np.linalg.eigvalsh(X.T @ X / X.shape[0])
    lo, hi = lam.min(), lam.max()
    kappa = hi / lo

    def rate(eta, beta):  # the heavy ball's spectral radius, from the roots of its characteristic polynomial
        return max(max(abs(np.roots([1, -(1 + beta - eta * v), beta]))) for v in lam)

    best = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    eta1, eta2, beta2 = values["r1_lr"], values["r2_lr"], values["r2_mom"]
    eta4, beta4 = values["r4_lr"], values["r4_mom"]

    def near_best_gd():
        assert abs(eta1 - 2 / (hi + lo)) < 0.02

    def run_3_diverges():
        assert values["r3_rule"] == "SGD" and values["r3_lr"] == eta2 and rate(eta2, 0) > 1 and eta2 > 2 / hi

    def run_4_crawls():
        assert eta4 == pytest.approx(eta2 / 10) and beta4 == beta2 and rate(eta4, beta4) > rate(eta1, 0)

    return {
        f"curvatures {lo:.2g} and {hi:.3g} (κ ≈ {kappa:.0f})": near_best_gd,
        f"(Run 1, η = {eta1:.1f})": near_best_gd,
        f"only by {rate(eta1, 0):.3f} per step": near_best_gd,
        f"η* ≈ {4 / (np.sqrt(hi) + np.sqrt(lo)) ** 2:.2f}, β* ≈ {best**2:.2f}) shrinks it by {best:.3f}": (
            near_best_gd
        ),
        f"(η = {eta2:g}, β = {beta2:g}: {rate(eta2, beta2):.3f} per step)": near_best_gd,
        f"keeps η = {eta2:g}": run_3_diverges,
        f"2/λₘₐₓ ≈ {2 / hi:.2f}": run_3_diverges,
        f"β = {beta4:g} but": run_4_crawls,
        f"crawls at {rate(eta4, beta4):.3f} per step": run_4_crawls,
        "(β = 0)": near_best_gd,
    }


CLAIMS = {
    "bowl": _bowl,
    "valley": _valley,
    "edge": _edge,
    "noiseball": _noiseball,
    "schedule": _schedule,
    "wide": _wide,
    "collinear": _collinear,
    "exact": _exact,
    "highdim": _highdim,
    "adam": _adam,
    "earlystop": _earlystop,
    "twoknobs": _twoknobs,
}


def test_every_preset_has_its_claims_checked():
    assert set(CLAIMS) == set(PRESETS), "add the new preset's facts and checks to CLAIMS"


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_every_claim_in_the_note_holds_for_its_data(name):
    s = shown(name)
    note = PRESETS[name].note
    for phrase, check in CLAIMS[name](s).items():
        assert phrase in note, f"{name}: the note no longer says {phrase!r}"
        check()


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_a_note_quotes_no_number_it_does_not_check(name):
    note = PRESETS[name].note
    for phrase in CLAIMS[name](shown(name)):
        note = note.replace(phrase, "")
    note = re.sub(r"Run \d", "", note)
    assert not re.findall(r"\d", note), f"{name}: unchecked numbers in {note!r}"


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_note_is_for_students_and_its_runs_and_view_exist(name):
    preset = PRESETS[name]
    text = preset.title + " " + preset.note
    internal = re.findall(r"\w+_\w+|\w+\(|`|core\.|dashboard|method=|\b(?:None|True|False)\b|[{}$^]", text)
    assert not internal, f"{name}: internal names or raw markup {internal}"
    assert preset.view in VIEWS
    assert set(preset.widgets) <= set(VIEW_WIDGETS) <= set(VIEW_SPECS)
    nruns = preset.values.get("nruns", ALL_SPECS["nruns"].default)
    assert all(int(i) <= nruns for i in re.findall(r"Run (\d)", preset.note)), "a run the picture lacks"
    for key, value in preset.values.items():
        spec = ALL_SPECS[key]
        assert spec.parse(spec.url_form(value)) == value, (key, value)


def test_a_preset_sets_the_landscapes_slice_and_the_next_one_resets_it():
    at = open_app()
    for name, mode in (("wide", "eigen"), ("highdim", "coordinates")):
        at.selectbox(key="preset_pick").select(name).run()
        at.button(key="preset_load").click().run()
        assert not at.exception, at.exception
        assert at.segmented_control(key="view").value == "Landscape"
        assert at.radio(key="slice").value == mode
    assert (at.selectbox(key="ax1").value, at.selectbox(key="ax2").value) == (0, 1)
