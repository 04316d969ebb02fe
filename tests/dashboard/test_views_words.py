"""The words of the Convergence, Closed form, Fit and Math views: for students, and true for the data.

Every view is opened on the data that break careless sentences (one feature, an intercept,
collinear features, more parameters than samples, real data beyond double precision) and all
the text it shows is scanned: markdown, captions, messages, metric labels and help, equations,
the table, and the charts' titles, axis titles, legends and notes. Internal names (a function,
a module, a keyword argument) and markup shown as text fail; so does a κ that does not say
which one it is. The numbers in the sentences are checked against numpy.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import figures, open_app

from dashboard import lab
from dashboard.settings import DataSettings

VIEWS = ("Convergence", "Closed form", "Fit", "Math")
CASES = {
    "defaults": {},
    "K=1": {"k": "1"},
    "K=1 intercept": {"k": "1", "icpt": "true"},
    "intercept": {"icpt": "true"},
    "K=5": {"k": "5"},
    "collinear": {"dup": "true"},
    "N<K": {"n": "5", "k": "10"},
    "real data, raw": {"src": "longley", "std": "false"},
    "real data": {"src": "stackloss"},
    "no GD run": {"r1_batch": "10"},
}
# What a student must never read: code, not words.
INTERNAL = re.compile(
    r"run_optimizer|solve_least_squares|to_eigenbasis|\bcore\.|dashboard\.|method\s*=|\b[a-z]{2,}_[a-z]{2,}|"
    r"\bsvd\b|\bnormal\b\)|None\b|\bnan\b|Traceback"
)
# Markup that only renders inside LaTeX (or plotly's own tags) when it reaches plain text.
RAW = re.compile(r"_\{|\^\{|\\[a-zA-Z]+|\b[wη]_t\b|_max\b|_min\b|<sub>|</?b>|<br>|\*\*")
MATH = re.compile(r"\$[^$]*\$")  # inline LaTeX in markdown


def _plain(markdown: str) -> str:
    """Text as the reader sees it outside LaTeX (bold markers removed: they render)."""
    assert markdown.count("$") % 2 == 0, f"unbalanced $ in: {markdown}"
    return MATH.sub(" ", markdown).replace("**", "")


def _latex_parts(markdown: str) -> list[str]:
    return [m[1:-1] for m in MATH.findall(markdown)]


def _balanced(tex: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def page_words(at) -> tuple[list[str], list[str], list[str]]:
    """(markdown texts, LaTeX equations, chart texts) of the page's main area."""
    markdown = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success")
                for e in getattr(at.main, kind)]  # fmt: skip
    for metric in at.main.metric:
        markdown += [metric.label, str(metric.value), metric.proto.help or ""]
    for table in at.main.table:
        frame = table.value
        markdown += list(frame.columns) + [str(v) for v in frame["method"]]
    latex = [e.value.strip("$\n ") for e in at.main.latex]
    charts = []
    for fig in figures(at):
        layout = fig["layout"]
        charts.append(layout.get("title", {}).get("text", ""))
        for key, axis in layout.items():
            if key.startswith(("xaxis", "yaxis")):
                charts.append(axis.get("title", {}).get("text", ""))
        for axis in ("xaxis", "yaxis", "zaxis"):
            charts.append(layout.get("scene", {}).get(axis, {}).get("title", {}).get("text", ""))
        charts += [note.get("text", "") for note in layout.get("annotations", [])]
        charts += [trace.get("name", "") for trace in fig["data"]]
    return markdown, latex, charts


def _open(view: str, case: str):
    return open_app(view=view, **CASES[case])


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("view", VIEWS)
def test_words_are_for_students_and_math_is_rendered(view, case):
    at = _open(view, case)
    markdown, latex, charts = page_words(at)
    assert markdown, "the view says nothing"
    for text in markdown:
        plain = _plain(text)
        assert not INTERNAL.search(plain), (view, case, INTERNAL.search(plain).group(), text)
        assert not RAW.search(plain), (view, case, RAW.search(plain).group(), text)
        for tex in _latex_parts(text):
            assert _balanced(tex), (view, case, tex)
        # A κ in words says which one: κ(X), κ(XᵀX), the sidebar's κ slider, or a condition number κ(…).
        for match in re.finditer("κ", plain):
            around = plain[max(0, match.start() - 20) : match.end() + 8]
            assert re.search(r"κ\(|κ slider|condition number κ", around), (view, case, around)
    for tex in latex:
        assert _balanced(tex), (view, case, tex)
        assert not INTERNAL.search(tex), (view, case, tex)
    for text in charts:  # plotly renders <sub>/<b>/<br>, but no LaTeX
        assert not re.search(r"_\{|\^\{|\\[a-zA-Z]|\$|\b[wη]_t\b", text), (view, case, text)
        assert not INTERNAL.search(text), (view, case, text)
    # A bare κ in a formula is defined on the same page as λ_max/λ_min of the Hessian.
    all_tex = " ".join(latex + [t for m in markdown for t in _latex_parts(m)])
    if re.search(r"\\kappa\s*[-+}]|\\sqrt\{\\kappa\}", all_tex):
        assert r"\kappa = \lambda_{\max}/\lambda_{\min}" in all_tex, (view, case)


def _x(problem) -> np.ndarray:
    return problem.X


def test_closed_form_names_each_kappa_with_this_datas_numbers():
    at = _open("Closed form", "defaults")
    problem = lab.build_problem(DataSettings())
    kappa = np.linalg.cond(problem.X)
    labels = {m.label: m.value for m in at.metric}
    assert float(labels["condition number κ(X)"]) == pytest.approx(kappa, rel=5e-4)
    assert float(labels["κ(XᵀX) = κ(X)²"]) == pytest.approx(kappa**2, rel=5e-4)
    (note,) = [c.value for c in at.caption if "slider" in c.value]
    assert "The sidebar's κ slider (10) is the condition number of the covariance" in note
    assert rf"$\kappa(X^\top X) = {kappa**2:.3g}$ approaches it" in note


