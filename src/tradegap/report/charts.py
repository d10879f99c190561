"""Charts of a brief drawn with matplotlib (Agg) as inline SVG strings.

Each :class:`tradegap.brief.Chart` kind has one drawing function; :func:`chart_svg`
dispatches on the kind and returns an ``<svg>`` element (no XML prolog, ids
prefixed so several charts can live in one HTML page, width 100% so it scales).
"""

from __future__ import annotations

import io
import re
import warnings
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from tradegap.errors import InputError  # noqa: E402

if TYPE_CHECKING:
    from tradegap.brief import Chart

__all__ = ["PALETTE", "chart_svg"]

#: Colours used by every chart (and the HTML's CSS).
PALETTE = {
    "ink": "#1d2733",
    "muted": "#6b7785",
    "grid": "#e3e7ec",
    "a": "#1f4e79",  # first direction / main series
    "b": "#c0632b",  # second direction
    "band": "#9db8d3",
    "accent": "#c0392b",
    "neutral": "#8fa3b8",
    "positive": "#2e7d5b",
    "negative": "#b5473a",
}
_SERIES = ["#1f4e79", "#c0632b", "#2e7d5b", "#7b5ea7", "#8c6d1f", "#4f6d7a"]

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.edgecolor": PALETTE["muted"],
    "axes.labelcolor": PALETTE["ink"],
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlecolor": PALETTE["ink"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": PALETTE["grid"],
    "grid.linewidth": 0.8,
    "xtick.color": PALETTE["muted"],
    "ytick.color": PALETTE["muted"],
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "svg.fonttype": "none",
    "svg.hashsalt": "tradegap",
}


def _thousands(x: float, _pos: int | None = None) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10 or x == 0:
        return f"{x:.0f}"
    if abs(round(x, 1) - x) > 1e-9:
        return f"{x:.2f}"
    return f"{x:.1f}"


def _svg(fig: Figure, prefix: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # unique ids per chart: several SVGs share one HTML document
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'((?:xlink:)?href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', svg)
    # responsive: drop the fixed size, keep the viewBox
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head, count=2)
    head += ' width="100%" preserveAspectRatio="xMidYMid meet" role="img"'
    return head + svg[head_end:]


def _wrap(label: object, width: int = 34) -> str:
    """Wrap a long category label on two lines at most (ellipsis beyond)."""
    import textwrap

    lines = textwrap.wrap(str(label), width) or [""]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1] + "…"]
    return "\n".join(lines)


def _empty(ax: plt.Axes, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", color=PALETTE["muted"], transform=ax.transAxes)


def _draw_history(chart: Chart) -> Figure:
    df = chart.data
    directions = list(dict.fromkeys(df["direction"]))
    n = max(len(directions), 1)
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n, 3.3), squeeze=False)
    for k, (ax, d) in enumerate(zip(axes[0], directions or [""], strict=False)):
        sub = df[df["direction"] == d].sort_values("year")
        color = _SERIES[k % len(_SERIES)]
        if not len(sub):
            _empty(ax, "no data")
            continue
        npot = int(sub["potential"].notna().sum()) if "potential" in sub else 0
        if npot > 2:
            if {"lower", "upper"} <= set(sub.columns) and sub[["lower", "upper"]].notna().any().any():
                band = sub.dropna(subset=["lower", "upper"])
                ax.fill_between(band["year"], band["lower"], band["upper"], color=color, alpha=0.15,
                                linewidth=0, label="band")
            p = sub.dropna(subset=["potential"])
            ax.plot(p["year"], p["potential"], color=color, lw=1.6, ls="--", label="structural potential")
        elif npot:
            p = sub.dropna(subset=["potential"])
            lo = (p["potential"] - p["lower"]).clip(lower=0) if "lower" in p else None
            hi = (p["upper"] - p["potential"]).clip(lower=0) if "upper" in p else None
            yerr = None if lo is None or hi is None or lo.isna().all() else np.vstack([lo.fillna(0), hi.fillna(0)])
            ax.errorbar(p["year"], p["potential"], yerr=yerr, fmt="s", ms=6, color=color, mfc="white", mew=1.8,
                        capsize=4, lw=1.4, label="structural potential (with band)", zorder=5)
        if "size_potential" in sub and sub["size_potential"].notna().any():
            p = sub.dropna(subset=["size_potential"])
            if len(p) > 2:
                ax.plot(p["year"], p["size_potential"], color=PALETTE["muted"], lw=1.5, ls=":",
                        label="size-based potential")
            else:
                ax.plot(p["year"], p["size_potential"], "D", color=PALETTE["muted"], ms=6,
                        label="size-based potential", zorder=5)
        if "actual_model" in sub and sub["actual_model"].notna().any():
            m = sub.dropna(subset=["actual_model"])
            if len(m) <= 2:
                ax.plot(m["year"], m["actual_model"], "o", color=color, ms=7,
                        label="actual in the model's data (BACI)", zorder=6)
            else:
                ax.plot(m["year"], m["actual_model"], color=color, lw=1.0, alpha=0.75, marker=".", ms=3,
                        label="actual in the model's data (BACI)")
        a = sub.dropna(subset=["actual"])
        ax.plot(a["year"], a["actual"], color=color, lw=2.2, marker="o", ms=2.8, label="actual (IMF DOTS)")
        ax.set_title(d, loc="left")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        if k == 0 and chart.ylabel:
            ax.set_ylabel(chart.ylabel)
        ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def _draw_bars(chart: Chart) -> Figure:
    df = chart.data.copy()
    df = df[df["value"].notna()]
    if "group" in df and df["group"].notna().any():
        return _draw_grouped(chart, df)
    n = len(df)
    fig, ax = plt.subplots(figsize=(8.4, 0.9 + 0.32 * max(n, 2)))
    if not n:
        _empty(ax, "no data")
        return fig
    labels = [_wrap(x) for x in df["label"]]
    values = df["value"].astype(float).to_numpy()
    highlight = df["highlight"].astype(bool).to_numpy() if "highlight" in df else np.zeros(n, bool)
    signed = (values < 0).any()
    if signed:
        colors = [PALETTE["negative"] if v < 0 else PALETTE["positive"] for v in values]
        colors = [PALETTE["accent"] if h else c for h, c in zip(highlight, colors, strict=True)]
    else:
        colors = [PALETTE["accent"] if h else PALETTE["a"] for h in highlight]
    y = np.arange(n)[::-1]
    ax.barh(y, values, color=colors, height=0.66)
    ax.set_yticks(y, labels)
    for lab, h in zip(ax.get_yticklabels(), highlight, strict=True):
        if h:
            lab.set_fontweight("bold")
            lab.set_color(PALETTE["accent"])
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
    if signed:
        ax.axvline(0, color=PALETTE["ink"], lw=0.8)
    span = np.nanmax(np.abs(values)) if n else 1.0
    for yi, v in zip(y, values, strict=True):
        ax.text(v + (0.01 * span if v >= 0 else -0.01 * span), yi, _thousands(v), va="center",
                ha="left" if v >= 0 else "right", fontsize=8, color=PALETTE["ink"])
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo - (0.08 * span if signed else 0), hi + 0.1 * span)
    if chart.xlabel:
        ax.set_xlabel(chart.xlabel)
    fig.tight_layout()
    return fig


