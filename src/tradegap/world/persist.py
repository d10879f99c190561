"""World-model tables in the DuckDB store: write once per (fingerprint, spec), verify, read.

Every table has the data ``fingerprint`` and the ``spec`` key in its first two columns.  A build
writes all its rows, then one row of ``world_models`` with each table's row count and checksum,
in the same transaction: a model without that row (a build that died) or whose tables no longer
match it (rows lost or changed) is never served; :func:`status` says so and the caller rebuilds.
Writing a model for a fingerprint also deletes every model of other fingerprints (stale data).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

#: World tables (name in the store → frame key of :class:`tradegap.world.compute.WorldFrames`).
TABLES: dict[str, str] = {
    "world_structural": "structural",
    "world_size": "size",
    "world_pairs": "pairs",
    "world_stage1_policy": "stage1_policy",
    "world_coefficients": "coefficients",
    "world_ge_flows": "ge_flows",
    "world_ge_countries": "ge_countries",
    "world_country_year": "country_year",
    "world_sector_fitted": "sector_fitted",
}

#: The column whose values split each table into separately checksummed partitions (None: one).
PARTITION: dict[str, str | None] = {
    "world_structural": "exporter",
    "world_size": "exporter",
    "world_pairs": "exporter",
    "world_stage1_policy": None,
    "world_coefficients": None,
    "world_ge_flows": "year",  # a scenario reads one year's baseline
    "world_ge_countries": None,
    "world_country_year": None,
    "world_sector_fitted": "exporter",  # the brief reads one pair's rows of every sector
}

#: Sort order of the rows as written (pair reads then skip most of the file).
ORDER: dict[str, str] = {
    "world_structural": "exporter, importer, year",
    "world_size": "exporter, importer, year, variant",
    "world_pairs": "exporter, importer",
    "world_ge_flows": "year, exporter, importer",
    "world_sector_fitted": "exporter, importer, sector, year",
}

_CHECKS_SQL = """CREATE TABLE IF NOT EXISTS world_checks (
    fingerprint VARCHAR NOT NULL,
    spec VARCHAR NOT NULL,
    tbl VARCHAR NOT NULL,
    part VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    checksum VARCHAR NOT NULL
)"""

_MODELS_SQL = """CREATE TABLE IF NOT EXISTS world_models (
    fingerprint VARCHAR NOT NULL,
    spec VARCHAR NOT NULL,
    spec_json VARCHAR NOT NULL,
    meta_json VARCHAR NOT NULL,
    checks_json VARCHAR NOT NULL,
    seconds_json VARCHAR NOT NULL,
    duckdb_version VARCHAR NOT NULL,
    built_at TIMESTAMP NOT NULL,
    PRIMARY KEY (fingerprint, spec)
)"""


@dataclass(frozen=True)
class ModelRow:
    """The completion row of a persisted model."""

    fingerprint: str
    spec: str
    meta: dict[str, Any]
    checks: dict[str, int]
    seconds: dict[str, float]
    duckdb_version: str


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list:
    """Execute one statement and fetch its result (DuckDB needs a result consumed before the next call)."""
    cur = con.execute(sql, params) if params is not None else con.execute(sql)
    return cur.fetchall()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    # the description of an empty result: a tenth of the time of information_schema.columns
    return [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]


def _hash_expr(con: duckdb.DuckDBPyConnection, table: str) -> str:
    cols = [c for c in _columns(con, table) if c not in ("fingerprint", "spec")]
    return "hash(" + ", ".join(f'"{c}"' for c in cols) + ")"


def _part_expr(table: str) -> str:
    col = PARTITION.get(table)
    return f'"{col}"' if col else "'*'"


def _count(con: duckdb.DuckDBPyConnection, table: str, fingerprint: str, spec: str) -> int:
    # table names come from TABLES: safe identifiers
    return int(con.execute(f"SELECT count(*) FROM {table} WHERE fingerprint = ? AND spec = ?",
                           [fingerprint, spec]).fetchall()[0][0])


def _part_checks(con: duckdb.DuckDBPyConnection, table: str, fingerprint: str, spec: str,
                 parts: list[str] | None = None) -> dict[str, tuple[int, str]]:
    """``{partition: (rows, checksum)}`` of one model's rows in ``table`` (checksum: sum of row hashes)."""
    part = _part_expr(table)
    where = "fingerprint = ? AND spec = ?"
    params: list[Any] = [fingerprint, spec]
    if parts is not None and PARTITION.get(table):  # IN (…), not list_contains: DuckDB then skips row groups
        where += f" AND {part} IN ({', '.join('?' for _ in parts)})" if parts else " AND FALSE"
        params.extend(parts)
    rows = con.execute(
        f"SELECT {part} AS part, count(*), CAST(sum({_hash_expr(con, table)}) AS VARCHAR) FROM {table} "
        f"WHERE {where} GROUP BY 1",
        params,
    ).fetchall()
    return {str(p): (int(n), str(c)) for p, n, c in rows}


def verify_rows(con: duckdb.DuckDBPyConnection, table: str, fingerprint: str, spec: str,
                parts: list[str] | None = None) -> bool:
    """Whether the rows of ``parts`` (default: all) match the checksums written with the model."""
    params: list[Any] = [fingerprint, spec, table]
    where = "fingerprint = ? AND spec = ? AND tbl = ?"
    if parts is not None and PARTITION.get(table):
        where += " AND list_contains(?, part)"
        params.append(list(parts))
    stored = {str(p): (int(n), str(c)) for p, n, c in
              con.execute(f"SELECT part, n, checksum FROM world_checks WHERE {where}", params).fetchall()}
    return _part_checks(con, table, fingerprint, spec, parts) == stored


