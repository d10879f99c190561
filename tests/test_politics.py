"""UNGA vote agreement: hand-computed cases, an independent pandas path, sanity and continuity."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tradegap import politics
from tradegap.cli.app import app
from tradegap.errors import CoverageError, InputError

# Three countries, five roll calls; 0 = no vote.  Codes: 1 yes, 2 abstain, 3 no.
TOY = np.array(
    [
        [1, 1, 2, 3, 1],  # A
        [1, 3, 1, 3, 0],  # B
        [2, 2, 2, 0, 0],  # C
    ],
    dtype=np.int8,
)


def test_pairwise_by_hand() -> None:
    nc, ny, sy, sd = politics._pairwise(TOY)
    # A vs B: common votes 1..4: (1,1) same, (1,3) opposite, (2,1) half, (3,3) same
    assert nc[0, 1] == 4 and ny[0, 1] == 3 and sy[0, 1] == 2 and sd[0, 1] == 0 + 2 + 1 + 0
    # agree = 1 - 3/(2*4) = 0.625 = mean(1, 0, .5, 1); S = 1 - 3/4 = 0.25 = 2*agree - 1
    assert 1 - sd[0, 1] / (2 * nc[0, 1]) == pytest.approx(np.mean([1, 0, 0.5, 1]))
    # A vs C: common 1..3: (1,2) half, (1,2) half, (2,2) same; no yes/no-only votes
    assert nc[0, 2] == 3 and ny[0, 2] == 0 and sd[0, 2] == 2
    assert np.allclose(nc, nc.T) and np.allclose(sd, sd.T)
    assert nc[2, 2] == 3 and sd[1, 1] == 0
    for i in range(3):  # the one-row path equals the matrix path
        for got, want in zip(politics._row(TOY, i), (nc[i], ny[i], sy[i], sd[i]), strict=True):
            np.testing.assert_array_equal(got, want)


def _pandas_reference(a: str, b: str, year: int) -> dict[str, float]:
    """Independent path: merge the two countries' votes and compute the indices row by row."""
    v = politics.votes()
    v = v[v["year"] == year]
    va = v[v["iso3"] == a][["rcid", "vote"]]
    vb = v[v["iso3"] == b][["rcid", "vote"]]
    m = va.merge(vb, on="rcid", suffixes=("_a", "_b"))
    score = np.where(
        m["vote_a"] == m["vote_b"], 1.0, np.where((m["vote_a"] == 2) | (m["vote_b"] == 2), 0.5, 0.0)
    )
    yn = m[(m["vote_a"] != 2) & (m["vote_b"] != 2)]
    d = (m["vote_a"].astype(int) - m["vote_b"].astype(int)).abs().sum()
    return {
        "n_common": len(m),
        "agree": score.mean(),
        "agree_yesno": (yn["vote_a"] == yn["vote_b"]).mean(),
        "s_score": 1 - 2 * d / (2 * len(m)),  # Signorino-Ritter: 1 - 2 d / d_max, d_max = 2 n
    }


@pytest.mark.parametrize(
    ("a", "b", "year"), [("IRN", "RUS", 2019), ("USA", "IRN", 2012), ("RUS", "CHN", 2000), ("FRA", "DEU", 1995)]
)
def test_alignment_matches_pandas_reference(a: str, b: str, year: int) -> None:
    got = politics.alignment(a, b, years=[year]).table.iloc[0]
    ref = _pandas_reference(a, b, year)
    assert got["n_common"] == ref["n_common"]
    for k in ("agree", "agree_yesno", "s_score"):
        assert got[k] == pytest.approx(ref[k], abs=1e-12)


def test_rank_and_percentile_against_groupby() -> None:
    year = 2019
    al = politics.alignment("IRN", "RUS", years=year).table.iloc[0]
    v = politics.votes()
    v = v[v["year"] == year]
    iran = v[v["iso3"] == "IRN"][["rcid", "vote"]]
    m = v[v["iso3"] != "IRN"].merge(iran, on="rcid", suffixes=("", "_irn"))
    m["score"] = np.where(
        m["vote"] == m["vote_irn"], 1.0, np.where((m["vote"] == 2) | (m["vote_irn"] == 2), 0.5, 0.0)
    )
    agree = m.groupby("iso3", observed=True)["score"].mean()
    assert al["n_partners"] == len(agree)
    assert al["agree"] == pytest.approx(agree["RUS"])
    others = agree.drop("RUS")
    assert al["rank"] == 1 + int((others > agree["RUS"]).sum())
    pct = 100 * ((others < agree["RUS"]).sum() + 0.5 * (others == agree["RUS"]).sum()) / len(others)
    assert al["percentile"] == pytest.approx(pct)


def test_panel_agrees_with_alignment() -> None:
    p = politics.panel(years=[2010])
    row = p[(p["a"] == "IRN") & (p["b"] == "RUS")].iloc[0]
    al = politics.alignment("IRN", "RUS", years=2010).table.iloc[0]
    for k in ("n_common", "agree", "agree_yesno", "s_score"):
        assert row[k] == pytest.approx(al[k])
    # symmetric: both orders present with the same values
    back = p[(p["a"] == "RUS") & (p["b"] == "IRN")].iloc[0]
    assert back["agree"] == pytest.approx(row["agree"])
    assert (p["a"] != p["b"]).all()


def test_sanity_iran_russia_closer_than_usa_iran() -> None:
    ir = politics.alignment("IRN", "RUS", years=range(2000, 2020)).table
    ui = politics.alignment("USA", "IRN", years=range(2000, 2020)).table
    assert len(ir) == len(ui) == 20
    assert (ir["agree"].to_numpy() > ui["agree"].to_numpy() + 0.3).all()
    assert (ir["agree"] > 0.7).all() and (ui["agree"] < 0.4).all()
    iu = politics.alignment("IRN", "USA", years=range(2000, 2020)).table  # ranked among Iran's partners
    assert (iu["percentile"] < 5).all() and (iu["percentile"].to_numpy() < ir["percentile"].to_numpy()).all()
    np.testing.assert_allclose(ir["s_score"], 2 * ir["agree"] - 1)


