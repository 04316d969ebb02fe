"""Every bad input is a ValueError that names the parameter and the value received (and how to fix it)."""

from __future__ import annotations

import numpy as np
import pytest

from core import QuadraticLoss, add_intercept_column, make_regression, solve_least_squares
from core._validation import check_array, check_choice, check_float, check_int, check_X_y

GOOD_X = np.arange(12.0).reshape(6, 2) ** 1.5
GOOD_Y = np.linspace(0.0, 1.0, 6)


def make(**overrides):
    kwargs = dict(n_samples=10, n_features=2, noise=0.1) | overrides
    return make_regression(kwargs.pop("n_samples"), kwargs.pop("n_features"), **kwargs)


def loss():
    return QuadraticLoss.from_data(GOOD_X, GOOD_Y)


# --- make_regression ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"n_samples": 0}, r"n_samples must be at least 1, got 0\."),
        ({"n_samples": -5}, r"n_samples must be at least 1, got -5\."),
        ({"n_features": 0}, r"n_features must be at least 1, got 0\."),
        ({"n_samples": 2.5}, r"n_samples must be a whole number, got 2\.5\."),
        ({"n_samples": "10"}, r"n_samples must be a whole number, got '10'\."),
        ({"n_samples": None}, r"n_samples must be a whole number, got None\."),
        ({"n_samples": float("nan")}, r"n_samples must be a whole number, got nan\."),
        ({"n_samples": True}, r"n_samples must be a whole number, got True\."),
        ({"n_features": False}, r"n_features must be a whole number, got False\."),
        ({"seed": True}, r"seed must be a whole number, got True\."),
        ({"seed": -1}, r"seed must be at least 0, got -1\."),
        ({"n_test": -3}, r"n_test must be at least 0, got -3\."),
        ({"noise": -0.1}, r"noise must be at least 0, got -0\.1\. Use 0 for noise-free data\."),
        ({"noise": float("nan")}, r"noise must be finite, got nan\."),
        ({"noise": float("inf")}, r"noise must be finite, got inf\."),
        ({"noise": "0.1"}, r"noise must be a real number, got '0\.1'\."),
        ({"noise": True}, r"noise must be a real number, got True\."),
        ({"noise": None}, r"noise must be a real number, got None\."),
        ({"condition_number": 0.5}, r"condition_number must be at least 1, got 0\.5\. 1 means uncorrelated"),
        ({"condition_number": 0}, r"condition_number must be at least 1, got 0\."),
        ({"condition_number": 1e13}, r"condition_number must be at most 1e\+12, got 1e\+13\."),
        ({"condition_number": float("inf")}, r"condition_number must be finite, got inf\."),
        ({"condition_number": "big"}, r"condition_number must be a real number, got 'big'\."),
        ({"intercept": float("nan")}, r"intercept must be finite, got nan\."),
        ({"intercept": [1.0]}, r"intercept must be a real number, got \[1\.0\]\."),
        ({"coef": [1.0, 2.0, 3.0]}, r"coef must have n_features=2 entries, got 3\."),
        ({"coef": [1.0, np.nan]}, r"coef contains 1 non-finite value\(s\)"),
        ({"coef": [[1.0, 2.0]]}, r"coef must be a 1-D array of shape \(n_samples,\), got shape \(1, 2\)\."),
        ({"coef": ["a", "b"]}, r"coef must hold numbers only"),
    ],
)
def test_make_regression_rejects_bad_arguments_naming_parameter_and_value(overrides, message):
    with pytest.raises(ValueError, match=message):
        make(**overrides)


def test_make_regression_accepts_whole_floats_and_numpy_integers():
    data = make(n_samples=np.int64(7), n_features=3.0, seed=np.uint8(4), noise=np.float32(0.5))
    assert data.X.shape == (7, 3)
    assert data.seed == 4 and isinstance(data.seed, int)


def test_long_values_are_abbreviated_in_messages():
    with pytest.raises(ValueError, match=r"noise must be a real number, got 'xxxxx.*\.\.\.\.$"):
        make(noise="x" * 500)


# --- arrays: solve_least_squares, add_intercept_column, QuadraticLoss.from_data -------------------------

