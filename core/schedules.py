"""Learning-rate schedules: step t → rate η_t, for one step or a whole array of steps.

Each schedule is a frozen dataclass (it hashes and pickles, so it can be a
``st.cache_data`` argument) and is vectorized: ``schedule(np.arange(n))`` gives
every rate of a run at once, which is how :func:`run_optimizer` hands the rates
to its compiled loop. Step t is the update that leaves iterate t, so
``schedule(0)`` is the first step's rate.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import _describe, check_float, check_int

_RATE_HINT = "A learning rate is a positive step size, e.g. 0.1."


class Schedule:
    """Base of the schedules: subclasses define ``_rates(t)`` on a float array of steps."""

    def __call__(self, step):
        """Rate at ``step`` (int → float) or at each of ``step`` (int ndarray (n,) → float ndarray (n,))."""
        t = np.asarray(step)
        if t.dtype.kind not in "iu":
            if t.dtype.kind != "f" or not np.all(np.isfinite(t)) or not np.all(t == np.round(t)):
                raise ValueError(f"step must be a whole number or an array of them, got {_describe(step)}.")
        if np.any(t < 0):
            raise ValueError(f"step must be at least 0 (the first update is step 0), got {_describe(step)}.")
        rates = self._rates(t.astype(np.float64))
        return float(rates) if t.ndim == 0 else rates

    def _rates(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def initial_rate(self) -> float:
        """η₀, the rate of the first step."""
        return float(self(0))


@dataclass(frozen=True)
class ConstantSchedule(Schedule):
    """η_t = value."""

    value: float

    def __post_init__(self):
        object.__setattr__(self, "value", _positive("value", self.value))

    def _rates(self, t):
        return np.full(t.shape, self.value)

    @property
    def label(self) -> str:
        return f"{self.value:g}"


@dataclass(frozen=True)
class InverseTimeDecay(Schedule):
    """η_t = initial / (1 + decay_rate·t); decay_rate = 0 is a constant rate.

    Σ η_t diverges while Σ η_t² converges (for decay_rate > 0), the Robbins–Monro
    conditions under which SGD converges despite its gradient noise.
    """

    initial: float
    decay_rate: float

    def __post_init__(self):
        object.__setattr__(self, "initial", _positive("initial", self.initial))
        object.__setattr__(
            self,
            "decay_rate",
            check_float("decay_rate", self.decay_rate, minimum=0.0, hint="Use 0 for no decay."),
        )

    def _rates(self, t):
        return self.initial / (1.0 + self.decay_rate * t)

    @property
    def label(self) -> str:
        return f"{self.initial:g}/(1 + {self.decay_rate:g}·t)"


@dataclass(frozen=True)
class StepDecay(Schedule):
    """η_t = initial · factor^⌊t / step_size⌋: multiply by ``factor`` every ``step_size`` steps."""

    initial: float
    factor: float
    step_size: int

    def __post_init__(self):
        object.__setattr__(self, "initial", _positive("initial", self.initial))
        factor = check_float(
            "factor",
            self.factor,
            minimum=0.0,
            strict_minimum=True,
            maximum=1.0,
            hint="e.g. 0.5 halves the rate.",
        )
        object.__setattr__(self, "factor", factor)
        object.__setattr__(self, "step_size", check_int("step_size", self.step_size, minimum=1))

    def _rates(self, t):
        return self.initial * self.factor ** np.floor(t / self.step_size)

    @property
    def label(self) -> str:
        return f"{self.initial:g}·{self.factor:g}^⌊t/{self.step_size}⌋"


@dataclass(frozen=True)
class CosineDecay(Schedule):
    """η_t = final + (initial − final)·½(1 + cos(π·min(t, decay_steps)/decay_steps)).

    Falls from ``initial`` to ``final`` over ``decay_steps`` steps and stays there.
    """

    initial: float
    decay_steps: int
    final: float = 0.0

    def __post_init__(self):
        initial = _positive("initial", self.initial)
        object.__setattr__(self, "initial", initial)
        object.__setattr__(self, "decay_steps", check_int("decay_steps", self.decay_steps, minimum=1))
        final = check_float(
            "final", self.final, minimum=0.0, maximum=initial, hint="It must lie in [0, initial]."
        )
        object.__setattr__(self, "final", final)

    def _rates(self, t):
        progress = np.minimum(t, self.decay_steps) / self.decay_steps
        return self.final + (self.initial - self.final) * 0.5 * (1.0 + np.cos(math.pi * progress))

    @property
    def label(self) -> str:
        return f"cosine {self.initial:g} → {self.final:g} over {self.decay_steps} steps"


def _positive(name: str, value) -> float:
    return check_float(name, value, minimum=0.0, strict_minimum=True, hint=_RATE_HINT)


def as_schedule(learning_rate, name: str = "learning_rate") -> Schedule:
    """Return ``learning_rate`` as a :class:`Schedule` (a positive number becomes a constant one)."""
    if isinstance(learning_rate, Schedule):
        return learning_rate
    if isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, bool):
        return ConstantSchedule(
            check_float(name, learning_rate, minimum=0.0, strict_minimum=True, hint=_RATE_HINT)
        )
    raise ValueError(
        f"{name} must be a positive number or a schedule (ConstantSchedule, InverseTimeDecay, StepDecay, "
        f"CosineDecay), got {_describe(learning_rate)}."
    )


def describe_rate(learning_rate) -> str:
    """Short human text for a learning rate: ``"0.1"`` or the schedule's formula."""
    return as_schedule(learning_rate).label
