"""The one-sector structural gravity model with endowment economies: its baseline.

The model (Anderson & van Wincoop 2003; Larch & Yotov 2016; Yotov, Piermartini,
Monteiro & Larch 2016, *An Advanced Guide to Trade Policy Analysis*, ch. 2):

.. math::

    X_{ij} = \\frac{Y_i}{Y} E_j \\frac{t_{ij}^{1-\\sigma}}{\\Pi_i^{1-\\sigma} P_j^{1-\\sigma}},\\quad
    \\Pi_i^{1-\\sigma} = \\sum_j t_{ij}^{1-\\sigma} \\frac{E_j / E}{P_j^{1-\\sigma}},\\quad
    P_j^{1-\\sigma} = \\sum_i t_{ij}^{1-\\sigma} \\frac{Y_i / Y}{\\Pi_i^{1-\\sigma}},

with the inward multilateral resistance of a reference country normalised to one
(``P_ref = 1``), factory-gate prices :math:`p_i = (Y_i/Y)^{1/(1-\\sigma)} / (\\gamma_i \\Pi_i)`,
output :math:`Y_i = p_i Q_i` (endowments :math:`Q_i` fixed) and expenditure
:math:`E_i = \\phi_i Y_i` (trade imbalances as *multiplicative* deficits, as the Guide and
gegravity do) or :math:`E_i = Y_i + D_i` (*additive* deficits, fixed in units of the
reference country's consumer price).

Here trade costs enter only through :math:`t_{ij}^{1-\\sigma}`, held in log form as a
linear index :math:`\\ln t_{ij}^{1-\\sigma} = \\sum_k \\beta_k x_{k,ij} + r_{ij}` of named
cost variables (distance, RTA, border, ...) and a residual (pair fixed effects or a
calibrated term), so that a scenario can switch a variable, and Monte Carlo can redraw
the coefficients, without touching the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from tradegap.defaults import SIGMA, SIGMA_RANGE
from tradegap.errors import InputError, UnknownCountryError

Deficits = Literal["multiplicative", "additive"]
DEFICITS: tuple[str, ...] = ("multiplicative", "additive")


def check_sigma(sigma: float) -> float:
    """Validate the elasticity of substitution: a number in :data:`tradegap.defaults.SIGMA_RANGE`."""
    lo, hi = SIGMA_RANGE
    literature = (f"Estimates in the literature put sigma between about 2 and 16 (trade elasticity 1–15; "
                  f"Head & Mayer 2014, median about 6); tradegap accepts {lo:g}–{hi:g}; the Advanced Guide uses "
                  f"{SIGMA:g}.")
    if isinstance(sigma, (bool, np.bool_)):
        raise InputError(f"The 'sigma' parameter must be a number between {lo:g} and {hi:g}. Got {sigma!r} instead.",
                         hint=literature)
    try:
        s = float(sigma)
    except (TypeError, ValueError):
        raise InputError(
            f"The 'sigma' parameter must be a number between {lo:g} and {hi:g}. Got {sigma!r} instead.",
            hint=literature,
        ) from None
    if not np.isfinite(s) or s <= 1.0:
        raise InputError(
            f"The 'sigma' parameter (elasticity of substitution) must be greater than 1. Got {sigma!r} instead.",
            hint="With sigma <= 1 trade costs would raise demand (t^(1-sigma) >= 1). " + literature,
        )
    if not lo <= s <= hi:
        raise InputError(
            f"The 'sigma' parameter (elasticity of substitution) must be between {lo:g} and {hi:g}. "
            f"Got {sigma!r} instead.",
            hint=literature,
        )
    return s


def check_literal(name: str, value: str, allowed: Sequence[str], owner: str) -> str:
    """The house message for Literal options."""
    if value not in allowed:
        raise InputError(
            f"The '{name}' parameter of {owner} must be one of {list(allowed)}. Got {value!r} instead.",
            hint=f"Use {name} = {allowed[0]!r}" + (f" (or {', '.join(map(repr, allowed[1:]))})." if len(allowed) > 1
                                                    else "."),
        )
    return value


@dataclass(frozen=True)
class CostStructure:
    """Bilateral trade costs :math:`t_{ij}^{1-\\sigma}` as a log-linear index.

    Attributes
    ----------
    variables
        Names of the cost variables, length K.
    x
        Cost variables, shape (K, N, N); ``x[k, i, j]`` for exporter i, importer j.
    coef
        Coefficients, shape (K,) (PPML estimates of the cost elasticities times (1-sigma)).
    residual
        Log trade-cost term not explained by the variables, shape (N, N) (pair fixed
        effects, a calibrated term, or zeros).
    se
        Standard errors of ``coef`` (K,) or None.
    vcov
        Covariance of ``coef`` (K, K) or None.
    """

    variables: tuple[str, ...]
    x: np.ndarray
    coef: np.ndarray
    residual: np.ndarray
    se: np.ndarray | None = None
    vcov: np.ndarray | None = None

    def log_costs(self, coef: np.ndarray | None = None) -> np.ndarray:
        """:math:`\\ln t^{1-\\sigma}`, shape (N, N)."""
        b = self.coef if coef is None else np.asarray(coef, dtype=float)
        if len(self.variables) == 0:
            return self.residual.copy()
        return np.tensordot(b, self.x, axes=(0, 0)) + self.residual

    def trade_costs(self, coef: np.ndarray | None = None) -> np.ndarray:
        """:math:`t_{ij}^{1-\\sigma}`, shape (N, N)."""
        return np.exp(self.log_costs(coef))

    def index(self, variable: str) -> int:
        """Position of a cost variable; unknown → InputError listing the known ones."""
        try:
            return self.variables.index(variable)
        except ValueError:
            raise InputError(
                f"The model has no trade-cost variable {variable!r}.",
                hint=f"Known cost variables: {list(self.variables) or 'none (trade costs supplied directly)'}; "
                "use 'scale' to change a trade cost directly.",
            ) from None

    def with_x(self, k: int, values: np.ndarray) -> "CostStructure":
        """A copy with cost variable k replaced."""
        x = self.x.copy()
        x[k] = values
        return replace(self, x=x)

    def with_coef(self, coef: np.ndarray) -> "CostStructure":
        """A copy with other coefficients (Monte Carlo draws)."""
        return replace(self, coef=np.asarray(coef, dtype=float))


@dataclass(frozen=True)
class Baseline:
    """A calibrated baseline of the one-sector endowment GE model.

    Attributes
    ----------
    countries
        ISO3 codes (or other identifiers), length N, in the order of every array.
    output
        Output (value of production) :math:`Y_i`, shape (N,), in ``unit``.
    expenditure
        Expenditure :math:`E_j`, shape (N,), in ``unit``.
    costs
        The trade-cost index giving :math:`t_{ij}^{1-\\sigma}`.
    sigma
        Elasticity of substitution (> 1).
    reference
        The country whose inward multilateral resistance is normalised to 1.
    observed
        Observed trade flows, shape (N, N) (NaN where missing), or None.
    year
        The baseline year, or None.
    unit
        Currency and scale of output, expenditure and trade (e.g. ``"USD millions"``).
    notes
        Assumptions made in building the baseline (stated in results).
    """

    countries: tuple[str, ...]
    output: np.ndarray
    expenditure: np.ndarray
    costs: CostStructure
    sigma: float
    reference: str
    observed: np.ndarray | None = None
    year: int | None = None
    unit: str = "USD millions"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        check_sigma(self.sigma)
        n = len(self.countries)
        if n < 2:
            raise InputError(f"A GE model needs at least 2 countries; got {n}.")
        if len(set(self.countries)) != n:
            dup = sorted({c for c in self.countries if self.countries.count(c) > 1})
            raise InputError(f"Duplicate countries in the baseline: {dup}.")
        for name, arr in (("output", self.output), ("expenditure", self.expenditure)):
            a = np.asarray(arr, dtype=float)
            if a.shape != (n,):
                raise InputError(f"'{name}' must have shape ({n},); got {a.shape}.")
            bad = ~np.isfinite(a) | (a <= 0)
            if bad.any():
                who = [self.countries[i] for i in np.flatnonzero(bad)[:10]]
                raise InputError(
                    f"'{name}' must be positive and finite for every country; not so for {who}.",
                    hint="Drop countries without output/expenditure data, or supply them.",
                )
        if self.costs.residual.shape != (n, n) or self.costs.x.shape[1:] != (n, n):
            raise InputError(f"Trade costs must have shape ({n}, {n}).")
        t = self.costs.log_costs()
        if np.isnan(t).any() or np.isposinf(t).any():
            i, j = np.argwhere(np.isnan(t) | np.isposinf(t))[0]
            raise InputError(
                f"Trade cost t^(1-sigma) for exporter {self.countries[i]} → importer {self.countries[j]} "
                "is missing or infinite.",
                hint="Every pair (including domestic pairs) needs a trade cost; fill unidentified pair "
                "fixed effects from a gravity regression.",
            )
        if self.reference not in self.countries:
            raise UnknownCountryError(
                f"The reference country {self.reference!r} is not in the model.",
                hint=f"Pick one of the {n} countries, e.g. {self.countries[0]!r} (the Guide uses DEU).",
            )

    @property
    def n(self) -> int:
        """Number of countries."""
        return len(self.countries)

    @property
    def ref_index(self) -> int:
        """Position of the reference country."""
        return self.countries.index(self.reference)

    def position(self, country: str) -> int:
        """Position of a country; unknown → UnknownCountryError."""
        try:
            return self.countries.index(country)
        except ValueError:
            raise UnknownCountryError(
                f"Country {country!r} is not in the GE model ({self.n} countries"
                + (f", year {self.year}" if self.year is not None else "")
                + ").",
                hint="Use ISO3 codes of countries present in the baseline data: "
                + ", ".join(self.countries[:20])
                + (" ..." if self.n > 20 else ""),
            ) from None

    def trade_costs(self) -> np.ndarray:
        """Baseline :math:`t_{ij}^{1-\\sigma}`, shape (N, N)."""
        return self.costs.trade_costs()

    def with_costs(self, costs: CostStructure) -> "Baseline":
        """A copy with another trade-cost structure."""
        return replace(self, costs=costs)


def _square(
    df: pd.DataFrame, exporter: str, importer: str, countries: Sequence[str], column: str,
    _pos: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Long → (N, N) matrix (exporters in rows); NaN where a pair is missing."""
    n = len(countries)
    if _pos is None:
        _pos = _positions(df, exporter, importer, countries)
    ii, jj, ok = _pos
    out = np.full((n, n), np.nan)
    out[ii[ok], jj[ok]] = pd.to_numeric(df[column], errors="coerce").to_numpy(float)[ok]
    return out


