"""Country mentions in an article and the pairs they form.

Matching is a gazetteer lookup (:func:`tradegap.countries.gazetteer`: names,
short names, demonyms, capitals and institutions) compiled into one
case-sensitive regular expression, longest surface first, on word boundaries.
Each hit then passes a few context rules that remove the common false
positives of country words in news text:

* **ambiguous surfaces** — a surface the gazetteer maps to two countries
  ("Korean", "Congolese") and a few capitals that are also common names or
  places elsewhere (Victoria, Kingston, Georgetown, Hamilton, Male) are never
  counted;
* **person names** — "Chad", "Jordan", "Georgia", "Israel", "Kenya", "India",
  "Washington" … next to another capitalised word that is not itself a
  country word ("Michael Jordan", "Chad Smith", "George Washington");
* **US state** — "Georgia" in a sentence naming Atlanta, Savannah, a US state
  or "state of"; "New Mexico"/"New Jersey"-style names ("New" + a country word
  that the gazetteer does not know with "New");
* **common nouns** — lowercase "china"/"turkey" never match (matching is
  case-sensitive); "China clay", "bone China", "Guinea pig", "Guinea fowl",
  "Turkey dinner", "Thanksgiving Turkey" are skipped;
* **geography** — a country word directly before "Sea", "Ocean", "Gulf",
  "Peninsula", "River", "Delta", "Basin" or "Valley" ("Indian Ocean", "South
  China Sea", "Niger Delta", "Jordan River") names a place, not the country;
* **venues and media** — a capital before "talks", "summit", "agreement",
  "format", "process", "club" … ("Vienna talks", "Paris Agreement") names a
  venue, and before "Times", "Post", "Herald" … a newspaper ("Tehran Times");
  neither is counted as the country.

The dateline ("TEHRAN —", "MOSCOW, Jan 14 (Reuters) -") is recognised at the
start of the text, in capitals.  Every mention keeps its character span and
the index of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import pandas as pd

from tradegap.article.text import Sentence

#: Surfaces never counted (ambiguous capitals / common words).
AMBIGUOUS_SURFACES = frozenset(
    {"Victoria", "Kingston", "Kingstown", "Georgetown", "Hamilton", "Male", "Jamestown", "Santiago de Cuba"}
)
#: Country words that are also given names; skipped next to another capitalised word.
PERSON_NAMES = frozenset(
    {"Chad", "Jordan", "Georgia", "Israel", "Kenya", "India", "Washington", "Lima", "Paris", "Sofia"}
)
_US_CONTEXT = re.compile(
    r"\b(?:Atlanta|Savannah|Alabama|Florida|Tennessee|Carolina|Texas|California|Ohio|Virginia|"
    r"Mississippi|Louisiana|Kentucky|Arkansas|state of|U\.S\. state|US state|governor|Gov\.)\b"
)
_VENUE_AFTER = re.compile(
    r"\s+(?:talks|summit|agreements?|accords?|format|process|protocol|convention|declaration|"
    r"conference|club|forum|group|peace|round|negotiations|meeting|initiative|consensus)\b",
)
_MEDIA_AFTER = re.compile(r"\s+(?:Times|Post|Herald|Tribune|Gazette|Daily|Journal|News|Express|Telegraph|Observer)\b")
_WATER_AFTER = re.compile(r"\s+(?:Sea|Ocean|Gulf|Peninsula|Subcontinent|River|Delta|Basin|Valley)\b")
_NOUN_AFTER = {
    "China": re.compile(r"\s+(?:clay|ware|shop|cabinet|dolls?|plates?|sets?|cups?)\b", re.I),
    "Turkey": re.compile(r"\s+(?:dinner|meat|breast|sandwich|burger|farms?|farmers|season|roast|legs?)\b", re.I),
    "Guinea": re.compile(r"\s+(?:pigs?|fowl|worm|hens?)\b", re.I),
}
_NOUN_BEFORE = {
    "China": re.compile(r"\b(?:fine|bone)\s+$", re.I),
    "Turkey": re.compile(r"\b(?:Thanksgiving|roast|roasted|wild|smoked|Christmas)\s+$", re.I),
}
#: Capitalised words that may precede a country word without making it a person's name.
_FUNCTION_WORDS = frozenset(
    "The A An In On At To From For With And Or Of By As But If While When Both Between Like Unlike Since "
    "Until After Before During Against Across Into Than Then So That This These Those Such Also Only "
    "Even North South East West Northern Southern Eastern Western Central President Prime Minister "
    "King Queen Republic Kingdom State Federation Foreign Ministry Government National Bank Airways Parliament "
    "Customs Embassy Army Navy".split()
)

_DATELINE = re.compile(
    r"(?:\A|\n)[ \t]*(?P<place>[A-Z][A-Z.'\- ]{1,40}?[A-Z.])"
    r"(?:\s*,\s*[A-Za-z0-9 .,]{1,40}?)?\s*(?:\((?:[A-Za-z. ]{2,30})\))?\s*(?:[—–]|--?|:)\s+"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One country mention.

    Attributes
    ----------
    iso3
        The country.
    surface
        The text as written.
    kind
        How it names the country: name, short_name, demonym, capital, institution or dateline.
    start, end
        Character span ``[start, end)`` in the article text.
    sentence
        Index of the sentence that holds it.
    """

    iso3: str
    surface: str
    kind: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True, slots=True)
