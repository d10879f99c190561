"""The pair brief: everything tradegap knows about two countries' trade, in one object.

:func:`pair_brief` assembles what the other modules compute — trade history
(:mod:`tradegap.measure`), peers, the structural and size-based potentials and
the gap decomposition (:mod:`tradegap.potential`), sanctions
(:mod:`tradegap.sanctions`), UN General Assembly alignment
(:mod:`tradegap.politics`), sectors (:mod:`tradegap.sectors`), planning
scenarios (:mod:`tradegap.ge`) and, when given, an article's claim checks —
into a :class:`PairBrief` of :class:`BriefSection` objects.  Each section is
computed on its own: when a component raises a
:class:`~tradegap.errors.TradegapError` (no data for that year, a country not
covered, ...) the section carries the message instead and the rest of the brief
is still built.  Programming errors are not swallowed.

The brief holds data, not pictures: each section may carry a :class:`Chart`
(a kind and a tidy frame); :mod:`tradegap.report.html` draws them.

All trade values in the brief are in **USD millions** (current prices).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

import numpy as np
import pandas as pd

from tradegap._json import jsonable
from tradegap.errors import InputError, TradegapError

__all__ = [
    "SECTIONS",
    "BriefSection",
    "Chart",
    "PairBrief",
    "PairPotential",
    "pair_brief",
    "pair_potential",
    "ratio_sentence",
]

ChartKind = Literal["history", "bars", "politics"]
SectionStatus = Literal["ok", "unavailable"]

#: The sections a brief can hold, in display order.
SECTIONS: Final[tuple[str, ...]] = (
    "summary",
    "claims",
    "history",
    "peers",
    "potential",
    "gap",
    "decomposition",
    "sanctions",
    "politics",
    "sectors",
    "scenarios",
    "method",
)

#: Sections built by default (``claims`` appears when claim checks are passed in).
DEFAULT_SECTIONS: Final[tuple[str, ...]] = tuple(s for s in SECTIONS if s != "claims")

UNIT: Final[str] = "USD millions"

Progress = Callable[[str, int, int], None]


# ----------------------------------------------------------------------------------------------
# Result objects
# ----------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass(frozen=True)
class Chart:
    """What to draw for a section: a kind and a tidy frame (drawn by :mod:`tradegap.report`).

    Parameters
    ----------
    kind : {"history", "bars", "politics"}
        ``history``: columns ``year, direction, actual`` and optionally
        ``potential, lower, upper`` (structural potential and its band),
        ``actual_model`` (the actual value in the potential's own data) and
        ``size_potential``; one panel per direction, values in USD millions.
        ``bars``: columns ``label, value`` and optionally ``group`` (grouped bars)
        and ``highlight`` (bool, drawn in the accent colour); horizontal bars.
        ``politics``: columns ``year, agreement`` (share of UN votes in agreement,
        0–1) and optionally ``ratio`` (actual/potential trade) on a second axis.
    data : pandas.DataFrame
        The tidy frame described above.
    title, xlabel, ylabel : str
        Labels; ``note`` is a caption printed under the chart.
    """

    kind: ChartKind
    data: pd.DataFrame
    title: str
    xlabel: str = ""
    ylabel: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        kinds = list(get_args(ChartKind))
        if self.kind not in kinds:
            raise InputError(
                f"The 'kind' parameter of Chart must be one of {kinds}. Got {self.kind!r} instead."
            )
        if not isinstance(self.data, pd.DataFrame):
            raise InputError(
                f"The 'data' parameter of Chart must be a pandas DataFrame. Got {type(self.data).__name__} instead."
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able description: kind, labels and the data records."""
        return {
            "kind": self.kind,
            "title": self.title,
            "xlabel": self.xlabel,
            "ylabel": self.ylabel,
            "note": self.note,
            "data": jsonable(self.data),
        }


@dataclass(frozen=True)
class BriefSection:
    """One section of a brief: plain-language text, an optional table and chart.

    Other modules (e.g. the article reader) can build their own sections and pass
    them to :func:`pair_brief` with ``extra_sections=``.

    Parameters
    ----------
    title : str
        Heading shown to the reader.
    text : str
        Plain-language explanation; paragraphs separated by blank lines.
    frame : pandas.DataFrame, optional
        The table of the section (values in USD millions unless a column says otherwise).
    chart : Chart, optional
        What to draw.
    key : str, optional
        Stable identifier (HTML ids, JSON keys); defaults to a slug of the title.
    status : {"ok", "unavailable"}
        ``"unavailable"`` when the section could not be computed; ``text`` then says why.
    sources : tuple of str
        Data sources the section rests on.
    """

    title: str
    text: str
    frame: pd.DataFrame | None = None
    chart: Chart | None = None
    key: str = ""
    status: SectionStatus = "ok"
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", _slug(self.title))
        if self.status not in get_args(SectionStatus):
            raise InputError(
                f"The 'status' parameter of BriefSection must be one of {list(get_args(SectionStatus))}. "
                f"Got {self.status!r} instead."
            )
        if self.frame is not None and not isinstance(self.frame, pd.DataFrame):
            raise InputError(
                "The 'frame' parameter of BriefSection must be a pandas DataFrame or None. "
                f"Got {type(self.frame).__name__} instead."
            )
        object.__setattr__(self, "sources", tuple(self.sources))

    @property
    def ok(self) -> bool:
        """True when the section was computed."""
        return self.status == "ok"

    @classmethod
    def unavailable(cls, key: str, title: str, error: BaseException | str) -> BriefSection:
        """A section that could not be computed, carrying the reason as its text."""
        if isinstance(error, TradegapError):
            text = f"This section could not be computed: {error.message}"
            if error.hint:
                text += f"\n\nHint: {error.hint}"
        else:
            text = f"This section could not be computed: {error}"
        return cls(title=title, text=text, key=key, status="unavailable")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: key, title, status, text, table records and chart."""
        return {
            "key": self.key,
            "title": self.title,
            "status": self.status,
            "text": self.text,
            "sources": list(self.sources),
            "table": None if self.frame is None else jsonable(self.frame),
            "chart": None if self.chart is None else self.chart.to_dict(),
        }


@dataclass(frozen=True)
class PairBrief:
    """The brief for one pair of countries and one reference year.

    Attributes
    ----------
    a, b : str
        ISO3 codes of the two countries (in the order asked for).
    names : tuple of str
        Their English names.
    year : int
        Reference year of the snapshot figures.
    sections : tuple of BriefSection
        In display order.
    headline : str
        One-paragraph answer to "could these two trade more?".
    unit : str
        Unit of every trade value: ``"USD millions"``.
    """

    a: str
    b: str
    names: tuple[str, str]
    year: int
    sections: tuple[BriefSection, ...]
    headline: str = ""
    unit: str = UNIT
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """``"Iran – Russia: trade potential brief, 2019"``."""
        return f"{self.names[0]} – {self.names[1]}: trade potential brief, {self.year}"

    def section(self, key: str) -> BriefSection:
        """The section with this key (raises :class:`KeyError` naming the keys present)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"No section {key!r} in this brief; sections: {[s.key for s in self.sections]}")

    def __contains__(self, key: object) -> bool:
        return any(s.key == key for s in self.sections)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form of the whole brief."""
        return {
            "a": self.a,
            "b": self.b,
            "names": list(self.names),
            "year": self.year,
            "title": self.title,
            "unit": self.unit,
            "headline": self.headline,
            "metrics": jsonable(self.metrics),
            "sections": [s.to_dict() for s in self.sections],
        }

    def to_frame(self) -> pd.DataFrame:
        """Summary table: one row per section with its status and first sentence."""
        rows = []
        for s in self.sections:
            first = s.text.strip().split("\n")[0]
            m = re.match(r"(.+?[.!?])(\s|$)", first)
            rows.append(
                {
                    "section": s.key,
                    "title": s.title,
                    "status": s.status,
                    "summary": m.group(1) if m else first,
                }
            )
        return pd.DataFrame(rows, columns=["section", "title", "status", "summary"])


# ----------------------------------------------------------------------------------------------
# Formatting helpers (plain language)
# ----------------------------------------------------------------------------------------------


def _fmt_usd(millions: float | None) -> str:
    """``1234.5`` → ``"USD 1.23 billion"``; ``12.3`` → ``"USD 12.3 million"``."""
    if millions is None or not np.isfinite(millions):
        return "n/a"
    v = float(millions)
    if abs(v) >= 1000:
        return f"USD {v / 1000:,.2f} billion"
    if abs(v) >= 10:
        return f"USD {v:,.0f} million"
    return f"USD {v:,.1f} million"


def _join(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ordinal(n: int) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _fmt_pct(share: float | None, digits: int = 0) -> str:
    if share is None or not np.isfinite(share):
        return "n/a"
    return f"{100 * share:.{digits}f}%"


def _finite(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def ratio_sentence(
    direction: str,
    actual: float,
    potential: float,
    lower: float | None = None,
    upper: float | None = None,
    *,
    what: str = "potential",
    level: float = 0.95,
) -> str:
    """One honest sentence comparing actual trade with a potential.

    Never claims a gap the model does not show: when actual trade is at or above
    the potential the sentence says so, and when actual trade lies inside the
    band it says the gap is within the model's uncertainty.

    Parameters
    ----------
    direction : str
        E.g. ``"Iran → Russia"``.
    actual, potential, lower, upper : float
        USD millions; ``lower``/``upper`` bound the potential's confidence band.
    what : str
        Name of the potential ("structural potential", "size-based potential").
    level : float
        Confidence level of the band (e.g. 0.9).
    """
    actual_f, pot = _finite(actual), _finite(potential)
    if actual_f is None or pot is None or pot <= 0:
        return f"{direction}: the {what} could not be computed for this year."
    lo, hi = _finite(lower), _finite(upper)
    ratio = actual_f / pot
    band = ""
    if lo is not None and hi is not None:
        band = f" ({level:.0%} band {_fmt_usd(lo)} to {_fmt_usd(hi)})"
    head = f"{direction}: actual {_fmt_usd(actual_f)} against a {what} of {_fmt_usd(pot)}{band}"
    if actual_f >= pot:
        tail = (
            f"Trade is at or above this potential (ratio {ratio:.2f}); "
            "the model shows no untapped trade in this direction."
        )
    elif lo is not None and hi is not None and lo <= actual_f <= hi:
        tail = (
            f"Actual trade is {_fmt_pct(ratio)} of the central estimate, but lies inside the "
            "model's uncertainty band, so the model cannot say that trade is below normal."
        )
    else:
        tail = (
            f"Actual trade is {_fmt_pct(ratio)} of the potential, leaving about "
            f"{_fmt_usd(pot - actual_f)} untapped"
            + (
                f" (at least {_fmt_usd(max(lo - actual_f, 0.0))} even at the band's low end)."
                if lo is not None
                else "."
            )
        )
    return f"{head}. {tail}"


# ----------------------------------------------------------------------------------------------
# Context: caches component results (and their errors) so sections stay independent
# ----------------------------------------------------------------------------------------------


class _Context:
    """Inputs of one brief plus a cache of component results and their errors."""

    def __init__(self, a: str, b: str, year: int, store: Any, names: tuple[str, str], claims: Any) -> None:
        self.a, self.b, self.year, self.store, self.names, self.claims = a, b, year, store, names, claims
        self._cache: dict[str, tuple[bool, Any]] = {}
        self.metrics: dict[str, Any] = {}
        #: Extra component outputs (frames) keyed by component, e.g. ``extra["size_based"]["gap_split"]``.
        self.extra: dict[str, dict[str, Any]] = {}
        #: Whether other sections may draw on the potentials (False when the caller left them out).
        self.uses_potential = True

    def get(self, name: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` computed once; a TradegapError is cached and re-raised on each use."""
        if name not in self._cache:
            try:
                self._cache[name] = (True, fn())
            except TradegapError as exc:
                self._cache[name] = (False, exc)
        ok, value = self._cache[name]
        if not ok:
            raise value
        return value

    def try_get(self, name: str, fn: Callable[[], Any]) -> tuple[Any, TradegapError | None]:
        """Like :meth:`get` but returns ``(None, error)`` instead of raising a TradegapError."""
        try:
            return self.get(name, fn), None
        except TradegapError as exc:
            return None, exc

    def dir_label(self, exporter: str, importer: str) -> str:
        nm = dict(zip((self.a, self.b), self.names, strict=True))
        return f"{nm.get(exporter, exporter)} → {nm.get(importer, importer)}"

    @property
    def directions(self) -> tuple[tuple[str, str], tuple[str, str]]:
        return ((self.a, self.b), (self.b, self.a))


