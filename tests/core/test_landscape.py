"""Landscape geometry against brute force: loss.value at grid points, lstsq projections, eigh."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import QuadraticLoss, make_regression
from core.landscape import (
    LossCurve,
    LossSlice,
    coordinate_label,
    loss_curve,
    loss_slice,
    project_onto_plane,
    slice_directions,
)


def make_loss(k: int, *, condition_number: float = 20.0, seed: int = 0) -> QuadraticLoss:
    data = make_regression(120, k, noise=0.3, condition_number=condition_number, seed=seed)
    return QuadraticLoss.from_data(data.X, data.y)


def plane_points(s: LossSlice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every grid point as a weight vector (n_b·n_a, K), with its (i, j) indices."""
    J, I = np.meshgrid(np.arange(s.b.size), np.arange(s.a.size), indexing="ij")
    W = s.center + s.a[I.ravel(), None] * s.d1 + s.b[J.ravel(), None] * s.d2
    return W, I.ravel(), J.ravel()


@pytest.mark.parametrize("k", [2, 3, 6])
@pytest.mark.parametrize("mode", ["coordinates", "eigen"])
def test_slice_grid_equals_brute_force_loss(k, mode):
    loss = make_loss(k, seed=k)
    rng = np.random.default_rng(k)
    d1, d2, labels = slice_directions(loss, mode, pair=(0, k - 1))
    center = loss.minimizer + rng.normal(size=k)  # off w*, so the in-plane gradient matters
    s = loss_slice(loss, center, d1, d2, labels=labels, resolution=21)
    assert s.Z.shape == (21, 21) and s.labels == tuple(labels)
    W, I, J = plane_points(s)
    expected = loss.value(W)
    np.testing.assert_allclose(s.Z[J, I], expected, rtol=1e-10, atol=1e-12)
    # The in-plane quadratic in display coordinates is the same function.
    np.testing.assert_allclose(s.value(s.x[I], s.y[J]), expected, rtol=1e-10, atol=1e-12)


def test_coordinate_slice_display_coordinates_are_the_weights():
    loss = make_loss(2)
    d1, d2, labels = slice_directions(loss)
    s = loss_slice(loss, loss.minimizer, d1, d2, labels=labels)
    assert labels == ("w₁", "w₂")
    # A grid point's display coordinates are exactly its weights w₁, w₂.
    W, I, J = plane_points(s)
    np.testing.assert_allclose(np.column_stack([s.x[I], s.y[J]]), W, rtol=0, atol=1e-12)
    x, y, dist = s.project(loss.minimizer)
    assert (x[0], y[0]) == tuple(loss.minimizer) and dist[0] == 0.0
    assert s.value(x, y)[0] == pytest.approx(loss.min_value, rel=1e-12)


def test_projection_of_in_plane_points_is_exact_and_off_plane_distance_correct():
    rng = np.random.default_rng(1)
    k = 5
    center = rng.normal(size=k)
    d1, d2 = rng.normal(size=k), rng.normal(size=k)  # neither unit nor orthogonal
    a, b = rng.normal(size=40), rng.normal(size=40)
    W = center + a[:, None] * d1 + b[:, None] * d2
    pa, pb, dist = project_onto_plane(W, center, d1, d2)
    np.testing.assert_allclose(pa, a, atol=1e-10)
    np.testing.assert_allclose(pb, b, atol=1e-10)
    np.testing.assert_allclose(dist, 0.0, atol=1e-10)
    # Push every point off the plane by a known distance along a normal direction.
    D = np.column_stack([d1, d2])
    normal = rng.normal(size=k)
    normal -= D @ np.linalg.lstsq(D, normal, rcond=None)[0]
    normal /= np.linalg.norm(normal)
    offsets = rng.uniform(0.1, 3.0, size=40)
    pa2, pb2, dist2 = project_onto_plane(W + offsets[:, None] * normal, center, d1, d2)
    np.testing.assert_allclose(pa2, a, atol=1e-10)
    np.testing.assert_allclose(pb2, b, atol=1e-10)
    np.testing.assert_allclose(dist2, offsets, rtol=1e-10)
    # Oracle: least squares on [d1 d2].
    V = rng.normal(size=(10, k))
    ref = np.linalg.lstsq(D, (V - center).T, rcond=None)[0]
    got = project_onto_plane(V, center, d1, d2)
    np.testing.assert_allclose(np.vstack(got[:2]), ref, atol=1e-10)
    np.testing.assert_allclose(got[2], np.linalg.norm(V - center - (D @ ref).T, axis=1), atol=1e-10)


