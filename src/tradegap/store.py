"""The DuckDB store: ingest (atomic, idempotent) and queries that return canonical tables.

One :class:`Store` owns one DuckDB connection.  Every statement goes through
:meth:`Store._sql`, the single logged path that binds values as parameters and
turns DuckDB errors into :class:`~tradegap.errors.StoreError` naming the SQL and
the table.

Tables
------
``flows``
    The canonical flow columns (:data:`tradegap.data.schema.FLOW_COLUMNS`) plus
    ``ingest_id``, the ingest that loaded the row.
``ingests``
    One row per loaded file: source, file name, SHA-256 of its bytes, kind
    (flows / country_year / pairs), rows, coverage (years, countries) and time.
``country_year``
    Country-year covariates (e.g. WDI GDP and population), stored long:
    ``iso3, year, variable, value, source, ingest_id``.
``pairs``
    Time-invariant pair covariates (e.g. CEPII GeoDist), stored long:
    ``exporter, importer, variable, value, source, ingest_id``.

When the store holds nothing for a source, queries fall back to the data
shipped with the package (:mod:`tradegap.data.embedded`); with no store file at
all, everything works on the embedded data and no file is created.

Atomicity
---------
An ingest runs in one transaction over all its files: rows are staged in a
temporary table, validated as a whole (types, ranges, duplicates, conflicts
with stored rows), then inserted with the ``ingests`` records and committed.
Any error — or the process being killed — before the commit leaves the store
exactly as it was.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from tradegap.coverage import parse_years as _parse_years
from tradegap.data.schema import BASES, FLOW_COLUMNS, SCALES
from tradegap.errors import (
    CoverageError,
    DataFormatError,
    InputError,
    StoreError,
    option,
)

__all__ = [
    "FileIngest",
    "IngestProgress",
    "IngestReport",
    "Store",
    "default_path",
    "parse_years",
    "resolve",
]

log = logging.getLogger("tradegap.store")

#: Rows handed to DuckDB per chunk when streaming a file (a chunk in flight costs
#: ~0.4 KiB a row on top of DuckDB's memory limit: 10 M BACI rows peak ~1.6 GiB).
DEFAULT_CHUNKSIZE = 500_000

_SCHEMA_SQL = (
    """CREATE TABLE IF NOT EXISTS ingests (
        id INTEGER PRIMARY KEY,
        source VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        file_path VARCHAR,
        sha256 VARCHAR NOT NULL,
        rows BIGINT NOT NULL,
        year_min INTEGER,
        year_max INTEGER,
        countries INTEGER,
        unit VARCHAR,
        scale VARCHAR,
        replaced_rows BIGINT NOT NULL DEFAULT 0,
        ingested_at TIMESTAMP NOT NULL
    )""",
    # unit, scale, source and basis take few values: stored once per combination in
    # ``series`` (narrow rows load twice as fast); the ``flows`` view joins them back.
    """CREATE TABLE IF NOT EXISTS series (
        id SMALLINT PRIMARY KEY,
        source VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        scale VARCHAR NOT NULL,
        basis VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS flow_rows (
        exporter VARCHAR NOT NULL,
        importer VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        product VARCHAR NOT NULL,
        value DOUBLE NOT NULL,
        series_id SMALLINT NOT NULL,
        ingest_id INTEGER NOT NULL
    )""",
    """CREATE VIEW IF NOT EXISTS flows AS
        SELECT f.exporter, f.importer, f.year, f.product, f.value, s.unit, s.scale, s.source, s.basis,
               f.ingest_id
        FROM flow_rows f JOIN series s ON s.id = f.series_id""",
    """CREATE TABLE IF NOT EXISTS country_year (
        iso3 VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        variable VARCHAR NOT NULL,
        value DOUBLE,
        source VARCHAR NOT NULL,
        ingest_id INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS pairs (
        exporter VARCHAR NOT NULL,
        importer VARCHAR NOT NULL,
        variable VARCHAR NOT NULL,
        value DOUBLE,
        source VARCHAR NOT NULL,
        ingest_id INTEGER NOT NULL
    )""",
)


def default_path() -> Path:
    """Where the store lives unless told otherwise.

    ``$TRADEGAP_DB`` if set, else ``$XDG_DATA_HOME/tradegap/tradegap.duckdb``, else
    ``~/.local/share/tradegap/tradegap.duckdb``.
    """
    env = os.environ.get("TRADEGAP_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "tradegap" / "tradegap.duckdb"


def parse_years(years: Any) -> tuple[int, ...] | None:
    """Normalise a years argument to a sorted tuple of ints (``None`` = all years).

    The one parser is :func:`tradegap.coverage.parse_years`; this name is kept for callers.
    """
    return _parse_years(years)


def resolve(store: Store | None) -> Store:
    """The store to read: ``store``, or the default one (:func:`default_path`; the embedded data
    when nothing was ingested there).  The one way the library opens a store."""
    return store if store is not None else Store()


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """What an ingest reports to its ``progress`` callback after each chunk.

    Attributes
    ----------
    file : str
        Name of the file being read.
    file_index : int
        0-based index of that file among the files of the ingest.
    n_files : int
        Number of files in the ingest.
    rows : int
        Rows read from this file so far.
    bytes_done, bytes_total : int
        Bytes of all files hashed/read so far, and their total size.
    stage : str
        ``"read"`` while streaming, ``"validate"``, ``"commit"`` or ``"skip"``.
    """

    file: str
    file_index: int
    n_files: int
    rows: int
    bytes_done: int
    bytes_total: int
    stage: str


@dataclass(frozen=True, slots=True)
class FileIngest:
    """The outcome of ingesting one file.

    ``status`` is ``"loaded"`` or ``"skipped"`` (identical content already stored).
    """

    file: str
    sha256: str
    source: str
    kind: str
    status: str
    rows: int
    year_min: int | None = None
    year_max: int | None = None
    countries: int | None = None
    note: str = ""
    unit: str = ""
    scale: str = ""

    @property
    def values_in(self) -> str:
        """The unit values were stored in, in words (``"USD thousands"``), or ``""`` for covariates."""
        if not self.unit:
            return ""
        return self.unit if self.scale in ("", "units") else f"{self.unit} {self.scale}"


@dataclass(frozen=True)
class IngestReport:
    """The outcome of :meth:`Store.ingest`.

    Attributes
    ----------
    path : str
        The store written to.
    source : str
        Source id the files were read as.
    files : tuple of FileIngest
    rows_added, rows_replaced : int
        Rows inserted, and stored rows removed because ``replace=True``.
    seconds : float
        Wall time of the ingest.
    """

    path: str
    source: str
    files: tuple[FileIngest, ...]
    rows_added: int
    rows_replaced: int
    seconds: float

    def to_frame(self) -> pd.DataFrame:
        """One row per file: file, status, rows, years, countries, sha256 (first 12 hex digits), note."""
        rows = [
            {
                "file": f.file,
                "status": f.status,
                "kind": f.kind,
                "rows": f.rows,
                "years": _years_label(f.year_min, f.year_max),
                "countries": f.countries,
                "sha256": f.sha256[:12],
                "note": f.note,
            }
            for f in self.files
        ]
        return pd.DataFrame(
            rows, columns=["file", "status", "kind", "rows", "years", "countries", "sha256", "note"]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary with one record per file."""
        return {
            "store": self.path,
            "source": self.source,
            "rows_added": self.rows_added,
            "rows_replaced": self.rows_replaced,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_added / self.seconds) if self.seconds > 0 else None,
            "files": [
                {
                    "file": f.file,
                    "sha256": f.sha256,
                    "kind": f.kind,
                    "status": f.status,
                    "rows": f.rows,
                    "year_min": f.year_min,
                    "year_max": f.year_max,
                    "countries": f.countries,
                    "unit": f.unit or None,
                    "scale": f.scale or None,
                    "note": f.note,
                }
                for f in self.files
            ],
        }


def _years_label(lo: Any, hi: Any) -> str:
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return ""
    lo, hi = int(lo), int(hi)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(4 << 20):
            h.update(block)
    return h.hexdigest()


def _embedded():
    """The embedded-data module (imported lazily; owned by the data layer)."""
    from tradegap.data import embedded

    return embedded


def _embedded_names() -> list[str]:
    try:
        return list(_embedded().names())
    except (ImportError, AttributeError):  # pragma: no cover - the embedded module ships with the package
        return []


def _load_embedded(name: str) -> pd.DataFrame:
    try:
        return _embedded().load(name)
    except (ImportError, AttributeError) as exc:  # pragma: no cover
        raise StoreError(
            f"The embedded dataset {name!r} is not available ({exc}).",
            hint="Reinstall tradegap, or ingest the data with `tradegap ingest`.",
        ) from exc


def _select_embedded(name: str, values: dict[str, list[str]]) -> pd.DataFrame:
    try:
        return _embedded().select(name, **values)
    except (ImportError, AttributeError) as exc:  # pragma: no cover
        raise StoreError(
            f"The embedded dataset {name!r} is not available ({exc}).",
            hint="Reinstall tradegap, or ingest the data with `tradegap ingest`.",
        ) from exc


def _read_chunks(
    source: str, path: Path, *, chunksize: int, mapping: dict[str, str] | None, options: dict[str, Any]
) -> Iterator[pd.DataFrame]:
    """Stream canonical frames from one file through the data layer's readers."""
    from tradegap.data import readers

    kwargs: dict[str, Any] = {"chunksize": chunksize, **options}
    if mapping:
        kwargs["mapping"] = mapping
    yield from readers.iter_chunks(source, path, **kwargs)


def _open_error(p: Path, exc: BaseException) -> StoreError:
    """A store-open failure in words: locked, unreadable, not a database / damaged, or disk full."""
    text = str(exc)
    if "lock" in text.lower():
        return StoreError(
            f"The store {p} is in use by another tradegap process (an ingest is probably running).",
            hint="Wait until it finishes and run again, or use another store with --db PATH.",
        )
    if "not a valid DuckDB database" in text or "Could not read enough bytes" in text or "Corrupt" in text:
        return StoreError(
            f"The file {p} is not a DuckDB database, or it is damaged.",
            hint="If it is a tradegap store, move it away and ingest again (tradegap never leaves a half-written "
            "store); otherwise choose another file with --db PATH.",
        )
    if "Permission denied" in text or isinstance(exc, PermissionError):
        return StoreError(f"The store {p} cannot be opened: permission denied.",
                          hint="Check the file's permissions, or choose another file with --db PATH.")
    if "No space left" in text:
        return StoreError(f"No space left on the device holding the store {p}.",
                          hint="Free disk space, or put the store elsewhere with --db PATH.")
    if "Is a directory" in text:
        return StoreError(f"The store {p} is a folder, not a DuckDB file.",
                          hint="Give a file path with --db PATH (e.g. ./trade.duckdb).")
    return StoreError(f"Could not open the store {p}: {' '.join(text.split())[:300]}",
                      hint="Check the path and the file, or choose another file with --db PATH.")


def _classify(columns: Iterable[str]) -> str:
    cols = set(columns)
    if set(FLOW_COLUMNS) <= cols:
        return "flows"
    if {"iso3", "year"} <= cols:
        return "country_year"
    if {"exporter", "importer"} <= cols and "year" not in cols:
        return "pairs"
    raise DataFormatError(
        f"The reader returned columns {sorted(cols)}, which are neither a flow table "
        f"({', '.join(FLOW_COLUMNS)}), country-year covariates (iso3, year, ...) nor pair covariates "
        "(exporter, importer, ...).",
        hint="Check the SOURCE argument, or map the file's columns with --map.",
    )


class Store:
    """A DuckDB database of trade flows and covariates, with the embedded data as fallback.

    Parameters
    ----------
    path : str or Path, optional
        Database file.  Default: :func:`default_path` (``$TRADEGAP_DB`` or the user
        data dir).  ``":memory:"`` keeps everything in memory.
    read_only : bool, default False
        Open the database read-only (ingest then raises :class:`StoreError`).
    connection : duckdb.DuckDBPyConnection, optional
        Use this connection instead of opening ``path`` (for tests and embedding).
        The store does not close a connection it was given.
    memory_limit : str, optional, default "1GB"
        DuckDB's memory limit for connections the store opens (beyond it DuckDB
        spills to a temporary folder beside the database); ``None`` keeps DuckDB's default.

    Notes
    -----
    The file is opened lazily.  Queries on a store file that does not exist yet use
    the embedded data and create nothing; :meth:`ingest` creates the file.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> store.flows("dots", exporters=["RUS"], importers=["IRN"], years=2019)  # doctest: +SKIP
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        connection: duckdb.DuckDBPyConnection | None = None,
        memory_limit: str | None = "1GB",
    ) -> None:
        self.read_only = bool(read_only)
        self.memory_limit = memory_limit
        self._own_connection = connection is None
        self._con: duckdb.DuckDBPyConnection | None = connection
        if connection is not None:
            self.path = str(path) if path is not None else ":connection:"
            self._writable = not self.read_only
            self._ensure_schema()
        else:
            self.path = ":memory:" if str(path) == ":memory:" else str(Path(path or default_path()).expanduser())
            self._writable = False

    # ------------------------------------------------------------------ connection
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}, read_only={self.read_only})"

    def close(self) -> None:
        """Close the connection (if the store opened it)."""
        if self._con is not None and self._own_connection:
            self._con.close()
            self._con = None

    def _exists(self) -> bool:
        return self._con is not None or self.path == ":memory:" or Path(self.path).exists()

    def _connect(self, *, write: bool) -> duckdb.DuckDBPyConnection | None:
        """The connection, opened on first use; ``None`` when there is no store file to read."""
        if self._con is not None:
            if write and not self._writable:
                if not self._own_connection or self.read_only:
                    raise StoreError(
                        f"The store {self.path} is open read-only.",
                        hint="Open it with Store(path) (read_only=False) to ingest.",
                    )
                self._con.close()
                self._con = None
            else:
                return self._con
        if write and self.read_only:
            raise StoreError(
                f"The store {self.path} is open read-only.",
                hint="Open it with Store(path) (read_only=False) to ingest.",
            )
        if self.path == ":memory:":
            self._con = duckdb.connect(":memory:")
            self._writable = True
        else:
            p = Path(self.path)
            if not write and not p.exists():
                return None
            if p.exists() and not p.is_file():
                raise StoreError(f"The store {p} is a folder, not a DuckDB file.",
                                 hint="Give a file path with --db PATH (e.g. ./trade.duckdb).")
            if p.exists() and not os.access(p, os.R_OK | (os.W_OK if write else 0)):
                raise StoreError(
                    f"The store {p} cannot be {'written' if write else 'read'}: permission denied.",
                    hint="Check the file's permissions, or choose another file with --db PATH.",
                )
            try:
                if write:
                    p.parent.mkdir(parents=True, exist_ok=True)
                self._con = duckdb.connect(str(p), read_only=not write)
            except (duckdb.Error, OSError) as exc:
                raise _open_error(p, exc) from exc
            self._refuse_foreign(p)
            self._writable = write
        self._ensure_schema()
        return self._con

    def _refuse_foreign(self, p: Path) -> None:
        """Refuse a DuckDB file made by something else: never read it as empty, never write into it."""
        tables = {
            str(r[0]) for r in self._sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'",
                table="information_schema",
            ).fetchall()
        }
        # world_* tables are tradegap's own (the persisted world model, tradegap.world)
        if tables and not ({"ingests", "flow_rows", "series"} & tables) and not all(t.startswith("world_") for t in tables):
            self._con.close()
            self._con = None
            shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(
                f"The file {p} is a DuckDB database of something else (tables {shown}), not a tradegap "
                "store; tradegap will not write into it.",
                hint="Choose another file with --db PATH (or $TRADEGAP_DB); a new path creates a new store.",
            )

    def _ensure_schema(self) -> None:
        self._sql("SET enable_progress_bar = false", table="settings")
        if self._own_connection and self.memory_limit:
            # Bounded memory: DuckDB spills to <db>.tmp beyond this (a 10 M-row ingest peaks < 2 GB).
            self._sql("SET memory_limit = ?", [self.memory_limit], table="settings")
        if not self._writable:
            return
        for stmt in _SCHEMA_SQL:
            self._sql(stmt, table="schema")

    # ------------------------------------------------------------------ the one SQL path
    def _sql(
        self,
        sql: str,
        params: Sequence[Any] | dict[str, Any] | None = None,
        *,
        table: str = "",
        con: duckdb.DuckDBPyConnection | None = None,
        on_error: Callable[[duckdb.Error], Exception | None] | None = None,
    ) -> duckdb.DuckDBPyConnection:
        """Run one statement with bound parameters; the only place SQL is executed.

        ``on_error`` may turn a DuckDB error into a more specific exception (e.g. a
        CSV parse error into :class:`DataFormatError` naming the file and line).

        Raises
        ------
        StoreError
            Wrapping any DuckDB error, with the table and the SQL.
        """
        con = con or self._con
        if con is None:  # pragma: no cover - callers connect first
            raise StoreError(f"The store {self.path} is not open.", hint="Call Store.ingest first.")
        log.debug("SQL [%s] %s | params=%r", table, " ".join(sql.split()), params)
        try:
            return con.execute(sql, params) if params is not None else con.execute(sql)
        except duckdb.Error as exc:
            if on_error is not None:
                mapped = on_error(exc)
                if mapped is not None:
                    raise mapped from exc
            text = str(exc)
            if "No space left" in text or "Could not read enough bytes" in text or "not a valid DuckDB" in text:
                err = _open_error(Path(self.path), exc)
                raise StoreError(err.message + (" Nothing was loaded; the store is unchanged."
                                                if "No space" in text else ""), hint=err.hint) from exc
            raise StoreError(
                f"DuckDB error on table {table or '?'} of {self.path}: {exc}\nSQL: {' '.join(sql.split())}",
                hint="If the store file is damaged, move it away and ingest again; "
                "report the SQL above if the error persists.",
            ) from exc

    def _frame(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None, *, table: str = "") -> pd.DataFrame:
        return self._sql(sql, params, table=table).df()

    def _scalar(self, sql: str, params: Sequence[Any] | None = None, *, table: str = "") -> Any:
        row = self._sql(sql, params, table=table).fetchone()
        return None if row is None else row[0]

    # ------------------------------------------------------------------ queries
    def stored_sources(self, kind: str = "flows") -> list[str]:
        """Sources with rows in the store for ``kind`` (flows, country_year or pairs)."""
        if kind not in ("flows", "country_year", "pairs"):
            raise InputError(
                f"The 'kind' parameter of Store.stored_sources must be one of "
                f"['flows', 'country_year', 'pairs']. Got {kind!r} instead."
            )
        if not self._exists() or self._connect(write=False) is None:
            return []
        if not self._has_table(kind):
            return []
        # kind is validated against a fixed list above: a safe identifier.
        df = self._frame(f"SELECT DISTINCT source FROM {kind} ORDER BY source", table=kind)
        return [str(s) for s in df["source"]]

    def _has_table(self, name: str) -> bool:
        n = self._scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name], table="information_schema"
        )
        return bool(n)

    def fingerprint(self) -> str:
        """The store's data version: its path and a hash of its ingest log (id, file hash, rows).

        Changes with every :meth:`ingest` (in this process or another), so results cached under
        it (:mod:`tradegap.cache`) are never served after the data changed.
        """
        if not self._exists() or self._connect(write=False) is None or not self._has_table("ingests"):
            return f"store:{self.path}:empty"
        rows = self._sql(
            "SELECT id, sha256, rows, replaced_rows FROM ingests ORDER BY id", table="ingests"
        ).fetchall()
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        return f"store:{self.path}:{len(rows)}:{digest}"

    def sources(self) -> list[str]:
        """Flow sources available: stored ones and embedded ``flows_*`` datasets."""
        emb = [n.removeprefix("flows_") for n in _embedded_names() if n.startswith("flows_")]
        return sorted(set(self.stored_sources("flows")) | set(emb))

    def flows(
        self,
        source: str = "dots",
        exporters: Iterable[str] | str | None = None,
        importers: Iterable[str] | str | None = None,
        years: Any = None,
        *,
        product: str | None = None,
    ) -> pd.DataFrame:
        """Canonical flow rows of one source, optionally filtered.

        Parameters
        ----------
        source : str, default "dots"
            Dataset id (``"dots"``, ``"baci"``, or any ingested source).  Uses the
            store's rows if it has any for this source, else the embedded
            ``flows_<source>`` dataset.
        exporters, importers : str or iterable of str, optional
            ISO3 codes to keep (``None`` = all).
        years : int, str or iterable of int, optional
            Years to keep (see :func:`parse_years`).
        product : str, optional
            Keep one product code (``""`` = total goods trade rows).

        Returns
        -------
        pd.DataFrame
            Columns :data:`~tradegap.data.schema.FLOW_COLUMNS`; ``value`` in ``unit`` × ``scale``
            as recorded per row (DOTS: USD millions; BACI: USD thousands).

        Raises
        ------
        CoverageError
            If the source is neither stored nor embedded.
        """
        ex = [exporters] if isinstance(exporters, str) else (None if exporters is None else list(exporters))
        im = [importers] if isinstance(importers, str) else (None if importers is None else list(importers))
        yrs = parse_years(years)
        if source in self.stored_sources("flows"):
            where, params = ["source = ?"], [source]
            if ex is not None:
                where.append("list_contains(?, exporter)")
                params.append(ex)
            if im is not None:
                where.append("list_contains(?, importer)")
                params.append(im)
            if yrs is not None:
                where.append("list_contains(?, year)")
                params.append(list(yrs))
            if product is not None:
                where.append("product = ?")
                params.append(product)
            cols = ", ".join(FLOW_COLUMNS)
            df = self._frame(
                f"SELECT {cols} FROM flows WHERE {' AND '.join(where)} "
                "ORDER BY year, exporter, importer, product",
                params,
                table="flows",
            )
            df["year"] = df["year"].astype("int64")
            return df
        name = f"flows_{source}"
        if name not in _embedded_names():
            raise CoverageError(
                f"No flow data for source {source!r}: it is neither in the store ({self.path}) nor embedded.",
                hint=f"Available sources: {', '.join(self.sources()) or 'none'}; "
                f"or load it with `tradegap ingest {source} FILE`.",
            )
        wanted = {k: v for k, v in (("exporter", ex), ("importer", im), ("year", yrs)) if v is not None}
        # a pair's or a year's rows are read from the file alone (no load of the whole dataset)
        df = _select_embedded(name, wanted) if wanted else _load_embedded(name)
        mask = pd.Series(True, index=df.index)
        if ex is not None:
            mask &= df["exporter"].isin(ex)
        if im is not None:
            mask &= df["importer"].isin(im)
        if yrs is not None:
            mask &= df["year"].isin(yrs)
        if product is not None and "product" in df.columns:
            mask &= df["product"] == product
        out = df.loc[mask].copy()
        for col in FLOW_COLUMNS:
            if col not in out.columns:
                out[col] = "" if col == "product" else pd.NA
        out = out[list(FLOW_COLUMNS)].sort_values(["year", "exporter", "importer", "product"], kind="stable")
        out["year"] = out["year"].astype("int64")
        return out.reset_index(drop=True)

    def country_year(self, source: str | None = None) -> pd.DataFrame:
        """Country-year covariates (GDP in current USD, population in persons, ...).

        Stored covariates if any (the given ``source``, else all stored), otherwise the
        embedded ``"wdi"`` dataset.  One row per ``iso3, year``; one column per variable.
        """
        stored = self.stored_sources("country_year")
        if stored and (source is None or source in stored):
            where, params = ("WHERE source = ?", [source]) if source else ("", None)
            long = self._frame(
                f"SELECT iso3, year, variable, value FROM country_year {where}", params, table="country_year"
            )
            wide = long.pivot_table(index=["iso3", "year"], columns="variable", values="value", aggfunc="last")
            wide = wide.reset_index()
            wide.columns.name = None
            wide["year"] = wide["year"].astype("int64")
            return wide.sort_values(["iso3", "year"]).reset_index(drop=True)
        if source not in (None, "wdi"):
            raise CoverageError(
                f"No country-year covariates for source {source!r}.",
                hint=f"Stored: {', '.join(stored) or 'none'}; embedded: wdi.",
            )
        return _load_embedded("wdi")

    def pairs(self, source: str | None = None) -> pd.DataFrame:
        """Pair covariates (:data:`~tradegap.data.schema.PAIR_COLUMNS`: distance in km, contiguity, ...).

        Stored pair covariates if any, otherwise the embedded ``"pairs"`` dataset
        (CEPII GeoDist plus tradegap's ``shared_sea`` flag).
        """
        stored = self.stored_sources("pairs")
        if stored and (source is None or source in stored):
            where, params = ("WHERE source = ?", [source]) if source else ("", None)
            long = self._frame(
                f"SELECT exporter, importer, variable, value FROM pairs {where}", params, table="pairs"
            )
            wide = long.pivot_table(
                index=["exporter", "importer"], columns="variable", values="value", aggfunc="last"
            ).reset_index()
            wide.columns.name = None
            return wide.sort_values(["exporter", "importer"]).reset_index(drop=True)
        if source not in (None, "pairs", "geodist", "cepii"):
            raise CoverageError(
                f"No pair covariates for source {source!r}.",
                hint=f"Stored: {', '.join(stored) or 'none'}; embedded: pairs.",
            )
        return _load_embedded("pairs")

    def ingests(self) -> pd.DataFrame:
        """The ingest log: one row per loaded file (empty frame when nothing was ingested)."""
        cols = [
            "id", "source", "kind", "file_name", "sha256", "rows", "year_min", "year_max",
            "countries", "unit", "scale", "replaced_rows", "ingested_at",
        ]
        if not self._exists() or self._connect(write=False) is None or not self._has_table("ingests"):
            return pd.DataFrame(columns=cols)
        return self._frame(f"SELECT {', '.join(cols)} FROM ingests ORDER BY id", table="ingests")

    def datasets(self) -> pd.DataFrame:
        """What is available: stored sources and embedded datasets, with coverage.

        Returns
        -------
        pd.DataFrame
            Columns ``dataset, kind, origin (store|embedded), years, countries, rows, unit,
            scale, used, note``.  ``used`` says whether queries use it (an embedded flow
            dataset is shadowed by stored rows of the same source); ``note`` says why
            not, or how many files were ingested.
        """
        rows: list[dict[str, Any]] = []
        stored_flows = set()
        if self._exists() and self._connect(write=False) is not None and self._has_table("flows"):
            cov = self._frame(
                """SELECT source, min(year) AS y0, max(year) AS y1, count(*) AS n,
                          string_agg(DISTINCT unit, ',') AS unit, string_agg(DISTINCT scale, ',') AS scale,
                          count(DISTINCT ingest_id) AS files
                   FROM flows GROUP BY source ORDER BY source""",
                table="flows",
            )
            for r in cov.itertuples(index=False):
                ctry = self._scalar(
                    "SELECT count(*) FROM (SELECT exporter AS c FROM flows WHERE source = ? "
                    "UNION SELECT importer FROM flows WHERE source = ?)",
                    [r.source, r.source],
                    table="flows",
                )
                stored_flows.add(r.source)
                rows.append(dict(dataset=r.source, kind="flows", origin="store", used=True,
                                 years=_years_label(r.y0, r.y1), countries=int(ctry), rows=int(r.n),
                                 unit=r.unit, scale=r.scale, files=int(r.files)))
            for kind, ccol, key in (("country_year", "iso3", "(iso3, year)"), ("pairs", "exporter", "(exporter, importer)")):
                ycols = "min(year), max(year)" if kind == "country_year" else "NULL, NULL"
                # kind/ccol/key come from the fixed tuple above: safe identifiers.
                cov = self._frame(
                    f"""SELECT source, {ycols}, count(DISTINCT {ccol}) AS c, count(DISTINCT {key}) AS n,
                               count(DISTINCT ingest_id) AS files
                        FROM {kind} GROUP BY source ORDER BY source""",
                    table=kind,
                )
                for source_, y0, y1, c, n, files in cov.itertuples(index=False, name=None):
                    rows.append(dict(dataset=source_, kind=kind, origin="store", used=True,
                                     years=_years_label(y0, y1), countries=int(c), rows=int(n),
                                     unit="", scale="", files=int(files)))
        for name in _embedded_names():
            try:
                df = _load_embedded(name)
            except Exception as exc:  # noqa: BLE001 - one broken dataset must not hide the others
                log.warning("embedded dataset %s could not be loaded: %s", name, exc)
                continue
            rows.append(self._describe_embedded(name, df, stored_flows))
        for r in rows:
            files = r.pop("files", None)
            if r["origin"] == "store":
                r["note"] = f"{files} file(s) ingested"
            else:
                r["note"] = "" if r["used"] else "shadowed by the store's rows"
        cols = ["dataset", "kind", "origin", "years", "countries", "rows", "unit", "scale", "used", "note"]
        out = pd.DataFrame(rows, columns=cols)
        out["countries"] = out["countries"].astype("Int64")
        out["rows"] = out["rows"].astype("int64")
        return out

    @staticmethod
    def _describe_embedded(name: str, df: pd.DataFrame, stored_flows: set[str]) -> dict[str, Any]:
        kind = "flows" if name.startswith("flows_") else (
            "country_year" if {"iso3", "year"} <= set(df.columns) else
            "pairs" if {"exporter", "importer"} <= set(df.columns) and "year" not in df.columns else "other"
        )
        years = ""
        if "year" in df.columns and len(df):
            years = _years_label(df["year"].min(), df["year"].max())
        countries: int | None = None
        if {"exporter", "importer"} <= set(df.columns):
            countries = int(pd.unique(pd.concat([df["exporter"], df["importer"]], ignore_index=True)).size)
        elif "iso3" in df.columns:
            countries = int(df["iso3"].nunique())
        def _u(col: str) -> str:
            return ",".join(sorted(map(str, df[col].dropna().unique()))) if col in df.columns else ""
        source = name.removeprefix("flows_")
        return dict(dataset=source if kind == "flows" else name, kind=kind, origin="embedded",
                    used=not (kind == "flows" and source in stored_flows),
                    years=years, countries=countries, rows=len(df), unit=_u("unit"), scale=_u("scale"),
                    files=None)

    # ------------------------------------------------------------------ ingest
    def ingest(
        self,
        source: str,
        files: str | Path | Iterable[str | Path],
        *,
        mapping: dict[str, str] | None = None,
        replace: bool = False,
        progress: Callable[[IngestProgress], None] | None = None,
        chunksize: int = DEFAULT_CHUNKSIZE,
        sep: str | None = None,
        unit: str | None = None,
        scale: str | None = None,
        dataset: str | None = None,
    ) -> IngestReport:
        """Validate, harmonize and load files of one source, atomically and idempotently.

        Parameters
        ----------
        source : str
            Layout/dataset id understood by :func:`tradegap.data.readers.iter_chunks`
            (e.g. ``"baci"``, ``"dots"``, ``"comtrade"``, ``"gravity"``, ``"csv"``).
        files : path or iterable of paths
            Files to load in one transaction.
        mapping : dict, optional
            Column mapping for generic layouts, e.g. ``{"exporter": "origin"}``.
        replace : bool, default False
            Allow replacing stored rows with the same key (source, exporter, importer,
            year, product).  Without it such a conflict is an error and nothing changes.
        progress : callable, optional
            Called with an :class:`IngestProgress` after each chunk.
        chunksize : int, default 500_000
            Rows per chunk streamed from the reader (bounds memory).
        sep : str, optional
            Field delimiter, overriding the layout's (``";"``, ``"\\t"``, ...).
        unit, scale : str, optional
            Currency (``"USD"``) and scale (``"units"``, ``"thousands"``, ``"millions"``) of
            the values of a generic file (csv, parquet, stata): the scale is required there;
            published layouts have their own and refuse these (``imf`` accepts ``scale``).
        dataset : str, optional
            Source id stored for the rows of a generic file (default: the layout name).

        Returns
        -------
        IngestReport

        Raises
        ------
        InputError, DataFormatError, UnknownCountryError
            From the readers or the store's validation; the store is unchanged.
        StoreError
            On a database failure; the store is unchanged.

        Notes
        -----
        A file whose bytes (SHA-256) were already ingested for the same source is
        skipped, so ingesting the same file twice leaves one copy.
        """
        t0 = time.perf_counter()
        if not isinstance(source, str) or not source.strip():
            raise InputError(f"The 'source' parameter must be a non-empty string. Got {source!r} instead.")
        if not isinstance(chunksize, (int, np.integer)) or chunksize < 1:
            raise InputError(f"The 'chunksize' parameter must be a positive integer. Got {chunksize!r} instead.")
        options = {k: v for k, v in (("sep", sep), ("unit", unit), ("scale", scale), ("dataset", dataset))
                   if v is not None}
        from tradegap.data import readers

        if source in readers.SOURCES:  # options checked before any file is hashed or read
            readers.validate_options(source, mapping=mapping, **options)
        paths = [Path(files)] if isinstance(files, (str, Path)) else [Path(f) for f in files]
        if not paths:
            raise InputError("No files to ingest.", hint="Give at least one FILE.")
        for p in paths:
            if not p.is_file():
                raise InputError(
                    f"File not found: {p}",
                    hint="Check the path; give files, not folders (use a shell glob for many files).",
                )
        con = self._connect(write=True)
        assert con is not None  # write=True always connects
        sizes = [p.stat().st_size for p in paths]
        state = {"bytes": 0}
        bytes_total = sum(sizes)

        def tell(i: int, rows: int, stage: str) -> None:
            if progress is not None:
                progress(IngestProgress(paths[i].name, i, len(paths), rows, state["bytes"], bytes_total, stage))

        self._warnings: list[warnings.WarningMessage] = []
        self._sql("BEGIN TRANSACTION", table="flows")
        try:
            report = self._ingest_in_transaction(
                source, paths, sizes, mapping=mapping, replace=replace, tell=tell, state=state,
                chunksize=int(chunksize), options=options,
            )
            self._commit()
        except BaseException:
            self._warnings = []
            try:
                self._sql("ROLLBACK", table="flows")
            except StoreError:  # pragma: no cover - connection already aborted
                pass
            raise
        finally:
            for t in ("_tg_stage", "_tg_cov", "_tg_codes"):
                try:
                    self._sql(f"DROP TABLE IF EXISTS {t}", table=t)  # fixed names: safe identifiers
                except StoreError:  # pragma: no cover
                    pass
        for w in self._warnings:  # the readers' warnings, for the caller (the CLI prints them)
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        self._warnings = []
        return IngestReport(
            path=self.path, source=source, files=report[0], rows_added=report[1], rows_replaced=report[2],
            seconds=time.perf_counter() - t0,
        )

    def _commit(self) -> None:
        """Commit the ingest transaction (a separate method so tests can interrupt right before it)."""
        self._sql("COMMIT", table="flows")

    def _ingest_in_transaction(
        self,
        source: str,
        paths: list[Path],
        sizes: list[int],
        *,
        mapping: dict[str, str] | None,
        replace: bool,
        tell: Callable[[int, int, str], None],
        state: dict[str, int],
        chunksize: int,
        options: dict[str, Any],
    ) -> tuple[tuple[FileIngest, ...], int, int]:
        self._notes: dict[int, str] = {}
        self._row_label: dict[int, str] = {}
        results: list[tuple[int, FileIngest]] = []  # (file index, outcome)
        seen: dict[str, str] = {}
        next_id = int(self._scalar("SELECT coalesce(max(id), 0) + 1 FROM ingests", table="ingests"))
        self._sql(
            """CREATE TEMP TABLE _tg_stage (
                exporter VARCHAR, importer VARCHAR, year BIGINT, product VARCHAR, value DOUBLE,
                unit VARCHAR, scale VARCHAR, source VARCHAR, basis VARCHAR, ingest_id INTEGER, row_no BIGINT)""",
            table="_tg_stage",
        )
        self._sql(
            """CREATE TEMP TABLE _tg_cov (
                kind VARCHAR, a VARCHAR, b VARCHAR, year BIGINT, variable VARCHAR, value DOUBLE,
                source VARCHAR, ingest_id INTEGER)""",
            table="_tg_cov",
        )
        loaded: list[tuple[int, Path, str, str, int]] = []  # (id, path, sha, kind, file index)
        for i, path in enumerate(paths):
            sha = _sha256(path)
            if sha in seen:
                results.append((i, FileIngest(path.name, sha, source, "", "skipped", 0,
                                              note=f"same content as {seen[sha]} in this ingest")))
                state["bytes"] += sizes[i]
                tell(i, 0, "skip")
                continue
            prior = self._frame(
                "SELECT file_name, ingested_at, kind, rows FROM ingests WHERE sha256 = ? AND source = ? ORDER BY id",
                [sha, source],
                table="ingests",
            )
            if len(prior) and not replace:
                first = prior.iloc[0]
                results.append((i, FileIngest(
                    path.name, sha, source, str(first["kind"]), "skipped", 0,
                    note=f"already ingested as {first['file_name']} on {pd.Timestamp(first['ingested_at']):%Y-%m-%d %H:%M}",
                )))
                state["bytes"] += sizes[i]
                tell(i, 0, "skip")
                continue
            seen[sha] = path.name
            ingest_id = next_id
            next_id += 1
            kind = self._stage_file(source, path, ingest_id, mapping=mapping, chunksize=chunksize, options=options,
                                    tell=lambda rows, i=i: tell(i, rows, "read"))
            state["bytes"] += sizes[i]
            loaded.append((ingest_id, path, sha, kind, i))
            tell(i, 0, "validate")

        rows_added = rows_replaced = 0
        if loaded:
            self._validate_stage(source, loaded)
            rows_replaced = self._resolve_conflicts(source, loaded, replace=replace)
            tell(len(paths) - 1, 0, "commit")
            rows_added = self._insert_stage(source, loaded, results, rows_replaced)
        results.sort(key=lambda pair: pair[0])
        return tuple(f for _, f in results), rows_added, rows_replaced

    def _stage_file(
        self,
        source: str,
        path: Path,
        ingest_id: int,
        *,
        mapping: dict[str, str] | None,
        chunksize: int,
        tell: Callable[[int], None],
        options: dict[str, Any],
    ) -> str:
        """Stream one file's chunks into the staging tables; return its kind."""
        self._row_label[ingest_id] = "record"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            kind = self._stage_chunks(source, path, ingest_id, mapping=mapping, chunksize=chunksize, tell=tell,
                                      options=options)
        notes = list(dict.fromkeys(str(w.message).rstrip(".") for w in caught))
        if notes:
            self._notes[ingest_id] = "; ".join(notes)
        self._warnings.extend(caught)  # re-emitted after the commit
        return kind

    def _stage_chunks(
        self,
        source: str,
        path: Path,
        ingest_id: int,
        *,
        mapping: dict[str, str] | None,
        chunksize: int,
        tell: Callable[[int], None],
        options: dict[str, Any],
    ) -> str:
        kind: str | None = None
        rows = 0
        empty = True
        for chunk in _read_chunks(source, path, chunksize=chunksize, mapping=mapping, options=options):
            if not isinstance(chunk, pd.DataFrame):
                raise DataFormatError(f"The reader for {source!r} returned {type(chunk).__name__}, not a DataFrame.")
            this = _classify(chunk.columns)
            if kind is None:
                kind = this
            elif this != kind:
                raise DataFormatError(f"{path.name}: the reader switched from {kind} to {this} rows mid-file.")
            n = len(chunk)
            if n == 0:
                continue
            empty = False
            if kind == "flows":
                self._stage_flows(chunk, source, ingest_id, rows)
            else:
                self._stage_covariates(chunk, kind, source, ingest_id)
            rows += n
            tell(rows)
        if empty:
            raise DataFormatError(
                f"{path.name}: the file has no data rows.",
                hint=f"Check that it is a {source!r} file with a header and at least one row.",
            )
        return kind or "flows"

    def _stage_flows(self, chunk: pd.DataFrame, source: str, ingest_id: int, offset: int) -> None:
        df = chunk
        # The reader may number rows by file line; otherwise use the position in the stream.
        if "row" in df.columns:
            row_no = df["row"]
            self._row_label[ingest_id] = "line"
        elif getattr(df.attrs.get("lines"), "lines", ()).__len__() == len(df):
            row_no = df.attrs["lines"].lines
            self._row_label[ingest_id] = "line"
        else:
            row_no = pd.RangeIndex(offset + 1, offset + len(df) + 1)
        year = pd.to_numeric(df["year"], errors="coerce").astype("float64")
        year = year.where(year.round() == year).astype("Int64")  # not a whole number → NULL → reported
        frame = pd.DataFrame(
            {
                "exporter": df["exporter"].astype("string"),
                "importer": df["importer"].astype("string"),
                "year": year,
                "product": df["product"].astype("string").fillna(""),
                "value": pd.to_numeric(df["value"], errors="coerce").astype("float64"),
                "unit": df["unit"].astype("string"),
                "scale": df["scale"].astype("string"),
                "source": df["source"].astype("string").fillna(source),
                "basis": df["basis"].astype("string"),
                "ingest_id": np.full(len(df), ingest_id, dtype="int32"),
                "row_no": np.asarray(row_no, dtype="int64"),
            }
        )
        self._append("_tg_stage", frame)

    def _stage_covariates(self, chunk: pd.DataFrame, kind: str, source: str, ingest_id: int) -> None:
        ids = ["iso3", "year"] if kind == "country_year" else ["exporter", "importer"]
        skip = set(ids) | {"source", "unit", "scale", "row", "basis", "name"}
        num = [c for c in chunk.columns if c not in skip and pd.api.types.is_numeric_dtype(chunk[c])]
        long = chunk[ids + num].melt(id_vars=ids, var_name="variable", value_name="value")
        frame = pd.DataFrame(
            {
                "kind": kind,
                "a": long[ids[0]].astype("string"),
                "b": long["importer"].astype("string") if kind == "pairs" else pd.Series(pd.NA, index=long.index, dtype="string"),
                "year": pd.to_numeric(long["year"], errors="coerce") if kind == "country_year" else np.nan,
                "variable": long["variable"].astype("string"),
                "value": pd.to_numeric(long["value"], errors="coerce").astype("float64"),
                "source": source,
                "ingest_id": np.full(len(long), ingest_id, dtype="int32"),
            }
        )
        self._append("_tg_cov", frame)

    def _append(self, table: str, frame: pd.DataFrame) -> None:
        """Append ``frame`` (the table's columns, in order) to a staging table of the open transaction.

        Through a relation, not ``register``: inside a transaction DuckDB keeps every
        registered-then-unregistered frame alive until the commit, so an ingest held
        all its chunks in memory (3.1 GiB at 10 M rows); a relation is freed per chunk.
        """
        try:
            self._con.from_df(frame).insert_into(table)
        except duckdb.Error as exc:
            raise StoreError(
                f"DuckDB error on table {table} of {self.path}: {exc}",
                hint="If the store file is damaged, move it away and ingest again; "
                "report this message if the error persists.",
            ) from exc

    def _validate_stage(self, source: str, loaded: list[tuple[int, Path, str, str, int]]) -> None:
        """Check every staged row; raise DataFormatError naming file, row, column and value."""
        names = {i: p.name for i, p, *_ in loaded}
        scales = list(SCALES)
        bases = list(BASES)
        checks = [
            ("exporter", "exporter IS NULL OR NOT regexp_full_match(exporter, '[A-Z]{3}')",
             "is not an ISO3 code", "Country codes must be ISO3 after harmonization; check the exporter column."),
            ("importer", "importer IS NULL OR NOT regexp_full_match(importer, '[A-Z]{3}')",
             "is not an ISO3 code", "Country codes must be ISO3 after harmonization; check the importer column."),
            ("year", "year IS NULL OR year < 1800 OR year > 2100",
             "is not a year", "Years must be integers such as 2019."),
            ("value", "value IS NULL OR isnan(value)",
             "is missing or not a number", "Remove the row or fill the value; tradegap does not guess missing trade."),
            ("value", "isinf(value) OR value < 0",
             "is negative or infinite", "Trade values must be finite and ≥ 0; fix or remove the row."),
            ("unit", "unit IS NULL OR unit = ''", "is missing", "The reader must set the currency unit (e.g. USD)."),
            ("scale", "scale IS NULL OR NOT list_contains(?, scale)",
             f"is not one of {scales}", "Set the scale to units, thousands or millions."),
            ("basis", "basis IS NULL OR NOT list_contains(?, basis)",
             f"is not one of {bases}", "Set the flow basis to one of the canonical bases."),
        ]
        # One scan to see whether anything is wrong; the per-column queries only run if so.
        any_bad = self._scalar(
            "SELECT count(*) FROM _tg_stage WHERE " + " OR ".join(f"({c})" for _, c, _, _ in checks),
            [scales, bases],
            table="_tg_stage",
        )
        for column, cond, what, hint in checks if any_bad else []:
            params = [scales] if column == "scale" else [bases] if column == "basis" else None
            bad = self._frame(
                f"SELECT ingest_id, row_no, {column} AS v, count(*) OVER () AS n FROM _tg_stage "
                f"WHERE {cond} ORDER BY ingest_id, row_no LIMIT 5",
                params,
                table="_tg_stage",
            )
            if len(bad):
                first = bad.iloc[0]
                examples = "; ".join(
                    f"{self._row_label.get(int(r.ingest_id), 'record')} {int(r.row_no)}: {r.v!r}"
                    for r in bad.itertuples(index=False)
                )
                raise DataFormatError(
                    f"{names[int(first.ingest_id)]}: {int(first.n):,} row(s) where column {column!r} {what} "
                    f"(first: {examples}).",
                    hint=hint + " Nothing was loaded; the store is unchanged.",
                )
        # Cheap test first (one hash aggregate); details only when there are duplicates.
        n_dup = self._scalar(
            """SELECT count(*) FROM (SELECT 1 FROM _tg_stage GROUP BY exporter, importer, year, product
                                     HAVING count(*) > 1)""",
            table="_tg_stage",
        )
        if n_dup:
            key = self._frame(
                """SELECT exporter, importer, year, product FROM _tg_stage
                   GROUP BY exporter, importer, year, product HAVING count(*) > 1
                   ORDER BY min(ingest_id), min(row_no) LIMIT 1""",
                table="_tg_stage",
            ).iloc[0]
            hits = self._frame(
                """SELECT ingest_id, row_no FROM _tg_stage
                   WHERE exporter = ? AND importer = ? AND year = ? AND product = ? ORDER BY ingest_id, row_no""",
                [key["exporter"], key["importer"], int(key["year"]), key["product"]],
                table="_tg_stage",
            )
            where = ", ".join(
                f"{names[int(i)]} {self._row_label.get(int(i), 'record')} {int(n)}"
                for i, n in zip(hits["ingest_id"][:3], hits["row_no"][:3], strict=True)
            )
            product = f", product {key['product']}" if key["product"] else ""
            raise DataFormatError(
                f"Duplicate rows: {int(n_dup):,} key(s) appear more than once; first "
                f"{key['exporter']}→{key['importer']} {int(key['year'])}{product} ({len(hits)} times: {where}).",
                hint="Each exporter, importer, year (and product) must appear once: remove the duplicates "
                "or aggregate them before ingesting. Nothing was loaded; the store is unchanged.",
            )
        bad_cov = self._frame(
            """SELECT kind, ingest_id, a, b, year, variable, value, count(*) OVER () AS n FROM _tg_cov
               WHERE a IS NULL OR NOT regexp_full_match(a, '[A-Z]{3}')
                  OR (kind = 'pairs' AND (b IS NULL OR NOT regexp_full_match(b, '[A-Z]{3}')))
                  OR (kind = 'country_year' AND year IS NULL)
                  OR isinf(value) LIMIT 1""",
            table="_tg_cov",
        )
        if len(bad_cov):
            r = bad_cov.iloc[0]
            raise DataFormatError(
                f"{names[int(r['ingest_id'])]}: {int(r['n']):,} covariate row(s) with a bad country code, year "
                f"or value (first: {r['a']!r} {r['b'] if r['kind'] == 'pairs' else r['year']!r} "
                f"{r['variable']}={r['value']!r}).",
                hint="Country codes must be ISO3 and years integers. Nothing was loaded; the store is unchanged.",
            )

    def _resolve_conflicts(self, source: str, loaded: list[tuple[int, Path, str, str, int]], *, replace: bool) -> int:
        """Rows already stored with the same key: error unless ``replace``; return rows deleted."""
        conflict = self._frame(
            """SELECT f.source, f.exporter, f.importer, f.year, f.product, i.file_name, s.ingest_id,
                      f.value AS old_value, s.value AS new_value,
                      count(*) OVER () AS n,
                      count(*) FILTER (WHERE f.value IS DISTINCT FROM s.value OR f.unit IS DISTINCT FROM s.unit
                                         OR f.scale IS DISTINCT FROM s.scale
                                         OR f.basis IS DISTINCT FROM s.basis) OVER () AS n_diff,
                      (f.value IS DISTINCT FROM s.value OR f.unit IS DISTINCT FROM s.unit
                       OR f.scale IS DISTINCT FROM s.scale OR f.basis IS DISTINCT FROM s.basis) AS differs
               FROM _tg_stage s
               JOIN flows f ON f.source = s.source AND f.exporter = s.exporter AND f.importer = s.importer
                           AND f.year = s.year AND f.product = s.product
               JOIN ingests i ON i.id = f.ingest_id
               ORDER BY differs DESC, s.ingest_id, s.row_no
               LIMIT 1""",
            table="flows",
        )
        cov_conflict = self._frame(
            """SELECT c.kind, c.a, c.b, c.year, c.variable, count(*) OVER () AS n FROM _tg_cov c
               WHERE (c.kind = 'country_year' AND EXISTS (SELECT 1 FROM country_year t WHERE t.source = c.source
                        AND t.iso3 = c.a AND t.year = c.year AND t.variable = c.variable))
                  OR (c.kind = 'pairs' AND EXISTS (SELECT 1 FROM pairs t WHERE t.source = c.source
                        AND t.exporter = c.a AND t.importer = c.b AND t.variable = c.variable))
               LIMIT 1""",
            table="_tg_cov",
        )
        if not replace:
            if len(conflict):
                r = conflict.iloc[0]
                product = f", product {r['product']}" if r["product"] else ""
                n, n_diff = int(r["n"]), int(r["n_diff"])
                first = f"{r['exporter']}→{r['importer']} {int(r['year'])}{product}, from {r['file_name']}"
                if n_diff:
                    same = f"; {n - n_diff:,} more are stored with the same values" if n > n_diff else ""
                    raise StoreError(
                        f"{n_diff:,} row(s) of source {r['source']!r} are already stored with other values "
                        f"(first: {first}: stored {r['old_value']:,.6g}, new {r['new_value']:,.6g}){same}.",
                        hint=f"To replace the stored rows with the new file's, run again with {option('replace', 'True')}. "
                        "Nothing was loaded; the store is unchanged.",
                    )
                raise StoreError(
                    f"{n:,} row(s) of source {r['source']!r} are already stored with the same values "
                    f"(first: {first}).",
                    hint="The file overlaps data already loaded from another file; remove the overlap, or run "
                    f"again with {option('replace', 'True')} to load the file as a whole. Nothing was loaded; "
                    "the store is unchanged.",
                )
            if len(cov_conflict):
                r = cov_conflict.iloc[0]
                raise StoreError(
                    f"{int(r['n']):,} {r['kind']} covariate value(s) of source {source!r} are already stored "
                    f"(first: {r['a']} {r['b'] if r['kind'] == 'pairs' else int(r['year'])} {r['variable']}).",
                    hint=f"Run again with {option('replace', 'True')} to overwrite them. Nothing was loaded; the store "
                    "is unchanged.",
                )
            return 0
        deleted = 0
        if len(conflict):
            before = int(self._scalar("SELECT count(*) FROM flow_rows", table="flow_rows"))
            self._sql(
                """DELETE FROM flow_rows f USING _tg_stage s, series r
                   WHERE f.series_id = r.id AND r.source = s.source AND f.exporter = s.exporter
                     AND f.importer = s.importer AND f.year = s.year AND f.product = s.product""",
                table="flow_rows",
            )
            deleted = before - int(self._scalar("SELECT count(*) FROM flow_rows", table="flow_rows"))
        if len(cov_conflict):
            self._sql(
                """DELETE FROM country_year t USING _tg_cov c WHERE c.kind = 'country_year'
                   AND t.source = c.source AND t.iso3 = c.a AND t.year = c.year AND t.variable = c.variable""",
                table="country_year",
            )
            self._sql(
                """DELETE FROM pairs t USING _tg_cov c WHERE c.kind = 'pairs'
                   AND t.source = c.source AND t.exporter = c.a AND t.importer = c.b AND t.variable = c.variable""",
                table="pairs",
            )
        return deleted

    def _insert_stage(
        self,
        source: str,
        loaded: list[tuple[int, Path, str, str, int]],
        results: list[tuple[int, FileIngest]],
        rows_replaced: int,
    ) -> int:
        self._sql(
            """INSERT INTO series
               SELECT (SELECT coalesce(max(id), 0) FROM series) + row_number() OVER (ORDER BY source, unit, scale, basis),
                      source, unit, scale, basis
               FROM (SELECT DISTINCT source, unit, scale, basis FROM _tg_stage
                     EXCEPT SELECT source, unit, scale, basis FROM series)""",
            table="series",
        )
        self._sql(
            """INSERT INTO flow_rows
               SELECT s.exporter, s.importer, CAST(s.year AS INTEGER), s.product, s.value, r.id,
                      CAST(s.ingest_id AS INTEGER)
               FROM _tg_stage s JOIN series r ON r.source = s.source AND r.unit = s.unit
                                              AND r.scale = s.scale AND r.basis = s.basis""",
            table="flow_rows",
        )
        self._sql(
            """INSERT INTO country_year SELECT a, CAST(year AS INTEGER), variable, value, source, ingest_id
               FROM _tg_cov WHERE kind = 'country_year'""",
            table="country_year",
        )
        self._sql(
            "INSERT INTO pairs SELECT a, b, variable, value, source, ingest_id FROM _tg_cov WHERE kind = 'pairs'",
            table="pairs",
        )
        flow_cov = self._frame(
            """SELECT ingest_id, count(*) AS n, min(year) AS y0, max(year) AS y1,
                      (SELECT count(*) FROM (SELECT exporter FROM _tg_stage t WHERE t.ingest_id = s.ingest_id
                                             UNION SELECT importer FROM _tg_stage t WHERE t.ingest_id = s.ingest_id)) AS c,
                      string_agg(DISTINCT unit, ',') AS unit, string_agg(DISTINCT scale, ',') AS scale,
                      string_agg(DISTINCT source, ',') AS sources
               FROM _tg_stage s GROUP BY ingest_id""",
            table="_tg_stage",
        ).set_index("ingest_id")
        cov_cov = self._frame(
            """SELECT ingest_id, count(DISTINCT (a, b, year)) AS n, min(year) AS y0, max(year) AS y1,
                      count(DISTINCT a) AS c
               FROM _tg_cov GROUP BY ingest_id""",
            table="_tg_cov",
        ).set_index("ingest_id")
        total = 0
        now = pd.Timestamp.now(tz="UTC").tz_localize(None).to_pydatetime()
        for k, (ingest_id, path, sha, kind, idx) in enumerate(loaded):
            stats = flow_cov if kind == "flows" else cov_cov
            if ingest_id in stats.index:
                s = stats.loc[ingest_id]
                n, y0, y1, c = int(s["n"]), s["y0"], s["y1"], int(s["c"])
                unit = s["unit"] if kind == "flows" else None
                scale = s["scale"] if kind == "flows" else None
            else:  # pragma: no cover - a staged file always has rows
                n, y0, y1, c, unit, scale = 0, None, None, 0, None, None
            y0 = None if y0 is None or pd.isna(y0) else int(y0)
            y1 = None if y1 is None or pd.isna(y1) else int(y1)
            self._sql(
                """INSERT INTO ingests (id, source, kind, file_name, file_path, sha256, rows, year_min, year_max,
                                        countries, unit, scale, replaced_rows, ingested_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [ingest_id, source, kind, path.name, str(path.resolve()), sha, n, y0, y1, c, unit, scale,
                 rows_replaced if k == 0 else 0, now],
                table="ingests",
            )
            total += n
            notes = [self._notes.get(ingest_id, "")]
            if kind == "flows" and ingest_id in flow_cov.index and flow_cov.loc[ingest_id, "sources"] != source:
                stored_as = flow_cov.loc[ingest_id, "sources"]
                notes.append(f"stored as source {stored_as!r} (query it with --source {stored_as})")
            if rows_replaced and k == 0:
                notes.append(f"replaced {rows_replaced:,} stored rows")
            note = "; ".join(x for x in notes if x)
            results.append((idx, FileIngest(path.name, sha, source, kind, "loaded", n, y0, y1, c, note,
                                            unit=str(unit or ""), scale=str(scale or ""))))
        return total
