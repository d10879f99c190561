"""Section builders: one function per section of the brief, and :func:`build` that isolates them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd

from tradegap.brief.components import (
    _VARIANT_LABELS,
    _adapt_claims,
    _adapt_coverage,
    _adapt_decomposition,
    _adapt_gap_split,
    _adapt_history,
    _adapt_history_note,
    _adapt_ideal,
    _adapt_peers,
    _adapt_politics,
    _adapt_sanctions,
    _adapt_scenarios,
    _adapt_sectors,
    _adapt_size_based,
    _adapt_structural,
    _adapt_year_span,
    _Context,
)
from tradegap.brief.model import UNIT, BriefSection, Chart
from tradegap.brief.prose import _finite, _fmt_pct, _fmt_usd, ratio_sentence
from tradegap.countries import succession_notes
from tradegap.coverage import DATASETS
from tradegap.errors import TradegapError

# ----------------------------------------------------------------------------------------------
# Sections
# ----------------------------------------------------------------------------------------------

_SOURCES = {
    "dots": "IMF Direction of Trade Statistics (DOTS), goods trade, USD millions, mirror-reconciled",
    "baci": "CEPII BACI, total goods trade, reconciled FOB values (converted from USD thousands to millions)",
    "wdi": "World Bank World Development Indicators (GDP, current USD)",
    "geodist": "CEPII GeoDist (distance, contiguity, language, colonial ties, landlocked) plus a shared-sea flag",
    "unga": f"UN General Assembly roll-call votes (Voeten et al.), {DATASETS['unga'].span}",
    "gsdb": "Global Sanctions Data Base v3 (Felbermayr, Kirilakha, Syropoulos, Yalcin & Yotov)",
    "unga_idealpoints": (f"UNGA ideal points, Bailey, Strezhnev & Voeten (2017), June 2024 release, "
                         f"{DATASETS['unga_idealpoints'].span}"),
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
    lines.extend(succession_notes((ctx.a, ctx.b), range(first, last + 1)))
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
        "of its size (GDP), given geography? This is closer to "
        + ("the article's \"high capacities\"" if ctx.has_article else "what commentary usually means by capacity")
        + ": a country whose trade with everyone is depressed (for example by sanctions) can look normal "
        "structurally and still trade far below what its GDP predicts.",
    ]
    rows = []
    for label, frame, err in (("structural potential", struct, err_s), ("size-based potential", size, err_z)):
        text, t = _measure_snapshot(ctx, label, frame, err)
        paras.append(text)
        if t is not None:
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


def _measure_snapshot(ctx: _Context, label: str, frame: pd.DataFrame | None,
                      err: Any) -> tuple[str, pd.DataFrame | None]:
    """One potential measure in the brief's year: its sentence per direction (recorded in
    ``ctx.metrics`` for the summary) and its table rows, or why it is missing."""
    if frame is None:
        return f"The {label} could not be computed: {err.message if err else ''}", None
    snap = frame[frame["year"] == ctx.year]
    if not len(snap):
        years = sorted(frame["year"].unique())
        return f"The {label} has no estimate for {ctx.year} (estimated years: {_adapt_year_span(years)}).", None
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
    t = snap.copy()
    t.insert(0, "measure", label)
    return " ".join(sentences), t


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
    data, ideal, err = _politics_frame(ctx)
    yrs = data.dropna(subset=["agreement"])
    if not len(yrs):
        raise _adapt_coverage(f"no UN General Assembly votes in common for {ctx.a}–{ctx.b}")
    paras = [_alignment_paragraph(ctx, yrs)]
    early, final = yrs.iloc[0], yrs.iloc[-1]
    paras.append(
        f"Agreement was {_fmt_pct(early['agreement'])} in {int(early['year'])}; the mean over "
        f"{int(early['year'])}–{int(final['year'])} is {_fmt_pct(yrs['agreement'].mean())}."
    )
    if ideal is not None and len(ideal):
        paras.append(_ideal_sentence(ctx, ideal))
    paras += _ratio_paragraphs(ctx, data, err)
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
        frame=data[[c for c in ("year", "agreement", "s_score", "rank", "n_partners", "ideal_distance", "ideal_rank",
                                "ideal_n", "ratio") if c in data]].reset_index(drop=True),
        chart=chart,
        sources=(_SOURCES["unga"], _SOURCES["unga_idealpoints"], _SOURCES["baci"]),
    )


def _politics_frame(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame | None, Any]:
    """UN vote agreement per year from 1990, with the actual/potential ratio and the ideal-point distance
    beside it where known; also the ideal points and the potential's error (if it failed)."""
    align = ctx.get("politics", lambda: _adapt_politics(ctx))
    struct, err = (
        ctx.try_get("structural", lambda: _adapt_structural(ctx)) if ctx.uses_potential else (None, None)
    )
    data = align[align["year"] >= _POLITICS_FROM].copy()
    if struct is not None and len(struct):
        tot = struct.groupby("year")[["actual", "potential"]].sum(min_count=1)
        ratio = (tot["actual"] / tot["potential"]).rename("ratio").reset_index()
        data = data.merge(ratio, on="year", how="outer").sort_values("year")
    ideal, _ = ctx.try_get("ideal", lambda: _adapt_ideal(ctx))
    if ideal is not None and len(ideal):
        data = data.merge(ideal[ideal["year"] >= _POLITICS_FROM], on="year", how="outer").sort_values("year")
    return data, ideal, err


