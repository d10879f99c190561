"""Ingest benchmark: a synthetic CEPII BACI file of N rows through ``Store.ingest``.

Writes ``BACI_HS17_Y2019_V202401.csv`` (``t,i,j,k,v,q``: year, exporter and
importer CEPII numeric codes, HS6 product, value in thousand USD, quantity in
tonnes, some ``NA``) and its ``country_codes_V202401.csv`` into a temporary
folder, ingests it into a fresh DuckDB store and prints rows/s and peak RSS.

Target (issue 2): 10 M rows in ≤ 60 s and ≤ 2 GB peak RSS.

Usage::

    .venv/bin/python bench/ingest.py                 # 10,000,000 rows
    .venv/bin/python bench/ingest.py --rows 1000000  # smaller
    .venv/bin/python bench/ingest.py --max-seconds 60 --max-rss-mb 2048  # exit 1 if over target

Not a test: timings depend on the machine.  ``tests/test_cli_data.py`` runs it
at full size under the ``slow`` marker.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import pycountry


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux: ru_maxrss is KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


class _RssSampler(threading.Thread):
    """Samples current RSS (psutil) to report the peak during one phase."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self._proc = psutil.Process()
        self.peak = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._halt.wait(0.05)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.peak / 2**20


def country_table() -> list[tuple[int, str, str, str]]:
    """(CEPII-style numeric code, name, ISO2, ISO3) for the ISO 3166 countries."""
    rows = []
    for c in pycountry.countries:
        code = int(c.numeric)
        # BACI's own codes for a few countries differ from ISO numeric
        code = {840: 842, 250: 251, 356: 699, 756: 757, 578: 579}.get(code, code)
        rows.append((code, c.name, c.alpha_2, c.alpha_3))
    return sorted(rows)


