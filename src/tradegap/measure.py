"""First answers about a pair: how much they trade, and with whom else each trades that much.

:func:`trade` gives the yearly flows in both directions and the total, in USD
millions, with the basis of every value (whose report it is).  :func:`peers`
places a partner among a country's partners: its rank, its share, and the
partners whose trade with the country is closest in value, with their GDP and
population — the numbers needed to check a claim such as "Iran–Russia trade is
the same as Russia's trade with some small countries".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tradegap.coverage import YEAR_BOUNDS, parse_years
from tradegap.data.schema import BASES, SCALES
from tradegap.errors import CoverageError, InputError
from tradegap.store import Store, resolve
from tradegap.validation import check_number, check_option, check_pair

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

__all__ = ["PairTrade", "Peers", "trade", "peers"]

#: Scale every value is reported in by this module.
OUT_UNIT = "USD"
OUT_SCALE = "millions"


def _iso3(value: str, what: str, where: str) -> str:
    from tradegap.countries import to_iso3

    if not isinstance(value, str) or not value.strip():
        raise InputError(
            f"The {what!r} parameter of {where} must be a country name or code. Got {value!r} instead."
        )
    return to_iso3(value.strip())


def _check_source(source: str, store: Store, where: str) -> None:
    """``source`` must be a flow source the store holds or the package ships."""
    check_option("source", source, store.sources(), where,
                 hint=f"Use one of {store.sources()}, or load it with `tradegap ingest {source} FILE`.")


def _name(iso3: str) -> str:
    try:
        from tradegap.countries import country_name

        return country_name(iso3)
    except Exception:  # noqa: BLE001 - a display name is a nicety, the code always works
        return iso3


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def report_of(basis: str, exporter: str, importer: str) -> str:
    """Say in words whose report a value is, given its basis (see :data:`~tradegap.data.schema.BASES`)."""
    ex, im = _name(exporter), _name(importer)
    if basis == "importer_cif":
        return f"{im}'s import report (CIF)"
    if basis == "exporter_fob":
        return f"{ex}'s export report (FOB); {im} did not report these imports"
    if basis == "exporter_fob_adj":
        return f"{ex}'s export report (FOB) scaled to CIF; {im} did not report these imports"
    if basis == "reconciled":
        return "reconciled by the source from both countries' reports (FOB)"
    return BASES.get(basis, f"basis {basis!r}")


def _to_out_scale(df: pd.DataFrame) -> pd.Series:
    """``value`` converted to USD millions, row by row (per-row ``scale``)."""
    factors = df["scale"].map(lambda s: SCALES.get(str(s), np.nan) / SCALES[OUT_SCALE]).astype("float64")
    if factors.isna().any():
        bad = sorted(set(df.loc[factors.isna(), "scale"].astype(str)))
        raise CoverageError(f"Unknown scale(s) {bad} in the flow data.", hint="Re-ingest with a canonical scale.")
    units = set(df["unit"].dropna().astype(str))
    if units - {OUT_UNIT}:
        raise CoverageError(
            f"Flow values are in {sorted(units)}, not {OUT_UNIT}: tradegap does not convert currencies.",
            hint="Ingest the data in USD.",
        )
    return df["value"].astype("float64") * factors


def _totals(df: pd.DataFrame) -> pd.DataFrame:
    """Total goods trade per exporter, importer, year in USD millions, with its basis.

    Uses the rows with ``product == ""`` (total trade) where a source has them,
    otherwise sums the product rows.
    """
    cols = ["exporter", "importer", "year", "value_musd", "basis"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.copy()
    df["value_musd"] = _to_out_scale(df)
    is_total = df["product"].fillna("").astype(str) == ""
    totals = df.loc[is_total, cols]
    products = df.loc[~is_total]
    if not products.empty:
        summed = products.groupby(["exporter", "importer", "year"], as_index=False).agg(
            value_musd=("value_musd", "sum"), basis=("basis", lambda b: "+".join(sorted(set(map(str, b)))))
        )
        # a reported total wins; product rows are summed only where no total exists
        have = pd.MultiIndex.from_frame(totals[["exporter", "importer", "year"]])
        keep = ~pd.MultiIndex.from_frame(summed[["exporter", "importer", "year"]]).isin(have)
        totals = pd.concat([totals, summed.loc[keep, cols]], ignore_index=True)
    return totals.reset_index(drop=True)


@dataclass(frozen=True)
class PairTrade:
    """Yearly trade between ``a`` and ``b`` in both directions, in USD millions.

    Attributes
    ----------
    a, b : str
        ISO3 codes.
    source : str
        Dataset the values come from (``"dots"``, ``"baci"``, ...).
    unit, scale : str
        ``"USD"``, ``"millions"`` for every value.
    flows : pd.DataFrame
        One row per year and direction: ``year, exporter, importer, value, basis, report``;
        ``value`` NaN where the source has no value for that flow.
    """

    a: str
    b: str
    source: str
    flows: pd.DataFrame = field(repr=False)
    unit: str = OUT_UNIT
    scale: str = OUT_SCALE

    @property
    def years(self) -> list[int]:
        """Years covered."""
        return sorted(int(y) for y in self.flows["year"].unique())

    def value(self, exporter: str, importer: str, year: int) -> float:
        """The flow ``exporter → importer`` in ``year`` (USD millions; NaN if missing)."""
        row = self.flows.loc[
            (self.flows["exporter"] == exporter) & (self.flows["importer"] == importer) & (self.flows["year"] == year)
        ]
        return float(row["value"].iloc[0]) if len(row) else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """One row per year: ``year, A→B, B→A, total`` (USD millions) and the basis of each direction.

        ``total`` is NaN when either direction is missing.
        """
        a, b = self.a, self.b
        ab = f"{a}→{b}"
        ba = f"{b}→{a}"
        rows = []
        for year in self.years:
            v_ab, v_ba = self.value(a, b, year), self.value(b, a, year)
            rows.append(
                {
                    "year": year,
                    ab: v_ab,
                    ba: v_ba,
                    "total": v_ab + v_ba,
                    f"basis {ab}": self._basis(a, b, year),
                    f"basis {ba}": self._basis(b, a, year),
                }
            )
        return pd.DataFrame(rows, columns=["year", ab, ba, "total", f"basis {ab}", f"basis {ba}"])

    def _basis(self, exporter: str, importer: str, year: int) -> str:
        row = self.flows.loc[
            (self.flows["exporter"] == exporter) & (self.flows["importer"] == importer) & (self.flows["year"] == year)
        ]
        return str(row["basis"].iloc[0]) if len(row) and pd.notna(row["basis"].iloc[0]) else "missing"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: unit, scale, each flow with its basis and report, and yearly totals."""
        frame = self.to_frame()
        return {
            "a": self.a,
            "a_name": _name(self.a),
            "b": self.b,
            "b_name": _name(self.b),
            "source": self.source,
            "unit": self.unit,
            "scale": self.scale,
            "value_note": "values in millions of US dollars (current)",
            "flows": [
                {
                    "year": int(r.year),
                    "exporter": r.exporter,
                    "importer": r.importer,
                    "value": None if pd.isna(r.value) else float(r.value),
                    "basis": r.basis,
                    "report": r.report,
                }
                for r in self.flows.itertuples(index=False)
            ],
            "totals": [
                {"year": int(y), "value": None if pd.isna(t) else float(t)}
                for y, t in zip(frame["year"], frame["total"], strict=True)
            ],
        }


