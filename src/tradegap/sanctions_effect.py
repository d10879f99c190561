"""The trade effect of sanctions, identified on a long panel (IMF DOTS 1960–2020, GSDB 1949–2022).

Why a long panel
    With pair fixed effects a sanction's coefficient is identified only by pairs whose sanction
    status changes within the sample.  On 2013–2019 alone the long-standing sanctions (the US on
    Iran since 1979/1995, the US on Cuba since 1960) never change and are absorbed by the pair
    effect; the few changes left are mostly partial EU/US measures on Russia, so the coefficient is
    small.  Over 1960–2020 the onsets and ends of hundreds of GSDB cases identify it.

Data
    ``sanctions_cases_full`` (all 1,325 GSDB v3 cases, 1949–2022) and ``dots_1960_1989`` +
    ``flows_dots`` (IMF DOTS, mirror-reconciled), all shipped (see ``PROVENANCE.md``).  Senders and
    targets are expanded to states year by year with :func:`tradegap.sanctions.members` plus the
    Cold-War blocs of the full case list (:data:`HISTORY_BLOCS`).  Present-day codes are read as the
    entity that traded in the year (RUS before 1992 → SUN, SRB → YUG to 1991 and SCG 1992–2005,
    CZE/SVK before 1993 → CSK), because DOTS keeps those entities apart.

Direction and completeness
    For a flow exporter → importer, ``complete_flow`` = a complete ban restricts *this* flow (the
    exporter's export ban on the importer, or the importer's import ban on the exporter);
    ``partial_flow`` = only partial measures restrict this flow; ``other_direction`` = a trade
    sanction between the two restricts only the opposite flow.  ``sanction_trade`` (any trade
    sanction between the two, either direction) is the pooled term.

Estimator
    PPML with exporter-year, importer-year and pair fixed effects, pair-clustered standard errors
    (:func:`tradegap.estimate.fepois`), international flows only (DOTS has no domestic trade): the
    coefficient measures the sanctioned pair's trade relative to its trade with others.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from tradegap.coverage import DATASETS
from tradegap.errors import CoverageError, InputError

#: Cold-War and other blocs named in the full GSDB case list: token → {iso3: (first, last year)}.
HISTORY_BLOCS: Final[dict[str, dict[str, tuple[int, int]]]] = {
    # Coordinating Committee for Multilateral Export Controls (1950–1994) and its China committee
    "@COCOM": {**dict.fromkeys("USA GBR FRA ITA NLD BEL LUX NOR DNK CAN DEU PRT".split(), (1950, 1994)),
               "JPN": (1952, 1994), "GRC": (1953, 1994), "TUR": (1953, 1994), "ESP": (1985, 1994),
               "AUS": (1989, 1994)},
    "@NATO": {**dict.fromkeys("USA GBR FRA ITA NLD BEL LUX NOR DNK CAN ISL PRT".split(), (1949, 9999)),
              "GRC": (1952, 9999), "TUR": (1952, 9999), "DEU": (1955, 9999), "ESP": (1982, 9999),
              **dict.fromkeys("CZE HUN POL".split(), (1999, 9999)),
              **dict.fromkeys("BGR EST LVA LTU ROU SVK SVN".split(), (2004, 9999)),
              **dict.fromkeys("ALB HRV".split(), (2009, 9999)), "MNE": (2017, 9999), "MKD": (2020, 9999)},
    "@COMECON": {**dict.fromkeys("SUN POL CSK HUN ROU BGR".split(), (1949, 1991)), "ALB": (1949, 1961),
                 "DDR": (1950, 1990), "MNG": (1962, 1991), "CUB": (1972, 1991), "VNM": (1978, 1991)},
    "@OAPEC": {**dict.fromkeys("SAU KWT LBY".split(), (1968, 9999)),
               **dict.fromkeys("DZA BHR QAT ARE".split(), (1970, 9999)),
               **dict.fromkeys("IRQ SYR EGY".split(), (1972, 9999)), "TUN": (1982, 1986)},
    "@G8": {**dict.fromkeys("CAN DEU FRA GBR ITA JPN USA".split(), (1975, 9999)), "RUS": (1997, 2013)},
    "@NAFTA": dict.fromkeys("CAN MEX USA".split(), (1994, 9999)),
    "@OECS": dict.fromkeys("ATG DMA GRD KNA LCA VCT".split(), (1981, 9999)),
    "@EAEU": {**dict.fromkeys("BLR KAZ RUS ARM".split(), (2015, 9999)), "KGZ": (2015, 9999)},
    # the targets of the 1973–74 Arab oil embargo ("Western countries" in GSDB case 175)
    "@WESTERN": dict.fromkeys("USA NLD PRT ZAF".split(), (1973, 1974)),
}
#: Present-day code → ((last year, entity code), ...): the entity DOTS records in earlier years.
SUCCESSION: Final[dict[str, tuple[tuple[int, str], ...]]] = {
    "RUS": ((1991, "SUN"),),
    "SRB": ((1991, "YUG"), (2005, "SCG")),
    "CZE": ((1992, "CSK"),),
    "SVK": ((1992, "CSK"),),
}
#: Sample of :func:`long_panel_effect`: every fourth year 1960–2020.
HISTORY_YEARS: Final[tuple[int, ...]] = tuple(range(DATASETS["dots_history"].first, DATASETS["dots"].last + 1, 4))
TERMS: Final[dict[str, tuple[str, ...]]] = {
    "pooled": ("sanction_trade",),
    "direction": ("complete_flow", "partial_flow", "other_direction"),
}
Spec = Literal["pooled", "direction"]


def _load(name: str) -> pd.DataFrame:
    from tradegap.data import embedded

    return embedded.load(name)


def _members(token: str, year: int) -> list[str]:
    from tradegap.sanctions import members

    if token in HISTORY_BLOCS:
        return sorted(c for c, (a, b) in HISTORY_BLOCS[token].items() if a <= year <= b)
    return members(token, year)


def _entity(code: str, year: int) -> str:
    for last, old in SUCCESSION.get(code, ()):
        if year <= last:
            return old
    return code


def case_table() -> pd.DataFrame:
    """All 1,325 GSDB v3 cases (1949–2022), columns as :func:`tradegap.sanctions.case_table`.

    Bloc names of the full list that the 2013–2022 subset lacks are mapped here: EEC → ``@EU``,
    Organisation of African Unity → ``@AU``, Organization of American States → ``@OAS``, and the
    :data:`HISTORY_BLOCS` tokens; names still unmapped are left in ``unmapped_*``.
    """
    c = _load("sanctions_cases_full")
    names = {"EEC": "@EU", "Organisation of African Unity": "@AU", "Organization of American States": "@OAS",
             "CoCom": "@COCOM", "ChinCom": "@COCOM", "NATO": "@NATO", "Comecon": "@COMECON", "OAPEC": "@OAPEC",
             "G8": "@G8", "NAFTA": "@NAFTA", "Organization of Eastern Carribean States": "@OECS", "EEU": "@EAEU",
             "Western countries": "@WESTERN", "FRY": "SCG", "Rhodesia": "ZWE", "Ethiopia (excludes Eritrea)": "ETH"}
    pairs = {"Egypt, Arab Rep.": "EGY", "Korea, North": "PRK", "Korea, South": "KOR",
             "Congo, Democratic Republic of the": "COD"}

    def fix(codes: str, bad: str, raw: str) -> tuple[str, str]:
        out = [x for x in str(codes).split(",") if x]
        left = [b.strip() for b in str(bad).split(";") if b.strip()]
        for full, iso in pairs.items():  # names with a comma the builder split in two
            if full in str(raw):
                out.append(iso)
                left = [b for b in left if b not in [p.strip() for p in full.split(",")]]
        for b in list(left):
            if b in names:
                out.append(names[b])
                left.remove(b)
        return ",".join(dict.fromkeys(out)), "; ".join(left)

    s = [fix(a, b, r) for a, b, r in zip(c["sender_codes"], c["unmapped_senders"], c["sanctioning_state"])]
    t = [fix(a, b, r) for a, b, r in zip(c["target_codes"], c["unmapped_targets"], c["sanctioned_state"])]
    c["sender_codes"], c["unmapped_senders"] = [x for x, _ in s], [y for _, y in s]
    c["target_codes"], c["unmapped_targets"] = [x for x, _ in t], [y for _, y in t]
    return c


@lru_cache(maxsize=2)
def _indicator(include_un: bool) -> pd.DataFrame:
    c = case_table()
    c = c[c["trade"] == 1]
    rows: dict[str, list] = {k: [] for k in ("case_id", "year", "exporter", "importer", "flow", "complete")}
    for r in c.itertuples(index=False):
        d = str(r.descr_trade)
        exp, imp = "exp_" in d, "imp_" in d
        exp_c, imp_c = "exp_compl" in d, "imp_compl" in d
        if not (exp or imp):  # trade sanction without a stated direction: both, partial
            exp = imp = True
        for year in range(int(r.begin), min(int(r.end), DATASETS["gsdb_full"].last) + 1):
            toks_t = [x for x in r.target_codes.split(",") if x and (include_un or x != "@UN")]
            toks_s = [x for x in r.sender_codes.split(",") if x and (include_un or x != "@UN")]
            targets = {_entity(m, year) for t in toks_t for m in _members(t, year)}
            senders = {_entity(m, year) for t in toks_s for m in _members(t, year)} - targets
            for t in targets:
                for s in senders:
                    # sender → target flow restricted by export measures, target → sender by import measures
                    rows["case_id"] += [r.case_id, r.case_id]
                    rows["year"] += [year, year]
                    rows["exporter"] += [s, t]
                    rows["importer"] += [t, s]
                    rows["flow"] += [int(exp), int(imp)]
                    rows["complete"] += [int(exp and exp_c), int(imp and imp_c)]
    p = pd.DataFrame(rows)
    g = p.groupby(["exporter", "importer", "year"], sort=True)
    out = g[["flow", "complete"]].max()
    out["n_cases"] = g["case_id"].nunique()
    out = out.reset_index()
    out["complete_flow"] = out["complete"]
    out["partial_flow"] = ((out["flow"] == 1) & (out["complete"] == 0)).astype(int)
    out["other_direction"] = (out["flow"] == 0).astype(int)
    out["sanction_trade"] = 1
    cols = ["exporter", "importer", "year", "sanction_trade", "complete_flow", "partial_flow", "other_direction",
            "n_cases"]
    # a pair with any trade sanction in one direction is sanctioned in the other too (sanction_trade is
    # symmetric): add the reverse rows where missing, as other_direction
    rev = out[["importer", "exporter", "year"]].rename(columns={"importer": "exporter", "exporter": "importer"})
    rev = rev.merge(out[["exporter", "importer", "year"]], how="left", indicator=True)
    rev = rev[rev["_merge"] == "left_only"].drop(columns="_merge")
    rev = rev.assign(sanction_trade=1, complete_flow=0, partial_flow=0, other_direction=1, n_cases=0)
    out = pd.concat([out[cols], rev[cols]], ignore_index=True)
    for k in cols[3:]:
        out[k] = out[k].astype("int16" if k == "n_cases" else "int8")
    out["year"] = out["year"].astype(int)
    return out.sort_values(["exporter", "importer", "year"]).reset_index(drop=True)


def indicator(years: Sequence[int] | None = None, *, include_un: bool = True) -> pd.DataFrame:
    """Directed pair-year trade-sanction terms from every GSDB case, 1949–2022.

    Returns
    -------
    pandas.DataFrame
        ``exporter, importer, year, sanction_trade, complete_flow, partial_flow, other_direction,
        n_cases``; only rows with a trade sanction (others are 0).  Codes are the entities of the
        year (SUN, YUG, CSK before the splits).
    """
    out = _indicator(bool(include_un))
    if years is not None:
        out = out[out["year"].isin([int(y) for y in years])]
    return out.copy()


def history_panel(years: Sequence[int] = HISTORY_YEARS) -> pd.DataFrame:
    """Rectangular international DOTS panel (USD millions) with the sanction terms attached.

    Each year's rows are all ordered pairs of the economies with positive trade that year (zeros
    filled); 1960–1989 from ``dots_1960_1989``, 1990–2020 from ``flows_dots``.
    """
    ys = sorted({int(y) for y in years})
    lo, hi = DATASETS["dots_history"].first, DATASETS["dots"].last
    bad = [y for y in ys if not lo <= y <= hi]
    if bad:
        raise CoverageError(f"Year(s) {bad} are outside the DOTS history ({lo}-{hi}).",
                            hint=f"Pick years within {lo}-{hi}.")
    early, late = _load("dots_1960_1989"), _load("flows_dots")
    f = pd.concat([early[early["year"].isin(ys)], late[late["year"].isin(ys)]], ignore_index=True)
    f = f[f["exporter"] != f["importer"]]
    f = f.groupby(["exporter", "importer", "year"], as_index=False)["value"].sum()
    parts = []
    for y in ys:
        fy = f[(f["year"] == y) & (f["value"] > 0)]
        cs = sorted(set(fy["exporter"]) | set(fy["importer"]))
        idx = pd.MultiIndex.from_product([cs, cs], names=["exporter", "importer"])
        p = fy.set_index(["exporter", "importer"])["value"].reindex(idx, fill_value=0.0).reset_index()
        p = p[p["exporter"] != p["importer"]]
        p["year"] = y
        parts.append(p)
    panel = pd.concat(parts, ignore_index=True).rename(columns={"value": "trade"})
    ind = indicator(ys)
    panel = panel.merge(ind, on=["exporter", "importer", "year"], how="left")
    for k in ("sanction_trade", "complete_flow", "partial_flow", "other_direction"):
        panel[k] = panel[k].fillna(0).astype(float)
    return panel.drop(columns="n_cases")


@dataclass(frozen=True)
class SanctionEffect:
    """Estimated trade-sanction coefficients with their identifying variation.

    ``terms``: one row per term — ``coef`` (ln trade; a sanction multiplies trade by
    ``exp(coef)``), ``se`` (pair-clustered), ``pct`` = 100 (exp(coef) − 1), ``pair_years``
    (sanctioned pair-years in the estimation sample), ``switchers`` (pairs whose status changes in
    the sample: the identifying variation), ``onsets`` and ``ends`` (changes 0 → 1 and 1 → 0
    between consecutive sample years).
    """

    spec: str
    terms: pd.DataFrame
    nobs: int
    n_pairs: int
    years: tuple[int, ...]
    formula: str
    sample: str
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def coef(self, term: str) -> float:
        """Coefficient of one term."""
        return float(self.terms.set_index("term").at[term, "coef"])

    def se(self, term: str) -> float:
        """Pair-clustered standard error of one term."""
        return float(self.terms.set_index("term").at[term, "se"])

    def describe(self) -> str:
        """Lines: each term with s.e., trade effect and variation; then the sample."""
        lines = [
            f"{r.term} = {r.coef:.3f} (s.e. {r.se:.3f}; trade {r.pct:+.0f}%), {r.pair_years:,} sanctioned pair-years, "
            f"{r.switchers:,} pairs switching ({r.onsets:,} onsets, {r.ends:,} ends)"
            for r in self.terms.itertuples(index=False)
        ]
        return "\n".join([*lines, f"{self.sample}; N = {self.nobs:,}, {self.n_pairs:,} pairs."])

    def to_frame(self) -> pd.DataFrame:
        return self.terms.copy()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SanctionEffect:
        """Rebuild from :meth:`to_dict` (e.g. a stored world model)."""
        return cls(spec=d["spec"], terms=pd.DataFrame(d["terms"]), nobs=int(d["nobs"]), n_pairs=int(d["n_pairs"]),
                   years=tuple(int(y) for y in d["years"]), formula=d["formula"], sample=d["sample"],
                   warnings=tuple(d.get("warnings", ())), notes=tuple(d.get("notes", ())))

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec, "terms": self.terms.to_dict(orient="records"), "nobs": self.nobs,
                "n_pairs": self.n_pairs, "years": list(self.years), "formula": self.formula,
                "sample": self.sample, "warnings": list(self.warnings), "notes": list(self.notes)}


def _variation(df: pd.DataFrame, term: str) -> dict[str, int]:
    s = df[["exporter", "importer", "year", term]].sort_values(["exporter", "importer", "year"])
    d = s.groupby(["exporter", "importer"])[term].diff()
    switch = s.groupby(["exporter", "importer"])[term].nunique() > 1
    return {"pair_years": int((s[term] > 0).sum()), "switchers": int(switch.sum()),
            "onsets": int((d > 0).sum()), "ends": int((d < 0).sum())}


def estimate(panel: pd.DataFrame, *, spec: Spec = "pooled", sample: str = "") -> SanctionEffect:
    """PPML of trade on sanction terms with exporter-year, importer-year and pair fixed effects.

    Parameters
    ----------
    panel : DataFrame
        ``exporter, importer, year, trade`` (non-negative, zeros included) and the columns of the
        spec's terms (:data:`TERMS`), e.g. from :func:`history_panel`.
    spec : {"pooled", "direction"}
        ``pooled``: one ``sanction_trade`` term; ``direction``: ``complete_flow``,
        ``partial_flow`` and ``other_direction``.
    sample : str
        Words describing the sample, kept in the result.

    Returns
    -------
    SanctionEffect
        Warnings of the PPML engine (dropped observations, separation) are kept in ``warnings``.
    """
    from tradegap.estimate import fepois

    if spec not in TERMS:
        raise InputError(f"The 'spec' parameter of estimate must be one of {list(TERMS)}. Got {spec!r} instead.",
                         hint="Use 'pooled' or 'direction'.")
    terms = TERMS[spec]
    need = ["exporter", "importer", "year", "trade", *terms]
    miss = [c for c in need if c not in panel.columns]
    if miss:
        raise InputError(f"The panel lacks column(s) {miss}.", hint="Build it with sanctions_effect.history_panel().")
    df = panel[need]
    formula = f"trade ~ {' + '.join(terms)} | exporter^year + importer^year + exporter^importer"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fepois(formula, df, vcov="cluster:pair")
    used = df[np.asarray(fit.sample, dtype=bool)] if hasattr(fit, "sample") else df
    rows = []
    for t in terms:
        b, se = float(fit.coef[t]), float(fit.se[t])
        rows.append({"term": t, "coef": b, "se": se, "pct": 100 * (np.exp(b) - 1), **_variation(used, t)})
    return SanctionEffect(
        spec=spec, terms=pd.DataFrame(rows), nobs=int(fit.nobs),
        n_pairs=int(used.groupby(["exporter", "importer"]).ngroups),
        years=tuple(sorted(int(y) for y in df["year"].unique())), formula=formula, sample=sample,
        warnings=tuple(dict.fromkeys(str(w.message).splitlines()[0] for w in caught)),
    )


def long_panel_effect(spec: Spec = "pooled", years: tuple[int, ...] = HISTORY_YEARS) -> SanctionEffect:
    """The trade-sanction effect on the shipped DOTS history (every 4th year 1960–2020) and all GSDB cases.

    Cached in :data:`tradegap.cache.CACHE` under the embedded data's fingerprint.
    """
    from tradegap.cache import CACHE, store_fingerprint

    return CACHE.get_or_compute(store_fingerprint(None), ("sanction_effect", spec, tuple(years)),
                                lambda: _long_panel_effect(spec, tuple(years)))


def remember(effect: SanctionEffect) -> None:
    """Put a stored estimate (e.g. from the world model) in the result cache, so :func:`long_panel_effect`
    returns it without refitting."""
    from tradegap.cache import CACHE, store_fingerprint

    CACHE.put(store_fingerprint(None), ("sanction_effect", effect.spec, tuple(effect.years)), effect)


def _long_panel_effect(spec: Spec, years: tuple[int, ...]) -> SanctionEffect:
    p = history_panel(years)
    g = DATASETS["gsdb_full"]
    n = len(case_table())
    sample = (f"IMF DOTS {years[0]}-{years[-1]} every {years[1] - years[0]} years (mirror-reconciled, "
              f"international flows, all economies trading in each year), GSDB v3 trade sanctions of all "
              f"{n:,} cases {g.first}-{g.last} (UN sanctions expanded to all members)")
    return estimate(p, spec=spec, sample=sample)


__all__ = ["HISTORY_BLOCS", "HISTORY_YEARS", "SanctionEffect", "case_table", "estimate", "history_panel",
           "indicator", "long_panel_effect", "remember"]
