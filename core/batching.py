"""How a batch size splits N samples into steps: the one place that does this arithmetic.

An epoch is one pass over the data. Full batch (``batch_size=None``, or any B ≥ N)
takes one step per epoch; minibatch SGD takes ⌈N/B⌉, the last batch holding the
remainder.
"""

from __future__ import annotations

from ._validation import check_int


def steps_per_epoch(n_samples: int, batch_size: int | None) -> int:
    """Optimizer steps in one epoch: ⌈N/B⌉, or 1 for full batch.

    Parameters
    ----------
    n_samples : int
        N, the rows of the data.
    batch_size : int or None
        B; None (or B ≥ N) is full batch.

    Returns
    -------
    int

    Examples
    --------
    >>> steps_per_epoch(10, 3), steps_per_epoch(10, None), steps_per_epoch(10, 50)
    (4, 1, 1)
    """
    if batch_size is None:
        return 1
    return -(-int(n_samples) // int(batch_size))


def effective_batch_size(batch_size: int | None, n_samples: int) -> int | None:
    """The batch size a run really uses: None (full batch) for None or any B ≥ N, else B.

    For a user interface whose batch menu does not know N: a batch as large as
    the data is the whole data. (``run_optimizer`` itself refuses B > N.)
    """
    if batch_size is None or batch_size >= n_samples:
        return None
    return int(batch_size)


def check_batch_size(batch_size, n_samples: int) -> int | None:
    """Validate B for N samples (1 ≤ B ≤ N, or None); B = N is full batch and becomes None."""
    if batch_size is None:
        return None
    batch_size = check_int("batch_size", batch_size, minimum=1, maximum=n_samples)
    return effective_batch_size(batch_size, n_samples)
