"""Article reading without data: input, encoding, HTML, sentences, mentions, pairs, claim extraction.

The checks against data are in test_article_checks.py; the command in test_article_cli.py.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from tradegap.article import ArticleReading, article_year, read_article, read_file
from tradegap.article.claims import extract_claims, find_amounts
from tradegap.article.mentions import find_dateline, find_mentions, score_pairs
from tradegap.article.text import html_to_text, prepare, read_source, split_sentences
from tradegap.errors import InputError

ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ARTICLES / "iran-russia-ties-2022.txt"


def _extract(text: str):
    art = prepare(text)
    sents = split_sentences(art.text)
    mentions = find_mentions(art.text, sents)
    return art, sents, mentions, extract_claims(art.text, sents, mentions)


@pytest.fixture(scope="module")
def seed() -> ArticleReading:
    return read_file(SEED, checks=False)


def _claim(reading: ArticleReading, kind: str, contains: str):
    hits = [c for c in reading.claims if c.kind == kind and contains in c.quote]
    assert hits, f"no {kind} claim containing {contains!r}; claims: {[(c.kind, c.quote) for c in reading.claims]}"
    return hits[0]


# --------------------------------------------------------------------------- input
def test_seed_is_read_with_attribution_kept():
    text = SEED.read_text(encoding="utf-8")
    assert "Mehr News Agency" in text and "Creative Commons Attribution 4.0" in text


def test_encoding_detected_for_cp1252_html():
    art = read_source(ARTICLES / "caspian-neighbours.html")
    assert art.was_html
    assert art.encoding.lower().replace("-", "").replace("_", "") in {"cp1252", "windows1252", "latin1", "iso88591"}
    assert "Café owners in Tehran" in art.text
    assert art.title == "Caspian neighbours eye more trade"
    # script and style are dropped, entities decoded
    assert "tracking" not in art.text and "font-family" not in art.text
    assert "TEHRAN — Iran and Russia" in art.text
    assert "“Bilateral trade can be increased considerably,”" in art.text


def test_html_to_text_keeps_blocks_apart():
    text, title = html_to_text("<html><head><title>T</title></head><body><p>One.</p><p>Two<br>three</p></body></html>")
    assert title == "T"
    assert text.split("\n\n") == ["One.", "Two", "three"]


def test_stdin_and_stream_input(monkeypatch):
    data = "MOSCOW — Russia and Iran signed a deal.".encode("utf-16")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    art = read_source("-")
    assert art.origin == "<stdin>" and art.encoding == "utf-16" and art.text.startswith("MOSCOW")
    assert read_source(io.BytesIO(b"Iran and Russia")).text == "Iran and Russia"


def test_missing_file_and_binary_input_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="year"):
        read_article("Iran and Russia", year=1700)


def test_sentences_have_spans_and_skip_abbreviations():
    text = "Mr. Putin met Dr. Raisi in the U.S. embassy. Trade rose 2.5% in 2019! Was it? Yes."
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Mr. Putin met Dr. Raisi in the U.S. embassy.", "Trade rose 2.5% in 2019!", "Was it?", "Yes."
    ]
    for s in sents:
        assert text[s.start : s.end] == s.text


# --------------------------------------------------------------------------- mentions and pairs
def test_seed_main_pair_is_iran_russia_with_score(seed):
    assert seed.main_pair == ("IRN", "RUS")
    best = seed.pairs[0]
    assert best.score == 3 * best.same_sentence + min(best.mentions_a, best.mentions_b)
    assert best.same_sentence >= 10
    assert all(p.score < best.score for p in seed.pairs[1:])


def test_seed_mentions_by_every_kind_with_spans(seed):
    kinds = {(m.iso3, m.kind) for m in seed.mentions}
    assert {("IRN", "dateline"), ("IRN", "demonym"), ("RUS", "demonym"), ("IRN", "capital"), ("RUS", "capital")} <= kinds
    text = seed.article.text
    for m in seed.mentions:
        assert text[m.start : m.end] == m.surface
        s = seed.sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end
    # the newspaper "Tehran Times" and the venue "Vienna talks" are not country metonyms
    surfaces = [(m.surface, text[m.end : m.end + 6]) for m in seed.mentions]
    assert ("Tehran", " Times") not in surfaces
    assert ("Vienna", " talks") not in surfaces


def test_dateline_variants():
    assert find_dateline("TEHRAN — Iran said")[0] == "TEHRAN"
    assert find_dateline("MOSCOW, Jan 14 (Reuters) - Russia said")[0] == "MOSCOW"
    assert find_dateline("Headline\n\nNEW DELHI — India said")[0] == "NEW DELHI"
    assert find_dateline("Iran said on Monday — nothing") is None


def test_false_positives_are_skipped():
    text = (
        "Michael Jordan and Chad Smith flew from Atlanta, Georgia. Fine china clay and bone China were sold; "
        "a Turkey dinner and Guinea pigs too. New Mexico is a state. The Indian Ocean is big. "
        "The Paris Agreement was signed. Latin America grows."
    )
    sents = split_sentences(text)
    assert find_mentions(text, sents) == []


def test_true_positives_next_to_the_rules():
    text = (
        "Jordan and Georgia signed a deal with Chad. King Abdullah of Jordan met the Georgian minister in Tbilisi. "
        "China and Turkey trade. Papua New Guinea exports gas. The Kremlin and the White House talked. "
        "US exports to the UK rose."
    )
    sents = split_sentences(text)
    found = [m.iso3 for m in find_mentions(text, sents)]
    for code in ("JOR", "GEO", "TCD", "CHN", "TUR", "PNG", "RUS", "USA", "GBR"):
        assert code in found, code
    assert found.count("JOR") == 2 and found.count("GEO") == 3


def test_several_countries_pairs_listed():
    r = read_file(ARTICLES / "several-countries.txt", checks=False)
    assert r.main_pair == ("IRN", "RUS")
    codes = set(r.countries)
    assert {"IRN", "RUS", "CHN", "TUR"} <= codes
    assert not {"JOR", "TCD", "GEO", "GIN"} & codes  # Michael Jordan, Chad Smith, Atlanta, Georgia; Guinea pig
    pairs = {(p.a, p.b) for p in r.pairs}
    assert {("CHN", "IRN"), ("IRN", "TUR")} <= pairs
    # published March 3, 2020: the data year is 2019, the last complete year before publication
    assert r.year == 2019 and r.published == dt.date(2020, 3, 3) and "March 3, 2020" in r.year_note
    assert "last complete year before publication" in r.year_note


def test_score_pairs_weights_same_sentence():
    from tradegap.article.mentions import Mention

    ms = [Mention("AAA", "A", "name", 0, 1, 0), Mention("BBB", "B", "name", 2, 3, 0),
          Mention("CCC", "C", "name", 4, 5, 1), Mention("CCC", "C", "name", 6, 7, 2), Mention("AAA", "A", "name", 8, 9, 3)]
    scores = {(p.a, p.b): p.score for p in score_pairs(ms)}
    assert scores[("AAA", "BBB")] == 3 + 1
    assert scores[("AAA", "CCC")] == 0 + 2


def test_no_country_reading_and_message():
    r = read_file(ARTICLES / "no-country.txt")
    assert r.mentions == () and r.main_pair is None and r.checks == ()
    assert "No country" in r.messages[0]
    with pytest.raises(InputError, match="No country is mentioned"):
        r.require_countries()


# --------------------------------------------------------------------------- amounts
@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("trade reached $2 billion", 2e9, "USD"),
        ("trade reached 40 billion dollars", 40e9, "USD"),
        ("exports were €3.5bn", 3.5e9, "EUR"),
        ("imports of 2 trillion rials", 2e12, "IRR"),
        ("worth 1,200 million dollars", 1.2e9, "USD"),
        ("worth US$ 300m", 3e8, "USD"),
        ("worth USD 2.5 billion", 2.5e9, "USD"),
        ("worth two billion euros", 2e9, "EUR"),
        ("worth £40 million", 40e6, "GBP"),
        ("worth 15 billion yuan", 15e9, "CNY"),
        ("worth C$5bn", 5e9, "CAD"),
    ],
)
def test_amounts_parsed_with_currency_and_scale(text, amount, currency):
    found = find_amounts(text)
    assert len(found) == 1
    assert found[0]["amount"] == pytest.approx(amount)
    assert found[0]["currency"] == currency


def test_quantities_and_prices_are_not_money():
    assert find_amounts("Russia shipped 1.2 million tonnes of wheat") == []
    assert find_amounts("oil at $70 a barrel") == []
    _, _, _, claims = _extract("Russia exported 1.2 million tonnes of wheat to Iran in 2019.")
    assert [c.kind for c in claims if c.kind in ("amount", "quantity")] == ["quantity"]


def test_value_claim_direction_year_and_span():
    text = "MOSCOW, March 3, 2020 — Russia exported $5 billion of goods to Iran in 2019, an official said."
    art, _, _, claims = _extract(text)
    c = [c for c in claims if c.kind == "amount"][0]
    assert c.check == "value"
    assert c.details["direction"] == "a>b" and (c.details["exporter"], c.details["importer"]) == ("RUS", "IRN")
    assert c.details["year"] == 2019  # not the dateline's 2020
    assert c.details["amount"] == 5e9 and c.details["currency"] == "USD"
    assert art.text[c.start : c.end] == c.quote and c.quote.startswith("Russia exported $5 billion")


def test_import_direction_and_total():
    _, _, _, claims = _extract("Iran's imports from Russia were worth 1,200 million dollars in 2019.")
    c = claims[0]
    assert (c.details["exporter"], c.details["importer"]) == ("RUS", "IRN")
    _, _, _, claims = _extract("Trade between Iran and Russia reached $2.2 billion in 2019.")
    assert claims[0].details["direction"] == "total"


def test_growth_claims_signed():
    _, _, _, claims = _extract("Trade between China and Iran fell 35% in 2019. Exports to Iran rose by 12 percent.")
    growth = [c.details["growth_pct"] for c in claims if c.kind == "growth"]
    assert growth == [-35.0, 12.0]


def test_investment_amount_not_a_trade_value():
    _, _, _, claims = _extract("A Russian bank opened a $300m credit line for Iranian importers.")
    assert [c.kind for c in claims] == ["other_amount"]
    assert claims[0].check == "none"


# --------------------------------------------------------------------------- claims of the seed (Must show)
def test_seed_claim_small_countries_is_a_peer_check(seed):
    c = _claim(seed, "comparison", "some small countries")
    assert c.check == "peer"
    assert c.quote == "The volume of trade between Iran and Russia is the same as Russia's trade with some small countries"
    assert seed.article.text[c.start : c.end] == c.quote


def test_seed_claim_sectors(seed):
    c = _claim(seed, "sector", "advanced technologies and aerospace")
    assert c.check == "sector"
    assert c.details["sectors"] == ("advanced_technology", "aerospace")


def test_seed_claims_sanctions_and_caspian(seed):
    s = _claim(seed, "sanctions", "unilateral sanctions on Iran")
    assert s.check == "sanctions" and s.details["target"] == "IRN"
    c = _claim(seed, "contiguity", "Caspian Sea")
    assert c.check == "contiguity" and c.details["sea"] is True
    assert c.quote == "Iran and Russia are neighbors through the Caspian Sea"


def test_seed_claim_index_can_be_increased(seed):
    c = _claim(seed, "potential", "this index can be increased considerably")
    assert c.check == "potential"
    assert c.quote == "this index can be increased considerably"
    assert _claim(seed, "potential", "not commensurate with the high capacities").check == "potential"
    assert _claim(seed, "agreement", "agreements would be signed").check == "scenario"


def test_article_year_rules():
    assert article_year("MOSCOW, March 3, 2020 — x")[0] == 2020
    assert article_year("Published 2019-05-02. Trade")[0] == 2019
    assert article_year("TEHRAN — According to the Russian state TV")[0] is None


def test_encoding_detected_without_declaration():
    text = "Iran\u2013Russia trade: caf\u00e9 owners in Tehran say exports to Moscow rose 5% in 2019, \u201cnotably\u201d wheat."
    art = prepare(text.encode("cp1252"))
    assert art.text == text
    assert art.encoding != "utf-8"


def test_direction_follows_the_nearest_verb():
    text = (
        "China's exports to the United States fell 12.5% in 2019, while Chinese imports of Russian oil rose 10% "
        "to $50 billion in 2019. Russia exported wheat to Iran, and total trade reached $2 billion in 2019."
    )
    _, _, _, claims = _extract(text)
    by_trigger = {c.trigger: c.details for c in claims if c.kind in ("amount", "growth")}
    assert (by_trigger["12.5%"]["exporter"], by_trigger["12.5%"]["importer"]) == ("CHN", "USA")
    assert (by_trigger["10%"]["exporter"], by_trigger["10%"]["importer"]) == ("RUS", "CHN")
    assert by_trigger["$50 billion"]["sectors"] == ("energy",)  # oil only: not compared with total trade
    assert by_trigger["$2 billion"]["direction"] == "total"


def test_long_article_is_fast():
    """A few hundred KB (the seed 100 times, 380 KB) is read in seconds: one regex pass, per-sentence rules."""
    import time

    big = "\n\n".join([SEED.read_text(encoding="utf-8")] * 100)
    t0 = time.perf_counter()
    r = read_article(big, checks=False)
    elapsed = time.perf_counter() - t0
    n = len(read_file(SEED, checks=False).mentions)
    assert len(r.mentions) == 100 * (n - 1) + 1  # the dateline counts once, at the top
    assert elapsed < 30  # ~2 s on a quiet core; generous for a shared CI machine


def test_ranges_other_dollars_and_small_amounts():
    assert find_amounts("worth $2-3 billion")[0]["amount"] == pytest.approx(2.5e9)
    assert find_amounts("worth 5 billion Canadian dollars")[0]["currency"] == "CAD"
    _, _, _, claims = _extract("Iran's exports to Russia were priced at $40 each in 2019.")
    assert [c.kind for c in claims] == ["other_amount"]
    text = "The Niger Delta, the Jordan River and the Indian Ocean matter. Niger and Jordan trade."
    found = [m.iso3 for m in find_mentions(text, split_sentences(text))]
    assert found == ["NER", "JOR"]


def test_country_before_institution_words_is_kept():
    text = "The Jordan Foreign Ministry and Israeli Foreign Ministry met India Customs; Kenya Airways flew."
    found = [m.iso3 for m in find_mentions(text, split_sentences(text))]
    assert found == ["JOR", "ISR", "IND", "KEN"]
