"""Benchmark: tradegap's PPML-HDFE against pyfixest, fairly measured.  Not a test.

    trade ~ rta | exporter^year + importer^year + exporter^importer

Fairness rules:

* **Two panels per size**: the project's own generator (``gravity_panel``) and an
  independently designed one (``independent_panel``: different data-generating
  process, zeros from the process, unbalanced, shuffled rows).
* **Each engine in its own environment**: tradegap in the project's venv,
  pyfixest in ``bench/.venvs/pyfixest`` built by ``bench/peers.sh`` from PyPI
  with the dependency line it is released against (pandas 2.x).
* **Same work**: the same Parquet file; the same convergence tolerances (IRLS:
  relative deviance change < 1e-8; fixed effects: 1e-8 — pyfixest's
  ``iwls_tol``/``fixef_tol``, tradegap's ``tol``/``fixef_tol``); the same
  separation check (fixed-effect separation and singletons only); HC1 errors.
* **Same threads**: ``--threads`` (default 2) for both, through
  ``NUMBA_NUM_THREADS``, ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
  ``MKL_NUM_THREADS`` and ``RAYON_NUM_THREADS``.
* **JIT excluded for both**: each run is a fresh process that loads the data,
  fits a 2-year slice once (compilation, imports), then times the full fit.
* **Alternating runs, median of ``--reps`` (≥ 3)**; wall time, CPU time (all
  threads) and peak RSS of the whole process (``ru_maxrss``) reported, with the
  load average before and after each size.

R fixest is not installable from Debian's registry (no ``r-cran-fixest`` in
bookworm), so its figure is the one measured for issue 14 on this 2-core
machine (R fixest 2 threads, 1.6 M rows: 4.0–4.5 s; 1 thread: 7.0 s), printed
beside ours, not rerun.

    python bench/ppml.py                         # 70x6, 150x20, 200x40; 3 reps; 2 threads
    python bench/ppml.py --sizes 70x6 --reps 3
    python bench/ppml.py --threads 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FORMULA = "trade ~ rta | exporter^year + importer^year + exporter^importer"
TOL = 1e-8
FIXEF_TOL = 1e-8
FIXEST_PUBLISHED = "R fixest (issue 14, same machine, 2 threads): 4.0-4.5 s at 1.6 M rows (1 thread: 7.0 s); not rerun"


def worker(engine: str, path: str) -> dict:
    """Fit one engine on one panel in this (fresh) process."""
    import pandas as pd

    warnings.simplefilter("ignore")
    df = pd.read_parquet(path)
    warm = df[df["year"] < df["year"].min() + 2]
    if engine == "tradegap":
        from tradegap.estimate import fepois

        def fit(d):
            r = fepois(FORMULA, d, vcov="hc1", tol=TOL, fixef_tol=FIXEF_TOL, separation=("fe",))
            return float(r.coef["rta"]), float(r.se["rta"]), int(r.nobs)

    else:
        import pyfixest as pf

        def fit(d):
            m = pf.fepois(FORMULA, data=d, vcov="hetero", iwls_tol=TOL, fixef_tol=FIXEF_TOL,
                          separation_check=["fe"])
            return float(m.coef()["rta"]), float(m.se()["rta"]), int(m._N)

    fit(warm)  # JIT / import warm-up, excluded from the timing
    import gc

    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    coef, se, nobs = fit(df)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine, "wall": wall, "cpu": cpu, "peak_mb": peak, "coef": coef, "se": se, "nobs": nobs}


def python_for(engine: str) -> str:
    if engine == "tradegap":
        return sys.executable
    py = HERE / ".venvs" / engine / "bin" / "python"
    if not py.exists():
        raise SystemExit(f"{py} is missing: run `bash bench/peers.sh` first.")
    return str(py)


def run_engine(engine: str, path: str, threads: int, timeout: float) -> dict:
    env = dict(os.environ)
    for v in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "RAYON_NUM_THREADS"):
        env[v] = str(threads)
    if engine == "tradegap":
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    else:
        env.pop("PYTHONPATH", None)
    cmd = [python_for(engine), str(Path(__file__).resolve()), "--worker", engine, "--data", path]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True, env=env)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "error": f"timeout after {timeout:.0f}s"}
    except subprocess.CalledProcessError as exc:
        return {"engine": engine, "error": exc.stderr[-1500:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def versions() -> dict[str, str]:
    out = {}
    for eng, mods in (("tradegap", "numpy pandas numba"), ("pyfixest", "pyfixest numpy pandas numba")):
        code = ("import importlib.metadata as m, platform\n"
                "def v(p):\n    try:\n        return p + '=' + m.version(p)\n    except m.PackageNotFoundError:\n"
                "        return p + ' not installed'\n"
                f"print(platform.python_version(), ', '.join(v(p) for p in {mods.split()!r}))")
        env = dict(os.environ)
        if eng == "tradegap":
            env["PYTHONPATH"] = str(ROOT / "src")
        else:
            env.pop("PYTHONPATH", None)
        try:
            r = subprocess.run([python_for(eng), "-c", code], capture_output=True, text=True, env=env, check=True)
            out[eng] = "Python " + r.stdout.strip()
        except (subprocess.CalledProcessError, SystemExit) as exc:
            out[eng] = f"unavailable ({exc})"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="70x6,150x20,200x40", help="comma-separated COUNTRIESxYEARS")
    ap.add_argument("--panels", default="own,independent", help="own, independent or both")
    ap.add_argument("--reps", type=int, default=3, help="runs per engine (median reported; >= 3)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--peer-reps", type=int, default=None,
                    help="runs of pyfixest (default: --reps; fewer when its runs take minutes on a busy machine)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    ap.add_argument("--worker", choices=["tradegap", "pyfixest"], help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return

    sys.path.insert(0, str(HERE))
    from _gravity_gen import gravity_panel, independent_panel

    print(f"PPML-HDFE benchmark: {FORMULA}")
    print(f"tolerances: IRLS {TOL:g}, fixed effects {FIXEF_TOL:g} (both engines); separation: fe only; HC1; "
          f"{args.threads} thread(s) each; JIT excluded (warm-up fit in the same process); "
          f"median of {args.reps} alternating runs")
    for eng, v in versions().items():
        print(f"  {eng}: {v}" + ("  (demeaner: its default Rust backend)" if eng == "pyfixest" else ""))
    print(f"cpu count {os.cpu_count()}; load average at start {os.getloadavg()[0]:.2f}")
    gens = {"own": gravity_panel, "independent": independent_panel}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            nc, ny = (int(v) for v in size.lower().split("x"))
            for panel in args.panels.split(","):
                df = gens[panel](nc, ny)
                path = os.path.join(tmp, f"{panel}_{nc}x{ny}.parquet")
                df.to_parquet(path)
                n = len(df)
                del df
                load0 = os.getloadavg()[0]
                res: dict[str, list[dict]] = {"tradegap": [], "pyfixest": []}
                peer_reps = args.reps if args.peer_reps is None else args.peer_reps
                for rep in range(args.reps):
                    order = ("tradegap", "pyfixest") if rep % 2 == 0 else ("pyfixest", "tradegap")
                    for eng in order:
                        if eng == "pyfixest" and rep >= peer_reps:
                            continue
                        r = run_engine(eng, path, args.threads, args.timeout)
                        if "error" in r:
                            print(f"[{panel} {size}] {eng} failed: {r['error']}", file=sys.stderr)
                        else:
                            res[eng].append(r)
                load1 = os.getloadavg()[0]
                med = {e: {k: statistics.median(x[k] for x in v) for k in ("wall", "cpu", "peak_mb")}
                       for e, v in res.items() if v}
                if "tradegap" in med and "pyfixest" not in med:  # peer not run or timed out: ours alone
                    t = med["tradegap"]
                    print(f"  done {panel} {size} ({n:,} rows): tradegap alone {t['wall']:.2f} s wall, "
                          f"{t['cpu']:.2f} s CPU, peak {t['peak_mb']:.0f} MiB, rta {res['tradegap'][0]['coef']:.6f} "
                          f"(load {load0:.2f} -> {load1:.2f})", flush=True)
                if len(med) < 2:
                    continue
                a, b = res["tradegap"][0], res["pyfixest"][0]
                rel = abs(a["coef"] - b["coef"]) / abs(b["coef"])
                rows.append((panel, n, a["nobs"], med["tradegap"], med["pyfixest"], rel, a["nobs"] == b["nobs"],
                             load0, load1, a["coef"]))
                print(f"  done {panel} {size} ({n:,} rows): tradegap {med['tradegap']['wall']:.2f} s, "
                      f"pyfixest {med['pyfixest']['wall']:.2f} s (load {load0:.2f} -> {load1:.2f})", flush=True)
    print()
    print(f"pyfixest runs per size: {args.reps if args.peer_reps is None else args.peer_reps}")
    print(f"{'panel':<12}{'rows':>10}{'tg wall':>9}{'tg CPU':>8}{'pf wall':>9}{'pf CPU':>8}{'wall x':>8}"
          f"{'CPU x':>7}{'tg MiB':>8}{'pf MiB':>8}{'rel diff':>10}{'load':>12}")
    for p, n, _nobs, t, f, rel, same, l0, l1, _ in rows:
        print(f"{p:<12}{n:>10,}{t['wall']:>9.2f}{t['cpu']:>8.2f}{f['wall']:>9.2f}{f['cpu']:>8.2f}"
              f"{f['wall'] / t['wall']:>7.1f}x{f['cpu'] / t['cpu']:>6.1f}x{t['peak_mb']:>8.0f}{f['peak_mb']:>8.0f}"
              f"{rel:>10.1e}{l0:>6.2f}-{l1:<5.2f}" + ("" if same else "  (N differs!)"))
    print("wall/CPU: seconds of the timed fit (median); x: pyfixest / tradegap; MiB: peak RSS of the whole "
          "process (data, interpreter and fit)")
    print(FIXEST_PUBLISHED)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    bad = [r for r in rows if not (r[5] < 1e-6 and r[6])]
    if bad:
        print("WARNING: coefficients (1e-6) or N disagree for " + ", ".join(f"{r[0]} {r[1]:,}" for r in bad))


if __name__ == "__main__":
    main()
