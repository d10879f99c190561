"""Benchmark: tradegap's PPML-HDFE against pyfixest.fepois on structural-gravity panels.

Not a test.  For each panel size (countries x years) it generates a panel with
exporter-year, importer-year and pair fixed effects, ~10% zero flows and
domestic flows, writes it to a temporary Parquet file, and fits

    trade ~ rta | exporter^year + importer^year + exporter^importer

once with each engine, each in a fresh subprocess (so import/JIT and memory are
measured the same way for both).  Each worker loads the data, warms up its
engine on a small slice, then times the fit; peak memory is the peak resident
set size during the fit (sampled every 5 ms) minus the resident size just
before it.  Both run with their defaults (tradegap: deviance tol 1e-10,
demeaning tol 1e-10, separation checks fe+simplex+relu; pyfixest: IRLS tol
1e-8, demeaning tol 1e-6, separation check fe), i.e. tradegap at the tighter
tolerance.  Prints seconds, peak memory, the ratio and the coefficient agreement.

    .venv/bin/python bench/ppml.py                 # 70x6, 150x20, 200x40
    .venv/bin/python bench/ppml.py --sizes 70x6    # one size
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMULA = "trade ~ rta | exporter^year + importer^year + exporter^importer"


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def worker(engine: str, path: str) -> dict:
    """Fit one engine on one panel in this process; return timings and the estimate."""
    import pandas as pd

    warnings.simplefilter("ignore")
    df = pd.read_parquet(path)
    warm = df[df["year"] < df["year"].min() + 2]
    if engine == "tradegap":
        from tradegap.estimate import fepois

        def fit(d):
            r = fepois(FORMULA, d, vcov="hc1")
            return float(r.coef["rta"]), float(r.se["rta"]), int(r.nobs), int(r.iterations)

    else:
        import pyfixest as pf

        def fit(d):
            m = pf.fepois(FORMULA, data=d, vcov="hetero")
            return float(m.coef()["rta"]), float(m.se()["rta"]), int(m._N), int(getattr(m, "_iterations", -1) or -1)

    fit(warm)  # JIT / import warm-up on a small slice
    import gc

    gc.collect()
    base = _rss()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    t0 = time.perf_counter()
    coef, se, nobs, iters = fit(df)
    secs = time.perf_counter() - t0
    stop.set()
    th.join()
    peak[0] = max(peak[0], _rss())
    return {"engine": engine, "seconds": secs, "peak_mb": (peak[0] - base) / 2**20, "coef": coef, "se": se,
            "nobs": nobs, "iterations": iters}


def run_engine(engine: str, path: str, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--data", path]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "seconds": float("nan"), "peak_mb": float("nan"), "coef": float("nan"),
                "se": float("nan"), "nobs": -1, "error": f"timeout after {timeout:.0f}s"}
    except subprocess.CalledProcessError as exc:
        return {"engine": engine, "seconds": float("nan"), "peak_mb": float("nan"), "coef": float("nan"),
                "se": float("nan"), "nobs": -1, "error": exc.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="70x6,150x20,200x40", help="comma-separated COUNTRIESxYEARS")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per engine and size")
    ap.add_argument("--worker", choices=["tradegap", "pyfixest"], help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return

    sys.path.insert(0, str(HERE))
    from _gravity_gen import gravity_panel

    print(f"PPML-HDFE benchmark: {FORMULA}")
    print(f"cpu count {os.cpu_count()}, load average at start {os.getloadavg()[0]:.2f}")
    header = (f"{'countries x years':>17} {'rows':>10} {'N used':>10} {'tradegap s':>11} {'pyfixest s':>11} "
              f"{'speed-up':>9} {'tg peak MB':>11} {'pf peak MB':>11} {'rta tg':>10} {'rta pf':>10} {'rel diff':>9}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            nc, ny = (int(v) for v in size.lower().split("x"))
            df = gravity_panel(nc, ny, seed=0)
            path = os.path.join(tmp, f"panel_{nc}x{ny}.parquet")
            df.to_parquet(path)
            n = len(df)
            del df
            ours = run_engine("tradegap", path, args.timeout)
            ref = run_engine("pyfixest", path, args.timeout)
            for r in (ours, ref):
                if "error" in r:
                    print(f"[{size}] {r['engine']} failed: {r['error']}", file=sys.stderr)
            rel = abs(ours["coef"] - ref["coef"]) / abs(ref["coef"])
            rows.append((f"{nc} x {ny}", n, ours["nobs"], ours["seconds"], ref["seconds"],
                         ref["seconds"] / ours["seconds"], ours["peak_mb"], ref["peak_mb"], ours["coef"],
                         ref["coef"], rel, ours["nobs"] == ref["nobs"]))
            print(f"  done {size}: tradegap {ours['seconds']:.2f}s, pyfixest {ref['seconds']:.2f}s "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)
    print(header)
    for r in rows:
        print(f"{r[0]:>17} {r[1]:>10,} {r[2]:>10,} {r[3]:>11.2f} {r[4]:>11.2f} {r[5]:>8.1f}x {r[6]:>11.0f} "
              f"{r[7]:>11.0f} {r[8]:>10.6f} {r[9]:>10.6f} {r[10]:>9.1e}" + ("" if r[11] else "  (N differs!)"))
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    bad = [r for r in rows if not (r[10] < 1e-4 and r[11])]
    if bad:
        print("WARNING: coefficients or N disagree for " + ", ".join(r[0] for r in bad))


if __name__ == "__main__":
    main()
