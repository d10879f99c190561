"""The content fingerprint of the data a world model is computed from.

The fingerprint digests the data shipped with the package (the bytes of every embedded file) and
what the store holds: its ingest log (file SHA-256, row counts, replacements, times) and row
counts.  An ingest is one transaction that writes its rows and its log entry together, so any
ingest that changes the data changes the fingerprint, and a world model keyed by it is never
served for other data.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tradegap import __version__
from tradegap.cache import embedded_fingerprint


def store_digest(con: Any) -> str:
    """SHA-256 of the store's ingest log and row counts on an open DuckDB connection ("" if empty)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "ingests" not in tables:
        return ""
    h = hashlib.sha256()
    rows = con.execute(
        "SELECT id, source, kind, sha256, rows, replaced_rows, CAST(ingested_at AS VARCHAR) FROM ingests ORDER BY id"
    ).fetchall()
    if not rows:
        return ""
    for r in rows:
        h.update(repr(r).encode())
    for t in ("flow_rows", "country_year", "pairs"):
        if t in tables:
            h.update(f"{t}:{con.execute(f'SELECT count(*) FROM {t}').fetchall()[0][0]}".encode())
    return h.hexdigest()


def fingerprint(con: Any | None) -> str:
    """The data fingerprint: embedded files + store contents (``con`` None: no store file yet)."""
    h = hashlib.sha256()
    h.update(f"tradegap {__version__}\n".encode())
    h.update(embedded_fingerprint().encode())
    if con is not None:
        h.update(store_digest(con).encode())
    return h.hexdigest()[:32]
