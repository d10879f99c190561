"""The headline rules: the answer to "could they trade more?", as far as the model shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from tradegap.brief import components
from tradegap.brief.components import _Context
from tradegap.brief.model import UNIT, BriefSection
from tradegap.brief.prose import _fmt_usd, _join, _ordinal

#: Peers are said to trade "about as much" only within this band of the pair's value (ratio 1/1.25 to 1.25).
PEER_BAND: Final[float] = 1.25
#: Years in the multi-year view of the actual / structural-potential ratio (the reference year and those before).
RATIO_WINDOW: Final[int] = 5
#: A reference year whose ratio is the window's highest (lowest) and this far from its mean is unusual.
UNUSUAL_GAP: Final[float] = 0.15


@dataclass(frozen=True)
class RatioView:
    """The pair's actual / structural-potential ratio (both directions summed) over a window of years.

    ``ratios`` maps year → ratio for the years with both values; ``year`` is the reference year.
    """

    year: int
    ratios: dict[int, float]

    @property
    def span(self) -> str:
        return f"{min(self.ratios)}–{max(self.ratios)}"

    @property
    def mean(self) -> float:
        return float(np.mean(list(self.ratios.values())))

    @property
    def low(self) -> tuple[int, float]:
        y = min(self.ratios, key=self.ratios.__getitem__)
        return y, self.ratios[y]

    @property
    def high(self) -> tuple[int, float]:
        y = max(self.ratios, key=self.ratios.__getitem__)
        return y, self.ratios[y]

    @property
    def standing(self) -> str:
        """"best" or "worst" (the window's extreme and at least :data:`UNUSUAL_GAP` from its mean), else "typical"."""
        r = self.ratios.get(self.year)
        if r is None or len(self.ratios) < 3 or abs(r - self.mean) < UNUSUAL_GAP:
            return "typical"
        if self.year == self.high[0]:
            return "best"
        if self.year == self.low[0]:
            return "worst"
        return "typical"

    def sentence(self) -> str:
        """The multi-year view, in words."""
        (ly, lr), (hy, hr) = self.low, self.high
        text = (f"Over {self.span}, the ratio of actual to structural-potential trade (both directions) averaged "
                f"{self.mean:.2f}, from {lr:.2f} in {ly} to {hr:.2f} in {hy}")
        if self.standing == "best":
            return text + f"; {self.year} is the pair's best year in that window."
        if self.standing == "worst":
            return text + f"; {self.year} is the pair's weakest year in that window."
        return text + f"; {self.year} is not unusual for the pair."


def ratio_view(frame: pd.DataFrame, year: int, window: int = RATIO_WINDOW) -> RatioView | None:
    """The :class:`RatioView` of a structural-potential frame (``year, actual, potential`` per direction, USD
    millions) over ``year - window + 1 … year``; ``None`` with fewer than two years."""
    f = frame.loc[(frame["year"] <= year) & (frame["year"] > year - window)]
    tot = f.groupby("year")[["actual", "potential"]].sum(min_count=1).dropna()
    tot = tot.loc[tot["potential"] > 0]
    if len(tot) < 2:
        return None
    return RatioView(int(year), {int(y): float(a / p) for y, a, p in
                                 zip(tot.index, tot["actual"], tot["potential"], strict=True)})


def _ratio_view(ctx: _Context) -> RatioView | None:
    """The multi-year view from the brief's structural potentials (None when they were not computed)."""
    if not ctx.uses_potential:
        return None
    struct, _ = ctx.try_get("structural", lambda: components._adapt_structural(ctx))
    if struct is None or not len(struct):
        return None
    view = ratio_view(struct, ctx.year)
    if view is not None:
        ctx.metrics["structural_ratio_mean5"] = view.mean
        ctx.metrics["structural_ratio_low5"] = view.low[1]
        ctx.metrics["structural_ratio_high5"] = view.high[1]
        ctx.metrics["structural_ratio_span5"] = view.span
        ctx.metrics["structural_year_standing"] = view.standing
    return view


def peers_in_band(data: pd.DataFrame, band: float = PEER_BAND) -> list[str]:
    """Labels of the peers whose trade value lies within ``band`` of the highlighted pair's (ratio 1/band–band)."""
    me = data.loc[data["highlight"].astype(bool), "value"]
    if me.empty or not me.iloc[0] > 0:
        return []
    ratio = data["value"].astype(float) / float(me.iloc[0])
    keep = ~data["highlight"].astype(bool) & (ratio <= band) & (ratio >= 1.0 / band)
    return [str(x) for x in data.loc[keep, "label"]]


def _opening(ctx: _Context, sections: dict[str, BriefSection]) -> list[str]:
    """The trade total and the peers rank, as the first paragraphs."""
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
        if peers is not None and peers.ok and peers.chart is not None and "value" in peers.chart.data:
            names = peers_in_band(peers.chart.data)[:3]
        band = f"{PEER_BAND - 1:.0%}"
        paras.append(
            f"{ctx.names[0]} was {ctx.names[1]}'s {_ordinal(m['peers_rank'])} largest trading partner of "
            f"{m['peers_n_partners']}"
            + (f"; {ctx.names[1]} trades about as much (within {band}) with {_join(names)}." if names else ".")
        )
    return paras


def _verdicts(ctx: _Context) -> tuple[list[str], list[str], list[str]]:
    """Per measure, where actual trade lies against the potential.

    Returns the sentences, every direction's status (``above``, ``below``, ``unsure``) and the
    size-based measure's statuses.
    """
    m = ctx.metrics
    verdicts: list[str] = []
    statuses: list[str] = []
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
        if key == "size":
            size_st.extend(statuses[-len(parts):])
    return verdicts, statuses, size_st


def _conclusion(ctx: _Context, statuses: list[str], size_st: list[str], view: RatioView | None = None) -> str:
    """What the verdicts mean together (the headline rules); ``view`` qualifies a reference year that is
    unusual for the pair."""
    m = ctx.metrics
    s_ratios = [r for r in (m.get("structural_ratio_ab"), m.get("structural_ratio_ba")) if r is not None]
    z_ratios = [r for r in (m.get("size_ratio_ab"), m.get("size_ratio_ba")) if r is not None]
    if (
        s_ratios and z_ratios and all(r >= 0.8 for r in s_ratios)
        and all(st == "below" for st in size_st) and max(z_ratios) < 0.6
    ):
        worst = min(s_ratios)
        text = (
            f"So in {ctx.year} the pair traded roughly as much with each other as each country's overall trade "
            "predicts"
            + (f" (at worst {1 - worst:.0%} below)" if worst < 1 else "")
            + ", but far less than their economic size predicts: most of the gap comes from each country "
            "trading little with the world as a whole (see the gap split), not from something specific to "
            "this pair. By this model, the shortfall is real when measured against economic size, but it is "
            f"not specific to {ctx.names[0]}–{ctx.names[1]} trade."
        )
        if view is not None and view.standing == "best":
            text += (
                f" That holds for {ctx.year}, the pair's best year of {view.span}, not for the period: on average "
                f"over those years the pair traded {1 - view.mean:.0%} below its structural potential (mean ratio "
                f"{view.mean:.2f}), so in a typical year part of the shortfall is specific to the pair."
            )
        return text
    if all(st == "above" for st in statuses):
        return (
            "The model does not show untapped trade: the pair already trades at least as much as "
            "comparable pairs. A claim of large unused capacity is not supported by these estimates."
        )
    if all(st == "below" for st in statuses):
        return (
            "Both measures put actual trade below potential, beyond the model's uncertainty bands; the "
            "gap explanation and the gap split below say why."
        )
    if "above" not in statuses and "below" in statuses:
        return (
            "Trade is below potential, but part of the gap lies within the model's uncertainty; quote "
            "the bands, not only the central numbers."
        )
    return (
        "The two measures or the two directions disagree (trade is above potential in some and below "
        "in others); read the potential section before quoting a single number."
    )


def _sources_note(ctx: _Context) -> str | None:
    """A note when BACI (the potentials' data) and DOTS (the history's) differ by more than 5%."""
    m = ctx.metrics
    dots, baci = m.get("actual_total"), None
    if m.get("structural_actual_ab") is not None and m.get("structural_actual_ba") is not None:
        baci = m["structural_actual_ab"] + m["structural_actual_ba"]
    if dots is not None and baci is not None and abs(baci - dots) > 0.05 * max(dots, 1e-9):
        return (
            f"Note: potentials are estimated on CEPII BACI, which records {_fmt_usd(baci)} for the pair in "
            f"{ctx.year} against {_fmt_usd(dots)} in IMF DOTS (the sources reconcile exporter and importer "
            "reports differently); each ratio compares like with like."
        )
    return None


def _summary_table(ctx: _Context) -> pd.DataFrame | None:
    """The headline numbers as ``measure, value, unit`` rows (None when there are none)."""
    m = ctx.metrics
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
    span = m.get("structural_ratio_span5")
    if span:
        labels += [
            ("structural_ratio_mean5", f"Actual / structural potential, both directions, {span} mean", "ratio"),
            ("structural_ratio_low5", f"Actual / structural potential, both directions, {span} lowest", "ratio"),
            ("structural_ratio_high5", f"Actual / structural potential, both directions, {span} highest", "ratio"),
        ]
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
    return pd.DataFrame(frame_rows, columns=["measure", "value", "unit"]) if frame_rows else None


def _summary(ctx: _Context, sections: dict[str, BriefSection]) -> tuple[BriefSection, str]:
    """The headline: the answer to "could they trade more?", as far as the model shows it."""
    paras = _opening(ctx, sections)
    verdicts, statuses, size_st = _verdicts(ctx)
    view = _ratio_view(ctx) if verdicts else None
    if verdicts:
        paras.extend(verdicts)
        if view is not None:
            paras.append(view.sentence())
        paras.append(_conclusion(ctx, statuses, size_st, view))
        note = _sources_note(ctx)
        if note:
            paras.append(note)
    else:
        paras.append("The trade potential could not be computed; see the potential section for the reason.")
    unavailable = [s.title for k, s in sections.items() if not s.ok]
    if unavailable:
        paras.append("Not available in this brief: " + ", ".join(unavailable) + ".")
    section = BriefSection(title="Summary", key="summary", text="\n\n".join(paras), frame=_summary_table(ctx))
    return section, paras[0] if paras else ""
