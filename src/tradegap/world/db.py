"""Connections to the store file for the world model, and the build lock.

DuckDB lets one process write a file or several processes read it, not both.  The world model
therefore never holds a connection longer than one read or one write transaction: readers open
a read-only connection per call; a build computes in memory and writes everything in one short
transaction.  A file lock beside the database (``<db>.world.lock``) makes concurrent builds of the
same file build once: the first holds the lock, the others wait and then find the model built.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from tradegap.errors import StoreError

#: How long to wait for another process's short write transaction before giving up (seconds).
OPEN_TIMEOUT = 120.0

_THREAD_LOCKS: dict[str, threading.Lock] = {}

#: Read-only connections held open by :func:`hold`: resolved path → [connection, holders].
_HELD: dict[str, list[Any]] = {}
_HELD_GUARD = threading.Lock()
_THREAD_LOCKS_GUARD = threading.Lock()


def _is_lock_conflict(exc: BaseException) -> bool:
    """Whether an open failed because another process holds the file."""
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "in use" in text or "being used" in text


@contextlib.contextmanager
def connect(path: str, *, write: bool, timeout: float = OPEN_TIMEOUT,
            on_wait: Callable[[str], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A short-lived DuckDB connection to ``path`` (``None`` when reading a file that does not exist).

    Retries while another process holds a conflicting lock on the file (``on_wait`` is called
    once with a message), up to ``timeout`` seconds.
    """
    p = Path(path)
    if not write and not p.exists():
        yield None
        return
    key = str(p.resolve())
    with _HELD_GUARD:
        held = _HELD.get(key)
        if held is not None and write:  # a writer needs the file to itself: let go of the held reader
            del _HELD[key]
            held[0].close()
            held = None
        cursor = held[0].cursor() if held is not None else None
    if cursor is not None:
        try:
            yield cursor
        finally:
            cursor.close()
        return
    con = _open(p, write=write, timeout=timeout, on_wait=on_wait)
    try:
        yield con
    finally:
        con.close()


def _open(p: Path, *, write: bool, timeout: float = OPEN_TIMEOUT,
          on_wait: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open ``p``, retrying while another process holds a conflicting lock (up to ``timeout`` s)."""
    if write:
        p.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    told = False
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(p), read_only=not write)
            break
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc) or time.monotonic() > deadline:
                raise StoreError(
                    f"Could not open the store {p}: {exc}",
                    hint="Another tradegap process may be writing to it; wait and retry, "
                    "or choose another file with --db PATH.",
                ) from exc
            if on_wait is not None and not told:
                on_wait(f"Waiting for another tradegap process to release {p} …")
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    con.execute("SET enable_progress_bar = false").fetchall()
    return con


@contextlib.contextmanager
def hold(path: str) -> Iterator[None]:
    """Keep one read-only connection to ``path`` open while the block runs, so that the many short
    reads inside it (a brief makes about twenty) use cursors of it instead of opening the file each
    time.  Another process that wants to write waits meanwhile (see :func:`connect`), so hold only
    for one answer.  A write in this process lets go of it.  Nested holds share the connection.
    """
    p = Path(path)
    if path == ":memory:" or not p.exists():
        yield
        return
    key = str(p.resolve())
    with _HELD_GUARD:
        if key in _HELD:
            _HELD[key][1] += 1
            mine = False
        else:
            mine = True
    if mine:
        con = _open(p, write=False)
        with _HELD_GUARD:
            if key in _HELD:  # another thread opened it meanwhile: share that one
                _HELD[key][1] += 1
                con.close()
            else:
                _HELD[key] = [con, 1]
    try:
        yield
    finally:
        with _HELD_GUARD:
            held = _HELD.get(key)
            if held is not None:
                held[1] -= 1
                if held[1] <= 0:
                    del _HELD[key]
                    held[0].close()


def _thread_lock(key: str) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


@contextlib.contextmanager
def build_lock(path: str, *, on_wait: Callable[[str], None] | None = None) -> Iterator[bool]:
    """Hold the build lock of the store at ``path``; yields True if another builder held it first.

    Threads of one process share a :class:`threading.Lock`; processes share an ``fcntl`` lock on
    ``<db>.world.lock`` (released by the OS if the holder dies).
    """
    tlock = _thread_lock(path)
    waited = False
    if not tlock.acquire(blocking=False):
        if on_wait is not None:
            on_wait("Another thread is building the world model for this data; waiting for it …")
        tlock.acquire()
        waited = True
    try:
        if path == ":memory:":
            yield waited
            return
        lock_path = Path(path).with_name(Path(path).name + ".world.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(str(lock_path), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            waited = _flock(fd, on_wait) or waited
            yield waited
        finally:
            _funlock(fd)
            os.close(fd)
    finally:
        tlock.release()


def _flock(fd: int, on_wait: Callable[[str], None] | None) -> bool:
    """Take an exclusive lock on ``fd``; True if it had to wait."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return False
        except OSError:
            if on_wait is not None:
                on_wait("Another tradegap process is building the world model for this data; waiting for it …")
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for ~10 s, then raises
                    return True
                except OSError:
                    continue
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        if on_wait is not None:
            on_wait("Another tradegap process is building the world model for this data; waiting for it …")
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True


def _funlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


def tables(con: Any) -> set[str]:
    """Names of the tables and views of an open connection."""
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def read_frame(con: Any, sql: str, params: dict[str, Any] | None = None) -> Any:
    """The rows of ``sql`` as a pandas DataFrame, through Arrow.

    Six times faster than DuckDB's ``.df()`` on the world tables (their key columns are strings,
    which ``.df()`` converts value by value).  Integer and boolean columns holding NULLs become
    pandas' nullable ``Int64``/``boolean`` as ``.df()`` makes them, not float/object.
    """
    import pandas as pd
    import pyarrow as pa

    table = con.sql(sql, params=params).to_arrow_table()
    frame = table.to_pandas()
    for name, col in zip(table.column_names, table.columns, strict=True):
        if col.null_count and pa.types.is_integer(col.type):
            frame[name] = pd.array(col.to_pylist(), dtype="Int64")
        elif col.null_count and pa.types.is_boolean(col.type):
            frame[name] = pd.array(col.to_pylist(), dtype="boolean")
    return frame
