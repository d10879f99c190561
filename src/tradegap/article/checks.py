"""Run tradegap's checks on an article's claims.

Each claim kind has one check (:data:`tradegap.article.claims.CHECK_OF_KIND`);
the data behind it and the verdict rule (tolerance):

* ``value`` — :func:`tradegap.measure.trade` (IMF DOTS, USD millions): consistent when
  claim / data − 1 is within ±10 %; amounts in another currency only with a given rate;
* ``growth`` — the same data, year on year: within ±3 percentage points;
* ``peer`` — :func:`tradegap.measure.peers`: ranks ("largest partner"), shares (±1 pp),
  "the same as X's trade with small countries" (median GDP of the closest peers);
* ``potential`` / ``potential_size`` — :func:`tradegap.potential.structural` and
  ``size_based``: "can be increased" is consistent when the potential exceeds actual
  trade by more than 10 %;
* ``scenario`` — :func:`tradegap.ge.pair_scenarios`: a what-if shown as a hint, never a verdict;
* ``sector`` — :func:`tradegap.sectors.pair_sectors`: the sector's share in the pair's
  trade vs in world trade (±10 %); sectors the data cannot isolate are not checkable;
* ``sanctions`` — :func:`tradegap.sanctions.cases` and ``indicator``: a case in force that year;
* ``contiguity`` — ``Store.pairs()`` (CEPII ``contig``, tradegap ``shared_sea``): the flag
  the claim implies is 1.

Verdicts are ``consistent``, ``higher than data``, ``lower than data``
(numbers), ``inconsistent`` (yes/no statements the data contradict) and
``not checkable`` (with the reason: a currency without a known rate, a year
without data, a component that raised a :class:`~tradegap.errors.TradegapError`).
Only :class:`~tradegap.errors.TradegapError` is turned into "not checkable";
programming errors propagate.  The article's numbers are only compared,
never stored or used as data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from tradegap import measure, sanctions, world
from tradegap.article.claims import Claim
from tradegap.coverage import DATASETS
from tradegap.errors import TradegapError
from tradegap.views import scenarios
from tradegap.views import sectors as sector_view

Verdict = Literal[
    "consistent", "higher than data", "lower than data", "inconsistent", "supported", "not supported", "not checkable"
]
VERDICTS: Final[tuple[str, ...]] = (
    "consistent", "higher than data", "lower than data", "inconsistent", "supported", "not supported", "not checkable"
)

#: Relative tolerance of value checks (claim vs data).
VALUE_TOLERANCE: Final[float] = 0.10
#: Absolute tolerance of growth checks, percentage points.
GROWTH_TOLERANCE_PP: Final[float] = 3.0
#: Absolute tolerance of share checks ("5% of Iran's trade"), percentage points.
SHARE_TOLERANCE_PP: Final[float] = 1.0
#: Potential must exceed actual trade by more than this share for "can be increased" to be supported.
POTENTIAL_MARGIN: Final[float] = 0.10
#: Relative tolerance of a part-year figure against the pro-rata share of the annual value
#: (no monthly data are shipped; seasonality moves part-year shares by this much and more).
PRO_RATA_TOLERANCE: Final[float] = 0.20

DOTS_SOURCE: Final[str] = "IMF DOTS (goods, USD millions, mirror-reconciled)"


@dataclass(frozen=True)
class ClaimCheck:
    """The answer to one claim.

    Attributes
    ----------
    claim
        The claim checked.
    check
        The check run (value, growth, peer, potential, scenario, sector, sanctions, contiguity, none).
    pair
        The two countries the check used (ISO3), or ``None``.
    data
        What the data show, in words (with numbers and units).
    data_value
        The main number behind ``data`` (unit in ``data_unit``), NaN if none.
    data_unit
        Unit of ``data_value`` (e.g. ``"USD millions"``, ``"%"``, ``"ratio"``).
    source
        Dataset behind the number.
    data_year
        Year of the data compared, or ``None``.
    verdict
        One of :data:`VERDICTS`.
    tolerance
        The tolerance or rule used, stated.
    note
        Why not checkable, or how the year was chosen.
    """

    claim: Claim
    check: str
    pair: tuple[str, str] | None
    data: str
    data_value: float
    data_unit: str
    source: str
    data_year: int | None
    verdict: Verdict
    tolerance: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-able row: the claim (quote, span, kind, parsed details) and the check."""
        c = self.claim
        return {
            "claim": c.id,
            "kind": c.kind,
            "quote": c.quote,
            "start": c.start,
            "end": c.end,
            "trigger": c.trigger,
            "check": self.check,
            "pair": None if self.pair is None else "–".join(self.pair),
            "data": self.data,
            "data_value": None if not math.isfinite(self.data_value) else float(self.data_value),
            "data_unit": self.data_unit,
            "source": self.source,
            "data_year": self.data_year,
            "verdict": self.verdict,
            "tolerance": self.tolerance,
            "note": self.note,
        }


@dataclass(frozen=True)
class CheckContext:
    """What every check needs: the main pair, the year rule and the store.

    ``year`` is the year asked for (``--year``) or the article's own date year;
    ``None`` means "the latest year with data" for each check.
    """

    main_pair: tuple[str, str] | None
    year: int | None
    year_note: str
    store: Any = None
    fx: Mapping[str, float] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    #: Publication date (``--date``, HTML metadata or the text); no data year after it is used.
    published: dt.date | None = None

    @property
    def base_year(self) -> int | None:
        """The year "this year" means: the publication year, else the year asked for."""
        return self.published.year if self.published is not None else self.year

    @property
    def year_cap(self) -> int | None:
        """The last complete year before publication (``None`` without a publication date)."""
        return self.published.year - 1 if self.published is not None else None


def _cached(ctx: CheckContext, key: str, fn: Callable[[], Any]) -> Any:
    """``fn()`` once per reading (checks of many claims reuse the same data; a TradegapError is reused too)."""
    if key not in ctx.cache:
        try:
            ctx.cache[key] = fn()
        except TradegapError as exc:
            ctx.cache[key] = exc
    value = ctx.cache[key]
    if isinstance(value, TradegapError):
        raise value
    return value


def _surface_iso3(ctx: CheckContext, surface: str) -> str:
    """ISO3 of a gazetteer surface form ("Russia", "Iran"), or ``""``."""
    from tradegap.countries import gazetteer

    table = _cached(ctx, "gazetteer", lambda: dict(zip(gazetteer()["surface"], gazetteer()["iso3"], strict=True)))
    return str(table.get(surface, ""))


def _not(claim: Claim, check: str, pair, reason: str, *, year: int | None = None, source: str = "") -> ClaimCheck:
    return ClaimCheck(claim, check, pair, "", float("nan"), "", source, year, "not checkable", "", reason)