def _alignment_paragraph(ctx: _Context, yrs: pd.DataFrame) -> str:
    """Agreement in the brief's year (or the nearest year with votes) and where B ranks among A's partners."""
    at = yrs[yrs["year"] == ctx.year]
    last = at.iloc[-1] if len(at) else yrs.iloc[-1]
    unga = DATASETS["unga"]
    when = (f"In {ctx.year}" if len(at) else
            f"The roll-call votes cover {unga.span}, so there is no agreement index for {ctx.year}; in "
            f"{int(last['year'])}, the {'latest' if ctx.year > int(last['year']) else 'nearest'} year with votes,")
    text = (
        f"Political alignment is measured by how often {ctx.names[0]} and {ctx.names[1]} vote the same way "
        f"in the UN General Assembly (yes, no or abstain on the same resolution). {when} "
        f"their agreement index was {_fmt_pct(last['agreement'])} over the votes both "
        "cast (an abstention against a yes or a no counts as half agreement)"
        + (f"; Signorino–Ritter S-score {last['s_score']:.2f}, where 1 is identical voting." if pd.notna(last.get("s_score")) else ".")
    )
    if pd.notna(last.get("rank")) and pd.notna(last.get("n_partners")):
        text += (
            f" Ranked by agreement with {ctx.names[0]} that year, {ctx.names[1]} came {int(last['rank'])} of "
            f"{int(last['n_partners'])} states (1 = the state voting most like {ctx.names[0]})."
        )
        share = float(last["rank"]) / float(last["n_partners"])
        if share <= 0.1:
            text += f" By this measure {ctx.names[1]} is among {ctx.names[0]}'s closest partners at the UN."
        elif share > 0.5:
            text += (
                f" By this measure the two are not especially close: more than half of all states vote more like "
                f"{ctx.names[0]} than {ctx.names[1]} does (UN votes are one gauge of political ties, not the only one)."
            )
    return text


def _ratio_paragraphs(ctx: _Context, data: pd.DataFrame, err: Any) -> list[str]:
    """The actual/potential ratio beside the agreement, its range, and their correlation (descriptive)."""
    paras: list[str] = []
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
    return paras


def _ideal_sentence(ctx: _Context, ideal: pd.DataFrame) -> str:
    """The ideal-point distance rank in the brief's year (if covered) and in the latest year."""
    cov = DATASETS["unga_idealpoints"]
    rows = ideal.set_index("year")
    parts = []
    for y in dict.fromkeys(y for y in (ctx.year, int(rows.index.max())) if y in rows.index):
        r = rows.loc[y]
        parts.append(f"{int(r['ideal_rank'])} of {int(r['ideal_n'])} in {y}")
    text = (f"A second measure, the distance between the two states' UN ideal points ({cov.label}, {cov.span}), "
            f"ranks {ctx.names[1]} among the states closest to {ctx.names[0]}: " + ", and ".join(parts) + ".")
    if ctx.year not in rows.index:
        text += f" The ideal points cover {cov.span}, so there is none for {ctx.year}."
    return text


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
