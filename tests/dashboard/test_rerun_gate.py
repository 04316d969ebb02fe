"""The process's rerun gate: one rerun at a time, released however a rerun ends."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard import rerun_gate


def test_a_rerun_that_raises_gives_its_turn_back():
    with pytest.raises(RuntimeError), rerun_gate.one_at_a_time():
        raise RuntimeError("Streamlit stops a superseded rerun by raising inside it")
    with rerun_gate.one_at_a_time():
        pass  # the next rerun gets its turn


def test_a_second_rerun_waits_for_the_first():
    order = []

    def second():
        with rerun_gate.one_at_a_time():
            order.append("second")

    with rerun_gate.one_at_a_time():
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)  # time enough for the second to reach the gate
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