def write_baci(folder: Path, rows: int, *, year: int = 2019, seed: int = 1) -> tuple[Path, Path]:
    """Write a synthetic BACI file of ``rows`` unique (i, j, k) rows and its country-codes file.

    Returns
    -------
    (data_file, codes_file)
    """
    folder.mkdir(parents=True, exist_ok=True)
    codes = country_table()[:200]
    codes_file = folder / "country_codes_V202401.csv"
    with open(codes_file, "w", encoding="utf-8") as fh:
        fh.write("country_code,country_name,country_iso2,country_iso3\n")
        for code, name, iso2, iso3 in codes:
            fh.write(f'{code},"{name}",{iso2},{iso3}\n')
    data_file = folder / f"BACI_HS17_Y{year}_V202401.csv"
    npairs = len(codes) * (len(codes) - 1)
    nprod = 5000
    space = npairs * nprod
    if rows > space:
        raise SystemExit(f"at most {space:,} unique rows")
    step = space // rows
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET memory_limit = '1GB'")
    con.execute("SET temp_directory = ?", [str(folder / ".gen-tmp")])
    con.execute("SELECT setseed(?)", [seed / 10])
    con.execute("CREATE TEMP TABLE c AS SELECT * FROM (VALUES " + ",".join(
        f"({k},{code})" for k, (code, *_rest) in enumerate(codes)) + ") t(idx, code)")
    n = len(codes)
    # idx → (pair, product) spread evenly over the key space; pair → (exporter, importer ≠ exporter)
    con.execute(
        """
        COPY (
          WITH keys AS (
            SELECT r * $step AS key FROM range($rows) t(r)
          ), parts AS (
            SELECT key % $npairs AS pair, key // $npairs AS prod FROM keys
          ), ij AS (
            SELECT pair // ($n - 1) AS ei, pair % ($n - 1) AS ii0, prod FROM parts
          )
          SELECT $year AS t, ce.code AS i, ci.code AS j,
                 -- HS6-like codes 100000–999998 without chapter 77 (reserved in every HS revision)
                 CAST(100000 + prod * 137 % 889999
                      + CASE WHEN 100000 + prod * 137 % 889999 >= 770000 THEN 10000 ELSE 0 END AS VARCHAR) AS k,
                 round(random() * 10000, 3) AS v,
                 CASE WHEN random() < 0.05 THEN 'NA' ELSE CAST(round(random() * 500, 3) AS VARCHAR) END AS q
          FROM ij
          JOIN c ce ON ce.idx = ij.ei
          JOIN c ci ON ci.idx = CASE WHEN ij.ii0 >= ij.ei THEN ij.ii0 + 1 ELSE ij.ii0 END
          ORDER BY i, j, k
        ) TO '__FILE__' (HEADER, DELIMITER ',', QUOTE '')
        """.replace("__FILE__", str(data_file).replace("'", "''")),
        {"step": step, "rows": rows, "npairs": npairs, "n": n, "year": year},
    )
    con.close()
    return data_file, codes_file


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows in the synthetic BACI file (default 10 M)")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--chunksize", type=int, default=None, help="rows per streamed chunk (default: the store's)")
    ap.add_argument("--max-seconds", type=float, default=None, help="exit 1 if the ingest takes longer")
    ap.add_argument("--max-rss-mb", type=float, default=None, help="exit 1 if peak RSS during ingest exceeds this")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.generate_only:
        data_file, _codes = write_baci(args.dir, args.rows)
        print(data_file)
        return 0

    from tradegap.store import DEFAULT_CHUNKSIZE, Store

    with tempfile.TemporaryDirectory(prefix="tradegap-bench-") as tmp:
        folder = args.dir or Path(tmp)
        t0 = time.perf_counter()
        # generate in a child process so that this process's peak RSS is the ingest's alone
        gen = subprocess.run(
            [sys.executable, __file__, "--generate-only", "--rows", str(args.rows), "--dir", str(folder / "baci")],
            capture_output=True, text=True,
        )
        if gen.returncode:
            print(gen.stdout + gen.stderr)
            return 1
        data_file = Path(gen.stdout.strip().splitlines()[-1])
        t_gen = time.perf_counter() - t0
        size_mb = data_file.stat().st_size / 2**20
        print(f"generated {args.rows:,} rows ({size_mb:,.0f} MiB) in {t_gen:.1f} s: {data_file.name}")

        rss_before = _peak_rss_mb()
        sampler = _RssSampler()
        sampler.start()
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        with Store(folder / "bench.duckdb") as store:
            report = store.ingest("baci", [data_file], chunksize=args.chunksize or DEFAULT_CHUNKSIZE)
        seconds = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        peak_sampled = sampler.stop()
        # Linux keeps ru_maxrss across execve, so a large parent (a pytest worker) leaves its peak in this
        # process's counter: trust ru_maxrss only if it grew during the ingest, else the sampled peak.
        rss_after = _peak_rss_mb()
        peak = max(rss_after, peak_sampled) if rss_after > rss_before else peak_sampled
        db_mb = (folder / "bench.duckdb").stat().st_size / 2**20
        print(
            f"ingested {report.rows_added:,} rows in {seconds:.1f} s = {report.rows_added / seconds:,.0f} rows/s; "
            f"peak RSS {peak:,.0f} MiB (before ingest {rss_before:,.0f} MiB); store {db_mb:,.0f} MiB"
        )
        print(
            f"CPU time {cpu:.1f} s (all threads) on {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f}: wall time depends on what else runs"
        )
        ok = True
        if args.max_seconds is not None and seconds > args.max_seconds:
            print(f"FAIL: {seconds:.1f} s > {args.max_seconds:.0f} s")
            ok = False
        if args.max_rss_mb is not None and peak > args.max_rss_mb:
            print(f"FAIL: peak RSS {peak:,.0f} MiB > {args.max_rss_mb:,.0f} MiB")
            ok = False
        if report.rows_added != args.rows:
            print(f"FAIL: {report.rows_added:,} rows stored, expected {args.rows:,}")
            ok = False
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
