"""solve_least_squares against independent oracles: numpy.linalg.lstsq, pinv, svd, matrix_rank, cond."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import LeastSquaresSolution, SingularGramError, solve_least_squares

METHODS = ("normal", "qr", "svd")
FAST = settings(max_examples=40, deadline=None)


def matrix_with_singular_values(rng, n_samples, singular_values):
    """X = U diag(s) Vᵀ with Haar-like orthonormal U (N, K) and V (K, K): κ(X) = s[0] / s[-1] exactly."""
    k = len(singular_values)
    U, _ = np.linalg.qr(rng.standard_normal((n_samples, k)))
    V, _ = np.linalg.qr(rng.standard_normal((k, k)))
    return (U * singular_values) @ V.T


def relative_error(actual, expected):
    return np.linalg.norm(actual - expected) / np.linalg.norm(expected)


@st.composite
def well_conditioned_problems(draw):
    k = draw(st.integers(1, 8))
    n = draw(st.integers(k, 60))
    kappa = draw(st.floats(1.0, 100.0))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = 10.0 ** draw(st.floats(-3, 3))
    X = scale * matrix_with_singular_values(rng, n, np.geomspace(1.0, 1.0 / kappa, k))
    y = X @ rng.standard_normal(k) / scale + rng.standard_normal(n)
    return X, y


@st.composite
def rank_deficient_problems(draw):
    """X = B C with B (N, r) and C (r, K), r < K: rank exactly r (columns are linear combinations)."""
    k = draw(st.integers(2, 8))
    r = draw(st.integers(1, k - 1))
    n = draw(st.integers(k, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.standard_normal((n, r)) @ rng.standard_normal((r, k))
    y = rng.standard_normal(n)
    return X, y, r


# --- agreement with numpy.linalg.lstsq on well-conditioned data -------------------------------------


@pytest.mark.parametrize("method", METHODS)
@FAST
@given(problem=well_conditioned_problems())
def test_every_method_matches_numpy_lstsq_on_well_conditioned_data(method, problem):
    X, y = problem
    ref_coef = np.linalg.lstsq(X, y, rcond=None)[0]
    ref_rss = float(np.sum((y - X @ ref_coef) ** 2))

    sol = solve_least_squares(X, y, method=method)

    assert relative_error(sol.coef, ref_coef) <= 1e-10
    # The normal path gets RSS as the Schur complement yᵀy − zᵀz (no second pass), so its error is
    # relative to yᵀy, not to RSS; QR and SVD recompute the residual.
    assert abs(sol.rss - ref_rss) <= 1e-10 * ref_rss + 1e-12 * float(y @ y)
    assert sol.loss == pytest.approx(sol.rss / (2 * len(y)), rel=1e-15)
    assert sol.method == method
    assert (sol.n_samples, sol.n_features) == X.shape


@pytest.mark.parametrize("method", METHODS)
@FAST
@given(problem=well_conditioned_problems())
def test_diagnostics_match_numpy_svd_rank_and_cond(method, problem):
    X, y = problem
    ref_s = np.linalg.svd(X, compute_uv=False)

    sol = solve_least_squares(X, y, method=method)

    assert sol.singular_values.shape == ref_s.shape
    np.testing.assert_allclose(sol.singular_values, ref_s, rtol=0, atol=1e-10 * ref_s[0])
    assert sol.rank == np.linalg.matrix_rank(X) == X.shape[1]
    assert sol.condition_number == pytest.approx(np.linalg.cond(X), rel=1e-9)
    assert sol.gram_condition_number == pytest.approx(np.linalg.cond(X) ** 2, rel=1e-9)


def test_docstring_example_recovers_exact_coefficients():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([1.0, 2.0, 3.0])
    for method in METHODS:
        sol = solve_least_squares(X, y, method=method)
        np.testing.assert_allclose(sol.coef, [1.0, 2.0], rtol=0, atol=1e-14)
        assert sol.rss == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize("method", METHODS)
def test_lists_fortran_order_and_integer_input_give_the_same_answer(method):
    rng = np.random.default_rng(3)
    X = rng.integers(-5, 6, size=(30, 3))
    y = rng.integers(-5, 6, size=30)
    ref = np.linalg.lstsq(X.astype(float), y.astype(float), rcond=None)[0]
    for X_in, y_in in [(X, y), (X.tolist(), y.tolist()), (np.asfortranarray(X.astype(float)), y)]:
        coef = solve_least_squares(X_in, y_in, method=method).coef
        assert relative_error(coef, ref) <= 1e-12
    # A strided (non-contiguous) view of a larger array.
    wide = np.zeros((30, 6))
    wide[:, ::2] = X
    coef = solve_least_squares(wide[:, ::2], y, method=method).coef
    assert relative_error(coef, ref) <= 1e-12


def test_result_is_frozen():
    sol = solve_least_squares(np.eye(3), np.ones(3))
    assert isinstance(sol, LeastSquaresSolution)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sol.rank = 0


def test_single_feature_is_the_projection_formula():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(50)
    y = 2.5 * x + rng.standard_normal(50)
    expected = (x @ y) / (x @ x)  # closed form for K = 1
    for method in METHODS:
        sol = solve_least_squares(x.reshape(-1, 1), y, method=method)
        assert sol.coef[0] == pytest.approx(expected, rel=1e-13)
        assert sol.condition_number == 1.0


# --- the minimum-norm (pseudo-inverse) solution and the singular Gram error ---------------------------


@FAST
@given(k=st.integers(2, 10), data=st.data())
def test_svd_equals_pinv_solution_when_fewer_samples_than_features(k, data):
    n = data.draw(st.integers(1, k - 1))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    X = rng.standard_normal((n, k))
    y = rng.standard_normal(n)

    sol = solve_least_squares(X, y, method="svd")

    assert relative_error(sol.coef, np.linalg.pinv(X, rtol=None) @ y) <= 1e-10
    assert sol.rss <= 1e-20 * float(y @ y)  # N < K: the fit interpolates
    assert sol.rank == np.linalg.matrix_rank(X) == n
    assert sol.condition_number == np.inf
    np.testing.assert_allclose(sol.singular_values, np.linalg.svd(X, compute_uv=False), rtol=1e-12)


@pytest.mark.parametrize("method", ["normal", "qr"])
@FAST
@given(k=st.integers(2, 10), data=st.data())
def test_normal_and_qr_raise_when_fewer_samples_than_features(method, k, data):
    n = data.draw(st.integers(1, k - 1))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    X = rng.standard_normal((n, k))
    y = rng.standard_normal(n)

    with pytest.raises(SingularGramError, match=rf'rank {n} < {k} features.*condition number.*method="svd"'):
        solve_least_squares(X, y, method=method)


@FAST
@given(problem=rank_deficient_problems())
def test_svd_equals_pinv_minimum_norm_solution_for_collinear_columns(problem):
    X, y, r = problem
    ref = np.linalg.pinv(X, rtol=None) @ y

    sol = solve_least_squares(X, y, method="svd")

    assert relative_error(sol.coef, ref) <= 1e-9
    assert sol.rank == np.linalg.matrix_rank(X) == r
    assert sol.condition_number == np.inf
    # Minimum norm: no component in the null space of X (rows r.. of Vᵀ).
    null_space = np.linalg.svd(X)[2][r:]
    assert np.linalg.norm(null_space @ sol.coef) <= 1e-9 * np.linalg.norm(sol.coef)
    assert sol.rss == pytest.approx(float(np.sum((y - X @ ref) ** 2)), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("method", ["normal", "qr"])
@FAST
@given(problem=rank_deficient_problems())
def test_normal_and_qr_raise_singular_gram_error_for_collinear_columns(method, problem):
    X, y, r = problem
    k = X.shape[1]
    with pytest.raises(SingularGramError, match=rf"rank {r} < {k} features") as info:
        solve_least_squares(X, y, method=method)
    assert info.value.rank == r
    assert info.value.condition_number == np.inf
    assert "condition number of XᵀX inf" in str(info.value)
    assert 'method="svd"' in str(info.value)


@pytest.mark.parametrize("method", ["normal", "qr"])
def test_dummy_variable_trap_is_refused_with_a_message_a_student_can_act_on(method):
    # Intercept column plus one-hot columns that sum to it: the classic exactly collinear design.
    rng = np.random.default_rng(5)
    groups = rng.integers(0, 3, size=40)
    X = np.column_stack([np.ones(40), np.eye(3)[groups], rng.standard_normal(40)])
    y = rng.standard_normal(40)
    with pytest.raises(SingularGramError, match=r'rank 4 < 5 features.*Use method="svd"'):
        solve_least_squares(X, y, method=method)
    # ... while the SVD gives the pseudo-inverse answer.
    sol = solve_least_squares(X, y, method="svd")
    assert relative_error(sol.coef, np.linalg.pinv(X) @ y) <= 1e-10


def test_singular_gram_error_is_a_value_error_and_a_linalg_error():
    assert issubclass(SingularGramError, ValueError)
    assert issubclass(SingularGramError, np.linalg.LinAlgError)
    with pytest.raises(ValueError, match="no unique solution"):
        solve_least_squares(np.zeros((5, 2)), np.ones(5), method="normal")


def test_all_zero_design_gives_rank_zero_and_zero_coefficients_with_svd():
    sol = solve_least_squares(np.zeros((5, 2)), np.ones(5), method="svd")
    assert sol.rank == 0
    np.testing.assert_array_equal(sol.coef, [0.0, 0.0])
    assert sol.rss == 5.0


# --- ill-conditioning: the lesson the app teaches -------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_normal_equations_lose_accuracy_on_ill_conditioned_data_while_qr_and_svd_keep_it(seed):
    """Documented behaviour: forward error of the normal equations grows like κ(X)²·eps, QR/SVD like κ(X)·eps.

    With κ(X) = 1e7, κ(XᵀX) = 1e14: the normal equations still run (XᵀX is numerically non-singular)
    but keep only ~3 correct digits, while QR and SVD keep ~8 or more. The system is consistent
    (zero residual), the regime where QR's advantage is cleanest.
    """
    rng = np.random.default_rng(seed)
    X = matrix_with_singular_values(rng, 500, np.geomspace(1.0, 1e-7, 5))
    coef_true = rng.standard_normal(5)
    y = X @ coef_true
    assert np.linalg.cond(X) == pytest.approx(1e7, rel=1e-6)

    errors = {m: relative_error(solve_least_squares(X, y, method=m).coef, coef_true) for m in METHODS}

    assert errors["normal"] > 1e-6
    assert errors["qr"] <= 1e-6
    assert errors["svd"] <= 1e-6
    assert errors["normal"] > 1e3 * max(errors["qr"], errors["svd"])
    # And they all report the conditioning they saw.
    sol = solve_least_squares(X, y, method="normal")
    assert sol.condition_number == pytest.approx(1e7, rel=1e-2)
    assert solve_least_squares(X, y, method="qr").condition_number == pytest.approx(1e7, rel=1e-8)


def test_normal_equations_refuse_when_gram_is_numerically_singular_but_qr_and_svd_solve():
    # κ(X) = 1e9: κ(XᵀX) = 1e18 > 1/eps, so XᵀX is singular in float64, while X is not.
    rng = np.random.default_rng(11)
    X = matrix_with_singular_values(rng, 300, np.geomspace(1.0, 1e-9, 4))
    coef_true = rng.standard_normal(4)
    y = X @ coef_true

    with pytest.raises(SingularGramError, match=r'rank \d < 4 features.*method="svd"'):
        solve_least_squares(X, y, method="normal")
    for method in ("qr", "svd"):
        sol = solve_least_squares(X, y, method=method)
        assert sol.rank == np.linalg.matrix_rank(X) == 4
        assert relative_error(sol.coef, coef_true) <= 1e-4
        assert sol.condition_number == pytest.approx(np.linalg.cond(X), rel=1e-6)
