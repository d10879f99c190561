"""Trade claims in an article: find them with patterns, classify them by the check tradegap can run.

A *claim* is a clause of a sentence that states or compares trade: an amount
of money, a growth rate, a comparison with other partners, a sector, a
sanction, neighbourhood, an agreement or a statement about potential.  Each
claim is quoted with its character span and gets the one check that can
answer it (:data:`CHECK_OF_KIND`).  Nothing here becomes data: the amount a
claim states is parsed only to be compared with the data.

Rules (documented here, tested in ``tests/test_article_claims.py``):

* amounts are a currency (symbol or word: ``$``, ``US$``, ``€``, ``£``,
  ``₽``, ``USD``, "dollars", "euros", "rials" …) with a number and optional
  scale (thousand/k, million/mn/m, billion/bn/b, trillion/tn); ``$`` alone is
  read as US dollars, ``C$``/``A$``/``HK$`` … are not;
* quantities (tonnes, barrels, cubic metres …) are noted as claims that cannot
  be checked (tradegap holds values, not volumes);
* money and growth count as trade claims only in a sentence with a trade word
  (trade, export, import, turnover, commerce …); potential statements may
  refer to the previous sentence ("this index can be increased") and so also
  count when that sentence is about trade;
* the quoted span is the clause holding the trigger (cut at ``;``, ``:``, a
  dash, curly quotation marks, or a comma followed by a conjunction such as
  "while", "but", "and this").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Any, Final

from tradegap.article.mentions import Mention
from tradegap.article.text import Sentence

#: The check run for each kind of claim.
CHECK_OF_KIND: Final[dict[str, str]] = {
    "amount": "value",
    "growth": "growth",
    "comparison": "peer",
    "share": "peer",
    "potential": "potential",
    "sector": "sector",
    "sanctions": "sanctions",
    "contiguity": "contiguity",
    "agreement": "scenario",
    "target": "target",
    "rank": "peer",
    "quantity": "none",
    "other_amount": "none",
}

# --------------------------------------------------------------------------- vocabulary
TRADE_CONTEXT = re.compile(
    r"\b(?:trad(?:e|es|ing|ed)|exports?|exported|exporting|imports?|imported|importing|turnover|commerce|"
    r"commercial|shipments?|shipped|bilateral|sales|purchases|deliver(?:y|ies|ed)|supplied|sold|bought|"
    r"exporters?|importers?)\b",
    re.I,
)
ECONOMY_CONTEXT = re.compile(r"\b(?:econom\w*|trad(?:e|ing)|business|cooperation|industr\w*|investment)\b", re.I)
#: Words that make a one-country sentence about the pair ("bilateral trade", "the two countries").
BILATERAL = re.compile(r"\b(?:bilateral|mutual|two countries|two sides|both countries|between them)\b", re.I)
NOT_TRADE_MONEY = re.compile(
    r"\b(?:invest\w*|loans?|credit(?: line)?s?|debt|budget|aid|grant|deal worth|contract|funds?|"
    r"reserves|assets|capital|spending|GDP|market cap\w*)\b",
    re.I,
)

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM: Final[dict[str, float]] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "half a": 0.5,
}
_NUMX = rf"(?:{_NUM}|(?:half a|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred)(?=\s+(?:thousand|million|billion|trillion)))"
SCALES: Final[dict[str, float]] = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}
_SCALE = r"(?:thousand|million|billion|trillion|mln|bln|trn|mn|bn|tn|k|m|b)"
_CUR_PRE: Final[dict[str, str]] = {
    "US$": "USD", "U.S.$": "USD", "USD": "USD", "$": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP",
    "GBP": "GBP", "¥": "JPY/CNY", "₽": "RUB", "RUB": "RUB", "CNY": "CNY", "RMB": "CNY", "₹": "INR",
    "INR": "INR", "C$": "CAD", "A$": "AUD", "HK$": "HKD", "NZ$": "NZD", "S$": "SGD", "IRR": "IRR",
}
_CUR_POST: Final[dict[str, str]] = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "sterling": "GBP", "yuan": "CNY", "renminbi": "CNY",
    "ruble": "RUB", "rouble": "RUB", "rial": "IRR", "riyal": "SAR", "rupee": "INR", "yen": "JPY",
    "lira": "TRY", "dirham": "AED", "usd": "USD", "eur": "EUR", "gbp": "GBP", "cny": "CNY", "rub": "RUB",
    "irr": "IRR", "jpy": "JPY", "try": "TRY",
}
_PRE_ALT = "|".join(re.escape(k) for k in sorted(_CUR_PRE, key=len, reverse=True))
#: A range's second number: "$3-4 billion", "$3–4bn", "$3 to $4 billion", "3 billion to 4 billion dollars".
_RANGE = rf"(?:(?:\s?[-–—]\s?|\s+to\s+)(?:{_PRE_ALT})?(?P<num2>{_NUM}))?"
#: Between a number and its scale: nothing, a space or a hyphen ("$25-billion", "25-billion-dollar").
_SEP = r"[\s-]?"
#: The first number's own scale, only before a range ("$3 billion to $4 billion").
_SCALE1 = rf"(?:{_SEP}(?P<scale1>{_SCALE})\b(?=\s+to\s+(?:{_PRE_ALT})?\d|\s?[-–—]\s?(?:{_PRE_ALT})?\d))?"
AMOUNT_PRE = re.compile(
    rf"(?<![\w$])(?P<cur>{_PRE_ALT})\s?(?P<num>{_NUMX}){_SCALE1}{_RANGE}(?:{_SEP}(?P<scale>{_SCALE})\b)?", re.I
)
AMOUNT_POST = re.compile(
    rf"(?<![\w.,])(?P<num>{_NUMX}){_SCALE1}{_RANGE}(?:{_SEP}(?P<scale>{_SCALE})\b)?[\s-]+(?:of\s+)?"
    r"(?P<cur>(?:(?:US|U\.S\.|American|Canadian|Australian|Hong Kong|Singapore|New Zealand|Taiwan)\s+)?dollars?|"
    r"euros?|pounds?(?: sterling)?|yuan|renminbi|"
    r"rubles?|roubles?|rials?|riyals?|rupees?|yen|liras?|dirhams?|USD|EUR|GBP|CNY|RUB|IRR|JPY|TRY)\b",
    re.I,
)
QUANTITY = re.compile(
    rf"(?<![\w$€£.,])(?P<num>{_NUMX})(?:\s?(?P<scale>{_SCALE})\b)?\s+(?:metric\s+)?"
    r"(?P<unit>tonnes|tons|tonne|ton|barrels|barrels per day|bpd|cubic met(?:er|re)s|bcm|kilograms|kg|"
    r"litres|liters|units|vehicles|heads?)\b",
    re.I,
)
PERCENT = re.compile(rf"(?P<num>{_NUM})\s?(?:%|per\s?cent\b|percent\b|pct\b)", re.I)
UP_WORDS = re.compile(
    r"\b(?:rose|risen|rise|rising|increased?|increasing|grew|grown|grow(?:ing|th)?|up|jumped|climbed|surged|"
    r"expanded|gained|soared|higher)\b",
    re.I,
)
DOWN_WORDS = re.compile(
    r"\b(?:fell|fallen|fall(?:ing)?|dropped|drop|declined?|declining|decreased?|down|slumped|shrank|"
    r"shrunk|contracted|plunged|lower|slid)\b",
    re.I,
)
MULTIPLE = re.compile(r"\b(?P<word>doubled|tripled|trebled|halved)\b", re.I)
YEAR = re.compile(r"(?<![\d,.$€£])(?P<year>19[6-9]\d|20[0-4]\d)(?![\d%])")
#: "5% of Iran's trade", "12 percent of Russia’s total imports": a partner's share of a country's trade.
SHARE = re.compile(
    rf"(?P<num>{_NUM})\s?(?:%|per\s?cent\b|percent\b)\s+of\s+(?:the\s+)?(?P<of>[A-Z][\w]+)(?:'s|’s)\s+"
    r"(?:total\s+|foreign\s+|overall\s+)?(?:trade|exports|imports|trade turnover)\b"
)
COMPARISON = re.compile(
    r"\b(?:the same as|similar to|comparable (?:to|with)|on a par with|(?:less|more|lower|higher|smaller|bigger|"
    r"larger|greater) than|compared (?:to|with)|as (?:much|little|large|small) as|equal to|equivalent to)\b"
    r"[^.;]{0,80}?\btrad(?:e|ing)\b"
    r"|\b(?:largest|biggest|top|main|leading|major|\d+(?:st|nd|rd|th)[- ]largest)\s+(?:\w+\s+)?trad(?:e|ing) partners?\b"
    r"|\btrad(?:e|ing) partners?\b[^.;]{0,40}?\b(?:ranks?|ranked|ranking)\b"
    r"|\branks?\s+\w+\s+among\b[^.;]{0,40}?\bpartners\b",
    re.I,
)
POTENTIAL = re.compile(
    r"\b(?:(?:can|could|should|must|may|might) be (?:\w+ )?(?:increased|expanded|enhanced|boosted|raised|doubled|"
    r"tripled|multiplied|improved|deepened|developed)(?: \w+ly)?"
    r"|(?:not|far from) commensurate with(?: the)?(?: \w+){0,3}? (?:capacit(?:y|ies)|potential)"
    r"|(?:not|far from) commensurate with"
    r"|(?:needs?|has) to be (?:enhanced|increased|expanded|boosted|improved)"
    r"|untapped (?:potential|capacit\w+|opportunit\w+)"
    r"|(?:great|huge|large|enormous|vast|big|considerable|significant|high|very large) (?:potential|capacit(?:y|ies))"
    r"(?! to be\b)"
    r"|(?:below|under|short of) (?:its|their|the) potential|room (?:to grow|for growth|for expansion)"
    r"|potential (?:for|of) (?:trade|growth|expansion))",
    re.I,
)
#: Potential statements that say trade can or should grow (these also get the GE scenario hint).
INCREASE = re.compile(
    r"\b(?:increased|expanded|enhanced|boosted|raised|doubled|tripled|multiplied|improved|deepened|developed|"
    r"grow|growth|expansion)\b",
    re.I,
)
SANCTIONS = re.compile(r"\b(?:sanction\w*|embargo\w*|restrictive measures|blacklist\w*|export controls)\b", re.I)
SANCTION_TARGET = re.compile(r"\b(?:sanction\w*|embargo\w*)\s+(?:imposed\s+)?(?:on|against|targeting)\s+$", re.I)
CONTIGUITY = re.compile(
    r"\b(?:neighbou?r(?:s|ing|ed)?|share[sd]? (?:a |the )?(?:land )?border|border(?:s|ing|ed)? (?:with|on)|"
    r"adjacent|contiguous|littoral|(?:Caspian|Black|Baltic|Mediterranean|Red|Arabian) Sea)\b",
    re.I,
)
AGREEMENT = re.compile(
    r"\b(?:free[- ]trade (?:agreement|area|zone|deal|pact)s?|FTAs?|preferential trade (?:agreement|arrangement)s?|"
    r"PTAs?|customs union|Eurasian Economic Union|EAEU|EEU|trade (?:agreement|deal|pact)s?|"
    r"(?:economic|industrial|commercial|trade)(?: and (?:economic|industrial|commercial|trade))? "
    r"(?:agreements?|accords?|deals?|pacts?))\b",
    re.I,
)
#: Sector words → the sector key they name (see tradegap.sectors.SECTORS for the data side).
SECTOR_WORDS: Final[dict[str, re.Pattern[str]]] = {
    "advanced_technology": re.compile(
        r"\b(?:advanced technolog\w*|high[- ]tech\w*|high technolog\w*|hi-tech|semiconductors?|electronics)\b", re.I
    ),
    "aerospace": re.compile(r"\b(?:aerospace\w*|aircraft|aviation|airplanes?|aeroplanes?|space industr\w*)\b", re.I),
    "energy": re.compile(
        r"\b(?:energy|(?<!sunflower )(?<!palm )(?<!olive )(?<!vegetable )(?<!cooking )(?<!edible )oil|petroleum|natural gas|gas|LNG|crude|nuclear power|electricity|coal|fuels?)\b", re.I
    ),
    "agriculture": re.compile(
        r"\b(?:agricultur\w*|agri-?food|wheat|grains?|cereals?|foodstuffs?|food products|farm products)\b", re.I
    ),
    "machinery": re.compile(r"\b(?:machinery|machine tools|industrial equipment)\b", re.I),
    "vehicles": re.compile(r"\b(?:automo\w+|motor vehicles|cars|trucks)\b", re.I),
    "chemicals": re.compile(r"\b(?:chemicals?|petrochemicals?|fertili[sz]ers?|pharmaceuticals?)\b", re.I),
    "metals": re.compile(r"\b(?:steel|iron ore|metals?|alumin(?:i)?um|copper)\b", re.I),
    "arms": re.compile(r"\b(?:arms|weapons?|military (?:equipment|hardware)|defen[cs]e industr\w*|drones?)\b", re.I),
}


@dataclass(frozen=True)
class Claim:
    """One claim of the article.

    Attributes
    ----------
    id
        1-based number in text order.
    kind
        What it states: amount, growth, share, comparison, potential, sector, sanctions,
        contiguity, agreement, quantity or other_amount.
    check
        The check that answers it (:data:`CHECK_OF_KIND`).
    quote
        The clause as written.
    start, end
        Character span of ``quote`` in the article text.
    trigger
        The words that made it a claim (e.g. ``"$5 billion"``).
    sentence
        Index of the sentence.
    countries
        ISO3 codes mentioned in the sentence, in order of first mention.
    clause_countries
        Those mentioned inside the quoted clause.
    details
        What was parsed for the check (amount, currency, scale, year, direction,
        sectors, target …); the article's numbers live only here and are only compared.
    """

    id: int
    kind: str
    check: str
    quote: str
    start: int
    end: int
    trigger: str
    sentence: int
    countries: tuple[str, ...]
    details: dict[str, Any] = field(default_factory=dict)
    clause_countries: tuple[str, ...] = ()


# --------------------------------------------------------------------------- parsing helpers
def parse_number(num: str) -> float:
    """``"1,200.5"`` → 1200.5; number words ("two", "half a") → their value."""
    key = num.strip().lower()
    if key in _WORDNUM:
        return float(_WORDNUM[key])
    return float(key.replace(",", ""))


_DOLLAR_QUALIFIER: Final[dict[str, str]] = {
    "canadian": "CAD", "australian": "AUD", "hong kong": "HKD", "singapore": "SGD", "new zealand": "NZD",
    "taiwan": "TWD",
}


def _currency_post(word: str) -> str:
    low = word.lower()
    for q, code in _DOLLAR_QUALIFIER.items():
        if low.startswith(q):
            return code
    w = word.lower().replace("u.s. ", "").replace("us ", "").replace("american ", "").strip()
    w = re.sub(r"(?:e?s)$", "", w) if w not in ("usd", "eur", "gbp", "cny", "rub", "irr", "jpy", "try") else w
    w = {"pounds sterling": "pound", "pound sterling": "pound", "lira": "lira"}.get(w, w)
    for k, v in _CUR_POST.items():
        if w.startswith(k):
            return v
    return word.upper()


def find_amounts(sentence: str) -> list[dict[str, Any]]:
    """Money amounts in a sentence: ``[{start, end, text, amount, currency, scale, low, high}]``.

    Offsets are in the sentence.  ``amount`` is in currency units (scale applied;
    a range's midpoint), ``low``/``high`` the range ("$3–4 billion") or the amount
    twice; ``scale`` is the factor.  Linear in the sentence length.
    """
    pre: list[dict[str, Any]] = []
    post: list[dict[str, Any]] = []
    for rx, is_pre, out in ((AMOUNT_PRE, True, pre), (AMOUNT_POST, False, post)):
        starts = [d["start"] for d in pre]
        for m in rx.finditer(sentence):
            if not is_pre:  # a post-currency match overlapping a prefix one ("$2 billion dollars") is dropped
                k = bisect.bisect_right(starts, m.start()) - 1
                if (k >= 0 and pre[k]["end"] > m.start()) or (k + 1 < len(pre) and pre[k + 1]["start"] < m.end()):
                    continue
            num = parse_number(m.group("num"))
            scale_word = (m.group("scale") or m.group("scale1") or "").lower()
            scale = SCALES.get(scale_word, 1.0)
            low = high = num * SCALES.get((m.group("scale1") or scale_word).lower(), 1.0)
            if m.group("num2"):  # a range ("$2-3 billion"): checked as a range, its midpoint shown
                high = parse_number(m.group("num2")) * scale
                num = (low + high) / 2.0 / scale
            if is_pre:
                cur_text = m.group("cur")
                currency = _CUR_PRE.get(cur_text, _CUR_PRE.get(cur_text.upper(), cur_text.upper()))
            else:
                currency = _currency_post(m.group("cur"))
            if is_pre and not scale_word and num < 1000 and m.group("cur") in ("$",) and _PRICE_AFTER.match(
                sentence, m.end()
            ):
                continue  # prices ("$70 a barrel")
            out.append(
                {"start": m.start(), "end": m.end(), "text": m.group(), "amount": num * scale,
                 "currency": currency, "scale": scale, "scale_word": scale_word,
                 "low": min(low, high), "high": max(low, high)}
            )
    merged = pre + post
    merged.sort(key=lambda d: d["start"])
    return merged


_PRICE_AFTER = re.compile(r"\s*(?:per|a|/)\b")
#: Where a clause ends inside a sentence.
_CUT = re.compile(r";|:\s|\s[—–]\s|[“”]|,\s+(?=(?:while|whereas|but|although|though|and this|which)\b)")
_LEAD = re.compile(r"[^,]{0,40},\s+")
#: Longest quote kept: a longer clause is cut at commas around the trigger, then to a window.
MAX_QUOTE: Final[int] = 320


def _clause(
    text: str, sent: Sentence, s: int, e: int, cuts: tuple[list[int], list[int]] | None = None
) -> tuple[int, int]:
    """Expand ``[s, e)`` (absolute) to its clause inside the sentence.

    ``cuts`` are the sentence's clause boundaries (relative starts and ends of
    :data:`_CUT` matches), computed once per sentence; the lookup is a binary
    search, so the cost does not grow with the sentence.
    """
    body = sent.text
    rs, re_ = s - sent.start, e - sent.start
    if cuts is None:
        found = list(_CUT.finditer(body))
        cuts = ([m.start() for m in found], [m.end() for m in found])
    starts, ends = cuts
    k = bisect.bisect_right(ends, rs) - 1
    left = ends[k] if k >= 0 else 0
    # a leading adverbial phrase ending with a comma ("Through careful planning, ...")
    lead = _LEAD.match(body, left, rs)
    if lead and not re.search(r"\d", lead.group()) and not TRADE_CONTEXT.search(lead.group()):
        left = lead.end()
    j = bisect.bisect_left(starts, re_)
    right = starts[j] if j < len(starts) else len(body)
    if right - left > MAX_QUOTE:  # a run-on sentence: the comma-delimited part around the trigger
        c0 = body.rfind(",", max(left, rs - MAX_QUOTE // 2), rs)
        c1 = body.find(",", re_, min(right, re_ + MAX_QUOTE // 2))
        left = c0 + 1 if c0 >= 0 else max(left, rs - MAX_QUOTE // 2)
        right = c1 if c1 >= 0 else min(right, re_ + MAX_QUOTE // 2)
    quote = body[left:right]
    ltrim = len(quote) - len(quote.lstrip(" ,\"“”'"))
    quote_r = quote.rstrip(" .,;:\"“”'")
    return sent.start + left + ltrim, sent.start + left + max(len(quote_r), ltrim)


_DATE_BEFORE = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+$|\d{1,2}\s+[A-Z][a-z]+\.?,?\s+$"
)
_YEAR_PREP = re.compile(r"\b(?:in|during|for|of|since|by|year|fiscal|FY|from|to|until)\s+$", re.I)
_RELATIVE_YEAR = re.compile(r"\b(?P<which>last|previous|past|this|current)\s+year\b|\ba year (?:earlier|ago)\b", re.I)


def _relative_year(text: str) -> int | None:
    """``-1`` for "last year"/"a year earlier", ``0`` for "this year", else ``None``."""
    m = _RELATIVE_YEAR.search(text)
    if not m:
        return None
    which = (m.group("which") or "last").lower()
    return 0 if which in ("this", "current") else -1


_FLOW_VERB = re.compile(r"\b(export\w*|sold|sells?|supplied|shipped|deliver\w*|import\w*|bought|purchased)\b", re.I)
_TOTAL_WORDS = re.compile(r"\b(?:total|bilateral|turnover|overall|two-way|volume|trade between)\b", re.I)
_TO_PREP = re.compile(r"\b(?:to|into)\s+(?:\w+\s+){0,2}$")
_FROM_PREP = re.compile(r"\b(?:from|of)\s+(?:\w+\s+){0,2}$")
#: How many flow verbs on each side of an amount are tried for its direction.
_VERBS_TRIED: Final[int] = 4


class SentenceIndex:
    """Per-sentence lookups computed once, so every claim in the sentence costs O(log n).

    Holds the years (with "in 2019"-style preference), the flow verbs, the
    country mentions (relative positions), the clause cuts and sentence-wide
    flags ("bilateral", "last year").
    """

    def __init__(self, sent: Sentence, mentions: list[Mention]) -> None:
        body = sent.text
        self.sent = sent
        pref: list[tuple[int, int]] = []
        other: list[tuple[int, int]] = []
        for m in YEAR.finditer(body):
            before = body[max(0, m.start() - 20) : m.start()]
            if _DATE_BEFORE.search(before):
                continue
            (pref if _YEAR_PREP.search(before) else other).append((m.start(), int(m.group("year"))))
        self.pref, self.other = pref, other
        self.pref_pos = [p for p, _ in pref]
        self.other_pos = [p for p, _ in other]
        self.verbs = list(_FLOW_VERB.finditer(body))
        self.verb_pos = [v.start() for v in self.verbs]
        local = sorted((m.start - sent.start, m.iso3) for m in mentions)
        self.m_pos = [p for p, _ in local]
        self.m_iso = [c for _, c in local]
        found = list(_CUT.finditer(body))
        self.cuts = ([m.start() for m in found], [m.end() for m in found])
        #: Positions of words that can make an amount a period, a sum, a target or a forecast.
        self.hint_pos = [m.start() for m in _HINT.finditer(body)]
        #: Sector word spans, per sector.
        self.sector_pos = {k: [m.start() for m in rx.finditer(body)] for k, rx in SECTOR_WORDS.items()}
        self.relative_year = _relative_year(body)
        self.bilateral = bool(BILATERAL.search(body))

    def hinted(self, a: int, b: int) -> bool:
        """Whether a period/sum/target/forecast word lies in ``[a, b)``."""
        k = bisect.bisect_left(self.hint_pos, a)
        return k < len(self.hint_pos) and self.hint_pos[k] < b

    def sectors(self, a: int, b: int) -> tuple[str, ...]:
        """Sectors named in ``[a, b)``, in :data:`SECTOR_WORDS` order."""
        out = []
        for key, positions in self.sector_pos.items():
            k = bisect.bisect_left(positions, a)
            if k < len(positions) and positions[k] < b:
                out.append(key)
        return tuple(out)

    def year_near(self, pos: int) -> int | None:
        """The year a number at ``pos`` refers to: the nearest year, a year after "in"/"of"/"by" … counting
        60 characters nearer.  Years that are part of a full date ("March 3, 2020") are skipped."""
        best: tuple[float, int] | None = None
        for positions, items, penalty in ((self.pref_pos, self.pref, 0), (self.other_pos, self.other, 60)):
            k = bisect.bisect_left(positions, pos)
            for j in (k - 1, k):
                if 0 <= j < len(items):
                    d = abs(items[j][0] - pos) + penalty
                    if best is None or d < best[0] or (d == best[0] and items[j][0] < pos):
                        best = (d, items[j][1])
        return best[1] if best else None

    def _mention_after(self, end: int, rx: re.Pattern[str], limit: int = 6) -> str | None:
        body = self.sent.text
        k = bisect.bisect_right(self.m_pos, end - 1)
        for j in range(k, min(k + limit, len(self.m_pos))):
            p = self.m_pos[j]
            if p > end and rx.search(body, max(0, p - 25), p):
                return self.m_iso[j]
        return None

    def direction(self, rel_pos: int) -> dict[str, Any]:
        """Flow direction of an amount or rate at ``rel_pos`` in the sentence.

        The flow verb nearest before it (else the first after it) decides:
        "X exported … to Y", "X's exports to Y", "Y imported … from X", "Y's imports of
        X-ian oil".  "Total", "bilateral", "turnover" just before the number, or no verb
        that resolves, mean both directions.

        Returns
        -------
        ``{"direction": "a>b", "exporter": ..., "importer": ...}`` or ``{"direction": "total"}``
        """
        body = self.sent.text
        if _TOTAL_WORDS.search(body, max(0, rel_pos - 50), rel_pos):
            return {"direction": "total"}
        k = bisect.bisect_left(self.verb_pos, rel_pos)
        ordered = self.verbs[max(0, k - _VERBS_TRIED) : k][::-1] + self.verbs[k : k + _VERBS_TRIED]
        for v in ordered:
            verb = v.group(1).lower()
            nb = bisect.bisect_left(self.m_pos, v.start())
            if nb == 0:
                continue
            last_before = self.m_iso[nb - 1]
            if verb.startswith(("export", "sold", "sell", "supplied", "shipped", "deliver")):
                to = self._mention_after(v.end(), _TO_PREP)
                if to and last_before != to:
                    return {"direction": "a>b", "exporter": last_before, "importer": to}
            else:
                src = self._mention_after(v.end(), _FROM_PREP)
                if src and last_before != src:
                    return {"direction": "a>b", "exporter": src, "importer": last_before}
        return {"direction": "total"}


def _year_near(text: str, pos: int) -> int | None:
    """:meth:`SentenceIndex.year_near` for a one-off text (kept for callers outside extraction)."""
    return SentenceIndex(Sentence(0, 0, len(text), text), []).year_near(pos)


# --------------------------------------------------------------------------- what an amount is
_MONTH_NUM: Final[dict[str, int]] = {
    m: i + 1 for i, m in enumerate(
        "january february march april may june july august september october november december".split())
}
_MONTH_NUM.update({k[:3]: v for k, v in list(_MONTH_NUM.items())})
_MONTH_NUM["sept"] = 9
_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ANY = _MONTH_FULL + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_COUNT: Final[dict[str, int]] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}
_QUARTER: Final[dict[str, int]] = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
                                   "4th": 4, "last": 4, "final": 4}
_P_MONTH_RANGE = re.compile(
    rf"\b(?P<m1>{_MONTH_ANY})\.?\s*(?:[-–—]|to|through|till|until|and)\s*(?P<m2>{_MONTH_ANY})\b(?!\s+\d{{1,2}}\b)")
_P_FIRST_N = re.compile(r"\b(?:first|past|last|initial)\s+(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|"
                        r"ten|eleven)\s+months\b", re.I)
_P_N_MONTHS = re.compile(r"\b(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+months\s+"
                         rf"(?:of|to|through|until|ending)\s+(?:(?:the end of\s+)?(?P<to>{_MONTH_FULL})|(?:19|20)\d\d)",
                         re.I)
_P_HALF = re.compile(r"\b(?P<which>first|second)\s+half\b|\b(?P<h>H[12])\b|\bsix months\b", re.I)
_P_QUARTER = re.compile(r"\b(?P<which>first|second|third|fourth|1st|2nd|3rd|4th|last|final)\s+quarter\b"
                        r"|\b(?P<q>Q[1-4])\b", re.I)
_P_MONTH = re.compile(rf"\b(?:in|during|for|of|last)\s+(?P<m>{_MONTH_FULL})\b(?!\s+\d{{1,2}}\b)(?:\s+(?:of\s+)?"
                      r"(?:19|20)\d\d)?(?:\s+alone)?")
_P_YTD = re.compile(r"\b(?:so far this year|this year so far|year[- ]to[- ]date|YTD|since the (?:start|beginning) of "
                    r"(?:the|this) year)\b", re.I)


def _count(word: str) -> int:
    w = word.lower()
    return int(w) if w.isdigit() else _COUNT.get(w, 0)


def find_period(window: str) -> dict[str, Any] | None:
    """A part of a year named in ``window`` ("the first eight months", "Q3", "January–August", "in March").

    Returns
    -------
    ``{"months": (first, last) or None, "label": str}`` (1-based months; ``None`` months
    for "so far this year"), or ``None`` for a calendar year.
    """
    m = _P_MONTH_RANGE.search(window)
    if m:
        a, b = _MONTH_NUM[m["m1"].lower().rstrip(".")[:4].rstrip("t") if m["m1"].lower().startswith("sept") else
                          m["m1"].lower()[:3]], _MONTH_NUM[m["m2"].lower()[:3]]
        if a <= b and (a, b) != (1, 12):
            return {"months": (a, b), "label": m.group().strip()}
    m = _P_FIRST_N.search(window) or _P_N_MONTHS.search(window)
    if m:
        n = _count(m["n"])
        to = m.groupdict().get("to")
        if to:
            last = _MONTH_NUM[to.lower()[:3]]
            first = last - n + 1
            if 1 <= first <= last <= 12 and n < 12:
                return {"months": (first, last), "label": m.group().strip()}
        if 1 <= n < 12:
            first = 1 if "past" not in m.group().lower() and "last" not in m.group().lower() else None
            return {"months": (1, n) if first else None, "label": m.group().strip()}
    m = _P_QUARTER.search(window)
    if m:
        q = int(m["q"][1]) if m["q"] else _QUARTER[m["which"].lower()]
        return {"months": (3 * q - 2, 3 * q), "label": m.group().strip()}
    m = _P_HALF.search(window)
    if m:
        which = (m["which"] or (m["h"] or "H1")[-1]).lower()
        first = which in ("first", "1") or m.group().lower() == "six months"
        return {"months": (1, 6) if first else (7, 12), "label": m.group().strip()}
    m = _P_YTD.search(window)
    if m:
        return {"months": None, "label": m.group().strip()}
    m = _P_MONTH.search(window)
    if m:
        k = _MONTH_NUM[m["m"].lower()[:3]]
        return {"months": (k, k), "label": m.group().strip()}
    return None


_C_LAST_N = re.compile(r"\b(?:over|in|during|for|within|across)\s+the\s+(?:last|past|previous|next|coming)\s+"
                       r"(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+years\b", re.I)
_C_SPAN = re.compile(r"\b(?:between|from)\s+(?P<y0>(?:19|20)\d\d)\s*(?:and|to|through|[-–])\s*(?P<y1>(?:19|20)\d\d)\b"
                     r"|\b(?P<y2>(?:19|20)\d\d)\s*[-–]\s*(?P<y3>(?:19|20)\d\d|\d\d)\b", re.I)
_C_SUM = re.compile(r"\b(?:total(?:l?ed|l?ing|s)?|combined|cumulative(?:ly)?|in all|altogether|aggregate|all told|"
                    r"sum(?:med)?)\b", re.I)
_C_REACH = re.compile(r"\b(?:grew|rose|increased|climbed|jumped|surged|fell|dropped|declined|reached)\s+(?:\w+\s+)?"
                      r"(?:to|from)?\s*$", re.I)


def find_span(before: str, after: str) -> dict[str, Any] | None:
    """A multi-year sum: "over the last three years", "a total of … between 2015 and 2019".

    ``before``/``after`` are the clause text before and after the amount.

    Returns
    -------
    ``{"years": n, "last": None}`` (the last ``n`` years, ending where the article's
    date puts them), ``{"first": y0, "last": y1, "years": n}``, or ``None``.
    """
    near = before[-120:] + " " + after[:80]
    m = _C_LAST_N.search(near)
    if m and (_C_SUM.search(near) or not _C_REACH.search(before)):
        n = _count(m["n"])
        if n >= 2:
            forward = bool(re.search(r"\b(?:next|coming)\b", m.group(), re.I))
            return {"years": n, "first": None, "last": None, "forward": forward, "label": m.group().strip()}
    m = _C_SPAN.search(near)
    if m and _C_SUM.search(near):
        y0 = int(m["y0"] or m["y2"])
        y1s = m["y1"] or m["y3"]
        y1 = int(y1s) if len(y1s) == 4 else 100 * (y0 // 100) + int(y1s)
        if y0 < y1 <= y0 + 30:
            return {"years": y1 - y0 + 1, "first": y0, "last": y1, "forward": False, "label": m.group().strip()}
    return None


_T_POTENTIAL = re.compile(r"\b(?:potential|capacity|capacities|untapped|could be worth|room for)\b", re.I)
_T_TARGET = re.compile(
    r"\b(?:target(?:s|ed|ing)?|goal|aims?\s+(?:to|at|for)|aiming|ambition|plans?\s+to|planned|seeks?\s+to|seeking\s+to|"
    r"wants?\s+to|intends?\s+to|intention|agreed\s+to\s+(?:raise|increase|boost|lift|bring)|objective)\b", re.I)
_T_FORECAST = re.compile(
    r"\b(?:could|would|will|may|might|(?:is|are|was|were)\s+(?:expected|projected|forecast|set|likely|poised|"
    r"predicted|estimated)\s+to|expected\s+to|projected\s+to|forecast(?:s|ed)?\s+to|predicts?|is\s+to|are\s+to)\b"
    r"(?:\s+\w+){0,3}?\s+(?:reach|hit|rise|grow|increase|exceed|top|surpass|double|triple|climb|be|amount|total|"
    r"stand|jump|soar|expand|boost)\w*\b", re.I)
_T_BY_YEAR = re.compile(r"\b(?:by|until|before)\s+(?:the\s+end\s+of\s+)?(?P<y>(?:19|20)\d\d)\b", re.I)


def find_nature(before: str, after: str) -> dict[str, Any]:
    """What an amount is: an actual value, or a potential, a target or a forecast.

    ``before``/``after`` are the clause text before and after the amount
    (the rules look 90 characters back and 40 forward).

    Returns
    -------
    ``{"nature": "actual" | "potential" | "target" | "forecast", "by_year": int | None, "cue": str}``
    """
    back, fwd = before[-90:], after[:40]
    by = _T_BY_YEAR.search(fwd) or _T_BY_YEAR.search(back[-40:])
    by_year = int(by["y"]) if by else None
    m = _T_POTENTIAL.search(back[-60:]) or _T_POTENTIAL.match(fwd.lstrip(" -")) or re.match(
        r"\s*(?:of\s+)?(?:trade\s+)?potential\b", fwd, re.I)
    if m:
        return {"nature": "potential", "by_year": by_year, "cue": m.group().strip()}
    m = _T_TARGET.search(back) or re.match(r"[\s-]*(?:\w+\s+){0,2}?(?:target|goal)\b", fwd, re.I)
    if m:
        return {"nature": "target", "by_year": by_year, "cue": m.group().strip()}
    m = _T_FORECAST.search(back[-70:])
    if m:
        return {"nature": "forecast", "by_year": by_year, "cue": m.group().strip()}
    if by_year is not None and re.search(r"\b(?:to|reach\w*)\s*$", back[-20:], re.I):
        return {"nature": "target", "by_year": by_year, "cue": by.group().strip()}
    return {"nature": "actual", "by_year": None, "cue": ""}


_ORDINAL: Final[dict[str, int]] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
RANK = re.compile(
    r"\b(?:(?P<ord>\d{1,3}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth)[- ])?(?P<sup>largest|biggest|top|main|leading|major|most important)\s+"
    r"(?:(?:trad(?:e|ing)|commercial|economic|export|import|foreign[- ]trade)\s+)?"
    r"(?P<role>partners?|suppliers?|sources?|exporters?|buyers?|customers?|markets?|destinations?|importers?|"
    r"clients?)\b",
    re.I,
)
#: What a rank is of: the partner's role → whose flow ranks it ("supplier of Y": Y's imports).
RANK_ROLE: Final[dict[str, str]] = {
    "partner": "total", "supplier": "imports", "source": "imports", "exporter": "imports",
    "buyer": "exports", "customer": "exports", "market": "exports", "destination": "exports",
    "importer": "exports", "client": "exports",
}


def find_ranks(body: str) -> list[dict[str, Any]]:
    """Rank statements: "Russia is Iran's 5th largest supplier", "the largest buyer of Iranian oil".

    Returns
    -------
    ``[{"start", "end", "rank": int | None, "top": bool, "role": str, "flow": str}]``: ``rank`` the
    number claimed (1 for "largest"), ``top`` for "top/main/leading/major" (≤ 5), ``flow`` the
    whose-trade it ranks on (total / the owner's imports / the owner's exports).
    """
    out = []
    for m in RANK.finditer(body):
        o = (m["ord"] or "").lower()
        sup = m["sup"].lower()
        if o:
            n = int(re.sub(r"\D", "", o)) if o[0].isdigit() else _ORDINAL[o]
        elif sup in ("largest", "biggest"):
            n = 1
        else:
            n = None
        role = m["role"].lower().rstrip("s") if m["role"].lower() not in ("sources",) else "source"
        role = {"clients": "client"}.get(role, role)
        out.append({"start": m.start(), "end": m.end(), "rank": n, "top": n is None, "role": role,
                    "flow": RANK_ROLE.get(role, "total")})
    return out


#: Any word one of find_period / find_span / find_nature needs (a cheap pre-filter).
_HINT = re.compile(
    rf"\b(?:{_MONTH_ANY}|months?|quarter|half|Q[1-4]|H[12]|YTD|year[- ]to[- ]date|so far|years|total\w*|combined|"
    r"cumulative\w*|aggregate|altogether|in all|all told|sum|potential|capacit\w+|untapped|worth|room|target\w*|goal|"
    r"aim\w*|ambition|plan\w*|seek\w*|want\w*|intend\w*|intention|agreed|objective|could|would|will|may|might|"
    r"expected|projected|forecast\w*|set to|likely|poised|predict\w*|estimated|(?:by|until|before) (?:the end of )?"
    r"(?:19|20)\d\d)\b",
    re.I,
)


# --------------------------------------------------------------------------- extraction
def extract_claims(text: str, sentences: list[Sentence], mentions: list[Mention]) -> list[Claim]:
    """Every claim in the article, in text order.

    Linear in the text: each sentence is indexed once (:class:`SentenceIndex`) and
    every rule looks at a bounded window around its trigger.

    Parameters
    ----------
    text
        The article text.
    sentences
        Its sentences.
    mentions
        Its country mentions, including resolved references ("the two countries"),
        to attach countries and flow directions.
    """
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    raw: list[tuple[int, int, str, str, int, dict[str, Any]]] = []  # start, end, kind, trigger, sentence, details
    indexes: dict[int, SentenceIndex] = {}
    prev_trade = False
    for sent in sentences:
        body = sent.text
        s0 = sent.start
        trade = bool(TRADE_CONTEXT.search(body))
        econ = trade or bool(ECONOMY_CONTEXT.search(body))
        sm = by_sentence.get(sent.index, [])
        ix = SentenceIndex(sent, sm)
        indexes[sent.index] = ix

        def add(kind: str, a: int, b: int, details: dict[str, Any] | None = None) -> None:
            raw.append((s0 + a, s0 + b, kind, body[a:b], sent.index, details or {}))

        def clause_text(a: int, b: int) -> tuple[str, str]:
            """The text before and after ``[a, b)`` up to the clause cuts (a leading phrase kept)."""
            starts, ends = ix.cuts
            k = bisect.bisect_right(ends, a) - 1
            j = bisect.bisect_left(starts, b)
            left = ends[k] if k >= 0 else 0
            right = starts[j] if j < len(starts) else len(body)
            return body[max(left, a - 160) : a], body[b : min(right, b + 120)]

        amounts = find_amounts(body) if (trade or econ) else []
        amount_starts = [d["start"] for d in amounts]
        for d in amounts:
            window = body[max(0, d["start"] - 60) : d["end"] + 40]
            if trade and d["amount"] < 1e6:
                add("other_amount", d["start"], d["end"],
                    {"amount": d["amount"], "currency": d["currency"],
                     "reason": "below a million: a price or unit value, not a bilateral trade total"})
            elif trade and not NOT_TRADE_MONEY.search(window):
                details = {k: d[k] for k in ("amount", "currency", "scale", "scale_word", "low", "high")}
                details["year"] = ix.year_near(d["start"])
                details["relative_year"] = ix.relative_year
                details.update(ix.direction(d["start"]))
                details["bilateral"] = ix.bilateral
                details["sectors"] = ix.sectors(max(0, d["start"] - 60), d["end"] + 40)
                if ix.hinted(d["start"] - 160, d["end"] + 120):
                    before, after = clause_text(d["start"], d["end"])
                    details.update(find_nature(before, after))
                    details["period"] = find_period(before[-100:] + " " + after[:80])
                    details["span"] = find_span(before, after)
                else:
                    details.update(nature="actual", by_year=None, cue="", period=None, span=None)
                if details["nature"] != "actual":
                    details["period"] = details["span"] = None
                    if details["by_year"] is not None:
                        details["year"] = details["by_year"]
                elif details["span"] is not None:
                    details["period"] = None
                add("target" if details["nature"] != "actual" else "amount", d["start"], d["end"], details)
            elif trade or econ:
                add("other_amount", d["start"], d["end"],
                    {"amount": d["amount"], "currency": d["currency"], "reason": "not a goods-trade value (investment, loan, contract …)"})
        if trade or econ:
            for q in QUANTITY.finditer(body):
                k = bisect.bisect_right(amount_starts, q.start()) - 1
                if (k >= 0 and amounts[k]["end"] > q.start()) or (
                    k + 1 < len(amounts) and amounts[k + 1]["start"] < q.end()
                ):
                    continue
                add("quantity", q.start(), q.end(), {"unit": q.group("unit"), "reason": "a quantity, not a value"})
        if trade:
            for p in PERCENT.finditer(body):
                if SHARE.match(body, p.start()):
                    continue  # a share ("5% of Iran's trade"), not a growth rate
                window = body[max(0, p.start() - 50) : p.start()]
                ups, downs = list(UP_WORDS.finditer(window)), list(DOWN_WORDS.finditer(window))
                if not ups and not downs:
                    continue
                last_up = ups[-1].start() if ups else -1
                last_down = downs[-1].start() if downs else -1
                sign = 1.0 if last_up > last_down else -1.0
                period = None
                if ix.hinted(p.start() - 160, p.end() + 120):
                    before, after = clause_text(p.start(), p.end())
                    period = find_period(before[-100:] + " " + after[:80])
                add("growth", p.start(), p.end(),
                    {"growth_pct": sign * parse_number(p.group("num")), "year": ix.year_near(p.start()),
                     "relative_year": ix.relative_year, "period": period,
                     **ix.direction(p.start())})
            for mm in MULTIPLE.finditer(body):
                factor = {"doubled": 100.0, "tripled": 200.0, "trebled": 200.0, "halved": -50.0}[mm.group("word").lower()]
                add("growth", mm.start(), mm.end(), {"growth_pct": factor, "year": ix.year_near(mm.start()), "direction": "total"})
            for sh in SHARE.finditer(body):
                add("share", sh.start(), sh.end(), {"share_pct": parse_number(sh.group("num")), "of": sh.group("of"),
                                                    "year": ix.year_near(sh.start()),
                                                    "relative_year": ix.relative_year})
        ranks = find_ranks(body)  # "supplier", "market", "partner": trade words of their own
        rank_starts = [r["start"] for r in ranks]
        for r in ranks:
            add("rank", r["start"], r["end"], {**{k: r[k] for k in ("rank", "top", "role", "flow")},
                                               "year": ix.year_near(r["start"]),
                                               "relative_year": ix.relative_year})
        if trade:
            for c in COMPARISON.finditer(body):
                k = bisect.bisect_right(rank_starts, c.end()) - 1
                if k >= 0 and ranks[k]["end"] > c.start():
                    continue  # "the 5th largest trading partner": a rank claim
                add("comparison", c.start(), c.end(), {})
        if econ or prev_trade:
            for p in POTENTIAL.finditer(body):
                add("potential", p.start(), p.end(), {"increase": bool(INCREASE.search(p.group()))})
        if econ:
            found: dict[str, tuple[int, int]] = {}
            for key, rx in SECTOR_WORDS.items():
                m = rx.search(body)
                if m:
                    found[key] = (m.start(), m.end())
            if found:
                a = min(v[0] for v in found.values())
                b = max(v[1] for v in found.values())
                add("sector", a, b, {"sectors": tuple(sorted(found, key=lambda k: found[k][0]))})
        for m in SANCTIONS.finditer(body):
            target = None
            for mention in sm:
                rel = mention.start - s0
                if m.end() < rel <= m.end() + 60 and SANCTION_TARGET.search(body, m.start(), rel):
                    target = mention.iso3
                    break
            add("sanctions", m.start(), m.end(), {"target": target})
            break  # one sanctions claim per sentence
        for m in CONTIGUITY.finditer(body):
            add("contiguity", m.start(), m.end(), {"sea": bool(re.search(r"Sea|littoral", body, re.I))})
            break
        for m in AGREEMENT.finditer(body):
            bloc = "EAEU" if re.search(r"Eurasian Economic Union|\bEA?EU\b", body) else None
            add("agreement", m.start(), m.end(), {"bloc": bloc} if bloc else {})
            break
        prev_trade = trade
    raw.sort(key=lambda r: (r[0], r[2]))
    claims: list[Claim] = []
    seen: dict[tuple[str, int, int], int] = {}
    codes_of: dict[int, tuple[str, ...]] = {}
    for s, e, kind, trigger, si, details in raw:
        sent = sentences[si]
        ix = indexes[si]
        qs, qe = _clause(text, sent, s, e, ix.cuts)
        if kind not in ("amount", "target", "growth", "share", "other_amount", "quantity") and (kind, qs, qe) in seen:
            i = seen[(kind, qs, qe)]  # one claim per kind and clause: merge the triggers
            merged = dict(claims[i].details)
            if details.get("increase"):
                merged["increase"] = True
            claims[i] = replace(claims[i], trigger=f"{claims[i].trigger} … {trigger}", details=merged)
            continue
        seen[(kind, qs, qe)] = len(claims)
        if si not in codes_of:
            codes_of[si] = tuple(dict.fromkeys(m.iso3 for m in by_sentence.get(si, [])))
        lo = bisect.bisect_left(ix.m_pos, qs - sent.start)
        hi = bisect.bisect_left(ix.m_pos, qe - sent.start)
        inner = tuple(dict.fromkeys(ix.m_iso[lo:hi]))
        claims.append(
            Claim(id=len(claims) + 1, kind=kind, check=CHECK_OF_KIND[kind], quote=text[qs:qe], start=qs, end=qe,
                  trigger=trigger, sentence=si, countries=codes_of[si], details=details,
                  clause_countries=inner)
        )
    return claims
