"""Numbers written for LaTeX (st.latex and $…$ in markdown): the views' one way to print math."""

from __future__ import annotations

import numpy as np

ROUNDING = 1e-12  # entries this small relative to a matrix's largest are rounding noise: written 0


def tex_number(value, digits: int = 4) -> str:
    """A number for LaTeX: ``digits`` significant digits, powers of ten written as ×10^e."""
    v = float(value)
    if not np.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\mathrm{NaN}")
    if v == 0:
        return "0"
    exponent = int(np.floor(np.log10(abs(v))))
    if -3 <= exponent < digits:
        text = f"{v:.{digits}g}"
        if "e" not in text:  # 9999.7 at 4 digits rounds up to 1e+04: fall through to ×10^e
            return "0" if float(text) == 0 else text
    mantissa, e = f"{v:.{digits - 1}e}".split("e")
    return rf"{mantissa} \times 10^{{{int(e)}}}"


def tex_matrix(a, digits: int = 4) -> str:
    """A vector (as a column) or a matrix as a LaTeX bmatrix.

    Entries at most ROUNDING times the largest are written 0. Entries far from 1 would each
    carry their own ×10^e and overflow a projector's width;
    then a common power of ten is factored out: ``10^{-3} \\times \\begin{bmatrix}5.078 & ...``.
    """
    a = np.asarray(a, dtype=float)
    rows = a[:, None] if a.ndim == 1 else a
    finite = np.abs(rows[np.isfinite(rows)])
    if finite.size:  # rounding noise (a standardized column's sum, ~1e-15 × the rest) is shown as 0
        rows = np.where(np.abs(rows) <= ROUNDING * finite.max(), 0.0, rows)
    sizes = np.abs(rows[np.isfinite(rows) & (rows != 0)])
    prefix = ""
    if sizes.size and (sizes.min() < 1e-3 or sizes.max() >= 10.0**digits):  # some entry would need ×10^e
        exponent = int(np.floor(np.log10(sizes.max())))
        if exponent != 0:
            prefix = rf"10^{{{exponent}}} \times "
            rows = rows / 10.0**exponent
    body = r" \\ ".join(" & ".join(tex_number(v, digits) for v in row) for row in rows)
    return prefix + r"\begin{bmatrix}" + body + r"\end{bmatrix}"
