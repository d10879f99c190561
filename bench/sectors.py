"""Benchmark: sector gravity at product scale — a BACI-sized year, 96 HS chapters, three schedulers.

Not a test.  Steps, each timed (wall and CPU) with the load average printed:

1. generate a synthetic BACI HS6 year in BACI's own CSV format (``t,i,j,k,v,q``
   plus ``country_codes_V*.csv``): 200 countries, 5,000 HS6 products spread
   over the 96 HS chapters (chapter 77 is reserved, so "97 chapters" is 96
   fits), flows drawn from a gravity model (exporter-product and
   importer-product sizes, distance, contiguity, common language) and kept
   when large enough, about 10 M non-zero rows;
2. ingest it with ``Store.ingest("baci", …)`` in a child process (its peak RSS
   is the ingest's alone; target ≤ 60 s and ≤ 2 GB);
3. aggregate to HS chapters in the store's DuckDB file (``SUM(value)`` by
   exporter, importer, first two digits of the product), build each chapter's
   square grid of the 39,800 ordered pairs (absent flows are zeros) with the
   pair covariates, the input of :func:`tradegap.batch.fit_batch`;
4. fit ``value ~ ln_dist + contig + shared_sea + comlang_off + colony |
   exporter + importer`` (tradegap's sector gravity) for every chapter:
   serially (one numba thread per fit below 100,000 rows), on a local process pool of 2 workers and on
   a ``dask.distributed`` ``LocalCluster`` of 2 single-threaded workers
   (start-up included in the time); the estimates of every run must equal the
   serial ones to 1e-10 (relative).

Prints the scaling (serial time / parallel time).  Targets (issue 14): ingest
≤ 60 s and ≤ 2 GB, 96 fits ≤ 2 min serial, the 2-worker cluster not slower
than serial.

    .venv/bin/python bench/sectors.py                       # full size
    .venv/bin/python bench/sectors.py --products 500 --countries 60   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ingest import country_table  # noqa: E402  (bench helper beside this file)

FORMULA = "value ~ ln_dist + contig + shared_sea + comlang_off + colony | exporter + importer"
CHAPTERS = [c for c in range(1, 98) if c != 77]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def world(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Countries (numeric code, ISO3, size) and the pair covariates of all ordered pairs."""
    rng = np.random.default_rng(seed)
    ct = country_table()[:n]
    lat, lon = rng.uniform(-55, 70, n), rng.uniform(-180, 180, n)
    lang = rng.integers(0, 12, n)
    c = pd.DataFrame({"code": [t[0] for t in ct], "iso3": [t[3] for t in ct], "size": rng.normal(0, 1.5, n),
                      "lat": lat, "lon": lon, "lang": lang})
    ex, im = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    keep = ex != im
    ex, im = ex[keep], im[keep]
    dist = np.hypot(lat[ex] - lat[im], (lon[ex] - lon[im]) * np.cos(np.radians((lat[ex] + lat[im]) / 2))) * 111 + 80
    pairs = pd.DataFrame({
        "ei": ex, "ii": im, "exporter": c["iso3"].to_numpy()[ex], "importer": c["iso3"].to_numpy()[im],
        "dist": dist, "contig": (dist < 900).astype(float), "shared_sea": ((dist < 1500) & (rng.random(ex.size) < 0.2)).astype(float),
        "comlang_off": (lang[ex] == lang[im]).astype(float), "colony": (rng.random(ex.size) < 0.01).astype(float),
    })
    return c, pairs


