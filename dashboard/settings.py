"""What the lecturer chose, as small frozen dataclasses (they hash for ``st.cache_data``).

Pure Python: no streamlit here, so settings can be built and checked in tests,
from presets or from a URL, exactly as the widgets build them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core import PLAIN_GD, UPDATE_RULES, steps_per_epoch

# Choices offered by the widgets. Log-spaced where the quantity is a scale.
N_CHOICES = (5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
K_MAX = 50
CONDITION_CHOICES = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 1e4, 1e5, 1e6)
# Ten steps per decade from 1e-4 to 90, then 100: fine enough to sit just below or above a limit.
_MANTISSAS = (1.0, 1.1, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0)
LEARNING_RATE_CHOICES = (*(round(m * 10.0**e, 6) for e in range(-4, 2) for m in _MANTISSAS), 100.0)
BATCH_CHOICES = ("full", 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 5_000, 10_000)
RULES = tuple(UPDATE_RULES)  # the menu: every rule of core's registry, in its order
SCHEDULES = ("constant", "inverse-time", "step", "cosine")
SLICE_MODES = ("coordinates", "eigen")
MAX_RUNS = 4

# Resource caps: one rerun stays well under ~2 s and ~1 GB on a laptop.
MAX_CELLS = 2_000_000  # N × K
# Optimizer steps per run (the recorded path is thinned, not the run). Four runs at the cap take
# ~0.8 s and each cached run keeps ~40 B per step of diagnostics (~20 MB): bench/bench_lecture_hall.py.
MAX_STEPS = 500_000


@dataclass(frozen=True)
class DataSettings:
    """Synthetic data: N samples, K features, noise σ, condition number κ of Σ."""

    n_samples: int = 200
    n_features: int = 2
    noise: float = 0.5
    condition_number: float = 10.0
    intercept: bool = False
    seed: int = 0
    collinear: bool = False  # make the last feature an exact copy of the first (rank deficient)
    # Real data instead of synthetic: a bundled dataset's name, or "upload".
    source: str = "synthetic"
    target: str = ""
    features: tuple[str, ...] = ()
    standardize: bool = False
    drop_missing: bool = False
    upload_id: str = ""  # content hash of the uploaded file

    @property
    def synthetic(self) -> bool:
        return self.source == "synthetic"

    @property
    def true_intercept(self) -> float:
        # With the intercept switched on the data get a visible offset to recover.
        return 2.0 if self.intercept else 0.0

    @property
    def n_params(self) -> int:
        """Number of fitted parameters (features plus the intercept, if any)."""
        k = self.n_features if self.synthetic else len(self.features)
        return k + int(self.intercept)


@dataclass(frozen=True)
class RunSettings:
    """One optimizer run to draw: an update rule and its hyperparameters."""

    rule: str = "SGD"
    learning_rate: float = 0.1
    batch_size: int | None = None  # None: full-batch gradient descent
    momentum: float = 0.9  # for Momentum / Nesterov; β₁ for Adam
    beta2: float = 0.999  # Adam's second-moment decay; RMSProp's decay
    schedule: str = "constant"
    decay: float = 0.01  # strength of the schedule (see make_schedule)

    @property
    def hyperparameters(self) -> dict[str, float]:
        """The rule's hyperparameters that the app sets, by core's name (others keep core's default)."""
        rule = UPDATE_RULES[self.rule]
        return {name: getattr(self, KNOBS[name]) for name in rule.hyperparameters if name in KNOBS}

    @property
    def follows_gd_theory(self) -> bool:
        """Plain GD, full batch, constant rate: the run that core's GD theory describes exactly."""
        plain = UPDATE_RULES.get(self.rule) is PLAIN_GD
        return plain and self.batch_size is None and self.schedule == "constant"

    @property
    def label(self) -> str:
        batch = "full batch" if self.batch_size is None else f"batch {self.batch_size}"
        known = UPDATE_RULES.get(self.rule)
        rule = known.legend_name(full_batch=self.batch_size is None) if known else self.rule
        sched = "" if self.schedule == "constant" else f", {self.schedule}"
        return f"{rule} η={self.learning_rate:g}, {batch}{sched}"


# Which RunSettings field holds each core hyperparameter the app lets one set: the momentum
# slider is heavy ball's β and Adam's β₁, the β₂ menu is Adam's β₂ and RMSProp's decay ρ.
KNOBS = {"momentum": "momentum", "beta1": "momentum", "beta2": "beta2", "decay": "beta2"}


def rule_knobs(rule: str) -> frozenset[str]:
    """The RunSettings fields that ``rule`` reads (its widgets; the others are not shown)."""
    return frozenset(KNOBS[h] for h in UPDATE_RULES[rule].hyperparameters if h in KNOBS)


@dataclass(frozen=True)
class LabSettings:
    """Everything one rerun computes from."""

    data: DataSettings = field(default_factory=DataSettings)
    runs: tuple[RunSettings, ...] = (
        RunSettings(rule="SGD", learning_rate=0.3, batch_size=None),
        RunSettings(rule="SGD", learning_rate=0.05, batch_size=10),
    )
    epochs: int = 30
    w0: tuple[float, float] = (-2.0, 2.0)  # first two coordinates of the start; the rest are 0
    slice_mode: str = "coordinates"
    slice_pair: tuple[int, int] = (0, 1)


def check_caps(settings: LabSettings) -> list[str]:
    """Return a message for every resource cap the settings exceed (empty when fine)."""
    problems = []
    d = settings.data
    if d.synthetic and d.n_samples * d.n_params > MAX_CELLS:
        problems.append(
            f"N × K = {d.n_samples:,} × {d.n_params} is above the cap of {MAX_CELLS:,} cells; lower N or K."
        )
    for i, run in enumerate(settings.runs, start=1):
        steps = settings.epochs * steps_per_epoch(d.n_samples, run.batch_size)
        if steps > MAX_STEPS:
            problems.append(
                f"Run {i} would take {steps:,} steps, above the cap of {MAX_STEPS:,}; "
                "use fewer epochs or a larger batch."
            )
    return problems
