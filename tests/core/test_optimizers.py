"""Update rules: each against a plain, coordinate-by-coordinate reference written here."""

import math
import pickle

import numpy as np
import pytest

from core import SGD, AdaGrad, Adam, InverseTimeDecay, RMSProp

RNG = np.random.default_rng(7)
GRADS = RNG.standard_normal((25, 4))  # a fixed sequence of gradients (25 steps, K=4)
W0 = RNG.standard_normal(4)


def reference_path(rule, grads, w0, lr):
    """Plain loops over coordinates; ``rule(g, s, t, lr_t)`` returns (update, s) for one coordinate."""
    path = [list(w0)]
    state = [None] * len(w0)
    for t, g in enumerate(grads):
        w = list(path[-1])
        for j in range(len(w)):
            u, state[j] = rule(float(g[j]), state[j], t, lr(t))
            w[j] += u
        path.append(w)
    return np.array(path)


def sgd_rule(momentum, nesterov):
    def rule(g, v, t, lr):
        if momentum == 0:
            return -lr * g, None
        v = momentum * (v or 0.0) + g
        return -lr * ((g + momentum * v) if nesterov else v), v

    return rule


def adagrad_rule(eps):
    def rule(g, acc, t, lr):
        acc = (acc or 0.0) + g * g
        return -lr * g / (math.sqrt(acc) + eps), acc

    return rule


def rmsprop_rule(decay, eps):
    def rule(g, s, t, lr):
        s = decay * (s or 0.0) + (1 - decay) * g * g
        return -lr * g / (math.sqrt(s) + eps), s

    return rule


def adam_rule(b1, b2, eps):
    def rule(g, state, t, lr):
        m, v = state or (0.0, 0.0)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** (t + 1)), v / (1 - b2 ** (t + 1))
        return -lr * m_hat / (math.sqrt(v_hat) + eps), (m, v)

    return rule


CASES = [
    (SGD(0.1), sgd_rule(0.0, False)),
    (SGD(0.1, momentum=0.9), sgd_rule(0.9, False)),
    (SGD(0.1, momentum=0.5, nesterov=True), sgd_rule(0.5, True)),
    (AdaGrad(0.3, eps=1e-6), adagrad_rule(1e-6)),
    (RMSProp(0.01, decay=0.8), rmsprop_rule(0.8, 1e-8)),
    (Adam(0.05, beta1=0.8, beta2=0.99), adam_rule(0.8, 0.99, 1e-8)),
    (Adam(InverseTimeDecay(0.05, 0.1)), adam_rule(0.9, 0.999, 1e-8)),
]


def run(opt, grads, w0):
    w, state, path = w0.copy(), opt.init(w0), [w0.copy()]
    for t, g in enumerate(grads):
        updates, state = opt.update(g, state, w, t)
        w = w + updates
        path.append(w)
    return np.array(path)


@pytest.mark.parametrize(("opt", "rule"), CASES, ids=lambda c: getattr(c, "name", ""))
def test_update_matches_plain_reference(opt, rule):
    expected = reference_path(rule, GRADS, W0, opt.rate)
    np.testing.assert_allclose(run(opt, GRADS, W0), expected, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize(("opt", "rule"), CASES, ids=lambda c: getattr(c, "name", ""))
def test_update_is_pure(opt, rule):
    state = opt.init(W0)
    before = [np.array(a, copy=True) for a in state]
    w = W0.copy()
    first, _ = opt.update(GRADS[0], state, w, 0)
    again, _ = opt.update(GRADS[0], state, w, 0)
    np.testing.assert_array_equal(first, again)
    for a, b in zip(state, before, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(w, W0)


def test_heavy_ball_is_polyak_form():
    # With a constant rate: w_{t+1} = w_t − η g_t + μ (w_t − w_{t−1}).
    eta, mu = 0.1, 0.7
    path = run(SGD(eta, momentum=mu), GRADS, W0)
    for t in range(1, len(GRADS)):
        expected = path[t] - eta * GRADS[t] + mu * (path[t] - path[t - 1])
        np.testing.assert_allclose(path[t + 1], expected, rtol=1e-12, atol=1e-13)


def test_names_hash_pickle():
    assert SGD(0.1).name == "SGD"
    assert SGD(0.1, momentum=0.9).name == "SGD + momentum 0.9"
    assert SGD(0.1, momentum=0.9, nesterov=True).name == "SGD + Nesterov momentum 0.9"
    assert [o.name for o in (AdaGrad(0.1), RMSProp(0.1), Adam(0.1))] == ["AdaGrad", "RMSProp", "Adam"]
    assert "learning rate 0.1" in Adam(0.1).label
    for opt, _ in CASES:
        clone = pickle.loads(pickle.dumps(opt))
        assert clone == opt and hash(clone) == hash(opt)
    assert SGD(1) == SGD(1.0)
    with pytest.raises(AttributeError):
        SGD(0.1).momentum = 0.5


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SGD(-0.1), "learning_rate must be greater than 0, got -0.1"),
        (lambda: SGD(0), "learning_rate must be greater than 0, got 0"),
        (lambda: SGD("0.1"), "learning_rate must be a positive number or a schedule"),
        (lambda: SGD(0.1, momentum=1.0), "momentum must be less than 1, got 1"),
        (lambda: SGD(0.1, momentum=-0.1), "momentum must be at least 0"),
        (lambda: SGD(0.1, nesterov=True), "nesterov=True needs a momentum above 0"),
        (lambda: SGD(0.1, momentum=0.9, nesterov="yes"), "nesterov must be True or False"),
        (lambda: AdaGrad(0.1, eps=0.0), "eps must be greater than 0"),
        (lambda: RMSProp(0.1, decay=1.2), "decay must be less than 1"),
        (lambda: Adam(0.1, beta1=1.0), "beta1 must be less than 1"),
        (lambda: Adam(0.1, beta2=-0.5), "beta2 must be at least 0"),
        (lambda: Adam(float("inf")), "learning_rate must be finite"),
    ],
)
def test_bad_hyperparameters_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()
