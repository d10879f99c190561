"""Prose helpers of the brief: money, percentages, lists and the ratio sentence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

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
