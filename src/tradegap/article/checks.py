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

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from tradegap import measure, sanctions
from tradegap.article.claims import Claim
from tradegap.coverage import DATASETS
from tradegap.errors import TradegapError
from tradegap.views import potential as potentials
from tradegap.views import scenarios
from tradegap.views import sectors as sector_view

Verdict = Literal["consistent", "higher than data", "lower than data", "inconsistent", "not checkable"]
VERDICTS: Final[tuple[str, ...]] = ("consistent", "higher than data", "lower than data", "inconsistent", "not checkable")

#: Relative tolerance of value checks (claim vs data).
VALUE_TOLERANCE: Final[float] = 0.10
#: Absolute tolerance of growth checks, percentage points.
GROWTH_TOLERANCE_PP: Final[float] = 3.0
#: Absolute tolerance of share checks ("5% of Iran's trade"), percentage points.
SHARE_TOLERANCE_PP: Final[float] = 1.0
#: Potential must exceed actual trade by more than this share for "can be increased" to be consistent.
POTENTIAL_MARGIN: Final[float] = 0.10

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
def claim_pair(claim: Claim, ctx: CheckContext, *, strict: bool = False) -> tuple[str, str] | None:
    """The pair a claim is about.

    Its flow direction if parsed; else two countries named in its clause, else in
    its sentence; else the main pair.  With ``strict`` (value and growth checks)
    a claim naming only one country uses the main pair only when it says
    "bilateral", "the two countries" …; otherwise there is no pair.
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
        if not codes and main is not None:
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

    The claim's own year; else "last year"/"this year" relative to the article's
    date (or ``--year``); else the article's date year or ``--year``; else the
    latest year with data.  A year after the data's end falls back to the last
    year with data, stated in the note.
    """
    y = claim.details.get("year")
    rel = claim.details.get("relative_year")
    latest = latest_year(*pair, ctx)
    if y is not None:
        return int(y), "year written in the claim"
    if rel is not None:
        if ctx.year is None:
            raise _NotCheckable(
                f"the claim says {'last' if rel else 'this'} year, but the article states no date (give --year)"
            )
        y = ctx.year + rel
        if y > latest:
            raise _NotCheckable(f"the claim refers to {y}; the data end in {latest}")
        return y, f"{'last' if rel else 'this'} year relative to {ctx.year} ({ctx.year_note})"
    if ctx.year is not None:
        if ctx.year > latest:
            return latest, f"{ctx.year_note}; data end in {latest}, so {latest} is used"
        return ctx.year, ctx.year_note
    return latest, f"latest year with data ({latest})"


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