def _positions(df: pd.DataFrame, exporter: str, importer: str, countries: Sequence[str]):
    cats = pd.CategoricalDtype(list(countries))
    ii = df[exporter].astype(str).astype(cats).cat.codes.to_numpy()
    jj = df[importer].astype(str).astype(cats).cat.codes.to_numpy()
    ok = (ii >= 0) & (jj >= 0)
    return ii.astype(np.int64), jj.astype(np.int64), ok


def baseline_from_frame(
    data: pd.DataFrame,
    *,
    sigma: float,
    reference: str,
    cost_variables: Sequence[str] = (),
    coefficients: Mapping[str, float] | pd.Series | None = None,
    std_errors: Mapping[str, float] | pd.Series | None = None,
    vcov: pd.DataFrame | None = None,
    residual: str | None = None,
    exporter: str = "exporter",
    importer: str = "importer",
    trade: str | None = "trade",
    output: str | None = None,
    expenditure: str | None = None,
    year: int | None = None,
    year_column: str = "year",
    unit: str = "USD millions",
) -> Baseline:
    """Build a baseline from a square bilateral frame (one row per exporter-importer).

    Parameters
    ----------
    data
        Long frame with ``exporter``, ``importer``, the cost variables, and either
        ``output``/``expenditure`` columns (as in gegravity's sample) or a ``trade``
        column including domestic flows, from which :math:`Y_i = \\sum_j X_{ij}` and
        :math:`E_j = \\sum_i X_{ij}` are computed.
    sigma
        Elasticity of substitution (> 1).
    reference
        Reference country (inward multilateral resistance = 1).
    cost_variables, coefficients
        :math:`\\ln t^{1-\\sigma}_{ij} = \\sum_k \\beta_k x_{k,ij}` (+ ``residual`` column if given).
    std_errors, vcov
        Sampling uncertainty of the coefficients (for Monte Carlo).
    residual
        Optional column holding a log trade-cost term outside the variables (pair FE).
    year
        Keep only rows of this year (``year_column``), if given.

    Returns
    -------
    Baseline
    """
    df = data
    if year is not None:
        if year_column not in df.columns:
            raise InputError(f"Cannot select year {year}: the data have no column {year_column!r}.")
        df = df.loc[pd.to_numeric(df[year_column], errors="coerce") == int(year)]
        if df.empty:
            raise InputError(f"No rows for year {year} in the data.", hint="Check the scenario's 'year'.")
    for col in [exporter, importer, *cost_variables, *(c for c in (residual,) if c)]:
        if col not in df.columns:
            raise InputError(
                f"The data have no column {col!r}.",
                hint=f"Columns available: {list(df.columns)}",
            )
    countries = tuple(sorted(set(df[exporter].astype(str)) | set(df[importer].astype(str))))
    n = len(countries)
    if df.duplicated([exporter, importer]).any():
        raise InputError(
            "The data have several rows for the same exporter-importer pair.",
            hint="Select one year (the 'year' option) or aggregate first.",
        )
    if len(df) != n * n:
        raise InputError(
            f"The data are not square: {len(df)} exporter-importer rows for {n} countries (need {n * n}, "
            "domestic pairs included).",
            hint="A structural gravity GE baseline needs every pair, including domestic sales.",
        )
    coefs = pd.Series(dtype=float) if coefficients is None else pd.Series(coefficients, dtype=float)
    missing = [v for v in cost_variables if v not in coefs.index]
    if missing:
        raise InputError(f"No coefficient supplied for cost variable(s) {missing}.")
    pos = _positions(df, exporter, importer, countries)
    x = np.stack([_square(df, exporter, importer, countries, v, pos) for v in cost_variables]) if cost_variables \
        else np.zeros((0, n, n))
    res = _square(df, exporter, importer, countries, residual, pos) if residual else np.zeros((n, n))
    se = None
    if std_errors is not None:
        se = pd.Series(std_errors, dtype=float).reindex(list(cost_variables)).to_numpy()
    vc = None
    if vcov is not None:
        vc = vcov.loc[list(cost_variables), list(cost_variables)].to_numpy(float)
    costs = CostStructure(
        variables=tuple(cost_variables),
        x=x,
        coef=coefs.reindex(list(cost_variables)).to_numpy(float),
        residual=res,
        se=se,
        vcov=vc,
    )
    observed = _square(df, exporter, importer, countries, trade, pos) if trade and trade in df.columns else None
    notes: list[str] = []
    if output and expenditure:
        for col in (output, expenditure):
            if col not in df.columns:
                raise InputError(f"The data have no column {col!r}.")
        y = df.groupby(exporter)[output].mean().reindex(countries).to_numpy(float)
        e = df.groupby(importer)[expenditure].mean().reindex(countries).to_numpy(float)
    elif observed is not None:
        y = np.nansum(observed, axis=1)
        e = np.nansum(observed, axis=0)
        notes.append("Output Y_i = sum_j X_ij and expenditure E_j = sum_i X_ij from the trade data "
                     "(domestic flows included).")
    else:
        raise InputError("Supply 'output' and 'expenditure' columns, or a 'trade' column with domestic flows.")
    return Baseline(
        countries=countries,
        output=y,
        expenditure=e,
        costs=costs,
        sigma=check_sigma(sigma),
        reference=reference,
        observed=observed,
        year=None if year is None else int(year),
        unit=unit,
        notes=tuple(notes),
    )


