"""The sidebar's stability warnings and captions come from core's rule registry, for every rule."""

from __future__ import annotations

import pytest
from conftest import open_app

from core import SGD, UPDATE_RULES, AdaGrad, Adam, RMSProp
from dashboard.lab import build_problem, make_optimizer
from dashboard.presets import PRESETS
from dashboard.settings import RULES, DataSettings, RunSettings, rule_knobs


def _lambda_max(**data) -> float:
    return float(build_problem(DataSettings(**data)).loss.eigenvalues[0])


def _run_expander(at, i: int):
    matches = [e for e in at.sidebar.expander if e.label == f"Run {i}"]
    assert matches, [e.label for e in at.sidebar.expander]
    return matches[0]


def test_the_menu_is_the_registry():
    assert RULES == tuple(UPDATE_RULES)


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        (RunSettings("SGD", 0.1), SGD(0.1)),
        (RunSettings("Momentum", 0.1, momentum=0.5), SGD(0.1, momentum=0.5)),
        (RunSettings("Nesterov", 0.1, momentum=0.5), SGD(0.1, momentum=0.5, nesterov=True)),
        (RunSettings("AdaGrad", 0.1, momentum=0.5, beta2=0.9), AdaGrad(0.1)),
        (RunSettings("RMSProp", 0.1, momentum=0.5, beta2=0.99), RMSProp(0.1, decay=0.99)),
        (RunSettings("Adam", 0.1, momentum=0.8, beta2=0.99), Adam(0.1, beta1=0.8, beta2=0.99)),
    ],
)
def test_make_optimizer_builds_each_rule_from_its_entry(run, expected):
    opt = make_optimizer(run, total_steps=100)
    assert type(opt) is type(expected)
    assert {k: v for k, v in vars(opt).items() if k != "learning_rate"} == {
        k: v for k, v in vars(expected).items() if k != "learning_rate"
    }
    assert opt.schedule.initial_rate == 0.1


def test_which_widgets_a_rule_reads_and_its_legend_name():
    assert rule_knobs("SGD") == rule_knobs("AdaGrad") == frozenset()
    assert rule_knobs("Momentum") == rule_knobs("Nesterov") == {"momentum"}
    assert rule_knobs("RMSProp") == {"beta2"} and rule_knobs("Adam") == {"momentum", "beta2"}
    assert RunSettings("SGD", 0.3).label == "GD η=0.3, full batch"
    assert RunSettings("SGD", 0.3, batch_size=10).label == "SGD η=0.3, batch 10"
    assert RunSettings("Momentum", 0.3).label.startswith("Momentum η=0.3")


def test_the_run_the_gd_theory_describes():
    assert RunSettings("SGD", 0.3).follows_gd_theory
    assert not RunSettings("SGD", 0.3, batch_size=10).follows_gd_theory
    assert not RunSettings("SGD", 0.3, schedule="cosine").follows_gd_theory
    assert not RunSettings("Momentum", 0.3, momentum=0.5).follows_gd_theory


def test_the_valley_preset_shows_heavy_balls_limit_and_no_false_warning():
    at = open_app()
    at.selectbox(key="preset_pick").select("valley").run()
    at.button(key="preset_load").click().run()
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "diverg" in w.value]
    values = PRESETS["valley"].values
    assert (values["r2_rule"], values["r2_lr"], values["r2_mom"]) == ("Momentum", 1.5, 0.55)
    lam = _lambda_max(condition_number=values["kappa"])
    limit = UPDATE_RULES["Momentum"].stability_limit(lam, momentum=0.55)
    assert 1.5 < limit and 1.5 > 2 / lam  # above plain GD's limit, below heavy ball's
    captions = [c.value for c in _run_expander(at, 2).caption]
    assert (
        f"Stability limit of heavy-ball momentum: {UPDATE_RULES['Momentum'].limit_formula} = {limit:.3g}"
        in captions
    ), captions
    gd_captions = [c.value for c in _run_expander(at, 1).caption]
    assert (
        f"Stability limit of gradient descent: {UPDATE_RULES['SGD'].limit_formula} = {2 / lam:.3g}"
        in gd_captions
    ), gd_captions


@pytest.mark.parametrize(("rule", "beta"), [("Momentum", 0.5), ("Nesterov", 0.5), ("SGD", 0.9)])
def test_a_rate_just_above_the_rules_own_limit_warns_and_just_below_does_not(rule, beta):
    lam = _lambda_max(condition_number=50.0)
    entry = UPDATE_RULES[rule]
    limit = entry.stability_limit(lam, **({"momentum": beta} if entry.hyperparameters else {}))
    choices = [0.5, 0.7, 1.0, 1.1, 1.2, 1.5, 2.0, 2.5, 3.0]
    below = max(c for c in choices if c < limit)
    above = min(c for c in choices if c > limit)
    for lr, warns in ((below, False), (above, True)):
        at = open_app(kappa="50", r1_rule=rule, r1_lr=f"{lr:g}", r1_mom=repr(beta))
        warnings = [w.value for w in at.sidebar.warning if "stability limit" in w.value]
        assert bool(warnings) == warns, (rule, lr, limit, warnings)
        if warns:
            assert f"{entry.limit_formula} = {limit:.3g}" in warnings[0] and entry.title in warnings[0]


@pytest.mark.parametrize("rule", ["AdaGrad", "RMSProp", "Adam"])
def test_adaptive_rules_say_they_have_no_fixed_limit(rule):
    at = open_app(r1_rule=rule, r1_lr="5")
    assert not [w.value for w in at.sidebar.warning if "stability limit" in w.value]
    assert UPDATE_RULES[rule].no_limit_reason in [c.value for c in _run_expander(at, 1).caption]
