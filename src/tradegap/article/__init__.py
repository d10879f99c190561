"""Read a news article and answer it with data: countries, pairs, claims, checks.

:func:`read_article` takes an article's text (plain or HTML, as bytes or str),
finds the countries it mentions, chooses the pair it is about, extracts the
sentences that state or compare trade, and checks each against tradegap's data.
The result is an :class:`ArticleReading`.

Why gazetteer + patterns and not a language model
-------------------------------------------------
The things an article must be checked on are few and formulaic: country names,
demonyms and capitals (a closed list, held once in
:func:`tradegap.countries.gazetteer`), money amounts with a currency and a
scale ("$2 billion", "€3.5bn", "2 trillion rials"), growth rates, years, and a
small vocabulary of trade statements (sanctions, neighbours, agreements,
sectors, "potential").  A gazetteer compiled into one regular expression plus
a few documented context rules finds these deterministically, offline, in
milliseconds, with every hit traceable to a character span and a rule that a
test can pin down; a false positive is fixed by adding a rule, not by
retraining.  Statistical NER or an LLM would add hundreds of megabytes of
weights, non-deterministic output and no better recall on this closed
vocabulary, and still need the same normalisation of amounts and currencies
afterwards.  Only the standard library (``re``, ``html.parser``) and
``charset-normalizer`` (encoding detection) are used; number and date parsers
such as ``price-parser`` or ``dateparser`` were not needed for the formats news
trade claims use ("$2 billion", "€3.5bn", "1,200 million dollars", "March 3,
2020") and would have added dependencies without the currency/scale rules.
The cost is recall on unusual phrasing: a claim written in a way no pattern
foresees is missed (never misread as data), and the claim table says what each
pattern matched.

Nothing from the article is trusted as data: the numbers a claim states are
parsed only to be compared with the data, and never stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

import pandas as pd

from tradegap.article.checks import VERDICTS, CheckContext, ClaimCheck, run_checks
from tradegap.article.claims import CHECK_OF_KIND, Claim, extract_claims
from tradegap.article.mentions import (
    Mention,
    PairScore,
    find_mentions,
    mentions_frame,
    resolve_references,
    score_pairs,
)
from tradegap.article.text import ArticleText, Sentence, prepare, read_source, split_sentences
from tradegap.errors import InputError

__all__ = [
    "ArticleReading",
    "ArticleText",
    "Claim",
    "ClaimCheck",
    "Mention",
    "PairScore",
    "VERDICTS",
    "CHECK_OF_KIND",
    "article_date",
    "article_year",
    "publication",
    "read_article",
    "read_source",
    "prepare",
]

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTHS})\.?\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS})\.?,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d))\b"
)
_MONTH_NUMBER = {m.lower()[:3]: i + 1 for i, m in enumerate(
    "January February March April May June July August September October November December".split())}


def article_date(text: str, *, head: int = 400) -> tuple[dt.date | None, str]:
    """The article's own date: a full date in the dateline or first ``head`` characters.

    Returns
    -------
    (date or None, how it was found)
    """
    for m in _DATE.finditer(text[:head]):
        try:
            if m["y3"]:
                d = dt.date(int(m["y3"]), int(m["m3"]), int(m["d3"]))
            else:
                y, mon, day = (m["y1"], m["m1"], m["d1"]) if m["y1"] else (m["y2"], m["m2"], m["d2"])
                d = dt.date(int(y), _MONTH_NUMBER[mon.lower()[:3]], int(day))
        except ValueError:
            continue  # "February 30, 2020": not a date
        return d, f"date in the text's first lines {m.group().strip()!r}"
    return None, "the article states no date"


def article_year(text: str, *, head: int = 400) -> tuple[int | None, str]:
    """The year of :func:`article_date` (``None`` when the text states no date)."""
    d, how = article_date(text, head=head)
    if d is None:
        return None, how
    return d.year, f"article date {how.split(' ', 5)[-1]} → {d.year}"


def publication(
    art: ArticleText, date: dt.date | None = None
) -> tuple[dt.date | None, str]:
    """The publication date and where it comes from: ``date`` as given, else HTML metadata, else the text."""
    if date is not None:
        return date, f"published {date.isoformat()} (as given)"
    if art.published is not None:
        return art.published, f"published {art.published.isoformat()} ({art.published_from})"
    d, how = article_date(art.text)
    if d is not None:
        return d, f"published {d.isoformat()} ({how})"
    return None, how


@dataclass(frozen=True)
class ArticleReading:
    """What an article says and what the data show.

    Attributes
    ----------
    article
        The text read (positions refer to ``article.text``).
    sentences
        Its sentences with spans.
    mentions
        Country mentions, in text order.
    pairs
        Candidate pairs, best first, with their scores.
    main_pair
        The pair the article is about (``pairs[0]``), or ``None`` with fewer than two countries.
    claims
        The claims found.
    checks
        One or more checks per claim (a potential claim also gets a scenario hint).
    year
        Year asked for or found in the article, or ``None`` ("latest year with data" per check).
    year_note
        How ``year`` was chosen, stated.
    messages
        Notes for the reader (no country, one country, claims beyond the checked limit).
    references
        Phrases resolved to the main pair ("the two allies", "the neighbour"), as mentions
        of kind ``"reference"`` (used for claims, not for choosing the pair).
    published
        Publication date used (``--date``, HTML metadata or the text), or ``None``.
    """

    article: ArticleText
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    pairs: tuple[PairScore, ...]
    main_pair: tuple[str, str] | None
    claims: tuple[Claim, ...]
    checks: tuple[ClaimCheck, ...]
    year: int | None
    year_note: str
    messages: tuple[str, ...] = field(default=())
    references: tuple[Mention, ...] = field(default=())
    published: dt.date | None = None

    @property
    def countries(self) -> list[str]:
        """ISO3 codes mentioned, most mentioned first."""
        counts = pd.Series([m.iso3 for m in self.mentions], dtype="object").value_counts(sort=True)
        return [str(c) for c in counts.index]

    def mentions_frame(self, mentions: Iterable[Mention] | None = None) -> pd.DataFrame:
        """One row per mention (default: the explicit ones): iso3, surface, kind, start, end, sentence."""
        return mentions_frame(list(self.mentions if mentions is None else mentions))

    def pairs_frame(self) -> pd.DataFrame:
        """One row per candidate pair: a, b, same_sentence, mentions_a, mentions_b, score, main."""
        rows = [
            {"a": p.a, "b": p.b, "same_sentence": p.same_sentence, "mentions_a": p.mentions_a,
             "mentions_b": p.mentions_b, "score": int(p.score), "main": (p.a, p.b) == self.main_pair}
            for p in self.pairs
        ]
        return pd.DataFrame(rows, columns=["a", "b", "same_sentence", "mentions_a", "mentions_b", "score", "main"])

    def to_frame(self) -> pd.DataFrame:
        """The claim table: one row per check (claim, quote, span, check, data, source, year, verdict, tolerance)."""
        cols = ["claim", "kind", "quote", "start", "end", "check", "pair", "data", "data_value", "data_unit",
                "source", "data_year", "verdict", "tolerance", "note"]
        rows = [{k: v for k, v in c.to_dict().items() if k in cols} for c in self.checks]
        frame = pd.DataFrame(rows, columns=cols)
        frame["data_year"] = frame["data_year"].astype("Int64")
        frame["data_value"] = frame["data_value"].astype("float64")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: article info, mentions, pairs (with the score rule), claims and checks."""
        return {
            "origin": self.article.origin,
            "encoding": self.article.encoding,
            "was_html": self.article.was_html,
            "title": self.article.title,
            "characters": len(self.article.text),
            "sentences": len(self.sentences),
            "year": self.year,
            "year_note": self.year_note,
            "published": None if self.published is None else self.published.isoformat(),
            "references": self.mentions_frame(self.references).to_dict(orient="records"),
            "countries": self.countries,
            "main_pair": None if self.main_pair is None else list(self.main_pair),
            "pair_score_rule": "score = 3 × sentences naming both + mentions of the less-mentioned country",
            "pairs": self.pairs_frame().to_dict(orient="records"),
            "mentions": self.mentions_frame().to_dict(orient="records"),
            "claims": [
                {"claim": c.id, "kind": c.kind, "check": c.check, "quote": c.quote, "start": c.start, "end": c.end,
                 "trigger": c.trigger, "sentence": c.sentence, "countries": list(c.countries),
                 "claimed": {k: list(v) if isinstance(v, tuple) else v for k, v in c.details.items()}}
                for c in self.claims
            ],
            "checks": [c.to_dict() for c in self.checks],
            "messages": list(self.messages),
        }

    def verdict_counts(self) -> dict[str, int]:
        """How many checks got each verdict."""
        counts = {v: 0 for v in VERDICTS}
        for c in self.checks:
            counts[c.verdict] += 1
        return {k: v for k, v in counts.items() if v}

    def verdict_lines(self, width: int = 80) -> list[str]:
        """One plain line per check, at most ``width`` characters: claim number, check, data year,
        verdict and the start of the quote (what ``tradegap read`` prints, and the README lists)."""
        out = []
        for c in self.checks:
            year = "" if c.data_year is None else str(c.data_year)
            head = f"#{c.claim.id:<3}{c.check:<15}{year:<5}{c.verdict:<17}"
            room = width - len(head) - 2
            quote = c.claim.quote if len(c.claim.quote) <= room else c.claim.quote[: room - 1].rstrip() + "…"
            out.append(f"{head}“{quote}”")
        return out

    def summary(self) -> str:
        """Plain-language summary: pair chosen (with its score), claims found, verdicts."""
        if not self.mentions:
            return "The article mentions no country."
        if self.main_pair is None:
            return f"The article mentions only {self.countries[0]}; no pair to check."
        best = self.pairs[0]
        text = (
            f"The article is about {best.a}–{best.b} (score {best.score:g} = 3 × {best.same_sentence} sentences naming "
            f"both + {min(best.mentions_a, best.mentions_b)} mentions of the less-mentioned country)"
        )
        if len(self.pairs) > 1:
            text += "; other pairs: " + ", ".join(f"{p.a}–{p.b} ({p.score:g})" for p in self.pairs[1:6])
        text += f". {len(self.claims)} claim(s) found, {len(self.checks)} check(s) run"
        counts = self.verdict_counts()
        if counts:
            text += ": " + ", ".join(f"{k} {v}" for k, v in counts.items())
        return text + f". Year: {self.year_note}."

    def brief_section(self):
        """The claim table as a :class:`tradegap.brief.BriefSection` ("What the article says vs what the data show")."""
        from tradegap.brief import BriefSection

        frame = self.to_frame()[
            ["claim", "quote", "start", "end", "check", "data", "source", "data_year", "verdict", "tolerance", "note"]
        ]
        text = (
            self.summary()
            + "\n\nEach row quotes the article (character positions in the text read) and sets it against the data. "
            "The article's numbers are only compared, never used as data."
        )
        sources = tuple(sorted({c.source for c in self.checks if c.source}))
        return BriefSection(
            title="What the article says vs what the data show", key="article", text=text, frame=frame,
            sources=sources,
        )

    def require_countries(self) -> None:
        """Raise :class:`~tradegap.errors.InputError` when the article mentions no country."""
        if not self.mentions:
            raise InputError(
                f"No country is mentioned in {self.article.origin} ({len(self.article.text):,} characters, "
                f"{len(self.sentences)} sentences): there is nothing to check.",
                hint="Give an article about trade between countries (names, demonyms such as 'Iranian', "
                "capitals such as 'Moscow').",
            )


