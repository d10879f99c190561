"""Rebuild tradegap's embedded datasets from the raw public files.

Usage::

    .venv/bin/python scripts/build_embedded.py [RAW_DATA_DIR] [--out DIR]

``RAW_DATA_DIR`` defaults to ``../shared/data`` relative to the repository root
and must hold the folders ``imf_dots/``, ``baci_totals/``, ``wdi/`` and
``cepii_geodist/`` (see ``src/tradegap/data/embedded/PROVENANCE.md``).  Writes
zstd-compressed Parquet files into ``src/tradegap/data/embedded/``:

``flows_dots``   IMF DOTS 1990–2020, mirror-reconciled (importer CIF preferred,
                 exporter FOB otherwise), USD millions.
``flows_baci``   CEPII BACI totals 2000–2020, USD thousands, basis "reconciled".
``wdi``          World Bank WDI country-year covariates, 1960–2024.
``pairs``        CEPII GeoDist pair covariates + landlocked + tradegap's shared_sea.
``countries``    iso3, name, landlocked, lat, lon, capital, continent (GeoDist).

The script reads through :mod:`tradegap.data.readers`, so the shipped data go
through the same validation as user files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from tradegap.data import readers  # noqa: E402
from tradegap.data.embedded import SHARED_SEAS, shared_sea_pairs  # noqa: E402

OUT_DEFAULT = REPO / "src" / "tradegap" / "data" / "embedded"


def _write(frame: pd.DataFrame, out: Path, name: str) -> None:
    frame = frame.reset_index(drop=True)
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].astype("category")
    path = out / f"{name}.parquet"
    frame.to_parquet(path, compression="zstd", compression_level=19, index=False)
    print(f"{name:12s} {len(frame):>9,d} rows  {path.stat().st_size / 1e6:6.2f} MB  {path.name}")


def build_dots(raw: Path) -> pd.DataFrame:
    flows = readers.read("dots", raw / "imf_dots" / "dots_1960_2020_long.csv.gz")
    flows = flows[(flows["year"] >= 1990) & (flows["year"] <= 2020)]
    return flows.sort_values(["year", "exporter", "importer"], kind="stable")


def build_baci(raw: Path) -> pd.DataFrame:
    flows = readers.read("baci_totals", raw / "baci_totals" / "baci_totals_2000_2020.csv.gz")
    # 2020 is incomplete in this extract: a zero is a missing report, not zero trade.
    flows = flows[~((flows["year"] == 2020) & (flows["value"] <= 0))]
    return flows.sort_values(["year", "exporter", "importer"], kind="stable")


def build_wdi(raw: Path) -> pd.DataFrame:
    return readers.read("wdi", raw / "wdi" / "wdi_1960_2024.csv.gz")


def build_countries(raw: Path) -> pd.DataFrame:
    return readers.read_geo_cepii(raw / "cepii_geodist" / "geo_cepii.csv")


def build_pairs(raw: Path, countries: pd.DataFrame) -> pd.DataFrame:
    pairs = readers.read("geodist", raw / "cepii_geodist" / "dist_cepii.csv.gz")
    landlocked = countries.set_index("iso3")["landlocked"]
    pairs["landlocked_o"] = pairs["exporter"].map(landlocked).astype("Int8")
    pairs["landlocked_d"] = pairs["importer"].map(landlocked).astype("Int8")
    sea = shared_sea_pairs()
    key = pd.MultiIndex.from_frame(pairs[["exporter", "importer"]])
    pairs["shared_sea"] = key.isin(sea).astype("int8")
    pairs.loc[pairs["exporter"] == pairs["importer"], "shared_sea"] = 0
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(OUT_DEFAULT))
    args = parser.parse_args(argv)
    raw, out = Path(args.raw), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    countries = build_countries(raw)
    _write(countries, out, "countries")
    _write(build_pairs(raw, countries), out, "pairs")
    _write(build_wdi(raw), out, "wdi")
    _write(build_baci(raw), out, "flows_baci")
    _write(build_dots(raw), out, "flows_dots")
    print(f"seas in shared_sea: {', '.join(SHARED_SEAS)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
