"""Sanctions indicator from the shipped GSDB subset: bloc expansion, direction, coverage."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tradegap import sanctions
from tradegap.errors import AssumptionWarning, CoverageError, InputError


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return sanctions.indicator()


def _row(ind: pd.DataFrame, e: str, i: str, y: int) -> pd.Series | None:
    r = ind[(ind["exporter"] == e) & (ind["importer"] == i) & (ind["year"] == y)]
    assert len(r) <= 1
    return None if r.empty else r.iloc[0]


def test_eu_membership_by_year() -> None:
    assert len(sanctions.members("@EU", 2012)) == 27 and "HRV" not in sanctions.members("@EU", 2012)
    assert len(sanctions.members("@EU", 2013)) == 28 and "HRV" in sanctions.members("@EU", 2013)
    assert "GBR" in sanctions.members("@EU", 2019)
    assert "GBR" not in sanctions.members("@EU", 2020) and len(sanctions.members("@EU", 2020)) == 27
    assert sanctions.members("@EU", 1958) == ["BEL", "DEU", "FRA", "ITA", "LUX", "NLD"]
    assert len(sanctions.members("@EU", 1995)) == 15


def test_un_members_from_votes() -> None:
    un = sanctions.members("@UN", 2015)
    assert 185 <= len(un) <= 194
    assert {"RUS", "IRN", "USA", "SSD"} <= set(un)
    assert "TWN" not in un
    assert "SSD" not in sanctions.members("@UN", 2010)
    assert sanctions.members("@UN", 2022) == sanctions.members("@UN", 2019)  # carried forward


def test_schema_and_types(ind: pd.DataFrame) -> None:
    assert list(ind.columns) == list(sanctions.INDICATOR_COLUMNS)
    assert ind["year"].between(2013, 2022).all()
    assert not ind.duplicated(["exporter", "importer", "year"]).any()
    for c in sanctions.TYPE_COLUMNS:
        assert set(ind[c].unique()) <= {0, 1}
    assert (ind["sanction_any"] == 1).all()
    assert (ind["exporter"] != ind["importer"]).all()
    # flow-level sanctions imply pair-level trade sanctions
    assert (ind["sanction_trade"] >= ind["sanction_trade_flow"]).all()
    assert (ind["sanction_trade_flow"] >= ind["sanction_trade_complete"]).all()


def test_symmetric_types_are_symmetric(ind: pd.DataFrame) -> None:
    sym = ["sanction_trade", "sanction_financial", "sanction_arms", "sanction_any"]
    fwd = ind.set_index(["exporter", "importer", "year"])[sym]
    bwd = ind.rename(columns={"exporter": "importer", "importer": "exporter"}).set_index(
        ["exporter", "importer", "year"]
    )[sym]
    pd.testing.assert_frame_equal(fwd.sort_index(), bwd.reindex(fwd.index).sort_index())


def test_eu_on_russia_2014(ind: pd.DataFrame) -> None:
    # case 1000: EU on Russia 2014-2022, exp_part + imp_part, financial, arms
    for e in ("DEU", "FRA", "HRV"):
        r = _row(ind, e, "RUS", 2015)
        assert r is not None and r["sanction_trade"] == 1 and r["sanction_trade_flow"] == 1
        assert r["sanction_financial"] == 1 and r["sanction_arms"] == 1
    assert _row(ind, "DEU", "RUS", 2013) is None  # not before 2014
    assert _row(ind, "GBR", "RUS", 2015)["sanction_trade"] == 1  # UK as EU member


def test_direction_export_only_case(ind: pd.DataFrame) -> None:
    # case 1310: Singapore on Russia, 2022, exp_part only (Singapore's exports to Russia)
    sg = sanctions.cases("SGP", "RUS")
    assert list(sg["case_id"]) == [1310]
    fwd, bwd = _row(ind, "SGP", "RUS", 2022), _row(ind, "RUS", "SGP", 2022)
    assert fwd["sanction_trade"] == 1 and fwd["sanction_trade_flow"] == 1
    assert bwd["sanction_trade"] == 1 and bwd["sanction_trade_flow"] == 0
    assert fwd["sanction_trade_complete"] == 0
    assert _row(ind, "SGP", "RUS", 2021) is None


def test_complete_ban_and_import_direction(ind: pd.DataFrame) -> None:
    # case 967: Canada on Iran 2013-2016, exp_compl + imp_compl
    for y in (2013, 2016):
        assert _row(ind, "CAN", "IRN", y)["sanction_trade_complete"] == 1
        assert _row(ind, "IRN", "CAN", y)["sanction_trade_complete"] == 1
    # case 1002: Japan on Russia 2014-2022 imp_part only; Japan->Russia flow unrestricted by it
    r = _row(ind, "RUS", "JPN", 2016)
    assert r["sanction_trade_flow"] == 1
    assert _row(ind, "JPN", "RUS", 2016)["sanction_trade_flow"] == 0


def test_un_expansion_iran_russia(ind: pd.DataFrame) -> None:
    for y in range(2013, 2017):
        r = _row(ind, "RUS", "IRN", y)
        assert r["sanction_trade"] == 1 and r["sanction_arms"] == 1
    assert _row(ind, "RUS", "IRN", 2017) is None
    no_un = sanctions.indicator(include_un=False)
    assert _row(no_un, "RUS", "IRN", 2015) is None
    assert _row(no_un, "USA", "IRN", 2015)["sanction_trade"] == 1


def test_comma_names_are_not_split() -> None:
    # case 1069: "Mauritania, Djibouti, Comoros, Jordan, Libya, Yemen, North, Niger" on Qatar
    c = sanctions.case_table().set_index("case_id").loc[1069]
    assert c["sender_codes"].split(",") == ["MRT", "DJI", "COM", "JOR", "LBY", "YEM", "NER"]
    assert c["unmapped_senders"] == ""


def test_unmapped_are_listed_not_dropped() -> None:
    u = sanctions.unmapped()
    text = " ".join(u["unmapped"])
    for name in ("Commonwealth", "OSCE", "OIC", "Kimberly Process Participants", "Terrorist Organizations (Taliban)"):
        assert name in text
    assert set(u["case_id"]) >= {768, 522, 524, 953, 959, 915}


def _reference(cases: pd.DataFrame, e: str, i: str, y: int, include_un: bool = True) -> dict[str, int]:
    """Independent slow path: loop over raw cases, expand blocs, test membership directly."""

    def expand(codes: str) -> set[str]:
        out: set[str] = set()
        for tok in codes.split(","):
            if not tok or (tok == "@UN" and not include_un):
                continue
            out |= set(sanctions.members(tok, y))
        return out

    res = dict.fromkeys(["trade", "flow", "financial", "arms", "any"], 0)
    for c in cases.itertuples():
        if not c.begin <= y <= c.end:
            continue
        s, t = expand(c.sender_codes), expand(c.target_codes)
        fwd = e in s and i in t and e != i  # exporter sanctions importer
        bwd = i in s and e in t and e != i  # importer sanctions exporter
        if not (fwd or bwd):
            continue
        res["any"] = 1
        res["trade"] |= int(c.trade)
        res["financial"] |= int(c.financial)
        res["arms"] |= int(c.arms)
        if c.trade and ((fwd and "exp_" in c.descr_trade) or (bwd and "imp_" in c.descr_trade)):
            res["flow"] = 1
    return res


def test_indicator_matches_independent_loop(ind: pd.DataFrame) -> None:
    cases = sanctions.case_table()
    rng = np.random.default_rng(0)
    sample = ind.sample(60, random_state=1)[["exporter", "importer", "year"]].values.tolist()
    countries = sorted(set(ind["exporter"]))
    for _ in range(60):  # random pairs, mostly without sanctions
        e, i = rng.choice(countries, 2, replace=False)
        sample.append([e, i, int(rng.integers(2013, 2023))])
    sample += [["RUS", "IRN", 2015], ["IRN", "RUS", 2019], ["USA", "RUS", 2022], ["RUS", "USA", 2016]]
    for e, i, y in sample:
        ref = _reference(cases, e, i, y)
        r = _row(ind, e, i, y)
        got = (
            dict.fromkeys(ref, 0)
            if r is None
            else {
                "trade": r["sanction_trade"], "flow": r["sanction_trade_flow"], "financial": r["sanction_financial"],
                "arms": r["sanction_arms"], "any": r["sanction_any"],
            }
        )
        assert got == ref, (e, i, y)


def test_coverage_is_explicit() -> None:
    with pytest.raises(CoverageError, match="2013"):
        sanctions.indicator(years=[2010])
    part = sanctions.indicator(years=[2010], partial=True)
    assert _row(part, "RUS", "IRN", 2010)["sanction_trade"] == 1  # UN 2010 case, known active
    with pytest.raises(InputError, match="years"):
        sanctions.indicator(years=["x"])


def test_attach_nan_outside_coverage() -> None:
    panel = pd.DataFrame(
        {
            "exporter": ["RUS", "RUS", "RUS", "FRA", "RUS"],
            "importer": ["IRN", "IRN", "IRN", "DEU", "IRN"],
            "year": [2012, 2015, 2019, 2015, 2010],
            "trade": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    out = sanctions.attach(panel)
    assert np.isnan(out.loc[0, "sanction_trade"]) and np.isnan(out.loc[4, "sanction_any"])
    assert out.loc[1, "sanction_trade"] == 1.0
    assert out.loc[2, "sanction_trade"] == 0.0 and out.loc[3, "sanction_any"] == 0.0
    assert list(out["sanction_covered"]) == [False, True, True, True, False]
    assert list(out["trade"]) == list(panel["trade"]) and "sanction_trade" not in panel
    with pytest.warns(AssumptionWarning, match="lower bound"):
        known = sanctions.attach(panel, before_coverage="known")
    assert known.loc[4, "sanction_trade"] == 1.0 and known.loc[0, "sanction_trade"] == 1.0
    with pytest.raises(InputError, match="before_coverage"):
        sanctions.attach(panel, before_coverage="zero")
    with pytest.raises(InputError, match="lacks the column"):
        sanctions.attach(panel.drop(columns="year"))


def test_cases_pair_and_third_party() -> None:
    c = sanctions.cases("IRN", "RUS")
    assert set(c["case_id"]) == {774, 799, 811, 857}  # UN sanctions on Iran, Russia as UN member
    assert (c["relation"] == "RUS sanctions IRN").all()
    assert c["via"].str.contains("RUS via UN").all()
    t = sanctions.cases("IRN", "RUS", scope="targets")
    assert {1000, 1005, 297, 539, 1094} <= set(t["case_id"])  # EU/US on Russia, US on Iran
    assert t.loc[t["case_id"] == 1000, "relation"].item() == "on RUS"
    assert t["begin"].is_monotonic_increasing
    one = sanctions.cases("SGP")
    assert 1310 in set(one["case_id"])
    json.dumps(c.to_dict(orient="records"))
    with pytest.raises(InputError, match="scope"):
        sanctions.cases("IRN", "RUS", scope="world")