def _coverage_years(df: pd.DataFrame) -> str:
    if df.empty:
        return "none"
    return f"{int(df['year'].min())}–{int(df['year'].max())}"


def trade(
    a: str,
    b: str,
    *,
    source: str = "dots",
    years: int | str | Iterable[int] | None = None,
    store: Store | None = None,
) -> PairTrade:
    """Yearly trade between two countries, both directions and total, in USD millions.

    Parameters
    ----------
    a, b : str
        Countries, by name or code ("Iran", "IRN", "IR", "Islamic Republic of Iran").
    source : str, default "dots"
        ``"dots"`` (IMF DOTS, mirror-reconciled: importer's CIF report, else the
        exporter's FOB report), ``"baci"`` (CEPII BACI, reconciled FOB) or any
        ingested source.
    years : int, str or iterable of int, optional
        One year, ``"2000-2020"``, or a list; default all years with data for the pair.
    store : Store, optional
        Where to read from (default: :class:`~tradegap.store.Store` at its default path,
        falling back to the embedded data).

    Returns
    -------
    PairTrade
        Values in USD millions (BACI's USD thousands are converted), with the basis
        and, in words, the report behind each value.

    Raises
    ------
    UnknownCountryError
        A country name or code is not recognised.
    CoverageError
        The source has no data for the pair in those years (the message gives the
        years available).

    Examples
    --------
    >>> t = trade("RUS", "IRN", source="dots", years=2019)  # doctest: +SKIP
    >>> t.value("RUS", "IRN", 2019)  # doctest: +SKIP
    1196.9
    """
    ia, ib = _iso3(a, "a", "trade"), _iso3(b, "b", "trade")
    check_pair(ia, ib, "trade", given=(a, b), hint="Give two different countries, e.g. `trade IRN RUS`.")
    yrs = parse_years(years, where="trade")
    store = resolve(store)
    _check_source(source, store, "trade")
    raw = store.flows(source, exporters=[ia, ib], importers=[ia, ib])
    raw = raw.loc[raw["exporter"] != raw["importer"]]
    pair = _totals(raw)
    if pair.empty:
        raise CoverageError(
            f"Source {source!r} has no trade between {ia} and {ib} in any year.",
            hint="Try another --source (dots, baci) or check the country codes.",
        )
    if yrs is not None:
        chosen = pair.loc[pair["year"].isin(yrs)]
        if chosen.empty:
            raise CoverageError(
                f"Source {source!r} has no trade between {ia} and {ib} in {_span(yrs)}; "
                f"it has years {_coverage_years(pair)}.",
                hint=f"Choose years within {_coverage_years(pair)}.",
            )
        pair = chosen
    all_years = sorted(int(y) for y in pair["year"].unique())
    rows = []
    lookup = {(r.exporter, r.importer, int(r.year)): r for r in pair.itertuples(index=False)}
    for year in all_years:
        for ex, im in ((ia, ib), (ib, ia)):
            r = lookup.get((ex, im, year))
            if r is None or pd.isna(r.value_musd):
                rows.append((year, ex, im, np.nan, "missing", f"no value for {ex}→{im} in {source}"))
            else:
                rows.append((year, ex, im, float(r.value_musd), str(r.basis), report_of(str(r.basis), ex, im)))
    flows = pd.DataFrame(rows, columns=["year", "exporter", "importer", "value", "basis", "report"])
    return PairTrade(a=ia, b=ib, source=source, flows=flows)