#: Claims checked at most per reading (the rest are listed as found, with a message).
MAX_CHECKED_CLAIMS: Final[int] = 500


def read_article(
    source: str | bytes | ArticleText,
    *,
    year: int | None = None,
    date: dt.date | str | None = None,
    store: Any = None,
    fx: Mapping[str, float] | None = None,
    html: bool | None = None,
    checks: bool | Iterable[str] = True,
    origin: str = "<text>",
) -> ArticleReading:
    """Read an article: countries, main pair, claims, and the data's answer to each claim.

    Parameters
    ----------
    source
        The article: text, bytes (any encoding) or an :class:`ArticleText`
        (from :func:`read_source`).  HTML is reduced to text.
    year
        Year for checks whose claim names none; default: the last complete year
        before publication, else the latest year with data (stated per check).
    date
        Publication date (``datetime.date`` or ``"YYYY-MM-DD"``); default: the HTML
        metadata (``article:published_time``, ``datePublished``, ``<time>``), else a
        date in the dateline / first lines.  No data year after it is used.
    store
        :class:`tradegap.store.Store` to read data from (default: the default store / embedded data).
    fx
        Exchange rates in USD per unit, ``{"EUR": 1.12}`` or ``{"EUR:2019": 1.12}``; amounts in
        other currencies are converted only when a rate is given here, else "not checkable: currency".
    html
        Force/forbid HTML reduction (default: sniffed).
    checks
        ``True`` runs every check (default), ``False`` only extracts, a list of
        check names (e.g. ``["value", "peer"]``) runs those and lists the others as
        "not checkable: check not run".
    origin
        Name used in messages.

    Returns
    -------
    ArticleReading
    """
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100):
        raise InputError(f"The 'year' parameter of read_article must be a calendar year (int). Got {year!r} instead.")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise InputError(
                f"The 'date' parameter must be a date written YYYY-MM-DD. Got {date!r} instead.",
                hint="E.g. date='2022-01-14' (the day the article was published).",
            ) from None
    if date is not None and not isinstance(date, dt.date):
        raise InputError(f"The 'date' parameter must be a datetime.date or 'YYYY-MM-DD'. Got {date!r} instead.")
    if isinstance(date, dt.date) and not 1950 <= date.year <= 2100:
        raise InputError(f"The 'date' parameter must be a publication date between 1950 and 2100. Got {date}.")
    fx = dict(fx or {})
    for k, v in fx.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0:
            raise InputError(f"The 'fx' rate for {k!r} must be a positive number (USD per unit). Got {v!r} instead.")
    art = source if isinstance(source, ArticleText) else prepare(source, origin=origin, html=html)
    text = art.text
    sentences = split_sentences(text)
    mentions = find_mentions(text, sentences)
    pairs = score_pairs(mentions)
    main = (pairs[0].a, pairs[0].b) if pairs else None
    messages: list[str] = []
    if not mentions:
        messages.append("No country is mentioned in the article.")
    elif main is None:
        messages.append(f"Only one country is mentioned ({mentions[0].iso3}); no pair to check.")
    references = resolve_references(text, sentences, mentions, main)
    every = sorted([*mentions, *references], key=lambda m: (m.start, m.iso3))
    claims = extract_claims(text, sentences, every)
    published, pub_note = publication(art, date)
    if year is not None:
        y, note = year, f"year {year} as asked"
        if published is not None:
            note += f" ({pub_note})"
    elif published is not None:
        y = published.year - 1
        note = f"{pub_note}: data up to {y}, the last complete year before publication"
    else:
        y, note = None, "the article states no date (give --date): each check uses the latest year with data"
    done: list[ClaimCheck] = []
    if checks is not False and mentions:
        ctx = CheckContext(main_pair=main, year=year, year_note=note, store=store, fx=fx, published=published)
        only = None if checks is True else ([checks] if isinstance(checks, str) else list(checks))
        if len(claims) > MAX_CHECKED_CLAIMS:
            messages.append(
                f"{len(claims):,} claims found; the first {MAX_CHECKED_CLAIMS} are checked (an article rarely makes "
                f"more — pass a shorter text to check the rest)."
            )
        done = run_checks(claims[:MAX_CHECKED_CLAIMS], ctx, only=only)
    return ArticleReading(
        article=art, sentences=tuple(sentences), mentions=tuple(mentions), pairs=tuple(pairs), main_pair=main,
        claims=tuple(claims), checks=tuple(done), year=y, year_note=note, messages=tuple(messages),
        references=tuple(references), published=published,
    )


def read_file(path: str | Path | BinaryIO, **kwargs: Any) -> ArticleReading:
    """:func:`read_source` + :func:`read_article` (the CLI's entry point)."""
    art = read_source(path)
    return read_article(art, **kwargs)
