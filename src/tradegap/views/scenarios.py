"""The three standard planning scenarios for a country pair, on tradegap's own data.

:func:`world_baseline` builds a world GE baseline for one year from the shipped (or
ingested) CEPII BACI totals and WDI GDP; :func:`pair_scenarios` runs, side by side,

1. **FTA**: a free-trade agreement between ``a`` and ``b`` (optionally with ``b``'s bloc
   partners, e.g. the EAEU), with the RTA effect of the Advanced Guide
   (β = 0.557 on :math:`\\ln t^{1-\\sigma}`; Yotov, Piermartini, Monteiro & Larch 2016, ch. 2,
   PPML with pair fixed effects on the 1986–2006 manufacturing panel — reproduced by
   ``examples/nafta_removal.toml``), a fixed coefficient taken from the literature;
2. **sanctions lifted**: every GSDB trade sanction in force that year on flows of ``a`` or
   ``b`` (or only those by given senders) switched off, with the sanctions coefficient
   **estimated** by PPML (:func:`tradegap.estimate.fepois`) on the BACI panel 2013–2019
   (every other year, international flows, exporter-year, importer-year and pair fixed
   effects) with :func:`tradegap.sanctions.indicator`;
3. **cost −20%**: the iceberg trade cost between ``a`` and ``b`` cut by 20% (e.g. a cheaper
   North–South corridor).

Data assumptions (stated in every result): BACI has no domestic flows, so domestic sales
are constructed as WDI GDP (current USD) minus total goods exports, floored at 10% of GDP
for entrepôt economies whose goods exports exceed GDP; baseline trade costs are calibrated
to reproduce the observed flows exactly (pairs with no recorded trade keep zero trade).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np
import pandas as pd

from tradegap.cache import CACHE, store_fingerprint
from tradegap.coverage import DATASETS
from tradegap.data.schema import rescale
from tradegap.defaults import SIGMA
from tradegap.errors import CoverageError, InputError
from tradegap.fitnotes import collect_warnings
from tradegap.ge.api import simulate
from tradegap.ge.changes import Change, PairSelection, apply_changes, canon
from tradegap.ge.model import Baseline, CostStructure, calibrated_residual, check_sigma
from tradegap.ge.results import GEResult
from tradegap.ge.scenario import Calibration, ScenarioResult, ScenarioSpec
from tradegap.ge.scenario import run_scenario as _run_scenario
from tradegap.progress import Progress
from tradegap.validation import check_number, check_option, check_pair

#: The RTA coefficient used for FTA scenarios (Yotov et al. 2016, ch. 2; pair-FE PPML).
FTA_COEF = 0.557
FTA_SOURCE = (
    "Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy Analysis, ch. 2: "
    "RTA coefficient 0.557 (PPML with exporter-year, importer-year and pair fixed effects, 1986-2006); "
    "fixed coefficient from the literature"
)
SANCTION_YEARS = (2013, 2015, 2017, 2019)
DOMESTIC_FLOOR = 0.10


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


def _sanction_coefficient() -> tuple[float, float, int, tuple[str, ...]]:
    """PPML estimate of the trade-sanction effect on the embedded BACI panel (coef, se, N, fit notes).

    Cached in :data:`tradegap.cache.CACHE` under the embedded data's fingerprint.
    """
    return CACHE.get_or_compute(store_fingerprint(None), ("sanction_coefficient", SANCTION_YEARS),
                                _estimate_sanction_coefficient)


def _estimate_sanction_coefficient() -> tuple[float, float, int, tuple[str, ...]]:
    from tradegap import sanctions
    from tradegap.data import embedded
    from tradegap.estimate import fepois

    f = embedded.load("flows_baci")
    f = f.loc[f["year"].isin(SANCTION_YEARS), ["exporter", "importer", "year", "value"]]
    cs = sorted(set(f["exporter"]) & set(f["importer"]))
    idx = pd.MultiIndex.from_product([cs, cs, list(SANCTION_YEARS)], names=["exporter", "importer", "year"])
    p = idx.to_frame(index=False)
    p = p.loc[p["exporter"] != p["importer"]]
    p = p.merge(f, how="left", on=["exporter", "importer", "year"])
    p["value"] = rescale(p["value"].fillna(0.0), "thousands", "millions")  # embedded BACI: USD thousands
    ind = sanctions.indicator(years=list(SANCTION_YEARS))[["exporter", "importer", "year", "sanction_trade"]]
    p = p.merge(ind, how="left", on=["exporter", "importer", "year"])
    p["sanction_trade"] = p["sanction_trade"].fillna(0).astype(float)
    notes: list[str] = []
    with collect_warnings(notes):
        fit = fepois(
            "value ~ sanction_trade | exporter^year + importer^year + exporter^importer", p, vcov="cluster:pair"
        )
    return (float(fit.coef["sanction_trade"]), float(fit.se["sanction_trade"]), int(fit.nobs),
            tuple(f"Sanction-effect fit: {n}" for n in notes))


def world_baseline(
    year: int,
    *,
    store: Any = None,
    sigma: float = SIGMA,
    source: str = "baci",
    reference: str = "DEU",
    sanctions: bool = True,
) -> WorldBaseline:
    """A world GE baseline for ``year`` from BACI totals and WDI GDP (USD millions).

    Cost variables: ``fta`` (0 everywhere in the baseline; existing agreements are in the
    calibrated costs), ``sanction`` (GSDB trade sanction in force, if ``sanctions``).
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
    Y, E = X.sum(axis=1), X.sum(axis=0)
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
    variables = ["fta"]
    coefs = [FTA_COEF]
    ses = [0.0]
    xs = [np.zeros((n, n))]
    table = [{"variable": "fta", "coef": FTA_COEF, "se": None, "source": FTA_SOURCE}]
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
        b, se, nobs, fit_notes = _sanction_coefficient()
        notes.extend(fit_notes)
        variables.append("sanction")
        coefs.append(b)
        ses.append(se)
        xs.append(S)
        table.append({
            "variable": "sanction", "coef": b, "se": se,
            "source": f"estimated: PPML of BACI trade on the GSDB trade-sanction indicator, years "
                      f"{', '.join(map(str, SANCTION_YEARS))}, exporter-year, importer-year and pair fixed "
                      f"effects, international flows, N = {nobs} (tradegap.estimate.fepois)",
        })
    x = np.stack(xs)
    coef = np.array(coefs)
    resid = calibrated_residual(X, Y, E) - np.tensordot(coef, x, axes=(0, 0))
    costs = CostStructure(
        variables=tuple(variables), x=x, coef=coef, residual=resid, se=np.array(ses), vcov=np.diag(np.square(ses))
    )
    if reference not in cs:
        reference = "USA" if "USA" in cs else cs[0]
    base = Baseline(
        countries=tuple(cs),
        output=Y,
        expenditure=E,
        costs=costs,
        sigma=sigma,
        reference=reference,
        observed=X,
        year=year,
        unit="USD millions",
        notes=tuple(notes),
    )
    return WorldBaseline(baseline=base, coefficients=pd.DataFrame(table), assumptions=tuple(notes))


