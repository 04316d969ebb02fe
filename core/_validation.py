"""Input validation, in one place, run first by every public function.

Every failure is a ``ValueError`` that names the parameter, the value received
and what to do, so a lecturer typing into a notebook (or a widget feeding the
dashboard) never sees a bare numpy traceback.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if not isinstance(value, bool) and isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number, got {_describe(value)}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def check_float(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    hint: str = "",
) -> float:
    """Return ``value`` as a finite float, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {_describe(value)}.")
    value = float(value)
    suffix = f" {hint}" if hint else ""
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.{suffix}")
    if minimum is not None:
        if strict_minimum and value <= minimum:
            raise ValueError(f"{name} must be greater than {minimum:g}, got {value:g}.{suffix}")
        if not strict_minimum and value < minimum:
            raise ValueError(f"{name} must be at least {minimum:g}, got {value:g}.{suffix}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:g}, got {value:g}.{suffix}")
    return value


def check_array(name: str, value, *, ndim: int, finite: bool = True) -> np.ndarray:
    """Return ``value`` as a float64 array with ``ndim`` dimensions (and finite, unless told not to).

    ``finite=False`` is for callers that detect non-finite input more cheaply
    themselves (a one-pass Gram is non-finite exactly when its input is, or
    overflows); they then call again with ``finite=True`` for the message.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must hold numbers only; got values that cannot be read as numbers "
            f"(dtype {np.asarray(value, dtype=object).dtype}). Convert or drop the non-numeric entries."
        ) from None
    if array.ndim != ndim:
        shape = "(n_samples, n_features)" if ndim == 2 else "(n_samples,)"
        raise ValueError(
            f"{name} must be a {ndim}-D array of shape {shape}, got shape {array.shape}."
            + (" Reshape a single feature with X.reshape(-1, 1)." if ndim == 2 and array.ndim == 1 else "")
        )
    if array.size == 0 or any(n < 1 for n in array.shape):
        raise ValueError(f"{name} must not be empty, got shape {array.shape}.")
    if finite and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{name} contains {bad} non-finite value(s) (NaN or inf); remove or impute them first."
        )
    return array


def check_X_y(X, y, *, finite: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Validate a design matrix and target vector and return them as float64 arrays."""
    X = check_array("X", X, ndim=2, finite=finite)
    y = check_array("y", y, ndim=1, finite=finite)
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            "Number of samples in X and y does not correspond: "
            f"{X.shape[0]} != {y.shape[0]}. Pass one target value per row of X."
        )
    return X, y


def check_choice(name: str, value, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, or raise listing them."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {_describe(value)}.")
    return value


def check_weights(name: str, W, n_features: int) -> tuple[np.ndarray, bool]:
    """Return weights as an (M, K) array plus whether a single (K,) vector was given."""
    try:
        W = np.asarray(W, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers only, got {_describe(W)}.") from None
    single = W.ndim == 1
    W2 = W.reshape(1, -1) if single else W
    if W2.ndim != 2 or W2.shape[1] != n_features:
        raise ValueError(
            f"{name} must have shape ({n_features},) or (M, {n_features}) for this loss, got {W.shape}."
        )
    return W2, single
