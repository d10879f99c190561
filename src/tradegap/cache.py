"""The one result cache: keyed by the data's fingerprint and the specification, thread-safe.

Every computed result that is worth keeping (a fitted structural model, an assembled panel,
a brief) goes through :data:`CACHE`.  A key is ``(fingerprint, spec)``:

* the **fingerprint** names the data the result was computed from —
  :func:`embedded_fingerprint` (a hash of the shipped Parquet files) for the embedded data,
  :func:`store_fingerprint` for a store (its path, its ingest log and the embedded hash);
  :meth:`tradegap.store.Store.ingest` adds a row to the ingest log, so every key computed
  before an ingest stops matching and the same process answers from the new data;
* the **spec** is a hashable tuple naming the computation and its arguments, e.g.
  ``("structural", "baci", (2013, 2016, 2019), 100)``.

The interface is small on purpose — :meth:`ResultCache.get`, :meth:`ResultCache.put`,
:meth:`ResultCache.get_or_compute`, :meth:`ResultCache.clear` and the fingerprint functions —
so that a persistent backend (e.g. DuckDB tables keyed by the same fingerprint and spec) can
replace the in-memory one.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any, Final, Protocol, TypeVar

__all__ = ["CACHE", "MISSING", "Backend", "ResultCache", "embedded_fingerprint", "store_fingerprint"]

T = TypeVar("T")

#: Returned by :meth:`ResultCache.get` for a key that is not cached.
MISSING: Final[object] = object()


class Backend(Protocol):
    """What a cache backend provides (the in-memory :class:`ResultCache` or a persistent one)."""

    def get(self, fingerprint: str, spec: Hashable) -> Any: ...  # noqa: D102
    def put(self, fingerprint: str, spec: Hashable, value: Any) -> None: ...  # noqa: D102
    def clear(self) -> None: ...  # noqa: D102


class ResultCache:
    """A bounded, thread-safe LRU map ``(fingerprint, spec) → result``.

    Parameters
    ----------
    maxsize : int
        Entries kept; the least recently used one is dropped beyond it.
    """

    def __init__(self, maxsize: int = 128) -> None:
        self.maxsize = int(maxsize)
        self._lock = threading.Lock()
        self._data: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()

    def get(self, fingerprint: str, spec: Hashable) -> Any:
        """The cached value, or :data:`MISSING`."""
        key = (fingerprint, spec)
        with self._lock:
            if key not in self._data:
                return MISSING
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, fingerprint: str, spec: Hashable, value: Any) -> None:
        """Store ``value`` under ``(fingerprint, spec)``."""
        with self._lock:
            self._data[(fingerprint, spec)] = value
            self._data.move_to_end((fingerprint, spec))
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def get_or_compute(self, fingerprint: str, spec: Hashable, compute: Callable[[], T]) -> T:
        """The cached value, else ``compute()`` (run outside the lock) stored and returned.

        Exceptions from ``compute`` propagate and nothing is stored.
        """
        hit = self.get(fingerprint, spec)
        if hit is not MISSING:
            return hit
        value = compute()
        self.put(fingerprint, spec, value)
        return value

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


#: The process's result cache (the only one).
CACHE: Final[ResultCache] = ResultCache()


@lru_cache(maxsize=1)
def embedded_fingerprint() -> str:
    """SHA-256 (hex, 16 chars) over the names and bytes of the shipped Parquet files."""
    from tradegap.data.embedded import DIR

    h = hashlib.sha256()
    for p in sorted(DIR.glob("*.parquet")):
        h.update(p.name.encode())
        with p.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def store_fingerprint(store: Any) -> str:
    """The fingerprint of the data a store serves: its path and ingest log, plus the embedded data.

    ``None`` (no store) is the embedded data alone.  Any object with a ``fingerprint()`` method
    (:meth:`tradegap.store.Store.fingerprint`) is asked for it.
    """
    emb = embedded_fingerprint()
    if store is None:
        return f"embedded:{emb}"
    fp = getattr(store, "fingerprint", None)
    if fp is None:
        return f"object:{id(store)}:{emb}"
    return f"{fp()}:{emb}"
