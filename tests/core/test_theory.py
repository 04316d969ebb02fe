"""Theory from the data: critical rate, optimal steps and rates, loss bounds, implicit bias."""

import math

import numpy as np
import pytest

from core import (
    SGD,
    QuadraticLoss,
    critical_learning_rate,
    gd_limit_point,
    gd_loss_bound,
    gd_loss_exact,
    gd_theory,
    make_regression,
    run_optimizer,
)


def diagonal_problem():
    """X with XᵀX/N = diag(4, 1) exactly: κ = 4, every quantity known by hand."""
    X = np.array([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]]) * np.sqrt(2.0)
    y = np.array([1.0, 2.0, 0.5, -1.0])
    return X, y


def test_critical_learning_rate_is_two_over_lambda_max():
    data = make_regression(100, 4, noise=0.1, condition_number=10, seed=0)
    lam_max = np.linalg.eigvalsh(data.X.T @ data.X / 100)[-1]
    assert critical_learning_rate(data.X) == pytest.approx(2 / lam_max, rel=1e-12)
    loss = QuadraticLoss.from_data(data.X, data.y)
    assert critical_learning_rate(loss) == pytest.approx(2 / lam_max, rel=1e-12)
    assert critical_learning_rate(np.zeros((3, 2))) == math.inf
    X, _ = diagonal_problem()
    assert critical_learning_rate(X) == pytest.approx(0.5)


def test_gd_theory_by_hand():
    th = gd_theory(QuadraticLoss.from_data(*diagonal_problem()))
    np.testing.assert_allclose(th.eigenvalues, [4.0, 1.0])
    np.testing.assert_allclose(np.abs(th.eigenvectors), np.eye(2), atol=1e-15)
    assert (th.lambda_max, th.lambda_min, th.rank) == pytest.approx((4.0, 1.0, 2))
    assert th.condition_number == pytest.approx(4.0)
    assert th.critical_learning_rate == pytest.approx(0.5)
    assert th.optimal_learning_rate == pytest.approx(0.4)
    assert th.optimal_rate == pytest.approx(0.6)
    assert th.heavy_ball_learning_rate == pytest.approx(4 / 9)
    assert th.heavy_ball_momentum == pytest.approx(1 / 9)
    assert th.heavy_ball_rate == pytest.approx(1 / 3)
    assert th.steps_to_reduce(0.6**10) == pytest.approx(10)


def test_measured_rates_match_theory():
    data = make_regression(300, 6, noise=0.2, condition_number=50, seed=1)
    loss = QuadraticLoss.from_data(data.X, data.y)
    th = gd_theory(loss)
    kw = {"epochs": 200, "tol": 0, "loss": loss}
    gd = run_optimizer(data.X, data.y, SGD(th.optimal_learning_rate), **kw)
    hb = run_optimizer(
        data.X, data.y, SGD(th.heavy_ball_learning_rate, momentum=th.heavy_ball_momentum), **kw
    )

    def rate(traj, lo, hi):  # per-step contraction of ‖w − w*‖ between steps lo and hi
        err = np.linalg.norm(traj.weights - loss.minimizer, axis=1)
        assert err[hi] > 1e-10 * err[0]  # still well above rounding
        return (err[hi] / err[lo]) ** (1 / (hi - lo))

    assert rate(gd, 100, 200) == pytest.approx(th.optimal_rate, rel=1e-3)
    # Heavy ball's iteration matrix is not normal: a polynomial factor t·ρᵗ, hence the slack.
    assert th.heavy_ball_rate < rate(hb, 20, 70) <= th.heavy_ball_rate * 1.05
    assert th.heavy_ball_rate < 0.8 * th.optimal_rate


def test_condition_number_is_over_nonzero_eigenvalues_when_singular():
    data = make_regression(5, 8, noise=0.1, seed=2)
    loss = QuadraticLoss.from_data(data.X, data.y)
    th = gd_theory(loss)
    assert th.rank == 5 and loss.condition_number == math.inf
    assert th.condition_number == pytest.approx(th.eigenvalues[0] / th.eigenvalues[4])
    assert math.isfinite(th.optimal_learning_rate)


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95, 1.0])
def test_gd_loss_curve_under_bound_and_equal_to_exact(fraction):
    data = make_regression(200, 5, noise=0.5, condition_number=30, seed=3)
    loss = QuadraticLoss.from_data(data.X, data.y)
    eta = fraction * critical_learning_rate(loss)
    w0 = np.array([1.0, -2.0, 0.5, 0.0, 3.0])
    traj = run_optimizer(data.X, data.y, SGD(eta), epochs=300, tol=0, w0=w0, loss=loss)
    measured = traj.excess_loss
    bound = gd_loss_bound(loss, w0, eta, traj.steps)
    exact = gd_loss_exact(loss, w0, eta, 300)
    assert exact.shape == bound.shape == measured.shape == (301,)
    assert np.all(measured <= bound * (1 + 1e-9) + 1e-15)
    assert np.all(exact <= bound * (1 + 1e-12))
    significant = exact > 1e-6 * exact[0]  # where rounding in w_t is still far below the gap
    assert significant.sum() > 10
    np.testing.assert_allclose(measured[significant], exact[significant], rtol=1e-10)


def test_exact_curve_diverges_above_critical():
    data = make_regression(50, 3, noise=0.5, seed=4)
    loss = QuadraticLoss.from_data(data.X, data.y)
    curve = gd_loss_exact(loss, np.zeros(3), 1.1 * critical_learning_rate(loss), np.array([0, 10, 100]))
    assert curve[0] < curve[1] < curve[2]


def test_gd_limit_point_is_min_norm_from_zero_and_shifted_elsewhere():
    data = make_regression(10, 30, noise=0.1, seed=5)
    loss = QuadraticLoss.from_data(data.X, data.y)
    np.testing.assert_allclose(gd_limit_point(loss, np.zeros(30)), loss.minimizer, atol=1e-14)
    w0 = np.linspace(-1, 1, 30)
    limit = gd_limit_point(loss, w0)
    traj = run_optimizer(
        data.X, data.y, SGD(gd_theory(loss).optimal_learning_rate), epochs=3000, tol=0, w0=w0
    )
    np.testing.assert_allclose(traj.final_weights, limit, atol=1e-9)
    assert loss.value(limit) == pytest.approx(loss.min_value, abs=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda loss: gd_theory("not a loss"), "loss must be a QuadraticLoss"),
        (lambda loss: gd_loss_bound(loss, np.zeros(2), -0.1, 10), "learning_rate must be greater than 0"),
        (lambda loss: gd_loss_exact(loss, np.zeros(3), 0.1, 10), r"w0 must have shape \(2,\)"),
        (lambda loss: gd_loss_exact(loss, np.zeros(2), 0.1, -1), "steps must be a whole number"),
        (lambda loss: gd_loss_exact(loss, np.zeros(2), 0.1, 2.5), "steps must be a whole number"),
        (lambda loss: critical_learning_rate(np.zeros(3)), "X must be a 2-D array"),
    ],
)
def test_bad_arguments_raise(call, match):
    loss = QuadraticLoss.from_data(*diagonal_problem())
    with pytest.raises(ValueError, match=match):
        call(loss)
