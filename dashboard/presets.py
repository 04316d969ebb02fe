"""One-click lecture scenarios: each sets every control and says what to look for.

A preset lists only what differs from the defaults; applying it resets every
other control, so the same preset always gives the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    title: str
    note: str  # "what to look for", shown while the preset is active
    values: dict = field(default_factory=dict)  # control key → value (python, not URL form)
    view: str = "Landscape"


def _run(i: int, rule="SGD", lr=0.1, batch="full", **extra) -> dict:
    values = {f"r{i}_rule": rule, f"r{i}_lr": lr, f"r{i}_batch": batch}
    values.update({f"r{i}_{k}": v for k, v in extra.items()})
    return values


PRESETS: dict[str, Preset] = {
    "bowl": Preset(
        "Well-conditioned bowl",
        "Round contours (κ = 1): the negative gradient points straight at w*, so gradient descent walks "
        "straight in, and the closed form and GD agree. SGD takes noisier steps towards the same point.",
        {"kappa": 1.0, "nruns": 2, **_run(1, lr=0.5), **_run(2, lr=0.05, batch=10)},
    ),
    "valley": Preset(
        "Ill-conditioned valley: GD zig-zags, momentum helps",
        "κ = 50 makes a long narrow valley. Plain GD must keep η below 2/λ_max ≈ 1.04 for the steep "
        "direction, so at η = 1.0 it zig-zags across the valley and crawls along its floor (the best "
        "constant step still only shrinks the error by 0.96 per step). Heavy-ball momentum near its tuned "
        "values (η ≈ 1.58, β ≈ 0.56; here 1.5 and 0.55) swings wider at first but carries its speed along "
        "the floor and converges far faster, rate ≈ 0.75: compare the two in the Convergence view.",
        {"kappa": 50.0, "epochs": 60, "nruns": 2, **_run(1, lr=1.0), **_run(2, "Momentum", 1.5, mom=0.55)},
    ),
    "edge": Preset(
        "Learning rate just below vs just above the stability limit",
        "Full-batch GD converges exactly when η < 2/λ_max (here about 1.12). At η = 1.1 each step "
        "overshoots the steep direction a little less than it corrects it: a slow, oscillating approach. "
        "At η = 1.2 the overshoot grows every step and the run diverges.",
        {"epochs": 200, "w0a": -1.0, "w0b": 1.0, "nruns": 2, **_run(1, lr=1.1), **_run(2, lr=1.2)},
        view="Convergence",
    ),
    "noiseball": Preset(
        "Batch size 1 vs full batch: the noise ball",
        "With a constant learning rate, single-sample SGD never settles: each step follows one data point, "
        "so near w* it hovers in a 'noise ball' whose size grows with η and shrinks with the batch. "
        "Full-batch GD goes straight to w*.",
        {
            "noise": 1.0,
            "epochs": 20,
            "nruns": 3,
            **_run(1, lr=0.3),
            **_run(2, lr=0.1, batch=1),
            **_run(3, lr=0.1, batch=20),
        },
    ),
    "schedule": Preset(
        "A decaying learning rate",
        "Same SGD, two schedules: with a constant η the iterates keep bouncing; with η_t = η/(1 + d·t) "
        "the steps shrink and the noise ball closes in on w*.",
        {
            "noise": 1.0,
            "epochs": 20,
            "nruns": 2,
            **_run(1, lr=0.1, batch=1),
            **_run(2, lr=0.1, batch=1, sched="inverse-time", decay=0.01),
        },
        view="Convergence",
    ),
    "wide": Preset(
        "More features than samples (N < K)",
        "N = 10 samples, K = 20 features: infinitely many w fit the data exactly, a flat valley of minima. "
        "XᵀX is singular, so the normal equations refuse (see Closed form); the pseudo-inverse picks the "
        "minimum-norm fit. Gradient descent started from 0 never leaves the row space of X and lands on "
        "that same minimum-norm point.",
        {
            "n": 10,
            "k": 20,
            "noise": 0.1,
            "epochs": 200,
            "w0a": 0.0,
            "w0b": 0.0,
            "nruns": 1,
            **_run(1, lr=0.2),
        },
        view="Closed form",
    ),
    "collinear": Preset(
        "Collinear features (rank deficient)",
        "The last feature is an exact copy of the first, so X has rank K − 1: the loss has a flat valley "
        "along (1, −1) and XᵀX cannot be inverted. The normal equations fail, the pseudo-inverse answers.",
        {"dup": True, "kappa": 1.0, "nruns": 1, **_run(1, lr=0.3)},
        view="Closed form",
    ),
    "exact": Preset(
        "Noise-free data: an exact fit",
        "With σ = 0, y lies in the column space of X: the minimum of the loss is 0 and w* equals the true "
        "coefficients (compare them in the Fit view). Gradient descent converges to the same point.",
        {"noise": 0.0, "nruns": 1, "epochs": 100, **_run(1, lr=0.7)},
        view="Fit",
    ),
    "highdim": Preset(
        "Fifty dimensions: SGD's single direction per step",
        "With K = 50, one SGD step moves along a single data vector xᵢ, so it explores one direction of a "
        "50-dimensional space at a time. Yet the loss is still a convex bowl: both methods head to the same "
        "w*; the closed form gets there in one solve.",
        {
            "k": 50,
            "n": 1000,
            "kappa": 10.0,
            "epochs": 20,
            "nruns": 2,
            **_run(1, lr=0.5),
            **_run(2, lr=0.01, batch=1),
        },
        view="Convergence",
    ),
    "adam": Preset(
        "Adam and friends in a valley",
        "Adaptive methods rescale each coordinate by its gradient history. In a valley that is not aligned "
        "with the axes this helps less than one would hope; compare Adam, RMSProp and momentum.",
        {
            "kappa": 100.0,
            "epochs": 100,
            "nruns": 3,
            **_run(1, "Momentum", 0.3, mom=0.8),
            **_run(2, "Adam", 0.1, mom=0.9, b2=0.999),
            **_run(3, "RMSProp", 0.03, b2=0.99),
        },
    ),
    "earlystop": Preset(
        "Early stopping is ridge",
        "Ten features whose curvatures σ²/N run from 0.0049 to 5.7. Gradient descent starts at w = 0 with "
        "η = 0.1 (solid line); its ridge twin, λ = 1/(ηt), is dashed. With the step slider at t = 30 (where "
        "it starts), λ = 0.333: both keep the strong directions and hold back the weak ones (GD is past "
        "halfway along 5 of the 10), their filters differ by at most 0.204 on any direction, and their "
        "weights by 7% of ‖w*‖. Drag t to 1,000 (λ = 0.01): 9 of the 10 directions are then past halfway. "
        "Stopping early is choosing a ridge penalty.",
        {
            "k": 10,
            "kappa": 1e3,
            "noise": 1.0,
            "epochs": 30,
            "w0a": 0.0,
            "w0b": 0.0,
            "nruns": 1,
            **_run(1, lr=0.1),
        },
        view="Spectrum",
    ),
    "twoknobs": Preset(
        "Why momentum needs two knobs",
        "A long valley: curvatures 0.021 and 1.95 (κ ≈ 95). Plain gradient descent lives on the bottom "
        "edge of the phase diagram (β = 0): near its best step (Run 1, η = 1.0) the error shrinks only by "
        "0.979 per step. The fastest heavy ball (★, η* ≈ 1.69, β* ≈ 0.66) shrinks it by 0.814; Run 2 sits "
        "next to it (η = 1.5, β = 0.68: 0.825 per step). The knobs need each other: Run 3 keeps η = 1.5 but "
        "drops the momentum and diverges, as η is above plain GD's limit 2/λ_max ≈ 1.03; Run 4 keeps "
        "β = 0.68 but takes a tenth of the step and crawls at 0.990 per step, slower than plain GD. Click "
        "the diagram to move a run.",
        {
            "kappa": 100.0,
            "epochs": 100,
            "nruns": 4,
            **_run(1, lr=1.0),
            **_run(2, "Momentum", 1.5, mom=0.68),
            **_run(3, lr=1.5),
            **_run(4, "Momentum", 0.15, mom=0.68),
        },
        view="Spectrum",
    ),
}
