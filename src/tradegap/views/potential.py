"""Pair-level potentials on tradegap's data: structural, size-based, the gap explained, untapped partners.

These functions assemble estimation panels from a :class:`tradegap.store.Store` (flows, CEPII pair
covariates incl. ``shared_sea``, WDI GDP) and :func:`tradegap.sanctions.indicator`, run the pure
cores (:func:`tradegap.potential.core.two_stage` and a size-based PPML) and wrap the answers in
result objects.  Stage-1/2 models are cached in memory per (source, sample years, store).

Sample years
    A structural potential needs a panel.  For requested years ``R`` the model is estimated on a few
    anchor years ending at ``max(R)``, three years apart (at least three, at most four anchors, all
    countries), e.g. 2013, 2016, 2019 for 2019.  Potentials for requested years that are not anchors
    use the estimated pair effects and normal trade costs, with that year's exporter and importer
    terms solved from its own data (Poisson adding-up given the pair effects).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from tradegap import defaults
from tradegap.cache import CACHE, MISSING, store_fingerprint
from tradegap.coverage import DATASETS, parse_years
from tradegap.data.schema import SCALES
from tradegap.errors import CoverageError, InputError
from tradegap.fitnotes import collect_warnings
from tradegap.potential._fe import poisson_fe
from tradegap.potential.core import TwoStageResult, _add_potential, _fepois, two_stage
from tradegap.potential.results import GapDecomposition, Potential, UntappedRanking
from tradegap.validation import check_number, check_option, check_pair

Source = Literal["baci", "dots"]
StructuralMode = Literal["panel", "cross_section"]

#: Years usable for potentials per source (BACI 2020 is incomplete: e.g. IRN–RUS is missing).
COVERAGE: dict[str, tuple[int, int]] = {k: DATASETS[k].usable for k in ("baci", "dots")}
COVERAGE_NOTES: dict[str, str] = {k: DATASETS[k].note for k in ("baci", "dots")}
STRUCTURAL_COSTS: tuple[str, ...] = (
    "ln_dist", "contig", "shared_sea", "comlang_off", "colony", "smctry", "former_federation", "cu",
)
#: Successor states of the federations that split in 1991–1993.  CEPII's ``smctry`` ("were or are the same
#: country") codes most of these pairs 0 (KAZ–RUS, KAZ–UZB, UKR–RUS; it has 1 for e.g. ARM–AZE and CZE–SVK, and
#: for older unions such as BEL–LUX), so ``former_federation`` (1 when both states are in the same list) is a
#: separate stage-2 term beside CEPII's ``smctry``, kept as published.
FORMER_FEDERATIONS: dict[str, frozenset[str]] = {
    "SUN": frozenset("ARM AZE BLR EST GEO KAZ KGZ LTU LVA MDA RUS TJK TKM UKR UZB".split()),
    "YUG": frozenset("BIH HRV MKD MNE SRB SVN XKX".split()),
    "CSK": frozenset("CZE SVK".split()),
}
#: What the structural potential's "normal" trade cost includes and what it leaves out (stated in every result).
NORMAL_INCLUDES = (
    "Normal includes: distance, land border, shared enclosed sea, common official language, colonial tie, having "
    "been the same country (CEPII smctry), being successor states of the same federation (USSR, Yugoslavia, "
    "Czechoslovakia), a customs union in "
    "force in the last sample year (WTO RTA-IS), and, from stage 1, the average effect of a free-trade agreement or "
    "customs union in force (WTO RTA-IS) and of the pair's own trade sanctions (GSDB)."
)
NORMAL_LEAVES_OUT = (
    "Normal leaves out: pipelines and other transport links, ethnic and business networks, political alignment, "
    "payment and banking restrictions, agreements deeper or shallower than the average FTA, sanctions by third "
    "countries (they act through each country's total trade, not this pair's cost) and anything else specific to "
    "the pair: a ratio far from 1 measures these."
)
SIZE_COSTS: tuple[str, ...] = (
    "ln_gdp_o", "ln_gdp_d", "ln_dist", "contig", "shared_sea", "comlang_off", "colony", "landlocked_o",
    "landlocked_d",
)
LABELS: dict[str, str] = {
    "ln_dist": "distance",
    "contig": "land border",
    "shared_sea": "shared (enclosed) sea, e.g. the Caspian",
    "comlang_off": "common official language",
    "colony": "colonial tie",
    "smctry": "were or are the same country (CEPII smctry)",
    "former_federation": "successor states of the same federation (USSR, Yugoslavia, Czechoslovakia)",
    "cu": "customs union in force in the last sample year (WTO RTA-IS)",
    "fta_cu": "free-trade agreement or customs union in force (WTO RTA-IS)",
    "sanction_trade": "trade sanctions in force",
    "ln_gdp_o": "exporter GDP",
    "ln_gdp_d": "importer GDP",
    "landlocked_o": "exporter landlocked",
    "landlocked_d": "importer landlocked",
    "pair_residual": "the pair's own effect vs the normal one, sample years (unexplained)",
    "year_deviation": "this year's deviation from the pair's own effect (pair_residual + year_deviation = "
    "ln(actual / structural potential) in the year)",
}
SANCTIONS_COVERAGE = DATASETS["gsdb"].usable
STEP = defaults.STEP
DEFAULT_DRAWS = defaults.DRAWS



# ----------------------------------------------------------------------------------------------
# data assembly
# ----------------------------------------------------------------------------------------------


def _store(store):
    from tradegap.store import resolve

    return resolve(store)


def _store_key(store) -> str:
    """The data fingerprint the cache keys end with (changes with every ingest)."""
    return store_fingerprint(store)


def _iso(code: str) -> str:
    from tradegap.countries import to_iso3

    if not isinstance(code, str) or not code.strip():
        raise InputError(f"A country must be a name or ISO3 code. Got {code!r} instead.",
                         hint="Use e.g. 'IRN' or 'Iran'.")
    return to_iso3(code)


def _iso_pair(a: str, b: str) -> tuple[str, str]:
    """ISO3 codes of two different countries."""
    return check_pair(_iso(a), _iso(b), "a pair", given=(a, b))


def _check_source(source: str, where: str) -> None:
    """``source`` must be one of :data:`Source` (shared by the views and the world model's queries)."""
    check_option("source", source, Source, where)


def _years_arg(years: Any, source: str, where: str | None = None, what: str = "years") -> list[int]:
    lo, hi = COVERAGE[source]
    if years is None:
        return [hi]
    ys = list(parse_years(years, what=what, where=where) or [])
    bad = [y for y in ys if not lo <= y <= hi]
    if bad:
        raise CoverageError(
            f"Year(s) {bad} are outside the coverage of source {source!r} for potentials ({lo}–{hi}; "
            f"{COVERAGE_NOTES[source]}).",
            hint=f"Pick years within {lo}–{hi}"
            + (f", or source='dots' ({DATASETS['dots'].usable_span})." if source == "baci"
               else f", or source='baci' ({DATASETS['baci'].usable_span})."),
        )
    return ys


def _anchors(years: list[int], source: str) -> tuple[int, ...]:
    """Estimation years: ``max(years)`` and the two anchors STEP and 2·STEP years before it (within coverage).

    The anchors depend on the latest requested year only, so a year's potential is the same whether it is
    asked alone or within a longer series.
    """
    lo, hi = COVERAGE[source]
    top = max(years)
    out = [y for y in (top - 2 * STEP, top - STEP, top) if y >= lo]
    k = 1
    while len(out) < 3:  # near the start of the coverage: extend forward
        nxt = top + k * STEP
        if nxt > hi:
            break
        out.append(nxt)
        k += 1
    return tuple(sorted(set(out)))


def _flows(store, source: str, years: Iterable[int]) -> pd.DataFrame:
    key = ("flows", source, tuple(years), _store_key(store))
    hit = CACHE.get(key[-1], key[:-1])
    if hit is not MISSING:
        return hit
    f = store.flows(source, years=list(years))
    if "product" in f.columns:
        f = f[f["product"].fillna("") == ""]
    f = f[f["exporter"] != f["importer"]]
    scale = f["scale"].map(SCALES).astype(float).to_numpy()
    out = pd.DataFrame({
        "exporter": f["exporter"].astype(str).to_numpy(),
        "importer": f["importer"].astype(str).to_numpy(),
        "year": f["year"].astype(int).to_numpy(),
        "trade": pd.to_numeric(f["value"], errors="coerce").to_numpy(float) * scale / SCALES["millions"],
    }).groupby(["exporter", "importer", "year"], as_index=False)["trade"].sum()
    CACHE.put(key[-1], key[:-1], out)
    return out


def _pair_covariates(store) -> pd.DataFrame:
    key = ("pairs", _store_key(store))
    hit = CACHE.get(key[-1], key[:-1])
    if hit is not MISSING:
        return hit
    p = store.pairs().copy()
    p["ln_dist"] = np.log(pd.to_numeric(p["dist"], errors="coerce").clip(lower=1.0))
    for c in ("contig", "shared_sea", "comlang_off", "colony", "smctry", "landlocked_o", "landlocked_d"):
        p[c] = pd.to_numeric(p[c], errors="coerce").astype(float)
    fed = {c: k for k, members in FORMER_FEDERATIONS.items() for c in members}
    same_fed = p["exporter"].map(fed).notna() & (p["exporter"].map(fed) == p["importer"].map(fed))
    p["former_federation"] = same_fed.astype(float)
    p = p[["exporter", "importer", "ln_dist", "contig", "shared_sea", "comlang_off", "colony", "smctry",
           "former_federation", "landlocked_o", "landlocked_d"]]
    CACHE.put(key[-1], key[:-1], p)
    return p


def _sanctions(years: Iterable[int], *, partial: bool = False) -> pd.DataFrame | None:
    ys = [int(y) for y in years]
    if not partial and not all(SANCTIONS_COVERAGE[0] <= y <= SANCTIONS_COVERAGE[1] for y in ys):
        return None
    from tradegap import sanctions

    ind = sanctions.indicator(years=ys, partial=partial)
    return ind[["exporter", "importer", "year", "sanction_trade"]]


def _panel(store, source: str, years: tuple[int, ...]) -> tuple[pd.DataFrame, list[str]]:
    """Rectangular panel (all ordered pairs of trading countries × years) with zeros and covariates."""
    key = ("panel", source, years, _store_key(store))
    hit = CACHE.get(key[-1], key[:-1])
    if hit is not MISSING:
        return hit
    notes: list[str] = []
    f = _flows(store, source, years)
    pos = f[f["trade"] > 0]
    countries = sorted(set(pos["exporter"].unique()) | set(pos["importer"].unique()))  # unique() first: fast
    pc = _pair_covariates(store)
    have = set(pc["exporter"].unique()) & set(pc["importer"].unique())
    lacking = [c for c in countries if c not in have]
    countries = [c for c in countries if c in have]
    if lacking:
        notes.append(f"{len(lacking)} trading economies lack CEPII distance data and are left out: "
                     f"{', '.join(lacking[:12])}{' …' if len(lacking) > 12 else ''}.")
    idx = pd.MultiIndex.from_product([countries, countries, list(years)], names=["exporter", "importer", "year"])
    panel = f.set_index(["exporter", "importer", "year"])["trade"].reindex(idx, fill_value=0.0).reset_index()
    panel = panel[panel["exporter"] != panel["importer"]]
    panel = panel.merge(pc, on=["exporter", "importer"], how="inner")
    panel = _attach_agreements(panel, years)
    cov = list(STRUCTURAL_COSTS)
    miss = panel[cov].isna().any(axis=1)
    if miss.any():
        notes.append(f"{int(miss.sum() // len(years))} pairs lack distance/contiguity data and are left out.")
        panel = panel[~miss]
    panel = panel.reset_index(drop=True)
    CACHE.put(key[-1], key[:-1], (panel, notes))
    return panel, notes


def _attach_agreements(panel: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Add ``fta_cu`` (FTA or customs union in force that year) and ``cu`` (customs union in force in the
    panel's last year, constant within a pair) from the WTO RTA-IS table."""
    from tradegap import agreements

    out = agreements.attach(panel).drop(columns=["rta", "psa_only"])
    last = agreements.indicator([max(int(y) for y in years)])
    cu = last.loc[last["cu"] == 1, ["exporter", "importer"]].assign(cu=1.0)
    out = out.merge(cu, on=["exporter", "importer"], how="left")
    out["cu"] = out["cu"].fillna(0.0)
    return out


def _attach_sanctions(panel: pd.DataFrame, years: Iterable[int], *, partial: bool = False) -> pd.DataFrame | None:
    s = _sanctions(years, partial=partial)
    if s is None:
        return None
    out = panel.merge(s, on=["exporter", "importer", "year"], how="left")
    out["sanction_trade"] = out["sanction_trade"].fillna(0).astype(float)
    return out


# ----------------------------------------------------------------------------------------------
# structural model (cached)
# ----------------------------------------------------------------------------------------------


def _sanction_term() -> tuple[float, str]:
    """The trade-sanction coefficient of the potentials: the one estimate of :mod:`tradegap.sanctions_effect`."""
    from tradegap import sanctions_effect

    e = sanctions_effect.long_panel_effect("pooled")
    b, se = e.coef("sanction_trade"), e.se("sanction_trade")
    return b, (
        f"Stage 1 holds the trade-sanction term (GSDB, the pair's own trade sanctions) at {b:.3f} (s.e. {se:.3f}), "
        "estimated on IMF DOTS 1960-2020 with every GSDB case (tradegap.sanctions_effect), the coefficient the GE "
        "scenarios use: over the potential's few sample years long-standing sanctions never change, so its own "
        "estimate would rest on a handful of recent cases."
    )


def _structural_model(store, source: str, anchors: tuple[int, ...], n_draws: int) -> tuple[TwoStageResult, list[str]]:
    key = ("structural", source, anchors, n_draws, _store_key(store))
    hit = CACHE.get(key[-1], key[:-1])
    if hit is not MISSING:
        return hit
    panel, notes = _panel(store, source, anchors)
    notes = list(notes)
    with_s = _attach_sanctions(panel, anchors)
    policy: tuple[str, ...] = ()
    fixed: dict[str, float] = {}
    if with_s is not None:
        panel = with_s
        b, note = _sanction_term()
        fixed = {"sanction_trade": b}
        notes.append(note)
    else:
        notes.append(
            f"Sanctions are not a stage-1 term: the sanctions data covers {SANCTIONS_COVERAGE[0]}–"
            f"{SANCTIONS_COVERAGE[1]} and the sample years are {list(anchors)}."
        )
    if panel["fta_cu"].groupby([panel["exporter"], panel["importer"]]).nunique().max() > 1:
        policy = (*policy, "fta_cu")
        notes.append("Stage 1 estimates the FTA/customs-union term (fta_cu, WTO RTA-IS, share of the year in force) "
                     "from the agreements that start or end within the sample years.")
    notes += [NORMAL_INCLUDES, NORMAL_LEAVES_OUT]
    with collect_warnings(notes):
        res = two_stage(panel, costs=STRUCTURAL_COSTS, policy=policy, fixed=fixed, n_draws=n_draws, level=0.90,
                        seed=0, unit="USD", scale="millions", source=source)
    notes.append(
        "Landlocked status is exporter- or importer-specific, so the stage-2 exporter and importer effects "
        "absorb it (it is part of each country's multilateral terms, not of the pair's trade cost)."
    )
    CACHE.put(key[-1], key[:-1], (res, notes))
    return res, notes


def _extra_year_flows(model: TwoStageResult, store, source: str, year: int) -> pd.DataFrame:
    """Potentials for a year outside the estimation sample (pair effects and normal costs held fixed)."""
    panel, _ = _panel(store, source, (year,))
    s1 = model.stage1
    pol = list(s1.coef.index)
    if "sanction_trade" in pol:
        panel = _attach_sanctions(panel, [year], partial=True)
    gam = s1.pair.reindex(pd.MultiIndex.from_arrays([panel["exporter"], panel["importer"]])).to_numpy()
    polidx = np.zeros(len(panel))
    for p, b in s1.coef.items():
        polidx += float(b) * panel[p].to_numpy(float)
    keep = np.isfinite(gam)
    cx, ux = pd.factorize(panel["exporter"])
    cm, um = pd.factorize(panel["importer"])
    y = panel["trade"].to_numpy(float)
    sol = poisson_fe(y[keep], (gam + polidx)[keep], [cx[keep], cm[keep]], n_groups=[len(ux), len(um)])
    pi, chi = sol.effects
    ln_m = pi[cx] + chi[cm] + polidx
    out = panel[["exporter", "importer", "year"]].copy()
    out["actual"] = y
    _add_potential(out, ln_m, model.pairs)
    return out


def _verdict(r: float, lo: float, hi: float) -> str:
    if not np.isfinite(r):
        return "no potential (no data)"
    if lo > 1:
        return "above potential"
    if hi < 1:
        return "below potential"
    return "about at potential (within the band)"


def _direction_rows(frame: pd.DataFrame, a: str, b: str, years: list[int]) -> pd.DataFrame:
    f = frame[frame["year"].isin(years)]
    out = f[((f["exporter"] == a) & (f["importer"] == b)) | ((f["exporter"] == b) & (f["importer"] == a))]
    return out.sort_values(["year", "exporter"], key=lambda s: s if s.name == "year" else (s != a)).reset_index(drop=True)


def _check_pair_data(model_flows: pd.DataFrame, a: str, b: str, years: list[int], source: str,
                     store=None) -> None:
    countries = set(model_flows["exporter"]) | set(model_flows["importer"])
    for c in (a, b):
        if c not in countries:
            from tradegap.countries import country_name

            if store is not None:
                have = _pair_covariates(store)
                if c not in set(have["exporter"]):
                    raise CoverageError(
                        f"{country_name(c)} ({c}) has no CEPII distance/contiguity data, so no potential can be "
                        "estimated for it.",
                        hint=f"Pairs need the pair covariates of the store; {have['exporter'].nunique()} economies "
                        "have them (ingest pair covariates for this country to include it).",
                    )
            raise CoverageError(
                f"{country_name(c)} ({c}) has no trade in source {source!r} in the years used {sorted(set(years))}, "
                "so no potential can be estimated for it.",
                hint=f"Try other years within {COVERAGE[source][0]}–{COVERAGE[source][1]} or the other source "
                f"({'dots' if source == 'baci' else 'baci'}); {len(countries)} economies are covered.",
            )


def _structural_table(a: str, b: str, ys: list[int], store, source: str, n_draws: int):
    anchors = _anchors(ys, source)
    model, notes = _structural_model(store, source, anchors, n_draws)
    _check_pair_data(model.flows, a, b, ys, source, store)
    parts = [model.flows[model.flows["year"].isin([y for y in ys if y in anchors])]]
    for y in ys:
        if y not in anchors:
            parts.append(_extra_year_flows(model, store, source, y))
    frame = pd.concat(parts, ignore_index=True)
    has_policy = model.stage1 is not None and bool(len(model.stage1.coef))
    notes = _extra_year_notes(notes, [y for y in ys if y not in anchors], anchors, has_policy)
    table = _pair_table(frame, a, b, ys, source)
    return model, notes, anchors, table


def _extra_year_notes(notes: list[str], extra: list[int], anchors: tuple[int, ...], has_policy: bool) -> list[str]:
    """``notes`` plus what the potentials of years outside the estimation sample hold fixed."""
    if not extra:
        return notes
    notes = list(notes) + [
        f"Years {extra} are outside the estimation sample {list(anchors)}: their potentials hold the pair effects "
        "and normal trade costs at the sample's estimates, with each year's exporter and importer terms solved "
        "from that year's data."
    ]
    if has_policy and min(extra) < SANCTIONS_COVERAGE[0]:
        notes.append(
            f"Before {SANCTIONS_COVERAGE[0]} the sanctions indicator lists only the cases still active in "
            f"{SANCTIONS_COVERAGE[0]} or later (a lower bound)."
        )
    return notes


def _pair_table(frame: pd.DataFrame, a: str, b: str, ys: list[int], source: str) -> pd.DataFrame:
    """The pair's rows of a structural flows frame (both directions, years ``ys``), with verdicts."""
    table = _direction_rows(frame, a, b, ys)
    cols = ["exporter", "importer", "year", "actual", "potential", "potential_lo", "potential_hi", "ratio",
            "ratio_lo", "ratio_hi", "untapped"]
    table = table[cols].copy()
    if table.empty or table["potential"].isna().all():
        raise CoverageError(
            f"No potential for the pair {a}–{b} in {ys} (source {source!r}): the pair is not in the estimation panel.",
            hint="Check that both countries trade in those years and have CEPII distance data.",
        )
    table["verdict"] = [_verdict(r, lo, hi) for r, lo, hi in zip(table["ratio"], table["ratio_lo"], table["ratio_hi"], strict=True)]
    return table


def _spec_dict(model: TwoStageResult | dict[str, Any], requested: list[int], anchors: tuple[int, ...],
               notes: list[str]) -> dict[str, Any]:
    """The model's specification (or its ``to_dict()``) with the requested and sample years and the notes."""
    d = dict(model) if isinstance(model, dict) else model.spec.to_dict()
    d["requested_years"] = requested
    d["sample_years"] = list(anchors)
    d["notes"] = list(d.get("notes", [])) + list(notes)
    d["source_description"] = COVERAGE_NOTES.get(d.get("source", ""), "")
    return d


def _names(a: str, b: str) -> tuple[str, str]:
    from tradegap.countries import country_name

    try:
        return country_name(a), country_name(b)
    except Exception:  # noqa: BLE001 - names are cosmetic
        return a, b


def _summary(table: pd.DataFrame, a: str, b: str, what: str) -> str:
    y = int(table["year"].max())
    na, nb = _names(a, b)
    names = {a: na, b: nb}
    lines = []
    for _, r in table[table["year"] == y].iterrows():
        if not np.isfinite(r["potential"]):
            continue
        pct = 100 * (r["ratio"] - 1)
        rel = f"{abs(pct):.0f}% {'above' if pct >= 0 else 'below'}"
        lines.append(
            f"{names[r['exporter']]} → {names[r['importer']]} {y}: actual {r['actual']:,.0f} vs {what} potential "
            f"{r['potential']:,.0f} million USD (90% band {r['potential_lo']:,.0f}–{r['potential_hi']:,.0f}); "
            f"{rel} it: {r['verdict']}."
        )
    return " ".join(lines)


def normal_flows(year: int, *, store=None, source: Source = "baci", without: tuple[str, ...] = ("sanction_trade",),
                 n_draws: int = 0) -> tuple[pd.DataFrame, dict[str, float], list[str]]:
    """Every directed pair's actual flow and structural potential in ``year``, also without given policy terms.

    Returns
    -------
    flows, coefficients, notes
        ``flows``: ``exporter, importer, year, actual, potential`` and ``potential_without`` (the
        potential with the stage-1 terms in ``without`` switched off, e.g. the pair's own trade sanction:
        the normal trade cost without the sanction), USD millions; ``coefficients``: the stage-1 policy
        coefficients used; ``notes``: the model's notes (what normal includes and leaves out).
    """
    _check_source(source, "normal_flows")
    (y,) = _years_arg([int(year)], source, "normal_flows", "year")
    st = _store(store)
    anchors = _anchors([y], source)
    model, notes = _structural_model(st, source, anchors, n_draws)
    if y in anchors:
        f = model.flows[model.flows["year"] == y][["exporter", "importer", "year", "actual", "potential"]].copy()
    else:
        f = _extra_year_flows(model, st, source, y)[["exporter", "importer", "year", "actual", "potential"]].copy()
    coef = {k: float(v) for k, v in model.stage1.coef.items()} if model.stage1 is not None else {}
    off = [t for t in without if t in coef]
    f["potential_without"] = f["potential"]
    if off:
        panel, _ = _panel(st, source, (y,))
        if "sanction_trade" in off:
            panel = _attach_sanctions(panel, [y], partial=True)
        shift = sum(coef[t] * panel[t].to_numpy(float) for t in off)
        keyed = pd.Series(shift, index=pd.MultiIndex.from_arrays([panel["exporter"], panel["importer"]]))
        sh = keyed.reindex(pd.MultiIndex.from_arrays([f["exporter"], f["importer"]])).fillna(0.0).to_numpy()
        f["potential_without"] = f["potential"] * np.exp(-sh)
    return f.reset_index(drop=True), coef, list(notes)


# ----------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------


def structural(
    a: str,
    b: str,
    *,
    years: int | Iterable[int] | None = None,
    store=None,
    source: Source = "baci",
    n_draws: int = DEFAULT_DRAWS,
    mode: StructuralMode = "panel",
) -> Potential:
    """Structural (two-stage) trade potential of a pair, both directions.

    Parameters
    ----------
    a, b : str
        Countries (ISO3 codes or names).
    years : int or iterable of int, optional
        Years to report (default: the latest year of the source's coverage: BACI 2019, DOTS 2020).
    store : tradegap.store.Store, optional
        Data store (default: ``Store()``, which falls back to the embedded data).
    source : {"baci", "dots"}
        Flow data set.  Both hold international flows only, so the international-only specification
        is used (flagged in ``spec``).
    n_draws : int
        Bootstrap draws for the 90% band.
    mode : {"panel", "cross_section"}
        ``panel`` (default): the two-stage method (pair effects, then projection).  ``cross_section``:
        one PPML per requested year of trade on trade costs (and sanctions where covered) with exporter and
        importer effects; potential = fitted flow.  For users with a single year of data.

    Returns
    -------
    Potential
        ``table`` per direction and year in USD millions.

    Raises
    ------
    UnknownCountryError, CoverageError, InputError
    """
    check_option("source", source, Source, "structural")
    check_number("n_draws", n_draws, "structural", integer=True, low=0)
    check_option("mode", mode, StructuralMode, "structural")
    a, b = _iso_pair(a, b)
    ys = _years_arg(years, source, "structural")
    st = _store(store)
    if mode == "cross_section":
        return _structural_cross_section(a, b, ys, st, source, n_draws)
    model, notes, anchors, table = _structural_table(a, b, ys, st, source, n_draws)
    return Potential(
        kind="structural", a=a, b=b, table=table, spec=_spec_dict(model, ys, anchors, notes),
        coefficients=model.coefficients(), meaning=_structural_meaning(a, b),
        summary=_summary(table, a, b, "structural"), notes=tuple(notes),
    )


def _structural_meaning(a: str, b: str) -> str:
    """What the structural potential of ``a``–``b`` means, in words."""
    na, nb = _names(a, b)
    return (
        f"Structural potential: what trade between {na} and {nb} would be if the pair's trade cost were normal "
        "for two countries with their distance, shared sea, border, language and colonial ties, given how much "
        f"each of them exports and imports in total. It asks whether this pair's share of each country's trade is "
        "normal; it takes each country's overall trade as given, so a country that trades little with everyone "
        "(for example because of sanctions) can look normal here. Estimated by the two-stage method of the WTO/UNCTAD "
        "Advanced Guide to Trade Policy Analysis (PPML with exporter-year, importer-year and pair effects, then "
        "pair effects explained by geography and history)."
    )


def _cross_section_model(store, source: str, year: int, n_draws: int) -> tuple[TwoStageResult, list[str]]:
    key = ("cross_section", source, year, n_draws, _store_key(store))
    hit = CACHE.get(key[-1], key[:-1])
    if hit is not MISSING:
        return hit
    panel, notes = _panel(store, source, (year,))
    notes = list(notes)
    ws = _attach_sanctions(panel, [year])
    policy: tuple[str, ...] = ("fta_cu",)
    fixed: dict[str, float] = {}
    if ws is not None:
        b, note = _sanction_term()
        panel, fixed = ws, {"sanction_trade": b}
        notes.append(note)
    else:
        notes.append(f"Sanctions are not a regressor: the sanctions data covers {SANCTIONS_COVERAGE[0]}–"
                     f"{SANCTIONS_COVERAGE[1]}.")
    notes += [NORMAL_INCLUDES.replace(", from stage 1,", ","), NORMAL_LEAVES_OUT]
    with collect_warnings(notes):
        res = two_stage(panel, costs=STRUCTURAL_COSTS, policy=policy, fixed=fixed, mode="cross_section",
                        n_draws=n_draws, level=0.90, seed=0, unit="USD", scale="millions", source=source)
    CACHE.put(key[-1], key[:-1], (res, notes))
    return res, notes


def _structural_cross_section(a: str, b: str, ys: list[int], st, source: str, n_draws: int) -> Potential:
    parts, notes, coefs, specs = [], [], [], {}
    for y in ys:
        model, mnotes = _cross_section_model(st, source, y, n_draws)
        _check_pair_data(model.flows, a, b, [y], source, st)
        parts.append(_direction_rows(model.flows, a, b, [y]))
        coefs.append(model.coefficients().assign(year=y))
        specs[y] = model.spec.to_dict()
        notes.extend(n for n in mnotes if n not in notes)
    cols = ["exporter", "importer", "year", "actual", "potential", "potential_lo", "potential_hi", "ratio",
            "ratio_lo", "ratio_hi", "untapped"]
    table = pd.concat(parts, ignore_index=True)[cols]
    table["verdict"] = [_verdict(r, lo, hi) for r, lo, hi in zip(table["ratio"], table["ratio_lo"], table["ratio_hi"], strict=True)]
    spec = dict(specs[max(ys)])
    spec["requested_years"] = ys
    spec["per_year"] = specs
    spec["notes"] = list(spec.get("notes", [])) + notes
    spec["source_description"] = COVERAGE_NOTES[source]
    na, nb = _names(a, b)
    meaning = (
        f"Cross-section structural potential: what trade between {na} and {nb} would be in each year if the pair's "
        "trade cost were what its distance, border, shared sea, language and colonial ties predict, given each "
        "country's total exports and imports that year (PPML with exporter and importer effects, one year at a "
        "time; no pair effects)."
    )
    return Potential(kind="structural", a=a, b=b, table=table, spec=spec,
                     coefficients=pd.concat(coefs, ignore_index=True), meaning=meaning,
                     summary=_summary(table, a, b, "structural (cross-section)"), notes=tuple(notes))


# ---------------------------------- size-based -----------------------------------------------


def _size_panel(store, source: str, years: tuple[int, ...]) -> tuple[pd.DataFrame, list[str]]:
    panel, notes = _panel(store, source, years)
    notes = list(notes)
    wdi = store.country_year()
    g = wdi[["iso3", "year", "gdp"]].copy()
    g["gdp"] = pd.to_numeric(g["gdp"], errors="coerce")
    g = g[g["gdp"] > 0]
    g["ln_gdp"] = np.log(g["gdp"] / 1e9)  # ln of GDP in billions of current USD
    gi = g.set_index(["iso3", "year"])["ln_gdp"]
    p = panel.copy()
    p["ln_gdp_o"] = gi.reindex(pd.MultiIndex.from_arrays([p["exporter"], p["year"]])).to_numpy()
    p["ln_gdp_d"] = gi.reindex(pd.MultiIndex.from_arrays([p["importer"], p["year"]])).to_numpy()
    miss = p[["ln_gdp_o", "ln_gdp_d", "landlocked_o", "landlocked_d"]].isna().any(axis=1)
    if miss.any():
        lacking = sorted(set(p.loc[p["ln_gdp_o"].isna(), "exporter"]) | set(p.loc[p["ln_gdp_d"].isna(), "importer"]))
        notes.append(f"{len(lacking)} economies lack WDI GDP in some sample years and are left out of the size-based "
                     f"model: {', '.join(lacking[:12])}{' …' if len(lacking) > 12 else ''}.")
        p = p[~miss]
    return p.reset_index(drop=True), notes


def _size_model(store, source: str, years: tuple[int, ...], with_sanctions: bool):
    key = ("size", source, years, with_sanctions, _store_key(store))
    hit = CACHE.get(key[-1], key[:-1])
    if hit is not MISSING:
        return hit
    panel, notes = _size_panel(store, source, years)
    notes = list(notes)
    terms = list(SIZE_COSTS)
    if with_sanctions:
        ws = _attach_sanctions(panel, years)
        if ws is None:
            CACHE.put(key[-1], key[:-1], None)
            return None
        panel = ws
        terms.append("sanction_trade")
    formula = f"trade ~ {' + '.join(terms)} | year"
    with collect_warnings(notes):
        res = _fepois(formula, panel, vcov="cluster:pair", separation=("fe",))
    coef = pd.Series(res.coef, dtype=float).reindex(terms).dropna()
    out = (panel, coef, pd.DataFrame(res.vcov).loc[coef.index, coef.index], pd.Series(res.se).reindex(coef.index),
           formula, int(res.nobs), notes)
    CACHE.put(key[-1], key[:-1], out)
    return out


def _size_predict(panel: pd.DataFrame, coef: pd.Series, vcov: pd.DataFrame, rows: np.ndarray,
                  n_draws: int, level: float = 0.90, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fitted flows (and bootstrap band) for ``rows`` of ``panel``; year effects solved in closed form."""
    X = panel[list(coef.index)].to_numpy(float)
    y = panel["trade"].to_numpy(float)
    yc, uy = pd.factorize(panel["year"])

    groups = [np.flatnonzero(yc == k) for k in range(len(uy))]
    y_sum = np.array([y[g].sum() for g in groups])

    def fitted(B: np.ndarray) -> np.ndarray:
        """ln fitted flows of ``rows`` for coefficient vectors ``B`` (draws × terms), shape (draws, rows)."""
        XB = X @ B.T  # (n, draws): every draw in one product
        ref = np.empty((len(groups), B.shape[0]))
        dt = np.empty_like(ref)
        for k, g in enumerate(groups):  # each year's effect from Poisson adding-up, all draws at once
            ref[k] = XB[g].max(axis=0)
            dt[k] = np.log(y_sum[k] / np.exp(XB[g] - ref[k]).sum(axis=0))
        r = yc[rows]
        return (XB[rows] - ref[r] + dt[r]).T

    b0 = coef.to_numpy(float)
    point = fitted(b0[None, :])[0]
    if n_draws <= 0:
        return np.exp(point), np.exp(point), np.exp(point)
    rng = np.random.default_rng(seed)
    V = vcov.to_numpy(float)
    draws = rng.multivariate_normal(b0, (V + V.T) / 2, size=n_draws, method="eigh")
    sims = np.concatenate([fitted(draws[i:i + 25]) for i in range(0, n_draws, 25)])  # bounded memory
    q = (1 - level) / 2
    lo = np.minimum(np.quantile(sims, q, axis=0), point)
    hi = np.maximum(np.quantile(sims, 1 - q, axis=0), point)
    return np.exp(point), np.exp(lo), np.exp(hi)


def size_based(
    a: str,
    b: str,
    *,
    years: int | Iterable[int] | None = None,
    store=None,
    source: Source = "baci",
    n_draws: int = DEFAULT_DRAWS,
) -> Potential:
    """Size-based trade potential: the pair's trade if each country traded like a typical economy of its size.

    PPML of bilateral trade (all pairs, sample years as for :func:`structural` plus the requested
    years) on ln exporter GDP, ln importer GDP, ln distance, land border, shared sea, common
    language, colonial tie and landlocked exporter/importer, with year effects; estimated without
    (variant ``"size"``, the headline) and with the trade-sanctions indicator (variant
    ``"size_sanctions"``, evaluated at the pair's actual sanctions status; only for years covered by
    the sanctions data, 2013–2022).

    The ``gap_split`` separates ``ln(actual / size-based)`` into ``world_part = ln(structural /
    size-based)`` ("each country trades little with the world") and ``pair_part = ln(actual /
    structural)`` ("the pair trades little with each other").

    Parameters
    ----------
    a, b : str
        Countries (ISO3 codes or names).
    years : int or iterable of int, optional
        Years to report (default: the latest year of the source's coverage).
    store : tradegap.store.Store, optional
    source : {"baci", "dots"}
    n_draws : int
        Bootstrap draws for the 90% band (coefficients drawn from their pair-clustered covariance).

    Returns
    -------
    Potential
    """
    check_option("source", source, Source, "size_based")
    check_number("n_draws", n_draws, "size_based", integer=True, low=0)
    a, b = _iso_pair(a, b)
    ys = _years_arg(years, source, "size_based")
    st = _store(store)
    anchors = _anchors(ys, source)
    sample = anchors
    notes: list[str] = []
    tables = []
    coefs = []
    spec: dict[str, Any] = {}
    for variant, with_s in (("size", False), ("size_sanctions", True)):
        m = _size_model(st, source, sample, with_s)
        if m is None:
            notes.append(f"Variant with sanctions omitted: the sanctions data covers {DATASETS['gsdb'].span} only.")
            continue
        model_panel, coef, vcov, se, formula, nobs, pnotes = m
        _check_pair_data(model_panel, a, b, ys, source, st)
        parts = []
        for y in ys:
            # each year's own data fixes its year effect (PPML adding-up), coefficients from the model
            panel, _ = _size_panel(st, source, (y,))
            if with_s:
                panel = _attach_sanctions(panel, [y], partial=True)
            sel = (((panel["exporter"] == a) & (panel["importer"] == b)) |
                   ((panel["exporter"] == b) & (panel["importer"] == a))).to_numpy()
            rows = np.flatnonzero(sel)
            if len(rows) == 0:
                raise CoverageError(f"No size-based potential for {a}–{b} in {y}: GDP or distance data is missing.",
                                    hint="Try other years.")
            pot, lo, hi = _size_predict(panel, coef, vcov, rows, n_draws)
            t = panel.loc[rows, ["exporter", "importer", "year"]].copy()
            t["variant"] = variant
            t["actual"] = panel.loc[rows, "trade"].to_numpy(float)
            t["potential"], t["potential_lo"], t["potential_hi"] = pot, lo, hi
            if with_s:
                t["sanction_trade"] = panel.loc[rows, "sanction_trade"].to_numpy(float)
            parts.append(t)
        t = pd.concat(parts, ignore_index=True)
        t["ratio"] = t["actual"] / t["potential"]
        t["ratio_lo"] = t["actual"] / t["potential_hi"]
        t["ratio_hi"] = t["actual"] / t["potential_lo"]
        t["untapped"] = t["potential"] - t["actual"]
        tables.append(t)
        coefs.append(pd.DataFrame({"stage": variant, "term": coef.index, "estimate": coef.values,
                                   "std_error": se.reindex(coef.index).values}))
        if variant == "size":
            notes.extend(pnotes)
        spec[variant] = _size_variant_spec(formula, nobs, sample, ys, source, n_draws)
    table, spec = _size_table(tables, spec, notes, a)
    # gap split against the structural potential
    gap = None
    try:
        s = structural(a, b, years=ys, store=st, source=source, n_draws=n_draws)
        gap = _gap_split(table, s.table)
        spec["structural_spec"] = s.spec
    except CoverageError as exc:  # pragma: no cover - structural needs the same data
        notes.append(f"No gap split: {exc.message}")
    return Potential(
        kind="size_based", a=a, b=b, table=table, spec=spec, coefficients=pd.concat(coefs, ignore_index=True),
        meaning=_size_meaning(a, b), summary=_size_summary(table, gap, a, b), gap_split=gap, notes=tuple(notes),
    )


def _size_variant_spec(formula: str, nobs: int, sample: tuple[int, ...], ys: list[int], source: str,
                       n_draws: int) -> dict[str, Any]:
    """The specification of one size-based variant."""
    return {
        "formula": formula, "fixed_effects": ["year"], "nobs": nobs, "sample_years": list(sample),
        "requested_years": ys, "vcov": "clustered by pair", "international_only": True,
        "band_method": f"parametric bootstrap: {n_draws} draws of the coefficients from a normal distribution "
        "with their pair-clustered covariance, year effects re-solved; 90% percentile interval",
        "band_level": 0.90, "unit": "USD", "scale": "millions", "source": source,
        "source_description": COVERAGE_NOTES[source],
        "gdp": "WDI GDP, current USD (ln of billions)",
    }


def _size_table(tables: list[pd.DataFrame], variants_spec: dict[str, Any], notes: list[str],
                a: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The size-based table (variants stacked, verdicts, ``a``'s exports first) and its specification."""
    spec = dict(variants_spec["size"])
    spec["variants"] = variants_spec
    spec["notes"] = list(notes)
    table = pd.concat(tables, ignore_index=True)
    table["verdict"] = [_verdict(r, lo, hi) for r, lo, hi in zip(table["ratio"], table["ratio_lo"], table["ratio_hi"], strict=True)]
    table = table.sort_values(["variant", "year", "exporter"], key=lambda s: s if s.name != "exporter" else (s != a))
    return table.reset_index(drop=True), spec


def _gap_split(table: pd.DataFrame, structural_table: pd.DataFrame) -> pd.DataFrame:
    """ln(actual / size-based) split into ``world_part`` and ``pair_part`` per direction and year."""
    head = table[table["variant"] == "size"][["exporter", "importer", "year", "actual", "potential"]]
    g = head.merge(
        structural_table[["exporter", "importer", "year", "potential"]].rename(columns={"potential": "structural"}),
        on=["exporter", "importer", "year"]).rename(columns={"potential": "size_based"})
    with np.errstate(divide="ignore", invalid="ignore"):
        g["total_log_gap"] = np.log(g["actual"] / g["size_based"])
        g["world_part"] = np.log(g["structural"] / g["size_based"])
        g["pair_part"] = np.log(g["actual"] / g["structural"])
    g["world_part_pct"] = 100 * (np.exp(g["world_part"]) - 1)
    g["pair_part_pct"] = 100 * (np.exp(g["pair_part"]) - 1)
    return g.reset_index(drop=True)


def _size_meaning(a: str, b: str) -> str:
    """What the size-based potential of ``a``–``b`` means, in words."""
    na, nb = _names(a, b)
    return (
        f"Size-based potential: what trade between {na} and {nb} would be if each traded like a typical economy of "
        "its size (GDP) at this distance, with this geography (border, shared sea, language, colonial ties, "
        "landlocked). Unlike the structural potential it does not take each country's total trade as given: a "
        "country whose trade with everyone is depressed (for example by sanctions) falls below it. Variant "
        "'size' leaves sanctions out of the model; 'size_sanctions' adds a trade-sanctions indicator and "
        "evaluates it at the pair's actual status. The gap split says how much of the shortfall comes from "
        "each country trading little with the world (structural vs size-based) and how much from the pair "
        "trading little with each other (actual vs structural)."
    )


def _size_summary(table: pd.DataFrame, gap: pd.DataFrame | None, a: str, b: str) -> str:
    """The size-based summary sentence(s), with the latest year's gap split."""
    head = table[table["variant"] == "size"]
    summary = _summary(head, a, b, "size-based")
    if gap is not None and len(gap):
        y = int(gap["year"].max())
        na, nb = _names(a, b)
        names = {a: na, b: nb}
        for _, r in gap[gap["year"] == y].iterrows():
            summary += (
                f" {names[r['exporter']]} → {names[r['importer']]} {y}: of the log gap {r['total_log_gap']:+.2f}, "
                f"{r['world_part']:+.2f} because the two trade {'little' if r['world_part'] < 0 else 'much'} with the "
                f"world and {r['pair_part']:+.2f} because they trade {'little' if r['pair_part'] < 0 else 'much'} "
                "with each other."
            )
    return summary


# ---------------------------------- decomposition --------------------------------------------


def _one_year_model(
    year: int | None, store: Any, source: str, n_draws: int, where: str
) -> tuple[list[int], Any, tuple[int, ...], Any, list[str]]:
    """``(years, store, anchors, model, notes)`` of a one-year question (``where`` names the function)."""
    ys = _years_arg(year, source, where, "year")
    if len(ys) != 1:
        raise InputError(f"{where} takes one year. Got {ys}.", hint="Pass year=2019.")
    st = _store(store)
    anchors = _anchors(ys, source)
    model, notes = _structural_model(st, source, anchors, n_draws)
    return ys, st, anchors, model, notes


def decompose(
    a: str,
    b: str,
    *,
    year: int | None = None,
    store=None,
    source: Source = "baci",
    n_draws: int = DEFAULT_DRAWS,
) -> GapDecomposition:
    """The pair's normal trade cost decomposed into factors, relative to the average pair, plus its residual.

    Each factor's contribution is ``b_k × (z_pair,k − mean_k)`` in log points of trade, where ``b_k``
    is the stage-2 coefficient (stage 1 for sanctions) and ``mean_k`` the unweighted mean over all
    international pairs of the stage-2 sample ("the average pair"; for sanctions, over pairs in
    that year).  ``pct_of_trade = 100·(exp(log points) − 1)``.  The ``pair_residual`` row is the pair's
    own effect relative to its normal one: ``ln(Σ actual / Σ normal)`` over the sample years; the
    ``year_deviation`` row adds the year's departure from it, so that the two rows sum to
    ``ln(actual / structural potential)`` in the year.

    Parameters
    ----------
    a, b : str
    year : int, optional
        Default: latest year of the source's coverage.
    store, source, n_draws
        As for :func:`structural`.

    Returns
    -------
    GapDecomposition
    """
    check_option("source", source, Source, "decompose")
    check_number("n_draws", n_draws, "decompose", integer=True, low=0)
    a, b = _iso_pair(a, b)
    ys, st, anchors, model, notes = _one_year_model(year, store, source, n_draws, "decompose")
    _check_pair_data(model.flows, a, b, ys, source, st)
    pairs = model.pairs
    intl = pairs[pairs["exporter"] != pairs["importer"]]
    year_flows = model.flows if ys[0] in anchors else _extra_year_flows(model, st, source, ys[0])
    year_flows = year_flows[year_flows["year"] == ys[0]]
    yr = _policy_year(anchors, ys[0])
    s1 = model.stage1.rows if model.stage1 is not None else None

    def policy(k: str, ex: str, im: str) -> tuple[float, float]:
        cur = s1[s1["year"] == yr]
        row = cur[(cur["exporter"] == ex) & (cur["importer"] == im)]
        return (float(row[k].iloc[0]) if len(row) else 0.0), float(cur[k].mean())

    means = {k: float(intl[k].mean()) for k in model.coef.index}
    table = _decomposition_table(a, b, anchors, pairs, means, model.coef, model.stage1_coef, policy, year_flows)
    reference = _decomposition_reference(len(intl), anchors)
    return GapDecomposition(a=a, b=b, year=ys[0], reference=reference, table=table,
                            spec=_spec_dict(model, ys, anchors, notes), notes=tuple(notes))


# ---------------------------------- untapped ranking -----------------------------------------


def _policy_year(anchors: tuple[int, ...], year: int) -> int:
    """The sample year whose stage-1 policy values describe ``year`` (the latest anchor not after it)."""
    return max(y for y in anchors if y <= year) if any(y <= year for y in anchors) else anchors[-1]


def _decomposition_table(a: str, b: str, anchors: tuple[int, ...], pairs: pd.DataFrame, means: dict[str, float],
                         coef: pd.Series, stage1_coef: pd.Series, policy, year_flows: pd.DataFrame) -> pd.DataFrame:
    """Factor rows of :func:`decompose` from the stage-2 ``pairs``, the cost ``means`` over international pairs,
    the coefficients, ``policy(term, exporter, importer) -> (value, mean)`` and the year's structural flows."""
    rows = []
    for ex, im in ((a, b), (b, a)):
        p = pairs[(pairs["exporter"] == ex) & (pairs["importer"] == im)]
        if p.empty:
            raise CoverageError(f"The pair {ex}→{im} is not in the estimation panel for {anchors}.",
                                hint="Check that both countries trade in these years and have distance data.")
        p = p.iloc[0]
        for k, c in coef.items():
            ref = means[k]
            val = float(p[k])
            rows.append({"exporter": ex, "importer": im, "factor": k, "label": LABELS.get(k, k), "value": val,
                         "reference_value": ref, "coefficient": float(c), "log_points": float(c) * (val - ref)})
        for k, c in stage1_coef.items():
            val, ref = policy(k, ex, im)
            rows.append({"exporter": ex, "importer": im, "factor": k, "label": LABELS.get(k, k), "value": val,
                         "reference_value": ref, "coefficient": float(c), "log_points": float(c) * (val - ref)})
        ratio = float(p["pair_ratio"])
        pair_lp = float(np.log(ratio)) if ratio > 0 else -np.inf
        rows.append({"exporter": ex, "importer": im, "factor": "pair_residual", "label": LABELS["pair_residual"],
                     "value": ratio, "reference_value": 1.0, "coefficient": np.nan, "log_points": pair_lp})
        yr_rows = year_flows[(year_flows["exporter"] == ex) & (year_flows["importer"] == im)]
        if len(yr_rows) and np.isfinite(pair_lp):
            yr_ratio = float(yr_rows["ratio"].iloc[0])
            lp = float(np.log(yr_ratio)) - pair_lp if yr_ratio > 0 else -np.inf
            rows.append({"exporter": ex, "importer": im, "factor": "year_deviation", "label": LABELS["year_deviation"],
                         "value": yr_ratio, "reference_value": ratio, "coefficient": np.nan, "log_points": lp})
    table = pd.DataFrame(rows)
    table["pct_of_trade"] = 100 * (np.exp(table["log_points"]) - 1)
    return table


def _decomposition_reference(n_intl: int, anchors: tuple[int, ...]) -> str:
    return (
        "the average pair: unweighted mean of each trade-cost variable over all international pairs of the "
        f"estimation sample ({n_intl:,} pairs, years {list(anchors)}); the pair residual is relative to the "
        "pair's own normal trade cost"
    )


def untapped(
    country: str,
    *,
    year: int | None = None,
    top: int = 20,
    store=None,
    source: Source = "baci",
    n_draws: int = DEFAULT_DRAWS,
) -> UntappedRanking:
    """Partners with the largest untapped structural potential (potential − actual, both directions).

    Parameters
    ----------
    country : str
    year : int, optional
        Default: latest year of the source's coverage.
    top : int
        Number of partners (≥ 1).
    store, source, n_draws
        As for :func:`structural`.

    Returns
    -------
    UntappedRanking
    """
    check_option("source", source, Source, "untapped")
    check_number("n_draws", n_draws, "untapped", integer=True, low=0)
    check_number("top", top, "untapped", integer=True, low=1, hint="Use e.g. top=20.")
    c = _iso(country)
    ys, st, anchors, model, notes = _one_year_model(year, store, source, n_draws, "untapped")
    _check_pair_data(model.flows, c, c, ys, source, st)
    f = model.flows if ys[0] in anchors else _extra_year_flows(model, st, source, ys[0])
    f = f[f["year"] == ys[0]]
    t = _untapped_table(f, c, top)
    return UntappedRanking(country=c, year=ys[0], table=t, spec=_spec_dict(model, ys, anchors, []),
                           notes=tuple(list(notes) + [UNTAPPED_NOTE]))


UNTAPPED_NOTE = (
    "Untapped = structural potential − actual trade, exports and imports together, USD millions; "
    "ratio = actual / potential (below 1: room to grow given each country's total trade)."
)


def _untapped_table(f: pd.DataFrame, c: str, top: int | None) -> pd.DataFrame:
    """``c``'s partners ranked by untapped potential from one year's structural flows (``top`` rows or all)."""
    ex = f[f["exporter"] == c].set_index("importer")[["actual", "potential"]].add_prefix("exports_")
    im = f[f["importer"] == c].set_index("exporter")[["actual", "potential"]].add_prefix("imports_")
    t = ex.join(im, how="outer").fillna(0.0)
    t.index.name = "partner"
    t = t.reset_index()
    t["actual"] = t["exports_actual"] + t["imports_actual"]
    t["potential"] = t["exports_potential"] + t["imports_potential"]
    t["untapped"] = t["potential"] - t["actual"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t["ratio"] = t["actual"] / t["potential"]
    t = t[t["potential"] > 0].sort_values("untapped", ascending=False)
    if top is not None:
        t = t.head(int(top))
    t = t.reset_index(drop=True)
    from tradegap.countries import country_name

    def _nm(x: str) -> str:
        try:
            return country_name(x)
        except Exception:  # noqa: BLE001 - names are cosmetic
            return x

    t.insert(0, "rank", np.arange(1, len(t) + 1))
    t.insert(2, "partner_name", [_nm(x) for x in t["partner"]])
    return t


def clear_cache() -> None:
    """Forget every cached result (:data:`tradegap.cache.CACHE`).

    Not needed after an ingest: cache keys carry the store's fingerprint, which the ingest changes.
    """
    CACHE.clear()
