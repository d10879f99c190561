"""Extract the Advanced Guide's published ch. 2 GE results into ``tests/data/`` (reference figures).

Run once from the repository root, pointing at the book's application folder
(``00-application-files/Chapter2/Applications`` of the R package repository
pachadotdev/tradepolicy, CC BY 4.0, which redistributes the book's Stata files and their results)::

    .venv/bin/python scripts/extract_guide_results.py APPLICATIONS_DIR

Reads, for application 1 (``1_TradeWithoutBorder``) and 2 (``2_RTAsEffects``), the Stata result files
``*_FULL_PROD.dta`` and ``*_FULL_CONS.dta`` that the book's do-files write (Step IV) and its log, and
writes ``tests/data/yotov2016_ch2_guide_results.csv``: one row per application × country with

* ``cond_exports_change_pct`` (the book's ``change_Xi_CDL``), ``exports_change_pct``
  (``change_Xi_FULL``), ``factory_price_change_pct`` (``change_price_FULL``) and
  ``real_gdp_change_pct`` (``change_rGDP_FULL``, rebuilt from ``Y`` and ``IMR`` exactly as the
  do-file does: rGDP = Y / IMR^(1/(1-σ)), σ = 7);
* country codes as in the book, except Romania's old ISO code ROM, written ROU (as in
  ``examples/data``);
* ``last_price_step``: the largest absolute change of factory-gate prices between the book's last
  two iterations (``dif_change_pi`` in its log), the precision its stopping rule leaves.

Signs follow the book: application 1 reports counterfactual vs baseline (borders removed);
application 2 reports baseline vs counterfactual (the effects *of* NAFTA).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "yotov2016_ch2_guide_results.csv"
SIGMA = 7.0
APPS = {
    "trade_without_borders": ("1_TradeWithoutBorder", "TradeWithoutBorder.log", "counterfactual_vs_baseline"),
    "nafta": ("2_RTAsEffects", "RTAsEffects.log", "baseline_vs_counterfactual"),
}
_ROW = re.compile(r"^dif_change~\d+\s*\|\s*\d+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")


def last_step(log: Path) -> float:
    """max(|min|, |max|) of the last ``summarize dif_change_pi`` table in the book's log."""
    rows = [m for line in log.read_text(errors="replace").splitlines() if (m := _ROW.match(line.strip()))]
    if not rows:
        raise SystemExit(f"No dif_change_pi summary in {log}")
    lo, hi = float(rows[-1].group(3)), float(rows[-1].group(4))
    return max(abs(lo), abs(hi))


def main(apps: Path) -> None:
    frames = []
    for name, (folder, logname, direction) in APPS.items():
        res = apps / folder / "Results"
        prod = pd.read_stata(res / f"{folder}_FULL_PROD.dta")
        cons = pd.read_stata(res / f"{folder}_FULL_CONS.dta")
        m = prod.merge(cons, on="country")
        r_bln = m["Y_BLN"] / m["IMR_BLN"] ** (1 / (1 - SIGMA))
        r_full = m["Y_FULL"] / m["IMR_FULL"] ** (1 / (1 - SIGMA))
        rgdp = (r_bln / r_full - 1) * 100 if direction == "baseline_vs_counterfactual" else (r_full / r_bln - 1) * 100
        frames.append(pd.DataFrame({
            "application": name, "direction": direction, "country": m["country"].replace({"ROM": "ROU"}),
            "cond_exports_change_pct": m["change_Xi_CDL"], "exports_change_pct": m["change_Xi_FULL"],
            "factory_price_change_pct": m["change_price_FULL"], "real_gdp_change_pct": rgdp,
            "last_price_step": last_step(res / logname),
        }))
    out = pd.concat(frames, ignore_index=True)
    out.to_csv(OUT, index=False, float_format="%.10g")
    print(f"{len(out)} rows -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: extract_guide_results.py APPLICATIONS_DIR")
    main(Path(sys.argv[1]))
