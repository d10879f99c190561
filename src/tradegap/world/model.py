"""Find or build the world model of a store: :func:`ensure` returns a :class:`WorldModel` to read.

The model is keyed by the data fingerprint (:mod:`tradegap.world.fingerprint`) and the
:class:`~tradegap.world.spec.WorldSpec`.  When the store holds none for the current data (never
built, data changed by an ingest, or damaged), :func:`ensure` builds it once under the build lock
(:func:`tradegap.world.db.build_lock`) and persists it (:mod:`tradegap.world.persist`); other
processes or threads asking at the same time wait and then read it.

The world model of the embedded data is built on first use into the default store file (the
user data directory, ``$TRADEGAP_DB`` or ``--db``), like any ingested data; ``tradegap build``
builds it ahead.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tradegap.world import persist
from tradegap.world.compute import Progress, compute, expected_seconds
from tradegap.world.db import OPEN_TIMEOUT, _is_lock_conflict, build_lock, connect, read_frame
from tradegap.world.fingerprint import fingerprint
from tradegap.world.spec import WorldSpec, default_spec

#: notify(message): one-line messages for the user (the CLI prints them on stderr).
Notify = Callable[[str], None]

_MEMO: dict[tuple[str, str], tuple[tuple, WorldModel]] = {}
_MEMO_LOCK = threading.Lock()


@dataclass(frozen=True)
class WorldModel:
    """A persisted, verified world model: where it is and what it is keyed by.

    Reads go through :meth:`frame`, one short read-only connection per call (safe from any
    thread or process).
    """

    path: str
    fingerprint: str
    spec: WorldSpec
    meta: dict[str, Any] = field(repr=False)
    built_now: bool = False
    _con: Any = field(default=None, repr=False, compare=False)

    @contextlib.contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to read the model (the store's own for in-memory stores)."""
        if self._con is not None:
            yield self._con.cursor()
            return
        with connect(self.path, write=False) as con:
            yield con

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run ``sql`` with ``$fp`` and ``$spec`` bound to this model's key (plus ``params`` as $1…)."""
        named = {"fp": self.fingerprint, "spec": self.spec.key}
        for i, v in enumerate(params or [], start=1):
            named[f"p{i}"] = v
        with self.connection() as con:
            return read_frame(con, sql, named)


def _file_state(path: str) -> tuple:
    """What changes when the store file changes (main file and write-ahead log)."""
    out = []
    for p in (Path(path), Path(path + ".wal")):
        try:
            st = p.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


def _shared_connection(st: Any) -> Any:
    """The store's own connection when it has no file of its own (``:memory:`` or a given connection)."""
    if st.path == ":memory:" or not getattr(st, "_own_connection", True):
        return st._connect(write=True)
    return None


@contextlib.contextmanager
def _reader(st: Any, shared: Any) -> Iterator[duckdb.DuckDBPyConnection | None]:
    if shared is not None:
        yield shared
    else:
        with connect(st.path, write=False) as con:
            yield con


