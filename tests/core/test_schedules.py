"""Learning-rate schedules: formulas, vectorization, hashing and validation."""

import math
import pickle

import numpy as np
import pytest

from core import ConstantSchedule, CosineDecay, InverseTimeDecay, StepDecay
from core.schedules import as_schedule, describe_rate

SCHEDULES = [
    ConstantSchedule(0.1),
    InverseTimeDecay(0.5, 0.01),
    StepDecay(0.4, 0.5, 10),
    CosineDecay(0.2, 100, final=0.01),
]


def test_formulas_at_given_steps():
    assert ConstantSchedule(0.1)(7) == 0.1
    assert InverseTimeDecay(0.5, 0.01)(100) == pytest.approx(0.25)
    assert StepDecay(0.4, 0.5, 10)(9) == 0.4
    assert StepDecay(0.4, 0.5, 10)(25) == pytest.approx(0.1)
    cosine = CosineDecay(0.2, 100, final=0.01)
    assert cosine(0) == pytest.approx(0.2)
    assert cosine(50) == pytest.approx(0.105)
    assert cosine(100) == pytest.approx(0.01)
    assert cosine(1000) == pytest.approx(0.01)  # stays at final after decay_steps


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_vectorized_matches_scalar(schedule):
    steps = np.arange(0, 250, 7)
    rates = schedule(steps)
    assert rates.shape == steps.shape and rates.dtype == np.float64
    np.testing.assert_allclose(rates, [schedule(int(t)) for t in steps], rtol=0, atol=1e-15)
    assert isinstance(schedule(3), float)
    assert np.all(rates > 0)
    assert np.all(np.diff(rates) <= 0)  # none of them increases


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_hashable_picklable_frozen(schedule):
    assert pickle.loads(pickle.dumps(schedule)) == schedule
    assert hash(pickle.loads(pickle.dumps(schedule))) == hash(schedule)
    with pytest.raises(AttributeError):
        schedule.initial = 1.0


def test_as_schedule_and_labels():
    assert as_schedule(0.3) == ConstantSchedule(0.3)
    sched = InverseTimeDecay(1.0, 0.5)
    assert as_schedule(sched) is sched
    assert describe_rate(0.3) == "0.3"
    assert "t" in describe_rate(sched)
    assert math.isclose(sched.initial_rate, 1.0)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: ConstantSchedule(-0.1), "value must be greater than 0, got -0.1"),
        (lambda: ConstantSchedule(float("nan")), "value must be finite"),
        (lambda: InverseTimeDecay(0.0, 0.1), "initial must be greater than 0"),
        (lambda: InverseTimeDecay(0.1, -1), "decay_rate must be at least 0"),
        (lambda: StepDecay(0.1, 1.5, 10), "factor must be at most 1"),
        (lambda: StepDecay(0.1, 0.0, 10), "factor must be greater than 0"),
        (lambda: StepDecay(0.1, 0.5, 0), "step_size must be at least 1"),
        (lambda: CosineDecay(0.1, 0), "decay_steps must be at least 1"),
        (lambda: CosineDecay(0.1, 10, final=0.2), r"final must be at most 0.1"),
        (lambda: as_schedule("fast"), "learning_rate must be a positive number or a schedule"),
        (lambda: as_schedule(-1.0), "learning_rate must be greater than 0, got -1"),
        (lambda: ConstantSchedule(0.1)(-1), "step must be at least 0"),
        (lambda: ConstantSchedule(0.1)(1.5), "step must be a whole number"),
    ],
)
def test_bad_values_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()
