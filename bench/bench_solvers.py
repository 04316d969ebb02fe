"""Benchmark of issue 2: the one-pass normal equations and the loss slice.

Run ``python bench/bench_solvers.py``. It prints ratios measured in this one run (never absolute
timings against a fixed number, which would depend on the machine), with PASS/FAIL per budget:

* ``solve_least_squares(method="normal")`` on N=1e6 and N=1e7 rows, K=10, against
  (a) reading X once (``X.T @ ones``): budget ≤ 3× at N=1e6, ≤ 2× at N=1e7;
  (b) ``numpy.linalg.lstsq``: budget ≥ 8× faster at both sizes.
* ``QuadraticLoss.slice_grid`` on a 200×200 grid: budget ≤ 2 ms whatever N (it never touches the
  data), shown beside brute-force evaluation of the residuals at N=1e5.

Each timing is the minimum of several repeats after a warm-up call (numba compiles on first use).
Not a test: CI does not run it. Needs ~2 GiB of memory for the N=1e7 case.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from core import QuadraticLoss, solve_least_squares

K = 10
GRID = 200
BRUTE_ROWS = 10  # grid rows evaluated by brute force (timing scaled to all GRID rows)


def best_times(fns: dict, repeats: int) -> dict:
    """Minimum wall time of each callable over ``repeats`` rounds, after one untimed warm-up call each.

    The callables are interleaved within each round, so a burst of load from other processes hits
    the numerator and denominator of a ratio alike instead of skewing one of them.
    """
    for fn in fns.values():
        fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def environment_notes() -> list[str]:
    notes = [f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cores"]
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                notes.append(
                    f"BLAS: {pool.get('internal_api')} {pool.get('version')}, "
                    f"kernel {pool.get('architecture')}, {pool.get('num_threads')} threads"
                )
    except ImportError:
        notes.append("BLAS: threadpoolctl not installed, kernel unknown")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            notes.append(
                f"NOTE: {var}={os.environ[var]} is set; it slows current OpenBLAS kernels "
                "(read-once and lstsq baselines included). To compare against stock numpy, run with "
                "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/bench_solvers.py`."
            )
    if not any(v in os.environ for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")):
        notes.append("OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: not set")
    load = os.getloadavg()[0]
    notes.append(f"load average (1 min) at start: {load:.2f}")
    if load > 0.5:
        notes.append(
            "NOTE: other processes are using the CPU; ratios of a memory-bound pass can be "
            "off by a lot. Re-run on an idle machine before trusting a FAIL."
        )
    return notes


def bench_normal(n_samples: int, read_budget: float, lstsq_budget: float, repeats: int) -> list[tuple]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, K))  # (N, K), C-contiguous as make_regression returns it
    y = X @ rng.standard_normal(K) + 0.1 * rng.standard_normal(n_samples)  # (N,)
    ones = np.ones(n_samples)

    t = best_times(
        {"read": lambda: X.T @ ones, "normal": lambda: solve_least_squares(X, y, method="normal")}, repeats
    )
    t_read, t_normal = t["read"], t["normal"]
    t_lstsq = best_times({"lstsq": lambda: np.linalg.lstsq(X, y, rcond=None)}, 2)["lstsq"]

    # Sanity: the timed solver agrees with the reference it is timed against.
    coef = solve_least_squares(X, y, method="normal").coef
    ref = np.linalg.lstsq(X, y, rcond=None)[0]
    err = np.linalg.norm(coef - ref) / np.linalg.norm(ref)

    label = f"N=1e{round(np.log10(n_samples))}, K={K}"
    read_ratio = t_normal / t_read
    speedup = t_lstsq / t_normal
    return [
        (
            f"normal / read-once   {label}",
            f"{t_normal * 1e3:8.1f} ms / {t_read * 1e3:7.1f} ms",
            f"{read_ratio:6.2f}x",
            f"<= {read_budget:g}x",
            verdict(read_ratio <= read_budget),
        ),
        (
            f"lstsq / normal       {label}",
            f"{t_lstsq * 1e3:8.1f} ms / {t_normal * 1e3:7.1f} ms",
            f"{speedup:6.1f}x",
            f">= {lstsq_budget:g}x",
            verdict(speedup >= lstsq_budget and err <= 1e-10),
        ),
    ]


def bench_slice(n_samples: int, repeats: int, *, brute_force: bool) -> list[tuple]:
    data_rng = np.random.default_rng(1)
    X = data_rng.standard_normal((n_samples, K))  # (N, K)
    y = X @ data_rng.standard_normal(K) + 0.1 * data_rng.standard_normal(n_samples)  # (N,)
    loss = QuadraticLoss.from_data(X, y)
    center = loss.minimizer
    d1, d2 = loss.eigenvectors[:, 0], loss.eigenvectors[:, -1]
    a = np.linspace(-3, 3, GRID)
    b = np.linspace(-3, 3, GRID)

    t_slice = best_times({"slice": lambda: loss.slice_grid(center, d1, d2, a, b)}, repeats)["slice"]
    label = f"200x200 slice, N=1e{round(np.log10(n_samples))}"
    if not brute_force:
        return [
            (
                f"slice_grid           {label}",
                f"{t_slice * 1e3:8.3f} ms",
                "",
                "<= 2 ms",
                verdict(t_slice <= 2e-3),
            )
        ]

    # Brute force: the residuals of all N rows at each grid point, one grid row (200 points) at a
    # time. Its cost is the same for every grid row, so BRUTE_ROWS of them are timed and scaled.
    Z = loss.slice_grid(center, d1, d2, a, b)
    start = time.perf_counter()
    Z_brute = np.empty((BRUTE_ROWS, GRID))
    for j in range(BRUTE_ROWS):
        W = center + a[:, None] * d1 + b[j] * d2  # (GRID, K)
        R = y[:, None] - X @ W.T  # (N, GRID)
        Z_brute[j] = np.einsum("ij,ij->j", R, R) / (2 * n_samples)
    t_brute = (time.perf_counter() - start) * GRID / BRUTE_ROWS
    err = np.max(np.abs(Z[:BRUTE_ROWS] - Z_brute) / np.max(Z_brute))
    return [
        (
            f"slice_grid           {label}",
            f"{t_slice * 1e3:8.3f} ms",
            "",
            "<= 2 ms",
            verdict(t_slice <= 2e-3 and err <= 1e-10),
        ),
        (
            f"brute force / slice  {label}",
            f"{t_brute * 1e3:8.0f} ms / {t_slice * 1e3:7.3f} ms",
            f"{t_brute / t_slice:6.0f}x",
            f"({BRUTE_ROWS}/{GRID} rows timed; diff {err:.0e})",
            "",
        ),
    ]


def main() -> int:
    print("bench_solvers: issue 2 budgets (ratios measured in this run)")
    for note in environment_notes():
        print("  " + note)

    # Warm-up: compile the numba kernels (serial and parallel paths) before any timing.
    warm = np.random.default_rng(2).standard_normal((40_000, K))
    solve_least_squares(warm, warm[:, 0], method="normal")
    solve_least_squares(warm[:100], warm[:100, 0], method="normal")

    rows = []
    rows += bench_normal(1_000_000, read_budget=3.0, lstsq_budget=8.0, repeats=9)
    rows += bench_normal(10_000_000, read_budget=2.0, lstsq_budget=8.0, repeats=5)
    rows += bench_slice(100_000, repeats=50, brute_force=True)
    rows += bench_slice(10_000_000, repeats=50, brute_force=False)

    header = ("measure", "times (min of repeats)", "ratio", "budget", "result")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(line)
    failed = sum(r[4] == "FAIL" for r in rows)
    print(f"{'all budgets met' if not failed else f'{failed} budget(s) missed'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
