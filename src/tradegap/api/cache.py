"""A thread-safe LRU cache with single-flight: one computation per key, however many ask at once.

The API keeps serialised responses (JSON bytes) here, keyed by the data fingerprint and the
request's normalised arguments.  While a key is being computed, later callers attach to the
same :class:`Flight` (and can read its progress) instead of starting the work again.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Flight", "SingleFlightCache", "await_flight"]

T = TypeVar("T")

#: ``progress(step, done, total)``: what the computation is doing now.
ProgressFn = Callable[[str, int, int], None]


@dataclass
class Flight(Generic[T]):
    """One computation in progress: its future, the latest progress report and when it started."""

    future: Future[T]
    started: float = field(default_factory=time.monotonic)
    step: str = "starting"
    done: int = 0
    total: int = 0

    def report(self, step: str, done: int, total: int) -> None:
        """Progress callback handed to the computation (thread-safe enough: plain attribute writes)."""
        self.step, self.done, self.total = str(step), int(done), int(total)

    @property
    def elapsed(self) -> float:
        """Seconds since the computation started."""
        return time.monotonic() - self.started


async def await_flight(flight: Flight[T]) -> T:
    """Await ``flight`` from the event loop without holding a thread.

    A cancelled waiter (the client went away) leaves the computation and its other waiters alone.
    """
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[T] = loop.create_future()

    def settle(f: Future[T]) -> None:
        if waiter.done():
            return
        exc = f.exception()
        if exc is not None:
            waiter.set_exception(exc)
        else:
            waiter.set_result(f.result())

    flight.future.add_done_callback(lambda f: loop.call_soon_threadsafe(settle, f))
    return await waiter


class SingleFlightCache(Generic[T]):
    """LRU cache of computed values where concurrent misses for one key compute it once.

    Parameters
    ----------
    maxsize : int
        Entries kept (least recently used dropped first).
    workers : int
        Threads that run computations (they are CPU-bound; more than the cores gains nothing).

    Notes
    -----
    Exceptions are not cached as values: every waiter of the failed flight gets the exception, and so
    does a poller (``flight(..., reuse_failed=True)``) that asks within :attr:`failed_ttl` seconds of
    the failure, so a client polling a job that failed is told why instead of starting it again and
    again; any other call starts afresh.
    """

    #: Seconds a failed flight is still handed to callers (pollers) before the key is computed again.
    failed_ttl: float = 10.0

    def __init__(self, maxsize: int = 512, workers: int = 2) -> None:
        if maxsize < 1 or workers < 1:
            raise ValueError("maxsize and workers must be positive")
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._flights: dict[Hashable, Flight[T]] = {}
        self._failed: dict[Hashable, tuple[float, Flight[T]]] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tradegap-compute")
        self.computed = 0  #: number of computations started (for tests and the health endpoint)

    def peek(self, key: Hashable) -> T | None:
        """The cached value (refreshing its recency), or None."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        return None

    def flight(self, key: Hashable, compute: Callable[[ProgressFn], T], *, reuse_failed: bool = False) -> Flight[T]:
        """The flight computing ``key``: an existing one, a finished one for a cached value, or a new one.

        With ``reuse_failed`` (a poller), a flight that failed less than :attr:`failed_ttl` seconds ago is
        returned with its exception instead of a new one."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                fut: Future[T] = Future()
                fut.set_result(self._values[key])
                return Flight(fut, step="done")
            fl = self._flights.get(key)
            if fl is not None:
                return fl
            failed = self._failed.pop(key, None)
            if reuse_failed and failed is not None and time.monotonic() - failed[0] < self.failed_ttl:
                self._failed[key] = failed
                return failed[1]
            fl = Flight(Future())
            fl.future.set_running_or_notify_cancel()  # a waiter that goes away cannot cancel the others' answer
            self._flights[key] = fl
            self.computed += 1
        self._pool.submit(self._run, key, fl, compute)
        return fl

    def _run(self, key: Hashable, fl: Flight[T], compute: Callable[[ProgressFn], T]) -> None:
        try:
            value = compute(fl.report)
        except BaseException as exc:  # noqa: BLE001 - handed to every waiter, re-raised there
            with self._lock:
                self._flights.pop(key, None)
                self._failed[key] = (time.monotonic(), fl)
            fl.future.set_exception(exc)
            return
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
            self._flights.pop(key, None)
        fl.report("done", fl.total or 1, fl.total or 1)
        fl.future.set_result(value)

    def get(self, key: Hashable, compute: Callable[[ProgressFn], T], timeout: float | None = None) -> T:
        """The value for ``key``, computing it (once, however many callers) when missing."""
        hit = self.peek(key)
        if hit is not None:
            return hit
        return self.flight(key, compute).future.result(timeout=timeout)

    def clear(self) -> None:
        """Forget every cached value (flights in progress finish and are stored)."""
        with self._lock:
            self._values.clear()
            self._failed.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