def model_row(con: duckdb.DuckDBPyConnection | None, fingerprint: str, spec: str) -> ModelRow | None:
    """The completion row of (fingerprint, spec), or None."""
    if con is None or "world_models" not in _tables(con):
        return None
    r = con.execute(
        "SELECT meta_json, checks_json, seconds_json, duckdb_version FROM world_models "
        "WHERE fingerprint = ? AND spec = ?",
        [fingerprint, spec],
    ).fetchall()
    if not r:
        return None
    r = r[0]
    return ModelRow(fingerprint, spec, json.loads(r[0]), json.loads(r[1]), json.loads(r[2]), r[3])


def last_seconds(con: duckdb.DuckDBPyConnection | None) -> dict[str, float] | None:
    """Stage timings of the most recent build in this store (for the ETA), or None."""
    if con is None or "world_models" not in _tables(con):
        return None
    r = con.execute("SELECT seconds_json FROM world_models ORDER BY built_at DESC LIMIT 1").fetchall()
    return json.loads(r[0][0]) if r else None


def status(con: duckdb.DuckDBPyConnection | None, fingerprint: str, spec: str) -> tuple[str, ModelRow | None]:
    """``("ok" | "missing" | "damaged", row)``: whether the model is complete and intact."""
    row = model_row(con, fingerprint, spec)
    if row is None:
        return "missing", None
    if row.duckdb_version != duckdb.__version__:
        return "damaged", row
    have = _tables(con)
    for table in [*TABLES, "world_checks"]:
        if table not in have:
            return "damaged", row
    # the partition checksums must account for every row of every table; the rows themselves are
    # checked against them as they are read (verify_rows), so a damaged row is never served
    sums = dict(con.execute("SELECT tbl, sum(n) FROM world_checks WHERE fingerprint = ? AND spec = ? GROUP BY tbl",
                            [fingerprint, spec]).fetchall())
    for table in TABLES:
        if table not in row.checks or int(sums.get(table) or 0) != row.checks[table]:
            return "damaged", row
    return "ok", row


def write(con: duckdb.DuckDBPyConnection, fingerprint: str, spec_key: str, spec_json: str,
          frames: dict[str, pd.DataFrame], meta: dict[str, Any], seconds: dict[str, float]) -> ModelRow:
    """Write one model and its completion row in one transaction (other fingerprints are dropped)."""
    _run(con, "BEGIN TRANSACTION")
    try:
        _run(con, _MODELS_SQL)
        _run(con, _CHECKS_SQL)
        _run(con, "DELETE FROM world_checks WHERE fingerprint <> ? OR spec = ?", [fingerprint, spec_key])
        have = _tables(con)
        checks: dict[str, int] = {}
        for table, key in TABLES.items():
            df = frames[key]
            con.register("_world_df", df)
            try:
                if table in have and _columns(con, table) != ["fingerprint", "spec", *map(str, df.columns)]:
                    # written by another version of tradegap: its models no longer verify and are rebuilt
                    _run(con, f"DROP TABLE {table}")
                    have.discard(table)
                if table not in have:
                    _run(con,
                        f"CREATE TABLE {table} AS SELECT CAST(NULL AS VARCHAR) AS fingerprint, "
                        "CAST(NULL AS VARCHAR) AS spec, * FROM _world_df LIMIT 0"
                    )
                _run(con, f"DELETE FROM {table} WHERE fingerprint <> ? OR spec = ?", [fingerprint, spec_key])
                cols = ", ".join(f'"{c}"' for c in df.columns)
                _run(con,
                    f"INSERT INTO {table} (fingerprint, spec, {cols}) SELECT ?, ?, {cols} FROM _world_df"
                    + (f" ORDER BY {ORDER[table]}" if table in ORDER else ""),
                    [fingerprint, spec_key],
                )
            finally:
                con.unregister("_world_df")
            checks[table] = _count(con, table, fingerprint, spec_key)
            _run(con,
                 f"INSERT INTO world_checks SELECT fingerprint, spec, ?, CAST({_part_expr(table)} AS VARCHAR), count(*), "
                 f"CAST(sum({_hash_expr(con, table)}) AS VARCHAR) FROM {table} WHERE fingerprint = ? AND spec = ? "
                 "GROUP BY ALL", [table, fingerprint, spec_key])
        _run(con, "DELETE FROM world_models WHERE fingerprint <> ? OR spec = ?", [fingerprint, spec_key])
        _run(con,
            "INSERT INTO world_models VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [fingerprint, spec_key, spec_json, json.dumps(meta), json.dumps(checks), json.dumps(seconds),
             duckdb.__version__, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())],
        )
        _run(con, "COMMIT")
    except BaseException:
        _run(con, "ROLLBACK")
        raise
    return ModelRow(fingerprint, spec_key, meta, checks, seconds, duckdb.__version__)


def drop(con: duckdb.DuckDBPyConnection, fingerprint: str, spec_key: str) -> None:
    """Delete one model's rows and completion row (a damaged model, before it is rebuilt)."""
    have = _tables(con)
    _run(con, "BEGIN TRANSACTION")
    for table in [*TABLES, "world_models", "world_checks"]:
        if table in have:
            _run(con, f"DELETE FROM {table} WHERE fingerprint = ? AND spec = ?", [fingerprint, spec_key])
    _run(con, "COMMIT")