class _ComponentMissing(TradegapError):
    """A component module of tradegap is not installed in this version."""


def _import(module: str) -> Any:
    """Import a tradegap component; a missing *component module* becomes a section message."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (exc.name == module or module.startswith(exc.name + ".")):
            raise _ComponentMissing(
                f"the component {module} is not available in this installation of tradegap",
                hint="Update tradegap; the rest of the brief does not depend on it.",
            ) from exc
        raise


def _fn(module: str, name: str) -> Callable[..., Any]:
    """A public function of a tradegap component (missing component → section message)."""
    mod = _import(module)
    fn = getattr(mod, name, None)
    if fn is None:
        raise _ComponentMissing(
            f"the component function {module}.{name} is not available in this installation of tradegap",
            hint="Update tradegap; the rest of the brief does not depend on it.",
        )
    return fn


# ----------------------------------------------------------------------------------------------
# Adapters: component results → tidy frames the sections use
# ----------------------------------------------------------------------------------------------

# The component APIs are those in CONTRACTS.md; each adapter turns one component's
# result object into the tidy frame its section needs, in USD millions.

_SHORT_NAMES: Final[dict[str, str]] = {
    "IRN": "Iran",
    "RUS": "Russia",
    "USA": "United States",
    "GBR": "United Kingdom",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "SYR": "Syria",
    "VEN": "Venezuela",
    "TUR": "Türkiye",
}


def _adapt_short_name(iso3: str, name: str) -> str:
    """A short English name for prose ("Iran", not "Iran, Islamic Republic of")."""
    return _SHORT_NAMES.get(iso3, name.split(",")[0].strip() or iso3)


def _adapt_coverage(message: str, hint: str | None = None) -> TradegapError:
    from tradegap.errors import CoverageError

    return CoverageError(message, hint=hint)


def _adapt_year_span(years: Iterable[Any]) -> str:
    ys = sorted(int(y) for y in years)
    if not ys:
        return "none"
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])
    return ", ".join(str(y) for y in ys)


def _to_millions(df: pd.DataFrame, cols: Sequence[str], scale: str | None) -> pd.DataFrame:
    from tradegap.data.schema import SCALES, rescale

    if scale is None or scale == "millions":
        return df
    if scale not in SCALES:
        raise InputError(f"Unknown value scale {scale!r}; expected one of {list(SCALES)}.")
    df = df.copy()
    for c in cols:
        if c in df:
            df[c] = rescale(df[c].astype("float64"), scale, "millions")
    return df


def _add_direction(ctx: _Context, df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["direction"] = [ctx.dir_label(e, i) for e, i in zip(df["exporter"], df["importer"], strict=True)]
    return df


def _adapt_history(ctx: _Context) -> pd.DataFrame:
    """``tradegap.measure.trade`` → ``year, exporter, importer, direction, value, basis`` (USD millions)."""
    res = _fn("tradegap.measure", "trade")(ctx.a, ctx.b, store=ctx.store)
    long = res.flows[["year", "exporter", "importer", "value", "basis"]].copy()
    long = _to_millions(long, ["value"], getattr(res, "scale", "millions"))
    long["year"] = long["year"].astype(int)
    long = _add_direction(ctx, long)
    long.attrs["basis"] = sorted({str(b) for b in long["basis"].dropna() if str(b) != "missing"})
    long.attrs["source"] = getattr(res, "source", "dots")
    return long.reset_index(drop=True)


def _adapt_history_note(hist: pd.DataFrame) -> str:
    basis = [b for part in hist.attrs.get("basis", []) for b in part.split("+")]
    if not basis:
        return ""
    from tradegap.data.schema import BASES

    desc = "; ".join(f"{BASES.get(b, b)}" for b in dict.fromkeys(basis))
    missing = hist[hist["value"].isna()]
    note = f"How the values were reported: {desc}."
    if len(missing):
        note += f" {len(missing)} direction-year(s) have no value in the data and are left blank, not zero."
    return note


def _adapt_peers(ctx: _Context) -> tuple[pd.DataFrame, str]:
    """``tradegap.measure.peers(b, a)``: where ``a`` ranks among ``b``'s partners, and who trades as much."""
    res = _fn("tradegap.measure", "peers")(ctx.b, ctx.a, year=ctx.year, store=ctx.store, n=10)
    t = res.to_frame()
    df = pd.DataFrame(
        {
            "rank": t["rank"],
            "partner": t["iso3"],
            "label": [_adapt_short_name(i, n) for i, n in zip(t["iso3"], t["name"], strict=True)],
            "value": t["total"],
            "exports": t["exports"],
            "imports": t["imports"],
            "gdp_busd": t.get("gdp_busd", np.nan),
            "population_m": t.get("population_m", np.nan),
            "highlight": t["is_partner"].astype(bool),
        }
    )
    df = _to_millions(df, ["value", "exports", "imports"], getattr(res, "scale", "millions"))
    df = df.rename(columns={"value": "value"}).reset_index(drop=True)
    paras = [res.headline]
    ctx.metrics["peers_rank"] = int(getattr(res, "rank", 0)) or None
    ctx.metrics["peers_n_partners"] = int(getattr(res, "n_partners", 0)) or None
    others = df[~df["highlight"]]
    me = df[df["highlight"]]
    if len(others):
        paras.append(
            f"The table lists {ctx.names[1]}'s partners whose trade with it is closest in value to its trade with "
            f"{ctx.names[0]} (total = {ctx.names[1]}'s exports plus imports, {UNIT})."
        )
        gdp_me = float(me["gdp_busd"].iloc[0]) if len(me) and pd.notna(me["gdp_busd"].iloc[0]) else None
        gdp_others = others["gdp_busd"].dropna()
        if gdp_me is not None and len(gdp_others):
            med = float(gdp_others.median())
            smaller = int((gdp_others < gdp_me).sum())
            paras.append(
                f"{ctx.names[0]}'s GDP in {ctx.year} was USD {gdp_me:,.0f} billion; the median GDP of these "
                f"comparable partners was USD {med:,.0f} billion, and {smaller} of {len(gdp_others)} have a "
                f"smaller economy than {ctx.names[0]}. "
                + (
                    f"So {ctx.names[1]} trades about as much with {ctx.names[0]} as with economies "
                    "typically smaller than it."
                    if med < gdp_me
                    else f"These partners are not smaller economies than {ctx.names[0]}."
                )
            )
    return df, "\n\n".join(paras)


#: Most years of potential shown (the brief's year and those before it, within the source's coverage).
_POTENTIAL_WINDOW: Final[int] = 20


def _potential_years(year: int) -> list[int]:
    """The years requested from :mod:`tradegap.potential` for a brief on ``year``.

    The same request is used by the brief and by :func:`pair_potential`, so that both report the
    same numbers (the potential's estimation sample depends on the years requested).  A year
    outside the coverage is passed through so that the potential module explains the coverage.
    """
    # tradegap.potential estimates on anchor years that depend only on the latest year requested, so a
    # year's potential is the same alone or within a series: ask for the whole series up to ``year``.
    lo, hi = 2000, 2019
    try:
        cov = getattr(_import("tradegap.potential"), "COVERAGE", {})
        lo, hi = (int(x) for x in cov.get("baci", (lo, hi)))
    except TradegapError:
        pass
    if not lo <= year <= hi:
        return [int(year)]  # outside coverage: the potential module explains what is available
    return list(range(max(lo, year - _POTENTIAL_WINDOW + 1), year + 1))


