"""The Math view: renders for every shape of problem, and every number it shows matches numpy."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import new_app

from dashboard import lab
from dashboard.settings import DataSettings
from dashboard.views import VIEWS
from dashboard.views.math import tex_matrix, tex_number

RTOL = 5e-4  # four significant digits are shown
EXACT = r"**$y$ lies in $\operatorname{col}(X)$**"
_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)(?:\s*\\times\s*10\^\{(-?\d+)\})?")


def parse_numbers(tex: str) -> list[float]:
    return [float(m) * 10.0 ** int(e or 0) for m, e in _NUMBER.findall(tex)]


def parse_matrix(tex: str) -> np.ndarray:
    """The first bmatrix in ``tex``, times the power of ten factored out in front of it, if any."""
    match = re.search(r"(?:10\^\{(-?\d+)\} \\times )?\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", tex)
    scale = 10.0 ** int(match.group(1) or 0)
    rows = match.group(2).split(r"\\")
    return scale * np.array([[parse_numbers(cell)[0] for cell in row.split("&")] for row in rows])


def parse_vector(tex: str) -> np.ndarray:
    return parse_matrix(tex).ravel()


def latex_starting(at, prefix: str) -> str:
    """The first equation that starts with ``prefix`` (inside a ``gathered`` block, if it is one)."""
    texts = [el.value.strip("$\n ").removeprefix(r"\begin{gathered}") for el in at.latex]
    hits = [tex for tex in texts if tex.startswith(prefix)]
    assert hits, f"no equation starting with {prefix!r}"
    return hits[0]


def value_after(tex: str, label: str) -> float:
    return parse_numbers(tex.split(label, 1)[1])[0]


CASES = {
    "defaults": {},
    "K=1": {"k": 1},
    "K=3": {"k": 3},
    "intercept": {"icpt": True},
    "N<K singular": {"n": 5, "k": 10},
    "collinear": {"dup": True},
    "large N": {"n": 100_000},
}
SETTINGS = {
    "defaults": DataSettings(),
    "K=1": DataSettings(n_features=1),
    "K=3": DataSettings(n_features=3),
    "intercept": DataSettings(intercept=True),
    "N<K singular": DataSettings(n_samples=5, n_features=10),
    "collinear": DataSettings(collinear=True),
    "large N": DataSettings(n_samples=100_000),
}


def test_math_view_is_registered_after_fit():
    names = list(VIEWS)
    assert names.index("Math") == names.index("Fit") + 1


def test_tex_number_round_trips():
    for v in (0.0, 1.0, -0.001234, 54.55, 12345.6, 2.5e-16, -3.3e7):
        assert parse_numbers(tex_number(v))[0] == pytest.approx(v, rel=RTOL, abs=0)
    np.testing.assert_allclose(
        parse_matrix(tex_matrix(np.array([[1.5, -2e-5], [3e6, 4]]))), [[1.5, -2e-5], [3e6, 4]], rtol=RTOL
    )
    # Entries that would each need ×10^e share one factored-out power of ten instead.
    small = np.array([[0.005078, 5.851e-4], [3.373e-4, 0.02569]])
    assert tex_matrix(small).startswith(r"10^{-2} \times \begin{bmatrix}0.5078 & 0.05851")
    np.testing.assert_allclose(parse_matrix(tex_matrix(small)), small, rtol=RTOL)
    assert tex_matrix(np.array([2.0, -0.5])) == r"\begin{bmatrix}2 \\ -0.5\end{bmatrix}"
    # A standardized column's sum is rounding noise next to N: written 0, not 4.663 × 10^{-15}.
    assert tex_matrix(np.array([[21.0, 4.663e-15], [4.663e-15, 21.0]])) == (
        r"\begin{bmatrix}21 & 0 \\ 0 & 21\end{bmatrix}"
    )
    assert tex_number(9999.7) == r"1.000 \times 10^{4}"  # rounds up past 4 digits: no raw 1e+04


@pytest.mark.parametrize("case", list(CASES))
def test_math_view_numbers_match_numpy(case):
    at = new_app(view="Math", **CASES[case])
    at.run()
    assert not at.exception, at.exception
    problem = lab.build_problem(SETTINGS[case])
    X, y = problem.X, problem.y
    n, p = X.shape
    w = problem.w_star
    r = y - X @ w
    assert value_after(latex_starting(at, r"y^\top y ="), "=") == pytest.approx(y @ y, rel=RTOL)
    rank_tex = latex_starting(at, r"\operatorname{rank}(X) =")
    assert rank_tex == rf"\operatorname{{rank}}(X) = {np.linalg.matrix_rank(X)}\text{{ of }} K = {p}"
    sigma = np.linalg.svd(X, compute_uv=False)
    extremes = latex_starting(at, r"\sigma_{\max} =")
    assert value_after(extremes, r"\sigma_{\max} =") == pytest.approx(sigma[0], rel=RTOL)
    assert value_after(extremes, r"\sigma_{\min} =") == pytest.approx(sigma[-1], rel=RTOL)
    res = latex_starting(at, r"\|r\| =")
    assert value_after(res, r"\|r\| =") == pytest.approx(np.linalg.norm(r), rel=RTOL, abs=1e-12)
    xtr_tex = latex_starting(at, r"\|X^\top r\| =")
    xtr = value_after(xtr_tex, r"\|X^\top r\| =")
    assert xtr == pytest.approx(np.linalg.norm(X.T @ r), rel=0.05, abs=1e-14)
    assert xtr <= 1e-10 * np.linalg.norm(X.T @ y)  # the normal equations hold at w*
    xty = value_after(latex_starting(at, r"\text{for scale: }"), r"\|X^\top y\| =")
    assert xty == pytest.approx(np.linalg.norm(X.T @ y), rel=RTOL)
    rss = value_after(latex_starting(at, r"\mathrm{RSS}(w^\star) = \|r\|^2 ="), "^2 =")
    assert rss == pytest.approx(r @ r, rel=RTOL, abs=1e-25)
    l_star = latex_starting(at, r"L^\star =")
    assert value_after(l_star, "} =") == pytest.approx(r @ r / (2 * n), rel=RTOL, abs=1e-25)
    lam = np.linalg.eigvalsh(X.T @ X / n)[-1]
    assert value_after(latex_starting(at, r"\lambda_{\max}"), r"\right) =") == pytest.approx(lam, rel=RTOL)
    limit = latex_starting(at, r"\text{GD is stable for }")
    assert value_after(limit, r"\lambda_{\max}} =") == pytest.approx(2 / lam, rel=RTOL)
    # The SGD example: the first sample of the shuffle, and the angle between its gradient and ∇L.
    i = int(np.random.default_rng(0).permutation(n)[0])
    w0 = np.zeros(p)
    w0[: min(2, p)] = [-2.0, 2.0][: min(2, p)]
    g_i = X[i] * (X[i] @ w0 - y[i])
    g = X.T @ (X @ w0 - y) / n
    angle = np.degrees(np.arccos(np.clip(g_i @ g / np.linalg.norm(g_i) / np.linalg.norm(g), -1, 1)))
    assert any(f"i = {i}" in m.value for m in at.markdown)
    assert value_after(latex_starting(at, r"\angle"), "=") == pytest.approx(angle, abs=0.06)

    if p <= 3:
        gram = X.T @ X  # entries below 1e-12 of the largest are rounding noise, written 0
        shown = parse_matrix(latex_starting(at, r"X^\top X ="))
        np.testing.assert_allclose(shown, gram, rtol=RTOL, atol=1e-12 * np.abs(gram).max())
        np.testing.assert_allclose(parse_vector(latex_starting(at, r"X^\top y =")), X.T @ y, rtol=RTOL)
        if problem.normal_error is None:
            np.testing.assert_allclose(
                parse_vector(latex_starting(at, r"w^\star = \begin")), np.linalg.lstsq(X, y)[0], rtol=RTOL
            )
            inv = parse_matrix(latex_starting(at, r"(X^\top X)^{-1} ="))
            np.testing.assert_allclose(inv, np.linalg.inv(X.T @ X), rtol=5e-3)  # three digits
            gap = value_after(latex_starting(at, r"\|(X^\top X)^{-1} X^\top y - X^+ y\|"), "=")
            assert gap <= 1e-10 * np.linalg.norm(w)
        else:  # no inverse to show: the minimum-norm solution instead
            norm = value_after(latex_starting(at, r"w^+ = X^+ y"), r"\|w^+\| =")
            assert norm == pytest.approx(np.linalg.norm(np.linalg.pinv(X) @ y), rel=RTOL)
        sgd = latex_starting(at, r"x_i =")
        np.testing.assert_allclose(parse_vector(sgd), X[i], rtol=RTOL)
        np.testing.assert_allclose(
            parse_vector(latex_starting(at, r"\nabla L_i(w_0) =").split(r"x_i =", 1)[1]),
            g_i,
            rtol=RTOL,
        )
        assert value_after(latex_starting(at, r"x_i^\top w_0 - y_i ="), "=") == pytest.approx(
            X[i] @ w0 - y[i], rel=RTOL
        )
        np.testing.assert_allclose(parse_vector(latex_starting(at, r"\nabla L(w_0) =")), g, rtol=RTOL)
        assert bool(at.error) == (problem.normal_error is not None)
    else:
        assert not any(el.value.strip("$\n ").startswith(r"X^\top X =") for el in at.latex)


def test_singular_case_says_where_the_normal_equations_fail():
    at = new_app(view="Math", n=5, k=10)
    at.run()
    assert not at.exception, at.exception
    problem = lab.build_problem(SETTINGS["N<K singular"])
    X, y = problem.X, problem.y
    assert problem.normal_error
    (err,) = at.error
    assert "no unique solution" in err.value and "rank 5 < 10" in err.value
    assert "method=" not in err.value  # core's advice to programmers stays out of the lesson
    assert any("does not exist here" in m.value for m in at.markdown)
    assert not any(r"(X^\top X)^{-1} =" in el.value for el in at.latex)
    pinv = np.linalg.pinv(X) @ y
    assert value_after(latex_starting(at, r"w^+ = X^+ y"), r"\|w^+\| =") == pytest.approx(
        np.linalg.norm(pinv), rel=RTOL
    )
    assert any(EXACT in m.value and "N ≤ K" in m.value for m in at.markdown)  # N < K: an exact fit


def test_noise_free_data_fit_exactly():
    at = new_app(view="Math", noise=0.0)
    at.run()
    assert not at.exception, at.exception
    assert any(EXACT in m.value and "noise-free" in m.value for m in at.markdown)
