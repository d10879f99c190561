"""Helpers of the world-model tests: a small store (BACI totals of 30 economies, 2013–2019)."""

from __future__ import annotations

from pathlib import Path

from tradegap import world
from tradegap.data import embedded
from tradegap.store import Store
from tradegap.world.spec import WorldSpec

COUNTRIES = ["ARE", "AUS", "BRA", "CAN", "CHE", "CHN", "DEU", "EGY", "ESP", "FRA", "GBR", "IND", "IRN", "ITA",
             "JPN", "KAZ", "KOR", "MEX", "NLD", "NOR", "POL", "RUS", "SAU", "SWE", "TUR", "UKR", "USA", "VNM",
             "ZAF", "AZE"]
YEARS = list(range(2013, 2020))
SPEC = WorldSpec(source="baci", year=2019, n_draws=20)


def write_flows(path: Path, scale_pair: tuple[str, str] | None = None, factor: float = 1.0) -> Path:
    """A BACI-totals CSV (USD thousands) of :data:`COUNTRIES` × :data:`YEARS` from the embedded data."""
    f = embedded.load("flows_baci")
    f = f[f["exporter"].isin(COUNTRIES) & f["importer"].isin(COUNTRIES) & f["year"].isin(YEARS)]
    f = f[f["exporter"] != f["importer"]][["year", "exporter", "importer", "value"]].copy()
    if scale_pair is not None:
        sel = (f["exporter"] == scale_pair[0]) & (f["importer"] == scale_pair[1])
        f.loc[sel, "value"] = f.loc[sel, "value"] * factor
    f.to_csv(path, index=False)
    return path


def small_store(folder: Path, spec: WorldSpec | None = SPEC) -> Path:
    """A store file in ``folder`` holding the small flows, with its world model for ``spec`` built."""
    db = folder / "small.duckdb"
    with Store(db) as s:
        s.ingest("baci_totals", [write_flows(folder / "flows.csv")])
    if spec is not None:
        with Store(db) as s:
            world.ensure(s, spec)
    return db