def baseline_from_arrays(
    countries: Sequence[str],
    trade_costs: np.ndarray,
    output: np.ndarray,
    expenditure: np.ndarray,
    *,
    sigma: float,
    reference: str,
    observed: np.ndarray | None = None,
    year: int | None = None,
    unit: str = "USD millions",
) -> Baseline:
    """A baseline from :math:`t_{ij}^{1-\\sigma}` (N, N), Y (N,) and E (N,) supplied directly."""
    t = np.asarray(trade_costs, dtype=float)
    n = len(countries)
    if t.shape != (n, n):
        raise InputError(f"'trade_costs' must have shape ({n}, {n}); got {t.shape}.")
    if (t < 0).any():
        raise InputError("'trade_costs' (t^(1-sigma)) must be non-negative.")
    with np.errstate(divide="ignore"):
        logt = np.log(t)
    costs = CostStructure(variables=(), x=np.zeros((0, n, n)), coef=np.zeros(0), residual=logt)
    return Baseline(
        countries=tuple(countries),
        output=np.asarray(output, dtype=float),
        expenditure=np.asarray(expenditure, dtype=float),
        costs=costs,
        sigma=check_sigma(sigma),
        reference=reference,
        observed=None if observed is None else np.asarray(observed, dtype=float),
        year=year,
        unit=unit,
    )


