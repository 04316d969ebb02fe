"""The registry of update rules: everything the project knows about a rule, in one entry.

An entry names the rule (its menu and link name, the words for it in a sentence),
builds it from the optimizer class that implements it (``optimizers.py``), picks
the branch of the compiled loop that runs it (``_sgd_kernel._apply_update``) and
knows its full-batch stability limit. Adding a rule is one class, one entry here
and one kernel branch; the app's menu, warnings and captions, and the divergence
message of a run, all read this table.

Stability on least squares with a constant rate η. Along an eigenvector of the
Hessian A = XᵀX/N with curvature λ, write h = ηλ and e for the error; each rule
is a linear recurrence in (e, v):

    GD            e ← (1 − h) e                            stable iff h < 2
    heavy ball    v ← βv + λe,  e ← e − ηv                  z² − (1 + β − h) z + β = 0
    Nesterov      v ← μv + λe,  e ← e − η(λe + μv)          z² − (1 + μ − h(1 + μ)) z + μ(1 − h) = 0

(``SGD(momentum=β)`` and ``SGD(momentum=μ, nesterov=True)`` of ``optimizers.py``,
v the velocity). Both roots of z² − Tz + D lie inside the unit circle iff
|D| < 1 and |T| < 1 + D (Jury). The condition at z = 1 reads h > 0; the one at
z = −1, 1 + T + D > 0, gives h < 2(1 + β) for heavy ball and h < 2(1 + μ)/(1 + 2μ)
for Nesterov, and there |D| < 1 holds for β, μ in [0, 1). The most curved
direction binds, so the limits on η are

    GD  2/λ_max        heavy ball  2(1 + β)/λ_max        Nesterov  2(1 + μ)/((1 + 2μ)λ_max).

Adaptive rules (AdaGrad, RMSProp, Adam) divide each step by a running size of the
gradients, so their recurrence is not linear and no such limit exists.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from . import _sgd_kernel as kernel
from ._validation import _describe, check_choice
from .optimizers import SGD, AdaGrad, Adam, RMSProp

ADAPTIVE_NO_LIMIT = (
    "{title} has no fixed full-batch stability limit: adaptive methods divide each step by a running "
    "size of the gradients, so the largest safe η is not set by λₘₐₓ of the data."
)


def _over_lambda(lambda_max: float, numerator: float) -> float:
    return numerator / lambda_max if lambda_max > 0 else math.inf  # A = 0: the gradient is always 0


def _gd_limit(lambda_max: float) -> float:
    return _over_lambda(lambda_max, 2.0)


def _heavy_ball_limit(lambda_max: float, momentum: float) -> float:
    return _over_lambda(lambda_max, 2.0 * (1.0 + momentum))


def _nesterov_limit(lambda_max: float, momentum: float) -> float:
    return _over_lambda(lambda_max, 2.0 * (1.0 + momentum) / (1.0 + 2.0 * momentum))


@dataclass(frozen=True)
class UpdateRule:
    """One update rule: how to build it, run it, name it, and how large η may be.

    Attributes
    ----------
    name : str
        Short name, also the app's menu entry and link value (``"Momentum"``).
    title : str
        The rule in a sentence (``"heavy-ball momentum"``).
    optimizer : type
        The class of ``optimizers.py`` that implements it.
    settings : Mapping
        Constructor arguments that make that class this rule (``{"nesterov": True}``).
    hyperparameters : tuple of str
        Constructor arguments besides the learning rate that the rule lets one tune.
    kernel_code : int
        Branch of ``_sgd_kernel._apply_update`` that runs it.
    kernel_slots : tuple of str or None
        The attribute stored in each slot ``hyper[i]`` of that branch (None: unused).
    limit : callable or None
        ``limit(lambda_max, **hyperparameters)``: the full-batch stability limit on η;
        None for a rule that has none.
    limit_formula : str
        The limit in symbols, for a caption (β is the momentum).
    full_batch_name : str
        What a full-batch run of it is called in a legend ("GD" for SGD); ``name`` if empty.
    """

    name: str
    title: str
    optimizer: type
    settings: Mapping = field(default_factory=dict)
    hyperparameters: tuple[str, ...] = ()
    kernel_code: int = kernel.SGD_RULE
    kernel_slots: tuple[str | None, ...] = ()
    limit: Callable[..., float] | None = None
    limit_formula: str = ""
    full_batch_name: str = ""

    def build(self, learning_rate, **hyperparameters):
        """The optimizer: ``optimizer(learning_rate, **settings, **hyperparameters)``."""
        self._check_hyperparameters(hyperparameters)
        return self.optimizer(learning_rate, **self.settings, **hyperparameters)

    def _check_hyperparameters(self, given: Mapping) -> None:
        unknown = set(given) - set(self.hyperparameters)
        if unknown:
            raise ValueError(
                f"{self.name} takes the hyperparameters {', '.join(self.hyperparameters) or 'none'} "
                f"besides the learning rate, got {', '.join(sorted(unknown))}."
            )

    def describes(self, optimizer) -> bool:
        """True when ``optimizer`` is an instance of this rule."""
        return isinstance(optimizer, self.optimizer) and all(
            getattr(optimizer, key) == value for key, value in self.settings.items()
        )

    @property
    def has_limit(self) -> bool:
        return self.limit is not None

    def stability_limit(self, lambda_max: float, **hyperparameters) -> float | None:
        """Largest constant η for which full-batch runs converge; None if the rule has no such limit.

        Parameters
        ----------
        lambda_max : float
            Largest eigenvalue of the Hessian XᵀX/N (``QuadraticLoss.eigenvalues[0]``).
        **hyperparameters
            The rule's hyperparameters; an omitted one takes the optimizer's default.

        Returns
        -------
        float or None
            ``inf`` when λ_max is 0 (the gradient is always zero).
        """
        self._check_hyperparameters(hyperparameters)
        if self.limit is None:
            return None
        return self.limit(float(lambda_max), **{**self.defaults(), **hyperparameters})

    def stability_limit_of(self, optimizer, lambda_max: float) -> float | None:
        """:meth:`stability_limit` with the hyperparameters of an optimizer of this rule."""
        return self.stability_limit(lambda_max, **{h: getattr(optimizer, h) for h in self.hyperparameters})

    @property
    def no_limit_reason(self) -> str:
        """Why there is no limit, in a sentence to show (empty for a rule that has one)."""
        return "" if self.has_limit else ADAPTIVE_NO_LIMIT.format(title=self.title)

    def defaults(self) -> dict:
        """The optimizer's default value of each hyperparameter."""
        fields = {f.name: f.default for f in dataclasses.fields(self.optimizer)}
        return {h: fields[h] for h in self.hyperparameters}

    def kernel_spec(self, optimizer) -> tuple[int, np.ndarray]:
        """(branch code, hyper array) that run ``optimizer`` in the compiled loop."""
        hyper = np.zeros(kernel.N_HYPER)
        for i, attribute in enumerate(self.kernel_slots):
            if attribute is not None:
                hyper[i] = float(getattr(optimizer, attribute))
        return self.kernel_code, hyper

    def legend_name(self, full_batch: bool) -> str:
        """The rule's name in a legend: ``full_batch_name`` for a full-batch run if it has one."""
        return self.full_batch_name if full_batch and self.full_batch_name else self.name


