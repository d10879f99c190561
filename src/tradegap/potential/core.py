"""Two-stage structural trade potential on any gravity panel (the pure numeric core).

Stage 1
    PPML of bilateral trade on time-varying policy terms (e.g. ``rta``, sanctions) with
    exporter-year (π_it), importer-year (χ_jt) and pair (γ_ij) fixed effects.
Stage 2
    The estimated pair effects are projected on observable, time-invariant trade costs
    z_ij (ln distance, contiguity, shared sea, language, colony, landlocked, ...) by PPML
    with exporter and importer fixed effects (α_i, δ_j), as in Yotov et al. (2016, ch. 1)
    and Anderson & Yotov (2016).
Potential
    ``potential_ijt = exp(π_it + χ_jt + β'policy_ijt) × exp(α_i + δ_j + z_ij'b)``: the flow
    the pair would have with its actual multilateral terms and policy, but the *normal*
    trade cost of a pair with its geography and history.  Zero-trade pairs get one too: pairs that never
    trade in the sample have no finite pair effect (they leave stage 1), enter stage 2 with outcome 0
    (their stage-1 fitted flow), and get the normal trade cost of their covariates.

Normalization
    Fixed effects are identified only up to normalization: (π_it + a_i, χ_jt + b_j,
    γ_ij − a_i − b_j) fits the data identically for any a, b.  An unweighted stage-2 PPML
    of exp(γ_ij) would depend on the (arbitrary) a, b.  tradegap instead *anchors each pair
    effect to the pair's stage-1 fitted flow*: the stage-2 outcome is the pair's total
    stage-1 fitted flow ``Y_ij = Σ_t μ_ijt = exp(γ_ij) S_ij`` with offset
    ``ln S_ij = ln Σ_t exp(π_it + χ_jt + β'policy_ijt)`` (its multilateral "mass").  This is
    PPML of exp(γ_ij) weighted by S_ij; any renormalization shifts the offset by
    −a_i − b_j, which the stage-2 exporter and importer effects absorb, so coefficients and
    potentials are invariant (tested).  By PPML adding-up with pair effects, Y_ij equals the
    pair's actual trade summed over the sample years.

Band
    Parametric bootstrap over the stage-2 coefficients' sampling distribution
    (multivariate normal with the heteroskedasticity-robust (HC1) covariance, which at
    the pair level is clustered by pair); for every draw the stage-2 exporter and importer
    effects are re-solved (they keep the adding-up property), and the percentile interval
    of the normal trade cost is reported.  Stage-1 estimates are treated as known.

Cross-section mode
    With one year there are no pair effects: PPML of trade on costs and policy with exporter
    and importer effects; the potential is the fitted flow; the band is the same bootstrap
    over that regression's coefficients.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from tradegap.errors import AssumptionWarning, CoverageError, DroppedObservationsWarning, InputError
from tradegap.potential._fe import poisson_fe, sinkhorn2
from tradegap.validation import check_option

Mode = Literal["auto", "panel", "cross_section"]
Stage2Method = Literal["ppml"]

STAGE2_DESCRIPTION = (
    "PPML (Poisson pseudo-maximum likelihood) of each pair's stage-1 fitted flow summed over the sample "
    "years on observable trade costs, with exporter and importer fixed effects and offset ln S_ij "
    "(the pair's stage-1 multilateral mass), i.e. exp(pair effect) projected with weights S_ij, as the "
    "Advanced Guide's stage 2 but invariant to the fixed-effect normalization"
)
NORMALIZATION_DESCRIPTION = (
    "anchored: each pair effect enters stage 2 through the pair's stage-1 fitted flow (exp(pair effect) x "
    "multilateral mass), so the potentials do not depend on how the solver normalizes the exporter-year, "
    "importer-year and pair fixed effects"
)
BAND_DESCRIPTION = (
    "parametric bootstrap: {n} draws of the stage-2 coefficients from a normal distribution with their "
    "HC1 (pair-robust) covariance, exporter and importer effects re-solved for each draw; {lvl:.0%} "
    "percentile interval; stage-1 estimates treated as known"
)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _fepois(formula: str, data: pd.DataFrame, **kwargs: Any):
    """Call tradegap's PPML engine (imported lazily so the module loads without it)."""
    from tradegap import estimate

    return estimate.fepois(formula, data, **kwargs)


def _check_literal(name: str, value: object, options: object, where: str) -> None:
    check_option(name, value, options, where)