def calibrated_residual(observed: np.ndarray, output: np.ndarray, expenditure: np.ndarray) -> np.ndarray:
    """The log trade cost that reproduces observed flows exactly, up to MR terms.

    :math:`r_{ij} = \\ln(X_{ij} Y / (Y_i E_j))`; with :math:`t^{1-\\sigma} = e^{r}` the model's
    baseline flows equal the observed ones (all MRs equal 1 up to normalisation).
    Zero flows give :math:`-\\infty` (no trade at any finite cost change).
    """
    with np.errstate(divide="ignore"):
        return np.log(observed) + np.log(output.sum()) - np.log(output)[:, None] - np.log(expenditure)[None, :]


def baseline_from_fit(
    fit,
    data: pd.DataFrame,
    *,
    sigma: float,
    reference: str,
    cost_variables: Sequence[str],
    pair_fe: str | None = None,
    year: int | None = None,
    exporter: str = "exporter",
    importer: str = "importer",
    trade: str = "trade",
    year_column: str = "year",
    unit: str = "USD millions",
) -> Baseline:
    """A baseline from a PPML fit (:func:`tradegap.estimate.fepois`): its coefficients and pair FE.

    :math:`\\ln t_{ij}^{1-\\sigma} = \\sum_k \\hat\\beta_k x_{k,ij} (+ \\hat\\mu_{ij})` where
    :math:`\\hat\\mu` are the fit's pair fixed effects (term ``pair_fe``, e.g.
    ``"exporter^importer"``, labels ``"A^B"``); output and expenditure are the sums of
    ``trade`` (domestic flows included) in ``year``. The exporter and importer fixed effects
    are not needed: the multilateral resistances they identify are re-solved from Y and E
    (the same by PPML's adding-up property).

    Raises
    ------
    InputError
        A cost variable is not in the fit, or a pair has no estimated pair fixed effect.
    """
    coef = fit.coef
    missing = [v for v in cost_variables if v not in coef.index]
    if missing:
        raise InputError(f"The PPML fit has no coefficient for {missing}.", hint=f"Fitted: {list(coef.index)}")
    df = data
    if year is not None:
        df = df.loc[pd.to_numeric(df[year_column], errors="coerce") == int(year)]
    df = df.copy()
    residual = None
    if pair_fe is not None:
        fes = fit.fixef()
        if pair_fe not in fes:
            raise InputError(f"The PPML fit has no fixed effect {pair_fe!r}.", hint=f"Fixed effects: {list(fes)}")
        cols = pair_fe.split("^")
        labels = df[cols[0]].astype(str)
        for c in cols[1:]:
            labels = labels + "^" + df[c].astype(str)
        df["_pair_fe"] = labels.map(fes[pair_fe]).to_numpy(float)
        if df["_pair_fe"].isna().any():
            bad = df.loc[df["_pair_fe"].isna(), [exporter, importer]].head(5).to_numpy().tolist()
            raise InputError(
                f"{int(df['_pair_fe'].isna().sum())} pairs have no estimated pair fixed effect, e.g. {bad}.",
                hint="Fill them from a gravity regression (see the scenario option [estimation] fill).",
            )
        residual = "_pair_fe"
    return baseline_from_frame(
        df,
        sigma=sigma,
        reference=reference,
        cost_variables=list(cost_variables),
        coefficients={v: float(coef[v]) for v in cost_variables},
        std_errors={v: float(fit.se[v]) for v in cost_variables},
        vcov=fit.vcov,
        residual=residual,
        exporter=exporter,
        importer=importer,
        trade=trade,
        unit=unit,
        year=None,
    )
