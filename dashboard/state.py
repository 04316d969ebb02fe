"""One rerun's result, and the last good one kept in the session.

``compute_lab`` is the only place where widgets meet computation. Any bad
setting yields a message and the previous good result, so the room never
sees a blank page or a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass, field

import streamlit as st

from . import compute
from .controls import Reader, render_data_controls, render_optimizer_controls
from .lab import Problem
from .settings import DataSettings, LabSettings, check_caps

logger = logging.getLogger(__name__)
LAST_GOOD = "_last_good_lab"
CURRENT = "_current_lab"  # what the views draw in this rerun


@dataclass
class LabResult:
    settings: LabSettings
    problem: Problem
    runs: list
    errors: list[str] = field(default_factory=list)  # why this is not what the widgets say
    stale: bool = False  # True when showing the last good result instead


def _fallback(errors: list[str]) -> LabResult | None:
    """The last good result with the reasons it is shown; the defaults if nothing worked yet."""
    last = st.session_state.get(LAST_GOOD)
    if last is None:
        try:
            last = _computed(LabSettings())
        except ValueError:
            return None
    return LabResult(last.settings, last.problem, last.runs, errors, stale=True)


def _computed(settings: LabSettings) -> LabResult:
    problem = compute.get_problem(settings.data)
    return LabResult(settings, problem, compute.get_runs(settings))


def compute_lab(read: Reader) -> LabResult | None:
    """Render the sidebar, compute what it asks for, remember it if it worked."""
    result = _compute_lab(read)
    st.session_state[CURRENT] = result
    return result


def _compute_lab(read: Reader) -> LabResult | None:
    errors: list[str] = []
    try:
        data = render_data_controls(read)
    except ValueError as exc:  # a file or column choice that cannot be used yet
        data, errors = None, [str(exc)]
    problem = None
    if data is not None:
        errors = check_caps(LabSettings(data=data, runs=()))
    if data is not None and not errors:
        try:
            problem = compute.get_problem(data)
        except ValueError as exc:
            errors.append(f"These data cannot be used: {exc}")
    lambda_max = problem.theory.lambda_max if problem is not None else float("nan")
    n_samples = data.n_samples if data is not None else DataSettings().n_samples
    if problem is not None:
        for note in problem.notes:
            st.caption(note)
    epochs, w0, runs = render_optimizer_controls(read, lambda_max, n_samples)
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


@contextlib.contextmanager
def guarded(view: str):
    """Last line of defence: a bug in a view becomes a message, never a traceback on the projector.

    The traceback goes to the server log. Tests set LSQ_LAB_STRICT=1 so such bugs fail them instead.
    """
    try:
        yield
    except Exception:
        if os.environ.get("LSQ_LAB_STRICT") == "1":
            raise
        logger.exception("view %s failed", view)
        st.error(
            f"Something went wrong drawing the {view} view with these settings (details are in the "
            "server log). Change a setting or pick another view; the rest of the app still works.",
            icon=":material/bug_report:",
        )


def current() -> LabResult:
    """The result the views draw (set by ``compute_lab`` earlier in this rerun)."""
    return st.session_state.get(CURRENT)