def _adapt_potential(ctx: _Context, fn_name: str) -> pd.DataFrame:
    """``tradegap.potential.<fn_name>(a, b)`` → ``year, exporter, importer, direction, actual, potential,
    lower, upper, ratio, untapped`` (USD millions) for the pair's two directions; the specification
    and band method travel in ``attrs``."""
    fn = _fn("tradegap.potential", fn_name)
    res = fn(ctx.a, ctx.b, years=_potential_years(ctx.year), store=ctx.store)
    extra: dict[str, Any] = ctx.extra.setdefault(fn_name, {})
    df = res.to_frame().copy()
    df = df.rename(columns={"potential_lo": "lower", "potential_hi": "upper"})
    pair = df["exporter"].isin([ctx.a, ctx.b]) & df["importer"].isin([ctx.a, ctx.b]) & (df["exporter"] != df["importer"])
    df = df[pair].copy()
    spec = getattr(res, "specification", None) or getattr(res, "spec", None)
    scale = getattr(spec, "scale", None) or getattr(res, "scale", None) or "millions"
    df = _to_millions(df, ["actual", "potential", "lower", "upper", "untapped"], scale)
    for c in ("lower", "upper"):
        if c not in df:
            df[c] = np.nan
    if "ratio" not in df:
        df["ratio"] = df["actual"] / df["potential"]
    if "untapped" not in df:
        df["untapped"] = df["potential"] - df["actual"]
    df["year"] = df["year"].astype(int)
    df = _add_direction(ctx, df)
    if "variant" in df and df["variant"].nunique() > 1:
        # several variants (e.g. size-based with / without sanctions terms): the first is the headline one
        variants = list(dict.fromkeys(df["variant"].astype(str)))
        df.attrs["variants"] = variants
        extra["variant_rows"] = _add_direction(ctx, df[df["variant"].astype(str) != variants[0]])
        df = df[df["variant"].astype(str) == variants[0]].copy()
        df.attrs["variant"] = variants[0]
    if spec is not None:
        spec_d = spec if isinstance(spec, (dict, str)) else (spec.to_dict() if hasattr(spec, "to_dict") else spec)
        df.attrs["specification_raw"] = jsonable(spec_d)
        df.attrs["specification"] = spec_d if isinstance(spec_d, str) else _spec_text(spec_d)
        if isinstance(spec_d, dict) and isinstance(spec_d.get("size"), dict):
            get = spec_d["size"].get
        else:
            get = spec_d.get if isinstance(spec_d, dict) else (lambda k, d=None: getattr(spec, k, d))
        band = get("band_method")
        if band:
            df.attrs["band_method"] = str(band)
        level = get("band_level")
        if isinstance(level, (int, float)) and 0 < float(level) < 1:
            df.attrs["band_level"] = float(level)
        if get("international_only"):
            df.attrs["international_only"] = True
    for attr in ("meaning", "summary"):
        v = getattr(res, attr, None)
        if isinstance(v, str) and v:
            df.attrs[attr] = v
    df.attrs["notes"] = [str(n) for n in getattr(res, "notes", ())]
    gs = getattr(res, "gap_split", None)
    if isinstance(gs, pd.DataFrame) and len(gs):
        extra["gap_split"] = gs
    coefs = getattr(res, "coefficients", None)
    if isinstance(coefs, pd.DataFrame):
        extra["coefficients"] = coefs
    cols = ["year", "exporter", "importer", "direction", "actual", "potential", "lower", "upper", "ratio", "untapped"]
    out = df[cols].sort_values(["exporter", "year"]).reset_index(drop=True)
    out.attrs.update(df.attrs)
    return out


def _spec_text(spec: Any) -> str:
    """A specification (object or dict from :mod:`tradegap.potential`) in one line of prose.

    Only the parts a reader needs are kept: formulas, observations, covariance, normalization,
    policy terms, years and the international-only flag; the full dict is in ``to_dict()``.
    """
    if hasattr(spec, "describe"):
        return str(spec.describe())
    d = jsonable(spec.to_dict() if hasattr(spec, "to_dict") else spec)
    if not isinstance(d, dict):
        return str(d)
    if isinstance(d.get("size"), dict) and "formula" not in d:
        d = {**d["size"], **{k: v for k, v in d.items() if k not in ("size", "structural")}}
    parts: list[str] = []
    for key, label in (("formula", "PPML"), ("stage1_formula", "stage 1"), ("stage2_formula", "stage 2")):
        if d.get(key):
            parts.append(f"{label} {d[key]}")
    for key, what in (("nobs", "pair-years"), ("nobs_stage1", "pair-years in stage 1"), ("nobs_stage2", "pairs in stage 2")):
        if isinstance(d.get(key), (int, float)):
            parts.append(f"N = {int(d[key]):,} {what}")
    if isinstance(d.get("vcov"), str):
        parts.append(f"standard errors {d['vcov']}")
    if isinstance(d.get("normalization"), str):
        norm = d["normalization"]
        parts.append("normalization-invariant: " + (norm.split(":", 1)[1].strip() if ":" in norm else norm))
    if d.get("policy"):
        parts.append("policy terms: " + ", ".join(map(str, d["policy"])))
    if isinstance(d.get("gdp"), str):
        parts.append(d["gdp"])
    years = d.get("sample_years") or d.get("years")
    if years:
        parts.append(f"estimation years {_adapt_year_span(years)}")
    if d.get("international_only"):
        parts.append(
            "international flows only (the data has no domestic trade), so the potential redistributes "
            "each country's international trade across its partners"
        )
    return ("; ".join(parts) + ".") if parts else ""


_VARIANT_LABELS: Final[dict[str, str]] = {
    "size": "GDP and geography only",
    "size_sanctions": "with the trade-sanctions indicator (evaluated at the pair's actual sanctions)",
}


def _adapt_structural(ctx: _Context) -> pd.DataFrame:
    return _adapt_potential(ctx, "structural")


def _adapt_size_based(ctx: _Context) -> pd.DataFrame:
    return _adapt_potential(ctx, "size_based")


def _adapt_gap_split(ctx: _Context) -> tuple[pd.DataFrame, str]:
    """Split ln(actual / size-based) into a "world" and a "pair" part (an identity, per direction).

    ln(actual/size) = ln(actual/structural) + ln(structural/size): the first term is how
    little the pair trades *with each other* given each country's total trade; the second
    how little each country trades *with the world* given its size.
    """
    struct = ctx.get("structural", lambda: _adapt_structural(ctx))
    size = ctx.get("size_based", lambda: _adapt_size_based(ctx))
    s = struct[struct["year"] == ctx.year].set_index("direction")
    z = size[size["year"] == ctx.year].set_index("direction")
    common = [d for d in s.index if d in z.index]
    if not common:
        raise _adapt_coverage(
            f"the structural and size-based potentials have no common estimate for {ctx.year}",
            hint=f"Structural years: {_adapt_year_span(struct['year'].unique())}; "
            f"size-based years: {_adapt_year_span(size['year'].unique())}.",
        )
    rows, paras = [], []
    given = ctx.extra.get("size_based", {}).get("gap_split")
    if isinstance(given, pd.DataFrame) and {"world_part", "pair_part"} <= set(given.columns):
        g = _add_direction(ctx, given[given["year"].astype(int) == ctx.year])
        if "variant" in g and z.attrs.get("variant") is not None:
            g = g[g["variant"].astype(str) == str(size.attrs.get("variant"))]
        g = g.drop_duplicates("direction").set_index("direction")
    else:
        g = None
    for d in common:
        actual = float(s.loc[d, "actual"])
        sp, zp = float(s.loc[d, "potential"]), float(z.loc[d, "potential"])
        if actual <= 0 or sp <= 0 or zp <= 0:
            continue
        if g is not None and d in g.index and np.isfinite(g.loc[d, "pair_part"]) and np.isfinite(g.loc[d, "world_part"]):
            pair_part, world_part = float(g.loc[d, "pair_part"]), float(g.loc[d, "world_part"])
        else:
            pair_part = math.log(actual / sp)
            world_part = math.log(sp / zp)
        rows.append({"direction": d, "part": "the pair trades little with each other", "log_points": pair_part})
        rows.append({"direction": d, "part": "each country trades little with the world", "log_points": world_part})
        def say(x: float) -> str:
            return f"{abs(1 - math.exp(x)):.0%} {'below' if x < 0 else 'above'}"
        pair_tag = (
            "the pair trades little with each other" if pair_part < 0 else "the pair does not trade little with each other"
        )
        world_tag = (
            "each country trades little with the world" if world_part < 0 else "the countries trade more with the world than their size predicts"
        )
        paras.append(
            f"{d}: actual trade is {say(pair_part + world_part)} the size-based potential. "
            f"Given each country's total trade, the pair trades {say(pair_part)} its structural potential "
            f"({pair_tag}), and the countries' overall trade puts the structural potential "
            f"{say(world_part)} the size-based one ({world_tag})."
        )
    if not rows:
        raise _adapt_coverage(f"no positive actual trade and potentials to split for {ctx.year}")
    paras.insert(
        0,
        "The gap to the size-based potential splits exactly into two parts (in log points, which add up): "
        "how far the pair's trade is from normal given each country's total trade, and how far each "
        "country's total trade is from what its size predicts.",
    )
    out = pd.DataFrame(rows)
    out["percent"] = 100 * np.expm1(out["log_points"])
    return out, "\n\n".join(paras)


#: Decomposition rows that are the pair's own (unexplained) effects rather than observable trade costs.
_RESIDUAL_FACTORS: Final[tuple[str, ...]] = ("pair_residual", "year_deviation")


