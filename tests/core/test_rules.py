"""The update-rule registry: each entry builds, runs and names its rule, and its stability limit is right."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import (
    PLAIN_GD,
    SGD,
    UPDATE_RULES,
    AdaGrad,
    Adam,
    QuadraticLoss,
    RMSProp,
    critical_learning_rate,
    gd_theory,
    make_regression,
    rule_of,
    run_optimizer,
    update_rule,
)
from core import _sgd_kernel as kernel

LIMITED = [name for name, rule in UPDATE_RULES.items() if rule.has_limit]
ADAPTIVE = [name for name, rule in UPDATE_RULES.items() if not rule.has_limit]
MOMENTA = (0.1, 0.55, 0.9, 0.99)


def _hyper_grid(name: str) -> list[dict]:
    return [{"momentum": beta} for beta in MOMENTA] if UPDATE_RULES[name].hyperparameters else [{}]


def test_the_registry_holds_the_six_rules_in_menu_order():
    assert list(UPDATE_RULES) == ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
    assert LIMITED == ["SGD", "Momentum", "Nesterov"] and ADAPTIVE == ["AdaGrad", "RMSProp", "Adam"]
    assert PLAIN_GD is UPDATE_RULES["SGD"] and PLAIN_GD.legend_name(full_batch=True) == "GD"
    assert UPDATE_RULES["Momentum"].legend_name(full_batch=True) == "Momentum"
    assert PLAIN_GD.legend_name(full_batch=False) == "SGD"


@pytest.mark.parametrize(
    ("name", "hyper", "expected", "code", "slots"),
    [
        ("SGD", {}, SGD(0.1), kernel.SGD_RULE, [0.0, 0.0, 0.0, 0.0]),
        ("Momentum", {"momentum": 0.5}, SGD(0.1, momentum=0.5), kernel.SGD_RULE, [0.5, 0.0, 0.0, 0.0]),
        ("Nesterov", {"momentum": 0.5}, SGD(0.1, 0.5, nesterov=True), kernel.SGD_RULE, [0.5, 1.0, 0, 0]),
        ("AdaGrad", {"eps": 1e-6}, AdaGrad(0.1, eps=1e-6), kernel.ADAGRAD_RULE, [0.0, 0.0, 1e-6, 0.0]),
        ("RMSProp", {"decay": 0.99}, RMSProp(0.1, decay=0.99), kernel.RMSPROP_RULE, [0.99, 0.0, 1e-8, 0.0]),
        ("Adam", {"beta1": 0.8, "beta2": 0.99}, Adam(0.1, 0.8, 0.99), kernel.ADAM_RULE, [0.8, 0.99, 1e-8, 0]),
    ],
)
def test_each_entry_builds_its_optimizer_and_kernel_spec(name, hyper, expected, code, slots):
    rule = update_rule(name)
    opt = rule.build(0.1, **hyper)
    assert opt == expected
    assert rule_of(opt) is rule and rule_of(expected) is rule
    got_code, got_slots = rule.kernel_spec(opt)
    assert got_code == code
    np.testing.assert_array_equal(got_slots, slots)


def test_unknown_rules_hyperparameters_and_optimizers_are_refused():
    with pytest.raises(ValueError, match=r"rule must be one of 'SGD', 'Momentum'.*got 'Heavy'"):
        update_rule("Heavy")
    with pytest.raises(ValueError, match=r"SGD takes the hyperparameters none .* got momentum"):
        UPDATE_RULES["SGD"].build(0.1, momentum=0.5)
    with pytest.raises(ValueError, match="optimizer must be SGD, AdaGrad, RMSProp or Adam from core"):
        rule_of("adam")


def test_zero_momentum_is_plain_gd_with_the_same_limit():
    assert rule_of(SGD(0.1, momentum=0.0)) is PLAIN_GD
    momentum = UPDATE_RULES["Momentum"]
    assert momentum.stability_limit(4.0, momentum=0.0) == PLAIN_GD.stability_limit(4.0) == 0.5


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.55, 0.9])
def test_the_limits_match_their_formulas(beta):
    lam = 2.5
    assert PLAIN_GD.stability_limit(lam) == pytest.approx(2 / lam)
    assert UPDATE_RULES["Momentum"].stability_limit(lam, momentum=beta) == pytest.approx(2 * (1 + beta) / lam)
    assert UPDATE_RULES["Nesterov"].stability_limit(lam, momentum=beta) == pytest.approx(
        2 * (1 + beta) / ((1 + 2 * beta) * lam)
    )
    for name in LIMITED:
        hyper = {"momentum": beta} if UPDATE_RULES[name].hyperparameters else {}
        assert UPDATE_RULES[name].stability_limit(0.0, **hyper) == math.inf  # A = 0


def _spectral_radius(name: str, eta: float, lam: float, hyper: dict) -> float:
    """Largest |eigenvalue| of one step of the rule on f(e) = λe²/2, state (e, v), from its update method."""
    opt = update_rule(name).build(eta, **hyper)
    columns = []
    for e, v in ((1.0, 0.0), (0.0, 1.0)):  # the step is linear: apply it to a basis of the state
        state = opt.init(np.zeros(1))._replace(velocity=np.array([v]))
        update, new = opt.update(np.array([lam * e]), state, np.array([e]), 0)
        columns.append([e + update[0], new.velocity[0]])
    M = np.array(columns).T  # (2, 2): (e, v) after one step
    if opt.momentum == 0.0:
        M = M[:1, :1]  # plain GD carries no velocity: its state is e alone
    return float(np.max(np.abs(np.linalg.eigvals(M))))


@pytest.mark.parametrize(
    ("name", "hyper"), [(name, hyper) for name in LIMITED for hyper in _hyper_grid(name)]
)
def test_the_limit_is_where_the_iteration_matrix_leaves_the_unit_disc(name, hyper):
    lam = 3.0
    limit = update_rule(name).stability_limit(lam, **hyper)
    assert _spectral_radius(name, 0.999 * limit, lam, hyper) < 1.0
    assert _spectral_radius(name, 1.001 * limit, lam, hyper) > 1.0


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0])
@pytest.mark.parametrize("name", LIMITED)
def test_sweep_converges_just_below_the_limit_and_diverges_just_above(kappa, name):
    data = make_regression(200, 3, noise=0.5, condition_number=kappa, seed=1)
    loss = QuadraticLoss.from_data(data.X, data.y)
    rule = update_rule(name)
    for hyper in _hyper_grid(name):
        limit = rule.stability_limit(loss.eigenvalues[0], **hyper)
        below, above = (
            run_optimizer(
                data.X, data.y, rule.build(f * limit, **hyper), epochs=5000, w0=np.ones(3), loss=loss
            )
            for f in (0.97, 1.03)
        )
        assert below.converged and not below.diverged, (hyper, below.message)
        assert below.excess_loss[-1] < 1e-9 * below.excess_loss[0]
        assert above.diverged, (hyper, above.message)
        assert f"stability limit {limit:.3g}" in above.message


def test_adaptive_rules_have_no_limit_and_say_so():
    for name in ADAPTIVE:
        rule = UPDATE_RULES[name]
        assert rule.stability_limit(2.0) is None
        assert rule.no_limit_reason.startswith(f"{rule.title} has no fixed full-batch stability limit")
    assert all(UPDATE_RULES[name].no_limit_reason == "" for name in LIMITED)


def test_theory_and_divergence_message_read_the_registry():
    data = make_regression(100, 3, noise=0.5, condition_number=20, seed=3)
    loss = QuadraticLoss.from_data(data.X, data.y)
    assert critical_learning_rate(loss) == gd_theory(loss).critical_learning_rate
    assert critical_learning_rate(loss) == PLAIN_GD.stability_limit(loss.eigenvalues[0])
    nesterov = SGD(
        1.05 * UPDATE_RULES["Nesterov"].stability_limit(loss.eigenvalues[0], momentum=0.5), 0.5, True
    )
    traj = run_optimizer(data.X, data.y, nesterov, epochs=3000, loss=loss)
    limit = UPDATE_RULES["Nesterov"].stability_limit_of(nesterov, loss.eigenvalues[0])
    assert traj.diverged and f"stability limit {limit:.3g} for {nesterov.name}" in traj.message
