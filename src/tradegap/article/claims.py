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
_RANGE = rf"(?:\s?(?:[-–]|to)\s?(?:{_PRE_ALT})?(?P<num2>{_NUM}))?"
AMOUNT_PRE = re.compile(
    rf"(?<![\w$])(?P<cur>{_PRE_ALT})\s?(?P<num>{_NUMX}){_RANGE}(?:\s?(?P<scale>{_SCALE})\b)?", re.I
)
AMOUNT_POST = re.compile(
    rf"(?<![\w.,])(?P<num>{_NUMX}){_RANGE}(?:\s?(?P<scale>{_SCALE})\b)?\s+(?:of\s+)?"
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
    """Money amounts in a sentence: ``[{start, end, text, amount, currency, scale}]`` (offsets in the sentence).

    ``amount`` is in currency units (scale applied); ``scale`` is the factor.
    """
    out: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for rx, pre in ((AMOUNT_PRE, True), (AMOUNT_POST, False)):
        for m in rx.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            num = parse_number(m.group("num"))
            if m.group("num2"):  # a range ("$2-3 billion"): its midpoint, the range kept in the text
                num = (num + parse_number(m.group("num2"))) / 2.0
            scale_word = (m.group("scale") or "").lower()
            scale = SCALES.get(scale_word, 1.0)
            if pre:
                cur_text = m.group("cur")
                currency = _CUR_PRE.get(cur_text, _CUR_PRE.get(cur_text.upper(), cur_text.upper()))
            else:
                currency = _currency_post(m.group("cur"))
            if pre and not scale_word and num < 1000 and m.group("cur") in ("$",) and re.match(
                r"\s*(?:per|a|/)\b", sentence[m.end() :]
            ):
                continue  # prices ("$70 a barrel")
            out.append(
                {"start": m.start(), "end": m.end(), "text": m.group(), "amount": num * scale,
                 "currency": currency, "scale": scale, "scale_word": scale_word}
            )
            taken.append((m.start(), m.end()))
    out.sort(key=lambda d: d["start"])
    return out


def _clause(text: str, sent: Sentence, s: int, e: int) -> tuple[int, int]:
    """Expand ``[s, e)`` (absolute) to its clause inside the sentence."""
    body = text[sent.start : sent.end]
    rs, re_ = s - sent.start, e - sent.start
    cut = re.compile(r";|:\s|\s[—–]\s|[“”]|,\s+(?=(?:while|whereas|but|although|though|and this|which)\b)")
    left = 0
    for m in cut.finditer(body, 0, rs):
        left = m.end()
    # a leading adverbial phrase ending with a comma ("Through careful planning, ...")
    lead = re.match(r"[^,]{0,40},\s+", body[left:rs])
    if lead and not re.search(r"\d", lead.group()) and not TRADE_CONTEXT.search(lead.group()):
        left += lead.end()
    right = len(body)
    m2 = cut.search(body, re_)
    if m2:
        right = m2.start()
    quote = body[left:right]
    # trim and keep offsets
    ltrim = len(quote) - len(quote.lstrip(" ,\"“”'"))
    quote_r = quote.rstrip(" .,;:\"“”'")
    return sent.start + left + ltrim, sent.start + left + len(quote_r)


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


def _year_near(text: str, pos: int) -> int | None:
    """The year a number at ``pos`` refers to: the nearest year, preferring "in 2019"-style years.

    Years that are part of a full date ("March 3, 2020", the article's dateline) are skipped.
    """
    best: tuple[float, int] | None = None
    for m in YEAR.finditer(text):
        before = text[max(0, m.start() - 20) : m.start()]
        if _DATE_BEFORE.search(before):
            continue
        d = abs(m.start() - pos) + (0 if _YEAR_PREP.search(before) else 60)
        if best is None or d < best[0]:
            best = (d, int(m.group("year")))
    return best[1] if best else None


_FLOW_VERB = re.compile(r"\b(export\w*|sold|sells?|supplied|shipped|deliver\w*|import\w*|bought|purchased)\b", re.I)
_TOTAL_WORDS = re.compile(r"\b(?:total|bilateral|turnover|overall|two-way|volume|trade between)\b", re.I)


def _direction(body: str, rel_pos: int, mentions: list[Mention], sent_start: int) -> dict[str, Any]:
    """Flow direction of an amount or rate at ``rel_pos`` in the sentence.

    The flow verb nearest before it (else the first after it) decides:
    "X exported … to Y", "X's exports to Y", "Y imported … from X", "Y's imports of
    X-ian oil".  "Total", "bilateral", "turnover" just before the number, or no verb
    that resolves, mean both directions.

    Returns
    -------
    ``{"direction": "a>b", "exporter": ..., "importer": ...}`` or ``{"direction": "total"}``
    """
    if _TOTAL_WORDS.search(body[max(0, rel_pos - 50) : rel_pos]):
        return {"direction": "total"}
    local = [(m.start - sent_start, m.iso3) for m in mentions]
    verbs = list(_FLOW_VERB.finditer(body))
    ordered = sorted((v for v in verbs if v.start() < rel_pos), key=lambda v: -v.start()) + [
        v for v in verbs if v.start() >= rel_pos
    ]

    def after(v: re.Match[str], preps: str) -> list[str]:
        rx = re.compile(rf"\b(?:{preps})\s+(?:\w+\s+){{0,2}}$")
        return [c for p, c in local if p > v.end() and rx.search(body[max(0, p - 25) : p])]

    for v in ordered:
        verb = v.group(1).lower()
        before = [c for p, c in local if p < v.start()]
        if not before:
            continue
        exporting = verb.startswith(("export", "sold", "sell", "supplied", "shipped", "deliver"))
        if exporting:
            to = after(v, "to|into")
            if to and before[-1] != to[0]:
                return {"direction": "a>b", "exporter": before[-1], "importer": to[0]}
        else:
            src = after(v, "from|of")
            if src and before[-1] != src[0]:
                return {"direction": "a>b", "exporter": src[0], "importer": before[-1]}
    return {"direction": "total"}


# --------------------------------------------------------------------------- extraction
def extract_claims(text: str, sentences: list[Sentence], mentions: list[Mention]) -> list[Claim]:
    """Every claim in the article, in text order.

    Parameters
    ----------
    text
        The article text.
    sentences
        Its sentences.
    mentions
        Its country mentions (to attach countries and flow directions).
    """
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    raw: list[tuple[int, int, str, str, int, dict[str, Any]]] = []  # start, end, kind, trigger, sentence, details
    prev_trade = False
    for sent in sentences:
        body = sent.text
        s0 = sent.start
        trade = bool(TRADE_CONTEXT.search(body))
        econ = trade or bool(ECONOMY_CONTEXT.search(body))
        sm = by_sentence.get(sent.index, [])

        def add(kind: str, a: int, b: int, details: dict[str, Any] | None = None) -> None:
            raw.append((s0 + a, s0 + b, kind, body[a:b], sent.index, details or {}))

        amounts = find_amounts(body)
        quantities = [q for q in QUANTITY.finditer(body) if not any(q.start() < d["end"] and d["start"] < q.end() for d in amounts)]
        for d in amounts:
            if trade and d["amount"] < 1e6:
                add("other_amount", d["start"], d["end"],
                    {"amount": d["amount"], "currency": d["currency"],
                     "reason": "below a million: a price or unit value, not a bilateral trade total"})
            elif trade and not NOT_TRADE_MONEY.search(body[max(0, d["start"] - 60) : d["end"] + 40]):
                details = {k: d[k] for k in ("amount", "currency", "scale", "scale_word")}
                details["year"] = _year_near(body, d["start"])
                details["relative_year"] = _relative_year(body)
                details.update(_direction(body, d["start"], sm, s0))
                details["bilateral"] = bool(BILATERAL.search(body))
                window = body[max(0, d["start"] - 60) : d["end"] + 40]
                details["sectors"] = tuple(k for k, rx in SECTOR_WORDS.items() if rx.search(window))
                add("amount", d["start"], d["end"], details)
            elif trade or econ:
                add("other_amount", d["start"], d["end"],
                    {"amount": d["amount"], "currency": d["currency"], "reason": "not a goods-trade value (investment, loan, contract …)"})
        for q in quantities:
            if trade or econ:
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
                add("growth", p.start(), p.end(),
                    {"growth_pct": sign * parse_number(p.group("num")), "year": _year_near(body, p.start()),
                     "relative_year": _relative_year(body),
                     **_direction(body, p.start(), sm, s0)})
            for mm in MULTIPLE.finditer(body):
                factor = {"doubled": 100.0, "tripled": 200.0, "trebled": 200.0, "halved": -50.0}[mm.group("word").lower()]
                add("growth", mm.start(), mm.end(), {"growth_pct": factor, "year": _year_near(body, mm.start()), "direction": "total"})
            shares = list(SHARE.finditer(body))
            for sh in shares:
                add("share", sh.start(), sh.end(), {"share_pct": parse_number(sh.group("num")), "of": sh.group("of"),
                                                    "year": _year_near(body, sh.start()),
                                                    "relative_year": _relative_year(body)})
            for c in COMPARISON.finditer(body):
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
                if rel > m.end() and SANCTION_TARGET.search(body[m.start() : rel]):
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
    for s, e, kind, trigger, si, details in raw:
        sent = sentences[si]
        qs, qe = _clause(text, sent, s, e)
        if kind not in ("amount", "growth", "share", "other_amount", "quantity") and (kind, qs, qe) in seen:
            i = seen[(kind, qs, qe)]  # one claim per kind and clause: merge the triggers
            merged = dict(claims[i].details)
            if details.get("increase"):
                merged["increase"] = True
            claims[i] = replace(claims[i], trigger=f"{claims[i].trigger} … {trigger}", details=merged)
            continue
        seen[(kind, qs, qe)] = len(claims)
        codes: list[str] = []
        inner: list[str] = []
        for m in by_sentence.get(si, []):
            if m.iso3 not in codes:
                codes.append(m.iso3)
            if qs <= m.start and m.end <= qe and m.iso3 not in inner:
                inner.append(m.iso3)
        claims.append(
            Claim(id=len(claims) + 1, kind=kind, check=CHECK_OF_KIND[kind], quote=text[qs:qe], start=qs, end=qe,
                  trigger=trigger, sentence=si, countries=tuple(codes), details=details,
                  clause_countries=tuple(inner))
        )
    return claims