def _adapt_decomposition(ctx: _Context) -> tuple[pd.DataFrame, str]:
    """``tradegap.potential.decompose`` → factor table (``label, value`` = % effect on trade) and text."""
    res = _fn("tradegap.potential", "decompose")(ctx.a, ctx.b, year=ctx.year, store=ctx.store)
    t = _add_direction(ctx, res.to_frame())
    t["pct_of_trade"] = t["pct_of_trade"].astype("float64")
    t["log_points"] = t["log_points"].astype("float64")
    dirs = list(dict.fromkeys(t["direction"]))
    piv = t.pivot_table(index="label", columns="direction", values="log_points", aggfunc="first")
    symmetric = len(dirs) == 2 and np.allclose(piv[dirs[0]].fillna(0), piv[dirs[1]].fillna(0), atol=1e-9)
    t["label"] = [
        {"pair_residual": "the pair's own effect (unexplained)", "year_deviation": f"{ctx.year} deviation from it"}.get(
            str(f), str(lab)
        )
        for f, lab in zip(t["factor"], t["label"], strict=True)
    ]
    order = list(dict.fromkeys(t["label"]))
    if symmetric or len(dirs) == 1:
        one = t[t["direction"] == dirs[0]].copy()
        frame = one[["label", "value", "reference_value", "coefficient", "log_points", "pct_of_trade"]].copy()
        frame["highlight"] = one["factor"].astype(str).isin(_RESIDUAL_FACTORS).to_numpy()
        frame["value"] = one["pct_of_trade"].to_numpy()
        frame = frame.rename(columns={"value": "value"})
        frame.insert(1, "factor_value", one["value"].to_numpy())
    else:
        frame = t[["label", "direction", "value", "reference_value", "coefficient", "log_points", "pct_of_trade"]].copy()
        frame = frame.rename(columns={"value": "factor_value"})
        frame["group"] = frame["direction"]
        frame["value"] = frame["pct_of_trade"]
        frame["highlight"] = t["factor"].astype(str).isin(_RESIDUAL_FACTORS).to_numpy()
    frame["label"] = pd.Categorical(frame["label"], categories=order, ordered=True)
    frame = frame.sort_values("label").reset_index(drop=True)
    frame["label"] = frame["label"].astype(str)
    paras = [
        "What makes trade between the two costlier or cheaper than for a reference pair: each factor's effect on "
        "the pair's trade, estimated from how much that factor matters for all country pairs. "
        f"Reference: {res.reference}."
    ]
    base = t[t["direction"] == dirs[0]]
    obs = base[~base["factor"].astype(str).isin(_RESIDUAL_FACTORS)].sort_values("log_points")
    neg = obs[obs["log_points"] < -0.05]
    pos = obs[obs["log_points"] > 0.05]
    if len(neg):
        paras.append(
            "Factors that lower their trade: "
            + "; ".join(f"{r.label} ({r.pct_of_trade:+.0f}%)" for r in neg.itertuples())
            + "."
        )
    if len(pos):
        paras.append(
            "Factors that raise it: " + "; ".join(f"{r.label} ({r.pct_of_trade:+.0f}%)" for r in pos[::-1].itertuples()) + "."
        )
    for r in t[t["factor"].astype(str) == "year_deviation"].itertuples():
        lp = float(r.log_points)
        if np.isfinite(lp):
            paras.append(
                f"{r.direction}: in {ctx.year} trade was {r.pct_of_trade:+.0f}% off the pair's own average effect "
                "over the estimation years (year-to-year swings, not a lasting trade cost)."
            )
    resid = t[t["factor"].astype(str) == "pair_residual"]
    for r in resid.itertuples():
        lp = float(r.log_points)
        if not np.isfinite(lp):
            continue
        if lp < 0:
            paras.append(
                f"{r.direction}: beyond these observable costs, the pair's own effect is {r.pct_of_trade:+.0f}% "
                "relative to a normal pair with the same geography — something the model does not observe "
                "(payment channels, sanctions not captured, tastes, politics of trade) holds its trade back."
            )
        else:
            paras.append(
                f"{r.direction}: beyond these observable costs, the pair's own effect is {r.pct_of_trade:+.0f}% — "
                "it trades more than a normal pair with the same geography."
            )
    paras.extend(str(n) for n in getattr(res, "notes", ()))
    return frame, "\n\n".join(paras)


def _adapt_sanctions(ctx: _Context) -> tuple[pd.DataFrame, str]:
    """GSDB cases between the two and on each of them, with what is in force in the brief's year."""
    cases = _fn("tradegap.sanctions", "cases")(ctx.a, ctx.b, scope="targets")
    y = ctx.year
    cases = cases.copy()
    cases["in_force"] = (cases["begin"] <= y) & (cases["end"] >= y)
    pair_labels = (f"{ctx.a} sanctions {ctx.b}", f"{ctx.b} sanctions {ctx.a}")
    is_pair = cases["relation"].map(lambda r: any(p in str(r) for p in pair_labels))
    paras = []
    active_pair = cases[is_pair & cases["in_force"]]
    ever_pair = cases[is_pair]
    if len(active_pair):
        kinds = sorted({k for t in active_pair["types"] for k in str(t).replace("(", ",").split(",") if k.strip() and ")" not in k})
        paras.append(
            f"In {y}, {len(active_pair)} sanction case(s) between {ctx.names[0]} and {ctx.names[1]} were in force "
            f"({', '.join(k.strip() for k in kinds)})."
        )
    else:
        paras.append(f"No sanctions between {ctx.names[0]} and {ctx.names[1]} were in force in {y}.")
    if len(ever_pair) and not len(active_pair):
        spans = ", ".join(f"{int(r.begin)}–{int(r.end)}" for r in ever_pair.itertuples())
        paras[-1] += (
            f" Earlier, {len(ever_pair)} case(s) applied between them ({spans}): UN Security Council "
            "sanctions, which bind every UN member, so they count as sanctions between the two."
            if (ever_pair["sanctioning_state"].astype(str) == "UN").all()
            else f" Earlier, {len(ever_pair)} case(s) applied between them ({spans})."
        )
    for iso, name in zip((ctx.a, ctx.b), ctx.names, strict=True):
        on = cases[cases["relation"].str.contains(f"on {iso}", regex=False) & cases["in_force"]]
        if len(on):
            senders = list(dict.fromkeys(x.strip() for v in on["sanctioning_state"] for x in str(v).split(",") if x.strip()))
            trade = int(on["trade"].astype(bool).sum()) if "trade" in on else 0
            fin = int(on["financial"].astype(bool).sum()) if "financial" in on else 0
            paras.append(
                f"Third-party sanctions on {name} in force in {y}: {len(on)} case(s) ({trade} restricting trade, "
                f"{fin} financial), by {', '.join(senders[:8])}{' and others' if len(senders) > 8 else ''}. "
                f"These restrict {name}'s trade with the world, not with its partner directly; in the brief they "
                "show up in the size-based gap."
            )
    paras.append(
        "Source: Global Sanctions Data Base v3; senders such as the EU or the UN are expanded to their member "
        "states year by year."
    )
    cols = [c for c in ("case_id", "relation", "sanctioning_state", "sanctioned_state", "begin", "end", "types", "in_force") if c in cases]
    table = cases.sort_values(["in_force", "begin"], ascending=[False, True])[cols].reset_index(drop=True)
    return table, "\n\n".join(paras)


def _adapt_politics(ctx: _Context) -> pd.DataFrame:
    """``tradegap.politics.alignment`` → ``year, agreement, s_score, n_common, rank, n_partners``."""
    res = _fn("tradegap.politics", "alignment")(ctx.a, ctx.b)
    df = res.to_frame()
    out = pd.DataFrame(
        {
            "year": df["year"].astype(int),
            "agreement": df["agree"].astype("float64"),
            "s_score": df["s_score"].astype("float64"),
            "n_common": df["n_common"],
            "rank": df.get("rank"),
            "n_partners": df.get("n_partners"),
        }
    )
    return out.sort_values("year").reset_index(drop=True)


def _adapt_sectors(ctx: _Context) -> tuple[pd.DataFrame, str, pd.DataFrame | None]:
    """``tradegap.sectors.pair_sectors`` → per-sector table (USD millions), text, composition bars."""
    res = _fn("tradegap.sectors", "pair_sectors")(ctx.a, ctx.b, store=ctx.store)
    t = res.table
    scale = getattr(res, "scale", "millions") or "millions"
    ab, ba = f"{ctx.a}→{ctx.b}", f"{ctx.b}→{ctx.a}"
    df = pd.DataFrame(
        {
            "sector": t["name"].astype(str) if "name" in t else t["sector"].astype(str),
            ab: t["a_to_b"].astype("float64"),
            ba: t["b_to_a"].astype("float64"),
            "pair_share_%": 100 * t["pair_composition"].astype("float64"),
            "world_share_%": 100 * t["world_composition"].astype("float64"),
            f"predicted {ab}": t["predicted_a_to_b"].astype("float64"),
            f"predicted {ba}": t["predicted_b_to_a"].astype("float64"),
            f"ratio {ab}": t["ratio_a_to_b"].astype("float64"),
            f"ratio {ba}": t["ratio_b_to_a"].astype("float64"),
        }
    )
    df = _to_millions(df, [ab, ba, f"predicted {ab}", f"predicted {ba}"], scale)
    year = int(getattr(res, "year", ctx.year))
    paras = []
    src = "UNCTADstat bilateral trade by SITC section" if getattr(res, "source", "") == "sitc" else f"source {res.source!r}"
    paras.append(
        f"Trade by sector, {year} ({src}; {UNIT})."
        + (
            f" Sector data are only available for {year}, not for the brief's year {ctx.year}."
            if year != ctx.year
            else ""
        )
    )
    total = df[ab].fillna(0) + df[ba].fillna(0)
    top = df.assign(total=total).sort_values("total", ascending=False).head(3)
    if total.sum() > 0:
        paras.append(
            "The largest sectors in the pair's trade: "
            + "; ".join(f"{r['sector']} ({r['pair_share_%']:.0f}% of the pair's trade, "
                        f"{r['world_share_%']:.0f}% of world trade)" for r in top.to_dict(orient="records"))
            + "."
        )
    for col, lab in ((f"ratio {ab}", ctx.dir_label(ctx.a, ctx.b)), (f"ratio {ba}", ctx.dir_label(ctx.b, ctx.a))):
        r = df[["sector", col]].dropna()
        r = r[np.isfinite(r[col])]
        low = r[r[col] < 0.5]["sector"].tolist()
        high = r[r[col] >= 1.0]["sector"].tolist()
        if len(r):
            paras.append(
                f"{lab}: compared with a gravity benchmark per sector (what a typical pair with the same "
                f"geography and sizes trades), trade is less than half the benchmark in {len(low)} of {len(r)} sectors"
                + (f" ({'; '.join(low[:5])}{'; …' if len(low) > 5 else ''})" if low else "")
                + (f", and at or above it in {'; '.join(high[:5])}" if high else "")
                + "."
            )
    paras.extend(str(n) for n in getattr(res, "notes", ()))
    chart = pd.concat(
        [
            pd.DataFrame({"label": df["sector"], "value": df["pair_share_%"], "group": "share of the pair's trade (%)"}),
            pd.DataFrame({"label": df["sector"], "value": df["world_share_%"], "group": "share of world trade (%)"}),
        ],
        ignore_index=True,
    )
    return df, "\n\n".join(paras), chart


def _pct(x: Any, digits: int = 1) -> str:
    f = _finite(x)
    return "n/a" if f is None else f"{f:+.{digits}f}%"


