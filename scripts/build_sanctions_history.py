"""Build the long-history tables behind tradegap's sanction-effect estimate (1949/1960–2022).

Run once from the repository root::

    .venv/bin/python scripts/build_sanctions_history.py RAW_DATA_DIR

``RAW_DATA_DIR`` holds ``sanctions_gsdb/gsdb_v3_full_1949_2022.csv.gz`` and
``imf_dots/dots_1960_2020_long.csv.gz``.  Writes, into ``src/tradegap/data/embedded/``:

* ``sanctions_cases_full.parquet`` — all 1,325 Global Sanctions Data Base v3 cases 1949–2022, parsed
  exactly as ``sanctions_cases.parquet`` (the 2013–2022 subset) by ``build_policy_data.build_sanctions``:
  sender and target lists as ISO3 codes and bloc tokens, unmapped names kept.
* ``dots_1960_1989.parquet`` — IMF DOTS flows 1960–1989, read and mirror-reconciled by
  ``tradegap.data.readers`` exactly as ``flows_dots.parquet`` (1990–2020) is; historical entities
  keep their codes (SUN, YUG, CSK, DDR, …).  Together they give the 1960–2020 panel on which
  ``tradegap.sanctions_effect`` identifies the effect of trade sanctions from their onsets and ends.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from build_policy_data import build_sanctions  # noqa: E402

from tradegap.data import readers  # noqa: E402

OUT = ROOT / "src" / "tradegap" / "data" / "embedded"


def build_dots_early(raw: Path) -> pd.DataFrame:
    flows = readers.read("dots", raw / "imf_dots" / "dots_1960_2020_long.csv.gz")
    flows = flows[flows["year"] < 1990].sort_values(["year", "exporter", "importer"], kind="stable")
    flows = flows.reset_index(drop=True)
    for col in flows.columns:
        if flows[col].dtype == object or pd.api.types.is_string_dtype(flows[col]):
            flows[col] = flows[col].astype("category")
    return flows


def main(raw: Path) -> None:
    cases = build_sanctions(raw, "gsdb_v3_full_1949_2022.csv.gz")
    cases.to_parquet(OUT / "sanctions_cases_full.parquet", compression="zstd", index=False)
    dots = build_dots_early(raw)
    dots.to_parquet(OUT / "dots_1960_1989.parquet", compression="zstd", compression_level=19, index=False)
    print(f"{len(cases)} GSDB cases; {len(dots):,} DOTS flows 1960-1989")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_sanctions_history.py RAW_DATA_DIR")
    main(Path(sys.argv[1]))
