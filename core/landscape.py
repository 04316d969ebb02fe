"""The geometry of the landscape views: slice directions, grids, extents, projections.

The dashboard draws the loss L(w) = ‖y − Xw‖²/(2N) over a plane (or, for K = 1,
a line) through a ``center``, usually w*::

    w(a, b) = center + a·d1 + b·d2

``a`` and ``b`` are offsets from the center (what ``QuadraticLoss.slice_grid``
takes). The figures label their axes with *display coordinates* instead: the
least-squares coordinates of w itself along (d1, d2), i.e. ``x = offset[0] + a``
with ``offset`` the coordinates of the center. For a coordinate slice that is
simply x = w_i and y = w_j, so w* appears at the numbers ``core`` computed.

On a plane the loss is again a quadratic, L = L(center) + gᵀu + ½ uᵀHu with
H = DᵀAD and g = DᵀA(center − w*), D = [d1 d2]; the extents below come from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validation import check_choice, check_float, check_int, check_weights

MODES = ("coordinates", "eigen")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# Eigenvalues of H below this fraction of the largest count as flat when locating the
# in-plane minimum: along a flat direction (rank-deficient X) the minimum is not unique,
# and the excess used to cut off diverged points does not grow there anyway.
_FLAT = 1e-10


def coordinate_label(index: int) -> str:
    """``"w₁"`` for index 0: the 1-based coordinate name with subscript digits."""
    return "w" + str(index + 1).translate(_SUBSCRIPTS)


def slice_directions(loss, mode="coordinates", *, pair=(0, 1), names=None):
    """Directions of the plane (or line, for K = 1) that the landscape views draw.

    Parameters
    ----------
    loss : QuadraticLoss
    mode : {"coordinates", "eigen"}, default="coordinates"
        ``"coordinates"``: the unit vectors e_i, e_j of ``pair``. ``"eigen"``: the most
        and least curved eigenvectors of A = XᵀX/N (largest and smallest eigenvalue),
        where gradient descent is fastest and slowest.
    pair : tuple of two ints, default=(0, 1)
        Zero-based coordinate indices for ``mode="coordinates"``; distinct, < K.
    names : sequence of K str, optional
        Coordinate names (e.g. ``("b", "w₁")`` with an intercept column first);
        default ``"w₁", "w₂", ...``.

    Returns
    -------
    d1 : ndarray of shape (n_features,)
    d2 : ndarray of shape (n_features,) or None
        None when K = 1: the view is a loss curve along ``d1``.
    labels : tuple of str
        One axis label per direction.

    Notes
    -----
    Eigenvectors are defined up to sign; the sign here makes the largest-magnitude
    component positive, so the view does not flip between reruns.
    """
    mode = check_choice("mode", mode, MODES)
    k = loss.n_features
    if names is None:
        names = tuple(coordinate_label(i) for i in range(k))
    elif len(names) != k:
        raise ValueError(f"names must give one name per feature ({k}), got {len(names)}.")
    if k == 1:
        return np.ones(1), None, (names[0],)
    if mode == "eigen":
        V = loss.eigenvectors  # (K, K), most curved first
        d1, d2 = _fix_sign(V[:, 0]), _fix_sign(V[:, -1])
        return d1, d2, ("most curved direction", "least curved direction")
    if len(pair) != 2:
        raise ValueError(f"pair must hold two coordinate indices, got {pair!r}.")
    i, j = (check_int("pair index", p, minimum=0, maximum=k - 1) for p in pair)
    if i == j:
        raise ValueError(f"pair must name two different coordinates, got {pair!r}.")
    eye = np.eye(k)
    return eye[i], eye[j], (names[i], names[j])


def _fix_sign(v: np.ndarray) -> np.ndarray:
    v = np.array(v, dtype=float)
    return -v if v[np.argmax(np.abs(v))] < 0 else v


@dataclass(frozen=True, eq=False)
class LossSlice:
    """The exact loss on a plane through ``center``, gridded for a surface or contour.

    Attributes
    ----------
    center, d1, d2 : ndarray of shape (n_features,)
        The plane w = center + a·d1 + b·d2.
    a : ndarray of shape (n_a,)
        Grid offsets from the center along ``d1``.
    b : ndarray of shape (n_b,)
        Grid offsets from the center along ``d2``.
    Z : ndarray of shape (n_b, n_a)
        ``Z[j, i] = L(center + a[i]·d1 + b[j]·d2)``.
    offset : ndarray of shape (2,)
        Display coordinates of the center (its components along d1, d2).
    labels : tuple of two str
        Axis labels.
    min_value : float
        The global minimum L* (the slice's own minimum is larger off w*).
    hessian : ndarray of shape (2, 2)
        H = DᵀAD, the curvature of the loss within the plane.
    gradient : ndarray of shape (2,)
        g = DᵀA(center − w*), the in-plane gradient at the center.
    center_value : float
        L(center).
    natural_half_width : float
        Half-width around the center where the loss rises by a visible amount.
    clipped : bool
        True when some of the given points lie outside the view (a diverging run),
        so the figure can say so.
    """

    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    a: np.ndarray
    b: np.ndarray
    Z: np.ndarray
    offset: np.ndarray
    labels: tuple[str, str]
    min_value: float
    hessian: np.ndarray
    gradient: np.ndarray
    center_value: float
    natural_half_width: float
    clipped: bool

    @property
    def x(self) -> np.ndarray:
        """Display coordinates of the grid along d1, shape (n_a,)."""
        return self.offset[0] + self.a

    @property
    def y(self) -> np.ndarray:
        """Display coordinates of the grid along d2, shape (n_b,)."""
        return self.offset[1] + self.b

    def project(self, W):
        """Display coordinates (x, y) and off-plane distance of each row of ``W`` (M, K)."""
        a, b, dist = project_onto_plane(W, self.center, self.d1, self.d2)
        return self.offset[0] + a, self.offset[1] + b, dist

    def value(self, x, y) -> np.ndarray:
        """Exact loss on the plane at display coordinates ``x``, ``y`` (broadcast together)."""
        u = np.asarray(x, dtype=float) - self.offset[0]
        v = np.asarray(y, dtype=float) - self.offset[1]
        (haa, hab), (_, hbb) = self.hessian
        with np.errstate(over="ignore", invalid="ignore"):
            linear = self.gradient[0] * u + self.gradient[1] * v
            return self.center_value + linear + 0.5 * (haa * u * u + 2 * hab * u * v + hbb * v * v)

    def contains(self, x, y) -> np.ndarray:
        """Whether display coordinates lie inside the drawn extent (boolean array)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return (x >= self.x[0]) & (x <= self.x[-1]) & (y >= self.y[0]) & (y <= self.y[-1])


@dataclass(frozen=True, eq=False)
class LossCurve:
    """The exact loss along a line w = center + t·d1 (the K = 1 view).

    Attributes
    ----------
    center, d1 : ndarray of shape (n_features,)
    t : ndarray of shape (n,)
        Grid offsets from the center along ``d1``.
    values : ndarray of shape (n,)
        ``L(center + t·d1)``.
    offset : float
        Display coordinate of the center (for K = 1 and d1 = 1: the center itself).
    label : str
    min_value : float
        The global minimum L*.
    curvature : float
        d1ᵀAd1.
    slope : float
        d1ᵀA(center − w*).
    center_value : float
    natural_half_width : float
    clipped : bool
    """

    center: np.ndarray
    d1: np.ndarray
    t: np.ndarray
    values: np.ndarray
    offset: float
    label: str
    min_value: float
    curvature: float
    slope: float
    center_value: float
    natural_half_width: float
    clipped: bool

    @property
    def x(self) -> np.ndarray:
        """Display coordinates of the grid, shape (n,)."""
        return self.offset + self.t

    def project(self, W):
        """Display coordinate and distance from the line of each row of ``W`` (M, K)."""
        t, dist = _project(W, self.center, self.d1[:, None])
        return self.offset + t[:, 0], dist

    def value(self, x) -> np.ndarray:
        """Exact loss on the line at display coordinates ``x``."""
        t = np.asarray(x, dtype=float) - self.offset
        with np.errstate(over="ignore", invalid="ignore"):
            return self.center_value + self.slope * t + 0.5 * self.curvature * t * t

    def contains(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return (x >= self.x[0]) & (x <= self.x[-1])


def project_onto_plane(W, center, d1, d2):
    """Least-squares coordinates of points in the plane center + a·d1 + b·d2.

    Parameters
    ----------
    W : array-like of shape (M, n_features) or (n_features,)
    center, d1, d2 : array-like of shape (n_features,)
        ``d1`` and ``d2`` must not be parallel; they need not be orthogonal.

    Returns
    -------
    a, b : ndarray of shape (M,)
        Coordinates minimizing ‖w − center − a·d1 − b·d2‖.
    distance : ndarray of shape (M,)
        Distance of each point from the plane (0 for points in it; for K = 2 always 0).
    """
    k = np.asarray(center).size
    center = check_weights("center", center, k)[0][0]
    D = np.column_stack([check_weights(n, d, k)[0][0] for n, d in (("d1", d1), ("d2", d2))])
    coords, dist = _project(W, center, D)
    return coords[:, 0], coords[:, 1], dist


def _project(W, center: np.ndarray, D: np.ndarray):
    """Coordinates (M, m) of rows of W in span(D) around ``center``, and distances (M,)."""
    W = check_weights("W", W, D.shape[0])[0]
    with np.errstate(over="ignore", invalid="ignore"):
        E = W - center  # (M, K)
        # Orthonormal directions (all the views use them) project exactly by Dᵀ: a
        # coordinate slice then reads w_i − c_i with no rounding, and K = 2 gives distance 0.
        coords = E @ _pseudo_inverse(D).T  # (M, m)
        R = E - coords @ D.T  # (M, K) residual off the plane
    return coords, _row_norms(R)


def _pseudo_inverse(D: np.ndarray) -> np.ndarray:
    gram = D.T @ D  # (m, m)
    if np.allclose(gram, np.eye(D.shape[1]), rtol=0, atol=1e-12):
        return D.T
    s = np.linalg.svd(D, compute_uv=False)
    if s[-1] <= s[0] * 1e-10:
        raise ValueError(
            "The slice directions are parallel (or zero), so they span no plane; "
            "pass two independent directions, e.g. from slice_directions()."
        )
    return np.linalg.pinv(D)


def _row_norms(R: np.ndarray) -> np.ndarray:
    # Scaled so a diverged-but-finite iterate (~1e200) does not overflow to inf.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scale = np.max(np.abs(R), axis=1) if R.shape[1] else np.zeros(R.shape[0])
        safe = np.where(scale > 0, scale, 1.0)
        return np.where(scale > 0, scale * np.linalg.norm(R / safe[:, None], axis=1), 0.0)


def _stack_points(name: str, points, k: int) -> np.ndarray:
    """Accept a (M, K) array, a (K,) vector or a sequence of either; keep finite rows."""
    if points is None:
        return np.empty((0, k))
    if isinstance(points, np.ndarray):
        blocks = [points]
    else:
        blocks = list(points)
        if not blocks:
            return np.empty((0, k))
    rows = np.vstack([check_weights(name, np.atleast_2d(np.asarray(p, dtype=float)), k)[0] for p in blocks])
    return rows[np.all(np.isfinite(rows), axis=1)]


def _natural_half_width(loss, mu_max: float, min_half_width: float) -> float:
    """Half-width over which the loss visibly rises along the most curved in-view direction.

    The visible rise is the depth of the bowl seen from the origin, L(0) − L* (what
    the model explains); with no signal the noise level L*; with neither, 1.
    """
    depth = float(loss.value(np.zeros(loss.n_features))) - loss.min_value
    if not depth > 0:
        depth = loss.min_value if loss.min_value > 0 else 1.0
    if mu_max > 0:
        width = np.sqrt(2 * depth / mu_max)
    else:  # the loss is flat on this plane: fall back on the size of w*
        width = max(float(np.linalg.norm(loss.minimizer)), 1.0)
    return float(max(width, min_half_width))


def _extent(H, g, U_anchor, U_pts, t_nat, margin, max_zoom_out, min_aspect=0.0, snap=0):
    """Low/high offsets per direction (m,), and whether points were left out of the view.

    A point counts when its in-plane excess q(u) − q_min is at most ``max_zoom_out``²·E,
    with E the larger of the visible rise and the anchors' excess: a stable run started
    at an anchor never climbs above E, so only a diverging (or wildly overshooting) run
    is cut off, before it shrinks the bowl to a dot. Measured in loss rather than by a
    box, the cut stays tight across a tilted, narrow valley. With ``snap`` > 0 the points
    widen the view in steps of 1/snap of the anchors' frame (see :func:`loss_slice`).
    """
    m = H.shape[0]
    mu, V = np.linalg.eigh(H)
    mu_max = max(float(mu[-1]), 0.0)
    mu_safe = np.maximum(mu, _FLAT * mu_max) if mu_max > 0 else np.ones(m)
    u_min = -((V / mu_safe) @ V.T) @ g  # in-plane minimizer (regularized along flat directions)
    excess = 0.5 * mu_max * t_nat**2 if mu_max > 0 else 1.0
    if len(U_anchor):
        excess = max(excess, float(np.max(_quadratic_excess(U_anchor, u_min, H))))
    # The anchors' frame is symmetric about the center (normally w*), so the whole bowl
    # around the minimum is seen, not just the side the runs start on.
    reach = np.full(m, t_nat)
    if len(U_anchor):
        reach = np.maximum(reach, np.abs(U_anchor).max(axis=0))
    lo, hi = -reach, reach.copy()
    clipped = False
    if len(U_pts):
        inside = _quadratic_excess(U_pts, u_min, H) <= max_zoom_out**2 * excess  # inf/NaN → False
        clipped = not bool(np.all(inside))
        if np.any(inside):
            lo = np.minimum(lo, U_pts[inside].min(axis=0))
            hi = np.maximum(hi, U_pts[inside].max(axis=0))
    if snap:
        step = 2.0 * float(reach.max()) / snap  # the widest side of the anchors' frame is whole steps
        lo, hi = np.floor(lo / step) * step, np.ceil(hi / step) * step
    if m == 2 and min_aspect > 0:
        # Widen the shorter side about its middle: a path along one axis would
        # otherwise leave a sliver of a view and hide the bowl around it.
        span = hi - lo
        grow = np.maximum(min_aspect * span.max() - span, 0.0) / 2
        lo, hi = lo - grow, hi + grow
    pad = margin * 0.5 * float(np.max(hi - lo))
    return lo - pad, hi + pad, clipped


def _quadratic_excess(U, u_min, H):
    """½ (u − u_min)ᵀH(u − u_min) per row; inf for a far-off diverged point."""
    with np.errstate(over="ignore", invalid="ignore"):
        D = U - u_min
        return 0.5 * np.einsum("ij,jk,ik->i", D, H, D)


def _check_common(loss, center, resolution, margin, min_half_width, max_zoom_out):
    center = check_weights("center", center, loss.n_features)[0][0]
    if not np.all(np.isfinite(center)):
        raise ValueError("center must be finite; pass w* or another finite point.")
    resolution = check_int("resolution", resolution, minimum=3, maximum=1001)
    margin = check_float("margin", margin, minimum=0.0, maximum=10.0)
    max_zoom_out = check_float("max_zoom_out", max_zoom_out, minimum=1.0)
    if min_half_width is None:
        min_half_width = 1e-6 * max(1.0, float(np.max(np.abs(center))))
    min_half_width = check_float("min_half_width", min_half_width, minimum=0.0, strict_minimum=True)
    return center, resolution, margin, min_half_width, max_zoom_out


def loss_slice(
    loss,
    center,
    d1,
    d2,
    *,
    points=(),
    anchors=(),
    labels: Sequence[str] = ("along d₁", "along d₂"),
    resolution=61,
    margin=0.25,
    min_half_width=None,
    max_zoom_out=2.0,
    min_aspect=0.6,
    snap=0,
) -> LossSlice:
    """Grid the exact loss on the plane center + a·d1 + b·d2 over a view that fits.

    Parameters
    ----------
    loss : QuadraticLoss
    center, d1, d2 : array-like of shape (n_features,)
        Usually ``loss.minimizer`` and the output of :func:`slice_directions`.
    points : array-like of shape (M, n_features), or a sequence of such arrays
        Points to show, e.g. every optimizer path. Covered unless they run far
        outside the natural view (see ``max_zoom_out``); non-finite rows are ignored.
    anchors : array-like of shape (M, n_features), or a sequence of such arrays
        Points always shown and never clipped: w*, start points.
    labels : tuple of two str
        Axis labels, e.g. from :func:`slice_directions`.
    resolution : int, default=61
        Grid points per axis.
    margin : float, default=0.25
        Fraction of the larger half-extent added on every side.
    min_half_width : float, optional
        Smallest half-width around the center; default 1e-6·max(1, ‖center‖∞).
    max_zoom_out : float, default=2.0
        Points farther out than this factor times the level set of the anchors (or
        of the natural bowl) — i.e. whose in-plane loss excess is above its square
        times theirs — do not widen the view, and ``clipped`` is set.
    min_aspect : float, default=0.6
        The shorter side of the view is widened to at least this fraction of the
        longer one (0 keeps the tight box).
    snap : int, default=0
        When above 0, points widen the view only in whole steps of 1/snap of the
        anchors' frame, so points that move a little (another learning rate) leave
        the grid, and so the surface drawn from it, exactly as it was.

    Returns
    -------
    LossSlice

    Notes
    -----
    The natural half-width is where the loss rises by L(0) − L* along the most
    curved direction in the plane, so the bowl is visible even when every point
    coincides with w*, and an ill-conditioned valley shows as a long thin one.
    """
    center, resolution, margin, min_half_width, max_zoom_out = _check_common(
        loss, center, resolution, margin, min_half_width, max_zoom_out
    )
    min_aspect = check_float("min_aspect", min_aspect, minimum=0.0, maximum=1.0)
    snap = check_int("snap", snap, minimum=0, maximum=1000)
    k = loss.n_features
    D = np.column_stack([check_weights(n, d, k)[0][0] for n, d in (("d1", d1), ("d2", d2))])  # (K, 2)
    if len(labels) != 2:
        raise ValueError(f"labels must hold two axis labels, got {labels!r}.")
    P = _pseudo_inverse(D)  # (2, K); also rejects parallel directions
    AD = loss.A @ D
    H = 0.5 * (D.T @ AD + (D.T @ AD).T)  # (2, 2)
    g = AD.T @ (center - loss.minimizer)  # (2,)
    t_nat = _natural_half_width(loss, max(float(np.linalg.eigvalsh(H)[-1]), 0.0), min_half_width)
    U_anchor = _project(_stack_points("anchors", anchors, k), center, D)[0]
    U_pts = _project(_stack_points("points", points, k), center, D)[0]
    lo, hi, clipped = _extent(H, g, U_anchor, U_pts, t_nat, margin, max_zoom_out, min_aspect, snap)
    a = np.linspace(lo[0], hi[0], resolution)
    b = np.linspace(lo[1], hi[1], resolution)
    Z = loss.slice_grid(center, D[:, 0], D[:, 1], a, b)  # (n_b, n_a)
    return LossSlice(
        center=center,
        d1=D[:, 0].copy(),
        d2=D[:, 1].copy(),
        a=a,
        b=b,
        Z=Z,
        offset=P @ center,
        labels=(str(labels[0]), str(labels[1])),
        min_value=float(loss.min_value),
        hessian=H,
        gradient=g,
        center_value=float(loss.value(center)),
        natural_half_width=t_nat,
        clipped=clipped,
    )


def loss_curve(
    loss,
    center,
    d1,
    *,
    points=(),
    anchors=(),
    label: str = "w₁",
    resolution=201,
    margin=0.25,
    min_half_width=None,
    max_zoom_out=2.0,
) -> LossCurve:
    """The exact loss along the line center + t·d1, over a range that fits (the K = 1 view).

    Parameters are those of :func:`loss_slice` with one direction; ``label`` names
    the axis. Returns a :class:`LossCurve`.
    """
    center, resolution, margin, min_half_width, max_zoom_out = _check_common(
        loss, center, resolution, margin, min_half_width, max_zoom_out
    )
    k = loss.n_features
    d = check_weights("d1", d1, k)[0][0]
    if not np.any(d):
        raise ValueError("d1 must be a non-zero direction.")
    D = d[:, None]  # (K, 1)
    h = float(d @ loss.A @ d)
    slope = float(d @ loss.A @ (center - loss.minimizer))
    t_nat = _natural_half_width(loss, max(h, 0.0), min_half_width)
    U_anchor = _project(_stack_points("anchors", anchors, k), center, D)[0]
    U_pts = _project(_stack_points("points", points, k), center, D)[0]
    H, g = np.array([[h]]), np.array([slope])
    lo, hi, clipped = _extent(H, g, U_anchor, U_pts, t_nat, margin, max_zoom_out)
    t = np.linspace(lo[0], hi[0], resolution)
    values = loss.value(center + t[:, None] * d)  # (n,)
    return LossCurve(
        center=center,
        d1=d.copy(),
        t=t,
        values=values,
        offset=float(_pseudo_inverse(D)[0] @ center),
        label=str(label),
        min_value=float(loss.min_value),
        curvature=h,
        slope=slope,
        center_value=float(loss.value(center)),
        natural_half_width=t_nat,
        clipped=clipped,
    )
