"""Numbers written for LaTeX (st.latex and $…$ in markdown): the views' one way to print math."""

from __future__ import annotations

import numpy as np


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
    """A vector (as a column) or a matrix as a LaTeX bmatrix."""
    a = np.asarray(a, dtype=float)
    rows = a[:, None] if a.ndim == 1 else a
    body = r" \\ ".join(" & ".join(tex_number(v, digits) for v in row) for row in rows)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"
