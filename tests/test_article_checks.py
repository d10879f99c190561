"""Claims checked against the embedded data: values, currencies, growth, peers, sectors, sanctions, contiguity.

Reference values: IMF DOTS Russia → Iran 2019 = 1,196.9 million USD (Russia's report; see
../shared/data/README.md "Known checks", copied into tests/data/README.md).  The potential and
scenario checks (slow: a PPML fit and a GE solve) are in the ``slow`` test at the end.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tradegap.article import read_article, read_file
from tradegap.errors import InputError

ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ARTICLES / "iran-russia-ties-2022.txt"
FAST = ["value", "growth", "peer", "sector", "sanctions", "contiguity", "none"]


@pytest.fixture(scope="module")
def seed():
    return read_file(SEED, checks=FAST)


@pytest.fixture(scope="module")
def several():
    return read_file(ARTICLES / "several-countries.txt", checks=FAST)


def _check(reading, check: str, contains: str):
    hits = [c for c in reading.checks if c.check == check and contains in c.claim.quote]
    assert hits, f"no {check} check on a claim containing {contains!r}: {[(c.check, c.claim.quote) for c in reading.checks]}"
    return hits[0]


def test_wrong_amount_is_higher_than_data(several):
    c = _check(several, "value", "$5 billion")
    assert c.pair == ("RUS", "IRN") and c.data_year == 2019
    assert c.data_value == pytest.approx(1196.9, abs=0.05)  # DOTS, Russia's report, USD millions
    assert c.verdict == "higher than data"
    assert "±10%" in c.tolerance
    assert "USD 5.00 billion" in c.data and "+318%" in c.data


def test_other_scale_is_converted_and_consistent(several):
    c = _check(several, "value", "1,200 million dollars")
    assert c.claim.details["amount"] == 1.2e9
    assert c.pair == ("RUS", "IRN")  # "Iran's imports from Russia"
    assert c.verdict == "consistent"


def test_other_currency_not_checkable_without_rate(several):
    c = _check(several, "value", "€1.2bn")
    assert c.verdict == "not checkable"
    assert "currency EUR" in c.note and "--fx" in c.note


def test_other_currency_converted_with_a_given_rate():
    text = "Russia exported goods worth €1.07bn to Iran in 2019, officials said."
    r = read_article(text, checks=["value"], fx={"EUR:2019": 1.12})
    c = r.checks[0]
    assert c.verdict == "consistent"  # 1,070 × 1.12 = 1,198.4 vs 1,196.9
    assert "converted at 1.12 USD per EUR" in c.note
    r = read_article(text, checks=["value"], fx={"EUR": 2.0})
    assert r.checks[0].verdict == "higher than data"
    with pytest.raises(InputError, match="fx"):
        read_article(text, fx={"EUR": -1})


def test_growth_check(several):
    c = _check(several, "growth", "fell 35%")
    assert c.pair == ("CHN", "IRN")
    assert c.verdict == "consistent"  # DOTS: −36.2 % from 2018 to 2019
    assert c.data_value == pytest.approx(-36.2, abs=0.5)
    assert "percentage points" in c.tolerance


def test_quantity_and_credit_line_not_checkable(several):
    q = _check(several, "none", "tonnes")
    assert q.verdict == "not checkable" and "quantity" in q.note
    m = _check(several, "none", "$300m")
    assert m.verdict == "not checkable" and "not a goods-trade value" in m.note


def test_year_outside_data_is_not_checkable():
    r = read_article("Russia exported $1.2 billion of goods to Iran in 1975.", checks=["value"])
    assert r.checks[0].verdict == "not checkable"


def test_one_country_value_claim_is_not_checkable():
    r = read_article("Iran and Russia talked. Iran exported $3 billion of oil in 2019.", checks=["value"])
    assert r.checks[0].verdict == "not checkable" and "only one country" in r.checks[0].note


# --------------------------------------------------------------------------- seed (Must show)
def test_seed_peer_check_small_countries(seed):
    c = _check(seed, "peer", "some small countries")
    assert c.pair == ("IRN", "RUS")
    assert c.data_year == 2020  # no date in the article: latest DOTS year for the pair
    assert "partner no." in c.data and "GDP" in c.data
    assert c.verdict in ("consistent", "inconsistent")
    assert "median GDP" in c.tolerance
    assert math.isfinite(c.data_value)


def test_seed_sector_check_says_why_not_checkable(seed):
    c = _check(seed, "sector", "advanced technologies and aerospace")
    assert c.verdict == "not checkable"
    assert "aerospace" in c.note and "cannot be isolated" in c.note
    assert "sitc7" in c.data  # the SITC section that contains aircraft is shown as context


def test_seed_sanctions_linked_to_gsdb(seed):
    c = _check(seed, "sanctions", "unilateral sanctions on Iran")
    assert c.verdict == "consistent" and c.data_value >= 1
    assert "sanctions on Iran" in c.data and "United States" in c.data
    assert "sanction_any = 0" in c.data  # no sanction between Iran and Russia themselves
    assert "GSDB" in c.source


def test_seed_caspian_neighbours_linked_to_contiguity(seed):
    c = _check(seed, "contiguity", "Caspian Sea")
    assert c.verdict == "consistent"
    assert "contig) = 0" in c.data and "shared sea = 1" in c.data


def test_seed_potential_claims_listed_even_when_skipped(seed):
    c = _check(seed, "potential", "this index can be increased considerably")
    assert c.verdict == "not checkable" and "not run" in c.note
    assert _check(seed, "scenario", "this index can be increased considerably")


def test_land_border_claim_contradicted():
    r = read_article("Iran and Russia share a land border, which helps trade.", checks=["contiguity"])
    assert r.checks[0].verdict == "inconsistent"


def test_reading_frame_and_dict(seed):
    frame = seed.to_frame()
    assert list(frame.columns[:6]) == ["claim", "kind", "quote", "start", "end", "check"]
    assert set(frame["verdict"]) <= {"consistent", "higher than data", "lower than data", "inconsistent", "not checkable"}
    d = seed.to_dict()
    assert d["main_pair"] == ["IRN", "RUS"] and len(d["checks"]) == len(frame)
    text = seed.article.text
    for c in seed.checks:
        assert text[c.claim.start : c.claim.end] == c.claim.quote


def test_article_numbers_never_become_data(several):
    """The data column holds the data's number, not the article's; the article's number is only in the claim."""
    c = _check(several, "value", "$5 billion")
    assert c.data_value != c.claim.details["amount"] / 1e6
    assert c.source.startswith("IMF DOTS")


