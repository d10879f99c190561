"""Primitives for hand-built SVG charts: escaping, number formats, nice ticks, scales, text metrics.

All lengths are SVG user units (px at 100 % zoom when the chart's viewBox width
equals its column width). Output is built from strings only, with coordinates
rounded to 0.01 so that the same input gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "FONT",
    "Linear",
    "attrs",
    "circle",
    "document",
    "esc",
    "fmt_thousands",
    "nice_ticks",
    "num",
    "path",
    "polyline_d",
    "rect",
    "text",
    "text_width",
    "tick_format",
    "wrap_label",
]

#: The page's font stack (system sans); DejaVu Sans is the widest fallback and sets the text metrics below.
FONT = "'Segoe UI', 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"

# Advance widths of DejaVu Sans for ASCII 32..126, in em (1 em = font size in px).
_WIDTHS = (
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337,
    0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838,
    0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.631, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863,
    0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337,
    0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.279, 0.579, 0.278,
    0.974, 0.634, 0.611, 0.635, 0.635, 0.412, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.637,
    0.337, 0.636, 0.838,
)
_OTHER_WIDTH = 0.65  # non-ASCII letters (é, ô, →, −, …): about an average capital
_BOLD = 1.1


def esc(value: object) -> str:
    """XML-escape ``value`` for text content and double- or single-quoted attributes."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(x: float) -> str:
    """A coordinate as short, deterministic text: rounded to 0.01, no trailing zeros, no ``-0``."""
    s = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_thousands(x: float) -> str:
    """A tick or bar value: thousands separators from 1,000, whole numbers from 10, else 1–2 decimals.

    Negative values carry a typographic minus (U+2212).
    """
    if abs(x) >= 1000:
        s = f"{x:,.0f}"
    elif abs(x) >= 10 or x == 0:
        s = f"{x:.0f}"
    elif abs(round(x, 1) - x) > 1e-9:
        s = f"{x:.2f}"
    else:
        s = f"{x:.1f}"
    if s.startswith("-") and not s.strip("-0.,"):
        s = s[1:]  # "-0.00" is zero
    return s.replace("-", "\u2212")


def tick_format(ticks: Sequence[float]) -> Callable[[float], str]:
    """A formatter for evenly spaced ``ticks``: as many decimals as the step needs, thousands separators, U+2212."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    digits = next((d for d in range(11) if abs(round(step, d) - step) <= 1e-9 * max(1.0, step)), 10)

    def fmt(x: float) -> str:
        s = f"{x:,.{digits}f}"
        return (s[1:] if s.startswith("-") and not s.strip("-0.,") else s).replace("-", "\u2212")

    return fmt


def nice_ticks(lo: float, hi: float, n: int = 5, *, integer: bool = False) -> list[float]:
    """About ``n`` evenly spaced round ticks whose span covers ``[lo, hi]``.

    The step is 1, 2, 2.5 or 5 times a power of ten (1, 2 or 5 with
    ``integer=True``, never below 1); the first tick is ``<= lo`` and the last
    ``>= hi``. An empty span (``lo == hi``) is widened to one step around it.
    """
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"nice_ticks needs finite bounds, got {lo!r}, {hi!r}")
    span = hi - lo if hi > lo else (abs(hi) or 1.0)
    raw = span / max(n - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    mults = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in mults if m * power >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, round(step))
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    if stop <= start:
        stop = start + step
    count = round((stop - start) / step)
    return [round(start + i * step, 10) + 0.0 for i in range(count + 1)]


@dataclass(frozen=True, slots=True)
class Linear:
    """Linear map from data values ``d0..d1`` to user units ``r0..r1`` (``r1 < r0`` for a y axis)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, v: float) -> float:
        span = self.d1 - self.d0
        return self.r0 + (float(v) - self.d0) / span * (self.r1 - self.r0) if span else (self.r0 + self.r1) / 2


def text_width(s: str, size: float, *, bold: bool = False) -> float:
    """Estimated width of ``s`` in px at font size ``size`` px (DejaVu Sans metrics, an upper bound for Arial)."""
    em = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else _OTHER_WIDTH for c in s)
    return em * size * (_BOLD if bold else 1.0)


def _fit(word: str, width: float, size: float, bold: bool) -> str:
    """``word`` cut to fit ``width`` px with a trailing ellipsis."""
    while word and text_width(word + "…", size, bold=bold) > width:
        word = word[:-1]
    return word.rstrip() + "…"


def wrap_label(label: object, width: float, size: float, *, bold: bool = False, lines: int = 2) -> list[str]:
    """Split ``label`` into at most ``lines`` lines of at most ``width`` px, ending in "…" when cut."""
    words = str(label).split()
    out: list[str] = []
    for w in words:
        if out and text_width(f"{out[-1]} {w}", size, bold=bold) <= width:
            out[-1] = f"{out[-1]} {w}"
        else:
            out.append(w)
    if not out:
        return [""]
    cut = len(out) > lines
    out = out[:lines]
    if cut or text_width(out[-1], size, bold=bold) > width:
        out[-1] = _fit(out[-1], width, size, bold)
    return [o if text_width(o, size, bold=bold) <= width else _fit(o, width, size, bold) for o in out]


def attrs(**kw: object) -> str:
    """`` key="value"`` pairs in the order given; ``None`` values are left out, ``_`` in keys becomes ``-``."""
    parts = []
    for k, v in kw.items():
        if v is None:
            continue
        val = num(v) if isinstance(v, float) else esc(v)
        parts.append(f' {k.rstrip("_").replace("_", "-")}="{val}"')
    return "".join(parts)


def polyline_d(xs: Iterable[float], ys: Iterable[float]) -> str:
    """A path ``d`` through the points (``M`` then ``L``), empty when there are none."""
    pts = [f"{num(x)},{num(y)}" for x, y in zip(xs, ys, strict=True)]
    return ("M" + " L".join(pts)) if pts else ""


def path(d: str, **kw: object) -> str:
    """A ``<path>`` element (``fill`` defaults to none)."""
    kw.setdefault("fill", "none")
    return f'<path d="{d}"{attrs(**kw)}/>'


def rect(x: float, y: float, w: float, h: float, **kw: object) -> str:
    """A ``<rect>``; negative widths or heights are flipped so the box is the same."""
    if w < 0:
        x, w = x + w, -w
    if h < 0:
        y, h = y + h, -h
    return f"<rect{attrs(x=float(x), y=float(y), width=float(w), height=float(h), **kw)}/>"


def circle(cx: float, cy: float, r: float, **kw: object) -> str:
    """A ``<circle>``."""
    return f"<circle{attrs(cx=float(cx), cy=float(cy), r=float(r), **kw)}/>"


def text(x: float, y: float, s: str, **kw: object) -> str:
    """A ``<text>`` with escaped content; pass ``font_size``, ``text_anchor``, ``fill``… as keywords."""
    return f"<text{attrs(x=float(x), y=float(y), **kw)}>{esc(s)}</text>"


def document(body: Sequence[str], width: float, height: float, title: str, prefix: str) -> str:
    """A standalone, responsive ``<svg>``: viewBox ``0 0 width height``, 100 % wide, titled for screen readers."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(prefix)}" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{esc(prefix)}-title" '
        f'aria-label="{esc(title)}" font-family="{esc(FONT)}" font-size="12">'
        f'<title id="{esc(prefix)}-title">{esc(title)}</title>'
    )
    return head + "".join(body) + "</svg>"