ARRAY_CASES = [
    (np.array([[1.0, np.nan], [2.0, 3.0]]), np.ones(2), r"X contains 1 non-finite value\(s\) \(NaN or inf\)"),
    (np.array([[np.inf, -np.inf], [2.0, 3.0]]), np.ones(2), r"X contains 2 non-finite value\(s\)"),
    (np.ones((2, 2)), np.array([1.0, np.nan]), r"y contains 1 non-finite value\(s\)"),
    (np.ones(5), np.ones(5), r"X must be a 2-D array .*got shape \(5,\)\. Reshape a single feature"),
    (np.ones((2, 2, 2)), np.ones(2), r"X must be a 2-D array of shape \(n_samples, n_features\), got shape"),
    (np.ones((5, 2)), np.ones((5, 1)), r"y must be a 1-D array of shape \(n_samples,\), got shape \(5, 1\)"),
    (np.ones((5, 2)), np.ones(4), r"Number of samples in X and y does not correspond: 5 != 4\."),
    (np.ones((0, 2)), np.ones(0), r"X must not be empty, got shape \(0, 2\)"),
    (np.ones((3, 0)), np.ones(3), r"X must not be empty, got shape \(3, 0\)"),
    (np.ones((3, 2)), np.ones(0), r"y must not be empty, got shape \(0,\)"),
    ([["a", "b"], ["c", "d"]], np.ones(2), r"X must hold numbers only.*Convert or drop the non-numeric"),
    (np.array([[1.0, "x"]], dtype=object), np.ones(1), r"X must hold numbers only"),
    # None reads as NaN (a missing value) and is refused as such.
    (np.array([[1.0, None]], dtype=object), np.ones(1), r"X contains 1 non-finite value"),
    ([[1.0, 2.0], [3.0]], np.ones(2), r"X must hold numbers only"),
    (np.ones((2, 2)), ["1", "two"], r"y must hold numbers only"),
    (np.ones((2, 2)), {"a": 1}, r"y must hold numbers only"),
    (np.ones((2, 2)), 3.0, r"y must be a 1-D array .*got shape \(\)"),
]


@pytest.mark.parametrize(("X", "y", "message"), ARRAY_CASES)
@pytest.mark.parametrize("method", ["normal", "qr", "svd"])
def test_solve_least_squares_rejects_bad_arrays(X, y, message, method):
    with pytest.raises(ValueError, match=message):
        solve_least_squares(X, y, method=method)


@pytest.mark.parametrize(("X", "y", "message"), ARRAY_CASES)
def test_quadratic_loss_from_data_rejects_bad_arrays(X, y, message):
    with pytest.raises(ValueError, match=message):
        QuadraticLoss.from_data(X, y)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.ones(3), r"X must be a 2-D array .*got shape \(3,\)"),
        ([[1.0, np.nan]], r"X contains 1 non-finite"),
        (np.empty((0, 2)), r"X must not be empty"),
        ([["a"]], r"X must hold numbers only"),
    ],
)
def test_add_intercept_column_rejects_bad_arrays(X, message):
    with pytest.raises(ValueError, match=message):
        add_intercept_column(X)


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("cholesky", r"method must be one of 'normal', 'qr', 'svd', got 'cholesky'\."),
        ("QR", r"method must be one of 'normal', 'qr', 'svd', got 'QR'\."),
        (None, r"method must be one of 'normal', 'qr', 'svd', got None\."),
        (1, r"method must be one of .*got 1\."),
    ],
)
def test_solve_least_squares_rejects_unknown_method(method, message):
    with pytest.raises(ValueError, match=message):
        solve_least_squares(GOOD_X, GOOD_Y, method=method)


