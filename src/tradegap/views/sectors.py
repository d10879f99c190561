"""A pair's trade by sector on tradegap's data (:func:`pair_sectors`).

The sector definitions, the aggregation and the per-sector gravity fits are pure and live in
:mod:`tradegap.sectors`; this view reads the flows (the store, or the embedded UNCTADstat SITC
sections for 2015), calls them and returns a :class:`PairSectors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from tradegap.cache import CACHE, store_fingerprint
from tradegap.data.schema import SCALES, rescale
from tradegap.errors import CoverageError
from tradegap.progress import Progress
from tradegap.sectors import (
    GRAVITY_FORMULA,
    SCHEMES,
    Classification,
    Scheme,
    SectorFit,
    _base_grid,
    aggregate,
    fit_sectors,
    sectors,
)
from tradegap.validation import check_option, check_pair


@dataclass(frozen=True)
class PairSectors:
    """A pair's trade by sector, against world patterns and a per-sector gravity benchmark.

    Attributes
    ----------
    a, b : str
        ISO3 codes.
    year : int
    scheme : str
    source : str
        Flow dataset id (``"sitc"``: UNCTADstat SITC sections, embedded).
    unit, scale : str
        Units of every value column (e.g. ``"USD"``, ``"thousands"``).
    table : pandas.DataFrame
        One row per sector: ``sector, name, a_to_b, b_to_a, total`` (actual flows),
        ``pair_composition`` (sector's share of the pair's two-way trade), ``world_composition``
        (sector's share of world trade), ``a_share_world_exports`` / ``b_share_world_exports``
        (each country's share of world exports of the sector), ``a_share_in_b_imports`` /
        ``b_share_in_a_imports`` (each country's share in the other's imports of the sector: compare
        with its share of world exports), ``predicted_a_to_b``, ``predicted_b_to_a`` (gravity
        fitted values), ``ratio_a_to_b``, ``ratio_b_to_a`` (actual / predicted).
    coefficients : pandas.DataFrame
        Per sector: the gravity estimates (``sector, term, estimate, std_error``) and ``nobs``.
    notes : tuple of str
        Data limits (e.g. that aerospace cannot be isolated in SITC sections), countries dropped.
    """

    a: str
    b: str
    year: int
    scheme: str
    source: str
    unit: str
    scale: str
    table: pd.DataFrame = field(repr=False)
    coefficients: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    formula: str = GRAVITY_FORMULA

    def to_frame(self) -> pd.DataFrame:
        """The per-sector table (a copy) with ``a``, ``b`` and ``year`` columns first."""
        t = self.table.copy()
        t.insert(0, "year", self.year)
        t.insert(0, "b", self.b)
        t.insert(0, "a", self.a)
        return t

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: pair, year, units, method, notes, per-sector records (NaN → None)."""

        def clean(recs):
            out = []
            for r in recs:
                out.append(
                    {
                        k: (None if isinstance(v, float) and not np.isfinite(v) else (v.item() if hasattr(v, "item") else v))
                        for k, v in r.items()
                    }
                )
            return out

        return {
            "a": self.a,
            "b": self.b,
            "year": self.year,
            "scheme": self.scheme,
            "source": self.source,
            "unit": self.unit,
            "scale": self.scale,
            "method": f"PPML cross-section per sector: {self.formula}",
            "notes": list(self.notes),
            "sectors": clean(self.table.to_dict(orient="records")),
            "coefficients": clean(self.coefficients.to_dict(orient="records")),
        }


def _embedded_sitc() -> pd.DataFrame:
    """The shipped UNCTADstat SITC sections (a copy; :func:`tradegap.data.embedded.load` memoises the file)."""
    from tradegap.data.embedded import load

    return load("flows_sitc")


def _code(c: str) -> str:
    from tradegap.countries import to_iso3

    return to_iso3(c)


def _flows_for(store, source: str, year: int | None) -> pd.DataFrame:
    if store is None:
        if source != "sitc":
            raise CoverageError(
                f"Without a store only the embedded SITC sections 2015 (source 'sitc') are available; got {source!r}.",
                hint="Pass store=Store(path) (--db) after `tradegap ingest` of product-level data (e.g. BACI HS6).",
            )
        f = _embedded_sitc()
        if year is not None and year not in set(f["year"].astype(int).unique().tolist()):
            raise CoverageError(
                f"The embedded SITC sections cover 2015 only; got year {year}.",
                hint="Use year=2015, or ingest product-level flows for other years.",
            )
        return f
    years = None if year is None else [year]
    return store.flows(source=source, years=years)


def _store_for(store, source: str):
    """The store to read ``source`` from: ``store``; None for the embedded SITC sections; else the
    default store when it holds ``source`` (after ``tradegap ingest``)."""
    if store is not None or source == "sitc":
        return store
    from tradegap.store import resolve

    default = resolve(None)
    if source in default.stored_sources("flows"):
        return default
    default.close()
    return None  # _flows_for says that a store is needed


def pair_sectors(
    a: str,
    b: str,
    *,
    year: int | None = None,
    store=None,
    source: str = "sitc",
    scheme: Scheme | None = None,
    classification: Classification | None = None,
    fit: bool = True,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    fits: tuple[tuple[Any, ...], dict[tuple[str, int], SectorFit]] | None = None,
) -> PairSectors:
    """The pair's trade by sector, each sector against world patterns and a gravity benchmark.

    Parameters
    ----------
    a, b
        Countries (ISO3 or names).
    year
        Year; default the latest in the data (2015 for the embedded SITC sections).
    store
        A :class:`tradegap.store.Store` holding product-level flows (``product`` column) under
        ``source``; default ``None``: the embedded UNCTADstat SITC sections 2015 for ``source="sitc"``,
        else the default store if an ingest put ``source`` there.
    source
        Flow dataset id: ``"sitc"`` (embedded) or an ingested product-level source (e.g. ``"baci"``
        with HS6 products).
    scheme
        Sector scheme; default ``"sitc_section"`` for SITC data and ``"hs_section"`` for HS data.
    classification : {"hs", "sitc"}
        Nomenclature of the products; default ``"sitc"`` for source ``"sitc"``, else ``"hs"``.
    fit
        Estimate the per-sector gravity benchmark (default); ``False`` gives only the descriptive
        columns (predicted and ratio columns NaN, and a note says so).
    scheduler, workers, progress
        Passed to :func:`fit_sectors`: ``None``/``"serial"``, ``"processes"``, ``"dask"`` (a local
        cluster of ``workers``) or ``"tcp://HOST:PORT"`` (a Dask scheduler); a
        :data:`tradegap.progress.Progress` callback.
    fits
        ``(key, {(sector, year): SectorFit})``: fits the caller already has (the world model stores
        them: :func:`tradegap.world.pair_sector_fits`), used when ``key`` is the one of this source,
        year and scheme; their ``fitted`` must hold at least the pair's rows.

    Returns
    -------
    PairSectors
    """
    a3, b3 = _code(a), _code(b)
    check_pair(a3, b3, "pair_sectors", given=(a, b))
    if fit and scheduler is not None:
        from tradegap.batch import check_scheduler

        check_scheduler(scheduler, "fit_sectors")  # before any cached result is returned
    classification = classification or ("sitc" if source == "sitc" else "hs")
    check_option("classification", classification, Classification, "pair_sectors")
    scheme = scheme or ("sitc_section" if classification == "sitc" else "hs_section")
    check_option("scheme", scheme, SCHEMES, "pair_sectors")
    check_option("fit", fit, (True, False), "pair_sectors")
    notes: list[str] = []
    if classification == "sitc" and scheme != "high_tech":
        notes.append(
            "Aerospace and the other advanced-technology groups cannot be isolated in SITC sections: aircraft"
            " (SITC 792) sit inside section 7 'machinery and transport equipment' with cars, computers and power"
            " machinery. Ingest product-level data such as CEPII BACI HS6 (`tradegap ingest`) and use"
            " scheme='high_tech' (aerospace = HS 88 + aircraft engines)."
        )
    store = _store_for(store, source)
    if progress is not None:
        progress(f"Reading {source} flows and aggregating sectors", 0, 0)
    raw, year = _product_rows(store, source, year)
    sf = _sector_flows(raw, scheme, classification)
    _check_present(sf, (a3, b3), source, year)
    table = _describe(sf, a3, b3, scheme)
    coefs = pd.DataFrame(columns=["sector", "term", "estimate", "std_error", "nobs"])
    if fit:
        coefs = _benchmark(table, sf, a3, b3, store=store, key=(source, year, scheme, classification),
                           scheduler=scheduler, workers=workers, progress=progress, notes=notes, given=fits)
    else:
        table["predicted_a_to_b"] = np.nan
        table["predicted_b_to_a"] = np.nan
        notes.append("Gravity benchmark not fitted (fit=False, --no-fit): predicted and ratio are empty.")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio_a_to_b"] = table["a_to_b"] / table["predicted_a_to_b"]
        table["ratio_b_to_a"] = table["b_to_a"] / table["predicted_b_to_a"]
    unit = str(raw["unit"].iloc[0]) if "unit" in raw.columns else ""
    scale = str(raw["scale"].iloc[0]) if "scale" in raw.columns else ""
    if scale in SCALES and scale != "millions":  # values in USD millions, like every other result
        for col in ("a_to_b", "b_to_a", "total", "predicted_a_to_b", "predicted_b_to_a"):
            table[col] = rescale(table[col], scale, "millions")
        scale = "millions"
    return PairSectors(a3, b3, int(year), scheme, source, unit, scale, table, coefs, tuple(notes))


def _product_rows(store, source: str, year: int | None) -> tuple[pd.DataFrame, int]:
    """The source's product-level rows of ``year`` (default: its latest year) and that year."""
    raw = _flows_for(store, source, year)
    if "product" not in raw.columns or (raw["product"].astype(str) == "").all():
        raise CoverageError(
            f"Source {source!r} has no product-level rows (empty 'product' column).",
            hint="Ingest product-level flows (e.g. BACI HS6) or use the embedded source 'sitc'.",
        )
    raw = raw[raw["product"].astype(str) != ""]
    if year is None:
        year = int(raw["year"].max())
    raw = raw[raw["year"].astype(int) == year]
    if raw.empty:
        raise CoverageError(f"Source {source!r} has no product-level flows in {year}.", hint="Pick another year.")
    return raw, int(year)


def _sector_flows(raw: pd.DataFrame, scheme: str, classification: str) -> pd.DataFrame:
    """``exporter, importer, year, sector, value`` rows of the scheme's sectors."""
    if classification == "sitc" and scheme == "sitc_section":
        sf = raw.assign(sector="sitc" + raw["product"].astype(str).str[0])
        sf = sf.groupby(["exporter", "importer", "year", "sector"], as_index=False, observed=True)["value"].sum()
        return sf.astype({"exporter": str, "importer": str, "sector": str, "year": "int64"})
    if scheme == "high_tech" and classification == "sitc" and (raw["product"].astype(str).str.len() < 3).all():
        raise CoverageError(
            "The high-tech groups need SITC groups (3 digits) or finer; this source has SITC sections only.",
            hint="Ingest product-level data such as BACI HS6 and use scheme='high_tech'.",
        )
    return aggregate(raw, scheme=scheme, classification=classification)


def _check_present(sf: pd.DataFrame, codes: tuple[str, str], source: str, year: int) -> None:
    present = set(sf["exporter"].unique()) | set(sf["importer"].unique())
    for c in codes:
        if c not in present:
            raise CoverageError(
                f"{c} has no sectoral trade in source {source!r}, {year}.",
                hint="Check the country code, or use a source that covers it.",
            )


def _benchmark(table: pd.DataFrame, sf: pd.DataFrame, a3: str, b3: str, *, store, key: tuple,
               scheduler: str | None, workers: int | None, progress: Progress | None,
               notes: list[str], given: tuple[tuple[Any, ...], dict] | None = None) -> pd.DataFrame:
    """Fit (or reuse) the per-sector gravity models; add the predicted columns to ``table`` in place.

    Returns the coefficients frame ``sector, term, estimate, std_error, nobs``; notes are appended.
    """
    pairs = store.pairs() if store is not None else _pairs_embedded()
    if given is not None and tuple(given[0]) == ("sector_fits", *key):
        fits = given[1]
    else:
        fits = CACHE.get_or_compute(
            store_fingerprint(store), ("sector_fits", *key),
            lambda: fit_sectors(sf, pairs, scheduler=scheduler, workers=workers, progress=progress),
        )
    for n in dict.fromkeys(n for f in fits.values() for n in f.notes):
        notes.append(f"Sector fits: {n}")
    _, dropped = _base_grid(set(sf["exporter"].unique()) | set(sf["importer"].unique()), pairs)
    if dropped:
        notes.append(
            f"{len(dropped)} countries without CEPII pair covariates are left out of the gravity fits: "
            + ", ".join(dropped)
            + "."
        )
    pred_ab, pred_ba, coef_rows = {}, {}, []
    for (sec, _y), ft in fits.items():
        fr = ft.fitted
        ab = fr[(fr["exporter"] == a3) & (fr["importer"] == b3)]["fitted"]
        ba = fr[(fr["exporter"] == b3) & (fr["importer"] == a3)]["fitted"]
        pred_ab[sec] = float(ab.iloc[0]) if len(ab) else np.nan
        pred_ba[sec] = float(ba.iloc[0]) if len(ba) else np.nan
        for term in ft.coef:
            coef_rows.append((sec, term, ft.coef[term], ft.se.get(term, np.nan), ft.nobs))
    table["predicted_a_to_b"] = table["sector"].map(pred_ab).astype(float)
    table["predicted_b_to_a"] = table["sector"].map(pred_ba).astype(float)
    if table["predicted_a_to_b"].isna().any() or table["predicted_b_to_a"].isna().any():
        notes.append(
            "Some sectors have no gravity prediction for the pair (separated or dropped rows, or a sector "
            "with no trade): predicted and ratio are empty there."
        )
    return pd.DataFrame(coef_rows, columns=["sector", "term", "estimate", "std_error", "nobs"])


@lru_cache(maxsize=1)
def _pairs_embedded() -> pd.DataFrame:
    from tradegap.data.embedded import load

    return load("pairs")


def _describe(sf: pd.DataFrame, a: str, b: str, scheme: str) -> pd.DataFrame:
    """Descriptive per-sector columns of :class:`PairSectors` from ``exporter, importer, sector, value``."""
    names = {s.code: s.name for s in sectors(scheme)}
    order = [s.code for s in sectors(scheme)]
    by = sf.groupby("sector")["value"]
    world = by.sum()
    exp_ = sf.groupby(["exporter", "sector"])["value"].sum()
    imp_ = sf.groupby(["importer", "sector"])["value"].sum()

    def flow(e, i):
        f = sf[(sf["exporter"] == e) & (sf["importer"] == i)].groupby("sector")["value"].sum()
        return f

    ab, ba = flow(a, b), flow(b, a)
    secs = [s for s in order if s in world.index]
    t = pd.DataFrame({"sector": secs})
    t["name"] = t["sector"].map(names)
    t["a_to_b"] = t["sector"].map(ab).fillna(0.0).astype(float)
    t["b_to_a"] = t["sector"].map(ba).fillna(0.0).astype(float)
    t["total"] = t["a_to_b"] + t["b_to_a"]
    tot = t["total"].sum()
    t["pair_composition"] = t["total"] / tot if tot > 0 else np.nan
    t["world_composition"] = t["sector"].map(world) / world.sum()

    def share(series, country):
        try:
            s = series.xs(country, level=0)
        except KeyError:
            s = pd.Series(dtype=float)
        return t["sector"].map(s).fillna(0.0) / t["sector"].map(world)

    t["a_share_world_exports"] = share(exp_, a)
    t["b_share_world_exports"] = share(exp_, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        imp_b = t["sector"].map(imp_.xs(b, level=0) if b in imp_.index.get_level_values(0) else pd.Series(dtype=float))
        imp_a = t["sector"].map(imp_.xs(a, level=0) if a in imp_.index.get_level_values(0) else pd.Series(dtype=float))
        t["a_share_in_b_imports"] = t["a_to_b"] / imp_b
        t["b_share_in_a_imports"] = t["b_to_a"] / imp_a
    return t.reset_index(drop=True)
