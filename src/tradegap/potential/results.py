"""Result objects of the pair-level potential functions (frozen dataclasses, ``to_frame``/``to_dict``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


def _clean(v: Any) -> Any:
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return v if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, pd.DataFrame):
        return [{str(k): _clean(x) for k, x in r.items()} for r in v.to_dict(orient="records")]
    if isinstance(v, pd.Series):
        return {str(k): _clean(x) for k, x in v.items()}
    if v is pd.NA:
        return None
    return v


@dataclass(frozen=True)
class Potential:
    """Trade potential of one pair, both directions, per year.

    Attributes
    ----------
    kind : {"structural", "size_based"}
    a, b : str
        ISO3 codes of the pair (``a`` first as asked).
    table : DataFrame
        One row per direction and year: ``exporter, importer, year, actual, potential,
        potential_lo, potential_hi, ratio, ratio_lo, ratio_hi, untapped, verdict`` (and, for
        the size-based potential, ``variant`` and for both ``gap split`` columns where
        available).  Trade values in USD millions; ``ratio = actual / potential``;
        ``untapped = potential − actual`` (negative: the pair trades above potential).
    spec : dict
        Specification: formulas, fixed effects, normalization, sample years, N,
        international-only flag, band method, source.
    coefficients : DataFrame
        ``stage, term, estimate, std_error`` of the models behind the potential.
    meaning : str
        What this potential means, in plain words.
    summary : str
        One plain-word sentence per direction for the latest year (above/below/at potential).
    gap_split : DataFrame or None
        Size-based only: per direction and year, ``ln(actual/size-based)`` split into
        ``world_part = ln(structural/size-based)`` ("each country trades little with the world")
        and ``pair_part = ln(actual/structural)`` ("the pair trades little with each other").
    notes : tuple of str
    unit, scale : str
    """

    kind: str
    a: str
    b: str
    table: pd.DataFrame
    spec: dict[str, Any]
    coefficients: pd.DataFrame
    meaning: str
    summary: str
    gap_split: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    unit: str = "USD"
    scale: str = "millions"

    def to_frame(self) -> pd.DataFrame:
        """Per direction-year table (values in USD millions)."""
        return self.table.copy()

    def latest(self) -> pd.DataFrame:
        """Rows of the latest year (both directions)."""
        y = int(self.table["year"].max())
        return self.table[self.table["year"] == y].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary (NaN → None)."""
        return {
            "kind": self.kind,
            "pair": [self.a, self.b],
            "unit": self.unit,
            "scale": self.scale,
            "meaning": self.meaning,
            "summary": self.summary,
            "spec": _clean(self.spec),
            "coefficients": _clean(self.coefficients),
            "table": _clean(self.table),
            "gap_split": None if self.gap_split is None else _clean(self.gap_split),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class GapDecomposition:
    """The pair's normal trade cost split into factor contributions, and its own residual.

    Attributes
    ----------
    a, b : str
    year : int
    reference : str
        What the contributions are relative to (in words).
    table : DataFrame
        One row per direction and factor: ``exporter, importer, factor, label, value,
        reference_value, coefficient, log_points, pct_of_trade``.  ``log_points`` is the factor's
        contribution to ln(trade) relative to the reference; ``pct_of_trade = 100·(exp(log_points) − 1)``
        (e.g. −50: the factor halves trade).  The row ``factor == "pair_residual"`` is the pair's
        own pair effect relative to the normal one (ln actual/normal over the sample years).
    spec : dict
    notes : tuple of str
    """

    a: str
    b: str
    year: int
    reference: str
    table: pd.DataFrame
    spec: dict[str, Any]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Per direction × factor table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary."""
        return {
            "pair": [self.a, self.b],
            "year": int(self.year),
            "reference": self.reference,
            "table": _clean(self.table),
            "spec": _clean(self.spec),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class UntappedRanking:
    """Partners of one country ranked by untapped structural potential (both directions).

    Attributes
    ----------
    country : str
    year : int
    table : DataFrame
        ``rank, partner, partner_name, exports_actual, exports_potential, imports_actual,
        imports_potential, actual, potential, untapped, ratio`` (USD millions; ``ratio =
        actual / potential`` of both directions together).
    spec : dict
    notes : tuple of str
    """

    country: str
    year: int
    table: pd.DataFrame
    spec: dict[str, Any] = field(repr=False)
    notes: tuple[str, ...] = ()
    unit: str = "USD"
    scale: str = "millions"

    def to_frame(self) -> pd.DataFrame:
        """The ranking."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary."""
        return {
            "country": self.country,
            "year": int(self.year),
            "unit": self.unit,
            "scale": self.scale,
            "table": _clean(self.table),
            "spec": _clean(self.spec),
            "notes": list(self.notes),
        }
