"""run_optimizer: convergence, stability, implicit bias, SGD noise, exactness of the compiled loop."""

import numpy as np
import pytest

from core import (
    SGD,
    AdaGrad,
    Adam,
    CosineDecay,
    InverseTimeDecay,
    QuadraticLoss,
    RMSProp,
    StepDecay,
    critical_learning_rate,
    gd_theory,
    make_regression,
    run_optimizer,
    solve_least_squares,
)

PROBLEMS = {  # name: (n_samples, n_features, condition_number)
    "well-conditioned": (200, 5, 1.0),
    "ill-conditioned": (400, 5, 100.0),
    "K=1": (50, 1, 1.0),
    "K=2": (100, 2, 30.0),
    "K=50": (400, 50, 10.0),
}


def problem(name, noise=0.3, seed=3):
    n, k, kappa = PROBLEMS[name]
    return make_regression(n, k, noise=noise, condition_number=kappa, seed=seed)


# optimizer factory (from the problem's theory), batch size, epochs, relative tolerance on ‖w − w*‖.
OPTIMIZERS = {
    "GD optimal step": (lambda th: SGD(th.optimal_learning_rate), None, 3000, 1e-9),
    "heavy ball": (
        lambda th: SGD(th.heavy_ball_learning_rate, momentum=th.heavy_ball_momentum),
        None,
        3000,
        1e-9,
    ),
    "Nesterov": (lambda th: SGD(1 / th.lambda_max, momentum=0.9, nesterov=True), None, 3000, 1e-9),
    "AdaGrad": (lambda th: AdaGrad(1.0), None, 3000, 1e-9),
    "RMSProp cosine": (lambda th: RMSProp(CosineDecay(0.05, 3000)), None, 3000, 1e-9),
    "Adam cosine": (lambda th: Adam(CosineDecay(0.1, 3000)), None, 3000, 1e-9),
    # Stochastic steps only reach w* as the rate decays: a looser, stated tolerance.
    "minibatch SGD 1/t": (lambda th: SGD(InverseTimeDecay(0.5 / th.lambda_max, 0.01)), 10, 300, 5e-2),
}


@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
@pytest.mark.parametrize("prob_name", list(PROBLEMS))
def test_table_converges_to_closed_form(opt_name, prob_name):
    data = problem(prob_name)
    loss = QuadraticLoss.from_data(data.X, data.y)
    make, batch_size, epochs, rtol = OPTIMIZERS[opt_name]
    traj = run_optimizer(
        data.X, data.y, make(gd_theory(loss)), batch_size=batch_size, epochs=epochs, tol=0, loss=loss
    )
    w_star = solve_least_squares(data.X, data.y).coef
    assert not traj.diverged, traj.message
    assert np.linalg.norm(traj.final_weights - w_star) <= rtol * np.linalg.norm(w_star), traj.message


@pytest.mark.parametrize("seed", [0, 1])
def test_gd_stable_below_critical_rate_and_diverges_above(seed):
    data = make_regression(100, 4, noise=0.5, condition_number=20, seed=seed)
    critical = critical_learning_rate(data.X)
    below = run_optimizer(data.X, data.y, SGD(0.95 * critical), epochs=5000)
    assert below.converged and not below.diverged
    assert below.message.startswith("converged after")
    above = run_optimizer(data.X, data.y, SGD(1.05 * critical), epochs=5000)
    assert above.diverged and not above.converged
    assert f"stability limit {critical:.3g}" in above.message
    assert above.message.startswith(f"diverged at step {above.n_steps}:")
    assert np.all(np.isfinite(above.weights)) and np.all(np.isfinite(above.loss))
    assert above.loss[-1] > 1e9 * above.loss[0]  # it really ran away before stopping


def test_overflow_keeps_only_finite_rows():
    data = make_regression(50, 3, noise=0.1, seed=2)
    traj = run_optimizer(data.X, data.y, SGD(1e6 * critical_learning_rate(data.X)), epochs=100)
    assert traj.diverged and traj.n_steps < 100
    assert np.all(np.isfinite(traj.weights)) and np.all(np.isfinite(traj.loss))
    assert traj.steps[-1] == traj.n_steps and len(traj.batch_loss) == traj.n_steps


def test_sgd_divergence_says_why():
    data = make_regression(200, 3, noise=0.1, seed=2)
    traj = run_optimizer(data.X, data.y, SGD(0.9 * critical_learning_rate(data.X)), batch_size=1, epochs=20)
    assert traj.diverged
    assert "batch size 1" in traj.message and "epoch 0" in traj.message
    assert np.all(np.isfinite(traj.loss))
    adam = run_optimizer(data.X, data.y, Adam(1e300), epochs=5)
    assert adam.diverged and "Adam" in adam.message


