"""One session's rerun at a time in this process, the others waiting their turn.

Python runs one thread at a time (the GIL), so the reruns of many sessions do not run in
parallel: interleaved, each takes as long as all of them together, and their threads hand
the GIL back and forth with Streamlit's event loop so often that a saturated process kept
only ~0.75 of a core busy. Taken in turn, each rerun finishes at its own speed and the
process does ~50 % more of them per second (bench/bench_lecture_hall.py, 120 students on
one process: 15.5 → 26 moves answered per second, p95 4.9 s → 1.2 s). Parallelism
across cores comes from several processes (``python3 -m dashboard.serve``), not threads.

A fragment's rerun (the Landscape's chart alone) does not wait: it is short, and waiting
inside the full rerun that runs it would deadlock a plain lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_TURN = threading.Lock()


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Hold this process's turn for the body of a rerun; released however the rerun ends.

    Streamlit stops a superseded rerun by raising inside it, which leaves through here too.
    """
    with _TURN:
        yield
