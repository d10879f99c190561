"""The brief's inputs: one context per brief and adapters from component results to tidy frames.

Each adapter calls one component (:mod:`tradegap.measure`, :mod:`tradegap.potential`, …) directly and
turns its result into the frame its section needs, in USD millions.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from tradegap import measure, politics, sanctions, world
from tradegap._json import jsonable
from tradegap.brief.model import UNIT
from tradegap.brief.prose import _finite
from tradegap.countries import short_name
from tradegap.coverage import DATASETS
from tradegap.defaults import SIGMA
from tradegap.errors import InputError, TradegapError
from tradegap.views import sectors

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
        #: Whether an article was read for this brief (only then does the prose mention "the article").
        self.has_article = claims is not None

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


# ----------------------------------------------------------------------------------------------
# Adapters: component results → tidy frames the sections use
# ----------------------------------------------------------------------------------------------

# Each adapter calls one component directly and turns its result object into the tidy
# frame its section needs, in USD millions.


def _adapt_short_name(iso3: str, name: str) -> str:
    """A short English name for prose ("Iran", not "Iran, Islamic Republic of"): :func:`countries.short_name`."""
    return short_name(iso3, name)


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
    res = measure.trade(ctx.a, ctx.b, store=ctx.store)
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
    res = measure.peers(ctx.b, ctx.a, year=ctx.year, store=ctx.store, n=10)
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
            mine = float(me["value"].iloc[0]) if len(me) else float("nan")
            ratios = others["value"].astype(float) / mine if mine > 0 else pd.Series(dtype=float)
            spread = (f" (their trade with {ctx.names[1]} is {ratios.min():.2f}–{ratios.max():.2f}× the pair's)"
                      if len(ratios.dropna()) else "")
            paras.append(
                f"{ctx.names[0]}'s GDP in {ctx.year} was USD {gdp_me:,.0f} billion; the median GDP of these "
                f"comparable partners{spread} was USD {med:,.0f} billion, and {smaller} of {len(gdp_others)} have "
                f"a smaller economy than {ctx.names[0]}. "
                + (
                    f"So the partners {ctx.names[1]} trades with on a similar scale to {ctx.names[0]} are "
                    "typically smaller economies than it."
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
    lo, hi = DATASETS["baci"].usable
    if not lo <= year <= hi:
        return [int(year)]  # outside coverage: the potential module explains what is available
    return list(range(max(lo, year - _POTENTIAL_WINDOW + 1), year + 1))


#: The two potentials a brief reports, by the name its sections and specifications use.
#: Both are read from the persisted world model (:mod:`tradegap.world`), equal to a fresh fit.
_POTENTIALS: Final[dict[str, Callable[..., Any]]] = {
    "structural": world.structural,
    "size_based": world.size_based,
}


def _adapt_potential(ctx: _Context, fn_name: str) -> pd.DataFrame:
    """``tradegap.world.<fn_name>(a, b)`` (the persisted model) → ``year, exporter, importer, direction, actual, potential,
    lower, upper, ratio, untapped`` (USD millions) for the pair's two directions; the specification
    and band method travel in ``attrs``."""
    fn = _POTENTIALS[fn_name]
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
    """``tradegap.world.decompose`` → factor table (``label, value`` = % effect on trade) and text."""
    res = world.decompose(ctx.a, ctx.b, year=ctx.year, store=ctx.store)
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
    cases = sanctions.cases(ctx.a, ctx.b, scope="targets")
    y = ctx.year
    cases = cases.copy()
    cases["in_force"] = (cases["begin"] <= y) & (cases["end"] >= y)
    pair_labels = (f"{ctx.a} sanctions {ctx.b}", f"{ctx.b} sanctions {ctx.a}")
    is_pair = cases["relation"].map(lambda r: any(p in str(r) for p in pair_labels))
    paras = []
    active_pair = cases[is_pair & cases["in_force"]]
    ever_pair = cases[is_pair]
    gsdb = DATASETS["gsdb"]
    covered = gsdb.first <= y <= gsdb.last
    if len(active_pair):
        kinds = sorted({k for t in active_pair["types"] for k in str(t).replace("(", ",").split(",") if k.strip() and ")" not in k})
        paras.append(
            f"In {y}, {'' if covered else 'at least '}{len(active_pair)} sanction case(s) between {ctx.names[0]} "
            f"and {ctx.names[1]} were in force ({', '.join(k.strip() for k in kinds)})."
        )
    elif covered:
        paras.append(f"No sanctions between {ctx.names[0]} and {ctx.names[1]} were in force in {y}.")
    elif y > gsdb.last:
        paras.append(
            f"Whether sanctions between {ctx.names[0]} and {ctx.names[1]} were in force in {y} is unknown: the "
            f"sanctions data cover {gsdb.span}."
        )
    else:
        paras.append(
            f"No case between {ctx.names[0]} and {ctx.names[1]} in force in {y} is in the sanctions data, but "
            f"they hold only the cases active in {gsdb.span}, so earlier cases that had ended by then are "
            f"missing: for {y} the answer is unknown."
        )
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
                f"Third-party sanctions on {name} in force in {y}: {'' if covered else 'at least '}{len(on)} case(s) "
                f"({trade} restricting trade, "
                f"{fin} financial), by {', '.join(senders[:8])}{' and others' if len(senders) > 8 else ''}. "
                f"These restrict {name}'s trade with the world, not with its partner directly; in the brief they "
                "show up in the size-based gap."
            )
    paras.append(
        "Source: Global Sanctions Data Base v3; senders such as the EU or the UN are expanded to their member "
        "states year by year."
    )
    if y > gsdb.last:
        cases["in_force"] = pd.NA  # unknown beyond the data, not "no"
    cols = [c for c in ("case_id", "sanctioned_state", "sanctioning_state", "relation", "begin", "end", "types",
                        "in_force") if c in cases]
    table = cases.sort_values(["in_force", "begin"], ascending=[False, True], na_position="last")[cols]
    table = table.rename(columns={"sanctioned_state": "sanctioned", "sanctioning_state": "sanctioned by"})
    table = table.reset_index(drop=True)
    return table, "\n\n".join(paras)


def _adapt_politics(ctx: _Context) -> pd.DataFrame:
    """``tradegap.politics.alignment`` → ``year, agreement, s_score, n_common, rank, n_partners``."""
    res = politics.alignment(ctx.a, ctx.b)
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


def _adapt_ideal(ctx: _Context) -> pd.DataFrame:
    """``tradegap.politics.ideal_distance`` → ``year, ideal_distance, ideal_rank, ideal_n``."""
    res = politics.ideal_distance(ctx.a, ctx.b)
    t = res.table
    return pd.DataFrame({"year": t["year"].astype(int), "ideal_distance": t["distance"].astype("float64"),
                         "ideal_rank": t["rank"], "ideal_n": t["n_states"]})


def _adapt_sectors(ctx: _Context) -> tuple[pd.DataFrame, str, pd.DataFrame | None]:
    """``tradegap.sectors.pair_sectors`` → per-sector table (USD millions), text, composition bars."""
    lo, hi = DATASETS["baci"].usable
    fits = None
    if lo <= ctx.year <= hi:  # the world model's sector benchmarks, the pair's rows only
        fits = world.pair_sector_fits(ctx.a, ctx.b, year=ctx.year, store=ctx.store)
    res = sectors.pair_sectors(ctx.a, ctx.b, store=ctx.store, fits=fits)
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
    from tradegap.views import scenarios  # GE (scipy) loads only when the scenarios section is built

    lo, hi = DATASETS["baci"].usable
    if lo <= ctx.year <= hi:  # the world model's stored baseline of the year: no rebuild from the data
        kwargs["baseline"] = world.scenario_baseline(ctx.year, store=ctx.store)
    res = scenarios.pair_scenarios(ctx.a, ctx.b, **kwargs)
    df = res.to_frame()
    a, b = ctx.a, ctx.b
    paras = [
        "Three standard planning scenarios, each solved in a general-equilibrium model of world trade "
        f"(one sector, trade elasticity σ = {getattr(res, 'sigma', SIGMA):g}): prices, incomes and every country's "
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