# ----------------------------------------------------------------------------------------------
# result objects
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Specification:
    """The specification behind a potential: what was estimated, on what, and how.

    Attributes
    ----------
    mode : {"panel", "cross_section"}
    stage1_formula, stage2_formula : str
        fixest-style formulas (stage 1 is empty in cross-section mode).
    stage2_method : str
        In words: how the pair effects were projected on trade costs.
    normalization : str
        How the potentials are made invariant to the fixed-effect normalization.
    fixed_effects : tuple of str
        Fixed effects of stage 1 and stage 2.
    policy, costs : tuple of str
        Time-varying policy regressors (stage 1) and trade-cost covariates (stage 2).
    years : tuple of int
        Sample years.
    nobs_stage1, nobs_stage2 : int
        Observations used (stage 1: pair-years; stage 2: pairs).
    international_only : bool
        True when the data has no domestic flows (exporter == importer); the border effect is then
        not identified and the potential redistributes each country's *international* trade.
    band_method : str
    band_level : float
    n_draws : int
    unit, scale : str
        Units of all trade values, e.g. ``"USD"``, ``"millions"``.
    """

    mode: str
    stage1_formula: str
    stage2_formula: str
    stage2_method: str
    normalization: str
    fixed_effects: tuple[str, ...]
    policy: tuple[str, ...]
    costs: tuple[str, ...]
    years: tuple[int, ...]
    nobs_stage1: int
    nobs_stage2: int
    international_only: bool
    band_method: str
    band_level: float
    n_draws: int
    unit: str = "USD"
    scale: str = "millions"
    source: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary of the specification."""
        return {
            "mode": self.mode,
            "stage1_formula": self.stage1_formula,
            "stage2_formula": self.stage2_formula,
            "stage2_method": self.stage2_method,
            "normalization": self.normalization,
            "fixed_effects": list(self.fixed_effects),
            "policy": list(self.policy),
            "costs": list(self.costs),
            "years": [int(y) for y in self.years],
            "nobs_stage1": int(self.nobs_stage1),
            "nobs_stage2": int(self.nobs_stage2),
            "international_only": bool(self.international_only),
            "band_method": self.band_method,
            "band_level": float(self.band_level),
            "n_draws": int(self.n_draws),
            "unit": self.unit,
            "scale": self.scale,
            "source": self.source,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Stage1Fit:
    """Stage 1: PPML with exporter-year, importer-year and pair fixed effects.

    Attributes
    ----------
    rows : DataFrame
        The panel rows used (exporter, importer, year, trade, policy columns), original order.
    exporter_year, importer_year : Series
        Log fixed effects π_it and χ_jt, MultiIndex (country, year); ``-inf`` if not identified
        (the country has no trade that year).  Normalization chosen by tradegap (IPF), not the solver.
    pair : Series
        Log pair effects γ_ij, MultiIndex (exporter, importer); ``-inf`` for pairs that never trade.
    coef, se : Series
        Policy coefficients and HC1 standard errors (empty without policy terms).
    fitted : ndarray, shape (n_rows,)
        Fitted flows of the PPML engine (NaN where the engine dropped the row).
    in_sample : ndarray of bool, shape (n_rows,)
        Rows in the engine's estimation sample.
    formula : str
    """

    rows: pd.DataFrame
    exporter_year: pd.Series
    importer_year: pd.Series
    pair: pd.Series
    coef: pd.Series
    se: pd.Series
    fitted: np.ndarray
    in_sample: np.ndarray
    formula: str

    @property
    def nobs(self) -> int:
        """Number of pair-years in the estimation sample."""
        return int(self.in_sample.sum())

    def linear_index(self) -> np.ndarray:
        """``π_it + χ_jt + γ_ij + β'policy_ijt`` for every row (``-inf`` where not identified)."""
        r = self.rows
        pi = self.exporter_year.reindex(pd.MultiIndex.from_arrays([r["exporter"], r["year"]])).to_numpy()
        chi = self.importer_year.reindex(pd.MultiIndex.from_arrays([r["importer"], r["year"]])).to_numpy()
        gam = self.pair.reindex(pd.MultiIndex.from_arrays([r["exporter"], r["importer"]])).to_numpy()
        return pi + chi + gam + self.policy_index()

    def policy_index(self) -> np.ndarray:
        """``β'policy_ijt`` for every row (zeros without policy terms)."""
        out = np.zeros(len(self.rows))
        for name, b in self.coef.items():
            out += float(b) * self.rows[name].to_numpy(dtype=float)
        return out

    def renormalize(
        self,
        *,
        exporter: float | pd.Series = 0.0,
        importer: float | pd.Series = 0.0,
        pair: float = 0.0,
    ) -> Stage1Fit:
        """Return the same fit under another normalization of the fixed effects.

        ``π_it += a_i − c``, ``χ_jt += b_j``, ``γ_ij += c − a_i − b_j``: every fitted flow is
        unchanged.  Used to prove that potentials do not depend on the normalization.

        Parameters
        ----------
        exporter : float or Series indexed by exporter
            Shift ``a_i`` of the exporter-year effects (a constant or one value per exporter).
        importer : float or Series indexed by importer
            Shift ``b_j`` of the importer-year effects.
        pair : float
            Constant ``c`` added to every pair effect (and removed from the exporter-year effects).
        """

        def shift(values: float | pd.Series, keys: pd.Index) -> np.ndarray:
            if isinstance(values, pd.Series):
                return values.reindex(keys).fillna(0.0).to_numpy(dtype=float)
            return np.full(len(keys), float(values))

        ex_keys = self.exporter_year.index.get_level_values(0)
        im_keys = self.importer_year.index.get_level_values(0)
        p_ex = self.pair.index.get_level_values(0)
        p_im = self.pair.index.get_level_values(1)
        pi = self.exporter_year + shift(exporter, ex_keys) - pair
        chi = self.importer_year + shift(importer, im_keys)
        gam = self.pair + pair - shift(exporter, p_ex) - shift(importer, p_im)
        return replace(self, exporter_year=pi, importer_year=chi, pair=gam)