def test_one_feature_says_the_slider_does_nothing():
    notes = " ".join(c.value for c in _open("Closed form", "K=1").caption)
    assert r"nothing is ill-conditioned: $\kappa(X) = 1$" in notes
    notes = " ".join(c.value for c in _open("Closed form", "K=1 intercept").caption)
    assert "κ slider has no effect" in notes and "approaches 1 as $N$ grows" in notes


def test_collinear_data_say_where_the_runs_end_and_why():
    at = _open("Closed form", "collinear")
    problem = lab.build_problem(DataSettings(collinear=True))
    (error,) = [e.value for e in at.error]
    assert "no unique solution" in error and "collinear" in error and "rank 1 < 2" in error
    # The runs keep w₀'s part along the valley floor: its length, from numpy's own null space.
    _, s, vt = np.linalg.svd(problem.X)
    null = vt[np.sum(s > s[0] * 1e-10) :]
    stuck = np.linalg.norm(null @ np.array([-2.0, 2.0]))
    (note,) = [c.value for c in at.caption if "valley floor" in c.value]
    assert rf"\|P_{{\operatorname{{null}}}}\, w_0\| = {stuck:.3g}$" in note
    table = at.table[0].value
    gd = table["distance to w*"].iloc[1]
    assert gd >= stuck - 1e-9  # at least that far, as the note says
    assert table["loss L(w)"].iloc[1] == pytest.approx(table["loss L(w)"].iloc[0], rel=1e-3)


def test_refused_normal_equations_on_full_rank_data_say_so():
    at = _open("Closed form", "real data, raw")
    (error,) = [e.value for e in at.error]
    assert "no unique solution in double precision" in error and "full rank 6" in error
    labels = {m.label: m.value for m in at.metric}
    assert labels["rank of X"] == "6 / 6"  # unique minimizer: the words must not speak of a valley
    assert "Infinitely many" not in error and not [c for c in at.caption if "valley floor" in c.value]
    math = _open("Math", "real data, raw")
    text = " ".join(m.value for m in math.markdown)
    assert "exists, but not in double precision" in text and "Rank 6 < 6" not in text
    assert "what a linear model in these columns misses" in text  # real data: no "noise" to blame


def test_convergence_names_the_run_its_theory_describes():
    at = _open("Convergence", "defaults")
    (chart,) = [f for f in figures(at) if f["layout"]["title"]["text"].startswith("Loss gap")]
    names = {t["name"] for t in chart["data"]}
    assert {"theory for Run 1: bound", "theory for Run 1: exact"} <= names
    assert any("theory for Run 1" in m.value for m in at.markdown)
    problem = lab.build_problem(DataSettings())
    lam = np.linalg.eigvalsh(problem.X.T @ problem.X / problem.X.shape[0])
    (caption,) = [c.value for c in at.caption if "eigenvalues" in c.value]
    assert (
        rf"\lambda_{{\max}} = {lam[-1]:.4g}$" in caption and rf"\lambda_{{\min}} = {lam[0]:.4g}$" in caption
    )
    assert rf"\kappa(X^\top X) = {lam[-1] / lam[0]:.4g}$" in caption

    none = _open("Convergence", "no GD run")
    assert any("No run is plain full-batch gradient descent" in m.value for m in none.markdown)
    (chart,) = figures(none)[:1]
    assert not [t for t in chart["data"] if "theory" in t.get("name", "")]


def test_convergence_against_epochs_matches_each_runs_passes():
    at = open_app(view="Convergence", conv_x="epochs")
    (chart,) = figures(at)[:1]
    assert chart["layout"]["xaxis2"]["title"]["text"] == "epochs (passes over the data)"
    ends = {t["name"]: t["x"][-1] for t in chart["data"] if t.get("name", "").startswith("Run ")}
    # 30 epochs: full batch takes 30 steps, batch 10 of N = 200 takes 600; both end at 30 passes.
    assert ends["Run 1: GD η=0.3, full batch"] == pytest.approx(30)
    assert ends["Run 2: SGD η=0.05, batch 10"] == pytest.approx(30)


def test_fit_says_how_to_read_it_for_each_shape():
    assert any("wire grid" in c.value for c in _open("Fit", "defaults").caption)
    assert any("each line is a fit" in c.value for c in _open("Fit", "K=1").caption)
    assert any("With 5 features no picture" in c.value for c in _open("Fit", "K=5").caption)
    real = _open("Fit", "real data")
    assert any("nobody knows the true coefficients" in c.value for c in real.caption)
    assert not any(t["name"] == "true" for f in figures(real) for t in f["data"] if "name" in t)


def test_the_scoreboard_shows_a_long_vector_by_its_first_coefficients():
    at = open_app(view="Closed form", k="20")
    problem = lab.build_problem(DataSettings(n_features=20))
    cell = at.table[0].value["coefficients"].iloc[0]
    assert cell.endswith(", … (20 in all)]")
    shown = [float(v) for v in cell.strip("[]").split(", … ")[0].split(",")]
    reference = np.linalg.lstsq(problem.X, problem.y, rcond=None)[0]
    np.testing.assert_allclose(shown, reference[:8], rtol=5e-4)


def test_fit_says_when_the_coefficients_cannot_be_recovered():
    note = " ".join(c.value for c in _open("Fit", "collinear").caption)
    assert "X has rank 1 < 2: many coefficient vectors fit these data equally well" in note
    assert "rank" not in " ".join(c.value for c in _open("Fit", "defaults").caption)
