"""The headline rules: the answer to "could they trade more?", as far as the model shows it."""

from __future__ import annotations

import pandas as pd

from tradegap.brief.components import _Context
from tradegap.brief.model import UNIT, BriefSection
from tradegap.brief.prose import _fmt_usd, _join, _ordinal


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
        if peers is not None and peers.ok and peers.chart is not None:
            d = peers.chart.data
            names = [str(x) for x in d.loc[~d["highlight"].astype(bool), "label"].head(3)]
        paras.append(
            f"{ctx.names[0]} was {ctx.names[1]}'s {_ordinal(m['peers_rank'])} largest trading partner of "
            f"{m['peers_n_partners']}"
            + (f"; {ctx.names[1]} trades about as much with {_join(names)}." if names else ".")
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


def _conclusion(ctx: _Context, statuses: list[str], size_st: list[str]) -> str:
    """What the verdicts mean together (the headline rules)."""
    m = ctx.metrics
    s_ratios = [r for r in (m.get("structural_ratio_ab"), m.get("structural_ratio_ba")) if r is not None]
    z_ratios = [r for r in (m.get("size_ratio_ab"), m.get("size_ratio_ba")) if r is not None]
    if (
        s_ratios and z_ratios and all(r >= 0.8 for r in s_ratios)
        and all(st == "below" for st in size_st) and max(z_ratios) < 0.6
    ):
        worst = min(s_ratios)
        return (
            "So the pair trades roughly as much with each other as each country's overall trade predicts"
            + (f" (at worst {1 - worst:.0%} below)" if worst < 1 else "")
            + ", but far less than their economic size predicts: most of the gap comes from each country "
            "trading little with the world as a whole (see the gap split), not from something specific to "
            "this pair. By this model, the shortfall is real when measured against economic size, but it is "
            f"not specific to {ctx.names[0]}–{ctx.names[1]} trade."
        )
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
    if verdicts:
        paras.extend(verdicts)
        paras.append(_conclusion(ctx, statuses, size_st))
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
