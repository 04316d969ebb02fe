"""One rerun's result, and the last good one kept in the session.

``compute_lab`` is the only place where widgets meet computation. Any bad
setting yields a message and the previous good result, so the room never
sees a blank page or a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from . import compute
from .controls import Reader, render_data_controls, render_optimizer_controls
from .lab import Problem
from .settings import LabSettings, check_caps

LAST_GOOD = "_last_good_lab"


@dataclass
class LabResult:
    settings: LabSettings
    problem: Problem
    runs: list
    errors: list[str] = field(default_factory=list)  # why this is not what the widgets say
    stale: bool = False  # True when showing the last good result instead


def _fallback(errors: list[str]) -> LabResult | None:
    last = st.session_state.get(LAST_GOOD)
    if last is None:
        return None
    return LabResult(last.settings, last.problem, last.runs, errors, stale=True)


def _computed(settings: LabSettings) -> LabResult:
    problem = compute.get_problem(settings.data)
    return LabResult(settings, problem, compute.get_runs(settings))


def compute_lab(read: Reader) -> LabResult | None:
    """Render the sidebar, compute what it asks for, remember it if it worked."""
    data = render_data_controls(read)
    errors = check_caps(LabSettings(data=data, runs=()))
    problem = None
    if not errors:
        try:
            problem = compute.get_problem(data)
        except ValueError as exc:
            errors.append(f"These data settings cannot be used: {exc}")
    limit = problem.theory.critical_learning_rate if problem is not None else float("nan")
    epochs, w0, runs = render_optimizer_controls(read, limit, data.n_samples)
    if errors:
        return _fallback(errors)
    settings = LabSettings(data=data, runs=runs, epochs=epochs, w0=w0)
    errors = check_caps(settings)
    if errors:
        return _fallback(errors)
    try:
        result = _computed(settings)
    except ValueError as exc:
        return _fallback([f"An optimizer setting cannot be used: {exc}"])
    st.session_state[LAST_GOOD] = result
    return result


def show_problems(result: LabResult | None) -> None:
    """Say what went wrong, above whatever is still shown."""
    if result is None:
        st.error(
            "Nothing to show yet: the first settings could not be used. "
            "Reset them with the defaults (reload the page without parameters)."
        )
        st.stop()
    for text in result.errors:
        st.error(text, icon=":material/report:")
    if result.stale:
        st.info("Showing the last settings that worked; change the setting named above to continue.")


def current() -> LabResult:
    """The result the views draw (set by ``compute_lab`` earlier in this rerun)."""
    return st.session_state[LAST_GOOD] if LAST_GOOD in st.session_state else None
