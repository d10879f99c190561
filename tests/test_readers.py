"""Readers on small fixtures in the official layouts (tests/fixtures/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradegap.data import readers
from tradegap.data.schema import FLOW_COLUMNS, PAIR_COLUMNS
from tradegap.errors import DroppedObservationsWarning, InputError

FIX = Path(__file__).parent / "fixtures"


def _one(df, e, i, y, product=""):
    sel = df[(df["exporter"] == e) & (df["importer"] == i) & (df["year"] == y)
             & (df["product"] == product)]
    assert len(sel) == 1, (e, i, y, product, len(sel))
    return sel.iloc[0]


def _canonical(df):
    assert list(df.columns) == list(FLOW_COLUMNS)
    assert df["year"].dtype == np.int64 and df["value"].dtype == np.float64
    assert not df.duplicated(["exporter", "importer", "year", "product"]).any()
    assert (df["value"] >= 0).all()


def test_dots_long():
    with pytest.warns(DroppedObservationsWarning, match="1 identical duplicate"):
        df = readers.read("dots", FIX / "dots_long.csv")
    _canonical(df)
    r = _one(df, "RUS", "IRN", 2019)
    assert r["value"] == pytest.approx(1196.91531) and r["basis"] == "exporter_fob"
    assert (r["unit"], r["scale"], r["source"]) == ("USD", "millions", "dots")
    r = _one(df, "IRN", "RUS", 2019)  # Russia's import report, CIF
    assert r["value"] == pytest.approx(385.715205) and r["basis"] == "importer_cif"
    r = _one(df, "RUS", "IRN", 1998)  # Iran's own import report preferred over Russia's export
    assert r["value"] == 320.5 and r["basis"] == "importer_cif"
    assert _one(df, "RUS", "DEU", 2019)["value"] == 30000.0
    assert _one(df, "SUN", "DEU", 1990)["value"] == 9000.0  # USSR kept as SUN
    assert "WLD" not in set(df["importer"]) and len(df) == 5


def test_dots_cif_fob_option():
    with pytest.warns(DroppedObservationsWarning):
        df = readers.read("dots", FIX / "dots_long.csv", cif_fob=1.1)
    r = _one(df, "RUS", "IRN", 2019)
    assert r["value"] == pytest.approx(1196.91531 * 1.1) and r["basis"] == "exporter_fob_adj"


def test_imf_bulk_layout():
    df = readers.read("imf", FIX / "imf_dots_bulk.csv")
    _canonical(df)
    r = _one(df, "RUS", "IRN", 2019)
    assert r["value"] == 1196915310 and r["basis"] == "exporter_fob" and r["scale"] == "units"
    assert _one(df, "IRN", "RUS", 2018)["value"] == 525778825
    r = _one(df, "RUS", "DEU", 2019)
    assert r["value"] == 30e9 and r["basis"] == "importer_cif"
    r = _one(df, "RUS", "DEU", 2018)  # Germany's 2018 cell is empty: Russia's export report
    assert r["value"] == 26e9 and r["basis"] == "exporter_fob"
    assert set(df["year"]) == {2018, 2019}  # quarterly columns ignored
    assert len(df) == 6


def test_baci_with_country_codes():
    chunks = list(readers.iter_chunks("baci", FIX / "BACI_HS17_Y2019_V202401.csv", chunksize=2))
    assert all(len(c) <= 2 for c in chunks)
    df = pd.concat(chunks, ignore_index=True)
    _canonical(df)
    assert _one(df, "RUS", "IRN", 2019, "270900")["value"] == 1117061.75
    assert _one(df, "RUS", "IRN", 2019, "100199")["value"] == 400000.5
    assert _one(df, "IRN", "RUS", 2019, "080810")["value"] == 120.0  # leading zero kept
    assert _one(df, "USA", "FRA", 2019, "880240")["value"] == 5000.0  # 842/251 decoded
    assert set(df["scale"]) == {"thousands"} and set(df["basis"]) == {"reconciled"}
    assert len(df) == 5  # "Areas n.e.s." (code 0) dropped
    total = df[(df["exporter"] == "RUS") & (df["importer"] == "IRN")]["value"].sum()
    assert total == pytest.approx(1_517_062.25)


def test_baci_totals():
    df = readers.read("baci_totals", FIX / "baci_totals.csv")
    _canonical(df)
    assert _one(df, "RUS", "IRN", 2019)["value"] == 1517062.25
    # "baci" on a totals file picks the totals layout
    assert readers.read("baci", FIX / "baci_totals.csv").equals(df)


def test_gravity_flows():
    with pytest.warns(DroppedObservationsWarning, match="1 pair-year"):
        df = readers.read("gravity", FIX / "Gravity_V202211.csv")
    _canonical(df)
    assert _one(df, "RUS", "IRN", 2019)["value"] == 1517062.25
    assert set(df["source"]) == {"baci"} and set(df["scale"]) == {"thousands"}
    assert len(df) == 2  # DEU.1 (country_exists_o = 0) and the empty flow dropped
    with pytest.warns(DroppedObservationsWarning):
        imf = readers.read("gravity", FIX / "Gravity_V202211.csv", flow="tradeflow_imf_d")
    r = _one(imf, "IRN", "RUS", 2019)
    assert r["value"] == pytest.approx(385715.2) and r["basis"] == "importer_cif"


def test_comtrade_bulk_reconciled():
    df = readers.read("comtrade", FIX / "comtrade_bulk.csv")
    _canonical(df)
    r = _one(df, "RUS", "IRN", 2019)
    assert r["value"] == 1196915310.0 and r["basis"] == "exporter_fob"
    r = _one(df, "IRN", "RUS", 2019)
    assert r["value"] == 385715205.0 and r["basis"] == "importer_cif"
    r = _one(df, "RUS", "DEU", 2019)  # the motCode breakdown row is not the total
    assert r["value"] == 30e9 and r["basis"] == "importer_cif"
    assert set(df["source"]) == {"comtrade"} and set(df["scale"]) == {"units"}
    assert len(df) == 3  # W00 partner and the RX re-export row dropped


def test_unctad_sitc():
    df = readers.read("unctad", FIX / "unctad_sitc_sections_2015.csv")
    _canonical(df)
    assert set(df["year"]) == {2015}  # from the file name
    assert _one(df, "RUS", "IRN", 2015, "SITC7_Machinery")["value"] == 900.0
    assert _one(df, "USA", "HKG", 2015, "SITC7_Machinery")["value"] == 1000.0
    assert set(df["scale"]) == {"thousands"}


def test_wdi_country_year():
    df = readers.read("wdi", FIX / "wdi.csv")
    assert {"iso3", "year", "gdp", "population"} <= set(df.columns)
    assert "country_id" not in df.columns
    irn = df[df["iso3"] == "IRN"].iloc[0]
    assert irn["gdp"] == 583.5e9 and irn["current_account"] == -3e9
    assert np.isnan(irn["gdp_const"])


def test_geodist_pairs_with_landlocked_and_shared_sea():
    df = readers.read("geodist", FIX / "dist_cepii.csv")
    assert list(df.columns) == list(PAIR_COLUMNS)
    ir = df[(df["exporter"] == "IRN") & (df["importer"] == "RUS")].iloc[0]
    assert ir["contig"] == 0 and ir["shared_sea"] == 1 and ir["distw"] == pytest.approx(2693.442)
    af = df[(df["exporter"] == "AFG") & (df["importer"] == "IRN")].iloc[0]
    assert af["contig"] == 1 and af["shared_sea"] == 0 and af["landlocked_o"] == 1
    assert np.isnan(af["distw"])


def test_geo_cepii_countries():
    c = readers.read_geo_cepii(FIX / "geo_cepii.csv")
    assert list(c["iso3"]) == ["AFG", "IRN", "RUS"]
    assert c.set_index("iso3").loc["RUS", "capital"] == "Moscow"  # cap == 1 row only


def test_generic_csv_parquet_stata(tmp_path):
    frame = pd.DataFrame({"orig": ["Russia", "Germany", "Iran"], "dest": ["IRN", "RUS", "RUS"],
                          "yr": [2019, 2019, 2019], "trade": [1.5, 2.5, 0.0], "hs": ["27", "87", "08"]})
    mapping = {"exporter": "orig", "importer": "dest", "year": "yr", "value": "trade",
               "product": "hs"}
    frame.to_csv(tmp_path / "f.csv", index=False)
    frame.to_parquet(tmp_path / "f.parquet")
    frame.to_stata(tmp_path / "f.dta", write_index=False)
    frame.to_csv(tmp_path / "f.tsv", index=False, sep="\t")
    outs = [
        readers.read_generic(tmp_path / "f.csv", mapping, scale="millions", source="mine"),
        readers.read("parquet", tmp_path / "f.parquet", mapping=mapping, scale="millions",
                     dataset="mine"),
        readers.read("stata", tmp_path / "f.dta", mapping=mapping, scale="millions",
                     dataset="mine"),
        readers.read("csv", tmp_path / "f.tsv", mapping=mapping, scale="millions",
                     dataset="mine"),
    ]
    for df in outs:
        _canonical(df)
        assert _one(df, "RUS", "IRN", 2019, "27")["value"] == 1.5
        assert _one(df, "IRN", "RUS", 2019, "08")["value"] == 0.0
        assert set(df["scale"]) == {"millions"} and set(df["source"]) == {"mine"}
        assert set(df["basis"]) == {"reported"}


def test_generic_mapping_validation(tmp_path):
    with pytest.raises(InputError, match="missing \\['value'\\]"):
        readers.read_generic(FIX / "baci_totals.csv", {"exporter": "exporter",
                                                       "importer": "importer", "year": "year"})
    with pytest.raises(InputError, match="column mapping"):
        readers.read("csv", FIX / "baci_totals.csv")
    with pytest.raises(InputError, match="'scale' parameter"):
        readers.read_generic(FIX / "baci_totals.csv", {"exporter": "exporter",
                                                       "importer": "importer", "year": "year",
                                                       "value": "value"}, scale="billions")


def test_unknown_source_and_option():
    with pytest.raises(InputError, match="'source' parameter .* Got 'xyz' instead"):
        readers.read("xyz", FIX / "baci_totals.csv")
    with pytest.raises(InputError, match="Unknown option"):
        readers.read("baci_totals", FIX / "baci_totals.csv", flow="x")


def test_streaming_bounded_chunks(tmp_path):
    """A 300k-row BACI file streams in chunks of at most `chunksize` rows."""
    n = 300_000
    rng = np.random.default_rng(0)
    codes = np.array([251, 364, 643, 842])
    i = rng.integers(0, 4, n)
    frame = pd.DataFrame({"t": 2019, "i": codes[i], "j": codes[(i + 1) % 4],
                          "k": np.arange(n) + 100000, "v": rng.random(n) * 100, "q": 1.0})
    frame.to_csv(tmp_path / "BACI_HS17_Y2019_V202401.csv", index=False)
    (tmp_path / "country_codes_V202401.csv").write_text(
        (FIX / "country_codes_V202401.csv").read_text())
    sizes = []
    total = 0.0
    for chunk in readers.iter_chunks("baci", tmp_path / "BACI_HS17_Y2019_V202401.csv",
                                     chunksize=100_000):
        sizes.append(len(chunk))
        total += chunk["value"].sum()
    assert sizes == [100_000] * 3
    assert total == pytest.approx(frame["v"].sum())


@pytest.mark.slow
def test_ten_million_rows_streamed_with_bounded_memory(tmp_path):
    import psutil

    n = 10_000_000
    path = tmp_path / "BACI_HS17_Y2019_V202401.csv"
    rng = np.random.default_rng(1)
    codes = np.array([251, 364, 643, 842])
    with open(path, "w") as fh:
        fh.write("t,i,j,k,v,q\n")
        step = 1_000_000
        for start in range(0, n, step):
            m = np.arange(start, start + step)
            i = m % 4
            block = pd.DataFrame({"t": 2019, "i": codes[i], "j": codes[(i + 1) % 4],
                                  "k": m // 4 + 100000, "v": rng.random(step), "q": 1.0})
            block.to_csv(fh, header=False, index=False)
    (tmp_path / "country_codes_V202401.csv").write_text(
        (FIX / "country_codes_V202401.csv").read_text())
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = base
    rows = 0
    for chunk in readers.iter_chunks("baci", path, chunksize=500_000):
        rows += len(chunk)
        peak = max(peak, proc.memory_info().rss)
    assert rows == n
    assert peak - base < 1.5e9
