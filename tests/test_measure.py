"""Pair trade and peers: known values from the issue, and an independent recomputation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tradegap.data import embedded
from tradegap.errors import CoverageError, InputError, UnknownCountryError
from tradegap.measure import PairTrade, Peers, peers, report_of, trade
from tradegap.store import Store


@pytest.fixture
def store(tmp_path) -> Store:
    """A store whose file does not exist: every query uses the embedded data."""
    return Store(tmp_path / "absent.duckdb")


def test_trade_dots_russia_iran_2019(store):
    t = trade("RUS", "IRN", source="dots", years=2019, store=store)
    assert isinstance(t, PairTrade) and (t.unit, t.scale) == ("USD", "millions")
    assert round(t.value("RUS", "IRN", 2019), 1) == 1196.9
    row = t.flows.query("exporter == 'RUS' and year == 2019").iloc[0]
    assert row["basis"] == "exporter_fob"
    assert row["report"] == "Russia's export report (FOB); Iran did not report these imports"
    back = t.flows.query("exporter == 'IRN' and year == 2019").iloc[0]
    assert back["basis"] == "importer_cif" and back["report"].startswith("Russia's import report")
    frame = t.to_frame()
    assert list(frame.columns[:4]) == ["year", "RUS→IRN", "IRN→RUS", "total"]
    assert frame["total"].iloc[0] == pytest.approx(frame["RUS→IRN"].iloc[0] + frame["IRN→RUS"].iloc[0])
    payload = json.loads(json.dumps(t.to_dict()))
    assert payload["unit"] == "USD" and payload["scale"] == "millions" and len(payload["flows"]) == 2


def test_trade_baci_converts_thousands_to_millions(store):
    t = trade("Russia", "Iran", source="baci", years="2019", store=store)
    assert round(t.value("RUS", "IRN", 2019), 3) == 1517.062
    raw = embedded.load("flows_baci").query("exporter == 'RUS' and importer == 'IRN' and year == 2019")
    assert raw["scale"].item() == "thousands"
    assert t.value("RUS", "IRN", 2019) == pytest.approx(raw["value"].item() / 1000, rel=1e-12)
    assert set(t.flows["basis"]) == {"reconciled"}


def test_trade_all_years_and_names(store):
    t = trade("Islamic Republic of Iran", "Russian Federation", store=store)
    assert (t.a, t.b) == ("IRN", "RUS")
    assert t.years[0] <= 1995 and t.years[-1] == 2020
    # Iran stopped reporting to the IMF after 1999: from 2000 Russia→Iran is Russia's own report
    later = t.flows.query("exporter == 'RUS' and year >= 2001")
    assert set(later["basis"]) == {"exporter_fob"}


def test_trade_missing_direction_is_nan_not_zero(store):
    # BACI 2020 IRN–RUS is recorded as 0 by the source: missing, never a zero flow
    with pytest.raises(CoverageError, match="2000–2019"):
        trade("IRN", "RUS", source="baci", years=2020, store=store)
    t = trade("IRN", "RUS", source="baci", years="2018-2020", store=store)
    assert t.years == [2018, 2019]


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        (dict(a="Narnia", b="RUS"), UnknownCountryError, "Narnia"),
        (dict(a="IRN", b="RUS", years=1950), CoverageError, "it has years"),
        (dict(a="IRN", b="RUS", source="nosuch"), InputError, "'source' parameter of trade must be one of"),
        (dict(a="IRN", b="Iran"), InputError, "Both countries"),
        (dict(a="", b="RUS"), InputError, "country name or code"),
    ],
)
def test_trade_errors(store, kwargs, error, words):
    with pytest.raises(error, match=words):
        trade(**kwargs, store=store)


def independent_partner_totals(flows: pd.DataFrame, country: str) -> pd.Series:
    """Total trade (exports + imports) of ``country`` with each partner, USD millions."""
    f = flows.loc[(flows["exporter"] != flows["importer"]) & (flows["product"] == "")]
    factor = f["scale"].map({"millions": 1.0, "thousands": 1e-3, "units": 1e-6})
    v = f["value"] * factor
    out = pd.concat(
        [
            v[f["exporter"] == country].groupby(f.loc[f["exporter"] == country, "importer"]).sum(),
            v[f["importer"] == country].groupby(f.loc[f["importer"] == country, "exporter"]).sum(),
        ]
    )
    out = out.groupby(level=0).sum()
    return out[out > 0].sort_values(ascending=False)


@pytest.mark.parametrize("source", ["dots", "baci"])
def test_peers_against_independent_computation(store, source):
    p = peers("RUS", "IRN", year=2019, source=source, store=store, n=8)
    assert isinstance(p, Peers)
    flows = embedded.load(f"flows_{source}").query("year == 2019")
    rus = independent_partner_totals(flows, "RUS")
    irn = independent_partner_totals(flows, "IRN")
    assert p.total == pytest.approx(rus["IRN"])
    assert p.rank == list(rus.index).index("IRN") + 1 and p.n_partners == len(rus)
    assert p.share == pytest.approx(rus["IRN"] / rus.sum())
    assert p.reverse_rank == list(irn.index).index("RUS") + 1 and p.reverse_n_partners == len(irn)
    # the n partners closest in value (log distance), plus Iran itself
    dist = np.abs(np.log(rus.drop("IRN") / rus["IRN"])).sort_values(kind="stable")
    table = p.to_frame()
    assert set(table.loc[~table["is_partner"], "iso3"]) == set(dist.index[:8])
    assert table.loc[table["is_partner"], "iso3"].tolist() == ["IRN"]
    assert table["total"].is_monotonic_decreasing
    wdi = embedded.load("wdi").query("year == 2019").set_index("iso3")
    for r in table.itertuples(index=False):
        assert r.gdp_busd == pytest.approx(wdi.loc[r.iso3, "gdp"] / 1e9, nan_ok=True)
        assert r.population_m == pytest.approx(wdi.loc[r.iso3, "population"] / 1e6, nan_ok=True)
    assert "Iran was Russia's" in p.headline
    json.dumps(p.to_dict())


def test_peers_errors(store):
    with pytest.raises(CoverageError, match="covers 19"):
        peers("RUS", "IRN", year=1950, store=store)
    with pytest.raises(InputError, match="'year'"):
        peers("RUS", "IRN", year="2019", store=store)
    with pytest.raises(InputError, match="'n'"):
        peers("RUS", "IRN", year=2019, n=0, store=store)
    with pytest.raises(UnknownCountryError):
        peers("RUS", "Atlantis", year=2019, store=store)


def test_trade_from_store_sums_products(tmp_path):
    """An ingested product-level BACI file is used instead of the embedded totals, summed over HS codes."""
    folder = tmp_path / "baci"
    folder.mkdir()
    (folder / "country_codes_V202401.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n364,Iran,IR,IRN\n643,Russia,RU,RUS\n"
    )
    (folder / "BACI_HS17_Y2019_V202401.csv").write_text(
        "t,i,j,k,v,q\n2019,643,364,100110,1000.5,1\n2019,643,364,100190,500.0,1\n2019,364,643,080610,250.0,1\n"
    )
    with Store(tmp_path / "s.duckdb") as s:
        s.ingest("baci", [folder / "BACI_HS17_Y2019_V202401.csv"])
        t = trade("RUS", "IRN", source="baci", store=s)
    assert t.years == [2019]
    assert t.value("RUS", "IRN", 2019) == pytest.approx(1.5005)  # (1000.5 + 500) thousand USD
    assert t.value("IRN", "RUS", 2019) == pytest.approx(0.25)


def test_report_of_words():
    assert report_of("importer_cif", "RUS", "IRN") == "Iran's import report (CIF)"
    assert "scaled to CIF" in report_of("exporter_fob_adj", "RUS", "IRN")
    assert "reconciled" in report_of("reconciled", "RUS", "IRN")