class PairScore:
    """A candidate pair with the evidence that it is what the article is about.

    ``score = 3 × same_sentence + min(mentions_a, mentions_b)``: a sentence that
    names both countries counts three times as much as the rarer country's
    mention count.
    """

    a: str
    b: str
    same_sentence: int
    mentions_a: int
    mentions_b: int
    score: float


# --------------------------------------------------------------------------- gazetteer
@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """The matching regex and surface → (iso3, kind) map built from the gazetteer."""
    gaz = _gazetteer_frame()
    lookup: dict[str, set[tuple[str, str]]] = {}
    for surface, iso3, kind in gaz[["surface", "iso3", "kind"]].itertuples(index=False):
        s = re.sub(r"^the\s+", "", str(surface).strip(), flags=re.I)
        if len(s) < (2 if s.isupper() else 3) or s in AMBIGUOUS_SURFACES:
            continue
        lookup.setdefault(s, set()).add((str(iso3), str(kind)))
        if kind in ("name", "short_name") and len(s) >= 4 and not s.isupper():
            lookup.setdefault(s.upper(), set()).add((str(iso3), str(kind)))
    resolved: dict[str, tuple[str, str]] = {}
    for s, hits in lookup.items():
        codes = {c for c, _ in hits}
        if len(codes) == 1:  # ambiguous surfaces (two countries) are dropped
            order = ["name", "short_name", "institution", "capital", "demonym"]
            kind = min((k for _, k in hits), key=lambda k: order.index(k) if k in order else 99)
            resolved[s] = (codes.pop(), kind)
    alternation = "|".join(re.escape(s) for s in sorted(resolved, key=len, reverse=True))
    pattern = re.compile(r"(?<![\w$])(?:" + alternation + r")(?![\w$])")
    return pattern, resolved


def _gazetteer_frame() -> pd.DataFrame:
    from tradegap.countries import gazetteer

    return gazetteer()


