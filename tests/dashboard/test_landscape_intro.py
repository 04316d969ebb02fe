"""The Landscape's first sentence is true for the plane drawn: a bowl, or a flat valley and where it lies."""

from __future__ import annotations

from conftest import open_app


def _intro(at) -> str:
    return next(m.value for m in at.main.markdown if m.value.startswith("**The loss L(w)"))


def test_a_full_rank_problem_is_one_bowl():
    assert _intro(open_app()).endswith("one bowl, one minimum.")


def test_a_flat_valley_is_said_to_cross_the_plane_only_when_it_does():
    assert "runs across this plane" in _intro(open_app(dup="true"))  # K = 2: the plane is the whole space
    wide = {"n": "10", "k": "20", "w0a": "0", "w0b": "0"}
    assert "lies outside this plane" in _intro(open_app(**wide))  # a coordinate slice: a closed bowl
    assert "runs across this plane" in _intro(open_app(**wide, slice="eigen"))