def _span(yrs: tuple[int, ...]) -> str:
    return str(yrs[0]) if len(yrs) == 1 else f"{yrs[0]}–{yrs[-1]}"


@dataclass(frozen=True)
class Peers:
    """Where ``partner`` ranks among ``country``'s trading partners, and who trades as much.

    Attributes
    ----------
    country, partner : str
        ISO3 codes.
    year : int
    source : str
    total : float
        Trade between the two (exports + imports of ``country``), USD millions.
    rank, n_partners : int
        ``partner``'s rank (1 = largest) among ``country``'s partners by total trade.
    share : float
        ``total`` as a share of ``country``'s total trade with all partners (0–1).
    reverse_rank, reverse_n_partners : int
        ``country``'s rank among ``partner``'s partners.
    reverse_share : float
        ``total`` as a share of ``partner``'s total trade.
    table : pd.DataFrame
        The ``n`` partners of ``country`` whose total trade with it is closest in value
        to ``total`` (by ratio), plus ``partner`` itself, largest first: ``rank, iso3,
        name, total, exports, imports, ratio`` (USD millions; ratio = total / pair total),
        ``gdp_busd`` (GDP, current USD billions), ``population_m`` (millions), ``is_partner``.
    """

    country: str
    partner: str
    year: int
    source: str
    total: float
    rank: int
    n_partners: int
    share: float
    reverse_rank: int
    reverse_n_partners: int
    reverse_share: float
    table: pd.DataFrame = field(repr=False)
    unit: str = OUT_UNIT
    scale: str = OUT_SCALE

    @property
    def headline(self) -> str:
        """One sentence summarising the ranks."""
        c, p = _name(self.country), _name(self.partner)
        return (
            f"In {self.year}, {p} was {c}'s {_ordinal(self.rank)} largest partner of {self.n_partners} "
            f"({self.total:,.1f} million USD, {self.share:.1%} of {c}'s trade); {c} was {p}'s "
            f"{_ordinal(self.reverse_rank)} of {self.reverse_n_partners} ({self.reverse_share:.1%} of {p}'s trade)."
        )

    def to_frame(self) -> pd.DataFrame:
        """The comparison table (see :attr:`table`)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary and comparison table."""
        return {
            "country": self.country,
            "partner": self.partner,
            "year": self.year,
            "source": self.source,
            "unit": self.unit,
            "scale": self.scale,
            "total": self.total,
            "rank": self.rank,
            "n_partners": self.n_partners,
            "share": self.share,
            "reverse_rank": self.reverse_rank,
            "reverse_n_partners": self.reverse_n_partners,
            "reverse_share": self.reverse_share,
            "headline": self.headline,
            "peers": self.table.to_dict(orient="records"),
        }