def _skip(text: str, surface: str, kind: str, start: int, end: int, sent: Sentence | None) -> bool:
    """The context rules of the module docstring; True when the hit is not a country mention."""
    after = text[end : end + 40]
    before = text[max(0, start - 40) : start]
    if _WATER_AFTER.match(after):
        return True
    if surface in _NOUN_AFTER and _NOUN_AFTER[surface].match(after):
        return True
    if surface in _NOUN_BEFORE and _NOUN_BEFORE[surface].search(before):
        return True
    if kind == "capital" and (_VENUE_AFTER.match(after) or _MEDIA_AFTER.match(after)):
        return True
    if re.search(r"\b(?:Latin|South|North|Central)\s+$", before) and surface in ("America", "American"):
        return True  # "Latin America", "South American"
    if re.search(r"\bNew\s+$", before) and kind in ("name", "short_name"):
        return True  # "New Mexico", "New Jersey"; "New Zealand" is a longer surface and matches whole
    if surface == "Georgia" and sent is not None and _US_CONTEXT.search(sent.text):
        return True
    if surface in PERSON_NAMES:
        _, lookup = _compiled()
        nxt = re.match(r"\s([A-Z][a-z]+)\b", after)
        prv = re.search(r"\b([A-Z][a-z]+)\s$", before)
        for word in (nxt, prv):
            if word and word.group(1) not in lookup and word.group(1) not in _FUNCTION_WORDS:
                return True
    return False


def find_dateline(text: str) -> tuple[str, int, int] | None:
    """The dateline place, e.g. ``("TEHRAN", 0, 6)``, or ``None``.

    A dateline is a place in capitals, optionally a date and an agency, then a
    dash, at the start of a line within the first 1,000 characters (web pages
    put a headline and menus before it).
    """
    m = _DATELINE.search(text[:1000])
    if not m:
        return None
    place = m.group("place").strip()
    if not place.isupper() or len(place) < 3:
        return None
    return place, m.start("place"), m.start("place") + len(place)


def find_mentions(text: str, sentences: list[Sentence]) -> list[Mention]:
    """Every country mention in ``text``, in order, each linked to its sentence.

    Parameters
    ----------
    text
        The article text.
    sentences
        Its sentences (:func:`tradegap.article.text.split_sentences`), used to
        link mentions and for sentence-level context rules.
    """
    pattern, lookup = _compiled()
    starts = [s.start for s in sentences]

    def sentence_of(pos: int) -> Sentence | None:
        import bisect

        i = bisect.bisect_right(starts, pos) - 1
        return sentences[i] if i >= 0 and pos < sentences[i].end else (sentences[i] if i >= 0 else None)

    out: list[Mention] = []
    dateline = find_dateline(text)
    taken_until = -1
    if dateline is not None:
        place, s0, e0 = dateline
        title = " ".join(w.capitalize() for w in place.split())
        hit = lookup.get(title) or lookup.get(place)
        if hit is not None:
            sent = sentence_of(s0)
            out.append(Mention(hit[0], text[s0:e0], "dateline", s0, e0, sent.index if sent else 0))
            taken_until = e0
    for m in pattern.finditer(text):
        if m.start() < taken_until:
            continue
        surface = m.group()
        iso3, kind = lookup[surface]
        sent = sentence_of(m.start())
        if _skip(text, surface, kind, m.start(), m.end(), sent):
            continue
        out.append(Mention(iso3, surface, kind, m.start(), m.end(), sent.index if sent else 0))
    return out


def score_pairs(mentions: list[Mention]) -> list[PairScore]:
    """Candidate pairs, best first (see :class:`PairScore` for the score)."""
    counts: dict[str, int] = {}
    by_sentence: dict[int, set[str]] = {}
    for m in mentions:
        counts[m.iso3] = counts.get(m.iso3, 0) + 1
        by_sentence.setdefault(m.sentence, set()).add(m.iso3)
    same: dict[tuple[str, str], int] = {}
    for codes in by_sentence.values():
        for a, b in combinations(sorted(codes), 2):
            same[(a, b)] = same.get((a, b), 0) + 1
    out = []
    for a, b in combinations(sorted(counts), 2):
        s = same.get((a, b), 0)
        na, nb = counts[a], counts[b]
        out.append(PairScore(a, b, s, na, nb, float(3 * s + min(na, nb))))
    out.sort(key=lambda p: (-p.score, -(p.mentions_a + p.mentions_b), p.a, p.b))
    return out


