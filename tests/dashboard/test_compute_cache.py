"""compute.shared: results kept across sessions, bounded, computed once per key even when asked at once."""

from __future__ import annotations

import threading
import time

from dashboard.compute import shared


def test_a_key_is_computed_once_even_when_many_ask_at_once():
    calls = []

    @shared(max_entries=4)
    def slow(x):
        calls.append(x)
        time.sleep(0.05)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(1))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and len({id(r) for r in results}) == 1


def test_only_the_newest_entries_are_kept():
    @shared(max_entries=2)
    def f(x):
        return [x]

    first = f(1)
    f(2)
    assert f(1) is first  # still kept, and now the newest
    f(3)  # drops 2, the oldest
    assert f(1) is first
    again = f(2)
    assert again == [2] and again is not f(3) and f(2) is again
