"""Words a student reads in the views Minibatches, Generalization, Cost, Minima, Geometry and Spectrum:
no internal names, no unrendered markup, for the default data, K > N, collinear features, an intercept,
more than two features and a real dataset. Covers the page's text, the widgets' labels and tooltips, the
metrics, and the charts' titles, axis titles, legends and notes."""

from __future__ import annotations

import re

import pytest
from conftest import figures, open_app

CASES = {
    "default": {},
    "K > N": {"n": "5", "k": "8"},
    "collinear": {"dup": "true"},
    "intercept": {"icpt": "true", "k": "1"},
    "K = 3": {"k": "3"},
    "longley": {"src": "longley"},
}
DATA_VIEWS = ("Minibatches", "Minima", "Geometry", "Spectrum")  # the views that draw the sidebar's data
OWN_DATA_VIEWS = ("Generalization", "Cost")  # their own experiments: one case is enough

# Code, not words: a module path, a function call, a keyword argument, numpy's spelling of special values.
INTERNAL = re.compile(
    r"\b(core|dashboard|np|numpy|st)\.\w|\b[a-z]+_[a-z_]+\(|\b[a-z_]+=\"|run_optimizer|to_eigenbasis"
    r"|\bnan\b|\bNaN\b|\binf\b|\bNone\b"
)
# Markup that would reach the screen as typed: TeX outside $…$, ASCII subscripts (w_t, λ_max), HTML tags.
MARKUP = re.compile(r"_\{|\^\{|\\[a-zA-Z]+|(?<![\w*])[A-Za-zα-ωΣ]_[A-Za-z0-9]|</?(sub|sup|br|b|i)>|\$")
PLOTLY_TAGS = re.compile(r"</?(sub|sup|br|b|i)>")  # plotly renders these in titles, legends and notes


def _without_math(text: str) -> str:
    """Markdown with its $…$ (LaTeX, rendered by the page) taken out; an unpaired $ is left in."""
    return re.sub(r"\$[^$]+\$", " ", text)


def page_words(at) -> list[tuple[str, str]]:
    """(where, text) for every piece of text the view shows, or shows on hover of a ⓘ (not the sidebar's)."""
    main = at.main
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title"):
        out += [(kind, e.value) for e in getattr(main, kind)]
    for m in main.metric:
        out += [("metric label", m.label), ("metric value", m.value), ("metric help", m.help or "")]
    for kind in ("slider", "select_slider", "number_input", "toggle", "selectbox", "button", "checkbox"):
        for w in getattr(main, kind):
            out += [(f"{kind} label", w.label), (f"{kind} help", getattr(w, "help", None) or "")]
    return [(k, t) for k, t in out if t]


def chart_words(at) -> list[tuple[str, str]]:
    out = []
    for fig in figures(at):
        layout = fig["layout"]
        out.append(("chart title", layout.get("title", {}).get("text", "")))
        for key, axis in layout.items():
            if key.startswith(("xaxis", "yaxis")):
                out.append((f"chart {key}", axis.get("title", {}).get("text", "")))
        for note in layout.get("annotations", []):
            out.append(("chart note", note.get("text", "")))
        for trace in fig["data"]:
            if trace.get("showlegend", True) and trace.get("name"):
                out.append(("chart legend", trace["name"]))
    return [(k, PLOTLY_TAGS.sub(" ", t)) for k, t in out if t]


def _check(at, where: str) -> None:
    bad = []
    for kind, text in page_words(at):
        shown = _without_math(text)
        for pattern, what in ((INTERNAL, "internal name"), (MARKUP, "unrendered markup")):
            hit = pattern.search(shown)
            if hit:
                bad.append(f"{where} · {kind}: {what} {hit.group(0)!r} in {text[:160]!r}")
    for kind, text in chart_words(at):
        for pattern, what in ((INTERNAL, "internal name"), (MARKUP, "unrendered markup")):
            hit = pattern.search(text)
            if hit:
                bad.append(f"{where} · {kind}: {what} {hit.group(0)!r} in {text[:160]!r}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("view", DATA_VIEWS)
def test_the_views_speak_to_students(view, case):
    at = open_app(view=view, **CASES[case])
    assert not at.error, [e.value for e in at.error]
    _check(at, f"{view}, {case}")


@pytest.mark.parametrize("view", OWN_DATA_VIEWS)
def test_the_experiment_views_speak_to_students(view):
    at = open_app(view=view)
    _check(at, view)
    if view == "Cost":  # and once measured (small sizes, so that the test stays short)
        at.select_slider(key="cost_nmax").set_value(2_000)
        at.select_slider(key="cost_kmax").set_value(20)
        at.button(key="cost_measure").click().run()
        assert not at.exception and not at.error
        assert figures(at)
        _check(at, "Cost, measured")


def test_the_scan_finds_what_it_looks_for():
    for text in (
        "η_t",
        "Σ_{i∈B}",
        "core.to_eigenbasis",
        'method="svd"',
        "λ_max",
        "ŷ<sub>t</sub>",
        "run_optimizer",
    ):
        assert INTERNAL.search(_without_math(text)) or MARKUP.search(_without_math(text)), text
    for text in ("$\\hat w_B$ and $\\lambda_{\\max}$", "w* (closed form)", "K = 3, N = 5", "1 − ηλ = 0.463"):
        assert not INTERNAL.search(_without_math(text)) and not MARKUP.search(_without_math(text)), text
