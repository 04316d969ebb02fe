"""Bounded caches over ``dashboard.lab``: each result is computed once per setting.

``st.cache_resource`` hands every session the same object, without the copy
``st.cache_data`` makes on each hit (a copy of X at N = 1e5 costs more than the
whole rerun budget). That is safe only because nothing downstream mutates a
result: the arrays are frozen read-only here, so a mistake raises instead of
corrupting another user's picture.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from . import lab
from .settings import DataSettings, LabSettings, RunSettings


def _freeze(obj):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            _freeze(value)
    return obj


@st.cache_resource(max_entries=8, ttl=3600, show_spinner=False)
def get_problem(data: DataSettings) -> lab.Problem:
    """Data, quadratic form, closed-form solution and theory for ``data``."""
    return _freeze(lab.build_problem(data))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def get_run(data: DataSettings, run: RunSettings, epochs: int, w0: tuple[float, float]):
    """The trajectory of one optimizer run (keyed only on what it depends on)."""
    settings = LabSettings(data=data, runs=(run,), epochs=epochs, w0=w0)
    return _freeze(lab.run_one(get_problem(data), run, settings))


def get_runs(settings: LabSettings) -> list:
    return [get_run(settings.data, run, settings.epochs, settings.w0) for run in settings.runs]