def _fmt_musd(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1000:
        return f"USD {x / 1000:,.2f} billion"
    return f"USD {x:,.1f} million"


def _name(iso3: str) -> str:
    from tradegap.countries import country_name

    try:
        name = country_name(iso3)
    except TradegapError:
        return iso3
    return {"IRN": "Iran", "RUS": "Russia", "USA": "United States", "GBR": "United Kingdom"}.get(iso3, name)


# --------------------------------------------------------------------------- pair and year
#: A clause about one unnamed country ("the country's exports" left unresolved): never the pair by default.
_ONE_COUNTRY = re.compile(r"\b(?:the|its|their)\s+(?:country|nation|neighbou?r)\b", re.I)


def claim_pair(claim: Claim, ctx: CheckContext, *, strict: bool = False) -> tuple[str, str] | None:
    """The pair a claim is about.

    Its flow direction if parsed; else two countries named in its clause, else in
    its sentence; else the main pair.  With ``strict`` (value and growth checks)
    a claim naming only one country uses the main pair only when it says
    "bilateral", "the two countries" …; otherwise there is no pair, and neither is
    there for a clause about one unnamed country ("the country's exports") that
    :func:`tradegap.article.mentions.resolve_references` left unresolved.
    """
    d = claim.details
    if d.get("direction") == "a>b":
        return (d["exporter"], d["importer"])
    main = ctx.main_pair
    for codes in (list(claim.clause_countries), list(claim.countries)):
        if len(codes) >= 2:
            if main and main[0] in codes and main[1] in codes:
                return main
            return (codes[0], codes[1])
    codes = list(claim.countries)
    if strict and not d.get("bilateral"):
        if not codes and main is not None and not _ONE_COUNTRY.search(claim.quote):
            return main
        return None
    if len(codes) == 1 and main and codes[0] in main:
        return main
    if len(codes) == 1:
        return None
    return main


def _pair_trade(a: str, b: str, ctx: CheckContext):
    key = f"trade:{min(a, b)}:{max(a, b)}"
    trade = measure.trade
    return _cached(ctx, key, lambda: trade(a, b, source="dots", store=ctx.store))


def _flow(ctx: CheckContext, exporter: str, importer: str, year: int) -> float:
    """DOTS flow exporter → importer in year, USD millions (NaN if missing), from a per-reading lookup."""
    a, b = sorted((exporter, importer))

    def build() -> dict[tuple[str, str, int], float]:
        f = _pair_trade(a, b, ctx).flows
        return {
            (str(e), str(i), int(y)): float(v) if pd.notna(v) else float("nan")
            for e, i, y, v in zip(f["exporter"], f["importer"], f["year"], f["value"], strict=True)
        }

    return _cached(ctx, f"flows:{a}:{b}", build).get((exporter, importer, int(year)), float("nan"))


def latest_year(a: str, b: str, ctx: CheckContext) -> int:
    """Latest year in which DOTS has a positive total for the pair."""

    def compute() -> int:
        frame = _pair_trade(a, b, ctx).to_frame()
        ok = frame.loc[frame["total"].notna() & (frame["total"] > 0), "year"]
        if ok.empty:
            from tradegap.errors import CoverageError

            raise CoverageError(f"IMF DOTS has no trade between {a} and {b} in any year.", hint="Check the pair.")
        return int(ok.max())

    return _cached(ctx, f"latest:{min(a, b)}:{max(a, b)}", compute)


class _NotCheckable(Exception):
    """A claim that cannot be checked, with the reason (internal; becomes "not checkable: reason")."""


def _year_for(claim: Claim, pair: tuple[str, str], ctx: CheckContext) -> tuple[int, str]:
    """The year to compare.

    The claim's own year; else "last year"/"this year" relative to the
    publication date (or ``--year``); else ``--year``; else the last complete
    year before publication; else the latest year with data.  No year after
    publication is used: a claim about the publication year itself is a part
    year (not checkable), one about a later year a forecast.  A year after the
    data's end falls back to the last year with data, stated in the note.
    """
    y = claim.details.get("year")
    rel = claim.details.get("relative_year")
    latest = latest_year(*pair, ctx)
    pub = ctx.published
    if y is not None:
        y = int(y)
        if pub is not None and y >= pub.year and not claim.details.get("period"):
            if y == pub.year:
                raise _NotCheckable(
                    f"partial period: the claim is about {y}, and the article was published on "
                    f"{pub.isoformat()}, before {y} was over")
            raise _NotCheckable(f"the claim is about {y}, after the article's publication ({pub.isoformat()}): "
                                "a forecast, not a fact the data can hold")
        return y, "year written in the claim"
    if rel is not None:
        base = ctx.base_year
        if base is None:
            raise _NotCheckable(
                f"the claim says {'last' if rel else 'this'} year, but the article states no date (give --date)"
            )
        y = base + rel
        if pub is not None and y >= pub.year and not claim.details.get("period"):
            raise _NotCheckable(
                f"partial period: 'this year' is {y}, and the article was published on {pub.isoformat()}, "
                "before the year was over")
        if y > latest:
            raise _NotCheckable(f"the claim refers to {y}; the data end in {latest}")
        basis = f"published {pub.isoformat()}" if pub is not None else ctx.year_note
        return y, f"{'last' if rel else 'this'} year relative to {base} ({basis})"
    if ctx.year is not None and ctx.published is None:
        if ctx.year > latest:
            return latest, f"{ctx.year_note}; data end in {latest}, so {latest} is used"
        return ctx.year, ctx.year_note
    if ctx.year is not None:  # --year with a publication date: the year asked, never after publication
        y = min(ctx.year, ctx.year_cap) if ctx.year_cap is not None else ctx.year
        note = ctx.year_note if y == ctx.year else f"{ctx.year_note}, capped at {y} (last complete year before publication)"
        if y > latest:
            return latest, f"{note}; data end in {latest}, so {latest} is used"
        return y, note
    if ctx.year_cap is not None:
        cap = ctx.year_cap
        if cap > latest:
            return latest, (f"last complete year before publication ({ctx.published.isoformat()}) is {cap}; "
                            f"the data end in {latest}, so {latest} is used")
        return cap, f"{cap}, the last complete year before publication ({ctx.published.isoformat()})"
    return latest, f"latest year with data ({latest}); the article states no date (give --date)"


# --------------------------------------------------------------------------- checks
def _verdict_ratio(claimed: float, data: float, tol: float) -> Verdict:
    rel = claimed / data - 1.0
    if abs(rel) <= tol:
        return "consistent"
    return "higher than data" if rel > 0 else "lower than data"


def _usd_millions(claim: Claim, year: int, ctx: CheckContext) -> tuple[float | None, str]:
    d = claim.details
    cur = d["currency"]
    amount = float(d["amount"])
    if cur == "USD":
        return amount / 1e6, ""
    rate = ctx.fx.get(f"{cur}:{year}", ctx.fx.get(cur))
    if rate is None:
        return None, (
            f"not checkable: currency {cur} (no {cur}→USD rate for {year} is known; "
            f"pass one with --fx {cur.split('/')[0]}=RATE)"
        )
    return amount * float(rate) / 1e6, f"converted at {rate} USD per {cur}"


def _pair_value(ctx: CheckContext, claim: Claim, pair: tuple[str, str], year: int) -> tuple[float, str]:
    """DOTS value the claim is about in ``year`` (one direction or both), USD millions, and its label."""
    a, b = pair
    if claim.details.get("direction") == "a>b":
        return _flow(ctx, a, b, year), f"{_name(a)} → {_name(b)} exports"
    return _flow(ctx, a, b, year) + _flow(ctx, b, a, year), f"{_name(a)}–{_name(b)} total trade (both directions)"


def _claimed_range(claim: Claim, scale: float) -> tuple[float, float, float]:
    """(value, low, high) claimed in USD millions, given the USD-millions factor of one currency unit."""
    d = claim.details
    value = float(d["amount"]) * scale
    low = float(d.get("low", d["amount"])) * scale
    high = float(d.get("high", d["amount"])) * scale
    return value, low, high


def _range_verdict(low: float, high: float, data: float, tol: float) -> Verdict:
    """Consistent when ``[low, high]`` meets ``data`` ± ``tol`` (a single value: claim / data − 1 within ±tol)."""
    if low <= data * (1 + tol) and high >= data * (1 - tol):
        return "consistent"
    return "higher than data" if low > data * (1 + tol) else "lower than data"


def _fmt_claim(value: float, low: float, high: float) -> str:
    return _fmt_musd(value) if low == high else f"{_fmt_musd(low)}–{_fmt_musd(high)}"


def check_value(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Amount vs DOTS for the pair (or one direction) in the claim's year; ±10 %.

    A range ("$3–4 billion") is consistent when the data fall inside it (±10 %).
    A part of a year ("the first eight months", "Q3", "January–August") is set
    against the same share of the annual value, pro rata (no monthly data are
    shipped), ±20 %, and says so; "so far this year" is not checkable.  A sum over
    several years ("over the last three years", "a total of … between 2015 and
    2019") is set against the sum over the same years.
    """
    tol = f"±{VALUE_TOLERANCE:.0%} of the data value"
    cur = claim.details["currency"]
    if cur != "USD" and not any(k == cur or k.startswith(f"{cur}:") for k in ctx.fx):
        return _not(claim, "value", claim_pair(claim, ctx), (
            f"not checkable: currency {cur} (no {cur}→USD rate is known; tradegap ships no exchange rates — "
            f"pass one with --fx {cur.split('/')[0]}=USD_PER_UNIT)"), source=DOTS_SOURCE)
    pair = claim_pair(claim, ctx, strict=True)
    if pair is None:
        return _not(claim, "value", None, "not checkable: the claim names only one country of a pair")
    if claim.details.get("sectors"):
        names = ", ".join(s_.replace("_", " ") for s_ in claim.details["sectors"])
        return _not(claim, "value", pair, (
            f"not checkable: the amount is for {names} only, and the data hold total goods trade per year "
            "(sector values only for SITC sections in 2015, see the sector check)"), source=DOTS_SOURCE)
    period = claim.details.get("period")
    if period is not None and period.get("months") is None:
        return _not(claim, "value", pair, (
            f"not checkable: partial period ({period['label']!r}: the months it covers are not stated; "
            "the data are annual)"), source=DOTS_SOURCE)
    span = claim.details.get("span")
    if span is not None:
        return _check_span(claim, ctx, pair, span)
    year, how = _year_for(claim, pair, ctx)
    claimed, conv = _usd_millions(claim, year, ctx)
    if claimed is None:
        return ClaimCheck(claim, "value", pair, "", float("nan"), "USD millions", DOTS_SOURCE, year,
                          "not checkable", tol, conv)
    value, low, high = _claimed_range(claim, claimed / float(claim.details["amount"]))
    annual, what = _pair_value(ctx, claim, pair, year)
    if not math.isfinite(annual) or annual <= 0:
        return ClaimCheck(claim, "value", pair, f"no DOTS value for {what} in {year}", float("nan"), "USD millions",
                          DOTS_SOURCE, year, "not checkable", tol, f"not checkable: no data for {year}")
    note = "; ".join(x for x in (how, conv) if x)
    if period is not None:
        first, last = period["months"]
        months = last - first + 1
        data = annual * months / 12.0
        tol = (f"±{PRO_RATA_TOLERANCE:.0%} of the pro-rata value ({months} of 12 months of the annual value; "
               "tradegap ships annual data only, so seasonality is not known)")
        verdict = _range_verdict(low, high, data, PRO_RATA_TOLERANCE)
        text = (f"{what} in {year}: {_fmt_musd(annual)} for the year, {_fmt_musd(data)} pro rata for "
                f"{months} months ({period['label']}); the article says {_fmt_claim(value, low, high)} "
                f"({value / data - 1:+.0%} of the pro-rata value)")
        note = "; ".join(x for x in (f"partial period {period['label']!r} compared pro rata", note) if x)
        return ClaimCheck(claim, "value", pair, text, data, "USD millions", DOTS_SOURCE, year, verdict, tol, note)
    verdict = _range_verdict(low, high, annual, VALUE_TOLERANCE)
    text = f"{what} in {year}: {_fmt_musd(annual)}; the article says {_fmt_claim(value, low, high)} ({value / annual - 1:+.0%})"
    if low != high:
        tol = f"the data within the claimed range, ±{VALUE_TOLERANCE:.0%}"
    return ClaimCheck(claim, "value", pair, text, annual, "USD millions", DOTS_SOURCE, year, verdict, tol, note)


def _check_span(claim: Claim, ctx: CheckContext, pair: tuple[str, str], span: dict[str, Any]) -> ClaimCheck:
    """A sum over several years against the sum of the same years' DOTS values (±10 %)."""
    n = int(span["years"])
    latest = latest_year(*pair, ctx)
    if span.get("last") is not None:
        first, last = int(span["first"]), int(span["last"])
        how = f"years written in the claim ({span['label']})"
    else:
        end = ctx.year_cap if ctx.year_cap is not None else ctx.year
        if end is None:
            end, how = latest, f"the last {n} years with data (the article states no date; give --date)"
        else:
            how = f"the last {n} complete years before publication" if ctx.year_cap is not None else ctx.year_note
        if end > latest:
            raise _NotCheckable(f"the claim sums the {n} years to {end}; the data end in {latest}")
        first, last = end - n + 1, end
    if ctx.year_cap is not None and last > ctx.year_cap:
        raise _NotCheckable(f"the claim sums years up to {last}, after the article's publication "
                            f"({ctx.published.isoformat()})")
    claimed, conv = _usd_millions(claim, last, ctx)
    tol = f"±{VALUE_TOLERANCE:.0%} of the sum of the years' data values"
    if claimed is None:
        return ClaimCheck(claim, "value", pair, "", float("nan"), "USD millions", DOTS_SOURCE, last,
                          "not checkable", tol, conv)
    value, low, high = _claimed_range(claim, claimed / float(claim.details["amount"]))
    values = []
    what = ""
    for y in range(first, last + 1):
        v, what = _pair_value(ctx, claim, pair, y)
        values.append(v)
    if not all(math.isfinite(v) and v > 0 for v in values):
        missing = [y for y, v in zip(range(first, last + 1), values) if not (math.isfinite(v) and v > 0)]
        return _not(claim, "value", pair, f"not checkable: no DOTS value for {missing} of the {n}-year sum",
                    year=last, source=DOTS_SOURCE)
    total = float(sum(values))
    verdict = _range_verdict(low, high, total, VALUE_TOLERANCE)
    text = (f"{what}, sum of {first}–{last} ({n} years): {_fmt_musd(total)} (yearly "
            f"{', '.join(f'{v:,.0f}' for v in values)} USD millions); the article says {_fmt_claim(value, low, high)} "
            f"({value / total - 1:+.0%})")
    note = "; ".join(x for x in (f"a {n}-year sum, compared with the sum of the same years", how, conv) if x)
    return ClaimCheck(claim, "value", pair, text, total, "USD millions", DOTS_SOURCE, last, verdict, tol, note)


def check_growth(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Growth rate vs DOTS, year on year; ±3 percentage points."""
    tol = f"±{GROWTH_TOLERANCE_PP:g} percentage points"
    pair = claim_pair(claim, ctx, strict=True)
    if pair is None:
        return _not(claim, "growth", None, "not checkable: no pair for this claim")
    period = claim.details.get("period")
    if period is not None:
        return _not(claim, "growth", pair, (
            f"not checkable: partial period ({period['label']!r}): a change over part of a year can differ from "
            "the annual change, and tradegap ships annual data only"), source=DOTS_SOURCE)
    year, how = _year_for(claim, pair, ctx)
    a, b = pair
    if claim.details.get("direction") == "a>b":
        now, before = _flow(ctx, a, b, year), _flow(ctx, a, b, year - 1)
        what = f"{_name(a)} → {_name(b)} exports"
    else:
        now = _flow(ctx, a, b, year) + _flow(ctx, b, a, year)
        before = _flow(ctx, a, b, year - 1) + _flow(ctx, b, a, year - 1)
        what = f"{_name(a)}–{_name(b)} total trade"
    if not (math.isfinite(now) and math.isfinite(before) and before > 0):
        return ClaimCheck(claim, "growth", pair, "", float("nan"), "%", DOTS_SOURCE, year, "not checkable", tol,
                          f"not checkable: no DOTS values for {year - 1} and {year}")
    g = (now / before - 1.0) * 100.0
    claimed = float(claim.details["growth_pct"])
    diff = claimed - g
    verdict: Verdict = "consistent" if abs(diff) <= GROWTH_TOLERANCE_PP else ("higher than data" if diff > 0 else "lower than data")
    text = f"{what} changed {g:+.1f}% from {year - 1} to {year} ({_fmt_musd(before)} → {_fmt_musd(now)}); the article says {claimed:+g}%"
    return ClaimCheck(claim, "growth", pair, text, g, "%", DOTS_SOURCE, year, verdict, tol, how)


_POSSESSIVE = re.compile(
    r"(\w+)(?:'s|’s)\s+(?:(?:total|foreign|overall)\s+trade\s+with\b|trade\s+with\b|"
    r"(?:\w+[- ])?(?:largest|biggest|top|main|leading|major|\w+)?\s*trad(?:e|ing)\s+partners?\b)"
)


def check_peer(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Comparison with other partners, answered with :func:`tradegap.measure.peers`.

    * "largest/biggest trading partner" → rank 1; "Nth largest" → rank N;
      "top/main/leading/major partner" → rank ≤ 5;
    * "the same as X's trade with (some) small countries" → consistent when most
      (≥ half) of the 10 partners of X closest in trade value to the pair have a
      GDP smaller than the partner's.
    """
    pair = claim_pair(claim, ctx)
    if pair is None:
        return _not(claim, "peer", None, "not checkable: no pair for this claim")
    if claim.kind == "rank":
        return _check_rank(claim, ctx, pair)
    a, b = pair
    # which country's partners: the possessive ("Russia's trade with"), else the first of the pair
    country = a
    m = _POSSESSIVE.search(claim.quote)
    if m and _surface_iso3(ctx, m.group(1)) in pair:
        country = _surface_iso3(ctx, m.group(1))
    partner = b if country == a else a
    year, how = _year_for(claim, pair, ctx)
    _peers = measure.peers

    def peers(c: str, q: str, *, year: int, store: Any, n: int) -> Any:
        return _cached(ctx, f"peers:{c}:{q}:{year}:{n}", lambda: _peers(c, q, year=year, store=store, n=n))

    p = peers(country, partner, year=year, store=ctx.store, n=10)
    src = f"{DOTS_SOURCE}; GDP: World Bank WDI"
    q = claim.quote.lower()
    rank_text = (f"{_name(partner)} was {_name(country)}'s partner no. {p.rank} of {p.n_partners} in {year} "
                 f"({_fmt_musd(p.total)}, {p.share:.1%} of {_name(country)}'s trade)")
    if claim.kind == "share":
        tol = f"±{SHARE_TOLERANCE_PP:g} percentage points"
        of = str(claim.details.get("of", ""))
        of3 = _surface_iso3(ctx, of)
        if of3 not in pair:
            raise _NotCheckable(f"the share is of {of!r}'s trade, not of a country of the pair {pair[0]}–{pair[1]}")
        if of3 != country:
            p = peers(of3, a if of3 == b else b, year=year, store=ctx.store, n=10)
            country, partner = of3, (a if of3 == b else b)
        data_pct = p.share * 100.0
        claimed = float(claim.details["share_pct"])
        diff = claimed - data_pct
        verdict_s: Verdict = "consistent" if abs(diff) <= SHARE_TOLERANCE_PP else (
            "higher than data" if diff > 0 else "lower than data")
        text = (f"{_name(partner)}'s share of {_name(country)}'s goods trade in {year}: {data_pct:.1f}% "
                f"(rank {p.rank} of {p.n_partners}); the article says {claimed:g}%")
        return ClaimCheck(claim, "peer", pair, text, data_pct, "%", src, year, verdict_s, tol, how)
    rank_claim = re.search(r"\b(largest|biggest|top|main|leading|major|(\d+)(?:st|nd|rd|th)[- ]largest)\b", q)
    if rank_claim and "partner" in q:
        if rank_claim.group(2):
            want, rule = int(rank_claim.group(2)), f"rank = {rank_claim.group(2)}"
            ok = p.rank == want
        elif rank_claim.group(1) in ("largest", "biggest"):
            want, rule, ok = 1, "rank = 1", p.rank == 1
        else:
            want, rule, ok = 5, "rank ≤ 5", p.rank <= 5
        verdict: Verdict = "consistent" if ok else ("higher than data" if p.rank > want else "lower than data")
        return ClaimCheck(claim, "peer", pair, rank_text, float(p.rank), "rank", src, year, verdict, rule, how)
    table = p.table
    peers_only = table.loc[~table["is_partner"].astype(bool)]
    partner_row = table.loc[table["is_partner"].astype(bool)]
    gdp_partner = float(partner_row["gdp_busd"].iloc[0]) if len(partner_row) else float("nan")
    gdps = peers_only["gdp_busd"].astype("float64")
    known = gdps.notna()
    if not math.isfinite(gdp_partner) or known.sum() == 0:
        return ClaimCheck(claim, "peer", pair, rank_text, float(p.rank), "rank", src, year, "not checkable",
                          "", "not checkable: GDP of the peers is missing in WDI")
    smaller = int((gdps[known] < gdp_partner).sum())
    half = int((gdps[known] < gdp_partner / 2).sum())
    n = int(known.sum())
    median = float(gdps[known].median())
    names = ", ".join(f"{r.name} ({r.total:,.0f})" for r in peers_only.head(6).itertuples())
    text = (f"{rank_text}. Partners of {_name(country)} with similar trade (USD millions): {names}; "
            f"{smaller} of {n} have a smaller GDP than {_name(partner)}, {half} less than half of it "
            f"(median GDP {median:,.0f} vs {gdp_partner:,.0f} USD billion)")
    if "small" in q or "same" in q or "similar" in q or "comparable" in q or "par" in q:
        verdict = "consistent" if median < gdp_partner else "inconsistent"
        rule = (f"'small countries': consistent when the median GDP of the {n} partners of {_name(country)} "
                f"closest in trade value is below {_name(partner)}'s GDP")
        return ClaimCheck(claim, "peer", pair, text, median / gdp_partner, "median peer GDP / partner GDP", src,
                          year, verdict, rule, how)
    return ClaimCheck(claim, "peer", pair, text, float(p.rank), "rank", src, year, "not checkable", "",
                      "not checkable: the comparison is not one tradegap can score (shown for reference); " + how)


_OWNER_BEFORE = re.compile(r"(\w+)(?:'s|’s)\s+(?:\w+\s+){0,2}$")
_OWNER_AFTER = re.compile(r"\s+(?:of|for|to|in|among|from)\s+(?:the\s+)?(\w+(?:\s\w+)?)")
_ROLE_LIST: Final[dict[str, str]] = {
    "total": "trading partners (exports + imports)", "imports": "import sources", "exports": "export markets",
}


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _check_rank(claim: Claim, ctx: CheckContext, pair: tuple[str, str]) -> ClaimCheck:
    """"X is Y's 5th largest supplier" against Y's partners ranked by the flow the role names.

    "partner" ranks by total trade, "supplier/source/exporter" by Y's imports,
    "buyer/customer/market/destination/importer" by Y's exports; "largest" is rank 1,
    "top/main/leading/major" rank ≤ 5.  The partners ranked next to X are shown.
    """
    d = claim.details
    rel = claim.quote.find(claim.trigger.split(" … ")[0])
    rel = max(rel, 0)
    owner = ""
    m = _OWNER_BEFORE.search(claim.quote[:rel])
    if m:
        owner = _surface_iso3(ctx, m.group(1))
    if owner not in pair:
        m = _OWNER_AFTER.match(claim.quote, rel + len(claim.trigger))
        if m:
            owner = _surface_iso3(ctx, m.group(1)) or _surface_iso3(ctx, m.group(1).split()[0])
    if owner not in pair:
        return _not(claim, "peer", pair, "not checkable: the rank does not say whose partners it ranks among")
    ranked = pair[1] if owner == pair[0] else pair[0]
    year, how = _year_for(claim, pair, ctx)
    p = _cached(ctx, f"peers-all:{owner}:{ranked}:{year}",
                lambda: measure.peers(owner, ranked, year=year, store=ctx.store, n=400))
    flow = str(d.get("flow", "total"))
    col = {"total": "total", "imports": "imports", "exports": "exports"}[flow]
    table = p.table.loc[p.table[col].notna() & (p.table[col] > 0)].sort_values(col, ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    table["rank_by"] = range(1, len(table) + 1)
    row = table.loc[table["iso3"] == ranked]
    src = DOTS_SOURCE
    if row.empty:
        return _not(claim, "peer", pair, f"not checkable: no {flow} between {owner} and {ranked} in {year}",
                    year=year, source=src)
    rank = int(row["rank_by"].iloc[0])
    want = d.get("rank")
    if want is None:
        ok, rule, want = rank <= 5, "rank ≤ 5 ('top', 'main', 'leading', 'major')", 5
    else:
        ok, rule = rank == int(want), f"rank = {want}"
    verdict: Verdict = "consistent" if ok else ("higher than data" if rank > int(want) else "lower than data")
    lo = max(0, rank - 3)
    around = table.iloc[lo : rank + 2]
    listing = "; ".join(f"{int(r.rank_by)}. {r.name} {float(getattr(r, col)):,.0f}" for r in around.itertuples())
    claimed = _ordinal(int(d["rank"])) if d.get("rank") else "top-5"
    text = (f"among {_name(owner)}'s {_ROLE_LIST[flow]} in {year}, {_name(ranked)} ranks {_ordinal(rank)} of "
            f"{len(table)}; the article says {claimed}. Ranked nearby (USD millions): {listing}")
    return ClaimCheck(claim, "peer", pair, text, float(rank), "rank", f"{src}; tradegap.measure.peers", year,
                      verdict, rule, how)


_POTENTIAL_MEANING: Final[dict[str, str]] = {
    "structural": "structural potential (given each country's total trade: do the two trade little with each other?)",
    "size_based": "size-based potential (GDP and geography: do the two trade little for their size?)",
}


def _potential(ctx: CheckContext, kind: str, pair: tuple[str, str], ref: int | None):
    """:func:`tradegap.potential.structural` / ``size_based`` for the pair, cached per reading."""
    fn = {"structural": world.structural, "size_based": world.size_based}[kind]  # persisted world model
    latest = _cached(ctx, f"potential:{kind}:{pair[0]}:{pair[1]}", lambda: fn(*pair, store=ctx.store))
    years = pd.to_numeric(latest.to_frame()["year"], errors="coerce")
    if ref is None or not len(years) or ref >= int(years.max()):
        return latest
    try:  # an earlier reference year (an older article): the potentials of that year
        return _cached(ctx, f"potential:{kind}:{pair[0]}:{pair[1]}:{ref}",
                       lambda: fn(*pair, years=[ref], store=ctx.store))
    except TradegapError:
        return latest


def _check_potential(claim: Claim, ctx: CheckContext, kind: str, check: str) -> ClaimCheck:
    """"Can be increased": supported by the model when the potential exceeds actual trade by more than 10 %."""
    tol = f"supported when the potential exceeds actual trade by more than {POTENTIAL_MARGIN:.0%}"
    pair = claim_pair(claim, ctx)
    if pair is None:
        return _not(claim, check, None, "not checkable: no pair for this claim")
    ref, how = _ref_year(pair, ctx)
    pot = _potential(ctx, kind, pair, ref)
    year, actual, potential, source = _potential_summary(pot, ref, kind)
    if not (math.isfinite(actual) and math.isfinite(potential) and actual > 0):
        return ClaimCheck(claim, check, pair, "", float("nan"), "ratio", source, year, "not checkable", tol,
                          "not checkable: no actual/potential values for the pair"
                          + (f" in or before {ref}" if ref is not None else ""))
    ratio = potential / actual
    label = "structural" if kind == "structural" else "size-based"
    if ratio > 1 + POTENTIAL_MARGIN:
        verdict: Verdict = "supported"
        words = (f"supported by the model: actual trade is {1 - actual / potential:.0%} below the {label} potential")
    else:
        verdict = "not supported"
        where = "above" if ratio < 1 else "at (within 10% of)"
        words = f"not supported by the model: actual trade is {where} the {label} potential"
    text = (f"{words}. {_POTENTIAL_MEANING[kind]} of {_name(pair[0])}–{_name(pair[1])} trade in {year}: "
            f"{_fmt_musd(potential)} vs actual {_fmt_musd(actual)} (potential/actual {ratio:.2f})")
    note = how if year == ref else f"{how}; latest year with a potential estimate: {year}"
    return ClaimCheck(claim, check, pair, text, ratio, "potential / actual", source, year, verdict, tol, note)


def check_potential(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """'Can be increased' vs :func:`tradegap.potential.structural`: supported when potential > actual by > 10 %."""
    return _check_potential(claim, ctx, "structural", "potential")


def check_potential_size(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """'Can be increased' vs :func:`tradegap.potential.size_based` (same rule)."""
    return _check_potential(claim, ctx, "size_based", "potential_size")


_NATURE_WORDS: Final[dict[str, str]] = {"target": "target", "forecast": "forecast", "potential": "potential"}


def check_target(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """A target, forecast or stated potential ("a $10 billion target by 2025", "could reach …",
    "the potential to export …") against the model's potentials, not against one year's trade.

    The amount (per year: a sum "over the next five years" is divided by five) is
    set beside the latest actual value and the structural and size-based
    potentials of the same flow.  Supported by the model when it is at most the
    larger potential (+10 %); not supported when it exceeds both.
    """
    d = claim.details
    nature = _NATURE_WORDS.get(str(d.get("nature")), "target")
    tol = (f"supported when the {nature} is at most the larger of the structural and size-based potentials "
           f"(+{POTENTIAL_MARGIN:.0%})")
    pair = claim_pair(claim, ctx, strict=True)
    if pair is None:
        return _not(claim, "target", None, f"not checkable: the {nature} names only one country of a pair")
    if d.get("sectors"):
        names = ", ".join(s_.replace("_", " ") for s_ in d["sectors"])
        return _not(claim, "target", pair, f"not checkable: the {nature} is for {names} only; the potentials are "
                    "for total goods trade")
    ref, how = _ref_year(pair, ctx)
    claimed, conv = _usd_millions(claim, ref or GE_LAST_YEAR, ctx)
    if claimed is None:
        return _not(claim, "target", pair, conv)
    value, low, high = _claimed_range(claim, claimed / float(d["amount"]))
    span = d.get("span") or {}
    per_year = ""
    if span.get("years"):
        n = int(span["years"])
        value, low, high = value / n, low / n, high / n
        per_year = f" a year ({n}-year sum / {n})"
    direction = (d["exporter"], d["importer"]) if d.get("direction") == "a>b" else None
    parts = []
    pots: dict[str, float] = {}
    year = None
    for kind in ("structural", "size_based"):
        pot = _potential(ctx, kind, pair, ref)
        year, actual, potential, _ = _potential_summary(pot, ref, kind, direction=direction)
        pots[kind] = potential
    if not all(math.isfinite(v) for v in pots.values()) or not math.isfinite(actual):
        return _not(claim, "target", pair, "not checkable: no actual/potential values for the pair", year=year)
    what = (f"{_name(direction[0])} → {_name(direction[1])} exports" if direction else
            f"{_name(pair[0])}–{_name(pair[1])} trade")
    best = max(pots.values())
    by = f" by {d['by_year']}" if d.get("by_year") else ""
    parts.append(f"the article's {nature}{by}: {_fmt_claim(value, low, high)}{per_year}, "
                 f"{value / actual:.1f}× actual {what} in {year} ({_fmt_musd(actual)})")
    parts.append(f"structural potential {_fmt_musd(pots['structural'])}, size-based potential "
                 f"{_fmt_musd(pots['size_based'])}")
    if low <= best * (1 + POTENTIAL_MARGIN):
        verdict: Verdict = "supported"
        which = "structural" if low <= pots["structural"] * (1 + POTENTIAL_MARGIN) else "size-based"
        head = f"supported by the model: the {nature} is within the {which} potential"
        if which == "size-based":
            head += (" (reachable only if the two trade as much as their economic size predicts, "
                     "not at their present overall trade)")
    else:
        verdict = "not supported"
        head = f"not supported by the model: the {nature} is above both potentials"
    note = "; ".join(x for x in (f"a {nature}, checked against the potentials, not one year's trade", how, conv) if x)
    return ClaimCheck(claim, "target", pair, f"{head}. " + "; ".join(parts), value, "USD millions",
                      "tradegap.potential.structural and size_based (CEPII BACI)", year, verdict, tol, note)


def _potential_summary(
    pot: Any, year: int | None, kind: str = "structural", *, direction: tuple[str, str] | None = None
) -> tuple[int | None, float, float, str]:
    """(year, actual, potential, source) from a :class:`tradegap.potential.Potential`, USD millions.

    Both directions are summed (or the one ``direction``); the year is ``year`` when the
    frame has it, else its latest year with both actual and potential that is not after ``year``.
    """
    frame = pot.to_frame()
    for col in ("year", "actual", "potential"):
        if col not in frame.columns:
            raise KeyError(f"Potential.to_frame() has no {col!r} column: {list(frame.columns)}")
    if "variant" in frame.columns and len(frame):
        frame = frame.loc[frame["variant"] == frame["variant"].iloc[0]]  # the headline variant
    if direction is not None and {"exporter", "importer"} <= set(frame.columns):
        frame = frame.loc[(frame["exporter"] == direction[0]) & (frame["importer"] == direction[1])]
    scale = str(frame["scale"].iloc[0]) if "scale" in frame.columns and len(frame) else getattr(pot, "scale", "millions")
    factor = {"thousands": 1e-3, "units": 1e-6, "millions": 1.0}.get(scale, 1.0)
    by_year = frame.groupby("year", as_index=False)[["actual", "potential"]].sum(min_count=1)
    by_year = by_year.dropna(subset=["actual", "potential"])
    if year is not None:
        by_year = by_year.loc[by_year["year"] <= year]
    source = getattr(pot, "source", "baci")
    if by_year.empty:
        return None, float("nan"), float("nan"), f"tradegap.potential.{kind} ({source})"
    row = by_year.iloc[-1]
    return (int(row["year"]), float(row["actual"]) * factor, float(row["potential"]) * factor,
            f"tradegap.potential.{kind} ({source})")


#: Last complete year of the BACI totals behind the GE baseline (2020 is incomplete in the shipped data).
GE_LAST_YEAR: Final[int] = DATASETS["baci"].usable_last


def check_scenario(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """A scenario hint from :func:`tradegap.ge.pair_scenarios` — a what-if, never a verdict."""
    pair = claim_pair(claim, ctx)
    if pair is None:
        return _not(claim, "scenario", None, "not checkable: no pair for this claim")
    pair_scenarios = scenarios.pair_scenarios
    year, how = _ref_year(pair, ctx)
    if year is None or year > GE_LAST_YEAR:
        how = f"{how}; the GE baseline uses {GE_LAST_YEAR}, the last complete year of BACI totals"
        year = GE_LAST_YEAR
    bloc = claim.details.get("bloc")
    members = None
    if bloc is not None:
        from tradegap.countries import GROUPS

        group = set(GROUPS.get(bloc, ()))
        inside = [c for c in pair if c in group]
        if len(inside) == 1:  # the FTA is with the bloc: the member goes second, the others join it
            pair = (pair[0], pair[1]) if inside[0] == pair[1] else (pair[1], pair[0])
            members = tuple(sorted(group - {pair[1]}))
    key = f"scen:{pair[0]}:{pair[1]}:{year}:{members}"

    def solve() -> Any:
        # the world model's stored baseline of the year (built once per dataset), not a rebuild from the data
        base = _cached(ctx, f"ge_baseline:{year}", lambda: world.scenario_baseline(year, store=ctx.store))
        return pair_scenarios(*pair, year=year, store=ctx.store, members=members, baseline=base)

    sc = _cached(ctx, key, solve)
    frame = sc.to_frame()
    parts = []
    for r in frame.itertuples(index=False):
        v = r.pair_trade_change_pct
        if v is not None and math.isfinite(float(v)):
            parts.append(f"{r.description}: pair trade {float(v):+.0f}%")
    text = f"what-if for {_name(pair[0])}–{_name(pair[1])} trade, {year} baseline — " + "; ".join(parts)
    if members:
        text += f" (the FTA scenario joins {pair[0]} with the {bloc}: {', '.join((pair[1], *members))})"
    values = pd.to_numeric(frame["pair_trade_change_pct"], errors="coerce")
    best = float(values.max()) if values.notna().any() else float("nan")
    return ClaimCheck(claim, "scenario", pair, text, best, "% change of pair trade (largest scenario)",
                      f"tradegap.ge.pair_scenarios (structural gravity GE, σ = {sc.sigma:g})", year,
                      "not checkable", "",
                      f"scenario hint: what policy could deliver, not evidence for the claim; {how}")


#: The article's sector words → tradegap.sectors codes, per scheme (first found is used).
SECTOR_CODES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "aerospace": {"high_tech": ("ht_aerospace",)},
    "advanced_technology": {"high_tech": ("ht_aerospace", "ht_computers", "ht_electronics", "ht_pharmacy",
                                          "ht_instruments", "ht_electrical", "ht_chemistry", "ht_machinery",
                                          "ht_armament")},
    "energy": {"sitc_section": ("sitc3",), "hs_section": ("hs05",)},
    "agriculture": {"sitc_section": ("sitc0", "sitc1", "sitc4"), "hs_section": ("hs01", "hs02", "hs03", "hs04")},
    "chemicals": {"sitc_section": ("sitc5",), "hs_section": ("hs06",)},
    "machinery": {"sitc_section": ("sitc7",), "hs_section": ("hs16",)},
    "vehicles": {"hs_section": ("hs17",)},
    "metals": {"hs_section": ("hs15",)},
    "arms": {"high_tech": ("ht_armament",), "hs_section": ("hs19",)},
}
#: The SITC section that contains a sector that SITC sections cannot isolate (shown as context only).
SITC_PROXY: Final[dict[str, str]] = {
    "aerospace": "sitc7", "advanced_technology": "sitc7", "vehicles": "sitc7", "metals": "sitc6", "arms": "sitc9",
}
_UNDER = re.compile(
    r"\b(?:not commensurate|below|low|weak|insufficient|modest|small|limited|lag\w*|needs? to be (?:enhanced|increased"
    r"|expanded)|untapped|potential)\b", re.I,
)
_OVER = re.compile(r"\b(?:dominat\w*|main|largest|biggest|most|bulk|key|leading|major)\b", re.I)


def check_sector(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Sectors named vs :func:`tradegap.sectors.pair_sectors` (embedded UNCTADstat SITC sections).

    A sector the data can isolate is compared by its share in the pair's trade
    against its share in world trade: a claim of under-trade ("not commensurate",
    "needs to be enhanced") is consistent when the pair's share is more than 10 %
    below the world's; a claim of dominance ("dominates", "main") when it is more
    than 10 % above.  Sectors the data cannot isolate (aerospace, advanced
    technologies in SITC sections) are "not checkable", with the reason, and the
    SITC section that contains them is shown as context.
    """
    pair = claim_pair(claim, ctx)
    if pair is None:
        return _not(claim, "sector", None, "not checkable: no pair for this claim")
    pair_sectors = sector_view.pair_sectors
    key = f"sectors:{pair[0]}:{pair[1]}"
    ps = _cached(ctx, key, lambda: pair_sectors(*pair, fit=False))
    table = ps.table.set_index("sector")
    scheme = ps.scheme
    named = tuple(claim.details.get("sectors", ()))
    src = f"tradegap.sectors.pair_sectors ({ps.source}, {ps.scheme}, {ps.year})"
    tol = "pair share of the sector vs world share, ±10 %"
    mapped = {n: [c for c in SECTOR_CODES.get(n, {}).get(scheme, ()) if c in table.index] for n in named}
    missing = [n for n, codes in mapped.items() if not codes]
    found = {n: codes for n, codes in mapped.items() if codes}
    parts: list[str] = []
    ratios: list[float] = []
    for n, codes in found.items():
        pair_share = float(table.loc[codes, "pair_composition"].sum())
        world_share = float(table.loc[codes, "world_composition"].sum())
        ratio = pair_share / world_share if world_share > 0 else float("nan")
        ratios.append(ratio)
        parts.append(f"{n.replace('_', ' ')} ({'+'.join(codes)}): {pair_share:.1%} of the pair's trade vs "
                     f"{world_share:.1%} of world trade")
    proxies: dict[str, list[str]] = {}
    for n in missing:
        proxy = SITC_PROXY.get(n)
        if proxy and proxy in table.index:
            proxies.setdefault(proxy, []).append(n.replace("_", " "))
    for proxy, names in proxies.items():
        r = table.loc[proxy]
        parts.append(f"{' and '.join(names)} cannot be isolated; the section containing "
                     f"{'them' if len(names) > 1 else 'it'}, {proxy} {r['name']}, is "
                     f"{float(r['pair_composition']):.1%} of the pair's trade vs "
                     f"{float(r['world_composition']):.1%} of world trade")
    text = f"{ps.year}: " + "; ".join(parts) if parts else ""
    reason = ""
    if missing:
        why = next((n_ for n_ in ps.notes if "cannot be isolated" in n_), "")
        reason = (f"{', '.join(m.replace('_', ' ') for m in missing)} cannot be isolated in the "
                  f"{ps.scheme} data ({ps.source} {ps.year})" + (f": {why}" if why else ""))
    if not found:
        return ClaimCheck(claim, "sector", pair, text, float("nan"), "", src, ps.year, "not checkable", tol,
                          f"not checkable: {reason}")
    ratio = float(np.nanmin(ratios)) if ratios else float("nan")
    under, over = bool(_UNDER.search(claim.quote)), bool(_OVER.search(claim.quote))
    if under and not over:
        verdict: Verdict = "consistent" if ratio < 1 - 0.10 else "inconsistent"
    elif over and not under:
        ratio = float(np.nanmax(ratios))
        verdict = "consistent" if ratio > 1 + 0.10 else "inconsistent"
    else:
        verdict = "not checkable"
        reason = "; ".join(x for x in (reason, "the sentence names the sector without saying whether trade in it is high or low") if x)
    return ClaimCheck(claim, "sector", pair, text, ratio, "pair share / world share", src, ps.year, verdict, tol,
                      (f"partly checked: {reason}" if reason and verdict != "not checkable" else
                       (f"not checkable: {reason}" if verdict == "not checkable" else "")))


def _ref_year(pair: tuple[str, str] | None, ctx: CheckContext) -> tuple[int | None, str]:
    """The year for checks whose claim names none.

    ``--year`` (never after the last complete year before publication), else that
    last complete year, else the pair's latest DOTS year.
    """
    cap = ctx.year_cap
    if ctx.year is not None:
        if cap is not None and ctx.year > cap:
            return cap, f"{ctx.year_note}, capped at {cap} (last complete year before publication)"
        return ctx.year, ctx.year_note
    if cap is not None:
        return cap, f"{cap}, the last complete year before publication ({ctx.published.isoformat()})"
    if pair is None:
        return None, "no year"
    try:
        y = latest_year(*pair, ctx)
    except TradegapError:
        return None, "no trade data to fix a year"
    return y, f"latest year with trade data ({y}); the article states no date (give --date)"


def check_sanctions(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Sanctions named vs GSDB: cases in force on the target (or on either country) and the pair indicator.

    Consistent when at least one case against the target (or, with no target
    named, against either country or between them) is in force in the year.
    """
    pair = claim_pair(claim, ctx)
    _cases = sanctions.cases
    _indicator = sanctions.indicator

    def cases(*args: Any, **kwargs: Any) -> pd.DataFrame:
        return _cached(ctx, f"cases:{args}:{sorted(kwargs.items())}", lambda: _cases(*args, **kwargs))

    def indicator(*, years: list[int]) -> pd.DataFrame:
        return _cached(ctx, f"indicator:{years}", lambda: _indicator(years=years))

    target = claim.details.get("target")
    src = "Global Sanctions Data Base v3 (GSDB), tradegap.sanctions.cases / indicator"
    year, how = _ref_year(pair, ctx)
    gsdb = DATASETS["gsdb"]
    lo, hi = gsdb.first, gsdb.last
    if year is None:
        year, how = hi, f"latest year of the GSDB subset ({hi})"
    elif year < lo:  # never a later year than the article's: unknown before the subset starts
        return _not(claim, "sanctions", pair, f"not checkable: {year} is outside the sanctions data "
                    f"({gsdb.label} covers {gsdb.span}: {gsdb.note})", year=year, source=src)
    elif year > hi:
        how += f"; the sanctions data end in {hi}, so {hi} is used"
        year = hi
    if target is not None:
        df = cases(target)
        df = df.loc[df["relation"].astype(str).str.startswith("on ")]
        who = f"sanctions on {_name(target)}"
    elif pair is not None:
        df = cases(*pair, scope="targets")
        who = f"sanctions on or between {_name(pair[0])} and {_name(pair[1])}"
    else:
        return _not(claim, "sanctions", None, "not checkable: no country for this claim")
    end = pd.to_numeric(df["end"], errors="coerce").fillna(9999)
    active = df.loc[(pd.to_numeric(df["begin"], errors="coerce") <= year) & (end >= year)]
    n = len(active)
    senders: list[str] = []
    for s_ in active["sanctioning_state"].astype(str):
        for part in s_.split(","):
            if part.strip() and part.strip() not in senders:
                senders.append(part.strip())
    text = f"{n} GSDB case(s) of {who} in force in {year}"
    if senders:
        text += f" (senders: {', '.join(senders[:8])}{', …' if len(senders) > 8 else ''})"
    if pair is not None:
        ind = indicator(years=[year])
        row = ind.loc[(ind["exporter"] == pair[0]) & (ind["importer"] == pair[1])]
        flag = int(row["sanction_any"].iloc[0]) if len(row) else 0
        text += f"; sanctions indicator {pair[0]}–{pair[1]} {year}: sanction_any = {flag}"
    verdict: Verdict = "consistent" if n > 0 else "inconsistent"
    return ClaimCheck(claim, "sanctions", pair, text, float(n), "cases in force", src, year, verdict,
                      "consistent when at least one case is in force that year", how)


def check_contiguity(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Neighbourhood vs CEPII ``contig`` (land border) and tradegap's ``shared_sea``."""
    pair = claim_pair(claim, ctx)
    if pair is None:
        return _not(claim, "contiguity", None, "not checkable: no pair for this claim")
    from tradegap.store import resolve

    store = resolve(ctx.store)
    pairs = _cached(ctx, "pairs", store.pairs)
    a, b = pair
    row = pairs.loc[((pairs["exporter"] == a) & (pairs["importer"] == b)) | ((pairs["exporter"] == b) & (pairs["importer"] == a))]
    src = "CEPII GeoDist (contig) + tradegap shared_sea"
    if row.empty:
        return ClaimCheck(claim, "contiguity", pair, "", float("nan"), "", src, None, "not checkable", "",
                          f"not checkable: no GeoDist row for {a}–{b}")
    contig = int(row["contig"].iloc[0]) if pd.notna(row["contig"].iloc[0]) else 0
    sea = int(row["shared_sea"].iloc[0]) if "shared_sea" in row and pd.notna(row["shared_sea"].iloc[0]) else 0
    text = f"land border (contig) = {contig}; shared sea = {sea}"
    land_claim = bool(re.search(r"\bborder|land", claim.quote, re.I)) and not claim.details.get("sea")
    if land_claim:
        verdict: Verdict = "consistent" if contig else "inconsistent"
        rule = "a land border claimed: contig must be 1"
    else:
        verdict = "consistent" if (contig or sea) else "inconsistent"
        rule = "neighbours: contig = 1 or shared_sea = 1"
    return ClaimCheck(claim, "contiguity", pair, text, float(contig or sea), "flag", src, None, verdict, rule)


def check_none(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Claims tradegap has no check for (quantities, investment amounts)."""
    return _not(claim, "none", claim_pair(claim, ctx), "not checkable: " + claim.details.get("reason", "no check for this kind"))


CHECKS: Final[dict[str, Callable[[Claim, CheckContext], ClaimCheck]]] = {
    "value": check_value,
    "growth": check_growth,
    "peer": check_peer,
    "potential": check_potential,
    "potential_size": check_potential_size,
    "target": check_target,
    "scenario": check_scenario,
    "sector": check_sector,
    "sanctions": check_sanctions,
    "contiguity": check_contiguity,
    "none": check_none,
}
#: Extra checks run after the main one: a potential claim saying trade can grow
#: ("can be increased", "needs to be enhanced") also gets the GE scenario hint.
FOLLOW_UPS: Final[dict[str, tuple[str, ...]]] = {"potential": ("potential_size", "scenario")}

_COMPONENT_OF: Final[dict[str, str]] = {
    "value": "measure", "growth": "measure", "peer": "measure", "potential": "potential",
    "potential_size": "potential", "target": "potential", "scenario": "ge",
    "sector": "sectors", "sanctions": "sanctions", "contiguity": "store (pairs)", "none": "",
}


def run_checks(claims: list[Claim], ctx: CheckContext, *, only: Iterable[str] | None = None) -> list[ClaimCheck]:
    """Run each claim's check (and follow-ups); component errors become "not checkable".

    Parameters
    ----------
    claims
        The claims.
    ctx
        Main pair, year rule, store.
    only
        Names of the checks to run (see :data:`CHECKS`); the others are listed as
        "not checkable: check not run".  Default: all.
    """
    wanted = set(CHECKS) if only is None else set(only)
    unknown = sorted(wanted - set(CHECKS))
    if unknown:
        from tradegap.errors import InputError

        raise InputError(f"The 'checks' parameter must name checks among {sorted(CHECKS)}. Got {unknown} instead.")
    out: list[ClaimCheck] = []
    for claim in claims:
        follow = tuple(
            f for f in FOLLOW_UPS.get(claim.check, ()) if f != "scenario" or claim.details.get("increase", True)
        )
        for check in (claim.check, *follow):
            if check not in wanted:
                out.append(_not(claim, check, claim_pair(claim, ctx), "not checkable: check not run (skipped)"))
                continue
            try:
                out.append(CHECKS[check](claim, ctx))
            except _NotCheckable as exc:
                out.append(_not(claim, check, claim_pair(claim, ctx), f"not checkable: {exc}"))
            except TradegapError as exc:
                out.append(_not(claim, check, claim_pair(claim, ctx),
                                f"not checkable: {_COMPONENT_OF[check]}: {exc.message}"))
    return out