def test_gd_from_zero_finds_min_norm_solution_when_underdetermined():
    data = make_regression(20, 50, noise=0.1, seed=4)  # N < K: a whole affine space of minimizers
    theory = gd_theory(QuadraticLoss.from_data(data.X, data.y))
    min_norm = solve_least_squares(data.X, data.y, method="svd").coef
    opt = SGD(theory.optimal_learning_rate)
    from_zero = run_optimizer(data.X, data.y, opt, epochs=3000, tol=0)
    np.testing.assert_allclose(from_zero.final_weights, min_norm, rtol=0, atol=1e-10)
    elsewhere = run_optimizer(data.X, data.y, opt, epochs=3000, tol=0, w0=np.ones(50))
    assert elsewhere.excess_loss[-1] < 1e-20  # also a minimizer ...
    assert (
        np.linalg.norm(elsewhere.final_weights) > np.linalg.norm(min_norm) + 1.0
    )  # ... but not the min-norm one


def test_singular_problem_does_not_stop_on_rounding_noise():
    # From w0 ≠ 0 on N < K, w − w* keeps a large null-space part; the loss gap must still be
    # measured exactly (½‖Fᵀd‖², not ½dᵀAd, which cancels to noise and could read as 0).
    data = make_regression(20, 50, noise=0.1, seed=4)
    traj = run_optimizer(data.X, data.y, SGD(0.3), epochs=3000, tol=0, w0=np.ones(50))
    assert np.all(traj.excess_loss >= 0)
    if traj.converged:
        assert traj.excess_loss[-1] < 1e-26
    with_tol = run_optimizer(data.X, data.y, SGD(0.3), epochs=3000, tol=1e-12, w0=np.ones(50))
    assert with_tol.converged and with_tol.excess_loss[-1] <= 1e-12 * with_tol.excess_loss[0]