def check_value(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Amount vs DOTS for the pair (or one direction) in the claim's year; ±10 %."""
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
    year, how = _year_for(claim, pair, ctx)
    claimed, conv = _usd_millions(claim, year, ctx)
    if claimed is None:
        return ClaimCheck(claim, "value", pair, "", float("nan"), "USD millions", DOTS_SOURCE, year,
                          "not checkable", tol, conv)
    a, b = pair
    if claim.details.get("direction") == "a>b":
        data = _flow(ctx, a, b, year)
        what = f"{_name(a)} → {_name(b)} exports"
    else:
        data = _flow(ctx, a, b, year) + _flow(ctx, b, a, year)
        what = f"{_name(a)}–{_name(b)} total trade (both directions)"
    if not math.isfinite(data) or data <= 0:
        return ClaimCheck(claim, "value", pair, f"no DOTS value for {what} in {year}", float("nan"), "USD millions",
                          DOTS_SOURCE, year, "not checkable", tol, f"not checkable: no data for {year}")
    verdict = _verdict_ratio(claimed, data, VALUE_TOLERANCE)
    text = f"{what} in {year}: {_fmt_musd(data)}; the article says {_fmt_musd(claimed)} ({claimed / data - 1:+.0%})"
    note = "; ".join(x for x in (how, conv) if x)
    return ClaimCheck(claim, "value", pair, text, data, "USD millions", DOTS_SOURCE, year, verdict, tol, note)


def check_growth(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """Growth rate vs DOTS, year on year; ±3 percentage points."""
    tol = f"±{GROWTH_TOLERANCE_PP:g} percentage points"
    pair = claim_pair(claim, ctx, strict=True)
    if pair is None:
        return _not(claim, "growth", None, "not checkable: no pair for this claim")
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


_POTENTIAL_MEANING: Final[dict[str, str]] = {
    "structural": "structural potential (given each country's total trade: do the two trade little with each other?)",
    "size_based": "size-based potential (GDP and geography: do the two trade little for their size?)",
}


def _check_potential(claim: Claim, ctx: CheckContext, kind: str, check: str) -> ClaimCheck:
    tol = f"consistent when the potential exceeds actual trade by more than {POTENTIAL_MARGIN:.0%}"
    pair = claim_pair(claim, ctx)
    if pair is None:
        return _not(claim, check, None, "not checkable: no pair for this claim")
    fn = {"structural": potentials.structural, "size_based": potentials.size_based}[kind]
    key = f"potential:{kind}:{pair[0]}:{pair[1]}"
    pot = _cached(ctx, key, lambda: fn(*pair, store=ctx.store))
    ref, how = _ref_year(pair, ctx)
    year, actual, potential, source = _potential_summary(pot, ref, kind)
    if not (math.isfinite(actual) and math.isfinite(potential) and actual > 0):
        return ClaimCheck(claim, check, pair, "", float("nan"), "ratio", source, year, "not checkable", tol,
                          "not checkable: no actual/potential values for the pair")
    ratio = potential / actual
    verdict: Verdict = "consistent" if ratio > 1 + POTENTIAL_MARGIN else "higher than data"
    text = (f"{_POTENTIAL_MEANING[kind]} of {_name(pair[0])}–{_name(pair[1])} trade in {year}: "
            f"{_fmt_musd(potential)} vs actual {_fmt_musd(actual)} (potential/actual {ratio:.2f})")
    note = how if year == ref else f"{how}; latest year with a potential estimate: {year}"
    return ClaimCheck(claim, check, pair, text, ratio, "potential / actual", source, year, verdict, tol, note)


def check_potential(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """'Can be increased' vs :func:`tradegap.potential.structural`: consistent when potential > actual by > 10 %."""
    return _check_potential(claim, ctx, "structural", "potential")


def check_potential_size(claim: Claim, ctx: CheckContext) -> ClaimCheck:
    """'Can be increased' vs :func:`tradegap.potential.size_based` (same rule)."""
    return _check_potential(claim, ctx, "size_based", "potential_size")


def _potential_summary(pot: Any, year: int | None, kind: str = "structural") -> tuple[int | None, float, float, str]:
    """(year, actual, potential, source) from a :class:`tradegap.potential.Potential`, USD millions.

    Both directions are summed; the year is ``year`` when the frame has it, else its
    latest year with both actual and potential.
    """
    frame = pot.to_frame()
    for col in ("year", "actual", "potential"):
        if col not in frame.columns:
            raise KeyError(f"Potential.to_frame() has no {col!r} column: {list(frame.columns)}")
    if "variant" in frame.columns and len(frame):
        frame = frame.loc[frame["variant"] == frame["variant"].iloc[0]]  # the headline variant
    scale = str(frame["scale"].iloc[0]) if "scale" in frame.columns and len(frame) else getattr(pot, "scale", "millions")
    factor = {"thousands": 1e-3, "units": 1e-6, "millions": 1.0}.get(scale, 1.0)
    by_year = frame.groupby("year", as_index=False)[["actual", "potential"]].sum(min_count=1)
    by_year = by_year.dropna(subset=["actual", "potential"])
    if by_year.empty:
        return None, float("nan"), float("nan"), f"tradegap.potential.{kind}"
    rows = by_year.loc[by_year["year"] == year] if year is not None else by_year.iloc[0:0]
    row = rows.iloc[-1] if len(rows) else by_year.iloc[-1]
    source = getattr(pot, "source", "baci")
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
    sc = _cached(ctx, key, lambda: pair_scenarios(*pair, year=year, store=ctx.store, members=members))
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
    """The year for checks whose claim names none: ``ctx.year``, else the pair's latest DOTS year."""
    if ctx.year is not None:
        return ctx.year, ctx.year_note
    if pair is None:
        return None, "no year"
    try:
        y = latest_year(*pair, ctx)
    except TradegapError:
        return None, "no trade data to fix a year"
    return y, f"latest year with trade data ({y})"


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
    lo, hi = 2013, 2022
    if year is None:
        year, how = hi, f"latest year of the GSDB subset ({hi})"
    elif not lo <= year <= hi:
        clamped = min(max(year, lo), hi)
        how += f"; GSDB subset covers {lo}–{hi}, so {clamped} is used"
        year = clamped
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
    "potential_size": "potential", "scenario": "ge",
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