def test_coordinate_plane_distance_is_zero_for_k2_and_the_dropped_coordinate_for_k3():
    rng = np.random.default_rng(2)
    W2 = rng.normal(size=(50, 2)) * 1e3
    a, b, dist = project_onto_plane(W2, np.array([0.3, -0.7]), [1.0, 0.0], [0.0, 1.0])
    assert np.all(dist == 0.0)
    np.testing.assert_array_equal(a, W2[:, 0] - 0.3)
    np.testing.assert_array_equal(b, W2[:, 1] + 0.7)
    W3 = rng.normal(size=(50, 3))
    _, _, dist3 = project_onto_plane(W3, np.zeros(3), [1.0, 0, 0], [0, 0, 1.0])
    np.testing.assert_array_equal(dist3, np.abs(W3[:, 1]))


def test_projection_of_huge_finite_points_does_not_overflow():
    W = np.array([[1e200, -1e200, 1e200]])
    with np.errstate(all="raise"):
        a, b, dist = project_onto_plane(W, np.zeros(3), [1.0, 0, 0], [0, 1.0, 0])
    assert a[0] == 1e200 and b[0] == -1e200 and dist[0] == pytest.approx(1e200)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(2, 5),
    scale=st.floats(0.01, 3.0),
    mode=st.sampled_from(["coordinates", "eigen"]),
)
def test_extents_contain_all_points_and_anchors(seed, k, scale, mode):
    loss = make_loss(k, seed=seed % 50)
    rng = np.random.default_rng(seed)
    d1, d2, _ = slice_directions(loss, mode)
    w0 = loss.minimizer + rng.normal(size=k) * scale * 3
    # A stable path from w0 never leaves the sublevel set of L(w0): a GD run.
    eta = 1.0 / loss.eigenvalues[0]
    path = [w0]
    for _ in range(30):
        path.append(path[-1] - eta * loss.gradient(path[-1]))
    path = np.array(path)
    s = loss_slice(loss, loss.minimizer, d1, d2, points=[path], anchors=[loss.minimizer, w0], resolution=11)
    assert not s.clipped
    x, y, _ = s.project(np.vstack([path, loss.minimizer]))
    assert np.all(s.contains(x, y))
    assert s.x[0] < x.min() and x.max() < s.x[-1]  # with a margin
    assert s.y[0] < y.min() and y.max() < s.y[-1]


def test_bowl_is_visible_when_all_points_coincide():
    loss = make_loss(2, condition_number=50)
    d1, d2, _ = slice_directions(loss)
    s = loss_slice(loss, loss.minimizer, d1, d2, points=[loss.minimizer], anchors=[loss.minimizer])
    assert s.natural_half_width > 0
    assert s.x[-1] - s.x[0] >= 2 * s.natural_half_width
    depth = loss.value(np.zeros(2)) - loss.min_value
    # The rim of the view rises by about L(0) − L* along the steepest direction.
    assert s.Z.max() - loss.min_value >= 0.5 * depth
    # And when the loss carries no signal at all (y = 0, w* = 0) there is still a bowl.
    flat = QuadraticLoss.from_data(np.eye(3)[:, :2], np.zeros(3))
    s0 = loss_slice(flat, flat.minimizer, *slice_directions(flat)[:2])
    assert s0.x[-1] > s0.x[0] and s0.Z.max() > 0


