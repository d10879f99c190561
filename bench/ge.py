"""Benchmark: tradegap's GE solver vs gegravity (USITC, v0.3) on the same scenarios.  Not a test.

Four sizes: gegravity's own 30-country sample (CAN–JPN PTA, σ = 5), the Advanced Guide's
69-country 2006 cross-section (border between CAN and USA removed, σ = 7) and synthetic
worlds of 200 and 800 countries (a PTA between two countries, σ = 6).  Both tools build the
model from the same bilateral frame (written to CSV once), solve the baseline, the
conditional and the full endowment GE (tradegap with ``convention="gegravity"`` so that the
results are the same model), and the results are checked to agree to 1e-6 (relative on
levels; % changes relative with an absolute floor of 1e-8 percentage points).  gegravity
runs with tight tolerances (1e-12) so that agreement to 1e-6 is meaningful.

Fairness: each tool runs in a fresh process in its own environment — tradegap in the
project's venv, gegravity in ``bench/.venvs/gegravity`` (``bench/peers.sh``: gegravity 0.3
with the pandas 1.x / numpy 1.x line it was released against); both processes get the same
``--threads`` BLAS/OpenMP threads (tradegap's solver pins its BLAS to one thread inside,
its default); wall and CPU time of the model build + solve, the median of ``--reps`` runs
(tradegap: warm, i.e. after one untimed run in the same process; gegravity: one run per
process, which includes nothing to compile).  Each gegravity run gets ``--peer-timeout``
seconds (default 600); one that does not finish is reported as "gegravity did not finish
within N s" with the lower bound N / tradegap's time on the ratio.  The load average is
printed for every case, and the versions of each tool's environment at the start.

Run: ``python bench/ge.py`` (``--sizes 30,69`` for the quick ones).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent


def synthetic(n: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, float]]:
    """A square world of n countries with Y, E, ln distance, contiguity, PTA and border dummies."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"C{k:03d}" for k in range(n)], dtype=object)
    lat, lon = rng.uniform(-60, 70, n), rng.uniform(-180, 180, n)
    size = np.exp(rng.normal(11, 1.6, n))
    i, j = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    d = np.hypot(lat[i] - lat[j], (lon[i] - lon[j]) * np.cos(np.radians((lat[i] + lat[j]) / 2))) * 111 + 50
    intl = i != j
    df = pd.DataFrame({"exporter": codes[i], "importer": codes[j], "lndist": np.log(d),
                       "contiguity": (intl & (d < 800)).astype(int),
                       "pta": (intl & (rng.random(i.size) < 0.1)).astype(int), "international": intl.astype(int)})
    df["Y"] = size[i]
    df["E"] = (size * rng.uniform(0.9, 1.1, n))[j]
    df["trade"] = 1.0
    df["year"] = 2020
    coef = {"lndist": -0.8, "contiguity": 0.5, "pta": 0.4, "international": -2.5}
    return df, coef


def cases(sizes: list[int]):
    s = pd.read_csv(ROOT / "tests" / "data" / "ge_sample_2006.csv")
    if 30 in sizes:
        yield (
            "gegravity sample (30)", s,
            {"lndist": -0.3764, "contiguity": 0.8850, "pta": 0.4823, "common_language": 0.0392,
             "international": -3.4224},
            5.0, "DEU", "pta", [("CAN", "JPN"), ("JPN", "CAN")], 1, 10,
        )
    g = pd.read_parquet(ROOT / "examples" / "data" / "yotov2016_ch2_trade_without_border_2006.parquet")
    g = g.rename(columns={"ln_DIST": "lndist", "CNTG": "contiguity", "INTL_BRDR": "international"})
    if 69 in sizes:
        yield (
            "Advanced Guide 2006 (69)", g,
            {"lndist": -0.7912879, "contiguity": 0.6736456, "international": -2.47445},
            7.0, "DEU", "international", [("CAN", "USA"), ("USA", "CAN")], 0, 1,
        )
    for n in (n for n in sizes if n not in (30, 69)):
        df, coef = synthetic(n)
        yield (f"synthetic world ({n})", df, coef, 6.0, "C000", "pta", [("C001", "C002"), ("C002", "C001")], 1, 1)