_SGD_SLOTS = ("momentum", "nesterov")

UPDATE_RULES: dict[str, UpdateRule] = {
    rule.name: rule
    for rule in (
        UpdateRule(
            "SGD", "gradient descent", SGD, {"momentum": 0.0, "nesterov": False},
            kernel_slots=_SGD_SLOTS, limit=_gd_limit, limit_formula="2/λₘₐₓ", full_batch_name="GD",
        ),
        UpdateRule(
            "Momentum", "heavy-ball momentum", SGD, {"nesterov": False}, ("momentum",),
            kernel_slots=_SGD_SLOTS, limit=_heavy_ball_limit, limit_formula="2(1+β)/λₘₐₓ",
        ),
        UpdateRule(
            "Nesterov", "Nesterov momentum", SGD, {"nesterov": True}, ("momentum",),
            kernel_slots=_SGD_SLOTS, limit=_nesterov_limit, limit_formula="2(1+β)/((1+2β)λₘₐₓ)",
        ),
        UpdateRule(
            "AdaGrad", "AdaGrad", AdaGrad, {}, ("eps",),
            kernel_code=kernel.ADAGRAD_RULE, kernel_slots=(None, None, "eps"),
        ),
        UpdateRule(
            "RMSProp", "RMSProp", RMSProp, {}, ("decay", "eps"),
            kernel_code=kernel.RMSPROP_RULE, kernel_slots=("decay", None, "eps"),
        ),
        UpdateRule(
            "Adam", "Adam", Adam, {}, ("beta1", "beta2", "eps"),
            kernel_code=kernel.ADAM_RULE, kernel_slots=("beta1", "beta2", "eps"),
        ),
    )
}  # fmt: skip
"""Every update rule by name, in menu order."""

PLAIN_GD = UPDATE_RULES["SGD"]
"""Plain (stochastic) gradient descent: the rule whose 2/λ_max is "the" stability limit."""

OPTIMIZER_CLASSES = tuple(dict.fromkeys(rule.optimizer for rule in UPDATE_RULES.values()))


def update_rule(name: str) -> UpdateRule:
    """The registry entry called ``name`` (``"SGD"``, ``"Momentum"``, ...); ValueError listing them."""
    return UPDATE_RULES[check_choice("rule", name, tuple(UPDATE_RULES))]


def rule_of(optimizer) -> UpdateRule:
    """The registry entry ``optimizer`` is an instance of; ValueError for anything else."""
    for rule in UPDATE_RULES.values():
        if rule.describes(optimizer):
            return rule
    *others, last = (cls.__name__ for cls in OPTIMIZER_CLASSES)
    raise ValueError(
        f"optimizer must be {', '.join(others)} or {last} from core, got {_describe(optimizer)}. "
        "For example SGD(learning_rate=0.1)."
    )