def test_unknown_check_name_is_an_input_error():
    with pytest.raises(InputError, match="checks"):
        read_article("Iran and Russia trade.", checks=["nope"])


@pytest.mark.slow
def test_seed_potential_and_scenarios_full():
    r = read_file(SEED, checks=["potential", "potential_size", "scenario"])
    pot = _check(r, "potential", "this index can be increased considerably")
    # actual Iran–Russia trade is at the structural potential (ratio 1.00 in 2019): said in plain words
    assert pot.verdict == "not supported"
    assert pot.data.startswith("not supported by the model: actual trade is at")
    assert "structural potential" in pot.data and math.isfinite(pot.data_value)
    assert pot.data_year == 2019  # BACI: the latest year with a potential estimate
    size = _check(r, "potential_size", "this index can be increased considerably")
    assert size.verdict == "supported"  # Iran–Russia trade is far below what the two countries' size predicts
    assert size.data.startswith("supported by the model: actual trade is")
    assert size.data_value > 2
    sc = _check(r, "scenario", "this index can be increased considerably")
    assert sc.verdict == "not checkable" and "scenario hint" in sc.note
    assert "FTA" in sc.data


def test_share_rank_and_relative_year_claims():
    text = (
        "TEHRAN, May 5, 2020 — Russia accounted for 2% of Iran's trade last year, officials said. "
        "Iran is Russia's largest trading partner. Russia is Iran's 4th-largest trading partner. "
        "Bilateral trade reached $1.6 billion last year."
    )
    r = read_article(text, checks=["value", "peer"])
    share = _check(r, "peer", "2% of Iran's trade")
    assert share.claim.kind == "share" and share.data_year == 2019  # "last year" in an article dated 2020
    assert share.verdict == "consistent" and "percentage points" in share.tolerance
    largest = _check(r, "peer", "Russia's largest trading partner")
    assert largest.verdict == "higher than data" and "among Russia's trading partners" in largest.data
    # published May 2020: 2019 is the last complete year, when Russia was Iran's 7th partner (4th in 2020)
    fourth = _check(r, "peer", "4th-largest")
    assert fourth.verdict == "higher than data" and "Russia ranks 7th" in fourth.data and fourth.data_year == 2019
    value = _check(r, "value", "$1.6 billion")
    assert value.data_year == 2019 and value.verdict == "consistent"


def test_last_year_without_article_date_is_not_checkable():
    r = read_article("Trade between Iran and Russia reached $1.6 billion last year.", checks=["value"])
    assert r.checks[0].verdict == "not checkable" and "no date" in r.checks[0].note
    r = read_article("Trade between Iran and Russia reached $1.6 billion last year.", checks=["value"], year=2020)
    assert r.checks[0].data_year == 2019


def test_sector_amount_not_compared_with_total_trade():
    r = read_article("Chinese imports of Russian oil reached $50 billion in 2019.", checks=["value"])
    c = _check(r, "value", "$50 billion")
    assert c.verdict == "not checkable" and "energy only" in c.note
