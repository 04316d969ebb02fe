"""Optimizer paths as the figures receive them, and thinning them for drawing.

Downsampling is for drawing only: the trajectory keeps every iterate, the figure
ships a bounded number of them (the JSON per rerun is the budget).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

DEFAULT_MAX_POINTS = 400


@dataclass(frozen=True)
class PathSpec:
    """One compared run as a figure draws it.

    Attributes
    ----------
    label : str
        Legend entry, e.g. ``"GD, η = 0.1"``.
    color : str
        CSS colour, normally from :data:`dashboard.figures.style.PATH_COLORS`.
    trajectory : object
        Anything with ``weights`` (n, K), ``loss`` (n,), ``steps`` (n,), ``diverged``,
        ``converged`` and ``message``, e.g. ``core.Trajectory``.
    """

    label: str
    color: str
    trajectory: Any


def downsample_indices(points, max_points: int = DEFAULT_MAX_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` rows to draw, always including the first and last.

    Half the budget is spread evenly in index (time), half evenly in arc length of
    ``points`` (n, d) in drawing coordinates. Arc length keeps the zig-zag of gradient
    descent in a narrow valley: an even stride alone can alias it into a smooth curve.

    Parameters
    ----------
    points : array-like of shape (n, d) or (n,)
    max_points : int, default=400
        At least 2.

    Returns
    -------
    ndarray of int, sorted and unique, with ``[0]`` = 0 and ``[-1]`` = n − 1.
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2 to keep the first and last point, got {max_points}.")
    P = np.asarray(points, dtype=float)
    P = P.reshape(len(P), -1)
    n = len(P)
    if n <= max_points:
        return np.arange(n)
    by_time = np.linspace(0, n - 1, max(2, max_points // 2)).round().astype(int)
    with np.errstate(over="ignore", invalid="ignore"):
        seg = np.linalg.norm(np.diff(P, axis=0), axis=1)
    seg = np.where(np.isfinite(seg), seg, 0.0)
    arc = np.concatenate([[0.0], np.cumsum(seg)])
    n_arc = max_points - by_time.size
    if arc[-1] > 0 and np.isfinite(arc[-1]):
        targets = np.linspace(0.0, arc[-1], n_arc)
        by_arc = np.clip(np.searchsorted(arc, targets), 0, n - 1)
    else:
        by_arc = np.array([], dtype=int)
    # by_time already holds 0 and n − 1, so the union has at most max_points entries.
    return np.unique(np.concatenate([by_time, by_arc]))


def downsample_path(weights, loss, steps, max_points: int = DEFAULT_MAX_POINTS):
    """Thin a path for drawing, keeping its first and last point exactly.

    Parameters
    ----------
    weights : array-like of shape (n, K)
        Iterates (or their drawing coordinates); also the arc-length metric.
    loss : array-like of shape (n,)
    steps : array-like of shape (n,)
    max_points : int, default=400

    Returns
    -------
    weights : ndarray of shape (m, K)
    loss : ndarray of shape (m,)
    steps : ndarray of shape (m,)
        With m ≤ ``max_points``.
    """
    W = np.asarray(weights, dtype=float)
    idx = downsample_indices(W, max_points)
    return W[idx], np.asarray(loss, dtype=float)[idx], np.asarray(steps)[idx]
