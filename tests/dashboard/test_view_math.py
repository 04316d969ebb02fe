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
_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)(?:\s*\\times\s*10\^\{(-?\d+)\})?")


def parse_numbers(tex: str) -> list[float]:
    return [float(m) * 10.0 ** int(e or 0) for m, e in _NUMBER.findall(tex)]


def parse_matrix(tex: str) -> np.ndarray:
    body = re.search(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", tex).group(1)
    return np.array([[parse_numbers(cell)[0] for cell in row.split("&")] for row in body.split(r"\\")])


def parse_vector(tex: str) -> np.ndarray:
    return parse_matrix(tex).ravel()


def latex_starting(at, prefix: str) -> str:
    hits = [el.value.strip("$\n ") for el in at.latex if el.value.strip("$\n ").startswith(prefix)]
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
}
SETTINGS = {
    "defaults": DataSettings(),
    "K=1": DataSettings(n_features=1),
    "K=3": DataSettings(n_features=3),
    "intercept": DataSettings(intercept=True),
    "N<K singular": DataSettings(n_samples=5, n_features=10),
}


def test_math_view_is_registered_after_fit():
    names = list(VIEWS)
    assert names.index("Math") == names.index("Fit") + 1


def test_tex_number_round_trips():
    for v in (0.0, 1.0, -0.001234, 54.55, 12345.6, 2.5e-16, -3.3e7):
        assert parse_numbers(tex_number(v))[0] == pytest.approx(v, rel=RTOL, abs=0)
    np.testing.assert_allclose(
        parse_matrix(tex_matrix(np.array([[1.5, -2e-5], [3e6, 4]]))), [[1.5, -2e-5], [3e6, 4]]
    )


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
    assert rank_tex.startswith(rf"\operatorname{{rank}}(X) = {np.linalg.matrix_rank(X)}\text{{ of }} K = {p}")
    sigma = np.linalg.svd(X, compute_uv=False)
    assert value_after(rank_tex, r"\sigma_{\max} =") == pytest.approx(sigma[0], rel=RTOL)
    assert value_after(rank_tex, r"\sigma_{\min} =") == pytest.approx(sigma[-1], rel=RTOL)
    res = latex_starting(at, r"\|r\| =")
    assert value_after(res, r"\|r\| =") == pytest.approx(np.linalg.norm(r), rel=RTOL, abs=1e-12)
    xtr = value_after(res, r"\|X^\top r\| =")
    assert xtr == pytest.approx(np.linalg.norm(X.T @ r), rel=0.05, abs=1e-14)
    assert xtr <= 1e-10 * np.linalg.norm(X.T @ y)  # the normal equations hold at w*
    assert value_after(res, r"\|X^\top y\| =") == pytest.approx(np.linalg.norm(X.T @ y), rel=RTOL)
    rss = value_after(latex_starting(at, r"\mathrm{RSS}(w^\star) = \|r\|^2 ="), "^2 =")
    assert rss == pytest.approx(r @ r, rel=RTOL, abs=1e-25)
    conv = latex_starting(at, r"L^\star =")
    assert value_after(conv, "} =") == pytest.approx(r @ r / (2 * n), rel=RTOL, abs=1e-25)
    lam = np.linalg.eigvalsh(X.T @ X / n)[-1]
    assert value_after(conv, r"\right) =") == pytest.approx(lam, rel=RTOL)
    assert value_after(conv, r"\lambda_{\max}} =") == pytest.approx(2 / lam, rel=RTOL)
    # The SGD example: the first sample of the shuffle, and the angle between its gradient and ∇L.
    i = int(np.random.default_rng(0).permutation(n)[0])
    w0 = np.zeros(p)
    w0[: min(2, p)] = [-2.0, 2.0][: min(2, p)]
    g_i = X[i] * (X[i] @ w0 - y[i])
    g = X.T @ (X @ w0 - y) / n
    angle = np.degrees(np.arccos(g_i @ g / np.linalg.norm(g_i) / np.linalg.norm(g)))
    assert any(f"i = {i}" in m.value for m in at.markdown)
    assert value_after(latex_starting(at, r"\angle"), "=") == pytest.approx(angle, abs=0.06)

    if p <= 3:
        np.testing.assert_allclose(parse_matrix(latex_starting(at, r"X^\top X =")), X.T @ X, rtol=RTOL)
        np.testing.assert_allclose(parse_vector(latex_starting(at, r"X^\top y =")), X.T @ y, rtol=RTOL)
        np.testing.assert_allclose(
            parse_vector(latex_starting(at, r"w^\star = \begin")), np.linalg.lstsq(X, y)[0], rtol=RTOL
        )
        inv = parse_matrix(latex_starting(at, r"(X^\top X)^{-1} ="))
        np.testing.assert_allclose(inv, np.linalg.inv(X.T @ X), rtol=RTOL)
        gap = value_after(latex_starting(at, r"\|(X^\top X)^{-1} X^\top y - X^+ y\|"), "=")
        assert gap <= 1e-10 * np.linalg.norm(w)
        sgd = latex_starting(at, r"x_i =")
        np.testing.assert_allclose(parse_vector(sgd), X[i], rtol=RTOL)
        np.testing.assert_allclose(
            parse_vector(latex_starting(at, r"\nabla L_i(w_0) =").split(r"x_i =", 1)[1]),
            g_i,
            rtol=RTOL,
        )
        assert not at.error
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
    assert "normal equations fail" in err.value and "rank 5 < 10" in err.value
    assert any("does not exist here" in m.value for m in at.markdown)
    assert not any(r"(X^\top X)^{-1} =" in el.value for el in at.latex)
    pinv = np.linalg.pinv(X) @ y
    assert value_after(latex_starting(at, r"w^+ = X^+ y"), r"\|w^+\| =") == pytest.approx(
        np.linalg.norm(pinv), rel=RTOL
    )
    assert any("y lies in col(X)" in m.value for m in at.markdown)  # N < K: an exact fit


def test_noise_free_data_fit_exactly():
    at = new_app(view="Math", noise=0.0)
    at.run()
    assert not at.exception, at.exception
    assert any("y lies in col(X)" in m.value and "noise-free" in m.value for m in at.markdown)