@contextlib.contextmanager
def _writer(st: Any, shared: Any, notify: Notify | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store's own write connection (it creates the store schema in a new file and refuses a foreign
    DuckDB file); waits while another process holds the file."""
    if shared is not None:
        yield shared
        return
    from tradegap.errors import StoreError

    st.close()  # this process's own read connection would block the write
    deadline = time.monotonic() + OPEN_TIMEOUT
    told = False
    while True:
        try:
            con = st._connect(write=True)
            break
        except StoreError as exc:
            if not _is_lock_conflict(exc) or time.monotonic() > deadline:
                raise
            if notify is not None and not told:
                notify(f"Waiting for another tradegap process to release {st.path} …")
                told = True
            time.sleep(0.5)
    try:
        yield con
    finally:
        st.close()


def ensure(
    store: Any = None,
    spec: WorldSpec | None = None,
    *,
    progress: Progress | None = None,
    notify: Notify | None = None,
    rebuild: bool = False,
) -> WorldModel:
    """The world model of ``store``'s current data for ``spec``, built first if needed.

    Parameters
    ----------
    store : tradegap.store.Store, optional
        Default: ``Store()`` (the default store file; the embedded data when nothing is ingested).
    spec : WorldSpec, optional
        Default: :func:`~tradegap.world.spec.default_spec` (BACI, latest year).
    progress : callable, optional
        ``progress(stage, done, total)`` during a build (expected seconds).
    notify : callable, optional
        ``notify(message)`` for one-line messages: how long a build will take, waiting for another
        builder, a damaged model being rebuilt.
    rebuild : bool
        Build even if a complete model exists.

    Returns
    -------
    WorldModel
    """
    from tradegap.store import resolve

    st = resolve(store)
    spec = spec or default_spec()
    shared = _shared_connection(st)
    memo_key = (st.path, spec.key)
    state = _file_state(st.path) if shared is None else None
    if not rebuild and state is not None:
        with _MEMO_LOCK:
            hit = _MEMO.get(memo_key)
        if hit is not None and hit[0] == state:
            return replace(hit[1], built_now=False)
    with _reader(st, shared) as con:
        fp = fingerprint(con)
        status, row = ("missing", None) if rebuild else persist.status(con, fp, spec.key)
        previous = persist.last_seconds(con)
    if status != "ok":
        if shared is None:
            st.close()
        with build_lock(st.path, on_wait=notify) as waited:
            if waited and not rebuild:
                with _reader(st, shared) as con:
                    fp = fingerprint(con)
                    status, row = persist.status(con, fp, spec.key)
            if status != "ok":
                row = _build(st, shared, fp, spec, status, previous, progress, notify)
                wm = WorldModel(st.path, fp, spec, row.meta, True, shared)
                _remember(memo_key, st.path, shared, wm)
                return wm
    assert row is not None  # status "ok" comes with its row
    wm = WorldModel(st.path, fp, spec, row.meta, False, shared)
    _remember(memo_key, st.path, shared, wm)
    return wm


def _remember(key: tuple[str, str], path: str, shared: Any, wm: WorldModel) -> None:
    if shared is None:
        with _MEMO_LOCK:
            _MEMO[key] = (_file_state(path), wm)


def _build(st: Any, shared: Any, fp: str, spec: WorldSpec, status: str, previous: dict[str, float] | None,
           progress: Progress | None, notify: Notify | None) -> persist.ModelRow:
    if notify is not None:
        eta = sum(expected_seconds(spec, previous).values())
        why = "is damaged (its rows do not match its checksums); rebuilding it" if status == "damaged" else (
            "is not built yet for this data")
        notify(f"The world model ({spec.source.upper()}, years to {spec.year}) {why}: a one-time computation of "
               f"about {eta:.0f} s; later questions read its rows.")
    t0 = time.perf_counter()
    frames = compute(st, spec, progress=progress, previous=previous)
    frames.seconds["total"] = time.perf_counter() - t0
    with _writer(st, shared, notify) as con:
        if status == "damaged":
            persist.drop(con, fp, spec.key)
        return persist.write(con, fp, spec.key, spec.to_json(), frames.frames, frames.meta, frames.seconds)


def forget() -> None:
    """Forget which models this process has verified (tests; after changing a store by hand)."""
    with _MEMO_LOCK:
        _MEMO.clear()


def describe(wm: WorldModel) -> dict[str, Any]:
    """What a model is: path, fingerprint, spec and per-table row counts."""
    with wm.connection() as con:
        row = persist.model_row(con, wm.fingerprint, wm.spec.key)
    return {"path": wm.path, "fingerprint": wm.fingerprint, "spec": wm.spec.to_dict(),
            "tables": dict(row.checks) if row else {}, "stage_seconds": row.seconds if row else {}}