def run_gegravity(df, coef, sigma, ref, var, pairs, value, omr_rescale):
    import gegravity as ge

    t0 = time.perf_counter()
    base = ge.BaselineData(df.copy(), imp_var_name="importer", exp_var_name="exporter", year_var_name="year",
                           trade_var_name="trade", expend_var_name="E", output_var_name="Y")
    cc = ge.CostCoeffs(estimates=pd.DataFrame({"var": list(coef), "coeff": list(coef.values())}),
                       identifier_col="var", coeff_col="coeff")
    year = str(df["year"].iloc[0])
    m = ge.OneSectorGE(base, year=year, cost_coeff_values=cc, cost_variables=list(coef), reference_importer=ref,
                       sigma=sigma, quiet=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.build_baseline(omr_rescale=omr_rescale, mr_tolerance=1e-12, mr_max_iter=100000)
        exp = m.baseline_data.copy()
        for a, b in pairs:
            exp.loc[(exp["exporter"] == a) & (exp["importer"] == b), var] = value
        m.define_experiment(exp)
        m.simulate(ge_tolerance=1e-12, ge_max_iter=100000)
    return m, time.perf_counter() - t0


def run_ours(df, coef, sigma, ref, var, pairs, value):
    from tradegap.ge import baseline_from_frame, simulate

    t0 = time.perf_counter()
    b = baseline_from_frame(df, sigma=sigma, reference=ref, cost_variables=list(coef), coefficients=coef,
                            output="Y", expenditure="E")
    k = b.costs.index(var)
    x = b.costs.x[k].copy()
    for a, c in pairs:
        x[b.position(a), b.position(c)] = value
    r = simulate(b, b.costs.with_x(k, x), convention="gegravity")
    return r, time.perf_counter() - t0


def exact_solve_seconds(df, coef, sigma, ref, var, pairs, value, reps) -> float:
    """Median seconds of tradegap's default full endowment GE solve (``convention="exact"``), warm."""
    from tradegap.ge import baseline_from_frame
    from tradegap.ge.solve import solve

    b = baseline_from_frame(df, sigma=sigma, reference=ref, cost_variables=list(coef), coefficients=coef,
                            output="Y", expenditure="E")
    k = b.costs.index(var)
    x = b.costs.x[k].copy()
    for a, c in pairs:
        x[b.position(a), b.position(c)] = value
    t1 = b.costs.with_x(k, x).trade_costs()
    solve(b, t1)
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        solve(b, t1)
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def agreement(ours: dict[str, pd.DataFrame], geg: dict[str, pd.DataFrame]) -> float:
    """Largest relative difference between the two tools' results (see the module docstring)."""
    c = ours["countries"].set_index("country")
    g = geg["country_results"].set_index(geg["country_results"].columns[0]).reindex(c.index)
    worst = 0.0
    for a, b in [("real_gdp_change_pct", "GDP change (percent)"),
                 ("exports_change_pct", "foreign exports change (percent)"),
                 ("imports_change_pct", "foreign imports change (percent)"), ("imr_change_pct", "imr change (percent)"),
                 ("omr_change_pct", "omr change (percent)"),
                 ("factory_price_change_pct", "factory gate price change (percent)")]:
        x, y = c[a].to_numpy(), g[b].to_numpy()
        worst = max(worst, float(np.max(np.abs(x - y) / (np.abs(y) + 1e-8 / 1e-6))))
    mr = geg["country_mr_terms"].set_index(geg["country_mr_terms"].columns[0]).reindex(c.index)
    lv = ours["levels"].set_index("country")
    for a, b in [("imr_baseline", "baseline imr"), ("omr_baseline", "baseline omr"),
                 ("imr_counterfactual", "experiment imr"), ("omr_counterfactual", "experiment omr")]:
        worst = max(worst, float(np.max(np.abs(lv[a].to_numpy() / mr[b].to_numpy() - 1))))
    return worst


def worker(engine: str, spec_path: str, out_dir: str, reps: int) -> dict:
    """Run one tool on one case in this fresh process; write its results as CSV into ``out_dir``."""
    spec = json.loads(Path(spec_path).read_text())
    df = pd.read_csv(spec["csv"])
    pairs = [tuple(p) for p in spec["pairs"]]
    walls, cpus = [], []
    if engine == "tradegap":
        run_ours(df, spec["coef"], spec["sigma"], spec["ref"], spec["var"], pairs, spec["value"])  # warm
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            r, _t = run_ours(df, spec["coef"], spec["sigma"], spec["ref"], spec["var"], pairs, spec["value"])
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        r.countries.to_csv(Path(out_dir) / "countries.csv", index=False)
        r.levels.to_csv(Path(out_dir) / "levels.csv", index=False)
        omr = r.levels["omr_baseline"].to_numpy()
        exact = exact_solve_seconds(df, spec["coef"], spec["sigma"], spec["ref"], spec["var"], pairs, spec["value"],
                                    reps)
        return {"wall": walls, "cpu": cpus, "exact": exact, "omr_rescale": float(10.0 ** np.round(np.log10(np.median(
            1.0 / omr ** (1 - spec["sigma"])))))}
    t0, c0 = time.perf_counter(), time.process_time()
    m, _t = run_gegravity(df, spec["coef"], spec["sigma"], spec["ref"], spec["var"], pairs, spec["value"],
                          spec["omr_rescale"])
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
    m.country_results.to_csv(Path(out_dir) / "country_results.csv")
    m.country_mr_terms.to_csv(Path(out_dir) / "country_mr_terms.csv")
    return {"wall": walls, "cpu": cpus}


def run_worker(engine: str, spec: Path, out_dir: Path, reps: int, threads: int, timeout: float) -> dict:
    env = dict(os.environ)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[v] = str(threads)
    if engine == "tradegap":
        py = sys.executable
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    else:
        py = str(HERE / ".venvs" / "gegravity" / "bin" / "python")
        if not Path(py).exists():
            raise SystemExit(f"{py} is missing: run `bash bench/peers.sh` first.")
        env.pop("PYTHONPATH", None)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [py, str(Path(__file__).resolve()), "--worker", engine, "--spec", str(spec), "--out", str(out_dir),
           "--reps", str(reps)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=True)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s", "capped": timeout}
    except subprocess.CalledProcessError as exc:
        return {"error": exc.stderr[-1500:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def versions() -> dict[str, str]:
    """Python and package versions of each tool's environment, read in that environment."""
    out = {}
    for eng, mods in (("tradegap", "numpy scipy pandas numba threadpoolctl"),
                      ("gegravity", "gegravity gme numpy scipy pandas")):
        code = ("import importlib.metadata as m, platform\n"
                "def v(p):\n    try:\n        return p + '=' + m.version(p)\n    except m.PackageNotFoundError:\n"
                "        return p + ' not installed'\n"
                f"print(platform.python_version(), ', '.join(v(p) for p in {mods.split()!r}))")
        env = dict(os.environ)
        if eng == "tradegap":
            py = sys.executable
            env["PYTHONPATH"] = str(ROOT / "src")
        else:
            py = str(HERE / ".venvs" / "gegravity" / "bin" / "python")
            env.pop("PYTHONPATH", None)
        try:
            r = subprocess.run([py, "-c", code], capture_output=True, text=True, env=env, check=True)
            out[eng] = "Python " + r.stdout.strip()
        except (OSError, subprocess.CalledProcessError) as exc:
            out[eng] = f"unavailable ({exc})"
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="30,69,200,800")
    ap.add_argument("--reps", type=int, default=3, help="runs per tool (median); gegravity: 1 above 100 countries")
    ap.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads allowed to each process")
    ap.add_argument("--peer-timeout", "--cap", dest="peer_timeout", type=float, default=600.0,
                    help="seconds allowed to one gegravity run (it is stopped after that)")
    ap.add_argument("--worker", choices=["tradegap", "gegravity"], help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.spec, args.out, args.reps)))
        return 0
    sizes = [int(v) for v in args.sizes.split(",")]
    print(f"GE benchmark: model build + baseline + conditional + full GE; {args.threads} thread(s) per process; "
          f"median of {args.reps} (gegravity: 1 run above 100 countries, timeout {args.peer_timeout:.0f} s per run)")
    for eng, v in versions().items():
        print(f"  {eng}: {v}")
    print(f"cpu count {os.cpu_count()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"{'case':<27}{'exact':>7}{'tg wall':>9}{'tg CPU':>8}{'geg wall':>10}{'geg CPU':>9}{'wall x':>8}{'CPU x':>8}"
          f"{'max rel diff':>14}{'load':>7}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="tradegap-ge-") as tmp:
        for k, (name, df, coef, sigma, ref, var, pairs, value, rescale) in enumerate(cases(sizes)):
            case = Path(tmp) / f"case{k}"
            case.mkdir()
            df.to_csv(case / "data.csv", index=False)
            spec = {"csv": str(case / "data.csv"), "coef": coef, "sigma": sigma, "ref": ref, "var": var,
                    "pairs": pairs, "value": value, "omr_rescale": rescale}
            (case / "spec.json").write_text(json.dumps(spec))
            n = df["exporter"].nunique()
            ours = run_worker("tradegap", case / "spec.json", case / "tg", args.reps, args.threads, 1800)
            if "error" in ours:
                print(f"{name}: tradegap failed: {ours['error']}")
                ok = False
                continue
            # gegravity needs an OMR rescale factor of the right order of magnitude (its check_omr_rescale)
            spec["omr_rescale"] = ours["omr_rescale"]
            (case / "spec.json").write_text(json.dumps(spec))
            greps = args.reps if n <= 100 else 1
            geg = [run_worker("gegravity", case / "spec.json", case / "geg", 1, args.threads, args.peer_timeout)
                   for _ in range(greps)]
            tw, tc = statistics.median(ours["wall"]), statistics.median(ours["cpu"])
            good = [g for g in geg if "error" not in g]
            load = os.getloadavg()[0]
            if not good:
                err = geg[0]["error"]
                if "capped" in geg[0]:
                    lim = geg[0]["capped"]
                    print(f"{name:<27}{ours['exact']:>7.3f}{tw:>9.3f}{tc:>8.3f}{'>' + format(lim, '.0f'):>10}{'':>9}"
                          f"{'>' + format(lim / tw, '.0f'):>7}x{'':>8}{'(timeout)':>14}{load:>7.2f}", flush=True)
                    print(f"  gegravity did not finish within {lim:.0f} s (timeout, --peer-timeout); tradegap took "
                          f"{tw:.3f} s wall, so gegravity is at least {lim / tw:,.0f}x slower here (lower bound)",
                          flush=True)
                else:
                    print(f"{name}: gegravity failed: {err}")
                    ok = False
                continue
            gw = statistics.median(g["wall"][0] for g in good)
            gc = statistics.median(g["cpu"][0] for g in good)
            diff = agreement(
                {"countries": pd.read_csv(case / "tg" / "countries.csv"), "levels": pd.read_csv(case / "tg" / "levels.csv")},
                {"country_results": pd.read_csv(case / "geg" / "country_results.csv"),
                 "country_mr_terms": pd.read_csv(case / "geg" / "country_mr_terms.csv")},
            )
            ok &= diff <= 1e-6
            print(f"{name:<27}{ours['exact']:>7.3f}{tw:>9.3f}{tc:>8.3f}{gw:>10.2f}{gc:>9.2f}{gw / tw:>7.0f}x{gc / tc:>7.0f}x"
                  f"{diff:>14.2e}{load:>7.2f}", flush=True)
    print("times in seconds; exact: tradegap's default full endowment GE solve (convention='exact', warm); "
          "tg/geg: model build + baseline + conditional + full GE in gegravity's convention; "
          "x = gegravity / tradegap; agreement limit 1e-6")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