def _adapt_scenarios(ctx: _Context) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """``tradegap.ge.pair_scenarios`` → summary table, text and the pair-trade bars."""
    struct = ctx.try_get("structural", lambda: _adapt_structural(ctx))[0] if ctx.uses_potential else None
    potential = None
    if struct is not None:
        snap = struct[struct["year"] == ctx.year]
        if len(snap) == 2 and snap["potential"].notna().all():
            potential = float(snap["potential"].sum())
    kwargs: dict[str, Any] = {"year": ctx.year, "store": ctx.store}
    if potential is not None:
        kwargs["potential"] = potential
    res = _fn("tradegap.ge", "pair_scenarios")(ctx.a, ctx.b, **kwargs)
    df = res.to_frame()
    a, b = ctx.a, ctx.b
    paras = [
        "Three standard planning scenarios, each solved in a general-equilibrium model of world trade "
        f"(one sector, trade elasticity σ = {getattr(res, 'sigma', 7.0):g}): prices, incomes and every country's "
        "trade adjust, so gains include trade diverted from third countries. They describe the long-run effect "
        "of each change on its own, under the model's assumptions — not a forecast."
    ]
    for r in df.itertuples(index=False):
        d = r._asdict()
        line = (
            f"{d.get('description', d.get('scenario'))}: trade between the two {_pct(d.get('pair_trade_change_pct'))}; "
            f"{ctx.names[0]}'s total exports {_pct(d.get(f'{a}_exports_change_pct'), 2)}, "
            f"{ctx.names[1]}'s {_pct(d.get(f'{b}_exports_change_pct'), 2)}; real GDP "
            f"{_pct(d.get(f'{a}_real_gdp_change_pct'), 2)} and {_pct(d.get(f'{b}_real_gdp_change_pct'), 2)}."
        )
        before, after = _finite(d.get("actual_potential_before")), _finite(d.get("actual_potential_after"))
        if potential is not None and before is not None and after is not None:
            line += f" Actual/potential ratio {before:.2f} before, {after:.2f} after."
        paras.append(line)
    if (df["pair_trade_change_pct"].astype("float64") < 0).any():
        paras.append(
            "A negative change for the pair means the scenario makes other partners relatively more attractive "
            "(for example, lifting sanctions with third countries), so some of the pair's trade is diverted to them."
        )
    assumptions = [str(x) for x in getattr(res, "assumptions", ())]
    if assumptions:
        paras.append("Assumptions: " + " ".join(x if x.endswith(".") else x + "." for x in assumptions))
    table = df.copy()
    rename = {
        "pair_trade_change_pct": "pair_trade_%",
        f"{a}_exports_change_pct": f"{a}_exports_%",
        f"{b}_exports_change_pct": f"{b}_exports_%",
        f"{a}_real_gdp_change_pct": f"{a}_real_GDP_%",
        f"{b}_real_gdp_change_pct": f"{b}_real_GDP_%",
        "world_real_gdp_change_pct": "world_real_GDP_%",
        "actual_potential_before": "ratio_before",
        "actual_potential_after": "ratio_after",
    }
    table = table.rename(columns=rename).drop(columns=["scenario"], errors="ignore")
    if potential is None:
        table = table.drop(columns=["ratio_before", "ratio_after"], errors="ignore")
    label = df["description"] if "description" in df else df["scenario"]
    chart = pd.DataFrame({"label": label.astype(str), "value": df["pair_trade_change_pct"].astype("float64")})
    return table, "\n\n".join(paras), chart


def _adapt_claims(claims: list[Any] | None) -> tuple[pd.DataFrame, str]:
    if not claims:
        return pd.DataFrame(columns=["claim", "verdict"]), "No checkable trade claims were found in the article."
    rows = []
    for c in claims:
        if isinstance(c, dict):
            rows.append(jsonable(c))
        elif hasattr(c, "to_dict"):
            rows.append(jsonable(c.to_dict()))
        elif dataclasses.is_dataclass(c) and not isinstance(c, type):
            rows.append(jsonable(dataclasses.asdict(c)))
        else:
            raise InputError(
                "The 'claims' parameter of pair_brief must hold dicts or objects with to_dict(). "
                f"Got {type(c).__name__} instead."
            )
    df = pd.DataFrame(rows)
    for c in df.columns:
        if df[c].map(lambda v: isinstance(v, (dict, list))).any():
            df[c] = df[c].map(lambda v: v if not isinstance(v, (dict, list)) else str(v))
    text = f"{len(df)} claim(s) from the article checked against the data."
    if "verdict" in df:
        counts = df["verdict"].value_counts()
        text += " Verdicts: " + ", ".join(f"{k}: {v}" for k, v in counts.items()) + "."
    return df, text

# ----------------------------------------------------------------------------------------------
# Sections
# ----------------------------------------------------------------------------------------------

_SOURCES = {
    "dots": "IMF Direction of Trade Statistics (DOTS), goods trade, USD millions, mirror-reconciled",
    "baci": "CEPII BACI, total goods trade, reconciled FOB values (converted from USD thousands to millions)",
    "wdi": "World Bank World Development Indicators (GDP, current USD)",
    "geodist": "CEPII GeoDist (distance, contiguity, language, colonial ties, landlocked) plus a shared-sea flag",
    "unga": "UN General Assembly roll-call votes (Voeten et al.), 1946–2019",
    "gsdb": "Global Sanctions Data Base v3 (Felbermayr, Kirilakha, Syropoulos, Yalcin & Yotov)",
}


def _section_history(ctx: _Context) -> BriefSection:
    hist = ctx.get("history", lambda: _adapt_history(ctx))
    lines = []
    frame = hist.pivot_table(index="year", columns="direction", values="value", aggfunc="sum").reset_index()
    frame.columns.name = None
    labels = [ctx.dir_label(*d) for d in ctx.directions]
    for lab in labels:
        if lab not in frame:
            frame[lab] = np.nan
    frame["total"] = frame[labels].sum(axis=1, min_count=1)
    frame = frame[["year", *labels, "total"]].sort_values("year")
    years = frame["year"].astype(int)
    first, last = int(years.min()), int(years.max())
    lines.append(
        f"Goods trade between {ctx.names[0]} and {ctx.names[1]} in each direction, {first}–{last}, "
        f"in {UNIT} at current prices."
    )
    snap = frame[frame["year"] == ctx.year]
    if len(snap):
        row = snap.iloc[0]
        lines.append(
            f"In {ctx.year}, {labels[0]} was {_fmt_usd(row[labels[0]])} and {labels[1]} "
            f"{_fmt_usd(row[labels[1]])}, {_fmt_usd(row['total'])} in total."
        )
        ctx.metrics["actual_total"] = _finite(row["total"])
        ctx.metrics["actual_ab"] = _finite(row[labels[0]])
        ctx.metrics["actual_ba"] = _finite(row[labels[1]])
        tot = frame.set_index("year")["total"].dropna()
        if len(tot) > 1:
            peak_year = int(tot.idxmax())
            lines.append(f"The highest total in the period was {_fmt_usd(tot.max())} in {peak_year}.")
    else:
        lines.append(f"The data has no value for {ctx.year}.")
    note = _adapt_history_note(hist)
    if note:
        lines.append(note)
    chart_data = hist.rename(columns={"value": "actual"})[["year", "direction", "actual"]]
    pot = size = None
    if ctx.uses_potential:
        pot, _ = ctx.try_get("structural", lambda: _adapt_structural(ctx))
        size, _ = ctx.try_get("size_based", lambda: _adapt_size_based(ctx))
    chart_note = "Actual goods trade (IMF DOTS)."
    if pot is not None and len(pot):
        p = pot[["year", "direction", "potential", "lower", "upper", "actual"]].rename(columns={"actual": "actual_model"})
        chart_data = chart_data.merge(p, on=["year", "direction"], how="outer")
        level = f"{float(pot.attrs.get('band_level', 0.95)):.0%}"
        if p["year"].nunique() > 2:
            chart_note += f" Dashed: structural potential, shaded: its {level} band."
        else:
            chart_note += (
                f" Squares: structural potential for {_adapt_year_span(p['year'].unique())} with its {level} band "
                "(estimated for the brief's year)."
            )
    if size is not None and len(size):
        s = size[["year", "direction", "potential"]].rename(columns={"potential": "size_potential"})
        chart_data = chart_data.merge(s, on=["year", "direction"], how="outer")
        chart_note += " Dotted line or diamonds: size-based potential."
    if pot is not None:
        chart_note += (
            " Potentials are estimated on CEPII BACI; the thin line (or filled circle) is BACI's actual value, to "
            "compare like with like, while the thick line is IMF DOTS."
        )
    chart = Chart(
        kind="history",
        data=chart_data.sort_values(["direction", "year"]).reset_index(drop=True),
        title=f"Actual vs potential trade, {ctx.names[0]} and {ctx.names[1]}",
        xlabel="year",
        ylabel=UNIT,
        note=chart_note,
    )
    return BriefSection(
        title="Trade history",
        key="history",
        text="\n\n".join(lines),
        frame=frame.reset_index(drop=True),
        chart=chart,
        sources=(_SOURCES["dots"],),
    )


def _section_peers(ctx: _Context) -> BriefSection:
    peers = ctx.get("peers", lambda: _adapt_peers(ctx))
    frame, text = peers
    chart = Chart(
        kind="bars",
        data=frame[["label", "value", "highlight"]],
        title=f"{ctx.names[1]}'s trade with {ctx.names[0]} and with comparable partners, {ctx.year}",
        xlabel=UNIT,
        note="Highlighted: the pair of this brief.",
    )
    return BriefSection(
        title="Peers: how the pair compares",
        key="peers",
        text=text,
        frame=frame.drop(columns=["highlight", "label"], errors="ignore").rename(
            columns={"value": "total", "gdp_busd": "GDP_USD_bn", "population_m": "population_millions"}
        ),
        chart=chart,
        sources=(_SOURCES["dots"],),
    )