def write_baci(folder: Path, n_countries: int, n_products: int, share: float, seed: int = 1) -> tuple[Path, int]:
    """Write ``BACI_HS17_Y2022_V202401.csv`` and ``country_codes_V202401.csv``; return the path and row count."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    c, pairs = world(n_countries)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "country_codes_V202401.csv", "w", encoding="utf-8") as fh:
        fh.write("country_code,country_name,country_iso2,country_iso3\n")
        for code, name, iso2, iso3 in country_table()[:n_countries]:
            fh.write(f'{code},"{name}",{iso2},{iso3}\n')
    per = np.full(len(CHAPTERS), n_products // len(CHAPTERS))
    per[: n_products - per.sum()] += 1
    products = [f"{ch:02d}{h // 100 + 1:02d}{h % 100:02d}" for ch, m in zip(CHAPTERS, per) for h in range(m)]
    size = c["size"].to_numpy()
    ei, ii = pairs["ei"].to_numpy(), pairs["ii"].to_numpy()
    base = (-0.9 * np.log(pairs["dist"].to_numpy()) + 0.5 * pairs["contig"].to_numpy()
            + 0.3 * pairs["comlang_off"].to_numpy() + 0.2 * pairs["colony"].to_numpy())
    # threshold on the latent log flow so that about `share` of (pair, product) cells are non-zero
    probe = size[ei] + size[ii] + base + rng.normal(0, 2.0, ei.size)
    cut = np.quantile(probe, 1 - share)
    path = folder / "BACI_HS17_Y2022_V202401.csv"
    schema = pa.schema([("t", pa.int32()), ("i", pa.int32()), ("j", pa.int32()), ("k", pa.string()),
                        ("v", pa.float64()), ("q", pa.string())])
    codes = c["code"].to_numpy()
    rows = 0
    with pacsv.CSVWriter(str(path), schema, write_options=pacsv.WriteOptions(quoting_style="none")) as w:
        for k in products:
            ex_k = rng.normal(0, 1.0, n_countries)
            im_k = rng.normal(0, 1.0, n_countries)
            lat = size[ei] + size[ii] + ex_k[ei] + im_k[ii] + base + rng.normal(0, 1.0, ei.size)
            m = lat > cut
            v = np.round(np.exp(lat[m] - cut) * rng.gamma(2.0, 0.5, int(m.sum())) * 10, 3) + 0.001
            q = np.round(v * rng.uniform(0.01, 2, v.size), 3).astype(str).astype(object)
            q[rng.random(v.size) < 0.05] = "NA"
            w.write_table(pa.table({"t": np.full(v.size, 2022, dtype=np.int32), "i": codes[ei[m]].astype(np.int32),
                                    "j": codes[ii[m]].astype(np.int32), "k": np.full(v.size, k, dtype=object),
                                    "v": v, "q": q}, schema=schema))
            rows += v.size
    return path, rows


def ingest_child(data_file: str, db: str) -> dict:
    """Run in a child process: ingest, return seconds, CPU seconds and peak RSS of this process."""
    from tradegap.store import Store

    t0, c0 = time.perf_counter(), _cpu()
    with Store(Path(db)) as store:
        rep = store.ingest("baci", [Path(data_file)])
    return {"seconds": time.perf_counter() - t0, "cpu": _cpu() - c0, "rows": rep.rows_added,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def chapter_frame(db: Path, pairs: pd.DataFrame) -> pd.DataFrame:
    """Long frame: for each HS chapter, every ordered pair with its summed value (0 if none) and covariates."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    agg = con.execute(
        "SELECT 'ch' || substr(product, 1, 2) AS sector, exporter, importer, SUM(value) AS value "
        "FROM flows WHERE source = 'baci' GROUP BY ALL"
    ).df()
    con.close()
    grid = pairs[["exporter", "importer", "dist", "contig", "shared_sea", "comlang_off", "colony"]].copy()
    grid["ln_dist"] = np.log(grid.pop("dist"))
    parts = []
    for sec in sorted(agg["sector"].unique()):
        g = grid.merge(agg[agg["sector"] == sec].drop(columns="sector"), on=["exporter", "importer"], how="left")
        g["value"] = g["value"].fillna(0.0)
        g["sector"] = sec
        parts.append(g)
    return pd.concat(parts, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--share", type=float, default=0.063, help="share of non-zero (pair, product) cells (0.063: ~10 M rows)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="alternating rounds of the three schedulers (median reported)")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--ingest-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.ingest_child:
        print(json.dumps(ingest_child(*args.ingest_child)))
        return 0

    from tradegap.batch import TextProgress, fit_batch

    print(f"Sector batch benchmark: {args.countries} countries, {args.products:,} HS6 products, "
          f"{len(CHAPTERS)} HS chapters; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="tradegap-sectors-") as tmp:
        folder = args.dir or Path(tmp)
        t0 = time.perf_counter()
        data_file, rows = write_baci(folder / "baci", args.countries, args.products, args.share)
        print(f"generated {rows:,} rows ({data_file.stat().st_size / 2**20:,.0f} MiB) in "
              f"{time.perf_counter() - t0:.1f} s")
        db = folder / "bench.duckdb"
        out = subprocess.run([sys.executable, __file__, "--ingest-child", str(data_file), str(db)],
                             capture_output=True, text=True)
        if out.returncode:
            print(out.stdout + out.stderr)
            return 1
        ing = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"ingest: {ing['rows']:,} rows in {ing['seconds']:.1f} s wall, {ing['cpu']:.1f} s CPU, "
              f"peak RSS {ing['peak_mb']:,.0f} MiB (load {os.getloadavg()[0]:.2f})")
        ok &= ing["seconds"] <= 60 and ing["peak_mb"] <= 2048 and ing["rows"] == rows
        t0 = time.perf_counter()
        _, pairs = world(args.countries)
        frame = chapter_frame(db, pairs)
        print(f"aggregate + grids: {frame['sector'].nunique()} chapters x {len(pairs):,} pairs = "
              f"{len(frame):,} rows in {time.perf_counter() - t0:.1f} s")

    from tradegap.estimate.threads import PARALLEL_MIN_ROWS

    runs = [("serial", {}), ("processes", {"workers": args.workers}), ("dask", {"workers": args.workers})]
    rows_per_fit = len(frame) // max(frame["sector"].nunique(), 1)
    print(f"fits: {rows_per_fit:,} rows each; serial runs each fit on "
          f"{1 if rows_per_fit < PARALLEL_MIN_ROWS else os.cpu_count()} numba thread(s) (one below "
          f"{PARALLEL_MIN_ROWS:,} rows), pool and Dask workers on 1 each; {args.repeat} alternating round(s), "
          "median wall reported")
    walls: dict[str, list[float]] = {name: [] for name, _ in runs}
    results = {}
    for r in range(args.repeat):
        order = runs[r % len(runs):] + runs[: r % len(runs)]  # rotate the order between rounds
        for name, kw in order:
            t0, c0, l0 = time.perf_counter(), _cpu(), os.getloadavg()[0]
            res = fit_batch(frame, FORMULA, by="sector", scheduler=name, progress=TextProgress(name), **kw)
            walls[name].append(time.perf_counter() - t0)
            results[name] = (res, walls[name][-1], _cpu() - c0, l0, os.getloadavg()[0])
            if res.failed:
                print(f"  {name}: {len(res.failed)} failed fits: {dict(list(res.failed.items())[:3])}")
    med = {name: float(np.median(w)) for name, w in walls.items()}
    serial = results["serial"][0]
    print(f"\n{'scheduler':<12}{'workers':>8}{'fits':>6}{'failed':>7}{'wall s':>9}{'CPU s*':>9}"
          f"{'scaling':>9}{'load':>12}{'max rel diff':>14}  walls of the rounds")
    t_serial = med["serial"]
    for name, (res, _wall, cpu, l0, l1) in results.items():
        diff = max((abs(res.fits[k].coef[t] - f.coef[t]) / max(abs(f.coef[t]), 1e-12)
                    for k, f in serial.fits.items() for t in f.coef), default=0.0)
        print(f"{name:<12}{res.workers:>8}{len(res.fits):>6}{len(res.failed):>7}{med[name]:>9.1f}{cpu:>9.1f}"
              f"{t_serial / med[name]:>8.2f}x{l0:>6.2f}-{l1:<5.2f}{diff:>14.1e}  "
              + " ".join(f"{w:.1f}" for w in walls[name]))
        ok &= diff <= 1e-10 and res.fits.keys() == serial.fits.keys()
    print("* CPU of the last round: this process and its finished child processes (pool and Dask workers).")
    print("wall = median of the rounds; scaling = serial wall / wall; pool and cluster start-up and "
          "shut-down are included in their wall time; load = 1-min load average before-after the last round.")
    ok &= t_serial <= 120 and med["dask"] <= t_serial
    print("targets met" if ok else "TARGETS NOT MET (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
