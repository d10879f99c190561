"""Regional trade agreements per country pair and year, and their estimated trade effect.

The package ships four tables built by ``scripts/build_rta.py`` from the WTO RTA-IS "All RTAs"
workbook (October 2025; see ``data/embedded/PROVENANCE.md``):

* ``rta_pairs`` — every unordered pair and year (1949–2025) with an agreement in force for both:
  flags ``cu``, ``fta``, ``psa`` (partial scope), ``eia`` (services), ``deepest`` (CU > FTA > PSA
  > EIA), ``n_agreements`` and the WTO ``rta_ids``;
* ``rta_agreements`` (ID, name, WTO type, dates), ``rta_members`` (agreement × state with entry
  and exit dates, blocs expanded) and ``rta_blocs`` (bloc membership by date: EU, EFTA, EAEU,
  MERCOSUR, GCC, SACU, ASEAN, CACM, from each bloc's own agreement in the workbook).

An agreement counts in a year when it is in force for both states on at least one day of it.
Two members of the same bloc are paired only by the bloc's own treaty (the EU's external
agreements list every member state, but do not put France and Germany in an FTA).

:func:`indicator` turns the table into directed pair-year regressors; :func:`estimate_effect` is
the pure estimator of the agreement effect (PPML with exporter-year, importer-year and pair
fixed effects); :func:`fta_effect` runs it on the shipped IMF DOTS panel, the default FTA
coefficient of tradegap's scenarios.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

import numpy as np
import pandas as pd

from tradegap.coverage import DATASETS
from tradegap.errors import CoverageError, InputError

#: Years the shipped table covers (from the coverage catalogue).
COVERAGE: Final[tuple[int, int]] = DATASETS["wto_rta"].usable
#: The Advanced Guide's RTA coefficient (Yotov et al. 2016, ch. 2; PPML, pair FE, 1986–2006, with
#: domestic flows; N = 28,482), offered as an alternative to the estimate on tradegap's data.
GUIDE_RTA_COEF: Final[float] = 0.557
GUIDE_RTA_SOURCE: Final[str] = (
    "Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy Analysis, ch. 2: "
    "RTA coefficient 0.557 (PPML with exporter-year, importer-year and pair fixed effects, 69 countries, "
    "1986-2006 every 4 years, domestic flows included, N = 28,482)"
)
#: Default sample of :func:`fta_effect`: CEPII BACI every three years, 2001–2019 (BACI's 2020 is
#: incomplete).  IMF DOTS 1994–2018 gives a smaller, insignificant estimate (its mirror-reconciled
#: values mix importer and exporter reports from year to year); see ``fta_effect(source="dots")``.
EFFECT_YEARS: Final[dict[str, tuple[int, ...]]] = {
    "baci": (2001, 2004, 2007, 2010, 2013, 2016, 2019),
    "dots": (1994, 1998, 2002, 2006, 2010, 2014, 2018),
}
_SOURCE_WORDS: Final[dict[str, str]] = {
    "baci": "CEPII BACI (reconciled, FOB)",
    "dots": "IMF DOTS (mirror-reconciled)",
}
INDICATOR_COLUMNS: Final[tuple[str, ...]] = (
    "exporter", "importer", "year", "rta", "fta_cu", "psa_only", "cu", "fta", "psa", "eia", "deepest",
)


def _load(name: str) -> pd.DataFrame:
    from tradegap.data import embedded

    return embedded.load(name)


@lru_cache(maxsize=1)
def _pairs() -> pd.DataFrame:
    p = _load("rta_pairs")
    p["year"] = p["year"].astype(int)
    return p


def pair_table() -> pd.DataFrame:
    """The shipped unordered pair-year table (``iso_a < iso_b``), one row per pair-year in an agreement."""
    return _pairs().copy()


def agreement_table() -> pd.DataFrame:
    """One row per agreement in force at some time: ``rta_id, name, type, coverage, status,
    entry_into_force, inactive, composition``."""
    return _load("rta_agreements")


def _years(years: Iterable[int] | int | None) -> list[int]:
    if years is None:
        return list(range(COVERAGE[0], COVERAGE[1] + 1))
    ys = [int(years)] if isinstance(years, (int, np.integer)) else sorted({int(y) for y in years})
    bad = [y for y in ys if not COVERAGE[0] <= y <= COVERAGE[1]]
    if bad:
        raise CoverageError(
            f"Year(s) {bad} are outside the agreements table ({COVERAGE[0]}–{COVERAGE[1]}, WTO RTA-IS, "
            "October 2025).",
            hint=f"Pick years within {COVERAGE[0]}–{COVERAGE[1]}.",
        )
    return ys


def indicator(years: Iterable[int] | int | None = None) -> pd.DataFrame:
    """Directed pair-year agreement regressors (both directions of every pair in an agreement).

    Parameters
    ----------
    years : int or iterable of int, optional
        Years within :data:`COVERAGE` (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INDICATOR_COLUMNS`: ``rta`` (any agreement in force on at least one day,
        incl. partial scope and services-only), ``fta_cu`` (the share of the year, 0–1, on which a
        free-trade agreement or customs union was in force: 1 for a full year, 0.18 for the EAEU–Iran
        interim FTA in 2019, in force from 27 October), ``psa_only`` (only a partial-scope agreement),
        the WTO type flags (0/1, any day of the year) and ``deepest``.
        Pairs absent from the frame have no agreement that year (0 on every flag).
    """
    ys = _years(years)
    p = _pairs()
    p = p[p["year"].isin(ys)]
    both = pd.concat(
        [p.rename(columns={"iso_a": "exporter", "iso_b": "importer"}),
         p.rename(columns={"iso_a": "importer", "iso_b": "exporter"})],
        ignore_index=True,
    )
    both["rta"] = 1
    both["fta_cu"] = both["fta_cu_share"].astype(float)
    both["psa_only"] = ((both["psa"] == 1) & (both["fta"] == 0) & (both["cu"] == 0)).astype("int8")
    both["exporter"] = both["exporter"].astype(str)
    both["importer"] = both["importer"].astype(str)
    both["deepest"] = both["deepest"].astype(str)
    return both[list(INDICATOR_COLUMNS)].reset_index(drop=True)


def attach(panel: pd.DataFrame, *, exporter: str = "exporter", importer: str = "importer",
           year: str = "year") -> pd.DataFrame:
    """``panel`` with ``rta``, ``fta_cu`` (share of the year in force), ``psa_only`` and ``cu_any`` (a customs
    union in force on some day of the year) columns (0 where no agreement)."""
    ys = [y for y in pd.unique(panel[year]) if COVERAGE[0] <= int(y) <= COVERAGE[1]]
    ind = indicator(ys)[["exporter", "importer", "year", "rta", "fta_cu", "psa_only", "cu"]]
    ind = ind.rename(columns={"exporter": exporter, "importer": importer, "year": year, "cu": "cu_any"})
    out = panel.merge(ind, on=[exporter, importer, year], how="left")
    for c in ("rta", "fta_cu", "psa_only", "cu_any"):
        out[c] = out[c].fillna(0).astype(float)
    return out


@dataclass(frozen=True)
class InForce:
    """The agreements in force between two states in a year."""

    a: str
    b: str
    year: int
    agreements: tuple[dict[str, Any], ...]

    @property
    def any(self) -> bool:
        """True when at least one agreement is in force."""
        return bool(self.agreements)

    @property
    def deepest(self) -> str | None:
        """``"CU"``, ``"FTA"``, ``"PSA"``, ``"EIA"`` or None."""
        order = ("CU", "FTA", "PSA", "EIA")
        kinds = [k for k in order if any(k in str(g["type"]) for g in self.agreements)]
        return kinds[0] if kinds else None

    @property
    def fta_or_cu(self) -> bool:
        """True when a free-trade agreement or customs union covering goods is in force."""
        return self.deepest in ("CU", "FTA")

    def describe(self) -> str:
        """One line: which agreements, of what type, since when."""
        if not self.agreements:
            return f"{self.a} and {self.b} have no regional trade agreement in force in {self.year} (WTO RTA-IS)."
        items = "; ".join(f"{g['name']} ({g['type']}, in force since {g['since']})" for g in self.agreements)
        return f"{self.a} and {self.b} are in {len(self.agreements)} agreement(s) in {self.year}: {items}."

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "year": self.year, "deepest": self.deepest,
                "agreements": [dict(g) for g in self.agreements]}


def in_force(a: str, b: str, year: int) -> InForce:
    """The agreements in force between ISO3 codes ``a`` and ``b`` in ``year`` (names, types, start year)."""
    (y,) = _years(int(year))
    lo, hi = sorted((str(a), str(b)))
    p = _pairs()
    row = p[(p["iso_a"] == lo) & (p["iso_b"] == hi) & (p["year"] == y)]
    if row.empty:
        return InForce(a, b, y, ())
    ids = [int(i) for i in str(row["rta_ids"].iloc[0]).split(";")]
    ag = agreement_table().set_index("rta_id")
    spans = p[(p["iso_a"] == lo) & (p["iso_b"] == hi)]
    out = []
    for i in ids:
        with_i = spans[spans["rta_ids"].astype(str).str.split(";").apply(lambda s, i=i: str(i) in s)]
        since = int(with_i["year"].min())
        out.append({"rta_id": i, "name": str(ag.at[i, "name"]), "type": str(ag.at[i, "type"]), "since": since})
    return InForce(a, b, y, tuple(out))


def bloc_members(bloc: str, year: int) -> list[str]:
    """Member states (ISO3) of a bloc (``EU``, ``EFTA``, ``EAEU``, ``MERCOSUR``, ``GCC``, ``SACU``,
    ``ASEAN``, ``CACM``) in ``year``, from the bloc's own agreement in the WTO workbook."""
    b = _load("rta_blocs")
    known = sorted(b["bloc"].unique())
    if bloc.upper() not in known:
        raise InputError(f"The 'bloc' parameter of bloc_members must be one of {known}. Got {bloc!r} instead.",
                         hint="Use e.g. 'EU' or 'EAEU'.")
    b = b[b["bloc"] == bloc.upper()]
    start = pd.Timestamp(year=int(year), month=12, day=31)
    end = pd.Timestamp(year=int(year), month=1, day=2)  # exit on 1 January leaves the year out
    ok = (b["entry"] <= start) & (b["exit"].isna() | (b["exit"] >= end))
    return sorted(set(b.loc[ok, "iso3"]))


# ----------------------------------------------------------------------------------------------
# the agreement effect
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementEffect:
    """An estimated agreement coefficient with its sample.

    ``coef`` is on ln trade (PPML): an agreement multiplies trade by ``exp(coef)``.
    ``switchers`` counts pairs whose agreement status changes within the sample: with pair fixed
    effects only they identify the coefficient.  With ``fta_cu`` measured as the share of the year in
    force, ``coef`` is the effect of a full year under the agreement.
    """

    variable: str
    coef: float
    se: float
    nobs: int
    n_pairs: int
    switchers: int
    years: tuple[int, ...]
    formula: str
    sample: str
    controls: dict[str, tuple[float, float]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def percent(self) -> float:
        """The effect on trade in percent, ``100 (exp(coef) - 1)``."""
        return 100.0 * (float(np.exp(self.coef)) - 1.0)

    def describe(self) -> str:
        """One line with the coefficient, its standard error and sample."""
        return (f"{self.variable} = {self.coef:.3f} (s.e. {self.se:.3f}; trade x{np.exp(self.coef):.2f}), "
                f"{self.sample}; N = {self.nobs:,}, {self.n_pairs:,} pairs of which {self.switchers:,} change status")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AgreementEffect:
        """Rebuild from :meth:`to_dict` (e.g. a stored world model)."""
        return cls(variable=d["variable"], coef=float(d["coef"]), se=float(d["se"]), nobs=int(d["nobs"]),
                   n_pairs=int(d["n_pairs"]), switchers=int(d["switchers"]), years=tuple(int(y) for y in d["years"]),
                   formula=d["formula"], sample=d["sample"],
                   controls={k: (float(v["coef"]), float(v["se"])) for k, v in d.get("controls", {}).items()},
                   warnings=tuple(d.get("warnings", ())))

    def to_dict(self) -> dict[str, Any]:
        return {"variable": self.variable, "coef": self.coef, "se": self.se, "nobs": self.nobs,
                "n_pairs": self.n_pairs, "switchers": self.switchers, "years": list(self.years),
                "formula": self.formula, "sample": self.sample,
                "controls": {k: {"coef": v[0], "se": v[1]} for k, v in self.controls.items()},
                "warnings": list(self.warnings)}


def estimate_effect(
    panel: pd.DataFrame,
    *,
    variable: str = "fta_cu",
    controls: Sequence[str] = ("psa_only",),
    trade: str = "trade",
    sample: str = "",
) -> AgreementEffect:
    """PPML of trade on an agreement dummy with exporter-year, importer-year and pair fixed effects.

    Parameters
    ----------
    panel : DataFrame
        Long panel: ``exporter, importer, year``, the ``trade`` column (non-negative, zeros
        included), ``variable`` and ``controls`` (0/1 per pair-year).
    variable : str
        The agreement term whose coefficient is returned.
    controls : sequence of str
        Other time-varying pair terms estimated alongside (e.g. partial-scope agreements).
    trade : str
        The trade column.
    sample : str
        Words describing the sample, kept in the result.

    Returns
    -------
    AgreementEffect
        Coefficient with the pair-clustered standard error.  Warnings of the PPML engine
        (dropped observations, separation) are recorded in ``warnings``, not hidden.
    """
    from tradegap.estimate import fepois

    need = ["exporter", "importer", "year", trade, variable, *controls]
    miss = [c for c in need if c not in panel.columns]
    if miss:
        raise InputError(f"The panel lacks column(s) {miss}; it has {list(panel.columns)}.",
                         hint="Add the agreement columns with tradegap.agreements.attach(panel).")
    df = panel[need].rename(columns={trade: "trade"})
    pairs = df.groupby(["exporter", "importer"])[variable]
    switchers = int((pairs.nunique() > 1).sum())
    if switchers == 0:
        raise CoverageError(
            f"No pair changes '{variable}' within the sample years, so its effect is not identified with pair "
            "fixed effects.",
            hint="Use a longer panel (more years) or the Guide's coefficient.",
        )
    rhs = " + ".join([variable, *controls])
    formula = f"trade ~ {rhs} | exporter^year + importer^year + exporter^importer"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fepois(formula, df, vcov="cluster:pair")
    notes = tuple(dict.fromkeys(str(w.message).splitlines()[0] for w in caught))
    ctrl = {c: (float(fit.coef[c]), float(fit.se[c])) for c in controls if c in fit.coef.index}
    return AgreementEffect(
        variable=variable, coef=float(fit.coef[variable]), se=float(fit.se[variable]), nobs=int(fit.nobs),
        n_pairs=int(df.groupby(["exporter", "importer"]).ngroups), switchers=switchers,
        years=tuple(sorted(int(y) for y in df["year"].unique())), formula=formula, sample=sample,
        controls=ctrl, warnings=notes,
    )


def flows_panel(source: str = "baci", years: Sequence[int] | None = None) -> pd.DataFrame:
    """Rectangular international panel of the shipped flows (USD millions, zeros filled) over the
    countries with positive trade in every one of ``years``, with agreement columns.

    Parameters
    ----------
    source : {"baci", "dots"}
    years : sequence of int, optional
        Default :data:`EFFECT_YEARS` of the source.
    """
    if source not in EFFECT_YEARS:
        raise InputError(f"The 'source' parameter of flows_panel must be one of {sorted(EFFECT_YEARS)}. "
                         f"Got {source!r} instead.", hint="Use 'baci' or 'dots'.")
    years = tuple(years) if years is not None else EFFECT_YEARS[source]
    f = _load(f"flows_{source}")
    f = f[f["year"].isin(list(years)) & (f["exporter"] != f["importer"])].copy()
    if str(f["scale"].iloc[0]) == "thousands":
        f["value"] = f["value"] / 1000.0
    pos = f[f["value"] > 0]
    every = None
    for y in years:
        s = set(pos.loc[pos["year"] == y, "exporter"]) & set(pos.loc[pos["year"] == y, "importer"])
        every = s if every is None else every & s
    cs = sorted(every or ())
    if not cs:
        raise CoverageError(f"No country trades in every year of {list(years)} in the DOTS data.",
                            hint="Pick years the source covers (BACI 2000-2019, DOTS 1990-2020).")
    idx = pd.MultiIndex.from_product([cs, cs, list(years)], names=["exporter", "importer", "year"])
    v = f.groupby(["exporter", "importer", "year"])["value"].sum()
    p = v.reindex(idx, fill_value=0.0).rename("trade").reset_index()
    p = p[p["exporter"] != p["importer"]].reset_index(drop=True)
    return attach(p)


def fta_effect(source: str = "baci", years: tuple[int, ...] | None = None) -> AgreementEffect:
    """The FTA/customs-union effect estimated on the shipped flows (tradegap's default coefficient).

    PPML of trade on ``fta_cu`` (an FTA or customs union in force, WTO RTA-IS) and ``psa_only``
    with exporter-year, importer-year and pair fixed effects, pair-clustered standard errors.
    International flows only (BACI and DOTS have no domestic trade), so the coefficient measures
    trade between members relative to their trade with non-members, not relative to domestic
    sales as in the Advanced Guide (0.557): it omits the part of an agreement's effect that comes
    at the expense of domestic sales and is smaller.
    """
    from tradegap.cache import CACHE, store_fingerprint

    years = tuple(years) if years is not None else EFFECT_YEARS.get(source, ())
    return CACHE.get_or_compute(store_fingerprint(None), ("fta_effect", source, years),
                                lambda: _fta_effect(source, years))


def remember(effect: AgreementEffect, *, kind: str = "fta", source: str = "baci") -> None:
    """Put a stored estimate (e.g. from the world model) in the result cache, so :func:`fta_effect`
    (``kind="fta"``) or :func:`deepening_effect` (``kind="deepening"``) returns it without refitting."""
    from tradegap.cache import CACHE, store_fingerprint

    key = ("fta_effect", source, EFFECT_YEARS[source]) if kind == "fta" else ("deepening_effect", source)
    CACHE.put(store_fingerprint(None), key, effect)


def _fta_effect(source: str, years: tuple[int, ...]) -> AgreementEffect:
    p = flows_panel(source, years)
    sample = (f"{_SOURCE_WORDS[source]} {years[0]}-{years[-1]} every {years[1] - years[0]} years, "
              f"{p['exporter'].nunique()} countries trading in every sample year, international flows, "
              "agreements from WTO RTA-IS (FTA or customs union; partial-scope agreements as a separate term)")
    return estimate_effect(p, sample=sample)


def deepening_effect(source: str = "baci") -> AgreementEffect:
    """The customs-union premium: the effect of a customs union over and above an FTA.

    PPML as :func:`fta_effect` with ``cu_any`` (a customs union in force) beside ``fta_cu`` and
    ``psa_only``; identified by pairs that enter a customs union (e.g. EU enlargements, the EAEU)
    within the sample.  Used by ``scenario fta --deepen`` for a pair already in an FTA.
    """
    from tradegap.cache import CACHE, store_fingerprint

    return CACHE.get_or_compute(store_fingerprint(None), ("deepening_effect", source),
                                lambda: _deepening_effect(source))


def _deepening_effect(source: str) -> AgreementEffect:
    years = EFFECT_YEARS[source]
    p = flows_panel(source, years)
    sample = (f"{_SOURCE_WORDS[source]} {years[0]}-{years[-1]} every {years[1] - years[0]} years, customs union "
              "(WTO RTA-IS) beside FTA/CU and partial-scope terms")
    return estimate_effect(p, variable="cu_any", controls=("fta_cu", "psa_only"), sample=sample)


__all__ = [
    "AgreementEffect", "COVERAGE", "GUIDE_RTA_COEF", "GUIDE_RTA_SOURCE", "InForce", "agreement_table", "attach",
    "bloc_members", "deepening_effect", "flows_panel", "remember", "estimate_effect", "fta_effect", "in_force", "indicator", "pair_table",
]
