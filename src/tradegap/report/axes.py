"""Chart furniture shared by the SVG charts: colours, type sizes, axes with grids, legends, "no data".

Every function returns SVG element strings (see :mod:`tradegap.report.svg`);
lengths are user units (px when the chart is shown at its viewBox width).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tradegap.report.svg import Linear, circle, document, path, rect, text, text_width

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
#: Colours of successive series (directions, groups).
SERIES = ("#1f4e79", "#c0632b", "#2e7d5b", "#7b5ea7", "#8c6d1f", "#4f6d7a")

# Type sizes in px at the chart's own width.
TICK = 11.5
LABEL = 12.5
LEGEND = 12.0
TITLE = 13.0
VALUE = 11.0
LINE_H = 15.0  # height of one line of 12 px text


@dataclass(frozen=True, slots=True)
class Box:
    """A plot area in user units: ``x0`` left, ``x1`` right, ``y0`` top, ``y1`` bottom."""

    x0: float
    x1: float
    y0: float
    y1: float


@dataclass(frozen=True, slots=True)
class Swatch:
    """How a legend entry is drawn: a line (``dash`` as an SVG dasharray), a marker, or a filled box."""

    color: str
    kind: str = "line"  # "line", "box", "square", "diamond", "dot"
    width: float = 2.0
    dash: str | None = None
    opacity: float | None = None
    marker: bool = False


def marker(kind: str, x: float, y: float, color: str, size: float = 7.0) -> str:
    """A point marker centred on ``(x, y)``: ``dot`` (filled), ``square`` (open) or ``diamond`` (filled)."""
    h = size / 2
    if kind == "square":
        return rect(x - h, y - h, size, size, fill="#ffffff", stroke=color, stroke_width=1.8)
    if kind == "diamond":
        d = f"M{x:.2f},{y - h - 1:.2f} L{x + h:.2f},{y:.2f} L{x:.2f},{y + h + 1:.2f} L{x - h:.2f},{y:.2f} Z"
        return path(d, fill=color)
    return circle(x, y, h, fill=color)


def _swatch(s: Swatch, x: float, y: float) -> str:
    """A 24 × 12 px legend sample whose left-middle point is ``(x, y)``."""
    if s.kind == "box":
        return rect(x + 2, y - 5, 20, 10, fill=s.color, fill_opacity=s.opacity)
    if s.kind in ("square", "diamond", "dot"):
        return marker(s.kind, x + 12, y, s.color)
    line = path(f"M{x:.2f},{y:.2f} H{x + 24:.2f}", stroke=s.color, stroke_width=s.width, stroke_dasharray=s.dash,
                stroke_opacity=s.opacity, stroke_linecap="round" if s.dash and s.dash.startswith("0") else None)
    return line + (circle(x + 12, y, 2.2, fill=s.color) if s.marker else "")


def legend(entries: Sequence[tuple[Swatch, str]], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Legend entries flowed left to right in rows within ``width`` px, from top-left ``(x, y)``.

    Returns the elements and the height used (px).
    """
    out: list[str] = ['<g class="legend">']
    cx, row = x, 0
    for sw, label in entries:
        w = 30 + text_width(label, LEGEND)
        if cx > x and cx + w > x + width:
            cx, row = x, row + 1
        cy = y + row * (LINE_H + 3) + LINE_H / 2
        out.append(_swatch(sw, cx, cy))
        out.append(text(cx + 30, cy, label, font_size=LEGEND, fill=PALETTE["ink"], dy="0.35em"))
        cx += w + 16
    out.append("</g>")
    return out, ((row + 1) * (LINE_H + 3) if entries else 0.0)


def y_axis(box: Box, scale: Linear, ticks: Sequence[float], fmt: Callable[[float], str], *,
           right: bool = False, grid: bool = True) -> list[str]:
    """Tick labels at the left (or right) edge of ``box`` and, with ``grid``, light horizontal grid lines."""
    out = ['<g class="y-axis">']
    for t in ticks:
        y = scale(t)
        if grid:
            out.append(path(f"M{box.x0:.2f},{y:.2f} H{box.x1:.2f}", stroke=PALETTE["grid"], stroke_width=1,
                            class_="grid"))
        x = box.x1 + 6 if right else box.x0 - 6
        out.append(text(x, y, fmt(t), font_size=TICK, fill=PALETTE["muted"], text_anchor="start" if right else "end",
                        dy="0.35em", class_="tick"))
    out.append("</g>")
    return out


def x_axis(box: Box, scale: Linear, ticks: Sequence[float], fmt: Callable[[float], str], *,
           grid: bool = False) -> list[str]:
    """Tick marks and labels under ``box``; with ``grid``, light vertical grid lines across it."""
    out = ['<g class="x-axis">']
    for t in ticks:
        x = scale(t)
        if grid:
            out.append(path(f"M{x:.2f},{box.y0:.2f} V{box.y1:.2f}", stroke=PALETTE["grid"], stroke_width=1,
                            class_="grid"))
        out.append(path(f"M{x:.2f},{box.y1:.2f} v4", stroke=PALETTE["muted"], stroke_width=1))
        out.append(text(x, box.y1 + 17, fmt(t), font_size=TICK, fill=PALETTE["muted"], text_anchor="middle",
                        class_="tick"))
    out.append("</g>")
    return out


def baseline(box: Box) -> str:
    """The bottom axis line of ``box``."""
    return path(f"M{box.x0:.2f},{box.y1:.2f} H{box.x1:.2f}", stroke=PALETTE["muted"], stroke_width=1)


def rotated_label(x: float, y: float, label: str) -> str:
    """An axis title turned 90° counter-clockwise, centred on ``(x, y)``."""
    return text(0, 0, label, font_size=LABEL, fill=PALETTE["ink"], text_anchor="middle",
                transform=f"translate({x:.2f},{y:.2f}) rotate(-90)")


def no_data(width: float, height: float, title: str, prefix: str, message: str = "no data") -> str:
    """A chart-sized SVG holding only ``message`` in the middle."""
    body = [text(width / 2, height / 2, message, font_size=LABEL, fill=PALETTE["muted"], text_anchor="middle",
                 dy="0.35em", class_="no-data")]
    return document(body, width, height, title, prefix)