def _draw_grouped(chart: Chart, df: pd.DataFrame) -> Figure:
    labels = list(dict.fromkeys(str(x) for x in df["label"]))
    groups = list(dict.fromkeys(str(g) for g in df["group"]))
    n, g = len(labels), len(groups)
    fig, ax = plt.subplots(figsize=(8.4, 1.1 + 0.3 * max(n * g, 3)))
    height = 0.8 / g
    base = np.arange(n)[::-1]
    for j, grp in enumerate(groups):
        sub = df[df["group"].astype(str) == grp].set_index(df["label"].astype(str)[df["group"].astype(str) == grp])
        vals = np.array([float(sub["value"].get(lab, np.nan)) for lab in labels])
        ax.barh(base + (g - 1 - j - (g - 1) / 2) * height, vals, height=height * 0.92,
                color=_SERIES[j % len(_SERIES)], label=grp)
    ax.set_yticks(base, [_wrap(x) for x in labels])
    ax.grid(axis="y", visible=False)
    if (df["value"] < 0).any():
        ax.axvline(0, color=PALETTE["ink"], lw=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
    if chart.xlabel:
        ax.set_xlabel(chart.xlabel)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(g, 3))
    fig.tight_layout()
    return fig


def _draw_politics(chart: Chart) -> Figure:
    df = chart.data.sort_values("year")
    fig, ax = plt.subplots(figsize=(8.4, 3.3))
    has_ratio = "ratio" in df and df["ratio"].notna().any()
    ax2 = None
    if has_ratio:
        ax2 = ax.twinx()
        r = df.dropna(subset=["ratio"])
        ax2.bar(r["year"], r["ratio"], color=PALETTE["band"], alpha=0.7, width=0.7,
                label="actual / structural potential (right)")
        ax2.axhline(1.0, color=PALETTE["b"], lw=1.1, ls="--", label="trade = potential")
        ax2.set_ylabel("actual / potential", color=PALETTE["ink"])
        ax2.set_ylim(0, max(1.25, float(r["ratio"].max()) * 1.15))
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
    a = df.dropna(subset=["agreement"])
    ax.plot(a["year"], a["agreement"], color=PALETTE["a"], lw=2.2, marker="o", ms=2.8,
            label="UN vote agreement (left)")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{100 * x:.0f}%"))
    ax.set_ylabel(chart.ylabel or "agreement")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    handles, labels = ax.get_legend_handles_labels()
    if ax2 is not None:
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3)
    fig.tight_layout()
    return fig


_DRAW = {"history": _draw_history, "bars": _draw_bars, "politics": _draw_politics}


def chart_svg(chart: Chart, prefix: str = "c") -> str:
    """Draw ``chart`` and return it as an inline ``<svg>`` string.

    Parameters
    ----------
    chart : tradegap.brief.Chart
        Kind and tidy data.
    prefix : str
        Prepended to every element id inside the SVG (keep it unique per page).
    """
    try:
        draw = _DRAW[chart.kind]
    except KeyError:
        raise InputError(f"No drawing for chart kind {chart.kind!r}; known: {sorted(_DRAW)}.") from None
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Tight layout not applied")
        fig = draw(chart)
        return _svg(fig, prefix)
