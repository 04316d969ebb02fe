"""Bounded caches over ``dashboard.lab``: each result is computed once per setting.

Every session gets the same object, without the copy ``st.cache_data`` makes on each
hit (a copy of X at N = 1e5 costs more than the whole rerun budget). That is safe only
because nothing downstream mutates a result: the arrays are frozen read-only here, so a
mistake raises instead of corrupting another user's picture.

The problem and the runs are keyed by their settings, frozen dataclasses that hash in a
microsecond: ``shared`` keeps them (``st.cache_resource`` would hash every argument's
fields with its own hasher, ~1.5 ms per call, three calls per rerun).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import threading
from collections import OrderedDict

import numpy as np
import streamlit as st

from core import SGD, Table, augmented_gram, load_dataset, read_csv_table, run_optimizer

from . import lab
from .settings import DataSettings, LabSettings, RunSettings

MAX_UPLOADS = 16  # files kept in memory, across all sessions (each at most server.maxUploadSize)
MAX_UPLOAD_BYTES = 5_000_000  # matches server.maxUploadSize = 5 in .streamlit/config.toml
_UPLOADS: OrderedDict[str, bytes] = OrderedDict()


def warm_up() -> None:
    """Load every compiled kernel (numba's disk cache), so that no timed solve pays for it.

    Called once per process by the app at start-up (not on import: tests and tools that
    import this module do not pay for it).
    """
    rng = np.random.default_rng(0)
    for n in (8, 2 * 16_384):  # the serial and the parallel Gram kernels
        X, y = rng.standard_normal((n, 2)), rng.standard_normal(n)
        augmented_gram(X, y)
    X, y = rng.standard_normal((8, 2)), rng.standard_normal(8)
    for optimizer, batch in ((SGD(0.01), None), (SGD(0.01), 1), (SGD(0.01, momentum=0.5), 2)):
        run_optimizer(X, y, optimizer, batch_size=batch, epochs=1)


def _freeze(obj):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            _freeze(value)
    return obj


def register_upload(content: bytes) -> str:
    """Keep an uploaded file's bytes under their hash (bounded, oldest dropped) and return the hash."""
    upload_id = hashlib.sha256(content).hexdigest()[:16]
    _UPLOADS[upload_id] = content
    _UPLOADS.move_to_end(upload_id)
    while len(_UPLOADS) > MAX_UPLOADS:
        _UPLOADS.popitem(last=False)
    return upload_id


@st.cache_resource(max_entries=MAX_UPLOADS, ttl=3600, show_spinner=False)
def get_table(source: str, upload_id: str = "") -> Table:
    """A bundled dataset, or an uploaded file read and checked (core.read_csv_table)."""
    if source != "upload":
        return load_dataset(source)
    if upload_id not in _UPLOADS:
        raise ValueError("The uploaded file is no longer on the server; please upload it again.")
    return read_csv_table(_UPLOADS[upload_id], max_bytes=MAX_UPLOAD_BYTES)


def shared(max_entries: int):
    """Keep a function's results for its (hashable) arguments across sessions, the newest ``max_entries``.

    One computation per key at a time: a class of students asking for the same setting at
    once waits for one result instead of computing it twenty times.
    """

    def decorate(func):
        results: OrderedDict = OrderedDict()
        locks: dict = {}
        guard = threading.Lock()

        @functools.wraps(func)
        def cached(*args):
            with guard:
                if args in results:
                    results.move_to_end(args)
                    return results[args]
                lock = locks.setdefault(args, threading.Lock())
            with lock:
                with guard:
                    if args in results:
                        return results[args]
                value = func(*args)
                with guard:
                    results[args] = value
                    while len(results) > max_entries:
                        results.popitem(last=False)
                    locks.pop(args, None)
            return value

        cached.clear = lambda: results.clear()
        return cached

    return decorate


@shared(max_entries=8)
def get_problem(data: DataSettings) -> lab.Problem:
    """Data, quadratic form, closed-form solution and theory for ``data``."""
    table = None if data.synthetic else get_table(data.source, data.upload_id)
    return _freeze(lab.build_problem(data, table))


# A run at MAX_STEPS keeps ~24 MB (per-step diagnostics + a thinned path): 16 entries, ≤ ~400 MB.
@shared(max_entries=16)
def get_run(data: DataSettings, run: RunSettings, epochs: int, w0: tuple[float, float]):
    """The trajectory of one optimizer run (keyed only on what it depends on)."""
    settings = LabSettings(data=data, runs=(run,), epochs=epochs, w0=w0)
    return _freeze(lab.run_one(get_problem(data), run, settings))


def get_runs(settings: LabSettings) -> list:
    return [get_run(settings.data, run, settings.epochs, settings.w0) for run in settings.runs]
