"""The embedded datasets: known checks, shapes, units, shared_sea, copy safety."""

from __future__ import annotations

import pytest

from tradegap.data import embedded
from tradegap.data.schema import BASES, FLOW_COLUMNS, PAIR_COLUMNS
from tradegap.errors import InputError


def _flow(df, e, i, y):
    sel = df[(df["exporter"] == e) & (df["importer"] == i) & (df["year"] == y)]
    assert len(sel) == 1, (e, i, y, len(sel))
    return sel.iloc[0]


def test_names():
    assert {"flows_dots", "flows_baci", "wdi", "pairs", "countries"} <= set(embedded.names())


def test_dots_russia_iran_2019_known_check():
    d = embedded.load("flows_dots")
    assert list(d.columns) == list(FLOW_COLUMNS)
    row = _flow(d, "RUS", "IRN", 2019)
    assert row["value"] == pytest.approx(1196.9, abs=0.05)
    assert row["basis"] == "exporter_fob"  # Iran no longer reports; Russia's export report
    assert (row["unit"], row["scale"], row["source"]) == ("USD", "millions", "dots")
    assert d["year"].min() == 1990 and d["year"].max() == 2020
    assert set(d["basis"]) <= set(BASES)
    assert not d.duplicated(["exporter", "importer", "year", "product"]).any()
    assert (d["value"] >= 0).all()
    # Iran reported up to 1999: its imports from Russia in 1995 are its own CIF report
    assert _flow(d, "RUS", "IRN", 1995)["basis"] == "importer_cif"
    # no aggregates, no self-trade
    assert not (d["exporter"] == d["importer"]).any()


def test_baci_russia_iran_2019_known_check_and_2020_missing():
    b = embedded.load("flows_baci")
    row = _flow(b, "RUS", "IRN", 2019)
    assert row["value"] == pytest.approx(1_517_062, abs=1)
    assert (row["scale"], row["basis"]) == ("thousands", "reconciled")
    assert b["year"].min() == 2000 and b["year"].max() == 2020
    # 2020 IRN–RUS is missing, never a zero
    sel = b[(b["year"] == 2020) & b["exporter"].isin(["IRN", "RUS"]) & b["importer"].isin(["IRN", "RUS"])]
    assert len(sel) == 0
    assert not ((b["year"] == 2020) & (b["value"] <= 0)).any()


def test_pairs_shared_sea_beside_contig():
    p = embedded.load("pairs")
    assert list(p.columns) == list(PAIR_COLUMNS)
    ir = p[(p["exporter"] == "IRN") & (p["importer"] == "RUS")].iloc[0]
    assert ir["contig"] == 0 and ir["shared_sea"] == 1
    de = p[(p["exporter"] == "DEU") & (p["importer"] == "USA")].iloc[0]
    assert de["shared_sea"] == 0
    assert (p.loc[p["exporter"] == p["importer"], "shared_sea"] == 0).all()
    afg = p[p["exporter"] == "AFG"].iloc[0]
    assert afg["landlocked_o"] == 1
    assert p["dist"].notna().all()
    # symmetric
    s = p.set_index(["exporter", "importer"])["shared_sea"]
    swapped = s.copy()
    swapped.index = swapped.index.swaplevel()
    assert (s.sort_index() == swapped.sort_index()).all()


def test_shared_seas_table():
    assert set(embedded.SHARED_SEAS["Caspian Sea"]) == {"AZE", "IRN", "KAZ", "RUS", "TKM"}
    pairs = embedded.shared_sea_pairs()
    assert ("IRN", "RUS") in pairs and ("RUS", "IRN") in pairs
    assert ("TUR", "UKR") in pairs  # Black Sea
    assert ("IRN", "IRN") not in pairs


def test_wdi_and_countries():
    w = embedded.load("wdi")
    for col in ("iso3", "year", "gdp", "gdp_const", "gdp_ppp", "population", "exports_goods_bop"):
        assert col in w.columns
    irn = w[(w["iso3"] == "IRN") & (w["year"] == 2019)].iloc[0]
    assert 1e11 < irn["gdp"] < 1e13 and 5e7 < irn["population"] < 1e8
    c = embedded.load("countries")
    assert list(c.columns) == ["iso3", "name", "landlocked", "lat", "lon", "capital", "continent"]
    assert c.set_index("iso3").loc["IRN", "capital"] == "Tehran"
    assert c["iso3"].is_unique


def test_load_is_copy_safe_and_validates_name():
    a = embedded.load("countries")
    a.loc[0, "iso3"] = "XXX"
    assert "XXX" not in set(embedded.load("countries")["iso3"])
    with pytest.raises(InputError, match="Got 'nope' instead"):
        embedded.load("nope")


def test_embedded_folder_is_small():
    mine = ["flows_dots", "flows_baci", "wdi", "pairs", "countries"]
    total = sum((embedded.DIR / f"{n}.parquet").stat().st_size for n in mine)
    assert total < 15e6


def test_every_embedded_code_has_a_name():
    from tradegap import countries

    codes = set()
    for name in ("flows_dots", "flows_baci"):
        d = embedded.load(name)
        codes |= set(d["exporter"]) | set(d["importer"])
    codes |= set(embedded.load("pairs")["exporter"]) | set(embedded.load("wdi")["iso3"])
    for code in codes:
        assert countries.country_name(code)
    # historical entities appear under their own codes in 1990-91, never merged
    d = embedded.load("flows_dots")
    assert {"SUN", "YUG", "CSK"} <= set(d.loc[d["year"] <= 1992, "exporter"]) | set(
        d.loc[d["year"] <= 1992, "importer"])
