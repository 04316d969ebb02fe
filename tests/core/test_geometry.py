"""Column-space geometry against independent projections; eigenbasis theory against a GD loop."""

from __future__ import annotations

import numpy as np
import pytest

from core import QuadraticLoss, make_regression
from core.geometry import (
    column_space_picture,
    fitted_path,
    gd_per_direction,
    make_column_space_example,
    to_eigenbasis,
)


@pytest.mark.parametrize("seed", range(5))
def test_residual_is_orthogonal_to_every_column_and_fit_is_the_projection(seed):
    X, y = make_column_space_example(exact_fit=False, seed=seed)
    pic = column_space_picture(X, y)
    assert X.shape == (3, 2) and pic.rank == 2 and not pic.exact_fit
    # Xᵀr = 0: the normal equations, column by column.
    np.testing.assert_allclose(X.T @ pic.residual, 0.0, atol=1e-10)
    np.testing.assert_allclose(pic.normal_equation_residual, 0.0, atol=1e-10)
    # Independent oracles: lstsq's fit, and the textbook projector X(XᵀX)⁻¹Xᵀ.
    w_ref = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(pic.fitted, X @ w_ref, atol=1e-10)
    np.testing.assert_allclose(pic.coef, w_ref, atol=1e-10)
    P_ref = X @ np.linalg.solve(X.T @ X, X.T)
    np.testing.assert_allclose(pic.projection, P_ref, atol=1e-10)
    np.testing.assert_allclose(pic.projection @ pic.projection, pic.projection, atol=1e-12)
    np.testing.assert_allclose(pic.basis.T @ pic.basis, np.eye(2), atol=1e-12)
    assert 24 < pic.angle_degrees < 41


def test_exact_fit_example_has_zero_residual():
    X, y = make_column_space_example(exact_fit=True, seed=3)
    pic = column_space_picture(X, y)
    assert pic.exact_fit
    assert pic.angle_degrees < 1e-6
    np.testing.assert_allclose(pic.fitted, y, atol=1e-12)


def test_general_n_and_rank_deficient_columns():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 3))
    X = np.column_stack([X, X[:, 0] + X[:, 1]])  # rank 3 of 4 columns
    y = rng.standard_normal(20)
    pic = column_space_picture(X, y)
    assert pic.rank == 3 and pic.basis.shape == (20, 3)
    np.testing.assert_allclose(X.T @ pic.residual, 0.0, atol=1e-10)
    np.testing.assert_allclose(pic.coef, np.linalg.pinv(X) @ y, atol=1e-10)


def test_fitted_path_stays_in_the_plane():
    X, y = make_column_space_example(seed=0)
    pic = column_space_picture(X, y)
    W = np.linspace(0, 1, 7)[:, None] * pic.coef  # (7, 2)
    path = fitted_path(X, W)
    assert path.shape == (7, 3)
    np.testing.assert_allclose(path @ np.cross(X[:, 0], X[:, 1]), 0.0, atol=1e-12)
    np.testing.assert_allclose(path[-1], pic.fitted, atol=1e-12)


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError, match="n_samples ≥ n_features"):
        column_space_picture(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="trajectory_weights"):
        fitted_path(np.ones((3, 2)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="exact_fit"):
        make_column_space_example(exact_fit="yes")
    with pytest.raises(ValueError, match="loss must be a QuadraticLoss"):
        to_eigenbasis(np.eye(2), np.zeros(2))


def test_gd_per_direction_matches_a_gd_loop_mapped_to_the_eigenbasis():
    data = make_regression(60, 3, noise=0.3, condition_number=20, seed=4)
    loss = QuadraticLoss.from_data(data.X, data.y)
    eta, steps = 1.5 / loss.eigenvalues[0], 40
    w = np.array([2.0, -1.0, 0.5])
    W = [w]
    for _ in range(steps):  # GD from the data itself, not the quadratic form
        w = w - eta * data.X.T @ (data.X @ w - data.y) / 60
        W.append(w)
    measured = to_eigenbasis(loss, np.array(W))  # (steps + 1, 3)

    theory = gd_per_direction(loss, W[0], eta, steps)
    assert list(theory.columns) == [
        "step",
        "direction",
        "eigenvalue",
        "factor",
        "coordinate",
        "abs_coordinate",
    ]
    E = theory["coordinate"].to_numpy().reshape(steps + 1, 3)
    np.testing.assert_allclose(E, measured, atol=1e-10)
    # The flattest direction decays slowest.
    assert abs(E[-1, 2] / E[0, 2]) > abs(E[-1, 0] / E[0, 0])
    # A single vector maps to a (K,) vector.
    assert to_eigenbasis(loss, W[0]).shape == (3,)