def ball(traj):
    """Mean loss gap over the second half of the run: the size of SGD's noise ball."""
    gaps = traj.excess_loss
    return float(np.mean(gaps[len(gaps) // 2 :]))


def test_constant_rate_sgd_noise_ball_grows_with_rate_and_shrinks_with_batch():
    data = make_regression(400, 5, noise=1.0, seed=5)
    loss = QuadraticLoss.from_data(data.X, data.y)
    kw = {"epochs": 40, "tol": 0, "loss": loss}
    small = run_optimizer(data.X, data.y, SGD(0.01), batch_size=1, **kw)
    large = run_optimizer(data.X, data.y, SGD(0.04), batch_size=1, **kw)
    batched = run_optimizer(data.X, data.y, SGD(0.04), batch_size=20, **kw)
    assert ball(large) > 2 * ball(small)
    assert ball(batched) < ball(large) / 5
    assert "levelled off" in large.message
    decaying = run_optimizer(data.X, data.y, SGD(InverseTimeDecay(0.04, 0.01)), batch_size=1, **kw)
    assert decaying.excess_loss[-1] < ball(large) / 10
    quarter = len(decaying.excess_loss) // 4
    assert np.mean(decaying.excess_loss[-quarter:]) < 0.5 * np.mean(
        decaying.excess_loss[quarter : 2 * quarter]
    )


def reference_run(X, y, opt, batch_size, epochs, seed, w0):
    """The textbook loop, with the optimizer's own pure update: no numba, no recording tricks."""
    n = len(y)
    loss = QuadraticLoss.from_data(X, y)
    rng = np.random.default_rng(seed)
    w, state, t, path = w0.copy(), opt.init(w0), 0, [w0.copy()]
    for _ in range(epochs):
        if batch_size is None:
            batches = [None]
        else:
            order = rng.permutation(n)
            batches = [order[lo : lo + batch_size] for lo in range(0, n, batch_size)]
        for idx in batches:
            if idx is None:
                grad = loss.gradient(w)  # A(w − w*)
            else:
                grad = X[idx].T @ (X[idx] @ w - y[idx]) / len(idx)
            updates, state = opt.update(grad, state, w, t)
            w, t = w + updates, t + 1
            path.append(w)
    return np.array(path)


@pytest.mark.parametrize("batch_size", [None, 1, 7])
@pytest.mark.parametrize(
    "opt",
    [
        SGD(0.05),
        SGD(StepDecay(0.05, 0.5, 30), momentum=0.8),
        SGD(0.03, momentum=0.6, nesterov=True),
        AdaGrad(0.2),
        RMSProp(0.01),
        Adam(CosineDecay(0.05, 100)),
    ],
    ids=lambda o: o.name,
)
def test_compiled_loop_matches_pure_reference(opt, batch_size):
    data = make_regression(40, 3, noise=0.2, condition_number=5, seed=6)
    w0 = np.array([0.5, -1.0, 2.0])
    epochs = 60 if batch_size is None else 3
    traj = run_optimizer(data.X, data.y, opt, batch_size=batch_size, epochs=epochs, seed=11, tol=0, w0=w0)
    expected = reference_run(data.X, data.y, opt, batch_size, epochs, 11, w0)
    assert traj.weights.shape == expected.shape
    np.testing.assert_allclose(traj.weights, expected, rtol=1e-12, atol=1e-12)


def test_same_seed_same_trajectory():
    data = make_regression(60, 3, noise=0.5, seed=8)
    runs = [run_optimizer(data.X, data.y, Adam(0.01), batch_size=5, epochs=4, seed=s) for s in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0].weights, runs[1].weights)
    np.testing.assert_array_equal(runs[0].batch_loss, runs[1].batch_loss)
    assert not np.array_equal(runs[0].weights, runs[2].weights)


def test_trajectory_fields_and_step_alignment_full_batch():
    data = make_regression(80, 3, noise=0.3, condition_number=4, seed=9)
    loss = QuadraticLoss.from_data(data.X, data.y)
    sched = InverseTimeDecay(0.5, 0.1)
    traj = run_optimizer(data.X, data.y, SGD(sched), epochs=30, tol=0, loss=loss)
    assert traj.n_steps == 30 and traj.record_every == 1 and traj.batch_size is None
    np.testing.assert_array_equal(traj.steps, np.arange(31))
    assert traj.weights.shape == (31, 3) and traj.loss.shape == (31,)
    np.testing.assert_array_equal(traj.weights[0], np.zeros(3))
    np.testing.assert_allclose(traj.loss, loss.value(traj.weights), rtol=1e-12)
    np.testing.assert_allclose(traj.excess_loss, traj.loss - loss.min_value, rtol=1e-9, atol=1e-15)
    # Per-step entry t: the update from w_t, evaluated at w_t.
    assert traj.batch_loss.shape == traj.grad_norm.shape == traj.learning_rate.shape == (30,)
    np.testing.assert_allclose(traj.batch_loss, traj.loss[:-1], rtol=1e-12)
    np.testing.assert_allclose(
        traj.grad_norm, np.linalg.norm(loss.gradient(traj.weights[:-1]), axis=1), rtol=1e-12
    )
    np.testing.assert_allclose(traj.learning_rate, sched(np.arange(30)), rtol=1e-15)
    np.testing.assert_array_equal(traj.epoch, np.arange(30))
    assert traj.passes == 30.0 and traj.wall_time > 0 and traj.seed == 0
    assert traj.message.startswith("ran 30 steps; loss still decreasing")
    assert traj.label == "SGD, full batch"
    with pytest.raises(ValueError, match="read-only"):
        traj.weights[0, 0] = 1.0


def test_trajectory_fields_minibatch():
    data = make_regression(100, 2, noise=0.3, seed=10)
    traj = run_optimizer(data.X, data.y, SGD(0.05), batch_size=30, epochs=3, seed=5, tol=0)
    assert traj.n_steps == 12 and traj.batch_size == 30  # ⌈100/30⌉ = 4 steps per epoch
    np.testing.assert_array_equal(traj.epoch, np.repeat([0, 1, 2], 4))
    assert traj.passes == pytest.approx(3.0)
    first = np.random.default_rng(5).permutation(100)[:30]
    residual = data.X[first] @ np.zeros(2) - data.y[first]
    assert traj.batch_loss[0] == pytest.approx(0.5 * np.mean(residual**2), rel=1e-12)
    assert traj.grad_norm[0] == pytest.approx(np.linalg.norm(data.X[first].T @ residual / 30), rel=1e-12)
    full = run_optimizer(data.X, data.y, SGD(0.05), batch_size=100, epochs=3)
    assert full.batch_size is None and full.n_steps == 3  # batch_size = N is full batch


def test_long_runs_are_thinned_but_end_exactly():
    data = make_regression(50, 3, noise=0.3, seed=12)
    kw = {"batch_size": 1, "epochs": 20, "tol": 0, "seed": 1}
    full = run_optimizer(data.X, data.y, SGD(0.01), **kw)
    thin = run_optimizer(data.X, data.y, SGD(0.01), max_recorded=50, **kw)
    assert len(full.weights) == 1001 and thin.record_every > 1 and len(thin.weights) <= 50
    assert thin.steps[-1] == thin.n_steps == 1000
    np.testing.assert_array_equal(thin.weights, full.weights[thin.steps])
    np.testing.assert_array_equal(thin.batch_loss, full.batch_loss)  # per-step data is never thinned


def test_converges_early_with_tol():
    data = make_regression(100, 3, noise=0.3, seed=13)
    loss = QuadraticLoss.from_data(data.X, data.y)
    traj = run_optimizer(data.X, data.y, SGD(gd_theory(loss).optimal_learning_rate), epochs=10_000, tol=1e-8)
    assert traj.converged and traj.n_steps < 200
    assert traj.excess_loss[-1] <= 1e-8 * traj.excess_loss[0]
    at_min = run_optimizer(data.X, data.y, SGD(0.1), w0=loss.minimizer)
    assert at_min.converged and at_min.n_steps == 0 and at_min.message.startswith("converged after 0 steps")


def test_prebuilt_loss_gives_same_result():
    data = make_regression(60, 4, noise=0.3, seed=14)
    loss = QuadraticLoss.from_data(data.X, data.y)
    for batch_size in (None, 6):
        a = run_optimizer(data.X, data.y, Adam(0.05), batch_size=batch_size, epochs=5)
        b = run_optimizer(data.X, data.y, Adam(0.05), batch_size=batch_size, epochs=5, loss=loss)
        np.testing.assert_array_equal(a.weights, b.weights)


DATA = make_regression(30, 3, noise=0.1, seed=0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"optimizer": 0.1}, "optimizer must be SGD, AdaGrad, RMSProp or Adam"),
        ({"batch_size": 0}, "batch_size must be at least 1, got 0"),
        ({"batch_size": 31}, "batch_size must be at most 30, got 31"),
        ({"batch_size": 2.5}, "batch_size must be a whole number"),
        ({"epochs": 0}, "epochs must be at least 1, got 0"),
        ({"w0": np.zeros(4)}, r"w0 must have shape \(3,\), one weight per feature of X, got shape \(4,\)"),
        ({"w0": [0.0, np.nan, 1.0]}, "w0 contains NaN or inf"),
        ({"seed": -1}, "seed must be at least 0"),
        ({"tol": -1e-3}, "tol must be at least 0"),
        ({"max_recorded": 1}, "max_recorded must be at least 2"),
        ({"loss": "quadratic"}, "loss must be a QuadraticLoss"),
        (
            {"loss": QuadraticLoss.from_data(DATA.X[:, :2], DATA.y)},
            r"loss was built for data of shape \(30, 2\)",
        ),
        ({"X": DATA.X[:10]}, "Number of samples in X and y does not correspond"),
        ({"X": np.where(DATA.X > 1, np.nan, DATA.X)}, "X contains .* non-finite"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    args = {"X": DATA.X, "y": DATA.y, "optimizer": SGD(0.1)} | kwargs
    with pytest.raises(ValueError, match=match):
        run_optimizer(args.pop("X"), args.pop("y"), args.pop("optimizer"), **args)


def test_classic_sgd_fast_path_equals_the_general_kernel_bit_for_bit():
    # Plain SGD with batch 1 and every iterate kept runs a fused kernel; a thinned record
    # sends the same run through the general minibatch kernel, which must agree exactly.
    data = make_regression(300, 4, noise=0.4, seed=21)
    kw = {"batch_size": 1, "epochs": 3, "tol": 0, "seed": 4}
    fast = run_optimizer(data.X, data.y, SGD(0.02), **kw)
    thinned = run_optimizer(data.X, data.y, SGD(0.02), max_recorded=100, **kw)
    assert fast.record_every == 1 and thinned.record_every > 1
    np.testing.assert_array_equal(thinned.weights, fast.weights[thinned.steps])
    np.testing.assert_array_equal(thinned.batch_loss, fast.batch_loss)
    np.testing.assert_allclose(thinned.grad_norm, fast.grad_norm, rtol=1e-14)


def test_loss_is_computed_on_first_access_and_matches_the_quadratic_form():
    data = make_regression(200, 3, noise=0.3, seed=2)
    loss = QuadraticLoss.from_data(data.X, data.y)
    traj = run_optimizer(data.X, data.y, SGD(0.05), batch_size=5, epochs=2, loss=loss)
    assert "loss" not in traj.__dict__  # nothing evaluated yet
    np.testing.assert_allclose(traj.loss, loss.value(traj.weights), rtol=1e-12, atol=1e-15)
    assert traj.loss is traj.loss and not traj.loss.flags.writeable
