"""Sectors: definitions, HS/SITC classification, aggregation, per-sector gravity (serial = Dask)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tradegap import sectors
from tradegap.data import embedded
from tradegap.errors import CoverageError, InputError


def test_hs_sections_cover_every_chapter_once() -> None:
    secs = sectors.sectors("hs_section")
    assert len(secs) == 21
    chapters = [c for s in secs for c in s.hs]
    expected = [f"{c:02d}" for c in range(1, 98) if c != 77]  # chapter 77 is reserved in HS
    assert sorted(set(chapters) - {"77"}) == expected
    assert len(chapters) == len(set(chapters))


def test_hs_chapters_nest_in_sections() -> None:
    chs = sectors.sectors("hs_chapter")
    assert len(chs) == 96 and sectors.SECTORS["ch88"].name.startswith("Aircraft")
    codes = [c.hs[0] + "0000" for c in chs]
    by_ch = sectors.classify(codes, scheme="hs_chapter")
    assert list(by_ch) == [c.code for c in chs]
    sec = sectors.classify(codes, scheme="hs_section")
    assert sec.notna().all() and sec[codes.index("880000")] == "hs17"


def test_high_tech_groups_do_not_overlap() -> None:
    ht = sectors.sectors("high_tech")
    assert [s.code for s in ht][0] == "ht_aerospace" and len(ht) == 9
    overlaps = []
    for kind in ("hs", "sitc"):
        pref = [(p, s.code) for s in ht for p in getattr(s, kind)]
        overlaps += [(p, q) for p, c in pref for q, d in pref if c != d and q.startswith(p)]
    assert overlaps == [("9014", "901420")]  # aeronautical navigation instruments: longest prefix wins
    got = sectors.classify(["901420", "901410"], scheme="high_tech")
    assert list(got) == ["ht_aerospace", "ht_instruments"]
    assert "88" in sectors.SECTORS["ht_aerospace"].hs and "792" in sectors.SECTORS["ht_aerospace"].sitc
    assert "aerospace" in sectors.SECTORS["sitc7"].note
    t = sectors.sector_table("high_tech")
    assert list(t.columns) == ["code", "name", "scheme", "hs", "sitc", "note"] and len(t) == 9


def test_classify_hs_and_sitc() -> None:
    codes = pd.Series(["880240", 10121, "841112", "847330", "847130", "300490", "930190", "851712", "999999", "270900"])
    hs = sectors.classify(codes, scheme="hs_section")
    assert list(hs[:3]) == ["hs17", "hs01", "hs16"] and hs[9] == "hs05" and pd.isna(hs[8])
    ht = sectors.classify(codes, scheme="high_tech")
    assert list(ht[:8]) == [
        "ht_aerospace", None, "ht_aerospace", "ht_computers", "ht_computers", "ht_pharmacy", "ht_armament",
        "ht_electronics",
    ] or list(ht.fillna("NA")[:8]) == [
        "ht_aerospace", "NA", "ht_aerospace", "ht_computers", "ht_computers", "ht_pharmacy", "ht_armament",
        "ht_electronics",
    ]
    assert pd.isna(ht[9])
    s = sectors.classify(["792", "7", "0", "5416", "891"], scheme="sitc_section", classification="sitc")
    assert list(s) == ["sitc7", "sitc7", "sitc0", "sitc5", "sitc8"]
    h = sectors.classify(["79220", "7", "5416"], scheme="high_tech", classification="sitc")
    assert h[0] == "ht_aerospace" and pd.isna(h[1]) and h[2] == "ht_pharmacy"
    with pytest.raises(CoverageError, match="SITC"):
        sectors.classify(["7"], scheme="hs_section", classification="sitc")
    with pytest.raises(InputError, match="scheme"):
        sectors.classify(["01"], scheme="nace")


def _toy_hs6() -> pd.DataFrame:
    rows = [
        ("IRN", "RUS", 2019, "880240", 10.0), ("IRN", "RUS", 2019, "010121", 5.0),
        ("IRN", "RUS", 2019, "880330", 2.5), ("RUS", "IRN", 2019, "841112", 7.0),
        ("RUS", "IRN", 2019, "270900", 100.0), ("RUS", "IRN", 2020, "300490", 1.0),
    ]
    f = pd.DataFrame(rows, columns=["exporter", "importer", "year", "product", "value"])
    f["unit"], f["scale"] = "USD", "thousands"
    return f


def test_aggregate_against_manual_sums() -> None:
    f = _toy_hs6()
    hs = sectors.aggregate(f, scheme="hs_section")
    got = hs.set_index(["exporter", "importer", "year", "sector"])["value"].to_dict()
    assert got == {
        ("IRN", "RUS", 2019, "hs01"): 5.0, ("IRN", "RUS", 2019, "hs17"): 12.5,
        ("RUS", "IRN", 2019, "hs05"): 100.0, ("RUS", "IRN", 2019, "hs16"): 7.0,
        ("RUS", "IRN", 2020, "hs06"): 1.0,
    }
    assert (hs["unit"] == "USD").all() and (hs["scale"] == "thousands").all()
    ht = sectors.aggregate(f, scheme="high_tech")
    got = ht.set_index(["exporter", "importer", "year", "sector"])["value"].to_dict()
    assert got == {
        ("IRN", "RUS", 2019, "ht_aerospace"): 12.5, ("RUS", "IRN", 2019, "ht_aerospace"): 7.0,
        ("RUS", "IRN", 2020, "ht_pharmacy"): 1.0,
    }
    with pytest.raises(InputError, match="lacks the column"):
        sectors.aggregate(f.drop(columns="product"), scheme="hs_section")
    bad = f.copy()
    bad.loc[0, "scale"] = "millions"
    with pytest.raises(InputError, match="mixes"):
        sectors.aggregate(bad, scheme="hs_section")


@pytest.fixture(scope="module")
def small_sitc() -> pd.DataFrame:
    """SITC sections 2015 among the 25 largest exporters, two sectors (fast fits)."""
    f = embedded.load("flows_sitc").astype({"exporter": str, "importer": str, "product": str})
    top = f.groupby("exporter")["value"].sum().nlargest(25).index
    f = f[f["exporter"].isin(top) & f["importer"].isin(top) & f["product"].isin(["5", "7"])]
    return pd.DataFrame(
        {
            "exporter": f["exporter"], "importer": f["importer"], "year": f["year"].astype("int64"),
            "sector": "sitc" + f["product"], "value": f["value"],
        }
    )


def test_dask_batch_equals_serial(small_sitc: pd.DataFrame) -> None:
    pairs = embedded.load("pairs")
    # a second year: sector 7 again with every value doubled (PPML: same slopes, FE absorb the scale)
    later = small_sitc[small_sitc["sector"] == "sitc7"].assign(year=2016, value=lambda d: 2 * d["value"])
    panel = pd.concat([small_sitc, later], ignore_index=True)
    calls = []
    serial = sectors.fit_sectors(panel, pairs, progress=lambda stage, d, t: calls.append((stage, d, t)))
    assert calls == [("Fitting gravity per sector (PPML)", k, 3) for k in (1, 2, 3)]
    assert serial.keys() == {("sitc5", 2015), ("sitc7", 2015), ("sitc7", 2016)}
    for term, est in serial[("sitc7", 2015)].coef.items():
        assert serial[("sitc7", 2016)].coef[term] == pytest.approx(est, rel=1e-7, abs=1e-9)
    np.testing.assert_allclose(
        serial[("sitc7", 2016)].fitted["fitted"], 2 * serial[("sitc7", 2015)].fitted["fitted"], rtol=1e-7
    )
    par = sectors.fit_sectors(panel, pairs, scheduler="dask", workers=2)
    assert par.keys() == serial.keys()
    for k in serial:
        assert par[k].coef == pytest.approx(serial[k].coef, rel=1e-12) and par[k].nobs == serial[k].nobs
        pd.testing.assert_frame_equal(par[k].fitted, serial[k].fitted, check_exact=False, rtol=1e-12)
    with pytest.raises(InputError, match="scheduler"):
        sectors.fit_sectors(small_sitc, pairs, scheduler="cluster")
    with pytest.raises(InputError, match="scheduler"):
        sectors.fit_sectors(small_sitc, pairs, scheduler=4)


def test_a_failed_sector_is_reported_not_fatal(small_sitc: pd.DataFrame) -> None:
    pairs = embedded.load("pairs")
    bad = small_sitc[small_sitc["sector"] == "sitc5"].assign(sector="sitc9")
    bad.loc[bad.index[0], "value"] = -1.0  # a negative flow: fepois refuses this sector
    panel = pd.concat([small_sitc, bad], ignore_index=True)
    fits = sectors.fit_sectors(panel, pairs)
    failed = fits[("sitc9", 2015)]
    assert failed.converged is False and failed.coef == {} and failed.fitted["fitted"].isna().all()
    assert "the gravity fit failed (InputError: The outcome 'value' has 1 negative value" in failed.notes[0]
    assert fits[("sitc5", 2015)].converged and fits[("sitc7", 2015)].coef


@pytest.mark.slow
def test_processes_scheduler_equals_serial(small_sitc: pd.DataFrame) -> None:
    pairs = embedded.load("pairs")
    serial = sectors.fit_sectors(small_sitc, pairs)
    par = sectors.fit_sectors(small_sitc, pairs, scheduler="processes", workers=2)
    for k in serial:
        assert par[k].coef == pytest.approx(serial[k].coef, rel=1e-12)
        pd.testing.assert_frame_equal(par[k].fitted, serial[k].fitted, check_exact=False, rtol=1e-12)


def test_sector_gravity_matches_pyfixest(small_sitc: pd.DataFrame) -> None:
    pf = pytest.importorskip("pyfixest")
    pairs = embedded.load("pairs")
    grid, dropped = sectors.gravity_grid(small_sitc[small_sitc["sector"] == "sitc7"], pairs)
    assert dropped == [] and len(grid) == 25 * 24
    ours = sectors._fit_one("sitc7", 2015, grid)
    ref = pf.fepois(sectors.GRAVITY_FORMULA, data=grid, vcov="hetero")
    for term, est in ref.coef().items():
        assert ours.coef[term] == pytest.approx(est, rel=1e-6, abs=1e-8)
    np.testing.assert_allclose(ours.fitted["fitted"].to_numpy(), ref.predict(type="response"), rtol=1e-5)  # pyfixest stops IRLS earlier (tol 1e-8)
    # the FE-PPML adding-up property: fitted exports of each exporter sum to its actual exports
    g = ours.fitted.groupby("exporter")[["actual", "fitted"]].sum()
    np.testing.assert_allclose(g["fitted"], g["actual"], rtol=1e-6)


def test_pair_sectors_descriptive_iran_russia() -> None:
    r = sectors.pair_sectors("IRN", "RUS", fit=False)
    t = r.table
    assert r.year == 2015 and r.scheme == "sitc_section" and (r.unit, r.scale) == ("USD", "millions")
    assert list(t["sector"]) == [f"sitc{d}" for d in range(10)]
    f = embedded.load("flows_sitc").astype({"exporter": str, "importer": str, "product": str})
    irn_rus = f[(f["exporter"] == "IRN") & (f["importer"] == "RUS")]["value"].sum()
    assert t["a_to_b"].sum() == pytest.approx(irn_rus / 1000)  # the embedded SITC flows are in USD thousands
    assert t["pair_composition"].sum() == pytest.approx(1.0) and t["world_composition"].sum() == pytest.approx(1.0)
    s7 = f[f["product"] == "7"]
    rus_share = s7[s7["exporter"] == "RUS"]["value"].sum() / s7["value"].sum()
    assert t.set_index("sector").loc["sitc7", "b_share_world_exports"] == pytest.approx(rus_share)
    rus_imp7 = s7[s7["importer"] == "RUS"]["value"].sum()
    irn_rus7 = s7[(s7["exporter"] == "IRN") & (s7["importer"] == "RUS")]["value"].sum()
    assert t.set_index("sector").loc["sitc7", "a_share_in_b_imports"] == pytest.approx(irn_rus7 / rus_imp7)
    assert any("Aerospace" in n and "BACI" in n for n in r.notes)
    assert t["predicted_a_to_b"].isna().all()
    d = json.loads(json.dumps(r.to_dict()))
    assert d["unit"] == "USD" and len(d["sectors"]) == 10
    assert list(r.to_frame().columns[:3]) == ["a", "b", "year"]


def test_pair_sectors_errors() -> None:
    with pytest.raises(CoverageError, match="2015"):
        sectors.pair_sectors("IRN", "RUS", year=2019, fit=False)
    with pytest.raises(CoverageError, match="SITC"):
        sectors.pair_sectors("IRN", "RUS", scheme="high_tech", fit=False)
    with pytest.raises(LookupError):
        sectors.pair_sectors("IRN", "Atlantis", fit=False)
    with pytest.raises(CoverageError, match="store"):
        sectors.pair_sectors("IRN", "RUS", source="baci", fit=False)
    with pytest.raises(InputError, match="scheme"):
        sectors.pair_sectors("IRN", "RUS", scheme="nace", fit=False)


class _FakeStore:
    """A store with product-level HS6 flows (as after `tradegap ingest` of BACI HS6)."""

    def __init__(self, flows: pd.DataFrame, pairs: pd.DataFrame) -> None:
        self._flows, self._pairs = flows, pairs

    def flows(self, source: str = "dots", exporters=None, importers=None, years=None) -> pd.DataFrame:
        f = self._flows[self._flows["source"] == source]
        return f if years is None else f[f["year"].isin(list(years))]

    def pairs(self) -> pd.DataFrame:
        return self._pairs


def test_pair_sectors_high_tech_from_hs6_store() -> None:
    rng = np.random.default_rng(3)
    pairs = embedded.load("pairs")
    ctry = ["IRN", "RUS", "DEU", "FRA", "CHN", "USA", "TUR", "IND", "KAZ", "JPN", "ITA", "BRA"]
    products = ["880240", "841112", "847130", "300490", "851712", "010121"]
    rows = []
    for e in ctry:
        for i in ctry:
            if e != i:
                for p in products:
                    if rng.random() < 0.85:
                        rows.append((e, i, 2019, p, float(rng.gamma(2.0, 100.0))))
    f = pd.DataFrame(rows, columns=["exporter", "importer", "year", "product", "value"])
    f["unit"], f["scale"], f["source"], f["basis"] = "USD", "thousands", "baci", "reconciled"
    store = _FakeStore(f, pairs)
    r = sectors.pair_sectors("IRN", "RUS", store=store, source="baci", scheme="high_tech")
    t = r.table.set_index("sector")
    assert "ht_aerospace" in t.index and "ht_armament" not in t.index
    aero = f[(f["exporter"] == "RUS") & (f["importer"] == "IRN") & f["product"].isin(["880240", "841112"])]
    assert t.loc["ht_aerospace", "b_to_a"] == pytest.approx(aero["value"].sum() / 1000)  # thousands → millions
    assert np.isfinite(t["predicted_a_to_b"]).all() and (t["predicted_a_to_b"] > 0).all()
    assert set(r.coefficients["term"]) == set(sectors.GRAVITY_TERMS)
    assert not any("cannot be isolated" in n for n in r.notes)
    hs = sectors.pair_sectors("IRN", "RUS", store=store, source="baci", fit=False)
    assert hs.scheme == "hs_section" and "hs17" in set(hs.table["sector"])
    ch = sectors.pair_sectors("IRN", "RUS", store=store, source="baci", scheme="hs_chapter", fit=False)
    assert set(ch.table["sector"]) == {"ch01", "ch30", "ch84", "ch85", "ch88"}
    assert ch.table["a_to_b"].sum() == pytest.approx(hs.table["a_to_b"].sum())


@pytest.mark.slow
def test_pair_sectors_full_gravity_iran_russia() -> None:
    r = sectors.pair_sectors("IRN", "RUS", scheduler="dask", workers=2)
    t = r.table
    assert np.isfinite(t["predicted_a_to_b"]).sum() >= 9
    c = r.coefficients
    dist = c[c["term"] == "ln_dist"]["estimate"]
    assert (dist < 0).all()
    assert any("countries without CEPII pair covariates" in n for n in r.notes)
