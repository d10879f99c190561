"""Thread count of the numba kernels (demeaning, IRLS sums) for one call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba as nb

from tradegap.errors import InputError

__all__ = ["numba_threads", "max_threads", "check_threads"]


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
