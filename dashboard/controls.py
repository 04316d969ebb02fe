"""The sidebar: read the widgets, return ``LabSettings``. No computation here.

Widget keys are short because they become URL parameters (lecture mode).
"""

from __future__ import annotations

import streamlit as st

from .settings import (
    BATCH_CHOICES,
    CONDITION_CHOICES,
    K_MAX,
    LEARNING_RATE_CHOICES,
    MAX_RUNS,
    N_CHOICES,
    RULES,
    SCHEDULES,
    DataSettings,
    LabSettings,
    RunSettings,
)

DEFAULTS = LabSettings()
_RUN_DEFAULT = RunSettings()


def _new_sample() -> None:
    st.session_state["seed"] = int(st.session_state.get("seed", 0)) + 1


def render_data_controls() -> DataSettings:
    d = DEFAULTS.data
    st.subheader("Data")
    n = st.select_slider(
        "N — samples", N_CHOICES, value=d.n_samples, key="n", help="Rows of X: how many (x, y) examples."
    )
    k = st.slider(
        "K — features",
        1,
        K_MAX,
        d.n_features,
        key="k",
        help="Columns of X. K = 2 shows the loss surface exactly; for K > 2 you see a slice.",
    )
    noise = st.slider(
        "Noise σ",
        0.0,
        5.0,
        d.noise,
        0.05,
        key="noise",
        help="Standard deviation of the noise in y = Xw + noise. 0 gives an exact fit.",
    )
    kappa = st.select_slider(
        "Condition number κ of the features",
        CONDITION_CHOICES,
        value=d.condition_number,
        format_func=lambda v: f"{v:g}",
        key="kappa",
        help="Elongation of the loss valley: 1 is a round bowl, large κ a narrow, correlated valley.",
    )
    intercept = st.toggle(
        "Fit an intercept", d.intercept, key="icpt", help="Adds a column of ones to X; the true offset is 2."
    )
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    seed = c1.number_input(
        "Seed", 0, 2**31 - 1, d.seed, 1, key="seed", help="Same seed, same data: share it with the room."
    )
    c2.button("New sample", on_click=_new_sample, key="resample", help="Draw fresh data (seed + 1).")
    return DataSettings(int(n), int(k), float(noise), float(kappa), bool(intercept), int(seed))


def render_run_controls(i: int, stability_limit: float, n_samples: int) -> RunSettings:
    """Controls of run ``i`` (1-based); defaults of the first two come from ``DEFAULTS``."""
    base = DEFAULTS.runs[i - 1] if i <= len(DEFAULTS.runs) else _RUN_DEFAULT
    p = f"r{i}_"
    rule = st.selectbox(
        "Update rule",
        RULES,
        index=RULES.index(base.rule),
        key=p + "rule",
        help="SGD: w ← w − η∇L. Momentum/Nesterov add velocity; AdaGrad/RMSProp/Adam rescale coordinates.",
    )
    lr = st.select_slider(
        "Learning rate η (log scale)",
        LEARNING_RATE_CHOICES,
        value=base.learning_rate,
        format_func=lambda v: f"{v:g}",
        key=p + "lr",
        help="Step size. Full-batch GD is stable only below 2/λ_max of XᵀX/N.",
    )
    batch_choices = [b for b in BATCH_CHOICES if b == "full" or b < n_samples]
    default_batch = "full" if base.batch_size is None else base.batch_size
    batch = st.select_slider(
        "Batch size",
        batch_choices,
        value=default_batch if default_batch in batch_choices else "full",
        format_func=lambda b: "full batch (GD)" if b == "full" else str(b),
        key=p + "batch",
        help="Samples per gradient estimate: 1 is classic SGD, full batch is gradient descent.",
    )
    if rule in ("SGD", "Momentum", "Nesterov") and lr > stability_limit:
        st.warning(
            f"η = {lr:g} is above the stability limit {stability_limit:.3g} of full-batch GD "
            "on this data: expect divergence.",
            icon=":material/warning:",
        )
    else:
        st.caption(f"Stability limit 2/λ_max = {stability_limit:.3g}")
    momentum, beta2, decay = base.momentum, base.beta2, base.decay
    if rule in ("Momentum", "Nesterov", "Adam"):
        momentum = st.slider(
            "Momentum β" if rule != "Adam" else "β₁ (first-moment decay)",
            0.0,
            0.99,
            base.momentum,
            0.01,
            key=p + "mom",
            help="Fraction of the previous step carried into the next.",
        )
    if rule in ("RMSProp", "Adam"):
        beta2 = st.select_slider(
            "β₂ / ρ (second-moment decay)",
            (0.9, 0.99, 0.999, 0.9999),
            value=base.beta2,
            key=p + "b2",
            help="How long the running average of squared gradients remembers.",
        )
    schedule = st.selectbox(
        "Learning-rate schedule",
        SCHEDULES,
        index=SCHEDULES.index(base.schedule),
        key=p + "sched",
        help="constant η; inverse-time η/(1+d·t); step: halve 4 times; cosine: to 0 at the end.",
    )
    if schedule == "inverse-time":
        decay = st.select_slider(
            "Decay d",
            (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
            value=base.decay,
            key=p + "decay",
            help="η_t = η / (1 + d·t).",
        )
    return RunSettings(
        rule=rule,
        learning_rate=float(lr),
        batch_size=None if batch == "full" else int(batch),
        momentum=float(momentum),
        beta2=float(beta2),
        schedule=schedule,
        decay=float(decay),
    )


def render_optimizer_controls(stability_limit: float, n_samples: int) -> tuple:
    """Shared run settings (epochs, start) and up to ``MAX_RUNS`` runs."""
    st.subheader("Optimizers")
    epochs = st.slider(
        "Epochs",
        1,
        200,
        DEFAULTS.epochs,
        key="epochs",
        help="Passes over the data. Full-batch GD takes one step per epoch; batch B takes ⌈N/B⌉.",
    )
    c1, c2 = st.columns(2)
    w0a = c1.number_input("Start w₀ (1st)", -20.0, 20.0, DEFAULTS.w0[0], 0.5, key="w0a")
    w0b = c2.number_input("Start w₀ (2nd)", -20.0, 20.0, DEFAULTS.w0[1], 0.5, key="w0b")
    n_runs = st.segmented_control(
        "Runs to compare",
        list(range(1, MAX_RUNS + 1)),
        default=len(DEFAULTS.runs),
        key="nruns",
        help="Up to four optimizers on the same data, each in its own colour.",
    )
    n_runs = int(n_runs or 1)  # a segmented control can be cleared: keep one run
    runs = []
    for i in range(1, n_runs + 1):
        with st.expander(f"Run {i}", expanded=i == 1):
            runs.append(render_run_controls(i, stability_limit, n_samples))
    return int(epochs), (float(w0a), float(w0b)), tuple(runs)