def _partner_totals(flows: pd.DataFrame, country: str) -> pd.DataFrame:
    """Per partner of ``country``: exports, imports and total (USD millions), largest first, ranked."""
    t = _totals(flows)
    t = t.loc[t["exporter"] != t["importer"]]
    exp = t.loc[t["exporter"] == country].groupby("importer")["value_musd"].sum(min_count=1)
    imp = t.loc[t["importer"] == country].groupby("exporter")["value_musd"].sum(min_count=1)
    out = pd.DataFrame({"exports": exp, "imports": imp})
    out.index.name = "iso3"
    out["total"] = out[["exports", "imports"]].sum(axis=1, min_count=1)
    out = out.loc[out["total"].notna() & (out["total"] > 0)].sort_values("total", ascending=False, kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index()


def peers(
    country: str,
    partner: str,
    *,
    year: int,
    source: str = "dots",
    store: Store | None = None,
    n: int = 10,
) -> Peers:
    """Rank ``partner`` among ``country``'s partners and list partners that trade as much.

    Parameters
    ----------
    country, partner : str
        Names or codes (``"RUS"``, ``"Iran"``).
    year : int
        The year compared.
    source : str, default "dots"
        Flow dataset (see :func:`trade`).
    store : Store, optional
        Where to read flows and WDI covariates from (default store, else embedded data).
    n : int, default 10
        How many partners closest in value to list.

    Returns
    -------
    Peers
        Ranks both ways, shares, and the comparison table with GDP (current USD
        billions) and population (millions) from WDI.

    Raises
    ------
    CoverageError
        ``year`` outside the source's coverage, or no trade between the two that year.
    """
    c, p = _iso3(country, "country", "peers"), _iso3(partner, "partner", "peers")
    check_pair(c, p, "peers", given=(country, partner), hint="Give two different countries, e.g. `peers RUS IRN`.")
    check_number("year", year, "peers", integer=True, low=YEAR_BOUNDS[0], high=YEAR_BOUNDS[1],
                 hint="Give a year such as 2019.")
    check_number("n", n, "peers", integer=True, low=1)
    year = int(year)
    store = resolve(store)
    _check_source(source, store, "peers")
    flows_c = store.flows(source, years=year)
    if flows_c.empty:
        years = store.flows(source)
        raise CoverageError(
            f"Source {source!r} has no flows in {year}; it covers {_coverage_years(years)}.",
            hint=f"Choose a year within {_coverage_years(years)}.",
        )
    mine = _partner_totals(flows_c.loc[(flows_c["exporter"] == c) | (flows_c["importer"] == c)], c)
    theirs = _partner_totals(flows_c.loc[(flows_c["exporter"] == p) | (flows_c["importer"] == p)], p)
    if mine.empty:
        raise CoverageError(f"Source {source!r} has no trade for {c} in {year}.", hint="Try another year or source.")
    if p not in set(mine["iso3"]):
        raise CoverageError(
            f"Source {source!r} has no trade between {c} and {p} in {year}.",
            hint="Try another year (`tradegap trade` shows the years with data) or another --source.",
        )
    me = mine.set_index("iso3")
    total = float(me.loc[p, "total"])
    share = total / float(mine["total"].sum())
    them = theirs.set_index("iso3")
    rev_rank = int(them.loc[c, "rank"]) if c in them.index else 0
    rev_share = float(them.loc[c, "total"]) / float(theirs["total"].sum()) if c in them.index else float("nan")

    others = mine.loc[mine["iso3"] != p].copy()
    others["distance"] = np.abs(np.log(others["total"] / total))
    closest = others.nsmallest(int(n), "distance", keep="first")
    table = pd.concat([closest, mine.loc[mine["iso3"] == p]], ignore_index=True)
    table["is_partner"] = table["iso3"] == p
    table["ratio"] = table["total"] / total
    wdi = store.country_year()
    wdi = wdi.loc[wdi["year"] == year].set_index("iso3") if "iso3" in wdi.columns else pd.DataFrame()
    gdp = wdi["gdp"] if "gdp" in wdi.columns else pd.Series(dtype="float64")
    pop = wdi["population"] if "population" in wdi.columns else pd.Series(dtype="float64")
    table["gdp_busd"] = table["iso3"].map(gdp).astype("float64") / 1e9
    table["population_m"] = table["iso3"].map(pop).astype("float64") / 1e6
    table["name"] = table["iso3"].map(_name)
    table = table.sort_values("total", ascending=False, kind="stable")[
        ["rank", "iso3", "name", "total", "exports", "imports", "ratio", "gdp_busd", "population_m", "is_partner"]
    ].reset_index(drop=True)
    table["rank"] = table["rank"].astype("int64")
    return Peers(
        country=c,
        partner=p,
        year=year,
        source=source,
        total=total,
        rank=int(me.loc[p, "rank"]),
        n_partners=len(mine),
        share=share,
        reverse_rank=rev_rank,
        reverse_n_partners=len(theirs),
        reverse_share=rev_share,
        table=table,
    )