# --- QuadraticLoss evaluation and construction ------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda q: q.value(np.ones(3)), r"W must have shape \(2,\) or \(M, 2\) for this loss, got \(3,\)\."),
        (lambda q: q.value(np.ones((4, 3))), r"W must have shape \(2,\) or \(M, 2\) .*got \(4, 3\)\."),
        (lambda q: q.value(np.ones((1, 1, 2))), r"W must have shape .*got \(1, 1, 2\)\."),
        (lambda q: q.gradient(np.ones(5)), r"W must have shape \(2,\) or \(M, 2\) .*got \(5,\)\."),
        (lambda q: q.rss(np.ones(1)), r"W must have shape \(2,\) .*got \(1,\)\."),
        (lambda q: q.value(["a", "b"]), r"W must hold numbers only, got \['a', 'b'\]\."),
        (lambda q: q.gradient([[1.0, "x"]]), r"W must hold numbers only"),
        (lambda q: q.slice_grid([0, 0, 0], [1, 0], [0, 1], [0.0], [0.0]), r"center must have shape \(2,\)"),
        (lambda q: q.slice_grid([0, 0], [1, 0, 0], [0, 1], [0.0], [0.0]), r"d1 must have shape \(2,\)"),
        (lambda q: q.slice_grid([0, 0], [1, 0], "up", [0.0], [0.0]), r"d2 must hold numbers only, got 'up'"),
        (lambda q: q.slice_grid([0, 0], [1, 0], [0, 1], [[0.0]], [0.0]), r"a must be a 1-D array"),
        (lambda q: q.slice_grid([0, 0], [1, 0], [0, 1], [0.0], [np.nan]), r"b contains 1 non-finite"),
        (lambda q: q.slice_grid([0, 0], [1, 0], [0, 1], [], [0.0]), r"a must not be empty"),
    ],
)
def test_quadratic_loss_methods_reject_bad_weights_and_grids(call, message):
    with pytest.raises(ValueError, match=message):
        call(loss())


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            (np.eye(2), np.ones(3), 1.0),
            {"n_samples": 5},
            r"A must have shape \(3, 3\) to match b, got \(2, 2\)\.",
        ),
        (
            (np.ones((2, 3)), np.ones(2), 1.0),
            {"n_samples": 5},
            r"A must have shape \(2, 2\) to match b, got \(2, 3\)",
        ),
        ((np.ones(2), np.ones(2), 1.0), {"n_samples": 5}, r"A must be a 2-D array"),
        ((np.eye(2), np.ones((2, 1)), 1.0), {"n_samples": 5}, r"b must be a 1-D array"),
        ((np.eye(2) * np.nan, np.ones(2), 1.0), {"n_samples": 5}, r"A contains 4 non-finite"),
        ((np.eye(2), np.ones(2), "x"), {"n_samples": 5}, r"c must be a real number, got 'x'\."),
        ((np.eye(2), np.ones(2), np.inf), {"n_samples": 5}, r"c must be finite, got inf\."),
        ((np.eye(2), np.ones(2), 1.0), {"n_samples": 0}, r"n_samples must be at least 1, got 0\."),
        ((np.eye(2), np.ones(2), 1.0), {"n_samples": True}, r"n_samples must be a whole number, got True\."),
    ],
)
def test_from_moments_rejects_inconsistent_or_non_numeric_moments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        QuadraticLoss.from_moments(*args, **kwargs)


# --- the helpers themselves -------------------------------------------------------------------------


def test_check_helpers_return_clean_python_and_float64_values():
    assert check_int("n", np.int32(3)) == 3 and type(check_int("n", np.int32(3))) is int
    assert check_int("n", 4.0) == 4
    assert type(check_float("x", np.float32(0.5))) is float
    assert check_choice("m", "qr", ("qr", "svd")) == "qr"
    arr = check_array("X", [[1, 2]], ndim=2)
    assert arr.dtype == np.float64 and arr.shape == (1, 2)
    X, y = check_X_y([[1], [2]], [3, 4])
    assert X.shape == (2, 1) and y.shape == (2,)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check_int("k", 11, maximum=10), r"k must be at most 10, got 11\."),
        (
            lambda: check_float("lr", 0.0, minimum=0.0, strict_minimum=True),
            r"lr must be greater than 0, got 0\.",
        ),
        (lambda: check_float("p", 1.5, maximum=1.0), r"p must be at most 1, got 1\.5\."),
        (lambda: check_float("p", 1 + 2j), r"p must be a real number, got \(1\+2j\)\."),
        (lambda: check_int("k", 3 + 0j), r"k must be a whole number, got \(3\+0j\)\."),
        (lambda: check_int("k", np.True_), r"k must be a whole number, got np\.True_\."),
    ],
)
def test_check_helpers_report_bounds(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("n", [3, 129, 2 * 8192 - 1, 2 * 8192, 100_003])  # serial and parallel Gram paths
@pytest.mark.parametrize("where", ["X", "y"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_entry_anywhere_is_caught_by_every_one_pass_consumer(n, where, value):
    # The normal equations and QuadraticLoss read the data once (no separate isfinite pass);
    # a single bad entry in the first, middle or last row must still be refused by name.
    rng = np.random.default_rng(n)
    for row in (0, n // 2, n - 1):
        X, y = rng.standard_normal((n, 3)), rng.standard_normal(n)
        if where == "X":
            X[row, 2] = value
        else:
            y[row] = value
        for build in (lambda X, y: solve_least_squares(X, y, method="normal"), QuadraticLoss.from_data):
            with pytest.raises(ValueError, match=rf"{where} contains 1 non-finite value\(s\)"):
                build(X, y)


def test_values_whose_squares_overflow_are_refused_with_a_rescaling_hint():
    X = np.array([[1e200, 1.0], [2.0, 3.0], [1.0, 1.0]])
    for build in (lambda: solve_least_squares(X, np.ones(3)), lambda: QuadraticLoss.from_data(X, np.ones(3))):
        with pytest.raises(ValueError, match=r"XᵀX overflows.*1e\+200.*rescale"):
            build()
