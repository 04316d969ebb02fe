"""One-click lecture scenarios: each sets every control and says what to look for.

A preset lists only what differs from the defaults; applying it resets every
other control, so the same preset always gives the same picture. Its note
speaks of what its own view shows for its own data, and
tests/dashboard/test_presets_claims.py checks every claim in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The views' own widgets a preset may set, with the value every other preset resets them to
# (the Landscape's slice: which plane through w* it draws when K > 2).
VIEW_WIDGETS = {"slice": "coordinates", "ax1": 0, "ax2": 1}


@dataclass(frozen=True)
class Preset:
    title: str
    note: str  # "what to look for", shown while the preset is active (markdown)
    values: dict = field(default_factory=dict)  # control key → value (python, not URL form)
    view: str = "Landscape"
    widgets: dict = field(default_factory=dict)  # view widget key (in VIEW_WIDGETS) → value


def _run(i: int, rule="SGD", lr=0.1, batch="full", **extra) -> dict:
    values = {f"r{i}_rule": rule, f"r{i}_lr": lr, f"r{i}_batch": batch}
    values.update({f"r{i}_{k}": v for k, v in extra.items()})
    return values


PRESETS: dict[str, Preset] = {
    "bowl": Preset(
        "Well-conditioned bowl",
        "κ = 1 makes the contours nearly circles, so −∇L points straight at w\\*: gradient descent "
        "(Run 1) walks a straight line into ◆, the closed-form answer, and stops on it. SGD with batches "
        "of 10 (Run 2) heads for the same point in smaller, noisier steps.",
        {"kappa": 1.0, "nruns": 2, **_run(1, lr=0.5), **_run(2, lr=0.05, batch=10)},
    ),
    "valley": Preset(
        "Ill-conditioned valley: GD zig-zags, momentum helps",
        "κ = 50 makes a long narrow valley. Its steep walls cap plain GD's step at 2/λₘₐₓ ≈ 1.04: at "
        "η = 1.0 (Run 1) it zig-zags from wall to wall and crawls along the floor, its error shrinking by "
        "only 0.96 per step (no constant step does better). Heavy-ball momentum (Run 2: η = 1.5, β = 0.55, "
        "near the tuned η ≈ 1.58, β ≈ 0.56) swings wider at first but keeps its speed along the floor, "
        "its error shrinking by about 0.8 per step (0.75 when tuned exactly). It reaches ◆ in 50 steps; "
        "GD is still on its way after 60.",
        {"kappa": 50.0, "epochs": 60, "nruns": 2, **_run(1, lr=1.0), **_run(2, "Momentum", 1.5, mom=0.55)},
    ),
    "edge": Preset(
        "Learning rate just below vs just above the stability limit",
        "Full-batch GD converges exactly when η < 2/λₘₐₓ, here about 1.12. Each step multiplies the error "
        "along the steepest direction by 1 − ηλₘₐₓ: −0.97 at η = 1.1 (Run 1: it flips side and shrinks "
        "a little, a slow straight descent on this log scale) and −1.15 at η = 1.2 (Run 2: it flips side "
        "and grows, a straight climb until the run is stopped as diverged).",
        {"epochs": 200, "w0a": -1.0, "w0b": 1.0, "nruns": 2, **_run(1, lr=1.1), **_run(2, lr=1.2)},
        view="Convergence",
    ),
    "noiseball": Preset(
        "Batch size 1 vs full batch: the noise ball",
        "With a constant η, SGD on one sample per step (Run 1) never settles: each step follows one "
        "noisy data point, so within its first epoch it reaches w\\* and then hovers around it in a "
        "'noise ball'. Averaging 20 samples per step (Run 2) shrinks the ball to a speck around ◆. "
        "Full-batch GD (Run 3) follows a smooth path and stops on ◆. A smaller η shrinks the ball too: "
        "try it.",
        {
            "noise": 1.0,
            "kappa": 2.0,
            "nruns": 3,
            **_run(1, lr=0.1, batch=1),
            **_run(2, lr=0.1, batch=20),
            **_run(3, lr=0.7),
        },
    ),
    "schedule": Preset(
        "A decaying learning rate",
        "The same SGD on one sample per step, twice. With a constant η (Run 1) the loss gap stops "
        "falling after about an epoch and only jitters: the noise ball. With ηₜ = η/(1 + d·t) (Run 2, "
        "d = 0.01) the steps keep shrinking, so the ball keeps closing in on w\\*: its loss gap goes on "
        "falling to the end, far below the constant run's.",
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
        "N = 10 samples, K = 20 features: infinitely many w fit the data exactly. Drawn along the most "
        "and the least curved directions through w\\*, the loss is a trough with a flat floor, and every "
        "point of that floor fits exactly (XᵀX is singular: the normal equations fail, see Closed form). "
        "The pseudo-inverse picks the floor's point nearest 0 (◆); gradient descent from 0 (Run 1) moves "
        "only across the trough, never along it, and lands on that same point.",
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
        widgets={"slice": "eigen"},
    ),
    "collinear": Preset(
        "Collinear features (rank deficient)",
        "The second feature is a copy of the first, so only w₁ + w₂ matters: the loss is a trough whose "
        "whole floor, a diagonal line through ◆, is minimal. XᵀX cannot be inverted (see Closed form); "
        "the pseudo-inverse picks the floor's point nearest 0 (◆). Gradient descent (Run 1) moves only "
        "across the trough, never along it, so it stops at the floor's point nearest its start: 2.12 away "
        "from ◆, at the same loss. Another minimizer, not an error.",
        {"dup": True, "kappa": 1.0, "w0a": 0.0, "w0b": 3.0, "nruns": 1, **_run(1, lr=0.3)},
    ),
    "exact": Preset(
        "Noise-free data: an exact fit",
        "With σ = 0, y = Xw holds exactly for the true coefficients, so they are the minimizer: the "
        "closed-form w\\* equals them (the bars), and the residuals are only rounding errors, about "
        "10⁻¹⁶: the minimum of the loss is 0. Gradient descent (Run 1) lands on the same coefficients.",
        {"noise": 0.0, "nruns": 1, "epochs": 100, **_run(1, lr=0.7)},
        view="Fit",
    ),
    "highdim": Preset(
        "Fifty dimensions: one bowl, seen through a slice",
        "With K = 50 the picture is the exact loss on the plane of w₁ and w₂ through w\\*, and each path "
        "is its shadow on that plane: the other 48 weights move too, off the picture. Every slice through "
        "w\\* is a bowl, since the loss is convex in all 50 dimensions, so gradient descent (Run 1) and "
        "SGD taking one sample, one direction xᵢ, per step (Run 2) both end at ◆.",
        {
            "k": 50,
            "n": 1000,
            "kappa": 10.0,
            "w0a": -8.0,
            "w0b": 8.0,
            "nruns": 2,
            **_run(1, lr=0.5),
            **_run(2, lr=0.01, batch=1),
        },
    ),
    "adam": Preset(
        "Adam and friends in a diagonal valley",
        "κ = 100, and this valley runs diagonally. Adam (Run 2) and RMSProp (Run 3) scale each "
        "coordinate's step by its own recent gradients, but here both coordinates feel the same steep "
        "walls, so the scaling cannot tell walls from floor: after 100 steps they still crawl along the "
        "floor, and no step size from the menu gets them close. Heavy-ball momentum (Run 1) reaches ◆. "
        "With seed 7 the valley runs along the w₁ axis: there scaling each coordinate is the cure, and "
        "RMSProp converges before momentum.",
        {
            "kappa": 100.0,
            "seed": 1,
            "epochs": 100,
            "nruns": 3,
            **_run(1, "Momentum", 1.5, mom=0.7),
            **_run(2, "Adam", 0.1, mom=0.9, b2=0.999),
            **_run(3, "RMSProp", 0.1, b2=0.99),
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
        "drops the momentum and diverges, as η is above plain GD's limit 2/λₘₐₓ ≈ 1.03; Run 4 keeps "
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