def _potential_table(ctx: _Context, frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    snap = frame[frame["year"] == ctx.year].copy()
    snap.insert(0, "measure", kind)
    return snap


def _section_potential(ctx: _Context) -> BriefSection:
    struct, err_s = ctx.try_get("structural", lambda: _adapt_structural(ctx))
    size, err_z = ctx.try_get("size_based", lambda: _adapt_size_based(ctx))
    if struct is None and size is None:
        raise err_s or err_z  # type: ignore[misc]
    paras = [
        "Two meanings of \"capacity\" are measured side by side.",
        "The structural potential asks: given how much each country trades with the whole world, is the "
        "share it trades with the other normal for two countries this far apart, with a shared sea, "
        "different languages and so on? It is estimated with a gravity model on all country pairs "
        "(PPML with exporter-year, importer-year and pair effects; the pair effects are then explained "
        "by geography, so every pair gets a 'normal' trade cost).",
        "The size-based potential asks: how much would they trade if each traded like a typical economy "
        "of its size (GDP), given geography? This is closer to the article's \"high capacities\": a "
        "country whose trade with everyone is depressed (for example by sanctions) can look normal "
        "structurally and still trade far below what its GDP predicts.",
    ]
    rows = []
    for label, frame, err in (("structural potential", struct, err_s), ("size-based potential", size, err_z)):
        if frame is None:
            paras.append(f"The {label} could not be computed: {err.message if err else ''}")
            continue
        snap = frame[frame["year"] == ctx.year]
        if not len(snap):
            years = sorted(frame["year"].unique())
            paras.append(
                f"The {label} has no estimate for {ctx.year} (estimated years: {_adapt_year_span(years)})."
            )
            continue
        sentences = []
        for ex, im in ctx.directions:
            lab = ctx.dir_label(ex, im)
            r = snap[snap["direction"] == lab]
            if not len(r):
                continue
            r0 = r.iloc[0]
            sentences.append(
                ratio_sentence(
                    lab, r0["actual"], r0["potential"], r0.get("lower"), r0.get("upper"), what=label,
                    level=float(frame.attrs.get("band_level", 0.95)),
                )
            )
            key = "structural" if label.startswith("structural") else "size"
            suffix = "ab" if (ex, im) == (ctx.a, ctx.b) else "ba"
            ctx.metrics[f"{key}_actual_{suffix}"] = _finite(r0["actual"])
            ctx.metrics[f"{key}_potential_{suffix}"] = _finite(r0["potential"])
            ctx.metrics[f"{key}_ratio_{suffix}"] = _finite(r0["ratio"])
            lo, hi, act = _finite(r0.get("lower")), _finite(r0.get("upper")), _finite(r0["actual"])
            ctx.metrics[f"{key}_inband_{suffix}"] = bool(
                lo is not None and hi is not None and act is not None and lo <= act <= hi
            )
        paras.append(" ".join(sentences))
        t = snap.copy()
        t.insert(0, "measure", label)
        rows.append(t)
    if size is not None and size.attrs.get("variants"):
        variants = size.attrs["variants"]
        paras.append(
            f"The size-based potential shown uses {_VARIANT_LABELS.get(variants[0], variants[0])}; the table also "
            "gives the variant "
            + ", ".join(_VARIANT_LABELS.get(v, v) for v in variants[1:])
            + " for comparison."
        )
        other = ctx.extra.get("size_based", {}).get("variant_rows")
        if isinstance(other, pd.DataFrame) and len(other):
            o = other[other["year"].astype(int) == ctx.year].copy()
            if len(o):
                o.insert(0, "measure", [f"size-based, {_VARIANT_LABELS.get(v, v)}" for v in o["variant"].astype(str)])
                rows.append(o)
    for label, frame in (("Structural", struct), ("Size-based", size)):
        if frame is not None and frame.attrs.get("specification"):
            paras.append(f"{label} specification: {frame.attrs['specification']}")
        if frame is not None:
            for note in frame.attrs.get("notes", []):
                paras.append(str(note))
    band = next((f.attrs.get("band_method") for f in (struct, size) if f is not None and f.attrs.get("band_method")), None)
    level = next((f.attrs.get("band_level") for f in (struct, size) if f is not None and f.attrs.get("band_level")), 0.95)
    paras.append(
        f"Uncertainty: the bands are {level:.0%} intervals"
        + (f" ({band})" if band else "")
        + ". They reflect the statistical uncertainty of the estimated coefficients only, not errors in "
        "the data or in the model's assumptions; treat the potential as an order of magnitude."
    )
    table = pd.concat(rows, ignore_index=True) if rows else None
    if table is not None:
        table = table[[c for c in ("measure", "direction", "year", "actual", "potential", "lower", "upper", "ratio", "untapped") if c in table]]
    return BriefSection(
        title="Trade potential: structural and size-based",
        key="potential",
        text="\n\n".join(paras),
        frame=table,
        sources=(_SOURCES["baci"], _SOURCES["wdi"], _SOURCES["geodist"], _SOURCES["gsdb"]),
    )


def _section_gap(ctx: _Context) -> BriefSection:
    frame, text = ctx.get("gap", lambda: _adapt_gap_split(ctx))
    chart = None
    if {"direction", "part", "log_points"} <= set(frame.columns):
        chart = Chart(
            kind="bars",
            data=frame.rename(columns={"direction": "label", "part": "group", "log_points": "value"})[
                ["label", "value", "group"]
            ],
            title="Where the gap to the size-based potential comes from",
            xlabel="log points (negative = below potential; the two parts add up)",
            note="A log point of −0.69 means half of the potential; −1.0 about a third.",
        )
    return BriefSection(title="The gap split", key="gap", text=text, frame=frame, chart=chart)


def _section_decomposition(ctx: _Context) -> BriefSection:
    frame, text = ctx.get("decomposition", lambda: _adapt_decomposition(ctx))
    chart = Chart(
        kind="bars",
        data=frame[[c for c in ("label", "value", "highlight", "group") if c in frame]],
        title=f"What shapes the cost of trade between {ctx.names[0]} and {ctx.names[1]}",
        xlabel="effect on trade (%; negative = lowers trade)",
        note="Each bar: how much this factor raises or lowers the pair's trade compared with the average pair of the sample.",
    )
    return BriefSection(
        title="The gap explained",
        key="decomposition",
        text=text,
        frame=frame.drop(
            columns=["highlight", "group", *(["value"] if "pct_of_trade" in frame else [])], errors="ignore"
        ),
        chart=chart,
        sources=(_SOURCES["geodist"], _SOURCES["gsdb"]),
    )


def _section_sanctions(ctx: _Context) -> BriefSection:
    frame, text = ctx.get("sanctions", lambda: _adapt_sanctions(ctx))
    return BriefSection(
        title="Sanctions", key="sanctions", text=text, frame=frame, sources=(_SOURCES["gsdb"],)
    )


_POLITICS_FROM: Final[int] = 1990


def _section_politics(ctx: _Context) -> BriefSection:
    align = ctx.get("politics", lambda: _adapt_politics(ctx))
    struct, err = (
        ctx.try_get("structural", lambda: _adapt_structural(ctx)) if ctx.uses_potential else (None, None)
    )
    data = align[align["year"] >= _POLITICS_FROM].copy()
    paras = []
    if struct is not None and len(struct):
        tot = struct.groupby("year")[["actual", "potential"]].sum(min_count=1)
        ratio = (tot["actual"] / tot["potential"]).rename("ratio").reset_index()
        data = data.merge(ratio, on="year", how="outer").sort_values("year")
    yrs = data.dropna(subset=["agreement"])
    if not len(yrs):
        raise _adapt_coverage(f"no UN General Assembly votes in common for {ctx.a}–{ctx.b}")
    last = yrs.iloc[-1]
    paras.append(
        f"Political alignment is measured by how often {ctx.names[0]} and {ctx.names[1]} vote the same way "
        f"in the UN General Assembly (yes, no or abstain on the same resolution). In {int(last['year'])}, "
        f"the latest year with votes, their agreement index was {_fmt_pct(last['agreement'])} over the votes both "
        "cast (an abstention against a yes or a no counts as half agreement)"
        + (f"; Signorino–Ritter S-score {last['s_score']:.2f}, where 1 is identical voting." if pd.notna(last.get("s_score")) else ".")
    )
    if pd.notna(last.get("rank")) and pd.notna(last.get("n_partners")):
        paras[-1] += (
            f" Ranked by agreement with {ctx.names[0]} that year, {ctx.names[1]} came {int(last['rank'])} of "
            f"{int(last['n_partners'])} states (1 = the state voting most like {ctx.names[0]})."
        )
        share = float(last["rank"]) / float(last["n_partners"])
        if share <= 0.1:
            paras[-1] += f" By this measure {ctx.names[1]} is among {ctx.names[0]}'s closest partners at the UN."
        elif share > 0.5:
            paras[-1] += (
                f" By this measure the two are not especially close: more than half of all states vote more like "
                f"{ctx.names[0]} than {ctx.names[1]} does (UN votes are one gauge of political ties, not the only one)."
            )
    early = yrs.iloc[0]
    paras.append(
        f"Agreement was {_fmt_pct(early['agreement'])} in {int(early['year'])}; the mean over "
        f"{int(early['year'])}–{int(last['year'])} is {_fmt_pct(yrs['agreement'].mean())}."
    )
    if "ratio" in data and data["ratio"].notna().any():
        both = data.dropna(subset=["agreement", "ratio"])
        r_last = data.dropna(subset=["ratio"]).iloc[-1]
        paras.append(
            f"Beside it, the ratio of actual to structural-potential trade (both directions): "
            f"{r_last['ratio']:.2f} in {int(r_last['year'])}"
            + (
                " — trade at or above its structural potential." if r_last["ratio"] >= 1
                else " — trade about at its structural potential." if r_last["ratio"] >= 0.95
                else " — trade below its structural potential."
            )
        )
        rs = data.dropna(subset=["ratio"])
        if len(rs) >= 3:
            lo_r, hi_r = rs.loc[rs["ratio"].idxmin()], rs.loc[rs["ratio"].idxmax()]
            paras[-1] += (
                f" Over {int(rs['year'].min())}–{int(rs['year'].max())} it averaged {rs['ratio'].mean():.2f} "
                f"(lowest {lo_r['ratio']:.2f} in {int(lo_r['year'])}, highest {hi_r['ratio']:.2f} in {int(hi_r['year'])})."
            )
        if len(both) >= 5 and both["agreement"].std() > 0 and both["ratio"].std() > 0:
            corr = float(np.corrcoef(both["agreement"], both["ratio"])[0, 1])
            paras.append(
                f"Over {len(both)} common years the two series have a correlation of {corr:.2f}. "
                "This is a description, not a causal estimate: close voting does not by itself make trade grow."
            )
    else:
        paras.append(
            "The actual/potential trade ratio is not shown beside it"
            + (
                f" because the potential could not be computed: {err.message}" if err
                else " (the potential was not part of this brief)." if not ctx.uses_potential
                else "."
            )
        )
    chart_cols = [c for c in ("year", "agreement", "ratio") if c in data]
    chart = Chart(
        kind="politics",
        data=data[chart_cols].reset_index(drop=True),
        title="Politics beside economics",
        xlabel="year",
        ylabel="UN vote agreement (share)",
        note="Line: share of UN General Assembly votes in agreement. Bars: actual / structural potential trade.",
    )
    return BriefSection(
        title="Politics beside economics",
        key="politics",
        text="\n\n".join(paras),
        frame=data[[c for c in ("year", "agreement", "s_score", "rank", "n_partners", "ratio") if c in data]].reset_index(drop=True),
        chart=chart,
        sources=(_SOURCES["unga"], _SOURCES["baci"]),
    )


def _section_sectors(ctx: _Context) -> BriefSection:
    frame, text, chart_frame = ctx.get("sectors", lambda: _adapt_sectors(ctx))
    chart = None
    if chart_frame is not None and len(chart_frame):
        chart = Chart(
            kind="bars",
            data=chart_frame,
            title="What the pair trades, compared with world trade",
            xlabel="% of trade",
        )
    return BriefSection(title="Sectors", key="sectors", text=text, frame=frame, chart=chart)


def _section_scenarios(ctx: _Context) -> BriefSection:
    frame, text, chart_frame = ctx.get("scenarios", lambda: _adapt_scenarios(ctx))
    chart = Chart(
        kind="bars",
        data=chart_frame,
        title="What planning could deliver: change in trade between the two",
        xlabel="% change in the pair's trade (both directions)",
        note="General-equilibrium scenarios (one-sector structural gravity, σ = 7 unless stated).",
    )
    return BriefSection(
        title="What planning could deliver", key="scenarios", text=text, frame=frame, chart=chart
    )


def _section_claims(ctx: _Context) -> BriefSection:
    frame, text = _adapt_claims(ctx.claims)
    return BriefSection(title="The article's claims, checked", key="claims", text=text, frame=frame)


def _section_method(ctx: _Context) -> BriefSection:
    text = "\n\n".join(
        [
            f"Units: every trade value is in {UNIT} at current prices; years are calendar years. "
            f"Snapshot figures refer to {ctx.year}.",
            "Trade history and peers use the IMF Direction of Trade Statistics. Where a country does not "
            "report (Iran stopped reporting after 1999), its flows come from its partners' reports "
            "(\"mirror\" data).",
            "Potentials use a gravity model: trade between two countries grows with their economic size and "
            "falls with the cost of trading (distance, borders, language, policy). The model is estimated by "
            "Poisson pseudo-maximum likelihood (PPML), the standard method that handles zero trade flows, "
            "on all country pairs in CEPII BACI. A potential is what the model predicts for a pair with "
            "typical trade costs given its geography — not a forecast and not a target.",
            "Scenarios solve a general-equilibrium model in which prices, incomes and every country's trade "
            "adjust together, so they include diversion from and to third countries.",
            "Limits: the data covers goods only (no services, no energy transit fees), recorded trade only "
            "(no smuggling or barter), and the model cannot see every trade cost (payment channels, "
            "informal barriers). Results are estimates with uncertainty, stated where computed.",
        ]
    )
    return BriefSection(
        title="Data and method",
        key="method",
        text=text,
        sources=tuple(_SOURCES.values()),
    )


_BUILDERS: Final[dict[str, tuple[str, Callable[[_Context], BriefSection]]]] = {
    "history": ("Trade history", _section_history),
    "peers": ("Peers: how the pair compares", _section_peers),
    "potential": ("Trade potential: structural and size-based", _section_potential),
    "gap": ("The gap split", _section_gap),
    "decomposition": ("The gap explained", _section_decomposition),
    "sanctions": ("Sanctions", _section_sanctions),
    "politics": ("Politics beside economics", _section_politics),
    "sectors": ("Sectors", _section_sectors),
    "scenarios": ("What planning could deliver", _section_scenarios),
    "claims": ("The article's claims, checked", _section_claims),
    "method": ("Data and method", _section_method),
}


def _build(key: str, ctx: _Context) -> BriefSection:
    title, builder = _BUILDERS[key]
    try:
        return builder(ctx)
    except TradegapError as exc:
        return BriefSection.unavailable(key, title, exc)
    except ModuleNotFoundError as exc:
        # a tradegap component that a component itself needs is missing from this installation
        if exc.name and exc.name.startswith("tradegap."):
            return BriefSection.unavailable(
                key,
                title,
                _ComponentMissing(
                    f"the component {exc.name} is not available in this installation of tradegap",
                    hint="Update tradegap; the rest of the brief does not depend on it.",
                ),
            )
        raise


def _summary(ctx: _Context, sections: dict[str, BriefSection]) -> tuple[BriefSection, str]:  # noqa: C901 (split pending)
    """The headline: the answer to "could they trade more?", as far as the model shows it."""
    m = ctx.metrics
    paras: list[str] = []
    if m.get("actual_total") is not None:
        paras.append(
            f"In {ctx.year}, {ctx.names[0]} and {ctx.names[1]} traded goods worth {_fmt_usd(m['actual_total'])} "
            f"({ctx.dir_label(ctx.a, ctx.b)} {_fmt_usd(m.get('actual_ab'))}, "
            f"{ctx.dir_label(ctx.b, ctx.a)} {_fmt_usd(m.get('actual_ba'))})."
        )
    if m.get("peers_rank") and m.get("peers_n_partners"):
        peers = sections.get("peers")
        names = []
        if peers is not None and peers.ok and peers.chart is not None:
            d = peers.chart.data
            names = [str(x) for x in d.loc[~d["highlight"].astype(bool), "label"].head(3)]
        paras.append(
            f"{ctx.names[0]} was {ctx.names[1]}'s {_ordinal(m['peers_rank'])} largest trading partner of "
            f"{m['peers_n_partners']}"
            + (f"; {ctx.names[1]} trades about as much with {_join(names)}." if names else ".")
        )
    verdicts = []
    statuses: list[str] = []
    struct_st: list[str] = []
    size_st: list[str] = []
    for key, label in (("structural", "structural potential"), ("size", "size-based potential")):
        ratios = [m.get(f"{key}_ratio_ab"), m.get(f"{key}_ratio_ba")]
        if all(r is None for r in ratios):
            continue
        parts = []
        for r, sfx, (ex, im) in zip(ratios, ("ab", "ba"), ctx.directions, strict=True):
            if r is None:
                continue
            if r >= 1:
                where, st = "at or above it", "above"
            elif m.get(f"{key}_inband_{sfx}"):
                where, st = "below it but within the model's uncertainty band", "unsure"
            else:
                where, st = "below it", "below"
            statuses.append(st)
            act, pot = m.get(f"{key}_actual_{sfx}"), m.get(f"{key}_potential_{sfx}")
            nums = f"{_fmt_usd(act)} vs {_fmt_usd(pot)}, ratio {r:.2f}" if act is not None and pot is not None else f"ratio {r:.2f}"
            parts.append(f"{ctx.dir_label(ex, im)} is {where} ({nums})")
        verdicts.append(f"Against the {label}, " + "; ".join(parts) + ".")
        (struct_st if key == "structural" else size_st).extend(statuses[-len(parts):])
    if verdicts:
        paras.extend(verdicts)
        s_ratios = [r for r in (m.get("structural_ratio_ab"), m.get("structural_ratio_ba")) if r is not None]
        z_ratios = [r for r in (m.get("size_ratio_ab"), m.get("size_ratio_ba")) if r is not None]
        if (
            s_ratios and z_ratios and all(r >= 0.8 for r in s_ratios)
            and all(st == "below" for st in size_st) and max(z_ratios) < 0.6
        ):
            worst = min(s_ratios)
            paras.append(
                "So the pair trades roughly as much with each other as each country's overall trade predicts"
                + (f" (at worst {1 - worst:.0%} below)" if worst < 1 else "")
                + ", but far less than their economic size predicts: most of the gap comes from each country "
                "trading little with the world as a whole (see the gap split), not from something specific to "
                "this pair. By this model, the shortfall is real when measured against economic size, but it is "
                f"not specific to {ctx.names[0]}–{ctx.names[1]} trade."
            )
        elif all(st == "above" for st in statuses):
            paras.append(
                "The model does not show untapped trade: the pair already trades at least as much as "
                "comparable pairs. A claim of large unused capacity is not supported by these estimates."
            )
        elif all(st == "below" for st in statuses):
            paras.append(
                "Both measures put actual trade below potential, beyond the model's uncertainty bands; the "
                "gap explanation and the gap split below say why."
            )
        elif "above" not in statuses and "below" in statuses:
            paras.append(
                "Trade is below potential, but part of the gap lies within the model's uncertainty; quote "
                "the bands, not only the central numbers."
            )
        else:
            paras.append(
                "The two measures or the two directions disagree (trade is above potential in some and below "
                "in others); read the potential section before quoting a single number."
            )
        dots, baci = m.get("actual_total"), None
        if m.get("structural_actual_ab") is not None and m.get("structural_actual_ba") is not None:
            baci = m["structural_actual_ab"] + m["structural_actual_ba"]
        if dots is not None and baci is not None and abs(baci - dots) > 0.05 * max(dots, 1e-9):
            paras.append(
                f"Note: potentials are estimated on CEPII BACI, which records {_fmt_usd(baci)} for the pair in "
                f"{ctx.year} against {_fmt_usd(dots)} in IMF DOTS (the sources reconcile exporter and importer "
                "reports differently); each ratio compares like with like."
            )
    else:
        paras.append("The trade potential could not be computed; see the potential section for the reason.")
    unavailable = [s.title for k, s in sections.items() if not s.ok]
    if unavailable:
        paras.append("Not available in this brief: " + ", ".join(unavailable) + ".")
    ab, ba = ctx.dir_label(ctx.a, ctx.b), ctx.dir_label(ctx.b, ctx.a)
    labels = [
        ("actual_total", f"Trade, both directions, {ctx.year} (IMF DOTS)", UNIT),
        ("actual_ab", f"{ab} (IMF DOTS)", UNIT),
        ("actual_ba", f"{ba} (IMF DOTS)", UNIT),
        ("peers_rank", f"{ctx.names[0]}'s rank among {ctx.names[1]}'s partners (IMF DOTS)", f"of {m.get('peers_n_partners')}"),
    ]
    for key, name in (("structural", "structural"), ("size", "size-based")):
        for sfx, lab in (("ab", ab), ("ba", ba)):
            labels.append((f"{key}_actual_{sfx}", f"{lab} actual (CEPII BACI)", UNIT))
            labels.append((f"{key}_potential_{sfx}", f"{lab} {name} potential", UNIT))
            labels.append((f"{key}_ratio_{sfx}", f"{lab} actual / {name} potential", "ratio"))
    seen_actual: set[str] = set()
    frame_rows = []
    for key, label, unit in labels:
        v = m.get(key)
        if v is None or isinstance(v, bool):
            continue
        if "_actual_" in key:  # BACI actual: once per direction
            if label in seen_actual:
                continue
            seen_actual.add(label)
        frame_rows.append({"measure": label, "value": _ordinal(v) if key == "peers_rank" else v, "unit": unit})
    frame = pd.DataFrame(frame_rows, columns=["measure", "value", "unit"]) if frame_rows else None
    section = BriefSection(title="Summary", key="summary", text="\n\n".join(paras), frame=frame)
    return section, paras[0] if paras else ""


def _validate_country(code: str, what: str) -> tuple[str, str]:
    if not isinstance(code, str) or not code.strip():
        raise InputError(f"The '{what}' parameter of pair_brief must be a country name or ISO3 code. Got {code!r} instead.")
    try:
        countries = _import("tradegap.countries")
    except _ComponentMissing:
        iso = code.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", iso):
            raise InputError(
                f"The '{what}' parameter of pair_brief must be an ISO3 code. Got {code!r} instead.",
                hint="Use three-letter ISO codes such as IRN or RUS.",
            ) from None
        return iso, iso
    iso = countries.to_iso3(code)
    try:
        name = countries.country_name(iso)
    except TradegapError:
        name = iso
    return iso, _adapt_short_name(iso, name)


def pair_brief(
    a: str,
    b: str,
    *,
    year: int = 2019,
    store: Any = None,
    sections: Sequence[str] | None = None,
    claims: Iterable[Any] | None = None,
    extra_sections: Sequence[BriefSection] = (),
    progress: Progress | None = None,
) -> PairBrief:
    """Assemble the brief for countries ``a`` and ``b``.

    Parameters
    ----------
    a, b : str
        Country names or ISO3 codes (e.g. ``"IRN"``, ``"Russia"``).
    year : int, default 2019
        Reference year of the snapshot figures (history and politics cover all years).
    store : tradegap.store.Store, optional
        Data store; ``None`` uses the default store, or the embedded data.
    sections : sequence of str, optional
        Which sections to build (see :data:`SECTIONS`); default all except ``claims``.
        ``"summary"`` and ``"method"`` are always included.
    claims : iterable, optional
        An article's claim checks (objects with ``to_dict()`` or dicts); adds the
        ``claims`` section.
    extra_sections : sequence of BriefSection
        Sections built elsewhere (e.g. an article's claims), placed right after the summary.
    progress : callable, optional
        Called as ``progress(section_title, i, n)`` before each section is computed.

    Returns
    -------
    PairBrief
        Trade values in USD millions.

    Raises
    ------
    UnknownCountryError
        When a country cannot be recognised.
    InputError
        For a bad year, the same country twice or an unknown section name.
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InputError(f"The 'year' parameter of pair_brief must be an int. Got {year!r} instead.")
    year = int(year)
    if not 1948 <= year <= 2100:
        raise InputError(
            f"The 'year' parameter of pair_brief must be a calendar year. Got {year} instead.",
            hint="Trade data covers 1990–2020 for history and 2000–2020 for potentials.",
        )
    a_iso, a_name = _validate_country(a, "a")
    b_iso, b_name = _validate_country(b, "b")
    if a_iso == b_iso:
        raise InputError(
            f"pair_brief needs two different countries. Got {a!r} and {b!r} (both {a_iso}).",
            hint="Name two countries, e.g. `tradegap brief IRN RUS`.",
        )
    claims_list = list(claims) if claims is not None else None
    if sections is None:
        wanted = list(DEFAULT_SECTIONS) + (["claims"] if claims_list is not None else [])
    else:
        wanted = list(sections)
        unknown = [s for s in wanted if s not in SECTIONS]
        if unknown:
            raise InputError(
                f"The 'sections' parameter of pair_brief must contain only {list(SECTIONS)}. Got {unknown} instead."
            )
        if claims_list is not None and "claims" not in wanted:
            wanted.append("claims")
    for extra in extra_sections:
        if not isinstance(extra, BriefSection):
            raise InputError(
                f"The 'extra_sections' parameter of pair_brief must hold BriefSection objects. Got {type(extra).__name__}."
            )
    ctx = _Context(a_iso, b_iso, year, store, (a_name, b_name), claims_list)
    ctx.uses_potential = bool({"potential", "gap"} & set(wanted))
    order = [k for k in SECTIONS if k in wanted and k not in ("summary", "method")]
    built: dict[str, BriefSection] = {}
    n = len(order) + 2
    for i, key in enumerate(order):
        if progress is not None:
            progress(_BUILDERS[key][0], i, n)
        built[key] = _build(key, ctx)
    if progress is not None:
        progress("Summary", n - 2, n)
    summary, headline = _summary(ctx, built)
    method = _build("method", ctx)
    if progress is not None:
        progress("Done", n, n)
    # sections brought by the caller (e.g. an article's claims) come first: they are why the brief was asked for
    ordered = [summary, *extra_sections, *built.values(), method]
    keys = [s.key for s in ordered]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise InputError(f"Brief sections must have unique keys; duplicated: {dupes}.")
    return PairBrief(
        a=a_iso,
        b=b_iso,
        names=(a_name, b_name),
        year=year,
        sections=tuple(ordered),
        headline=summary.text,
        metrics=dict(ctx.metrics),
    )


# ----------------------------------------------------------------------------------------------
# The potential of one pair, both measures side by side (``tradegap potential A B``)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairPotential:
    """Actual trade against the structural and the size-based potential for one pair and year.

    Attributes
    ----------
    a, b : str
        ISO3 codes; ``year`` the year compared.
    table : pandas.DataFrame
        One row per measure and direction: ``measure, exporter, importer, actual, potential,
        lower, upper, ratio, untapped`` (USD millions; ``ratio`` = actual / potential; the
        band is the potential's confidence interval, at the level the potential module reports).
    specification : dict
        Per measure, the specification reported by :mod:`tradegap.potential` (regressors,
        fixed effects, normalization, band method, sample).
    errors : dict
        Per measure that could not be computed, the reason.
    sentences : tuple of str
        Plain-language comparison, one sentence per measure and direction.
    meaning : dict
        Per measure, what it means in plain words (from :mod:`tradegap.potential`).
    """

    a: str
    b: str
    year: int
    table: pd.DataFrame
    specification: dict[str, Any]
    errors: dict[str, str]
    sentences: tuple[str, ...]
    unit: str = UNIT
    meaning: dict[str, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The comparison table (see :attr:`table`)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: per direction the actual value and each potential with band and ratio."""
        directions = []
        for ex, im in ((self.a, self.b), (self.b, self.a)):
            rows = self.table[(self.table["exporter"] == ex) & (self.table["importer"] == im)]
            entry: dict[str, Any] = {"exporter": ex, "importer": im, "actual": None}
            for r in rows.itertuples(index=False):
                entry["actual"] = jsonable(r.actual)
                entry[str(r.measure)] = {
                    k: jsonable(getattr(r, k)) for k in ("potential", "lower", "upper", "ratio", "untapped")
                }
            directions.append(entry)
        return {
            "a": self.a,
            "b": self.b,
            "year": self.year,
            "unit": self.unit,
            "directions": directions,
            "specification": jsonable(self.specification),
            "errors": dict(self.errors),
            "meaning": dict(self.meaning),
            "text": list(self.sentences),
        }


def pair_potential(a: str, b: str, *, year: int = 2019, store: Any = None) -> PairPotential:
    """Actual trade, structural and size-based potential for one pair and year, both directions.

    Parameters
    ----------
    a, b : str
        Country names or ISO3 codes.
    year : int, default 2019
    store : tradegap.store.Store, optional

    Returns
    -------
    PairPotential
        Values in USD millions.

    Raises
    ------
    CoverageError
        When neither potential can be computed for the pair and year (the message says why
        and which years are available).
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InputError(f"The 'year' parameter of pair_potential must be an int. Got {year!r} instead.")
    year = int(year)
    a_iso, a_name = _validate_country(a, "a")
    b_iso, b_name = _validate_country(b, "b")
    if a_iso == b_iso:
        raise InputError(
            f"pair_potential needs two different countries. Got {a!r} and {b!r} (both {a_iso}).",
            hint="Name two countries, e.g. `tradegap potential IRN RUS`.",
        )
    ctx = _Context(a_iso, b_iso, year, store, (a_name, b_name), None)
    rows, spec, errors, sentences = [], {}, {}, []
    meanings: dict[str, str] = {}
    first_error: TradegapError | None = None
    for measure, fn, label in (
        ("structural", _adapt_structural, "structural potential"),
        ("size_based", _adapt_size_based, "size-based potential"),
    ):
        try:
            frame = fn(ctx)
        except TradegapError as exc:
            errors[measure] = exc.message + (f" (Hint: {exc.hint})" if exc.hint else "")
            first_error = first_error or exc
            continue
        spec[measure] = frame.attrs.get("specification_raw", frame.attrs.get("specification"))
        meanings[measure] = frame.attrs.get("meaning", "")
        snap = frame[frame["year"] == year]
        if not len(snap):
            years = _adapt_year_span(frame["year"].unique())
            errors[measure] = f"no {label} for {year}; estimated years: {years}"
            first_error = first_error or _adapt_coverage(
                f"no {label} for {a_iso}–{b_iso} in {year}", hint=f"Choose a year in {years}."
            )
            continue
        for ex, im in ctx.directions:
            r = snap[(snap["exporter"] == ex) & (snap["importer"] == im)]
            if not len(r):
                continue
            r0 = r.iloc[0]
            rows.append(
                {
                    "measure": measure,
                    "exporter": ex,
                    "importer": im,
                    **{k: _finite(r0.get(k)) for k in ("actual", "potential", "lower", "upper", "ratio", "untapped")},
                }
            )
            sentences.append(
                ratio_sentence(
                    ctx.dir_label(ex, im), r0["actual"], r0["potential"], r0.get("lower"), r0.get("upper"),
                    what=label, level=float(frame.attrs.get("band_level", 0.95)),
                )
            )
    other = ctx.extra.get("size_based", {}).get("variant_rows")
    if isinstance(other, pd.DataFrame) and len(other) and "variant" in other:
        o = other[other["year"].astype(int) == year]
        for r in o.to_dict(orient="records"):
            v = str(r["variant"])
            rows.append(
                {
                    "measure": "size_based_" + v.removeprefix("size_") if v.startswith("size_") else f"size_based_{v}",
                    "exporter": r["exporter"],
                    "importer": r["importer"],
                    **{k: _finite(r.get(k)) for k in ("actual", "potential", "lower", "upper", "ratio", "untapped")},
                }
            )
    if not rows:
        assert first_error is not None  # internal invariant: no rows means every measure failed
        raise first_error
    table = pd.DataFrame(
        rows, columns=["measure", "exporter", "importer", "actual", "potential", "lower", "upper", "ratio", "untapped"]
    ).astype({c: "float64" for c in ("actual", "potential", "lower", "upper", "ratio", "untapped")})
    return PairPotential(
        a=a_iso, b=b_iso, year=year, table=table, specification=spec, errors=errors, sentences=tuple(sentences),
        meaning={k: v for k, v in meanings.items() if v},
    )