def _members(codes: Sequence[str] | str | None) -> tuple[str, ...]:
    if codes is None:
        return ()
    if isinstance(codes, str):
        codes = [c for c in codes.replace(";", ",").split(",") if c.strip()]
    return tuple(canon(c) for c in codes)


def fta_changes(a: str, b: str, members: Sequence[str] | str | None = None) -> tuple[Change, ...]:
    """FTA between ``a`` and ``b`` (+ ``members``): set ``fta`` = 1 both ways."""
    side_b = (canon(b), *_members(members))
    return (Change("set", PairSelection(between=((canon(a),), side_b)), variable="fta", value=1.0),)


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


def run_fta(a: str, b: str, *, year: int, members=None, store=None, sigma: float = SIGMA) -> GEResult:
    """FTA scenario on the shipped data."""
    check_sigma(sigma, "run_fta")
    w = world_baseline(year, store=store, sigma=sigma, sanctions=False)
    _check_pair(w.baseline, a, b)
    return _run(w, f"FTA {a}-{b}" + (f" (+{','.join(_members(members))})" if members else ""),
                fta_changes(a, b, members), (canon(a), canon(b)))


def run_sanctions_lifted(country: str, *, year: int, by=None, partner: str | None = None, store=None,
                         sigma: float = SIGMA) -> GEResult:
    """Sanctions-lifted scenario on the shipped data."""
    check_sigma(sigma, "run_sanctions_lifted")
    w = world_baseline(year, store=store, sigma=sigma, sanctions=True)
    c = canon(country)
    w.baseline.position(c)
    changes = sanctions_lifted_changes(c, by, partner)
    k = w.baseline.costs.index("sanction")
    extra = []
    if not w.baseline.costs.x[k].any():
        extra.append(f"No GSDB trade sanction in force in {year} among the countries modelled.")
    pair = (c, canon(partner)) if partner else None
    name = f"Sanctions on {c} lifted" + (f" by {','.join(_members(by))}" if by else "") + (
        f" (pair {c}-{canon(partner)})" if partner and not by else "")
    return _run(w, name, changes, pair, extra)


def run_cost(a: str, b: str, *, year: int, percent: float = -20.0, store=None, sigma: float = SIGMA) -> GEResult:
    """Bilateral trade-cost scenario on the shipped data."""
    check_sigma(sigma, "run_cost")
    check_number("percent", percent, "run_cost", low=-100, low_open=True,
                 hint="A trade-cost change of -100% or less would make costs non-positive.")
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
    w = world_baseline(year, store=store, sigma=sigma, sanctions=True)
    _check_pair(w.baseline, a, b)
    res: dict[str, GEResult] = {}
    res["fta"] = _run(w, f"FTA {a}-{b}" + (f" (+{','.join(_members(members))})" if members else ""),
                      fta_changes(a, b, members), (a, b))
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
    w = world_baseline(spec.year, sigma=spec.sigma, reference=spec.reference or "DEU", sanctions=True)
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
