"""Fitting a table to the terminal without ever cutting a number.

:func:`fit` turns a frame into display cells and decides which columns fit in the
terminal's width:

* every number is formatted in full (``1,308.2``) and its column is at least as
  wide as its widest value — a number is never cut or wrapped;
* text wraps at spaces (and long words fold) inside a column of bounded width;
* headers are human (``gdp_busd`` → ``GDP $bn``, ``year_min`` → ``year min``) and
  may wrap onto two lines at spaces, never cut to a stub;
* when the columns do not all fit, the rightmost ones are left out whole (never
  the first), and the caller says which in a note — a wide table is never split
  into slices whose rows the reader must match by position.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Fitted", "fit", "format_cell", "human_header"]

#: Column names → headers, where replacing ``_`` by a space is not enough.
HEADERS: dict[str, str] = {
    "iso3": "ISO3", "gdp_busd": "GDP $bn", "population_m": "pop. m", "sha256": "SHA-256",
    "n_cases": "cases", "n": "N", "se": "s.e.", "pvalue": "p", "p_value": "p", "ci_lo": "CI low",
    "ci_hi": "CI high", "pct": "%", "gdp": "GDP", "imr": "IMR", "fta": "FTA", "rta": "RTA",
}
_WORDS = {"gdp": "GDP", "imr": "IMR", "pct": "%", "iso3": "ISO3", "usd": "USD", "fta": "FTA", "rta": "RTA",
          "lo": "low", "hi": "high", "musd": "USD mn", "busd": "USD bn"}
#: Widest a text column starts before wrapping.
TEXT_MAX = 28
#: Narrowest a wrapping text column gets.
TEXT_MIN = 8


def human_header(col: Any) -> str:
    """A readable header for a frame column (``exports_change_pct`` → ``exports change %``)."""
    name = str(col)
    if name in HEADERS:
        return HEADERS[name]
    if "_" not in name:
        return name
    return " ".join(_WORDS.get(w, w) for w in name.split("_") if w)


def format_cell(v: Any) -> str:
    """One cell as text: numbers in full with thousands separators, missing values empty."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isinf(f):
            return "∞" if f > 0 else "-∞"
        if f != 0 and abs(f) < 0.001:
            return f"{f:.2e}"
        return f"{f:,.3f}" if abs(f) < 100 else f"{f:,.1f}"
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


@dataclass(frozen=True)
class Fitted:
    """A frame fitted to a width: headers, cell rows, per-column layout, and what was left out.

    Attributes
    ----------
    headers : list of str
    rows : list of list of str
    numeric : list of bool
        Right-aligned, never wrapped.
    min_widths : list of int
        Each shown column's width (at least a number column's widest value; the
        widths and the borders add up to at most the terminal width).
    left_out : list of str
        Headers of the columns that did not fit.
    """

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    min_widths: list[int]
    left_out: list[str]


def _is_year(col: Any) -> bool:
    return "year" in str(col).lower() or str(col).lower() in ("t", "period")


def _plain(v: Any) -> str:
    """A year as written (2019, not 2,019)."""
    if isinstance(v, (int, np.integer)) or (isinstance(v, (float, np.floating)) and float(v).is_integer()):
        return str(int(v))
    return format_cell(v)


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def fit(df: pd.DataFrame, width: int) -> Fitted:
    """Cells, headers and the columns that fit in ``width`` terminal columns (rich's boxed table)."""
    cols = list(df.columns)
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in cols]
    cells = [[_plain(v) if _is_year(c) else format_cell(v) for v in df[c].tolist()] for c in cols]
    headers = [human_header(c) for c in cols]
    need = []
    for k in range(len(cols)):
        head = _longest_word(headers[k])
        if numeric[k]:
            need.append(max([head, *(len(s) for s in cells[k])]))
        else:
            longest = max((len(s) for s in cells[k]), default=0)
            need.append(max(head, min(longest, TEXT_MIN)))
    # rich's default box: one border before each column and one at the end, one space of padding each side
    overhead = lambda n: 3 * n + 1  # noqa: E731 - a formula, named
    shown = list(range(len(cols)))
    while len(shown) > 1 and sum(need[k] for k in shown) + overhead(len(shown)) > width:
        shown.pop()
    # grow columns towards their natural width (whole header on one line, text unwrapped) while room is left
    natural = {k: max([len(headers[k]), *(len(x) for x in cells[k])]) for k in shown}
    widths = {k: need[k] for k in shown}
    room = width - sum(widths.values()) - overhead(len(shown))
    for k in sorted(shown, key=lambda k: natural[k] - widths[k]):
        if room <= 0:
            break
        grow = min(natural[k] - widths[k], room)
        widths[k] += grow
        room -= grow
    return Fitted(
        headers=[headers[k] for k in shown],
        rows=[[cells[k][r] for k in shown] for r in range(len(df))],
        numeric=[numeric[k] for k in shown],
        min_widths=[widths[k] for k in shown],
        left_out=[headers[k] for k in range(len(cols)) if k not in shown],
    )
