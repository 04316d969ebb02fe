"""Take the lesson home: data and paths as CSV, settings as JSON (and back again).

Figures export as PNG from each chart's own toolbar (the camera icon). CSV text
goes through ``core.to_safe_csv``, so a cell from an uploaded file can never
come back out as a spreadsheet formula.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from core import to_safe_csv

from . import urlstate
from .lecture import PRESENTATION_SPECS
from .state import LabResult

SETTINGS_FORMAT = "lsq-lab settings v1"
MAX_SETTINGS_BYTES = 100_000


def data_frame(result: LabResult) -> pd.DataFrame:
    """The design matrix and target, one column per parameter (the intercept's ones included)."""
    problem = result.problem
    frame = pd.DataFrame(np.asarray(problem.X), columns=list(problem.param_names))
    frame["y"] = problem.y
    return frame


def trajectories_frame(result: LabResult) -> pd.DataFrame:
    """Every recorded iterate of every run, long format: run, step, loss, w..."""
    names = list(result.problem.param_names)
    parts = []
    for i, (run, t) in enumerate(zip(result.settings.runs, result.runs, strict=True), start=1):
        part = pd.DataFrame(np.asarray(t.weights), columns=names)
        part.insert(0, "loss", np.asarray(t.loss))
        part.insert(0, "step", np.asarray(t.steps))
        part.insert(0, "run", f"Run {i}: {run.label}")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def settings_json(view: str) -> str:
    """The current settings, as the URL parameters that reproduce them."""
    return json.dumps(
        {"format": SETTINGS_FORMAT, "params": urlstate.share_params(view=view)},
        indent=2,
        ensure_ascii=False,
    )


def load_settings(content: bytes) -> list[str]:
    """Apply a settings file (a callback). Returns the problems found; good fields still apply."""
    if len(content) > MAX_SETTINGS_BYTES:
        return [f"The settings file is larger than {MAX_SETTINGS_BYTES // 1000} KB; it cannot be ours."]
    try:
        payload = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"The settings file is not valid JSON ({exc}). Export it again from the app."]
    if not isinstance(payload, dict) or payload.get("format") != SETTINGS_FORMAT:
        return [
            "This JSON file is not an lsq-lab settings file (its 'format' field is missing or different)."
        ]
    params = payload.get("params")
    if not isinstance(params, dict):
        return ["The settings file has no 'params' table."]
    problems = []
    specs = urlstate.link_specs()
    # A settings file describes the whole state (the projector's type size excepted).
    values = {key: spec.default for key, spec in specs.items() if key not in PRESENTATION_SPECS}
    for key, raw in params.items():
        spec = specs.get(key)
        if spec is None:
            if key not in (urlstate.PRESET, urlstate.LESSON, urlstate.HIDE):
                problems.append(f"Ignored the unknown setting '{key}'.")
            continue
        try:
            values[key] = spec.parse(str(raw))
        except ValueError as exc:
            problems.append(f"{exc}; kept the default.")
    st.session_state.pop(urlstate.LINKED, None)
    urlstate.set_controls(values)
    return problems


def render_export_panel(result: LabResult | None, view: str) -> None:
    box = st.expander("Export and import", key="export_open", on_change="rerun")  # built only while open
    with box:
        if not box.open:
            return
        if result is not None:
            # Callables: the CSV is built only when someone clicks, never on a slider's rerun.
            st.download_button(
                "Data (CSV)",
                lambda: to_safe_csv(data_frame(result)).encode("utf-8-sig"),
                "lsq-lab-data.csv",
                "text/csv",
                key="dl_data",
                use_container_width=True,
            )
            st.download_button(
                "Optimizer paths (CSV)",
                lambda: to_safe_csv(trajectories_frame(result)).encode("utf-8-sig"),
                "lsq-lab-paths.csv",
                "text/csv",
                key="dl_paths",
                use_container_width=True,
            )
        settings = settings_json(view).encode("utf-8")  # small; built now, served only on a click
        st.download_button(
            "Settings (JSON)",
            lambda: settings,
            "lsq-lab-settings.json",
            "application/json",
            key="dl_settings",
            use_container_width=True,
        )
        st.file_uploader(
            "Load settings (JSON)",
            type=["json"],
            key="settings_file",
            on_change=_on_settings_file,
            help="A settings file exported here; it sets every control.",
        )
        st.caption("Figures: the camera icon in each chart's toolbar saves it as PNG.")
        for text in st.session_state.get("_settings_problems", []):
            st.warning(text, icon=":material/warning:")


def _on_settings_file() -> None:
    file = st.session_state.get("settings_file")
    st.session_state["_settings_problems"] = [] if file is None else load_settings(file.getvalue())