def test_diverged_points_are_clipped_and_the_view_stays_near_the_bowl():
    loss = make_loss(2)
    d1, d2, _ = slice_directions(loss)
    anchors = [loss.minimizer, np.zeros(2)]
    calm = loss_slice(loss, loss.minimizer, d1, d2, anchors=anchors)
    # A diverging GD run: oscillates with a growing amplitude along the steepest direction.
    eta = 2.5 / loss.eigenvalues[0]
    W = [np.zeros(2)]
    for _ in range(400):
        W.append(W[-1] - eta * loss.gradient(W[-1]))
    W = np.array(W)
    W = W[np.all(np.isfinite(W), axis=1)]
    assert np.abs(W).max() > 1e50
    wild = loss_slice(loss, loss.minimizer, d1, d2, points=[W], anchors=anchors)
    assert wild.clipped and not calm.clipped
    width_calm = calm.x[-1] - calm.x[0]
    width_wild = wild.x[-1] - wild.x[0]
    assert width_wild < 20 * width_calm  # the bowl is still a sizeable part of the view
    # Anchors are never clipped, however far.
    far = loss_slice(loss, loss.minimizer, d1, d2, anchors=[*anchors, np.array([50.0, -50.0])])
    assert not far.clipped and far.contains(50.0, -50.0)


def test_eigen_directions_are_the_extreme_eigenvectors_of_A():
    loss = make_loss(4, condition_number=100, seed=3)
    d1, d2, labels = slice_directions(loss, "eigen")
    assert labels == ("most curved direction", "least curved direction")
    lam, V = np.linalg.eigh(loss.A)  # independent decomposition, ascending
    np.testing.assert_allclose(abs(d1 @ V[:, -1]), 1.0, atol=1e-10)
    np.testing.assert_allclose(abs(d2 @ V[:, 0]), 1.0, atol=1e-10)
    np.testing.assert_allclose(loss.A @ d1, lam[-1] * d1, atol=1e-10)
    np.testing.assert_allclose(loss.A @ d2, lam[0] * d2, atol=1e-10)
    # The sign is fixed: largest-magnitude component positive.
    for d in (d1, d2):
        assert d[np.argmax(np.abs(d))] > 0


def test_coordinate_directions_and_labels():
    loss = make_loss(12)
    d1, d2, labels = slice_directions(loss, pair=(2, 10))
    np.testing.assert_array_equal(d1, np.eye(12)[2])
    np.testing.assert_array_equal(d2, np.eye(12)[10])
    assert labels == ("w₃", "w₁₁")
    assert coordinate_label(0) == "w₁"
    _, _, named = slice_directions(make_loss(2), names=("b", "w₁"))
    assert named == ("b", "w₁")


def test_k1_has_one_direction_and_a_loss_curve():
    loss = make_loss(1)
    d1, d2, labels = slice_directions(loss, "eigen")
    assert d2 is None and labels == ("w₁",) and d1.tolist() == [1.0]
    w0 = np.array([-3.0])
    c = loss_curve(loss, loss.minimizer, d1, anchors=[loss.minimizer, w0], label=labels[0])
    assert isinstance(c, LossCurve)
    np.testing.assert_allclose(c.values, loss.value(c.x[:, None]), rtol=1e-12)
    np.testing.assert_allclose(c.value(c.x), c.values, rtol=1e-10, atol=1e-14)
    assert c.contains(-3.0) and c.contains(loss.minimizer[0]) and not c.clipped
    x, dist = c.project(np.array([[-3.0], [2.0]]))
    np.testing.assert_array_equal(x, [-3.0, 2.0])
    np.testing.assert_array_equal(dist, [0.0, 0.0])
    far = loss_curve(loss, loss.minimizer, d1, points=[np.array([1e30])], anchors=[loss.minimizer])
    assert far.clipped and far.x[-1] < 1e3


def test_invalid_input_is_refused_in_words():
    loss = make_loss(3)
    with pytest.raises(ValueError, match="mode must be one of"):
        slice_directions(loss, "random")
    with pytest.raises(ValueError, match="two different coordinates"):
        slice_directions(loss, pair=(1, 1))
    with pytest.raises(ValueError, match="at most 2"):
        slice_directions(loss, pair=(0, 3))
    with pytest.raises(ValueError, match="parallel"):
        loss_slice(loss, loss.minimizer, [1.0, 0, 0], [2.0, 0, 0])
    with pytest.raises(ValueError, match="center must have shape"):
        loss_slice(loss, np.zeros(2), [1.0, 0, 0], [0, 1.0, 0])
    with pytest.raises(ValueError, match="resolution"):
        loss_slice(loss, loss.minimizer, [1.0, 0, 0], [0, 1.0, 0], resolution=2)


def test_landscape_does_not_import_plotting_or_streamlit():
    code = "import sys, core.landscape; print(sorted(m for m in ('plotly', 'streamlit') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
