"""The three standard planning scenarios for a country pair, on tradegap's own data.

:func:`world_baseline` builds a world GE baseline for one year from the shipped (or
ingested) CEPII BACI totals and WDI GDP; :func:`pair_scenarios` runs, side by side,

1. **FTA**: a free-trade agreement between ``a`` and ``b`` (optionally with ``b``'s bloc
   partners, e.g. the EAEU).  Agreements in force (WTO RTA-IS, :mod:`tradegap.agreements`) are in
   the baseline's ``fta`` term, so a pair already in an FTA or customs union for the whole year is
   refused (never counted twice) or, with ``deepen``, moved from an FTA to a customs union.  The FTA
   coefficient is estimated on the shipped BACI panel (:func:`tradegap.agreements.fta_effect`);
   the Advanced Guide's 0.557 is an option (``fta="guide"``; reproduced by
   ``examples/nafta_effects.toml``);
2. **sanctions lifted**: every GSDB trade sanction in force that year on flows of ``a`` or
   ``b`` (or only those by given senders) switched off, with the sanction coefficient
   **estimated** on IMF DOTS 1960–2020 with all GSDB cases (:mod:`tradegap.sanctions_effect`);
   :func:`run_sanctions_lifted` also returns each sanctioned flow's trade cost to its normal
   (stage-2 structural) level, so a flow held near zero can recover;
3. **cost −20%**: the iceberg trade cost between ``a`` and ``b`` cut by 20% (e.g. a cheaper
   North–South corridor).

Data assumptions (stated in every result): BACI has no domestic flows, so domestic sales
are constructed as WDI GDP (current USD) minus total goods exports, floored at 10% of GDP
for entrepôt economies whose goods exports exceed GDP; baseline trade costs are calibrated
to reproduce the observed flows exactly (pairs with no recorded trade keep zero trade).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd

from tradegap import countries
from tradegap.coverage import DATASETS
from tradegap.data.schema import rescale
from tradegap.defaults import SIGMA
from tradegap.errors import CoverageError, InputError
from tradegap.ge.api import simulate
from tradegap.ge.changes import GROUPS, Change, PairSelection, apply_changes, canon
from tradegap.ge.model import Baseline, CostStructure, calibrated_residual, check_sigma
from tradegap.ge.results import GEResult
from tradegap.ge.scenario import Calibration, ScenarioResult, ScenarioSpec
from tradegap.ge.scenario import run_scenario as _run_scenario
from tradegap.progress import Progress
from tradegap.validation import check_number, check_option, check_pair

#: The Guide's RTA coefficient, an option (``fta="guide"``); the default is estimated on the data.
FTA_COEF = 0.557
FTA_SOURCE = (
    "Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy Analysis, ch. 2: "
    "RTA coefficient 0.557 (PPML with exporter-year, importer-year and pair fixed effects, 1986-2006, domestic "
    "flows included); fixed coefficient from the literature, chosen with fta='guide'"
)
DOMESTIC_FLOOR = 0.10
FtaChoice = Literal["estimated", "guide"]


@dataclass(frozen=True)
class WorldBaseline:
    """A world baseline built from the shipped data, with its assumptions."""

    baseline: Baseline
    coefficients: pd.DataFrame
    assumptions: tuple[str, ...]


def _flows(year: int, store: Any, source: str) -> pd.DataFrame:
    if store is not None:
        f = store.flows(source=source, years=[year])
    else:
        from tradegap.data import embedded

        f = embedded.load(f"flows_{source}")
        f = f.loc[f["year"] == year]
    if f.empty:
        raise CoverageError(
            f"No {source.upper()} flows for {year}.",
            hint=f"BACI totals cover {DATASETS['baci'].span} ({DATASETS['baci'].last} incomplete); "
            f"pick a year in {DATASETS['baci'].usable_span}.",
        )
    f = f.copy()
    f["value"] = rescale(f["value"], str(f["scale"].iloc[0]), "millions")
    return f[["exporter", "importer", "year", "value"]]


def _gdp(year: int, store: Any) -> pd.Series:
    if store is not None:
        w = store.country_year()
    else:
        from tradegap.data import embedded

        w = embedded.load("wdi")
    w = w.loc[(w["year"] == year) & w["gdp"].notna() & (w["gdp"] > 0)]
    return w.set_index("iso3")["gdp"] / 1e6  # current USD → USD millions


def fta_coefficient(fta: FtaChoice = "estimated") -> tuple[float, float | None, str]:
    """The FTA coefficient of the scenarios: (coef, s.e., source in words).

    ``"estimated"`` (default): :func:`tradegap.agreements.fta_effect`, PPML with pair fixed effects on the
    shipped BACI panel with the WTO RTA-IS agreements; ``"guide"``: the Advanced Guide's 0.557.
    """
    from tradegap import agreements

    check_option("fta", fta, FtaChoice, "fta_coefficient")
    if fta == "guide":
        return FTA_COEF, None, FTA_SOURCE
    e = agreements.fta_effect()
    return e.coef, e.se, "estimated: " + e.describe() + " (international flows only; pass fta='guide' for 0.557)"


def sanction_coefficient() -> tuple[float, float, str, tuple[str, ...]]:
    """The trade-sanction coefficient: (coef, s.e., source in words, fit notes), from the 1960-2020 panel."""
    from tradegap import sanctions_effect

    e = sanctions_effect.long_panel_effect("pooled")
    t = e.terms.set_index("term").loc["sanction_trade"]
    src = (f"estimated on the long panel: {e.formula}; {e.sample}; N = {e.nobs:,}; identified by "
           f"{int(t['switchers']):,} pairs whose sanction status changes ({int(t['onsets']):,} onsets, "
           f"{int(t['ends']):,} ends) (tradegap.sanctions_effect)")
    return float(t["coef"]), float(t["se"]), src, tuple(f"Sanction-effect fit: {w}" for w in e.warnings)


def world_baseline(
    year: int,
    *,
    store: Any = None,
    sigma: float = SIGMA,
    source: str = "baci",
    reference: str | None = None,
    sanctions: bool = True,
    fta: FtaChoice = "estimated",
) -> WorldBaseline:
    """A world GE baseline for ``year`` from BACI totals and WDI GDP (USD millions).

    Cost variables: ``fta`` (the share of ``year`` for which a free-trade agreement or customs union is
    in force, WTO RTA-IS; coefficient from :func:`fta_coefficient`), ``sanction`` (a GSDB trade sanction
    in force, if ``sanctions``; coefficient from :func:`sanction_coefficient`).  The calibrated residual
    is net of both terms, so baseline flows equal observed flows and a scenario changes only what it
    names: an FTA for a pair already in one changes nothing (see :func:`run_fta`).
    """
    sigma = check_sigma(sigma, "world_baseline")
    check_option("sanctions", sanctions, (True, False), "world_baseline")
    year = int(year)
    f = _flows(year, store, source)
    gdp = _gdp(year, store)
    cs = sorted((set(f["exporter"]) | set(f["importer"])) & set(gdp.index))
    dropped = sorted((set(f["exporter"]) | set(f["importer"])) - set(gdp.index))
    n = len(cs)
    pos = {c: k for k, c in enumerate(cs)}
    X = np.zeros((n, n))
    f = f.loc[f["exporter"].isin(pos) & f["importer"].isin(pos) & (f["exporter"] != f["importer"])]
    X[f["exporter"].map(pos).to_numpy(), f["importer"].map(pos).to_numpy()] = f["value"].to_numpy(float)
    exports = X.sum(axis=1)
    g = gdp.reindex(cs).to_numpy(float)
    dom = g - exports
    floor = DOMESTIC_FLOOR * g
    floored = [cs[i] for i in np.flatnonzero(dom < floor)]
    dom = np.maximum(dom, floor)
    X[np.arange(n), np.arange(n)] = dom
    notes = [
        f"Data: CEPII BACI goods trade totals {year} (USD millions) for {n} countries with WDI GDP.",
        "BACI has no domestic flows: domestic sales = WDI GDP (current USD) minus total goods exports"
        + (f", floored at {DOMESTIC_FLOOR:.0%} of GDP for {', '.join(floored)}" if floored else "")
        + "; output Y_i and expenditure E_j are the row and column sums (trade imbalances kept as "
        "multiplicative deficits).",
        "Baseline trade costs calibrated to reproduce the observed flows exactly; pairs without recorded "
        "trade keep zero trade in every scenario.",
    ]
    if dropped:
        notes.append(f"Left out for lack of WDI GDP in {year}: {', '.join(dropped[:15])}"
                     + (" ..." if len(dropped) > 15 else "") + ".")
    from tradegap import agreements

    F = np.zeros((n, n))
    ag = agreements.indicator([year]) if agreements.COVERAGE[0] <= year <= agreements.COVERAGE[1] else None
    if ag is not None:
        ag = ag.loc[ag["exporter"].isin(pos) & ag["importer"].isin(pos) & (ag["fta_cu"] > 0)]
        F[ag["exporter"].map(pos).to_numpy(), ag["importer"].map(pos).to_numpy()] = ag["fta_cu"].to_numpy(float)
    b_fta, se_fta, src_fta = fta_coefficient(fta)
    notes.append(f"Agreements in force in {year} (WTO RTA-IS, FTA or customs union, share of the year) are the "
                 f"baseline's fta term: {int((F > 0).sum()) // 2:,} country pairs.")
    variables = ["fta"]
    coefs = [b_fta]
    ses = [0.0 if se_fta is None else se_fta]
    xs = [F]
    table = [{"variable": "fta", "coef": b_fta, "se": se_fta, "source": src_fta}]
    if sanctions:
        from tradegap import sanctions as sanc

        try:
            ind = sanc.indicator(years=[year])
        except CoverageError:
            ind = sanc.indicator(years=[year], partial=True)
            notes.append(f"GSDB sanctions for {year} are a lower bound (shipped cases cover {DATASETS['gsdb'].span}).")
        ind = ind.loc[ind["exporter"].isin(pos) & ind["importer"].isin(pos) & (ind["sanction_trade"] > 0)]
        S = np.zeros((n, n))
        S[ind["exporter"].map(pos).to_numpy(), ind["importer"].map(pos).to_numpy()] = 1.0
        b, se, src, fit_notes = sanction_coefficient()
        notes.extend(fit_notes)
        variables.append("sanction")
        coefs.append(b)
        ses.append(se)
        xs.append(S)
        table.append({"variable": "sanction", "coef": b, "se": se, "source": src})
    return baseline_from_arrays(year, cs, X, dict(zip(variables, xs, strict=True)), coefs, ses, table, notes,
                                sigma=sigma, reference=reference)


def baseline_from_arrays(
    year: int,
    countries: Sequence[str],
    observed: np.ndarray,
    costs: Mapping[str, np.ndarray],
    coef: Sequence[float],
    se: Sequence[float],
    table: Sequence[Mapping[str, Any]],
    notes: Sequence[str],
    *,
    sigma: float = SIGMA,
    reference: str | None = None,
) -> WorldBaseline:
    """The world GE baseline from its data: what :func:`world_baseline` assembles, or what the world
    model stored (:func:`tradegap.world.scenario_baseline`).

    Parameters
    ----------
    year, countries
        Baseline year; the N countries (ISO3) in model order.
    observed
        N×N flows, USD millions, domestic sales on the diagonal; output and expenditure are its row
        and column sums.
    costs
        Cost variables in order (``fta``, ``sanction``), each an N×N matrix.
    coef, se
        One coefficient and standard error per cost variable.
    table, notes
        The coefficients table (``variable, coef, se, source`` records) and the baseline's assumptions.
    """
    cs = list(countries)
    X = np.asarray(observed, dtype=float)
    Y, E = X.sum(axis=1), X.sum(axis=0)
    x = np.stack([np.asarray(m, dtype=float) for m in costs.values()])
    coef_ = np.asarray(coef, dtype=float)
    ses = np.asarray(se, dtype=float)
    resid = calibrated_residual(X, Y, E) - np.tensordot(coef_, x, axes=(0, 0))
    cost = CostStructure(
        variables=tuple(costs), x=x, coef=coef_, residual=resid, se=ses, vcov=np.diag(np.square(ses))
    )
    if reference is None:
        reference = next(c for c in ("DEU", "USA", cs[0]) if c in cs)
    elif reference not in cs:
        raise InputError(
            f"The reference country {reference!r} is not in the {year} GE model ({len(cs)} countries).",
            hint="Choose a country of the model as reference (its inward multilateral resistance is set to 1), "
            "e.g. DEU or USA.",
        )
    base = Baseline(
        countries=tuple(cs),
        output=Y,
        expenditure=E,
        costs=cost,
        sigma=sigma,
        reference=reference,
        observed=X,
        year=int(year),
        unit="USD millions",
        notes=tuple(notes),
    )
    return WorldBaseline(baseline=base, coefficients=pd.DataFrame(list(table)), assumptions=tuple(notes))


def _code(name: str) -> str:
    """A country code, group (EAEU, EU, ...) or ``*`` from a code or a country name, as every command accepts."""
    c = canon(name)
    if c in GROUPS or c in ("*", "ALL", "WORLD") or re.fullmatch(r"[A-Z]{3}", c):
        return c
    return countries.to_iso3(name)


def _members(codes: Sequence[str] | str | None) -> tuple[str, ...]:
    if codes is None:
        return ()
    if isinstance(codes, str):
        codes = [c for c in codes.replace(";", ",").split(",") if c.strip()]
    return tuple(_code(c) for c in codes)


def fta_changes(a: str, b: str, members: Sequence[str] | str | None = None) -> tuple[Change, ...]:
    """FTA between ``a`` and ``b`` (+ ``members``): set ``fta`` = 1 both ways."""
    side_b = (canon(b), *_members(members))
    return (Change("set", PairSelection(between=((canon(a),), side_b)), variable="fta", value=1.0),)


class AgreementInForceError(InputError):
    """The pair already has the agreement the scenario would create."""


def _fta_plan(a: str, b: str, members: Sequence[str] | str | None, year: int,
              deepen: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """Which pairs get a new FTA, which an explicit deepening, and notes; refuses double counting.

    A pair whose FTA or customs union is in force for the whole year gets no new FTA: without
    ``deepen`` the scenario refuses (or, for bloc members, leaves the pair out and says so); with
    ``deepen`` a pair in an FTA moves to a customs union (the estimated customs-union premium), and a
    pair already in a customs union is refused (the deepest level the model distinguishes).
    """
    from tradegap import agreements

    side_b = (canon(b), *_members(members))
    a = canon(a)
    new, deeper, notes, full = [], [], [], []
    for c in side_b:
        if c == a:
            continue
        f = agreements.in_force(a, c, year)
        ind = agreements.indicator([year])
        row = ind[(ind["exporter"] == a) & (ind["importer"] == c)]
        share = float(row["fta_cu"].iloc[0]) if len(row) else 0.0
        if share >= 1.0:
            full.append((c, f))
            if deepen and f.deepest == "FTA":
                deeper.append((a, c))
                notes.append(f"{f.describe()} Modelled as a deepening to a customs union (--deepen).")
            elif deepen:
                raise AgreementInForceError(
                    f"{f.describe()} A customs union is the deepest agreement the model distinguishes, so there is "
                    "nothing to deepen.",
                    hint="Use `scenario cost A B --change -10%` to model a further cut in their trade costs.",
                )
            else:
                notes.append(f"{f.describe()} No new FTA for this pair (it would be counted twice).")
        else:
            new.append((a, c))
            if share > 0:
                notes.append(f"{f.describe()} It was in force for {share:.0%} of {year}; the scenario adds the "
                             "rest of the year (fta set to 1), never a second agreement.")
            elif f.any:
                notes.append(f"{f.describe()} (not an FTA or customs union: the FTA term applies in full).")
    if full and not new and not deeper:
        c, f = full[0]
        raise AgreementInForceError(
            f"{f.describe()} An FTA between them is not a new agreement: the baseline already carries it, and the "
            f"scenario would count it twice.",
            hint="Pass --deepen to model moving from an FTA to a customs union, or pick a pair without an agreement "
            "(`tradegap scenario fta A B --year Y`).",
        )
    if deepen and not deeper:
        raise InputError(
            f"--deepen needs a pair already in a free-trade agreement in {year}; {a}–{'/'.join(side_b)} has none.",
            hint="Leave out --deepen to model a new FTA.",
        )
    return new, deeper, notes


def sanctions_lifted_changes(country: str, by: Sequence[str] | str | None = None,
                             partner: str | None = None) -> tuple[Change, ...]:
    """Lift trade sanctions on flows of ``country`` (by given senders, or with ``partner``, or all)."""
    c = canon(country)
    senders = _members(by)
    if senders:
        sel = PairSelection(between=((c,), senders))
    elif partner is not None:
        sel = PairSelection(between=((c,), (canon(partner),)))
    else:
        sel = PairSelection(between=((c,), ("*",)))
    return (Change("set", sel, variable="sanction", value=0.0),)


def cost_changes(a: str, b: str, percent: float) -> tuple[Change, ...]:
    """Scale the iceberg trade cost between ``a`` and ``b`` (both directions) by ``percent``."""
    if percent <= -100:
        raise InputError(f"A trade-cost change of {percent}% would make costs non-positive.")
    return (Change("scale", PairSelection(between=((canon(a),), (canon(b),))), percent=float(percent)),)


def _run(world: WorldBaseline, name: str, changes: Sequence[Change], pair: tuple[str, str] | None,
         extra: Sequence[str] = ()) -> GEResult:
    b = world.baseline
    notes: list[str] = []
    new = apply_changes(b, changes, notes)
    notes += [f"Change: {c.describe()}." for c in changes]
    for row in world.coefficients.itertuples(index=False):
        notes.append(f"Coefficient {row.variable} = {row.coef:.4f}: {row.source}.")
    return simulate(b, new, name=name, pair=pair, assumptions=tuple(notes) + tuple(extra))


def run_fta(a: str, b: str, *, year: int, members=None, store=None, sigma: float = SIGMA, deepen: bool = False,
            fta: FtaChoice = "estimated") -> GEResult:
    """FTA scenario on the shipped data (agreements in force are in the baseline; never counted twice).

    Raises
    ------
    AgreementInForceError
        The pair (every pair, with ``members``) already has an FTA or customs union for the whole year,
        and ``deepen`` is False; or ``deepen`` is asked for a customs union.
    """
    check_sigma(sigma, "run_fta")
    check_option("deepen", deepen, (True, False), "run_fta")
    check_option("fta", fta, FtaChoice, "run_fta")
    a, b = check_pair(_code(a), _code(b), "an FTA scenario", given=(a, b))
    new, deeper, notes = _fta_plan(a, b, members, int(year), deepen)
    w = world_baseline(year, store=store, sigma=sigma, sanctions=False, fta=fta)
    _check_pair(w.baseline, a, b)
    changes: list[Change] = []
    if new:
        changes.append(Change("set", PairSelection(between=((a,), tuple(c for _, c in new))), variable="fta",
                              value=1.0))
    extra = list(notes)
    if deeper:
        from tradegap import agreements

        e = agreements.deepening_effect()
        pct = 100 * (np.exp(e.coef) - 1)
        changes.append(Change("scale", PairSelection(between=((a,), tuple(c for _, c in deeper))),
                              percent=100 * (np.exp(-e.coef / (sigma - 1)) - 1)))
        extra.append(f"Deepening: trade costs cut so that pair trade rises by the estimated customs-union premium "
                     f"at constant multilateral terms ({pct:+.1f}%, {e.describe()}).")
    name = ("Deepening " if deeper and not new else "FTA ") + f"{a}-{b}" + (
        f" (+{','.join(_members(members))})" if members else "")
    return _run(w, name, tuple(changes), (a, b), extra)


@dataclass(frozen=True)
class SanctionsLifted:
    """Sanctions lifted, two ways, side by side.

    ``results["normal_cost"]``: each sanctioned flow's trade cost returns to its **normal** level, the
    stage-2 structural cost without the sanction (:func:`tradegap.views.potential.normal_flows`), so a
    flow held near zero can recover; ``results["coefficient"]``: the sanction term is switched off at
    its estimated coefficient (:func:`sanction_coefficient`), which moves each flow by the same
    percentage and keeps a near-zero flow near zero.  ``flows``: the lifted directed pairs with their
    baseline trade (``before``), normal trade without the sanction (``normal``) and the trade after each
    variant (``after_normal_cost``, ``after_coefficient``), USD millions.
    """

    country: str
    senders: tuple[str, ...]
    year: int
    results: dict[str, GEResult]
    flows: pd.DataFrame
    assumptions: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.results["normal_cost"].name.replace(" (normal cost)", "")

    def to_frame(self) -> pd.DataFrame:
        """One row per variant: the country's exports, imports and real GDP change (%), lifted flows' trade."""
        rows = []
        for key, r in self.results.items():
            c = r.country(self.country)
            col = f"after_{key}"
            rows.append({
                "variant": key, "description": r.name,
                f"{self.country}_exports_change_pct": c["exports_change_pct"],
                f"{self.country}_imports_change_pct": c["imports_change_pct"],
                f"{self.country}_real_gdp_change_pct": c["real_gdp_change_pct"],
                "lifted_flows_before": float(self.flows["before"].sum()),
                "lifted_flows_after": float(self.flows[col].sum()),
            })
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "senders": list(self.senders), "year": self.year,
                "summary": self.to_frame().to_dict(orient="records"),
                "flows": self.flows.to_dict(orient="records"),
                "variants": {k: v.to_dict() for k, v in self.results.items()},
                "assumptions": list(self.assumptions)}


def run_sanctions_lifted(country: str, *, year: int, by=None, partner: str | None = None, store=None,
                         sigma: float = SIGMA, baseline: WorldBaseline | None = None,
                         normal: tuple[pd.DataFrame, dict[str, float], list[str]] | None = None) -> SanctionsLifted:
    """Lift the GSDB trade sanctions in force on ``country`` (by ``by``, or with ``partner``, or all), two ways.

    ``baseline`` and ``normal``: the world baseline of ``year`` at ``sigma`` (sanctions in) and the normal
    flows without the sanction term, if the caller has them (the world model stores both:
    :func:`tradegap.world.scenario_baseline`, :func:`tradegap.world.normal_flows`); default: computed here
    (:func:`world_baseline`, :func:`tradegap.views.potential.normal_flows`).

    Raises
    ------
    CoverageError
        No GSDB trade sanction in force in ``year`` on the selected flows.
    """
    from tradegap.views.potential import NORMAL_INCLUDES, NORMAL_LEAVES_OUT, normal_flows

    check_sigma(sigma, "run_sanctions_lifted")
    c = _code(country)
    partner = None if partner is None else _code(partner)
    _check_baseline(baseline, int(year), sigma, "run_sanctions_lifted")
    w = baseline if baseline is not None else world_baseline(year, store=store, sigma=sigma, sanctions=True)
    b = w.baseline
    b.position(c)
    changes = sanctions_lifted_changes(c, by, partner)
    k = b.costs.index("sanction")
    mask = changes[0].select.mask(b) & (b.costs.x[k] > 0)
    senders = _members(by) or ((canon(partner),) if partner else ("*",))
    if not mask.any():
        raise CoverageError(
            f"No GSDB trade sanction in force in {year} on flows between {c} and "
            f"{'any partner' if senders == ('*',) else ','.join(senders)}: nothing to lift.",
            hint="See `tradegap sanctions COUNTRY` for the cases and their years (GSDB covers 2013-2022 here).",
        )
    ii, jj = np.nonzero(mask)
    cs = b.countries
    # coefficient variant: the sanction term switched off
    coef_notes: list[str] = []
    coef_costs = apply_changes(b, changes, coef_notes)
    # normal-cost variant: each lifted flow's log cost set to reproduce its normal trade without the sanction
    nf, s1coef, pnotes = normal if normal is not None else normal_flows(int(year), store=store,
                                                                         without=("sanction_trade",))
    key = nf.set_index(["exporter", "importer"])["potential_without"]
    target = key.reindex(pd.MultiIndex.from_arrays([[cs[i] for i in ii], [cs[j] for j in jj]])).to_numpy(float)
    Y, E = b.output, b.expenditure
    r = coef_costs.residual.copy()
    index = np.tensordot(coef_costs.coef, coef_costs.x, axes=(0, 0))  # the variables' part, finite everywhere
    ok = np.isfinite(target) & (target > 0)
    with np.errstate(divide="ignore"):
        r_new = np.log(target) + np.log(Y.sum()) - np.log(Y[ii]) - np.log(E[jj])
    # calibrated baseline: all MRs are 1, so X_ij = Y_i E_j / Y * exp(log cost); a zero flow can recover here
    r[ii[ok], jj[ok]] = r_new[ok] - index[ii[ok], jj[ok]]
    normal_costs = replace(coef_costs, residual=r)
    missing = [f"{cs[i]}->{cs[j]}" for i, j, good in zip(ii, jj, ok) if not good]
    bs, ses, _, _ = sanction_coefficient()
    name = f"Sanctions on {c} lifted" + (f" by {','.join(_members(by))}" if by else "") + (
        f" (pair {c}-{canon(partner)})" if partner and not by else "")
    pair = (c, senders[0]) if len(senders) == 1 and senders != ("*",) else None
    common = [f"Lifted: {len(ii)} directed flows with a GSDB trade sanction in force in {year}.",
              *(f"Coefficient {row.variable} = {row.coef:.4f}: {row.source}." for row in w.coefficients.itertuples())]
    normal = simulate(b, normal_costs, name=name + " (normal cost)", pair=pair, assumptions=tuple(
        ["Variant 'normal cost': each lifted flow's trade cost returns to the stage-2 normal cost of the pair "
         "without the sanction (tradegap.potential, CEPII BACI), i.e. the flow it would have at the baseline's "
         "multilateral terms is its structural potential without the sanction term; a flow held near zero by the "
         "sanction can recover (also a flow with no recorded trade). Assumes the whole gap between the sanctioned flow and its normal level is the "
         "sanction's doing (an upper bound when other frictions, e.g. banking, remain).",
         NORMAL_INCLUDES, NORMAL_LEAVES_OUT, *common]
        + ([f"No potential for {', '.join(missing)}: left at the coefficient variant."] if missing else [])))
    coefr = simulate(b, coef_costs, name=name + " (coefficient)", pair=pair, assumptions=tuple(
        [f"Variant 'coefficient': the sanction term is switched off at its estimated coefficient "
         f"({bs:.3f}, s.e. {ses:.3f}): every lifted flow rises by the same {100 * (np.exp(-bs) - 1):.0f}% at constant "
         "multilateral terms, so a flow near zero stays near zero. It is the average effect of a sanction's onset or "
         "end in 1960-2020, not the effect of ending a long-standing complete embargo.", *coef_notes, *common]))
    fl = pd.DataFrame({"exporter": [cs[i] for i in ii], "importer": [cs[j] for j in jj]})
    pn = normal.pairs.set_index(["exporter", "importer"])
    pc = coefr.pairs.set_index(["exporter", "importer"])
    idx = pd.MultiIndex.from_frame(fl)
    fl["before"] = pn["trade_baseline"].reindex(idx).to_numpy()
    fl["normal"] = target
    fl["after_normal_cost"] = pn["trade_counterfactual"].reindex(idx).to_numpy()
    fl["after_coefficient"] = pc["trade_counterfactual"].reindex(idx).to_numpy()
    return SanctionsLifted(country=c, senders=tuple(senders), year=int(year),
                           results={"normal_cost": normal, "coefficient": coefr}, flows=fl,
                           assumptions=w.assumptions + tuple(pnotes))


def run_cost(a: str, b: str, *, year: int, percent: float = -20.0, store=None, sigma: float = SIGMA) -> GEResult:
    """Bilateral trade-cost scenario on the shipped data (countries by code or name)."""
    check_sigma(sigma, "run_cost")
    check_number("percent", percent, "run_cost", low=-100, low_open=True,
                 hint="A trade-cost change of -100% or less would make costs non-positive.")
    a, b = check_pair(_code(a), _code(b), "a trade-cost scenario", given=(a, b))
    w = world_baseline(year, store=store, sigma=sigma, sanctions=False)
    _check_pair(w.baseline, a, b)
    return _run(w, f"Trade cost {a}-{b} {percent:+g}%", cost_changes(a, b, percent), (canon(a), canon(b)))


def _check_pair(b: Baseline, a: str, c: str) -> None:
    b.position(canon(a))
    b.position(canon(c))


@dataclass(frozen=True)
class PairScenarios:
    """The three standard scenarios for a pair, side by side.

    Attributes
    ----------
    a, b
        The pair (ISO3).
    year, sigma
        Baseline year and elasticity of substitution.
    results
        Scenario name → :class:`GEResult` (keys ``"fta"``, ``"sanctions_lifted"``, ``"cost_-20%"``).
    assumptions
        Data and coefficient statements shared by the scenarios.
    coefficients
        Cost coefficients with their source (estimated or literature).
    """

    a: str
    b: str
    year: int
    sigma: float
    results: dict[str, GEResult]
    assumptions: tuple[str, ...]
    coefficients: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario: pair trade change, and both countries' exports and real GDP changes (%)."""
        rows = []
        for key, r in self.results.items():
            ca, cb = r.country(self.a), r.country(self.b)
            p = r.pair
            rows.append({
                "scenario": key,
                "description": r.name,
                "pair_trade_change_pct": None if p is None else p.trade_change_pct,
                f"{self.a}_exports_change_pct": ca["exports_change_pct"],
                f"{self.b}_exports_change_pct": cb["exports_change_pct"],
                f"{self.a}_real_gdp_change_pct": ca["real_gdp_change_pct"],
                f"{self.b}_real_gdp_change_pct": cb["real_gdp_change_pct"],
                "world_real_gdp_change_pct": r.world_real_gdp_change_pct(),
                "actual_potential_before": None if p is None else p.ratio_before,
                "actual_potential_after": None if p is None else p.ratio_after,
            })
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: summary rows, per-scenario details, assumptions, coefficients."""
        return {
            "a": self.a,
            "b": self.b,
            "year": self.year,
            "sigma": self.sigma,
            "summary": self.to_frame().to_dict(orient="records"),
            "scenarios": {k: v.to_dict() for k, v in self.results.items()},
            "assumptions": list(self.assumptions),
            "coefficients": self.coefficients.to_dict(orient="records"),
        }


def _check_baseline(baseline: WorldBaseline | None, year: int, sigma: float, where: str) -> None:
    """A baseline handed in must be the one asked for: same year and σ, with the sanction term."""
    if baseline is None:
        return
    b = baseline.baseline
    if b.year != year or b.sigma != sigma or "sanction" not in b.costs.variables:
        raise InputError(f"The baseline passed to {where} is for {b.year} at σ = {b.sigma:g}"
                         f"{'' if 'sanction' in b.costs.variables else ' without sanctions'}; the scenarios ask "
                         f"for {year} at σ = {sigma:g} with sanctions.",
                         hint="Pass the world baseline of the same year and σ (tradegap.world.scenario_baseline).")


def pair_scenarios(
    a: str,
    b: str,
    *,
    year: int,
    store: Any = None,
    sigma: float = SIGMA,
    members: Sequence[str] | str | None = None,
    cost_change: float = -20.0,
    potential: float | None = None,
    baseline: WorldBaseline | None = None,
) -> PairScenarios:
    """FTA, sanctions lifted and a trade-cost cut for the pair ``a``–``b``, side by side.

    Parameters
    ----------
    a, b
        ISO3 codes.
    year
        Baseline year (BACI totals: 2000-2019; sanctions data cover 2013-2022).
    store
        A :class:`tradegap.store.Store` (ingested BACI/WDI); None uses the shipped data.
    sigma
        Elasticity of substitution (> 1); the Guide uses 7.
    members
        Partners joining ``b`` in the FTA (e.g. ``"EAEU"``).
    cost_change
        The trade-cost scenario, % change of the iceberg cost (default −20).
    potential
        The pair's potential trade (both directions, USD millions, e.g. from
        :mod:`tradegap.potential`); the actual/potential ratios are measured against it.
        Without it they are measured against the model baseline, which with calibrated
        trade costs equals actual trade (ratio 1 before the scenario).
    baseline
        The world baseline of ``year`` at ``sigma`` if the caller has it (the world model stores
        every year's, :func:`tradegap.world.scenario_baseline`); default: :func:`world_baseline`.

    Returns
    -------
    PairScenarios

    Notes
    -----
    The sanctions scenario lifts every GSDB trade sanction in force in ``year`` between
    ``a`` or ``b`` and any partner (the pair's own and third-country sanctions).
    """
    a, b = canon(a), canon(b)
    check_pair(a, b, "pair_scenarios")
    check_sigma(sigma, "pair_scenarios")
    check_number("cost_change", cost_change, "pair_scenarios", low=-100, low_open=True,
                 hint="A trade-cost change of -100% or less would make costs non-positive.")
    _check_baseline(baseline, int(year), sigma, "pair_scenarios")
    w = baseline if baseline is not None else world_baseline(year, store=store, sigma=sigma, sanctions=True)
    _check_pair(w.baseline, a, b)
    res: dict[str, GEResult] = {}
    try:
        _, _, fta_notes = _fta_plan(a, b, members, int(year), False)
    except AgreementInForceError as exc:  # already in an FTA/CU all year: the scenario changes nothing
        fta_notes = [exc.message + " The FTA scenario therefore changes nothing for this pair."]
    res["fta"] = _run(w, f"FTA {a}-{b}" + (f" (+{','.join(_members(members))})" if members else ""),
                      fta_changes(a, b, members), (a, b), fta_notes)
    k = w.baseline.costs.index("sanction")
    pa, pb = w.baseline.position(a), w.baseline.position(b)
    S = w.baseline.costs.x[k]
    extra = []
    if not (S[pa].any() or S[:, pa].any() or S[pb].any() or S[:, pb].any()):
        extra.append(f"No GSDB trade sanction in force in {year} on {a} or {b}: nothing to lift.")
    lift = (Change("set", PairSelection(between=((a, b), ("*",))), variable="sanction", value=0.0),)
    res["sanctions_lifted"] = _run(w, f"Trade sanctions on {a} and {b} lifted", lift, (a, b), extra)
    res[f"cost_{cost_change:+g}%"] = _run(w, f"Trade cost {a}-{b} {cost_change:+g}%",
                                          cost_changes(a, b, cost_change), (a, b))
    if potential is not None:
        res = {k: replace(v, pair=v.pair.with_potential(potential, "supplied potential (tradegap.potential)"))
               if v.pair is not None else v for k, v in res.items()}
    return PairScenarios(a=a, b=b, year=int(year), sigma=float(sigma), results=res,
                         assumptions=w.assumptions, coefficients=w.coefficients)


def _world_calibration(spec: ScenarioSpec) -> Calibration:
    """Calibration from tradegap's shipped data ([data] source = "baci")."""
    if spec.data.source != "baci":
        raise InputError(f"[data] source must be 'baci' (the shipped BACI totals); got {spec.data.source!r}.")
    if spec.year is None:
        raise InputError("[data] source = 'baci' needs the scenario's 'year'.")
    w = world_baseline(spec.year, sigma=spec.sigma, reference=spec.reference, sanctions=True)
    b = w.baseline
    coef = w.coefficients
    for v, fc in spec.coefficients.items():
        k = b.costs.index(v)
        c = b.costs.coef.copy()
        c[k] = fc.coef
        # keep the calibrated baseline: shift the residual by the change of the coefficient's contribution
        r = b.costs.residual - (fc.coef - b.costs.coef[k]) * b.costs.x[k]
        b = b.with_costs(replace(b.costs, coef=c, residual=r))
        coef = coef.copy()
        coef.loc[coef["variable"] == v, ["coef", "se", "source"]] = [fc.coef, fc.se, fc.source or "fixed (scenario file)"]
    return Calibration(baseline=b, coefficients=coef, nobs=None, notes=w.assumptions)


def run_scenario(
    spec: ScenarioSpec | str | Mapping[str, Any],
    data: pd.DataFrame | None = None,
    *,
    calibration: Calibration | None = None,
    progress: Progress | None = None,
) -> ScenarioResult:
    """Run a TOML scenario; ``[data] source = "baci"`` calibrates on the shipped BACI totals.

    Same parameters as :func:`tradegap.ge.scenario.run_scenario` (the pure runner it calls).
    """
    return _run_scenario(spec, data, calibration=calibration, progress=progress, world=_world_calibration)
