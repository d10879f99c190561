"""The trade-sanction effect on the long panel: data, identifying variation, estimate and its sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradegap import sanctions_effect as se
from tradegap.errors import CoverageError, InputError


def test_full_case_list_is_every_gsdb_case_with_blocs_mapped():
    c = se.case_table()
    assert len(c) == 1325 and c["begin"].min() == 1949 and c["end"].max() == 2022
    left = {x.strip() for col in ("unmapped_senders", "unmapped_targets") for v in c[col] for x in str(v).split(";")}
    left.discard("")
    assert not any(n in left for n in ("CoCom", "NATO", "Comecon", "EEC", "Rhodesia", "North", "Arab Rep."))
    assert all("Terrorist" in n or n in {"CSCE", "Cyprus (Northern)", "ICC Rome Statute Signatories",
                                         "Paris Agreement Signatories"} for n in left)


def test_indicator_keeps_direction_and_historical_entities():
    ind = se.indicator().set_index(["exporter", "importer", "year"])
    # the US embargo on Iran: complete bans both ways in the 2010s, restrictions since 1979
    assert ind.loc[("USA", "IRN", 2012), "complete_flow"] == 1
    assert ind.loc[("IRN", "USA", 2012), "complete_flow"] == 1
    assert ind.xs(("USA", "IRN"), level=["exporter", "importer"]).index.min() == 1979
    # CoCom export controls on the Soviet bloc are coded on the USSR (SUN), partial, on Western exports only
    r = ind.loc[("USA", "SUN", 1980)]
    assert r["partial_flow"] == 1 and r["complete_flow"] == 0
    assert ("USA", "RUS", 1980) not in ind.index
    # other_direction marks a pair whose sanction restricts only the reverse flow
    other = ind[ind["other_direction"] == 1].reset_index()
    rev = ind.reindex(pd.MultiIndex.from_arrays([other["importer"], other["exporter"], other["year"]]))
    assert ((rev["complete_flow"] + rev["partial_flow"]) >= 1).all()


@pytest.fixture(scope="module")
def pooled():
    return se.long_panel_effect("pooled")


def test_long_panel_sanction_coefficient_sample_and_variation(pooled):
    """Identified by onsets and ends 1960-2020, unlike the 2013-2019 estimate with pair FE."""
    assert pooled.years == tuple(range(1960, 2021, 4))
    t = pooled.terms.set_index("term").loc["sanction_trade"]
    assert t["coef"] < 0 and abs(t["coef"] / t["se"]) > 3  # significant reduction of trade
    assert -0.5 < t["coef"] < -0.05
    assert t["switchers"] > 1000 and t["onsets"] > 1000 and t["ends"] > 1000
    assert pooled.nobs > 400_000 and "1960-2020" in pooled.sample and "1,325 cases" in pooled.sample
    text = pooled.describe()
    assert "sanction_trade = " in text and "onsets" in text and "N = " in text
    assert any("dropped" in w for w in pooled.warnings)  # the engine's drops are reported, not hidden


def test_direction_spec_separates_complete_partial_and_the_other_direction():
    e = se.long_panel_effect("direction")
    terms = e.terms.set_index("term")
    assert list(terms.index) == ["complete_flow", "partial_flow", "other_direction"]
    assert (terms["coef"] < 0).all() and (terms["switchers"] > 100).all()


def test_estimator_recovers_a_known_effect_and_checks_its_input():
    rng = np.random.default_rng(7)
    cs = [f"C{i:02d}" for i in range(20)]
    idx = pd.MultiIndex.from_product([cs, cs, range(6)], names=["exporter", "importer", "year"])
    p = idx.to_frame(index=False)
    p = p[p["exporter"] != p["importer"]].reset_index(drop=True)
    i = p["exporter"].str[1:].astype(int).to_numpy()
    j = p["importer"].str[1:].astype(int).to_numpy()
    on = rng.integers(0, 12, size=(20, 20))
    p["sanction_trade"] = ((p["year"] >= on[i, j]) & (p["year"] < on[i, j] + 3)).astype(float)
    pair = rng.normal(0, 1, size=(20, 20))
    p["trade"] = rng.poisson(np.exp(3 + pair[i, j] - 0.7 * p["sanction_trade"])).astype(float)
    e = se.estimate(p)
    assert abs(e.coef("sanction_trade") + 0.7) < 3 * e.se("sanction_trade")
    with pytest.raises(InputError, match="spec"):
        se.estimate(p, spec="bogus")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="lacks column"):
        se.estimate(p.drop(columns="sanction_trade"))
    with pytest.raises(CoverageError, match="1960-2020"):
        se.history_panel([1950])
