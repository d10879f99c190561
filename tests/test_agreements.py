"""Regional trade agreements: the shipped WTO RTA-IS table against the facts of its source, and the
agreement-effect estimator against the Advanced Guide's panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradegap import agreements as ag
from tradegap.errors import CoverageError, InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _years(a: str, b: str) -> set[int]:
    p = ag.pair_table()
    lo, hi = sorted((a, b))
    return set(p.loc[(p["iso_a"] == lo) & (p["iso_b"] == hi), "year"].astype(int))


# -- facts listed in the workbook's SOURCE.md ----------------------------------------------------


def test_deu_fra_in_the_eec_from_1958():
    ys = _years("DEU", "FRA")
    assert min(ys) == 1958 and set(range(1958, 2026)) <= ys
    f = ag.in_force("DEU", "FRA", 2019)
    assert f.deepest == "CU" and [g["name"] for g in f.agreements] == ["EU Treaty"]
    assert f.agreements[0]["since"] == 1958


def test_mex_usa_nafta_then_usmca():
    ys = _years("MEX", "USA")
    assert min(ys) == 1994 and 1993 not in ys
    names = lambda y: {g["name"] for g in ag.in_force("MEX", "USA", y).agreements}  # noqa: E731
    assert any("NAFTA" in n for n in names(2000)) and not any("USMCA" in n for n in names(2000))
    assert any("USMCA" in n for n in names(2021)) and not any("NAFTA" in n for n in names(2021))
    assert ag.in_force("USA", "MEX", 2010).deepest == "FTA"


def test_kaz_rus_customs_union_in_the_eaeu_from_2015():
    f = ag.in_force("KAZ", "RUS", 2016)
    assert f.deepest == "CU"
    assert any("Eurasian Economic Union" in g["name"] for g in f.agreements)
    assert "KAZ" in ag.bloc_members("EAEU", 2015) and "RUS" in ag.bloc_members("EAEU", 2015)
    assert "ARM" not in ag.bloc_members("EAEU", 2014)


def test_irn_rus_none_until_2018_then_the_eaeu_iran_interim_fta():
    ys = _years("IRN", "RUS")
    assert not any(y <= 2018 for y in ys)
    assert {2019, 2020, 2024} <= ys
    f = ag.in_force("IRN", "RUS", 2019)
    assert f.deepest == "FTA" and "Interim" in f.agreements[0]["name"]
    assert not ag.in_force("IRN", "RUS", 2018).any
    both = {g["name"] for g in ag.in_force("IRN", "RUS", 2025).agreements}
    assert len(both) == 2  # the interim agreement until 15 May 2025, the full FTA from that day


def test_partial_scope_kept_apart_and_eu_members_not_paired_by_external_agreements():
    ind = ag.indicator([2015])
    ind = ind.set_index(["exporter", "importer"])
    # India–MERCOSUR is a partial-scope agreement (PSA): rta but not fta_cu
    r = ind.loc[("IND", "BRA")]
    assert r["psa"] == 1 and r["fta_cu"] == 0 and r["psa_only"] == 1 and r["deepest"] == "PSA"
    # an EU external agreement pairs Mexico with EU members, never EU members with each other
    assert ag.in_force("POL", "MEX", 2005).fta_or_cu
    assert [g["name"] for g in ag.in_force("POL", "DEU", 2010).agreements] == ["EU Treaty"]


def test_uk_leaves_the_eu_customs_union_after_2020():
    assert len(ag.bloc_members("EU", 2020)) == 28 and len(ag.bloc_members("EU", 2021)) == 27
    assert ag.in_force("GBR", "FRA", 2020).deepest == "CU"
    f = ag.in_force("GBR", "FRA", 2021)
    assert f.deepest == "FTA" and "EU Treaty" not in {g["name"] for g in f.agreements}


def test_indicator_is_symmetric_and_refuses_years_outside():
    ind = ag.indicator([2010])
    keys = set(zip(ind["exporter"], ind["importer"]))
    assert all((b, a) in keys for a, b in keys)
    with pytest.raises(CoverageError, match="outside the agreements table"):
        ag.indicator([1900])
    with pytest.raises(InputError, match="must be one of"):
        ag.bloc_members("NATO", 2000)


# -- the estimator --------------------------------------------------------------------------------


def test_estimate_effect_on_the_guide_panel_with_directed_pairs():
    """The Guide's panel (domestic flows incl.) with directed pair FE: RTA 0.567, N = 28,236 (examples/README)."""
    p = pd.read_parquet(EXAMPLES / "data" / "yotov2016_ch2_nafta_panel.parquet")
    p = p[p["year"].isin([1986, 1990, 1994, 1998, 2002, 2006])]
    e = ag.estimate_effect(p, variable="rta", controls=(), sample="Yotov et al. (2016) ch. 2 panel")
    assert e.coef == pytest.approx(0.567, abs=5e-4)
    assert e.nobs == 28236
    assert 0 < e.se < 0.1 and e.switchers > 0
    assert "0.567" in e.describe() and "N = 28,236" in e.describe()


def test_estimate_effect_recovers_a_known_effect_and_refuses_no_variation():
    rng = np.random.default_rng(3)
    cs = [f"C{i:02d}" for i in range(25)]
    idx = pd.MultiIndex.from_product([cs, cs, [1, 2, 3, 4]], names=["exporter", "importer", "year"])
    p = idx.to_frame(index=False)
    p = p[p["exporter"] != p["importer"]].reset_index(drop=True)
    pair = rng.normal(0, 1, size=(25, 25))
    i = p["exporter"].str[1:].astype(int).to_numpy()
    j = p["importer"].str[1:].astype(int).to_numpy()
    start = rng.integers(1, 6, size=(25, 25))
    start = np.minimum(start, start.T)
    p["fta_cu"] = (p["year"].to_numpy() >= start[i, j]).astype(float) * (start[i, j] < 5)
    p["trade"] = rng.poisson(np.exp(2 + pair[i, j] + 0.4 * p["fta_cu"] + 0.1 * p["year"])).astype(float)
    e = ag.estimate_effect(p, controls=())
    assert abs(e.coef - 0.4) < 3 * e.se
    p["fta_cu"] = 1.0
    with pytest.raises(CoverageError, match="not identified"):
        ag.estimate_effect(p, controls=())
