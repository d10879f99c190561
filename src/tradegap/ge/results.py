"""Result objects of GE counterfactuals (frozen dataclasses with ``to_frame``/``to_dict``).

All changes are percentages: ``100 * (counterfactual / baseline - 1)``.  Trade changes
are computed from model-predicted flows
:math:`X_{ij} = (Y_i/Y) E_j t_{ij}^{1-\\sigma} / (\\Pi_i^{1-\\sigma} P_j^{1-\\sigma})` in the baseline
and in the counterfactual (as gegravity and the Guide do); "exports"/"imports" are
international (foreign) flows, domestic sales excluded.  Real GDP is output deflated by
the inward multilateral resistance, :math:`Y_i / P_i` (the Guide's definition).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from tradegap.ge.model import Baseline
from tradegap.ge.solve import Diagnostics, Solution

COUNTRY_COLUMNS: tuple[str, ...] = (
    "country",
    "exports_change_pct",
    "imports_change_pct",
    "real_gdp_change_pct",
    "imr_change_pct",
    "omr_change_pct",
    "factory_price_change_pct",
    "output_change_pct",
    "expenditure_change_pct",
    "welfare_change_pct",
    "domestic_trade_change_pct",
    "cond_exports_change_pct",
    "cond_imports_change_pct",
    "cond_real_gdp_change_pct",
    "cond_imr_change_pct",
    "cond_omr_change_pct",
)


def _pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return 100.0 * (np.asarray(new) / np.asarray(old) - 1.0)


def modeled_trade(t: np.ndarray, Y: np.ndarray, E: np.ndarray, imr_pow: np.ndarray, omr_pow: np.ndarray) -> np.ndarray:
    """Model flows :math:`X_{ij} = (Y_i/Y) E_j t_{ij}^{1-\\sigma} / (\\Pi_i^{1-\\sigma} P_j^{1-\\sigma})`, (N, N)."""
    return (Y / Y.sum())[:, None] * E[None, :] * t / omr_pow[:, None] / imr_pow[None, :]


@dataclass(frozen=True)
class PairOutcome:
    """The scenario's focal pair (both directions added): trade and actual/potential ratio.

    ``potential`` is the model-predicted (gravity) baseline trade of the pair and
    ``actual`` the observed one; after the scenario the actual flow is assumed to move by
    the simulated % change, so ``ratio_after = actual_after / potential``.
    """

    a: str
    b: str
    actual: float | None
    potential: float
    actual_after: float | None
    trade_change_pct: float
    ratio_before: float | None
    ratio_after: float | None
    unit: str
    potential_source: str = "model baseline (gravity-predicted) trade"

    def with_potential(self, potential: float, source: str) -> "PairOutcome":
        """The same outcome measured against another potential (e.g. tradegap.potential's)."""
        ok = potential is not None and potential > 0
        return replace(
            self,
            potential=float(potential),
            potential_source=source,
            ratio_before=None if self.actual is None or not ok else self.actual / potential,
            ratio_after=None if self.actual_after is None or not ok else self.actual_after / potential,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class GEResult:
    """Outcome of one GE counterfactual.

    Attributes
    ----------
    name
        Scenario name.
    countries
        Per-country frame, columns :data:`COUNTRY_COLUMNS` (full endowment GE, and the
        conditional GE with ``cond_`` prefix), in %.
    pairs
        Per-pair frame: exporter, importer, baseline and counterfactual model flows (in
        ``unit``), ``trade_change_pct``, ``cond_trade_change_pct``, ``cost_change_pct``
        (change of :math:`t^{1-\\sigma}`).
    levels
        Per-country levels: baseline/counterfactual IMR :math:`P`, OMR :math:`\\Pi`,
        factory-gate price, output, expenditure.
    sigma, reference, convention, deficits, year, unit
        Model settings.
    diagnostics
        Solver convergence diagnostics.
    assumptions
        Statements the results rest on (data construction, coefficient sources, ...).
    pair
        Focal-pair outcome or None.
    """

    name: str
    countries: pd.DataFrame
    pairs: pd.DataFrame
    levels: pd.DataFrame
    sigma: float
    reference: str
    convention: str
    deficits: str
    year: int | None
    unit: str
    diagnostics: Diagnostics
    assumptions: tuple[str, ...] = field(default_factory=tuple)
    pair: PairOutcome | None = None
    direction: str = "counterfactual_vs_baseline"

    def inverted(self) -> "GEResult":
        """The same result with % changes of the baseline relative to the counterfactual.

        The Guide reports e.g. the effects *of NAFTA* (baseline with NAFTA vs the
        counterfactual without it): ``100 * (baseline / counterfactual - 1)``.
        """

        def inv(v):
            return 100.0 / (1.0 + v / 100.0) - 100.0

        countries = self.countries.copy()
        for c in countries.columns:
            if c.endswith("_pct"):
                countries[c] = inv(countries[c])
        pairs = self.pairs.copy()
        for c in ("trade_change_pct", "cond_trade_change_pct", "cost_change_pct"):
            pairs[c] = inv(pairs[c])
        pair = self.pair
        if pair is not None:
            pair = replace(pair, trade_change_pct=float(inv(pair.trade_change_pct)))
        new_dir = (
            "baseline_vs_counterfactual" if self.direction == "counterfactual_vs_baseline" else "counterfactual_vs_baseline"
        )
        note = (
            "Changes reported as baseline relative to counterfactual: 100*(baseline/counterfactual - 1)."
            if new_dir == "baseline_vs_counterfactual"
            else "Changes reported as counterfactual relative to baseline."
        )
        return replace(self, countries=countries, pairs=pairs, pair=pair, direction=new_dir,
                       assumptions=self.assumptions + (note,))

    def country(self, iso3: str) -> pd.Series:
        """The row of one country."""
        rows = self.countries.loc[self.countries["country"] == iso3]
        if rows.empty:
            from tradegap.errors import UnknownCountryError

            raise UnknownCountryError(f"Country {iso3!r} is not in this result.")
        return rows.iloc[0]

    def world_real_gdp_change_pct(self) -> float:
        """% change of world real GDP :math:`\\sum_i Y_i/P_i` (baseline prices as weights)."""
        lv = self.levels
        base = (lv["output_baseline"] / lv["imr_baseline"]).sum()
        new = (lv["output_counterfactual"] / lv["imr_counterfactual"]).sum()
        return float(100.0 * (new / base - 1.0))

    def to_frame(self) -> pd.DataFrame:
        """The per-country frame (% changes)."""
        return self.countries.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: settings, per-country changes, changed pairs, diagnostics."""
        changed = self.pairs.loc[self.pairs["cost_change_pct"].abs() > 0]
        return {
            "scenario": self.name,
            "year": self.year,
            "sigma": self.sigma,
            "reference": self.reference,
            "convention": self.convention,
            "deficits": self.deficits,
            "direction": self.direction,
            "unit": self.unit,
            "assumptions": list(self.assumptions),
            "countries": self.countries.to_dict(orient="records"),
            "changed_pairs": changed.to_dict(orient="records"),
            "pair": None if self.pair is None else self.pair.to_dict(),
            "diagnostics": self.diagnostics.to_dict(),
        }


def build_result(
    baseline: Baseline,
    sol: Solution,
    *,
    name: str = "scenario",
    convention: str = "exact",
    deficits: str = "multiplicative",
    assumptions: tuple[str, ...] = (),
    pair: tuple[str, str] | None = None,
) -> GEResult:
    """Turn solver arrays into a :class:`GEResult`."""
    s = 1.0 - baseline.sigma
    Y0, E0 = baseline.output, baseline.expenditure
    Y1, E1 = sol.output, sol.expenditure
    b, c, f = sol.baseline, sol.conditional, sol.full
    X0 = modeled_trade(sol.costs0, Y0, E0, b.imr_pow, b.omr_pow)
    Xc = modeled_trade(sol.costs1, Y0, E0, c.imr_pow, c.omr_pow)
    X1 = modeled_trade(sol.costs1, Y1, E1, f.imr_pow, f.omr_pow)
    off = ~np.eye(baseline.n, dtype=bool)

    def foreign(X: np.ndarray, axis: int) -> np.ndarray:
        return np.where(off, X, 0.0).sum(axis=axis)

    P0, Pc, P1 = b.imr_pow ** (1 / s), c.imr_pow ** (1 / s), f.imr_pow ** (1 / s)
    O0, Oc, O1 = b.omr_pow ** (1 / s), c.omr_pow ** (1 / s), f.omr_pow ** (1 / s)
    countries = pd.DataFrame(
        {
            "country": list(baseline.countries),
            "exports_change_pct": _pct(foreign(X1, 1), foreign(X0, 1)),
            "imports_change_pct": _pct(foreign(X1, 0), foreign(X0, 0)),
            "real_gdp_change_pct": _pct(Y1 / P1, Y0 / P0),
            "imr_change_pct": _pct(P1, P0),
            "omr_change_pct": _pct(O1, O0),
            "factory_price_change_pct": 100.0 * (sol.price - 1.0),
            "output_change_pct": _pct(Y1, Y0),
            "expenditure_change_pct": _pct(E1, E0),
            "welfare_change_pct": _pct(E1 / P1, E0 / P0),
            "domestic_trade_change_pct": _pct(np.diag(X1), np.diag(X0)),
            "cond_exports_change_pct": _pct(foreign(Xc, 1), foreign(X0, 1)),
            "cond_imports_change_pct": _pct(foreign(Xc, 0), foreign(X0, 0)),
            "cond_real_gdp_change_pct": _pct(Y0 / Pc, Y0 / P0),
            "cond_imr_change_pct": _pct(Pc, P0),
            "cond_omr_change_pct": _pct(Oc, O0),
        }
    )
    levels = _levels(baseline, sol, (P0, Pc, P1), (O0, Oc, O1))
    pairs = _pair_rows(baseline, sol, X0, Xc, X1)
    outcome = None if pair is None else _pair_outcome(baseline, pair, X0, X1)
    notes = list(baseline.notes) + list(assumptions)
    notes.append(
        f"Structural gravity, one sector, endowment economies; sigma = {baseline.sigma:g}; "
        f"inward MR of {baseline.reference} normalised to 1; trade imbalances as {deficits} deficits; "
        f"full GE convention '{convention}'."
    )
    return GEResult(
        name=name,
        countries=countries,
        pairs=pairs,
        levels=levels,
        sigma=baseline.sigma,
        reference=baseline.reference,
        convention=convention,
        deficits=deficits,
        year=baseline.year,
        unit=baseline.unit,
        diagnostics=sol.diagnostics,
        assumptions=tuple(notes),
        pair=outcome,
    )


def _levels(baseline: Baseline, sol: Solution, imr: tuple, omr: tuple) -> pd.DataFrame:
    """Per-country levels: MRs (baseline, conditional, counterfactual), prices, output, expenditure."""
    (P0, Pc, P1), (O0, Oc, O1) = imr, omr
    Y0, E0 = baseline.output, baseline.expenditure
    Y1, E1 = sol.output, sol.expenditure
    return pd.DataFrame(
        {
            "country": list(baseline.countries),
            "imr_baseline": P0,
            "imr_conditional": Pc,
            "imr_counterfactual": P1,
            "omr_baseline": O0,
            "omr_conditional": Oc,
            "omr_counterfactual": O1,
            "factory_price_counterfactual": sol.price,
            "output_baseline": Y0,
            "output_counterfactual": Y1,
            "expenditure_baseline": E0,
            "expenditure_counterfactual": E1,
        }
    )


def _pair_rows(baseline: Baseline, sol: Solution, X0: np.ndarray, Xc: np.ndarray, X1: np.ndarray) -> pd.DataFrame:
    """Per directed pair: trade in the baseline, conditional and full GE, and the % changes."""
    n = baseline.n
    ex = np.repeat(np.array(baseline.countries, dtype=object), n)
    im = np.tile(np.array(baseline.countries, dtype=object), n)
    pairs = pd.DataFrame(
        {
            "exporter": ex,
            "importer": im,
            "trade_baseline": X0.ravel(),
            "trade_conditional": Xc.ravel(),
            "trade_counterfactual": X1.ravel(),
            "trade_change_pct": _pct(X1, X0).ravel(),
            "cond_trade_change_pct": _pct(Xc, X0).ravel(),
            "cost_change_pct": _pct(sol.costs1, sol.costs0).ravel(),
        }
    )
    pairs["exporter"] = pairs["exporter"].astype(str)
    pairs["importer"] = pairs["importer"].astype(str)
    pairs["cost_change_pct"] = pairs["cost_change_pct"].fillna(0.0)
    return pairs


def _pair_outcome(baseline: Baseline, pair: tuple[str, str], X0: np.ndarray, X1: np.ndarray) -> PairOutcome:
    """The focal pair's two-way trade before and after, against its actual trade if observed."""
    i, j = baseline.position(pair[0]), baseline.position(pair[1])
    pot = float(X0[i, j] + X0[j, i])
    new = float(X1[i, j] + X1[j, i])
    chg = 100.0 * (new / pot - 1.0) if pot > 0 else float("nan")
    actual = None
    if baseline.observed is not None:
        o = baseline.observed
        if np.isfinite(o[i, j]) and np.isfinite(o[j, i]):
            actual = float(o[i, j] + o[j, i])
    actual_after = None if actual is None else actual * (1.0 + chg / 100.0)
    return PairOutcome(
        a=pair[0],
        b=pair[1],
        actual=actual,
        potential=pot,
        actual_after=actual_after,
        trade_change_pct=chg,
        ratio_before=None if actual is None or pot <= 0 else actual / pot,
        ratio_after=None if actual_after is None or pot <= 0 else actual_after / pot,
        unit=baseline.unit,
    )