def mentions_frame(mentions: list[Mention]) -> pd.DataFrame:
    """Mentions as a frame: iso3, surface, kind, start, end, sentence."""
    return pd.DataFrame(
        [(m.iso3, m.surface, m.kind, m.start, m.end, m.sentence) for m in mentions],
        columns=["iso3", "surface", "kind", "start", "end", "sentence"],
    )


# --------------------------------------------------------------------------- references
#: Phrases that name both countries of the pair ("the two allies", "both sides", "the neighbours").
PAIR_REFERENCE = re.compile(
    r"\b(?:[Tt]he|[Bb]oth|[Tt]hese|[Tt]hose)\s+two\s+(?:allies|countries|nations|sides|neighbou?rs|partners|states|"
    r"governments|economies|capitals|powers|republics)\b"
    r"|\b[Bb]oth\s+(?:countries|nations|sides|governments|economies|neighbou?rs)\b"
    r"|\b[Tt]he\s+(?:allies|neighbou?rs)\b"
)
#: Phrases that name the other country of the pair ("the neighbour", "its northern neighbour").
OTHER_REFERENCE = re.compile(
    r"\b(?:[Tt]he|[Ii]ts|[Tt]heir)\s+(?:(?:northern|southern|eastern|western|Caspian|big|larger|smaller)\s+)?"
    r"neighbou?r(?:ing\s+country)?\b(?!s)"
    r"|\b(?:to|from|with|into)\s+the\s+(?:country|nation)\b"
)
#: Phrases that name a country just mentioned ("the country", "the nation").
SAME_REFERENCE = re.compile(r"\b[Tt]he\s+(?:country|nation)(?:'s|’s)?\b")


def resolve_references(
    text: str, sentences: list[Sentence], mentions: list[Mention], main_pair: tuple[str, str] | None
) -> list[Mention]:
    """Mentions for phrases that refer to the main pair, when the reference is unambiguous.

    * "the two allies", "both sides", "the two countries", "the neighbours" → both
      countries of the main pair;
    * "the neighbour", "its northern neighbour", "to/from/with the country" → the
      *other* country of the pair;
    * "the country", "the nation" → the country meant.

    The last two resolve only when the same sentence before the phrase (else the
    previous sentence) names exactly one country and it is one of the main pair;
    anything else (no pair, another country in scope, both named) is left
    unresolved.  Resolved mentions have ``kind="reference"`` and the phrase's span;
    they are never used to choose the pair.
    """
    if main_pair is None:
        return []
    a, b = main_pair
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)

    def named_before(sent: Sentence, pos: int) -> set[str]:
        here = {m.iso3 for m in by_sentence.get(sent.index, []) if m.start < pos}
        if here:
            return here
        return {m.iso3 for m in by_sentence.get(sent.index - 1, [])}

    out: list[Mention] = []
    for sent in sentences:
        body = sent.text
        spans: list[tuple[int, int]] = []
        for m in PAIR_REFERENCE.finditer(body):
            s, e = sent.start + m.start(), sent.start + m.end()
            spans.append((s, e))
            out.append(Mention(a, m.group(), "reference", s, e, sent.index))
            out.append(Mention(b, m.group(), "reference", s, e, sent.index))
        for rx, other in ((OTHER_REFERENCE, True), (SAME_REFERENCE, False)):
            for m in rx.finditer(body):
                s, e = sent.start + m.start(), sent.start + m.end()
                if any(s < e0 and s0 < e for s0, e0 in spans):
                    continue
                named = named_before(sent, s)
                if len(named) != 1 or not named <= {a, b}:
                    continue
                (c,) = named
                spans.append((s, e))
                out.append(Mention((b if c == a else a) if other else c, m.group(), "reference", s, e, sent.index))
    return out
