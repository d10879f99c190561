"""Charts of a brief as inline SVG strings, drawn natively (no plotting library).

Each :class:`tradegap.brief.Chart` kind has one drawing function; :func:`chart_svg`
dispatches on the kind and returns a standalone ``<svg>`` element (no XML prolog,
every id prefixed so several charts can live in one HTML page, width 100 % so it
scales). Geometry is in user units: at ``width`` px on screen, text is at its
nominal size (11–13 px). Rows or points with NaN or infinite values are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tradegap.errors import InputError
from tradegap.report.axes import (
    LABEL,
    LINE_H,
    PALETTE,
    SERIES,
    TICK,
    TITLE,
    VALUE,
    Box,
    Swatch,
    baseline,
    legend,
    marker,
    no_data,
    rotated_label,
    x_axis,
    y_axis,
)
from tradegap.report.svg import (
    Linear,
    document,
    fmt_thousands,
    nice_ticks,
    path,
    polyline_d,
    rect,
    text,
    text_width,
    tick_format,
    wrap_label,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from tradegap.brief import Chart

__all__ = ["PALETTE", "chart_svg"]

#: Default viewBox width (px): the brief's text column on a desktop screen.
WIDTH = 760.0
_NARROW = 560.0  # below this, history panels are stacked and fewer ticks are drawn
_PAD = 6.0


def _values(df: pd.DataFrame, col: str) -> np.ndarray:
    """Column ``col`` as float64 (NaN where missing, non-numeric or infinite); all NaN if absent."""
    if col not in df:
        return np.full(len(df), np.nan)
    v = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isfinite(v), v, np.nan)


def _year_fmt(v: float) -> str:
    """A year tick: ``2019``."""
    return f"{v:.0f}"


def _pct_fmt(v: float) -> str:
    """A share 0–1 as a whole percentage: ``0.8`` → ``80%``."""
    return f"{100 * v:.0f}%"


def _year_scale(years: np.ndarray, x0: float, x1: float, nbins: int) -> tuple[Linear, list[float]]:
    """An x scale over ``years`` (padded half a year, or one year around a single year) and its integer ticks."""
    lo, hi = float(np.min(years)), float(np.max(years))
    pad = 1.0 if hi - lo < 1 else max(0.5, 0.03 * (hi - lo))
    scale = Linear(lo - pad, hi + pad, x0, x1)
    if hi - lo < 1:
        return scale, [round(lo)] if lo == round(lo) else []
    ticks = [t for t in nice_ticks(lo, hi, nbins, integer=True) if scale.d0 <= t <= scale.d1]
    return scale, ticks


# --- history -----------------------------------------------------------------------------------------------------

_H_SERIES = ("actual", "potential", "lower", "upper", "actual_model", "size_potential")


def _history_legend(df: pd.DataFrame) -> list[tuple[Swatch, str]]:
    """Legend entries for the series present anywhere in ``df`` (drawn in ink: panels differ only in colour)."""
    ink = PALETTE["ink"]
    most = {c: int(df.assign(_v=_values(df, c)).groupby("direction")["_v"].count().max()) for c in _H_SERIES}
    out = [(Swatch(ink, width=2.4, marker=True), "actual (IMF DOTS)")]
    if most["potential"] > 2:
        out.append((Swatch(ink, width=1.6, dash="6 4"), "structural potential"))
        if most["lower"] and most["upper"]:
            out.append((Swatch(ink, kind="box", opacity=0.15), "band"))
    elif most["potential"]:
        out.append((Swatch(ink, kind="square"), "structural potential (with band)"))
    if most["size_potential"]:
        line = most["size_potential"] > 2
        out.append((Swatch(PALETTE["muted"], width=1.8, dash="0.1 4") if line else Swatch(PALETTE["muted"], kind="diamond"),
                    "size-based potential"))
    if most["actual_model"]:
        line = most["actual_model"] > 2
        out.append((Swatch(ink, width=1.0, opacity=0.75) if line else Swatch(ink, kind="dot"),
                    "actual in the model's data (BACI)"))
    return out


def _line(xs: list[float], ys: list[float], color: str, **kw: object) -> str:
    """A polyline through points already in user units (nothing when there are none)."""
    if not len(xs):
        return ""
    return path(polyline_d(xs, ys), stroke=color, stroke_linejoin="round", **kw)


def _potential(sub: pd.DataFrame, sx: Linear, sy: Linear, color: str) -> list[str]:
    """The structural potential: dashed line and shaded band, or (≤ 2 points) open squares with error bars."""
    year, pot = _values(sub, "year"), _values(sub, "potential")
    lo, hi = _values(sub, "lower"), _values(sub, "upper")
    ok = np.isfinite(pot)
    out: list[str] = []
    if ok.sum() > 2:
        band = np.isfinite(lo) & np.isfinite(hi)
        if band.any():
            xs = np.concatenate([year[band], year[band][::-1]])
            ys = np.concatenate([hi[band], lo[band][::-1]])
            out.append(path(polyline_d(map(sx, xs), map(sy, ys)) + " Z", fill=color, fill_opacity=0.15, class_="band"))
        out.append(_line(list(map(sx, year[ok])), list(map(sy, pot[ok])), color, stroke_width=1.6,
                         stroke_dasharray="6 4", class_="potential"))
        return out
    for x, p, lw, up in zip(year[ok], pot[ok], lo[ok], hi[ok], strict=True):
        px = sx(x)
        if np.isfinite(lw) and np.isfinite(up):
            top, bot = sy(max(up, p)), sy(min(lw, p))
            out.append(path(f"M{px:.2f},{top:.2f} V{bot:.2f} M{px - 4:.2f},{top:.2f} H{px + 4:.2f} "
                            f"M{px - 4:.2f},{bot:.2f} H{px + 4:.2f}", stroke=color, stroke_width=1.4,
                            class_="errorbar"))
        out.append(marker("square", px, sy(p), color, 8))
    return out


def _secondary(sub: pd.DataFrame, sx: Linear, sy: Linear, color: str) -> list[str]:
    """Size-based potential (dotted, or diamonds) and the actual value in BACI (thin line, or dots)."""
    year, out = _values(sub, "year"), []
    size = _values(sub, "size_potential")
    ok = np.isfinite(size)
    if ok.sum() > 2:
        out.append(_line(list(map(sx, year[ok])), list(map(sy, size[ok])), PALETTE["muted"], stroke_width=1.8,
                         stroke_dasharray="0.1 4", stroke_linecap="round", class_="size-potential"))
    else:
        out += [marker("diamond", sx(x), sy(v), PALETTE["muted"], 8) for x, v in zip(year[ok], size[ok], strict=True)]
    model = _values(sub, "actual_model")
    ok = np.isfinite(model)
    if ok.sum() > 2:
        xs, ys = list(map(sx, year[ok])), list(map(sy, model[ok]))
        out.append(_line(xs, ys, color, stroke_width=1.0, stroke_opacity=0.75, class_="actual-model"))
        out += [marker("dot", x, y, color, 3.0) for x, y in zip(xs, ys, strict=True)]
    else:
        out += [marker("dot", sx(x), sy(v), color, 7.0) for x, v in zip(year[ok], model[ok], strict=True)]
    return out


def _history_panel(sub: pd.DataFrame, box: Box, title: str, color: str, ylabel: str, nbins: int) -> list[str]:
    """One direction: title, axes, and every series of ``sub`` (rows of one direction, any order)."""
    sub = sub.sort_values("year", kind="stable")
    year = _values(sub, "year")
    cols = np.column_stack([_values(sub, c) for c in _H_SERIES])
    rows = np.isfinite(year) & np.isfinite(cols).any(axis=1)
    out = [text(box.x0 - _PAD, box.y0 - 10, title, font_size=TITLE, font_weight="bold", fill=color)]
    if not rows.any():
        out.append(text((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, "no data", font_size=LABEL,
                        fill=PALETTE["muted"], text_anchor="middle", class_="no-data"))
        return out
    sub, top = sub[rows], float(np.nanmax(cols[rows]))
    yt = nice_ticks(0.0, max(top, 0.0) or 1.0, 6)
    sy = Linear(0.0, yt[-1], box.y1, box.y0)
    sx, xt = _year_scale(year[rows], box.x0, box.x1, nbins)
    fmt = tick_format(yt)
    out += y_axis(box, sy, yt, fmt) + x_axis(box, sx, xt, _year_fmt) + [baseline(box)]
    if ylabel:
        width = max(text_width(fmt(t), TICK) for t in yt)
        out.append(rotated_label(box.x0 - width - 18, (box.y0 + box.y1) / 2, ylabel))
    out += _potential(sub, sx, sy, color) + _secondary(sub, sx, sy, color)
    act = _values(sub, "actual")
    ok = np.isfinite(act)
    xs, ys = list(map(sx, _values(sub, "year")[ok])), list(map(sy, act[ok]))
    out.append(_line(xs, ys, color, stroke_width=2.4, stroke_linecap="round", class_="actual"))
    out += [marker("dot", x, y, color, 4.0) for x, y in zip(xs, ys, strict=True)]
    return out


def _history_tick_width(df: pd.DataFrame) -> float:
    """Room (px) for the widest y tick label of any panel, plus a gap."""
    top = np.nanmax(np.column_stack([_values(df, c) for c in _H_SERIES]), initial=0.0)
    ticks = nice_ticks(0.0, float(top) or 1.0, 6)
    fmt = tick_format(ticks)
    return max(text_width(fmt(t), TICK) for t in ticks) + 10


def _draw_history(chart: Chart, width: float, prefix: str) -> str:
    df = chart.data
    directions = list(dict.fromkeys(df["direction"].astype(str))) if "direction" in df else []
    if not directions or not np.isfinite(_values(df, "year")).any():
        return no_data(width, 180, chart.title, prefix)
    entries = _history_legend(df)
    body, top = legend(entries, _PAD, _PAD, width - 2 * _PAD)
    stacked = width < _NARROW and len(directions) > 1
    plot_h, head = 200.0, top + _PAD + 30
    tick_w = _history_tick_width(df) + (22 if chart.ylabel else 0)
    n_cols = 1 if stacked else len(directions)
    panel_w = (width - _PAD) / n_cols
    for k, d in enumerate(directions):
        col, row = (0, k) if stacked else (k, 0)
        y0 = head + row * (plot_h + 30 + 34)
        x0 = col * panel_w + tick_w + (_PAD if col == 0 else 20)
        box = Box(x0, (col + 1) * panel_w - _PAD, y0, y0 + plot_h)
        sub = df[df["direction"].astype(str) == d]
        body.append(f'<g class="panel" id="{prefix}-panel-{k + 1}">')
        body += _history_panel(sub, box, d, SERIES[k % len(SERIES)], chart.ylabel if k == 0 or stacked else "",
                               7 if box.x1 - box.x0 > 260 else 5)
        body.append("</g>")
    rows = len(directions) if stacked else 1
    height = head + rows * (plot_h + 30) + (rows - 1) * 34 + _PAD
    return document(body, width, height, chart.title, prefix)


# --- bars --------------------------------------------------------------------------------------------------------


def _label_column(labels: list[str], bold: list[bool], width: float) -> tuple[list[list[str]], float]:
    """Labels wrapped within at most 38 % of ``width`` (two lines; narrow charts: 44 %, three lines).

    Returns the lines of each label and the column width (px).
    """
    narrow = width < _NARROW
    cap, n = (0.44 * width, 3) if narrow else (0.38 * width, 2)
    lines = [wrap_label(s, cap, LABEL, bold=b, lines=n) for s, b in zip(labels, bold, strict=True)]
    used = max((text_width(ln, LABEL, bold=b) for ls, b in zip(lines, bold, strict=True) for ln in ls), default=0.0)
    return lines, min(cap, used)


def _row_label(lines: list[str], x: float, y: float, bold: bool) -> str:
    """A right-aligned category label of one or two lines centred on ``y``."""
    first = y - (len(lines) - 1) * LINE_H / 2
    color = PALETTE["accent"] if bold else PALETTE["ink"]
    return "".join(
        text(x, first + i * LINE_H, ln, font_size=LABEL, fill=color, text_anchor="end", dy="0.35em",
             font_weight="bold" if bold else None, class_="label")
        for i, ln in enumerate(lines)
    )


def _value_label(v: float, end: float, y: float) -> str:
    """The value of a bar just outside its end at ``end`` px."""
    return text(end + (4 if v >= 0 else -4), y, fmt_thousands(v), font_size=VALUE, fill=PALETTE["ink"],
                text_anchor="start" if v >= 0 else "end", dy="0.35em", class_="value")


def _bar_frame(values: np.ndarray, x0: float, x1: float) -> tuple[float, float, Linear, list[float]]:
    """Plot edges leaving room for the value labels, the x scale and its ticks."""
    neg = max((text_width(fmt_thousands(v), VALUE) for v in values if v < 0), default=0.0)
    pos = max((text_width(fmt_thousands(v), VALUE) for v in values if v >= 0), default=0.0)
    px0, px1 = x0 + (neg + 8 if neg else 0), x1 - pos - 8
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    if hi <= lo:
        hi = 1.0
    pad = 0.03 * (hi - lo)
    d0, d1 = (lo - pad if lo < 0 else 0.0), (hi + pad if hi > 0 else 0.0)
    ticks = [t for t in nice_ticks(lo, hi, max(5, int((px1 - px0) // 80))) if d0 <= t <= d1]
    return px0, px1, Linear(d0, d1, px0, px1), ticks


def _bar_axes(box: Box, sx: Linear, ticks: list[float], xlabel: str, signed: bool, width: float) -> list[str]:
    """Vertical grid, x ticks, x title and the zero line (ink when values are signed)."""
    out = x_axis(box, sx, ticks, tick_format(ticks), grid=True)
    out.append(path(f"M{sx(0.0):.2f},{box.y0:.2f} V{box.y1:.2f}", stroke=PALETTE["ink" if signed else "muted"],
                    stroke_width=1, class_="zero"))
    out += _axis_title(xlabel, box, width)
    return out


def _axis_title(label: str, box: Box, width: float) -> list[str]:
    """An x-axis title under the tick labels, wrapped to the chart width and kept inside it."""
    if not label:
        return []
    lines = wrap_label(label, width - 2 * _PAD, LABEL)
    half = max(text_width(ln, LABEL) for ln in lines) / 2
    cx = min(max((box.x0 + box.x1) / 2, _PAD + half), width - _PAD - half)
    return [text(cx, box.y1 + 36 + i * LINE_H, ln, font_size=LABEL, fill=PALETTE["ink"], text_anchor="middle",
                 class_="axis-title") for i, ln in enumerate(lines)]


def _under_axis(label: str, width: float) -> float:
    """Height (px) below the plot for tick labels and the wrapped x-axis title."""
    return 24 + (len(wrap_label(label, width - 2 * _PAD, LABEL)) * LINE_H + 6 if label else 0) + _PAD


def _bar_color(v: float, highlight: bool, signed: bool) -> str:
    """Accent when highlighted; else green/red by sign when any value is negative; else the main colour."""
    if highlight:
        return PALETTE["accent"]
    if signed:
        return PALETTE["negative"] if v < 0 else PALETTE["positive"]
    return PALETTE["a"]


def _draw_bars(chart: Chart, width: float, prefix: str) -> str:
    df = chart.data
    values = _values(df, "value")
    ok = np.isfinite(values)
    if "label" not in df or not ok.any():
        return no_data(width, 120, chart.title, prefix)
    df, values = df[ok], values[ok]
    if "group" in df and df["group"].notna().any():
        return _draw_grouped(chart, df, values, width, prefix)
    highlight = df["highlight"].fillna(False).astype(bool).tolist() if "highlight" in df else [False] * len(df)
    lines, label_w = _label_column(df["label"].fillna("").astype(str).tolist(), highlight, width)
    row = 34.0 if any(len(ls) > 1 for ls in lines) else 26.0
    px0, px1, sx, ticks = _bar_frame(values, _PAD + label_w + 10, width - _PAD)
    box = Box(px0, px1, _PAD, _PAD + row * len(values))
    signed = bool((values < 0).any())
    body = ['<g class="bars">']
    for i, (v, h, ls) in enumerate(zip(values, highlight, lines, strict=True)):
        yc = box.y0 + (i + 0.5) * row
        body.append(rect(sx(0.0), yc - 8.5, sx(v) - sx(0.0), 17, fill=_bar_color(v, h, signed), class_="bar"))
        body.append(_value_label(v, sx(v), yc))
        body.append(_row_label(ls, _PAD + label_w, yc, h))
    body.append("</g>")
    body = _bar_axes(box, sx, ticks, chart.xlabel, signed, width) + body
    height = box.y1 + _under_axis(chart.xlabel, width)
    return document(body, width, height, chart.title, prefix)


def _draw_grouped(chart: Chart, df: pd.DataFrame, values: np.ndarray, width: float, prefix: str) -> str:
    """Several bars per label, one colour per group, with a legend on top."""
    labels = list(dict.fromkeys(df["label"].astype(str)))
    groups = list(dict.fromkeys(df["group"].astype(str)))
    hl = df["highlight"].fillna(False).astype(bool) if "highlight" in df else pd.Series(False, index=df.index)
    bold = [bool(hl[df["label"].astype(str) == lab].any()) for lab in labels]
    entries = [(Swatch(SERIES[j % len(SERIES)], kind="box"), g) for j, g in enumerate(groups)]
    body, top = legend(entries, _PAD, _PAD, width - 2 * _PAD)
    lines, label_w = _label_column(labels, bold, width)
    bar, g = 14.0, len(groups)
    block = max(g * (bar + 2), max(len(ls) for ls in lines) * LINE_H) + 12
    px0, px1, sx, ticks = _bar_frame(values, _PAD + label_w + 10, width - _PAD)
    box = Box(px0, px1, top + 2 * _PAD, top + 2 * _PAD + block * len(labels))
    signed = bool((values < 0).any())
    keys = list(zip(df["label"].astype(str), df["group"].astype(str), strict=True))
    body += _bar_axes(box, sx, ticks, chart.xlabel, signed, width)
    body.append('<g class="bars">')
    for i, (lab, ls) in enumerate(zip(labels, lines, strict=True)):
        yc = box.y0 + (i + 0.5) * block
        for j, grp in enumerate(groups):
            v = next((float(x) for k, x in zip(keys, values, strict=True) if k == (lab, grp)), None)
            if v is None:
                continue
            yb = yc + (j - (g - 1) / 2) * (bar + 2)
            body.append(rect(sx(0.0), yb - bar / 2, sx(v) - sx(0.0), bar, fill=SERIES[j % len(SERIES)], class_="bar"))
            body.append(_value_label(v, sx(v), yb))
        body.append(_row_label(ls, _PAD + label_w, yc, bold[i]))
    body.append("</g>")
    height = box.y1 + _under_axis(chart.xlabel, width)
    return document(body, width, height, chart.title, prefix)


# --- politics ----------------------------------------------------------------------------------------------------


def _politics_ratio(year: np.ndarray, ratio: np.ndarray, box: Box, sx: Linear) -> list[str]:
    """Ratio bars on a right axis (0 to at least 1.25) with a dashed line at 1.0."""
    ticks = nice_ticks(0.0, max(1.25, float(np.nanmax(ratio)) * 1.15), 5)
    sy = Linear(0.0, ticks[-1], box.y1, box.y0)
    half = 0.35 * (sx(1.0) - sx(0.0))
    fmt = tick_format(ticks)
    out = y_axis(box, sy, ticks, fmt, right=True, grid=False)
    out.append(path(f"M{box.x1:.2f},{box.y0:.2f} V{box.y1:.2f}", stroke=PALETTE["muted"], stroke_width=1))
    out += [rect(sx(x) - half, sy(r), 2 * half, sy(0.0) - sy(r), fill=PALETTE["band"], fill_opacity=0.7, class_="bar")
            for x, r in zip(year, ratio, strict=True) if np.isfinite(r)]
    out.append(path(f"M{box.x0:.2f},{sy(1.0):.2f} H{box.x1:.2f}", stroke=PALETTE["b"], stroke_width=1.2,
                    stroke_dasharray="6 4", class_="parity"))
    width = max(text_width(fmt(t), TICK) for t in ticks)
    out.append(rotated_label(box.x1 + width + 18, (box.y0 + box.y1) / 2, "actual / potential"))
    return out


def _draw_politics(chart: Chart, width: float, prefix: str) -> str:
    df = chart.data.sort_values("year", kind="stable") if "year" in chart.data else chart.data
    year, agree, ratio = _values(df, "year"), _values(df, "agreement"), _values(df, "ratio")
    has_ratio = bool((np.isfinite(ratio) & np.isfinite(year)).any())
    rows = np.isfinite(year) & (np.isfinite(agree) | np.isfinite(ratio))
    if not rows.any():
        return no_data(width, 160, chart.title, prefix)
    entries = [(Swatch(PALETTE["a"], width=2.4, marker=True), "UN vote agreement (left)")]
    if has_ratio:
        entries += [(Swatch(PALETTE["band"], kind="box", opacity=0.7), "actual / structural potential (right)"),
                    (Swatch(PALETTE["b"], width=1.2, dash="6 4"), "trade = potential")]
    body, top = legend(entries, _PAD, _PAD, width - 2 * _PAD)
    right = 64.0 if has_ratio else 12.0
    box = Box(_PAD + 66, width - _PAD - right, top + 3 * _PAD, top + 3 * _PAD + 200)
    sx, xt = _year_scale(year[rows], box.x0, box.x1, 10 if width >= _NARROW else 6)
    sy = Linear(0.0, 1.0, box.y1, box.y0)
    body += y_axis(box, sy, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], _pct_fmt) + x_axis(box, sx, xt, _year_fmt)
    body.append(rotated_label(_PAD + 10, (box.y0 + box.y1) / 2, chart.ylabel or "agreement"))
    if has_ratio:
        body += _politics_ratio(year[rows], ratio[rows], box, sx)
    body.append(baseline(box))
    ok = rows & np.isfinite(agree)
    xs, ys = list(map(sx, year[ok])), list(map(sy, agree[ok]))
    body.append(_line(xs, ys, PALETTE["a"], stroke_width=2.4, stroke_linecap="round", class_="agreement"))
    body += [marker("dot", x, y, PALETTE["a"], 4.0) for x, y in zip(xs, ys, strict=True)]
    return document(body, width, box.y1 + 24 + _PAD, chart.title, prefix)


_DRAW: dict[str, Callable[[Chart, float, str], str]] = {
    "history": _draw_history,
    "bars": _draw_bars,
    "politics": _draw_politics,
}


def chart_svg(chart: Chart, prefix: str = "c", *, width: float = WIDTH) -> str:
    """Draw ``chart`` and return it as an inline ``<svg>`` string.

    Parameters
    ----------
    chart : tradegap.brief.Chart
        Kind and tidy data.
    prefix : str
        The root element's id and the start of every other id inside the SVG
        (keep it unique per page).
    width : float, default 760
        viewBox width in px: the layout is made for a column this wide (text at
        11–13 px there); below 560 the history panels are stacked.
    """
    try:
        draw = _DRAW[chart.kind]
    except KeyError:
        raise InputError(f"No drawing for chart kind {chart.kind!r}; known: {sorted(_DRAW)}.") from None
    if not (isinstance(width, (int, float)) and 240 <= width <= 4000):
        raise InputError(f"The 'width' parameter of chart_svg must be a number from 240 to 4000. Got {width!r} instead.",
                         hint="Pass the column width in px, e.g. 760.")
    return draw(chart, float(width), prefix)
