"""Update rules of the gradient-descent family, optax-style.

An optimizer is a frozen dataclass of hyperparameters with two pure functions:

    state = opt.init(params)
    updates, state = opt.update(grad, state, params, step)
    params = params + updates

``step`` is the index t of the update (0 for the first), at which the learning
rate η_t is read from its schedule. States are small NamedTuples of arrays that
are never modified in place. These methods are the readable reference; the
compiled loop in ``_sgd_kernel`` performs the same arithmetic in the same order
(the tests hold the two together). ``core.rules`` is the registry that names each
rule, picks its kernel branch and knows its stability limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validation import check_float
from .schedules import Schedule, as_schedule


class SGDState(NamedTuple):
    velocity: np.ndarray  # (K,) running sum v of past gradients (zeros without momentum)


class AdaGradState(NamedTuple):
    sum_of_squares: np.ndarray  # (K,) Σ g² over all steps so far


class RMSPropState(NamedTuple):
    mean_square: np.ndarray  # (K,) exponential moving average of g²


class AdamState(NamedTuple):
    count: int  # updates taken so far
    mu: np.ndarray  # (K,) first-moment estimate (moving average of g)
    nu: np.ndarray  # (K,) second-moment estimate (moving average of g²)


class _Optimizer:
    """Shared learning-rate handling; subclasses are frozen dataclasses."""

    learning_rate: float | Schedule

    def _check_learning_rate(self):
        rate = self.learning_rate
        as_schedule(rate)  # raises a ValueError naming learning_rate
        if not isinstance(rate, Schedule):
            object.__setattr__(self, "learning_rate", float(rate))

    @property
    def schedule(self) -> Schedule:
        """The learning rate as a schedule (a number becomes a constant one)."""
        return as_schedule(self.learning_rate)

    def rate(self, step) -> float:
        """η at ``step``."""
        return self.schedule(step)

    @property
    def label(self) -> str:
        """``name`` plus the learning rate, e.g. ``"Adam, learning rate 0.1"``."""
        return f"{self.name}, learning rate {self.schedule.label}"


def _unit_interval(name: str, value, hint: str) -> float:
    value = check_float(name, value, minimum=0.0, hint=hint)
    if value >= 1.0:
        raise ValueError(f"{name} must be less than 1, got {value:g}. {hint}")
    return value


def _eps(value) -> float:
    return check_float(
        "eps", value, minimum=0.0, strict_minimum=True, hint="It only guards against 0/0; 1e-8 is usual."
    )


@dataclass(frozen=True)
class SGD(_Optimizer):
    """(Stochastic) gradient descent, optionally with heavy-ball or Nesterov momentum.

    With gradient g_t and rate η_t::

        momentum = 0:   w ← w − η_t g_t
        momentum = μ:   v ← μ v + g_t
                        w ← w − η_t v                 (heavy ball, Polyak)
                        w ← w − η_t (g_t + μ v)       (nesterov=True)

    With a constant rate the heavy-ball form is w_{t+1} = w_t − η g_t + μ(w_t − w_{t−1}).

    Parameters
    ----------
    learning_rate : float or Schedule
    momentum : float in [0, 1), default=0.0
    nesterov : bool, default=False
    """

    learning_rate: float | Schedule
    momentum: float = 0.0
    nesterov: bool = False

    def __post_init__(self):
        self._check_learning_rate()
        momentum = _unit_interval("momentum", self.momentum, "0 is plain SGD; 0.9 is common.")
        object.__setattr__(self, "momentum", momentum)
        if not isinstance(self.nesterov, bool | np.bool_):
            raise ValueError(f"nesterov must be True or False, got {self.nesterov!r}.")
        if self.nesterov and momentum == 0.0:
            raise ValueError(
                "nesterov=True needs a momentum above 0, got momentum=0. Set momentum, e.g. 0.9."
            )
        object.__setattr__(self, "nesterov", bool(self.nesterov))

    @property
    def name(self) -> str:
        if self.momentum == 0.0:
            return "SGD"
        return f"SGD + {'Nesterov ' if self.nesterov else ''}momentum {self.momentum:g}"

    def init(self, params) -> SGDState:
        return SGDState(np.zeros_like(np.asarray(params, dtype=np.float64)))

    def update(self, grad, state: SGDState, params, step: int) -> tuple[np.ndarray, SGDState]:
        lr = self.rate(step)
        if self.momentum == 0.0:
            return -lr * grad, state
        velocity = self.momentum * state.velocity + grad
        direction = grad + self.momentum * velocity if self.nesterov else velocity
        return -lr * direction, SGDState(velocity)


@dataclass(frozen=True)
class AdaGrad(_Optimizer):
    """AdaGrad: each coordinate's step shrinks with its accumulated squared gradients::

        G ← G + g_t²
        w ← w − η_t g_t / (√G + eps)

    Parameters
    ----------
    learning_rate : float or Schedule
    eps : float > 0, default=1e-8
    """

    learning_rate: float | Schedule
    eps: float = 1e-8

    def __post_init__(self):
        self._check_learning_rate()
        object.__setattr__(self, "eps", _eps(self.eps))

    @property
    def name(self) -> str:
        return "AdaGrad"

    def init(self, params) -> AdaGradState:
        return AdaGradState(np.zeros_like(np.asarray(params, dtype=np.float64)))

    def update(self, grad, state: AdaGradState, params, step: int) -> tuple[np.ndarray, AdaGradState]:
        lr = self.rate(step)
        acc = state.sum_of_squares + grad * grad
        return -lr * grad / (np.sqrt(acc) + self.eps), AdaGradState(acc)


@dataclass(frozen=True)
class RMSProp(_Optimizer):
    """RMSProp: AdaGrad with a moving average instead of a sum, so steps do not die out::

        s ← ρ s + (1 − ρ) g_t²
        w ← w − η_t g_t / (√s + eps)

    Parameters
    ----------
    learning_rate : float or Schedule
    decay : float ρ in [0, 1), default=0.9
    eps : float > 0, default=1e-8
    """

    learning_rate: float | Schedule
    decay: float = 0.9
    eps: float = 1e-8

    def __post_init__(self):
        self._check_learning_rate()
        object.__setattr__(self, "decay", _unit_interval("decay", self.decay, "0.9 is usual."))
        object.__setattr__(self, "eps", _eps(self.eps))

    @property
    def name(self) -> str:
        return "RMSProp"

    def init(self, params) -> RMSPropState:
        return RMSPropState(np.zeros_like(np.asarray(params, dtype=np.float64)))

    def update(self, grad, state: RMSPropState, params, step: int) -> tuple[np.ndarray, RMSPropState]:
        lr = self.rate(step)
        mean_square = self.decay * state.mean_square + (1.0 - self.decay) * grad * grad
        return -lr * grad / (np.sqrt(mean_square) + self.eps), RMSPropState(mean_square)


@dataclass(frozen=True)
class Adam(_Optimizer):
    """Adam: momentum on g and RMSProp scaling, both bias-corrected (Kingma & Ba)::

        t ← t + 1
        m ← β₁ m + (1 − β₁) g          m̂ = m / (1 − β₁ᵗ)
        v ← β₂ v + (1 − β₂) g²         v̂ = v / (1 − β₂ᵗ)
        w ← w − η m̂ / (√v̂ + eps)

    Parameters
    ----------
    learning_rate : float or Schedule
    beta1, beta2 : float in [0, 1), default=0.9, 0.999
    eps : float > 0, default=1e-8
    """

    learning_rate: float | Schedule
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self):
        self._check_learning_rate()
        object.__setattr__(self, "beta1", _unit_interval("beta1", self.beta1, "0.9 is usual."))
        object.__setattr__(self, "beta2", _unit_interval("beta2", self.beta2, "0.999 is usual."))
        object.__setattr__(self, "eps", _eps(self.eps))

    @property
    def name(self) -> str:
        return "Adam"

    def init(self, params) -> AdamState:
        zeros = np.zeros_like(np.asarray(params, dtype=np.float64))
        return AdamState(0, zeros, zeros.copy())

    def update(self, grad, state: AdamState, params, step: int) -> tuple[np.ndarray, AdamState]:
        lr = self.rate(step)
        count = state.count + 1
        mu = self.beta1 * state.mu + (1.0 - self.beta1) * grad
        nu = self.beta2 * state.nu + (1.0 - self.beta2) * grad * grad
        # float exponent: the same libm pow() the compiled kernel calls.
        mu_hat = mu / (1.0 - self.beta1 ** float(count))
        nu_hat = nu / (1.0 - self.beta2 ** float(count))
        return -lr * mu_hat / (np.sqrt(nu_hat) + self.eps), AdamState(count, mu, nu)
