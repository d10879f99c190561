"""The potential of one pair, both measures side by side (``tradegap potential A B``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tradegap._json import jsonable
from tradegap.brief.assemble import _validate_country, world_model_held
from tradegap.brief.components import (
    _adapt_coverage,
    _adapt_size_based,
    _adapt_structural,
    _adapt_year_span,
    _Context,
)
from tradegap.brief.model import UNIT
from tradegap.brief.prose import _finite, ratio_sentence
from tradegap.errors import InputError, TradegapError
from tradegap.fitnotes import is_warning_note
from tradegap.validation import check_pair

# ----------------------------------------------------------------------------------------------
# The potential of one pair, both measures side by side (``tradegap potential A B``)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairPotential:
    """Actual trade against the structural and the size-based potential for one pair and year.

    Attributes
    ----------
    a, b : str
        ISO3 codes; ``year`` the year compared.
    table : pandas.DataFrame
        One row per measure and direction: ``measure, exporter, importer, actual, potential,
        lower, upper, ratio, untapped`` (USD millions; ``ratio`` = actual / potential; the
        band is the potential's confidence interval, at the level the potential module reports).
    specification : dict
        Per measure, the specification reported by :mod:`tradegap.potential` (regressors,
        fixed effects, normalization, band method, sample).
    errors : dict
        Per measure that could not be computed, the reason.
    sentences : tuple of str
        Plain-language comparison, one sentence per measure and direction.
    meaning : dict
        Per measure, what it means in plain words (from :mod:`tradegap.potential`).
    notes : tuple of str
        Warnings raised by the fits (dropped observations, collinear terms, …), as text.
    """

    a: str
    b: str
    year: int
    table: pd.DataFrame
    specification: dict[str, Any]
    errors: dict[str, str]
    sentences: tuple[str, ...]
    unit: str = UNIT
    meaning: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The comparison table (see :attr:`table`)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: per direction the actual value and each potential with band and ratio."""
        directions = []
        for ex, im in ((self.a, self.b), (self.b, self.a)):
            rows = self.table[(self.table["exporter"] == ex) & (self.table["importer"] == im)]
            entry: dict[str, Any] = {"exporter": ex, "importer": im, "actual": None}
            for r in rows.itertuples(index=False):
                entry["actual"] = jsonable(r.actual)
                entry[str(r.measure)] = {
                    k: jsonable(getattr(r, k)) for k in ("potential", "lower", "upper", "ratio", "untapped")
                }
            directions.append(entry)
        return {
            "a": self.a,
            "b": self.b,
            "year": self.year,
            "unit": self.unit,
            "directions": directions,
            "specification": jsonable(self.specification),
            "errors": dict(self.errors),
            "meaning": dict(self.meaning),
            "text": list(self.sentences),
            "notes": list(self.notes),
        }


def pair_potential(a: str, b: str, *, year: int = 2019, store: Any = None) -> PairPotential:
    """Actual trade, structural and size-based potential for one pair and year, both directions.

    Parameters
    ----------
    a, b : str
        Country names or ISO3 codes.
    year : int, default 2019
    store : tradegap.store.Store, optional

    Returns
    -------
    PairPotential
        Values in USD millions.

    Raises
    ------
    CoverageError
        When neither potential can be computed for the pair and year (the message says why
        and which years are available).
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InputError(f"The 'year' parameter of pair_potential must be an int. Got {year!r} instead.")
    year = int(year)
    a_iso, a_name = _validate_country(a, "a")
    b_iso, b_name = _validate_country(b, "b")
    check_pair(a_iso, b_iso, "pair_potential", given=(a, b),
               hint="Name two countries, e.g. `tradegap potential IRN RUS`.")
    with world_model_held(store, year):
        return _pair_potential(_Context(a_iso, b_iso, year, store, (a_name, b_name), None))


def _pair_potential(ctx: _Context) -> PairPotential:
    a_iso, b_iso, year = ctx.a, ctx.b, ctx.year
    (a_name, b_name) = ctx.names
    rows, spec, errors, sentences = [], {}, {}, []
    meanings: dict[str, str] = {}
    fit_notes: list[str] = []
    first_error: TradegapError | None = None
    for measure, fn, label in (
        ("structural", _adapt_structural, "structural potential"),
        ("size_based", _adapt_size_based, "size-based potential"),
    ):
        try:
            frame = fn(ctx)
        except TradegapError as exc:
            errors[measure] = exc.message + (f" (Hint: {exc.hint})" if exc.hint else "")
            first_error = first_error or exc
            continue
        fit_notes.extend(f"{label}: {n}" for n in frame.attrs.get("notes", ()) if is_warning_note(n))
        spec[measure] = frame.attrs.get("specification_raw", frame.attrs.get("specification"))
        meanings[measure] = frame.attrs.get("meaning", "")
        snap = frame[frame["year"] == year]
        if not len(snap):
            years = _adapt_year_span(frame["year"].unique())
            errors[measure] = f"no {label} for {year}; estimated years: {years}"
            first_error = first_error or _adapt_coverage(
                f"no {label} for {a_iso}–{b_iso} in {year}", hint=f"Choose a year in {years}."
            )
            continue
        for ex, im in ctx.directions:
            r = snap[(snap["exporter"] == ex) & (snap["importer"] == im)]
            if not len(r):
                continue
            r0 = r.iloc[0]
            rows.append(
                {
                    "measure": measure,
                    "exporter": ex,
                    "importer": im,
                    **{k: _finite(r0.get(k)) for k in ("actual", "potential", "lower", "upper", "ratio", "untapped")},
                }
            )
            sentences.append(
                ratio_sentence(
                    ctx.dir_label(ex, im), r0["actual"], r0["potential"], r0.get("lower"), r0.get("upper"),
                    what=label, level=float(frame.attrs.get("band_level", 0.95)),
                )
            )
    other = ctx.extra.get("size_based", {}).get("variant_rows")
    if isinstance(other, pd.DataFrame) and len(other) and "variant" in other:
        o = other[other["year"].astype(int) == year]
        for r in o.to_dict(orient="records"):
            v = str(r["variant"])
            rows.append(
                {
                    "measure": "size_based_" + v.removeprefix("size_") if v.startswith("size_") else f"size_based_{v}",
                    "exporter": r["exporter"],
                    "importer": r["importer"],
                    **{k: _finite(r.get(k)) for k in ("actual", "potential", "lower", "upper", "ratio", "untapped")},
                }
            )
    if not rows:
        assert first_error is not None  # internal invariant: no rows means every measure failed
        raise first_error
    table = pd.DataFrame(
        rows, columns=["measure", "exporter", "importer", "actual", "potential", "lower", "upper", "ratio", "untapped"]
    ).astype({c: "float64" for c in ("actual", "potential", "lower", "upper", "ratio", "untapped")})
    return PairPotential(
        a=a_iso, b=b_iso, year=year, table=table, specification=spec, errors=errors, sentences=tuple(sentences),
        meaning={k: v for k, v in meanings.items() if v}, notes=tuple(dict.fromkeys(fit_notes)),
    )
