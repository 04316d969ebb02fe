"""The sidebar: read the controls, return ``LabSettings``. No computation here.

Each control is a spec (``dashboard.specs``) whose short key is also its URL
parameter. A lesson link may hide controls: a hidden control is not drawn and
takes its value from the link (or its default) instead.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core import DATASETS, UPDATE_RULES, TableError, effective_batch_size, numeric_columns

from . import compute, lab, urlstate
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
    rule_knobs,
)
from .specs import Choice, Flag, Number, Spec, Text

DEFAULTS = LabSettings()
_RUN_DEFAULT = RunSettings()

DATA_SPECS: dict[str, Spec] = {
    s.key: s
    for s in (
        Choice(
            "n", "N — samples", N_CHOICES, DEFAULTS.data.n_samples, "Rows of X: how many (x, y) examples."
        ),
        Number(
            "k",
            "K — features",
            1,
            K_MAX,
            DEFAULTS.data.n_features,
            1,
            "Columns of X. K = 2 shows the loss surface exactly; for K > 2 you see a slice.",
            integer=True,
        ),
        Number(
            "noise",
            "Noise σ",
            0.0,
            5.0,
            DEFAULTS.data.noise,
            0.05,
            "Standard deviation of the noise in y = Xw + noise. 0 gives an exact fit.",
        ),
        Choice(
            "kappa",
            "Condition number κ of the features",
            CONDITION_CHOICES,
            DEFAULTS.data.condition_number,
            "Elongation of the loss valley: 1 is a round bowl, large κ a narrow, correlated valley.",
        ),
        Flag(
            "icpt",
            "Fit an intercept",
            DEFAULTS.data.intercept,
            "Adds a column of ones to X; the true offset is 2.",
        ),
        Flag(
            "dup",
            "Duplicate a feature",
            DEFAULTS.data.collinear,
            "Make the last feature an exact copy of the first: X loses rank and XᵀX becomes singular.",
        ),
        Number(
            "seed",
            "Seed",
            0,
            2**31 - 1,
            DEFAULTS.data.seed,
            1,
            "Same seed, same data: share it with the room.",
            integer=True,
            widget="number_input",
        ),
    )
}

SOURCES = ("synthetic", *DATASETS, "upload")
SOURCE_SPECS: dict[str, Spec] = {
    s.key: s
    for s in (
        Choice(
            "src",
            "Data source",
            SOURCES,
            "synthetic",
            "Synthetic data with a known truth, a small real dataset, or your own CSV file.",
            widget="selectbox",
            fmt=str,
        ),
        Text("target", "Target column", "", "The column to predict (y)."),
        Text("feats", "Feature columns", "", "Up to five columns for X."),
        Flag(
            "std",
            "Standardize the features",
            True,
            "Subtract each feature's mean and divide by its spread: stretched, tilted ellipses become "
            "rounder. Switch it off to see the raw problem's conditioning.",
        ),
        Flag(
            "ricpt", "Fit an intercept", True, "Adds a column of ones to X (real data rarely pass through 0)."
        ),
        Flag("dropna", "Drop rows with missing values", False, "Otherwise a missing value is an error."),
    )
}
MAX_FEATURES = 5
DATA_SEEN = "_data_seen"  # (source, upload id) of the real data drawn last

SHARED_RUN_SPECS: dict[str, Spec] = {
    s.key: s
    for s in (
        Number(
            "epochs",
            "Epochs",
            1,
            200,
            DEFAULTS.epochs,
            1,
            "Passes over the data. Full-batch GD takes one step per epoch; batch B takes ⌈N/B⌉.",
            integer=True,
        ),
        Number(
            "w0a",
            "Start w₀ (1st)",
            -20.0,
            20.0,
            DEFAULTS.w0[0],
            0.5,
            "First coordinate of the start.",
            widget="number_input",
        ),
        Number(
            "w0b",
            "Start w₀ (2nd)",
            -20.0,
            20.0,
            DEFAULTS.w0[1],
            0.5,
            "Second coordinate of the start.",
            widget="number_input",
        ),
        Choice(
            "nruns",
            "Runs to compare",
            tuple(range(1, MAX_RUNS + 1)),
            len(DEFAULTS.runs),
            "Up to four optimizers on the same data, each in its own colour.",
            widget="segmented",
        ),
    )
}


def _batch_fmt(b) -> str:
    return "full" if b == "full" else str(b)


def run_specs(i: int) -> dict[str, Spec]:
    """The controls of run ``i`` (1-based); the first runs' defaults come from ``DEFAULTS``."""
    base = DEFAULTS.runs[i - 1] if i <= len(DEFAULTS.runs) else _RUN_DEFAULT
    p = f"r{i}_"
    specs = (
        Choice(
            p + "rule",
            "Update rule",
            RULES,
            base.rule,
            "SGD: w ← w − η∇L. Momentum/Nesterov add velocity; AdaGrad/RMSProp/Adam rescale coordinates.",
            widget="selectbox",
            fmt=str,
        ),
        Choice(
            p + "lr",
            "Learning rate η (log scale)",
            LEARNING_RATE_CHOICES,
            base.learning_rate,
            "Step size. Full-batch GD is stable only below 2/λₘₐₓ of XᵀX/N.",
        ),
        Choice(
            p + "batch",
            "Batch size (full = gradient descent)",
            BATCH_CHOICES,
            "full" if base.batch_size is None else base.batch_size,
            "Samples per gradient estimate: 1 is classic SGD, full batch is gradient descent.",
            fmt=_batch_fmt,
        ),
        Number(
            p + "mom",
            "Momentum β / Adam's β₁",
            0.0,
            0.99,
            base.momentum,
            0.01,
            "Fraction of the previous step carried into the next.",
        ),
        Choice(
            p + "b2",
            "β₂ / ρ (second-moment decay)",
            (0.9, 0.99, 0.999, 0.9999),
            base.beta2,
            "How long the running average of squared gradients remembers.",
        ),
        Choice(
            p + "sched",
            "Learning-rate schedule",
            SCHEDULES,
            base.schedule,
            "constant η; inverse-time η/(1+d·t); step: halve 4 times; cosine: to 0 at the end.",
            widget="selectbox",
            fmt=str,
        ),
        Choice(
            p + "decay",
            "Decay d",
            (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
            base.decay,
            "η_t = η / (1 + d·t).",
        ),
    )
    return {s.key: s for s in specs}


ALL_SPECS: dict[str, Spec] = {
    **SOURCE_SPECS,
    **DATA_SPECS,
    **SHARED_RUN_SPECS,
    **{k: s for i in range(1, MAX_RUNS + 1) for k, s in run_specs(i).items()},
}

# Groups a lesson link can hide, by the name the lecturer sees.
GROUPS: dict[str, tuple[str, ...]] = {
    "data": (*SOURCE_SPECS, *DATA_SPECS),
    "start and epochs": ("epochs", "w0a", "w0b"),
    "optimizers": ("nruns", *(k for i in range(1, MAX_RUNS + 1) for k in run_specs(i))),
}


def _new_sample() -> None:
    st.session_state["seed"] = int(st.session_state.get("seed", DEFAULTS.data.seed)) + 1


class Reader:
    """Draws a control, or, when the lesson hides it, returns its linked or default value."""

    def __init__(self, hidden: frozenset[str], linked: Callable[[Spec], object]):
        self.hidden, self.linked = hidden, linked

    def __call__(self, spec: Spec, container=st, **kwargs):
        if spec.key in self.hidden:
            return self.linked(spec)
        return spec.render(container, **kwargs)


def render_data_controls(read: Reader) -> DataSettings:
    s = DATA_SPECS
    if not read.hidden.issuperset(s):
        st.subheader("Data")
    source = read(SOURCE_SPECS["src"])
    if source != "synthetic":
        return render_real_data_controls(read, source)
    n = read(s["n"])
    k = read(s["k"])
    noise = read(s["noise"])
    kappa = read(s["kappa"])
    intercept = read(s["icpt"])
    collinear = read(s["dup"])
    if "seed" in read.hidden:
        seed = read(s["seed"])
    else:
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        seed = s["seed"].render(c1)
        c2.button("New sample", on_click=_new_sample, key="resample", help="Draw fresh data (seed + 1).")
    return DataSettings(
        int(n), int(k), float(noise), float(kappa), bool(intercept), int(seed), bool(collinear)
    )


def _upload(previous: str) -> str:
    """The id of the file in the uploader, or ``previous`` if none (or a bad one) is there."""
    file = st.file_uploader(
        "CSV file",
        type=["csv", "tsv", "txt"],
        key="upload_file",
        help="A table with a header row; comma, semicolon, tab or | separated; up to 5 MB.",
    )
    if file is None:
        return previous
    upload_id = compute.register_upload(file.getvalue())
    try:
        compute.get_table("upload", upload_id)
    except TableError as exc:
        st.error(f"{exc} The previous data stay loaded.", icon=":material/error:")
        return previous
    return upload_id


def _fresh_data(source: str, upload_id: str) -> bool:
    """True when another dataset or file replaced the one drawn before (not for the session's first).

    The first one may come with a link naming its target and features; a later one has
    other columns, and gets its own defaults.
    """
    identity = (source, upload_id)
    before = st.session_state.get(DATA_SEEN)
    st.session_state[DATA_SEEN] = identity
    return before is not None and before != identity


def render_real_data_controls(read: Reader, source: str) -> DataSettings:
    """Bundled dataset or upload: pick the target and up to five features."""
    upload_id = st.session_state.get("_upload_id", "")
    if source == "upload":
        upload_id = _upload(upload_id)
        st.session_state["_upload_id"] = upload_id
        if not upload_id:
            raise ValueError(
                "Choose a CSV file to upload (or another data source). A file uploaded before is kept "
                "only on the server that received it: after a reconnect, upload it again."
            )
    else:
        info = DATASETS[source]
        st.caption(f"{info.title}. {info.teaches} Source: {info.source} ({info.licence}).")
    table = compute.get_table(source, upload_id)
    for note in table.notes:
        st.caption(note)
    usable = numeric_columns(table)
    columns = list(usable.usable)
    for name, reason in usable.unusable.items():
        st.caption(f"Column ‘{lab.figure_label(name)}’ cannot be used: {reason}")
    if len(columns) < 2:
        raise ValueError("The table needs at least two numeric columns: a target and a feature.")
    info = DATASETS.get(source)
    fresh = _fresh_data(source, upload_id if source == "upload" else "")
    natural_target = info.target if info and info.target in columns else columns[-1]
    if fresh:
        st.session_state["target"] = natural_target
    target = read(
        Choice("target", "Target column (y)", tuple(columns), natural_target, "The column to predict.",
               widget="selectbox", fmt=str),
    )  # fmt: skip
    options = [c for c in columns if c != target]
    natural = [c for c in (info.features if info else options[:1]) if c in options][:MAX_FEATURES]
    linked = [c for c in urlstate.get_list("feats") if c in options][:MAX_FEATURES]
    if fresh:
        st.session_state["feats"] = linked = natural  # the link named the columns of another table
    if "feats" in read.hidden:
        features = linked or natural
    else:
        features = st.multiselect(
            "Feature columns (X)",
            options,
            default=linked or natural,
            max_selections=MAX_FEATURES,
            key="feats",
            help="Up to five columns; the fit is y ≈ Xw (+ b).",
        )
        # Not bound by Streamlit (it would write one parameter per column): kept in the link here.
        urlstate.put("feats", None if features == natural else ",".join(features))
    if not features:
        raise ValueError("Choose at least one feature column.")
    standardize = read(SOURCE_SPECS["std"])
    intercept = read(SOURCE_SPECS["ricpt"])
    drop = read(SOURCE_SPECS["dropna"])
    return DataSettings(
        n_samples=table.n_rows, n_features=len(features), intercept=bool(intercept), source=source,
        target=target, features=tuple(features), standardize=bool(standardize), drop_missing=bool(drop),
        upload_id=upload_id if source == "upload" else "",
    )  # fmt: skip


def render_run_controls(read: Reader, i: int, lambda_max: float, n_samples: int) -> RunSettings:
    """Run ``i``'s controls. ``lambda_max`` is the largest curvature of the data's loss (NaN: no data yet)."""
    s = run_specs(i)
    p = f"r{i}_"
    rule = read(s[p + "rule"])
    lr = read(s[p + "lr"])
    # Offer only batches smaller than the data: a larger one would be full batch again.
    batch_options = [b for b in BATCH_CHOICES if b == "full" or effective_batch_size(b, n_samples)]
    batch = (
        read(s[p + "batch"], options=batch_options)
        if p + "batch" not in read.hidden
        else read(s[p + "batch"])
    )
    # The limit depends on the momentum read below; its note still goes right under these sliders.
    note = st.empty() if p + "lr" not in read.hidden else None
    knobs = rule_knobs(rule)
    momentum = read(s[p + "mom"]) if "momentum" in knobs else s[p + "mom"].default
    beta2 = read(s[p + "b2"]) if "beta2" in knobs else s[p + "b2"].default
    schedule = read(s[p + "sched"])
    decay = read(s[p + "decay"]) if schedule == "inverse-time" else s[p + "decay"].default
    run = RunSettings(
        rule=rule,
        learning_rate=float(lr),
        # A linked batch as large as the data is the whole data.
        batch_size=effective_batch_size(None if batch == "full" else int(batch), n_samples),
        momentum=float(momentum),
        beta2=float(beta2),
        schedule=schedule,
        decay=float(decay),
    )
    if note is not None:
        _stability_note(note, run, lambda_max)
    return run


def _stability_note(slot, run: RunSettings, lambda_max: float) -> None:
    """Caption the rule's own full-batch stability limit on these data, or warn when η is above it."""
    if lambda_max != lambda_max:  # NaN: no usable data yet
        slot.caption("The stability limit appears once the data can be used.")
        return
    rule = UPDATE_RULES[run.rule]
    limit = rule.stability_limit(lambda_max, **run.hyperparameters)
    if limit is None:
        slot.caption(rule.no_limit_reason)
    elif run.learning_rate > limit:
        slot.warning(
            f"η = {run.learning_rate:g} is above the stability limit {rule.limit_formula} = {limit:.3g} of "
            f"full-batch {rule.title} on this data: expect divergence.",
            icon=":material/warning:",
        )
    else:
        slot.caption(f"Stability limit of {rule.title}: {rule.limit_formula} = {limit:.3g}")


def render_optimizer_controls(read: Reader, lambda_max: float, n_samples: int) -> tuple:
    """Shared run settings (epochs, start) and up to ``MAX_RUNS`` runs."""
    s = SHARED_RUN_SPECS
    if not read.hidden.issuperset(GROUPS["optimizers"]) or not read.hidden.issuperset(s):
        st.subheader("Optimizers")
    epochs = read(s["epochs"])
    if {"w0a", "w0b"} <= read.hidden:
        w0a, w0b = read(s["w0a"]), read(s["w0b"])
    else:
        c1, c2 = st.columns(2)
        w0a, w0b = read(s["w0a"], c1), read(s["w0b"], c2)
    n_runs = int(read(s["nruns"]))
    runs = []
    for i in range(1, n_runs + 1):
        if all(k in read.hidden for k in run_specs(i)):
            runs.append(render_run_controls(read, i, lambda_max, n_samples))
            continue
        with st.expander(f"Run {i}", expanded=i == 1):
            runs.append(render_run_controls(read, i, lambda_max, n_samples))
    return int(epochs), (float(w0a), float(w0b)), tuple(runs)
