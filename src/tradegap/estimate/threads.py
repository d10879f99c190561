"""Thread count of the numba kernels (demeaning, IRLS sums) for one call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba as nb

from tradegap.errors import InputError

__all__ = ["PARALLEL_MIN_ROWS", "check_threads", "max_threads", "numba_threads", "threads_for"]

#: Below this many rows a fit runs on one thread unless told otherwise: starting and
#: synchronising threads costs more than it saves, and on a busy machine a parallel region
#: waits for a descheduled thread (sector batches of a few thousand rows ran 5-50x slower).
PARALLEL_MIN_ROWS = 100_000


def max_threads() -> int:
    """Most threads the kernels can use: ``NUMBA_NUM_THREADS`` (default: the number of CPU cores)."""
    return int(nb.config.NUMBA_NUM_THREADS)


def check_threads(threads: object, where: str = "fepois") -> int | None:
    """Validate a ``threads`` argument: ``None`` or an integer from 1 to :func:`max_threads`."""
    if threads is None:
        return None
    top = max_threads()
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= top:
        raise InputError(
            f"The 'threads' parameter of {where} must be an integer from 1 to {top}. Got {threads!r} instead.",
            hint=f"{top} is NUMBA_NUM_THREADS (default: the number of CPU cores); set that variable "
            "before starting Python to allow more.",
        )
    return threads


def threads_for(threads: int | None, n_rows: int) -> int | None:
    """The thread count for a fit of ``n_rows`` rows: ``threads`` if given, else 1 below
    :data:`PARALLEL_MIN_ROWS` and numba's setting (``None``) above."""
    if threads is not None:
        return threads
    return 1 if n_rows < PARALLEL_MIN_ROWS else None


@contextmanager
def numba_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` numba threads (``None``: leave the current setting)."""
    if threads is None:
        yield
        return
    old = nb.get_num_threads()
    nb.set_num_threads(threads)
    try:
        yield
    finally:
        nb.set_num_threads(old)