def test_ussr_continuity_is_explicit() -> None:
    succ = politics.alignment("USA", "RUS", years=[1980, 2000])
    assert list(succ.table["year"]) == [1980, 2000]
    assert any("USSR" in n for n in succ.notes)
    strict = politics.alignment("USA", "SUN", years=[1980], continuity="strict").table.iloc[0]
    assert strict["agree"] == pytest.approx(succ.table.iloc[0]["agree"])
    with pytest.raises(CoverageError, match="1992–2019"):
        politics.alignment("USA", "RUS", years=[1980], continuity="strict")
    assert politics.alignment("USA", "RUS", years=[2000]).notes == ()
    assert politics.alignment("USA", "USSR", years=[1980]).b == "RUS"  # successor series
    with pytest.raises(InputError, match="continuity"):
        politics.alignment("USA", "RUS", continuity="soviet")


def test_membership_and_coverage() -> None:
    m = politics.un_membership().set_index("iso3")
    assert m.loc["SSD", "first_year"] == 2011
    assert m.loc["RUS", "last_year"] == 2022 and m.loc["RUS", "first_year"] == 1946
    assert politics.coverage() == (1946, 2019)
    with pytest.raises(CoverageError, match="1946–2019"):
        politics.alignment("IRN", "RUS", years=[2021])
    with pytest.raises(LookupError):
        politics.alignment("IRN", "XXX")
    with pytest.raises(InputError, match="issues"):
        politics.alignment("IRN", "RUS", issues=["trade"])


def test_issue_filter_and_results_object() -> None:
    hr = politics.alignment("IRN", "RUS", years=range(2010, 2020), issues="hr")
    allv = politics.alignment("IRN", "RUS", years=range(2010, 2020))
    assert (hr.table["n_common"] < allv.table["n_common"]).all()
    f = allv.to_frame()
    assert list(f.columns[:2]) == ["a", "b"] and list(f.columns[2:]) == list(politics.ALIGNMENT_COLUMNS)
    d = json.loads(json.dumps(allv.to_dict()))
    assert d["a"] == "IRN" and len(d["years"]) == 10 and "agree" in d["definitions"]
    assert 0 < allv.mean(since=2015) < 1


# --------------------------------------------------------------------------- ideal points (to 2023)
def test_ideal_points_reach_2023_with_published_agreement_shares():
    from tradegap import politics

    lo, hi = politics.ideal_coverage()
    assert (lo, hi) == (1946, 2023)
    r = politics.ideal_distance("IRN", "RUS", years=range(2019, 2024))
    t = r.table.set_index("year")
    assert list(t.index) == [2019, 2020, 2021, 2022, 2023]
    # the raw file's SOURCE.md: Iran's RUSSAgree is 0.667 in session 77 (2022) and 0.683 in session 78 (2023)
    assert t.at[2022, "agree_share"] == pytest.approx(0.667, abs=5e-4)
    assert t.at[2023, "agree_share"] == pytest.approx(0.683, abs=5e-4)


def test_ideal_distance_and_rank_recomputed_independently():
    from tradegap import politics

    ip = politics.ideal_points()
    y = ip[ip["year"] == 2019].set_index("iso3")["ideal"].astype(float)
    dist = (y - y["IRN"]).abs().drop("IRN")
    expected_rank = int(dist.rank(method="min")["RUS"])
    row = politics.ideal_distance("IRN", "RUS", years=2019).table.iloc[0]
    assert row["distance"] == pytest.approx(abs(y["IRN"] - y["RUS"]), rel=1e-6)
    assert row["rank"] == expected_rank and row["n_states"] == len(y) - 1  # every state but IRN


def test_ideal_points_entities_and_continuity():
    from tradegap import politics

    strict = politics.ideal_points(continuity="strict")
    assert set(strict.loc[strict["ccode"] == 365, "iso3"]) == {"SUN", "RUS"}
    assert int(strict.loc[strict["iso3"] == "SUN", "year"].max()) == 1991
    assert int(strict.loc[strict["iso3"] == "RUS", "year"].min()) == 1992
    assert set(strict.loc[strict["ccode"] == 680, "iso3"]) == {"YMD"}  # the file labels South Yemen "YAR"
    assert not strict.duplicated(["iso3", "year"]).any()
    r = politics.ideal_distance("IRN", "RUS", years=[1990, 1995])
    assert any("USSR" in n for n in r.notes)
    with pytest.raises(CoverageError, match="ideal points cover 1946–2023"):
        politics.ideal_distance("IRN", "RUS", years=[2030])


def test_politics_cli_after_2019_shows_ideal_points(runner_politics):
    res = runner_politics.invoke(app, ["politics", "IRN", "RUS", "--years", "2020-2023"], terminal_width=100)
    assert res.exit_code == 0, res.output
    assert "No roll-call agreement for these years" in res.output
    assert "UNGA ideal-point distance" in res.output and "2023" in res.output
    both = runner_politics.invoke(app, ["politics", "IRN", "RUS", "--years", "2019-2023", "--format", "json"])
    payload = json.loads(both.output)
    assert [r["year"] for r in payload["years"]] == [2019]
    assert [r["year"] for r in payload["ideal_points"]["years"]] == [2019, 2020, 2021, 2022, 2023]


@pytest.fixture(scope="module")
def runner_politics():
    from typer.testing import CliRunner

    from tradegap.cli import load_commands

    load_commands()
    return CliRunner()