@dataclass(frozen=True)
class TwoStageResult:
    """Structural potential of every pair-year of a panel.

    Attributes
    ----------
    spec : Specification
    stage1 : Stage1Fit or None
        None in cross-section mode.
    coef, se : Series
        Stage-2 (projection) coefficients and HC1 standard errors, by cost covariate
        (in cross-section mode: the one regression's coefficients, policy included).
    vcov : DataFrame
        Their covariance.
    stage1_coef, stage1_se : Series
        Stage-1 policy coefficients (empty in cross-section mode: policy is in ``coef``).
    flows : DataFrame
        One row per panel pair-year: ``exporter, importer, year, actual, potential,
        potential_lo, potential_hi, ratio, ratio_lo, ratio_hi, untapped, ln_multilateral,
        ln_normal_cost, in_sample``.  Values in ``spec.unit`` × ``spec.scale``;
        ``ratio = actual / potential`` (1 = normal, < 1 below potential);
        ``untapped = potential − actual`` (negative: above potential).
    pairs : DataFrame
        One row per pair in stage 2: ``exporter, importer, actual_total, normal_total,
        pair_ratio`` (actual over normal, summed over years: exp of the pair's own effect
        relative to the normal one), ``ln_normal_cost_lo/hi`` offsets, and the cost covariates.
    """

    spec: Specification
    stage1: Stage1Fit | None
    coef: pd.Series
    se: pd.Series
    vcov: pd.DataFrame
    stage1_coef: pd.Series
    stage1_se: pd.Series
    flows: pd.DataFrame
    pairs: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per pair-year table (:attr:`flows`)."""
        return self.flows.copy()

    def coefficients(self) -> pd.DataFrame:
        """Tidy table of stage-1 and stage-2 coefficients."""
        parts = []
        if len(self.stage1_coef):
            parts.append(
                pd.DataFrame(
                    {"stage": 1, "term": self.stage1_coef.index, "estimate": self.stage1_coef.values,
                     "std_error": self.stage1_se.reindex(self.stage1_coef.index).values}
                )
            )
        parts.append(
            pd.DataFrame(
                {"stage": 2 if self.spec.mode == "panel" else 1, "term": self.coef.index,
                 "estimate": self.coef.values, "std_error": self.se.reindex(self.coef.index).values}
            )
        )
        return pd.concat(parts, ignore_index=True)

    def select(self, exporter: str, importer: str, years: Sequence[int] | None = None) -> pd.DataFrame:
        """Rows of :attr:`flows` for one direction (optionally some years)."""
        f = self.flows
        out = f[(f["exporter"] == exporter) & (f["importer"] == importer)]
        if years is not None:
            out = out[out["year"].isin(list(years))]
        return out.reset_index(drop=True)

    def to_dict(self, *, include_flows: bool = True) -> dict[str, Any]:
        """JSON-able dictionary: specification, coefficients and (optionally) the flows."""
        out: dict[str, Any] = {
            "spec": self.spec.to_dict(),
            "coefficients": _records(self.coefficients()),
        }
        if include_flows:
            out["flows"] = _records(self.flows)
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    recs = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for k, v in row.items():
            if isinstance(v, (np.floating, float)):
                v = float(v)
                clean[k] = v if np.isfinite(v) else None
            elif isinstance(v, (np.integer,)):
                clean[k] = int(v)
            elif isinstance(v, (np.bool_,)):
                clean[k] = bool(v)
            else:
                clean[k] = v
        recs.append(clean)
    return recs


# ----------------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------------


def _prepare(
    panel: pd.DataFrame,
    *,
    trade: str,
    exporter: str,
    importer: str,
    year: str,
    policy: Sequence[str],
    costs: Sequence[str],
) -> pd.DataFrame:
    if not isinstance(panel, pd.DataFrame):
        raise InputError(
            f"two_stage expects a pandas DataFrame as panel. Got {type(panel).__name__} instead.",
            hint="Pass a long table with one row per exporter, importer and year.",
        )
    needed = [exporter, importer, year, trade, *policy, *costs]
    missing = [c for c in needed if c not in panel.columns]
    if missing:
        raise InputError(
            f"The panel lacks column(s) {missing}; it has {list(panel.columns)}.",
            hint="Rename columns or pass trade=/exporter=/importer=/year=/policy=/costs= to two_stage.",
        )
    for name in [*policy, *costs]:
        if not _IDENT.match(name) or name in {"exporter", "importer", "year", "trade", "border"}:
            raise InputError(
                f"Covariate name {name!r} cannot be used in a formula (or clashes with a reserved name).",
                hint="Rename it to a plain identifier such as 'ln_dist'.",
            )
    df = pd.DataFrame(
        {
            "exporter": panel[exporter].astype(str).to_numpy(),
            "importer": panel[importer].astype(str).to_numpy(),
            "year": pd.to_numeric(panel[year], errors="coerce").to_numpy(),
            "trade": pd.to_numeric(panel[trade], errors="coerce").to_numpy(dtype=float),
        }
    )
    for c in [*policy, *costs]:
        df[c] = pd.to_numeric(panel[c], errors="coerce").to_numpy(dtype=float)
    bad = df[["year", "trade", *policy, *costs]].isna().any(axis=1).to_numpy().copy()
    bad = bad | ~np.isfinite(df[["trade", *policy, *costs]].to_numpy(dtype=float)).all(axis=1)
    if bad.any():
        warnings.warn(
            f"{int(bad.sum())} of {len(df)} panel rows have missing or non-finite trade, year or covariates "
            f"and were dropped.",
            DroppedObservationsWarning,
            stacklevel=3,
        )
        df = df[~bad].reset_index(drop=True)
    if (df["trade"] < 0).any():
        i = int(np.flatnonzero(df["trade"].to_numpy() < 0)[0])
        raise InputError(
            f"Trade must be non-negative; row {i} ({df.at[i, 'exporter']}->{df.at[i, 'importer']}, "
            f"{int(df.at[i, 'year'])}) has {df.at[i, 'trade']}.",
            hint="Check the trade column's units and sign.",
        )
    df["year"] = df["year"].astype(int)
    if df.duplicated(["exporter", "importer", "year"]).any():
        d = df[df.duplicated(["exporter", "importer", "year"], keep=False)].iloc[0]
        raise InputError(
            f"The panel has several rows for {d['exporter']}->{d['importer']} in {int(d['year'])}.",
            hint="Aggregate products first (one row per exporter, importer and year).",
        )
    if len(df) == 0 or df["trade"].sum() <= 0:
        raise CoverageError("The panel has no positive trade.", hint="Check the years and countries selected.")
    return df


# ----------------------------------------------------------------------------------------------
# stage 1
# ----------------------------------------------------------------------------------------------


def fit_stage1(
    panel: pd.DataFrame,
    *,
    policy: Sequence[str] = (),
    trade: str = "trade",
    exporter: str = "exporter",
    importer: str = "importer",
    year: str = "year",
) -> Stage1Fit:
    """Stage 1: PPML with exporter-year, importer-year and pair fixed effects.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per exporter, importer and year (zeros included).
    policy : sequence of str
        Time-varying pair regressors (e.g. ``("rta",)``); may be empty.
    trade, exporter, importer, year : str
        Column names.

    Returns
    -------
    Stage1Fit
        Coefficients from :func:`tradegap.estimate.fepois`; fixed effects re-solved by IPF given
        those coefficients (tradegap's own normalization: see module docstring).
    """
    df = _prepare(panel, trade=trade, exporter=exporter, importer=importer, year=year, policy=policy, costs=())
    return _stage1(df, tuple(policy))


def _fixed_index(df: pd.DataFrame, fixed: Mapping[str, float]) -> np.ndarray:
    """``Σ b_k x_k`` over the terms with known coefficients (zeros when there are none)."""
    out = np.zeros(len(df))
    for name, b in fixed.items():
        out += float(b) * df[name].to_numpy(dtype=float)
    return out


def _stage1(df: pd.DataFrame, policy: tuple[str, ...], fixed: Mapping[str, float] | None = None) -> Stage1Fit:
    fixed = dict(fixed or {})
    rhs = " + ".join(policy) if policy else "1"
    formula = f"trade ~ {rhs} | exporter^year + importer^year + exporter^importer"
    if df["year"].nunique() < 2:
        raise InputError(
            "Stage 1 with pair fixed effects needs at least two years; the panel has one "
            f"({int(df['year'].iloc[0])}).",
            hint="Pass mode='cross_section' for a single year.",
        )
    if fixed:
        df = df.assign(_ln_fixed=_fixed_index(df, fixed))
        res = _fepois(formula, df, vcov="hc1", separation=("fe",), offset="_ln_fixed")
        formula += " + offset(" + " + ".join(f"{b:.4g}*{k}" for k, b in fixed.items()) + ")"
    else:
        res = _fepois(formula, df, vcov="hc1", separation=("fe",))
    coef = pd.Series(res.coef, dtype=float) if policy else pd.Series(dtype=float)
    se = pd.Series(res.se, dtype=float) if policy else pd.Series(dtype=float)
    dropped_terms = [p for p in policy if p not in coef.index or not np.isfinite(coef.get(p, np.nan))]
    if dropped_terms:
        warnings.warn(
            f"Policy term(s) {dropped_terms} could not be estimated (collinear with the fixed effects or "
            "no variation) and are set to 0.",
            AssumptionWarning,
            stacklevel=3,
        )
        coef = coef.drop([p for p in dropped_terms if p in coef.index])
        se = se.drop([p for p in dropped_terms if p in se.index])
    if fixed:  # known coefficients, not estimated here: no standard error from this fit
        coef = pd.concat([coef, pd.Series(fixed, dtype=float)])
        se = pd.concat([se, pd.Series(np.nan, index=list(fixed), dtype=float)])
    fitted = np.asarray(res.fitted, dtype=float)
    in_sample = np.asarray(res.sample, dtype=bool)

    xt = pd.MultiIndex.from_arrays([df["exporter"], df["year"]])
    mt = pd.MultiIndex.from_arrays([df["importer"], df["year"]])
    pr = pd.MultiIndex.from_arrays([df["exporter"], df["importer"]])
    cx, ux = pd.factorize(xt)
    cm, um = pd.factorize(mt)
    cp, up = pd.factorize(pr)
    eta0 = np.zeros(len(df))
    for name, b in coef.items():
        eta0 += float(b) * df[name].to_numpy(dtype=float)
    sol = poisson_fe(df["trade"].to_numpy(float), eta0, [cp, cx, cm], n_groups=[len(up), len(ux), len(um)])
    gam, pi, chi = sol.effects
    # normalization of tradegap: mean finite exporter-year effect = 0 in each year is *not* needed;
    # we only fix the overall level so that the median pair effect is 0 (readability).
    finite = np.isfinite(gam)
    c = float(np.median(gam[finite])) if finite.any() else 0.0
    gam = gam - c
    pi = pi + c
    fit = Stage1Fit(
        rows=df[["exporter", "importer", "year", "trade", *policy, *fixed]].copy(),
        exporter_year=pd.Series(pi, index=ux.set_names(["exporter", "year"]), name="ln_exporter_year"),
        importer_year=pd.Series(chi, index=um.set_names(["importer", "year"]), name="ln_importer_year"),
        pair=pd.Series(gam, index=up.set_names(["exporter", "importer"]), name="ln_pair"),
        coef=coef,
        se=se,
        fitted=fitted,
        in_sample=in_sample,
        formula=formula,
    )
    ours = np.exp(sol.eta)
    ok = in_sample & np.isfinite(fitted)
    if ok.any():
        rel = np.abs(ours[ok] - fitted[ok]) / np.maximum(np.abs(fitted[ok]), 1e-12 * fitted[ok].max() + 1e-300)
        scale = np.abs(ours[ok] - fitted[ok]).sum() / max(fitted[ok].sum(), 1e-300)
        if scale > 1e-5:
            warnings.warn(
                f"Stage-1 fixed effects re-solved by tradegap reproduce the PPML engine's fitted flows only to "
                f"{scale:.1e} (relative, summed; largest cell {rel.max():.1e}).",
                AssumptionWarning,
                stacklevel=3,
            )
    return fit


# ----------------------------------------------------------------------------------------------
# stage 2 (projection) and bands
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Projection:
    coef: pd.Series
    se: pd.Series
    vcov: pd.DataFrame
    ln_cost: np.ndarray  # α_i + δ_j + z'b per pair (aligned with pair table)
    ln_lo: np.ndarray
    ln_hi: np.ndarray
    nobs: int
    formula: str


def _project(
    y: np.ndarray,
    offset: np.ndarray,
    z: pd.DataFrame,
    ex: np.ndarray,
    im: np.ndarray,
    *,
    n_draws: int,
    level: float,
    seed: int,
) -> _Projection:
    """PPML ``y ~ z | exporter + importer`` with offset; FE re-solved by IPF; bootstrap band."""
    cols = list(z.columns)
    data = z.copy()
    data["y"] = y
    data["ln_offset"] = offset
    data["exporter"] = ex
    data["importer"] = im
    formula = f"y ~ {' + '.join(cols)} | exporter + importer" if cols else "y ~ 1 | exporter + importer"
    res = _fepois(formula, data, vcov="hc1", offset="ln_offset", separation=("fe",))
    coef = pd.Series(res.coef, dtype=float).reindex(cols)
    se = pd.Series(res.se, dtype=float).reindex(cols)
    vcov = pd.DataFrame(res.vcov).reindex(index=cols, columns=cols)
    usable = [c for c in cols if np.isfinite(coef[c])]
    if len(usable) < len(cols):
        warnings.warn(
            f"Cost covariate(s) {[c for c in cols if c not in usable]} could not be estimated "
            "(collinear with the exporter/importer effects) and are left out of the normal trade cost.",
            AssumptionWarning,
            stacklevel=4,
        )
    b = coef[usable].to_numpy(float)
    Z = z[usable].to_numpy(float) if usable else np.zeros((len(y), 0))
    V = vcov.loc[usable, usable].to_numpy(float) if usable else np.zeros((0, 0))
    cx, ux = pd.factorize(pd.Index(ex))
    cm, um = pd.factorize(pd.Index(im))
    sol = poisson_fe(y, offset + Z @ b, [cx, cm], n_groups=[len(ux), len(um)])
    a, d = sol.effects
    base = a[cx] + d[cm]
    ln_cost = base + Z @ b
    lo = hi = ln_cost
    if n_draws > 0 and len(usable):
        rng = np.random.default_rng(seed)
        Vs = (V + V.T) / 2
        try:
            draws = rng.multivariate_normal(b, Vs, size=n_draws, method="eigh")
        except np.linalg.LinAlgError:  # pragma: no cover - defensive
            draws = np.tile(b, (n_draws, 1))
        sims = np.empty((n_draws, len(y)), dtype=np.float32)
        keep = np.isfinite(a)[cx] & np.isfinite(d)[cm]
        ka, ga = np.unique(cx[keep], return_inverse=True)  # compact codes over rows with identified effects
        kd, gd = np.unique(cm[keep], return_inverse=True)
        yk, Zk, offk = y[keep], Z[keep], offset[keep]
        ya = np.bincount(ga, yk, minlength=len(ka))
        yd = np.bincount(gd, yk, minlength=len(kd))
        ea0, ed0 = np.exp(a[ka] - a[ka].max()), np.exp(d[kd] - d[kd].max())
        sims[:] = np.nan
        for r in range(n_draws):
            lin = offk + Zk @ draws[r]
            ref = float(np.max(lin))
            kern = np.exp(lin - ref)
            ea, ed = sinkhorn2(ya, yd, kern, ga, gd, ea0, ed0, tol=1e-9)
            sims[r, keep] = np.log(ea)[ga] + np.log(ed)[gd] - ref + Zk @ draws[r]
        q = (1 - level) / 2
        lo = np.full(len(y), np.nan)
        hi = np.full(len(y), np.nan)
        if keep.any():
            qs = np.quantile(sims[:, keep], [q, 1 - q], axis=0)
            lo[keep], hi[keep] = qs[0], qs[1]
        # the point must lie in its band (percentile bands of a skewed map can miss it by rounding)
        lo = np.minimum(lo, ln_cost)
        hi = np.maximum(hi, ln_cost)
    return _Projection(coef=coef[usable], se=se[usable], vcov=vcov.loc[usable, usable], ln_cost=ln_cost,
                       ln_lo=lo, ln_hi=hi, nobs=int(np.sum(sol.alive)), formula=formula)


def project(
    stage1: Stage1Fit,
    costs: pd.DataFrame,
    *,
    n_draws: int = 200,
    level: float = 0.90,
    seed: int = 0,
) -> tuple[_Projection, pd.DataFrame, pd.DataFrame]:
    """Stage 2: project the (anchored) stage-1 pair effects on trade costs.

    Parameters
    ----------
    stage1 : Stage1Fit
    costs : DataFrame
        One row per pair: ``exporter, importer`` and the cost covariates (time-invariant).
    n_draws, level, seed
        Bootstrap draws, band coverage and random seed.

    Returns
    -------
    projection, pairs, flows
        Internal projection, per-pair and per pair-year tables (see :class:`TwoStageResult`).
    """
    r = stage1.rows
    pi = stage1.exporter_year.reindex(pd.MultiIndex.from_arrays([r["exporter"], r["year"]])).to_numpy()
    chi = stage1.importer_year.reindex(pd.MultiIndex.from_arrays([r["importer"], r["year"]])).to_numpy()
    ln_m = pi + chi + stage1.policy_index()
    ok = np.isfinite(ln_m)
    flows = r[["exporter", "importer", "year"]].copy()
    flows["actual"] = r["trade"].to_numpy(float)
    flows["ln_multilateral"] = np.where(ok, ln_m, np.nan)
    flows["in_sample"] = stage1.in_sample
    # pair aggregates over identified years: Y_ij = Σ_t y_ijt, S_ij = Σ_t exp(ln M_ijt) (computed stably)
    sub = flows[ok]
    ref = sub.groupby(["exporter", "importer"], sort=False)["ln_multilateral"].transform("max").to_numpy()
    tmp = pd.DataFrame(
        {"exporter": sub["exporter"], "importer": sub["importer"], "y": sub["actual"],
         "s": np.exp(sub["ln_multilateral"].to_numpy() - ref), "ref": ref}
    )
    agg = tmp.groupby(["exporter", "importer"], sort=False).agg(y=("y", "sum"), s=("s", "sum"), ref=("ref", "first"))
    agg = agg.reset_index()
    agg["ln_S"] = np.log(agg["s"]) + agg["ref"]
    pairs = agg[["exporter", "importer", "y", "ln_S"]].merge(costs, on=["exporter", "importer"], how="left")
    cost_cols = [c for c in costs.columns if c not in ("exporter", "importer")]
    miss = pairs[cost_cols].isna().any(axis=1)
    if miss.any():
        warnings.warn(
            f"{int(miss.sum())} pairs lack trade-cost covariates and get no potential.",
            DroppedObservationsWarning,
            stacklevel=3,
        )
        pairs = pairs[~miss].reset_index(drop=True)
    # centre the offset for numerical comfort (absorbed by the fixed effects)
    off = pairs["ln_S"].to_numpy(float)
    proj = _project(pairs["y"].to_numpy(float), off - np.median(off), pairs[cost_cols],
                    pairs["exporter"].to_numpy(), pairs["importer"].to_numpy(),
                    n_draws=n_draws, level=level, seed=seed)
    shift = np.median(off)
    pairs["ln_normal_cost"] = proj.ln_cost - shift
    pairs["ln_normal_cost_lo"] = proj.ln_lo - shift
    pairs["ln_normal_cost_hi"] = proj.ln_hi - shift
    pairs["normal_total"] = np.exp(pairs["ln_S"] + pairs["ln_normal_cost"])
    pairs = pairs.rename(columns={"y": "actual_total"})
    with np.errstate(divide="ignore", invalid="ignore"):
        pairs["pair_ratio"] = pairs["actual_total"] / pairs["normal_total"]
    return proj, pairs, flows


def _add_potential(out: pd.DataFrame, ln_m: np.ndarray, pairs: pd.DataFrame) -> pd.DataFrame:
    """Add ``potential`` (and its band), the actual/potential ``ratio`` (and band) and ``untapped`` to ``out``.

    ``out`` has ``exporter``, ``importer`` and ``actual`` columns; ``ln_m`` is the row's log multilateral
    term and ``pairs`` the per-pair ``ln_normal_cost`` (``_lo``, ``_hi``).  Returns the rows' normal costs.
    """
    keyed = pairs.set_index(["exporter", "importer"])[["ln_normal_cost", "ln_normal_cost_lo", "ln_normal_cost_hi"]]
    cost = keyed.reindex(pd.MultiIndex.from_arrays([out["exporter"], out["importer"]]))
    out["potential"] = np.exp(ln_m + cost["ln_normal_cost"].to_numpy())
    out["potential_lo"] = np.exp(ln_m + cost["ln_normal_cost_lo"].to_numpy())
    out["potential_hi"] = np.exp(ln_m + cost["ln_normal_cost_hi"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["actual"] / out["potential"]
        out["ratio_lo"] = out["actual"] / out["potential_hi"]
        out["ratio_hi"] = out["actual"] / out["potential_lo"]
    out["untapped"] = out["potential"] - out["actual"]
    return cost


def _finish_flows(flows: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    out = flows.copy()
    cost = _add_potential(out, flows["ln_multilateral"].to_numpy(float), pairs)
    out["ln_normal_cost"] = cost["ln_normal_cost"].to_numpy()
    cols = ["exporter", "importer", "year", "actual", "potential", "potential_lo", "potential_hi", "ratio",
            "ratio_lo", "ratio_hi", "untapped", "ln_multilateral", "ln_normal_cost", "in_sample"]
    return out[cols]


def two_stage(
    panel: pd.DataFrame,
    *,
    costs: Sequence[str] = ("ln_dist", "cntg", "lang", "clny"),
    policy: Sequence[str] = (),
    trade: str = "trade",
    exporter: str = "exporter",
    importer: str = "importer",
    year: str = "year",
    mode: Mode = "auto",
    stage2: Stage2Method = "ppml",
    border: bool | None = None,
    n_draws: int = 200,
    level: float = 0.90,
    seed: int = 0,
    unit: str = "USD",
    scale: str = "millions",
    source: str = "",
    stage1: Stage1Fit | None = None,
    fixed: Mapping[str, float] | None = None,
) -> TwoStageResult:
    """Structural trade potential of every pair and year of a gravity panel.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per exporter, importer and year, zeros included, with the
        trade column (non-negative, in ``unit`` × ``scale``), the ``policy`` columns
        (time-varying) and the ``costs`` columns (constant within a pair).  Rows with
        ``exporter == importer`` are domestic flows; without them the international-only
        specification is used (and flagged).
    costs : sequence of str
        Observable trade-cost covariates for stage 2 (e.g. ``ln_dist``, ``cntg``,
        ``shared_sea``, ``lang``, ``clny``, ``landlocked_o``, ``landlocked_d``).
    policy : sequence of str
        Time-varying regressors of stage 1 (e.g. ``rta``, ``sanction_trade``).
    trade, exporter, importer, year : str
        Column names.
    mode : {"auto", "panel", "cross_section"}
        ``panel``: the two-stage procedure with pair effects; ``cross_section``: one PPML with
        exporter and importer effects on costs and policy (one year); ``auto``: panel when the
        panel has ≥ 2 years.
    stage2 : {"ppml"}
        Stage-2 estimator (PPML, as in the Advanced Guide).
    border : bool, optional
        Add an international-border dummy to the costs (default: when domestic flows are present).
    n_draws : int
        Parametric-bootstrap draws for the band (0: no band, lo = hi = point).
    level : float
        Coverage of the band, in (0, 1).
    seed : int
        Seed of the bootstrap.
    unit, scale, source : str
        Labels of the trade values recorded in the specification.
    stage1 : Stage1Fit, optional
        Re-use a stage-1 fit (e.g. a renormalized one); the panel still supplies the costs.
    fixed : mapping of str to float, optional
        Time-varying pair terms with a *known* coefficient (e.g. ``{"sanction_trade": -0.149}`` from a
        longer panel): they enter stage 1 (or the cross-section PPML) as an offset and the potential's
        multilateral term like an estimated policy term; their standard error is NaN here.

    Returns
    -------
    TwoStageResult

    Raises
    ------
    InputError
        Missing columns, negative trade, duplicate rows, costs varying within a pair, bad options.
    CoverageError
        No positive trade.

    Examples
    --------
    >>> res = two_stage(panel, costs=["ln_dist", "cntg", "lang", "clny"], policy=["rta"])  # doctest: +SKIP
    >>> res.select("CAN", "USA")[["year", "actual", "potential", "ratio"]]  # doctest: +SKIP
    """
    _check_literal("mode", mode, Mode, "two_stage")
    _check_literal("stage2", stage2, Stage2Method, "two_stage")
    if not (0 < level < 1):
        raise InputError(f"The 'level' parameter of two_stage must be in (0, 1). Got {level!r} instead.",
                         hint="Use e.g. 0.90 for a 90% band.")
    if int(n_draws) < 0:
        raise InputError(f"The 'n_draws' parameter of two_stage must be >= 0. Got {n_draws!r} instead.",
                         hint="Use 0 for no band or e.g. 200.")
    costs = tuple(costs)
    policy = tuple(policy)
    fixed = {str(k): float(v) for k, v in (fixed or {}).items()}
    both = set(fixed) & set(policy)
    if both:
        raise InputError(f"Term(s) {sorted(both)} are both estimated (policy=) and fixed (fixed=).",
                         hint="Name each time-varying term once.")
    df = _prepare(panel, trade=trade, exporter=exporter, importer=importer, year=year,
                  policy=(*policy, *fixed), costs=costs)
    domestic = bool(((df["exporter"] == df["importer"]) & (df["trade"] > 0)).any())
    international_only = not domestic
    if not domestic:
        df = df[df["exporter"] != df["importer"]].reset_index(drop=True)
    use_border = domestic if border is None else bool(border)
    if use_border and not domestic:
        raise InputError("border=True needs domestic flows (exporter == importer rows); the panel has none.",
                         hint="Leave border unset for international-only data.")
    if use_border:
        df["border"] = (df["exporter"] != df["importer"]).astype(float)
        costs = (*costs, "border")
    years = tuple(sorted(int(y) for y in df["year"].unique()))
    if mode == "auto":
        mode = "panel" if len(years) >= 2 else "cross_section"
    pair_costs = df[["exporter", "importer", *costs]].drop_duplicates()
    if pair_costs.duplicated(["exporter", "importer"]).any():
        p = pair_costs[pair_costs.duplicated(["exporter", "importer"], keep=False)].iloc[0]
        raise InputError(
            f"Cost covariates must be constant within a pair; {p['exporter']}->{p['importer']} has several values.",
            hint="Pass time-varying terms as policy=, time-invariant ones as costs=.",
        )
    notes: list[str] = []
    if international_only:
        notes.append(
            "International-only specification: the data has no domestic flows, so the border effect is not "
            "identified and the potential redistributes each country's international trade across partners."
        )
    if mode == "panel":
        s1 = stage1 if stage1 is not None else _stage1(df, policy, fixed)
        proj, pairs, flows = project(s1, pair_costs, n_draws=n_draws, level=level, seed=seed)
        flows = _finish_flows(flows, pairs)
        fe = ("exporter^year", "importer^year", "exporter^importer", "stage 2: exporter", "stage 2: importer")
        spec = Specification(
            mode="panel", stage1_formula=s1.formula, stage2_formula=proj.formula, stage2_method=STAGE2_DESCRIPTION,
            normalization=NORMALIZATION_DESCRIPTION, fixed_effects=fe, policy=tuple(s1.coef.index),
            costs=tuple(proj.coef.index), years=years, nobs_stage1=s1.nobs, nobs_stage2=proj.nobs,
            international_only=international_only,
            band_method=BAND_DESCRIPTION.format(n=n_draws, lvl=level) if n_draws else "none",
            band_level=level, n_draws=n_draws, unit=unit, scale=scale, source=source, notes=tuple(notes),
        )
        return TwoStageResult(spec=spec, stage1=s1, coef=proj.coef, se=proj.se, vcov=proj.vcov,
                              stage1_coef=s1.coef, stage1_se=s1.se, flows=flows, pairs=pairs)
    # cross-section: one PPML per year-set with exporter and importer effects
    if len(years) != 1:
        raise InputError(
            f"mode='cross_section' needs one year; the panel has {len(years)} ({years[0]}–{years[-1]}).",
            hint="Select one year first, or use mode='panel'.",
        )
    cols = [*costs, *policy]
    z = df[cols].reset_index(drop=True)
    fx = _fixed_index(df.reset_index(drop=True), fixed)
    proj = _project(df["trade"].to_numpy(float), fx, z, df["exporter"].to_numpy(),
                    df["importer"].to_numpy(), n_draws=n_draws, level=level, seed=seed)
    proj = replace(proj, ln_cost=proj.ln_cost + fx, ln_lo=proj.ln_lo + fx, ln_hi=proj.ln_hi + fx)
    flows = df[["exporter", "importer", "year"]].copy()
    flows["actual"] = df["trade"].to_numpy(float)
    flows["ln_multilateral"] = 0.0
    flows["in_sample"] = np.isfinite(proj.ln_cost)
    pairs = df[["exporter", "importer", *cols]].copy()
    pairs["actual_total"] = df["trade"].to_numpy(float)
    pairs["ln_S"] = 0.0
    pairs["ln_normal_cost"] = proj.ln_cost
    pairs["ln_normal_cost_lo"] = proj.ln_lo
    pairs["ln_normal_cost_hi"] = proj.ln_hi
    pairs["normal_total"] = np.exp(proj.ln_cost)
    with np.errstate(divide="ignore", invalid="ignore"):
        pairs["pair_ratio"] = pairs["actual_total"] / pairs["normal_total"]
    flows = _finish_flows(flows, pairs)
    spec = Specification(
        mode="cross_section", stage1_formula="", stage2_formula=proj.formula.replace("y ~", "trade ~"),
        stage2_method="PPML of trade on trade costs and policy with exporter and importer fixed effects "
        "(one year; no pair effects); potential = fitted flow",
        normalization="fitted flows are invariant to the fixed-effect normalization",
        fixed_effects=("exporter", "importer"), policy=tuple(c for c in policy if c in proj.coef.index),
        costs=tuple(c for c in costs if c in proj.coef.index), years=years, nobs_stage1=0,
        nobs_stage2=proj.nobs, international_only=international_only,
        band_method=(BAND_DESCRIPTION.format(n=n_draws, lvl=level).replace("stage-2 ", "")
                     .replace("; stage-1 estimates treated as known", "") if n_draws else "none"),
        band_level=level, n_draws=n_draws, unit=unit, scale=scale, source=source, notes=tuple(notes),
    )
    return TwoStageResult(spec=spec, stage1=None, coef=proj.coef, se=proj.se, vcov=proj.vcov,
                          stage1_coef=pd.Series(dtype=float), stage1_se=pd.Series(dtype=float),
                          flows=flows, pairs=pairs)


__all__ = ["Specification", "Stage1Fit", "TwoStageResult", "fit_stage1", "project", "two_stage"]

