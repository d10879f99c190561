"""Declarative GE scenarios: a TOML spec → baseline → trade-cost change → results.

A scenario file (parsed with :mod:`tomllib`; the CLI reads the files, this module
never does)::

    name = "Removing NAFTA"
    year = 2006                 # the baseline year
    sigma = 7                   # elasticity of substitution (> 1)
    reference = "DEU"           # inward multilateral resistance normalised to 1
    convention = "exact"        # or "gegravity"
    deficits = "multiplicative" # or "additive"
    direction = "counterfactual_vs_baseline"   # or "baseline_vs_counterfactual"
    costs = "variables"         # t from the cost variables (+ pair FE); or "calibrated"
    pair = ["CAN", "USA"]       # optional focal pair

    [data]                      # a long bilateral table (domestic flows included)
    file = "data/nafta.parquet" # relative to the scenario file
    exporter = "exporter"; importer = "importer"; year = "year"; trade = "trade"
    # output = "Y"; expenditure = "E"   (else Y, E are sums of trade incl. domestic)

    [estimation]                # optional: PPML by tradegap.estimate.fepois
    method = "pair_fe"          # the Guide's two-stage pair-FE procedure, or "gravity"
    variables = ["rta"]
    years = [1986, 1990, 1994, 1998, 2002, 2006]
    fill = ["ln_dist", "cntg", "lang", "clny"]

    [coefficients]              # fixed coefficients (literature), instead of or beside estimation
    rta = { coef = 0.557, se = 0.04, source = "Yotov et al. (2016), ch. 2" }

    [[change]]                  # one or more changes, applied in order
    type = "set"                # "set" a variable, "scale" trade costs by %, "remove_border"
    variable = "rta"
    value = 0
    among = ["CAN", "MEX", "USA"]   # or between = [[...],[...]], pairs = [[a,b],...],
                                    # exporters/importers = [...], international = true

``scale`` multiplies the iceberg trade-cost factor :math:`t_{ij}` by ``1 + percent/100``,
i.e. :math:`t_{ij}^{1-\\sigma}` by :math:`(1 + p/100)^{1-\\sigma}`.
Country groups usable in selections: :data:`GROUPS` (EAEU, EU, NAFTA, ...) and ``"*"`` (every
country in the model).
"""

from __future__ import annotations

import tomllib
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from tradegap.defaults import SIGMA
from tradegap.errors import DroppedObservationsWarning, InputError, UnknownCountryError
from tradegap.ge.api import simulate
from tradegap.ge.changes import CHANGE_TYPES, GROUPS, Change, PairSelection, apply_changes, canon, expand  # noqa: F401 (re-exported)
from tradegap.ge.model import (
    DEFICITS,
    Baseline,
    baseline_from_frame,
    calibrated_residual,
    check_literal,
    check_sigma,
)
from tradegap.ge.results import GEResult
from tradegap.ge.solve import CONVENTIONS

DIRECTIONS: tuple[str, ...] = ("counterfactual_vs_baseline", "baseline_vs_counterfactual")
COSTS: tuple[str, ...] = ("variables", "calibrated")
METHODS: tuple[str, ...] = ("pair_fe", "gravity")

_TOP_KEYS = {
    "name", "description", "year", "sigma", "reference", "convention", "deficits", "direction", "costs",
    "pair", "data", "estimation", "coefficients", "change", "monte_carlo",
}
_SELECT_KEYS = ("among", "between", "pairs", "exporters", "importers", "international")

#: The TOML type each top-level key must have (bool is never a number here).
_TOP_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "description": (str,), "year": (int,), "sigma": (int, float), "reference": (str,),
    "convention": (str,), "deficits": (str,), "direction": (str,), "costs": (str,), "pair": (list,),
    "data": (dict,), "estimation": (dict,), "coefficients": (dict,), "change": (list, dict), "monte_carlo": (dict,),
}
_TYPE_WORDS = {str: "a string", int: "a whole number", float: "a number", list: "a list", dict: "a table"}
#: Most Monte Carlo trials a scenario may ask for (each trial solves the model once).
MAX_TRIALS = 10_000


def _check_type(value: Any, types: tuple[type, ...], what: str, example: str) -> None:
    """Refuse a TOML value of the wrong type (``value = "zero"``, ``monte_carlo = 5``, ``sigma = true``)."""
    if isinstance(value, bool) and bool not in types or not isinstance(value, types):
        names = [_TYPE_WORDS.get(t, t.__name__) for t in types if not (t is int and float in types)]
        want = " or ".join(names)
        if isinstance(value, bool):
            got = f"{str(value).lower()} (a true/false value)"
        else:
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            got = f"{_TYPE_WORDS.get(type(value), type(value).__name__)} {shown}"
        raise InputError(f"{what} must be {want}; got {got}.", hint=f"For example: {example}")


_EXAMPLES = {
    "name": 'name = "FTA Iran-EAEU"', "description": 'description = "..."', "year": "year = 2019",
    "sigma": "sigma = 7", "reference": 'reference = "DEU"', "convention": 'convention = "exact"',
    "deficits": 'deficits = "multiplicative"', "direction": 'direction = "counterfactual_vs_baseline"',
    "costs": 'costs = "variables"', "pair": 'pair = ["IRN", "RUS"]', "data": '[data] file = "data.parquet"',
    "estimation": '[estimation] variables = ["ln_dist"]', "coefficients": "[coefficients] rta = 0.557",
    "change": '[[change]] type = "set" (one table per change)', "monte_carlo": "[monte_carlo] trials = 100",
}


def _check_top_types(d: Mapping[str, Any]) -> None:
    for key, types in _TOP_TYPES.items():
        if key in d:
            _check_type(d[key], types, f"The scenario's '{key}'", _EXAMPLES[key])


@dataclass(frozen=True)
class DataSpec:
    """Where the bilateral data come from and its column names."""

    file: str | None = None
    source: str | None = None
    exporter: str = "exporter"
    importer: str = "importer"
    year: str = "year"
    trade: str = "trade"
    output: str | None = None
    expenditure: str | None = None


@dataclass(frozen=True)
class EstimationSpec:
    """PPML estimation of the cost coefficients (tradegap.estimate.fepois)."""

    method: Literal["pair_fe", "gravity"]
    variables: tuple[str, ...]
    years: tuple[int, ...] | None = None
    fill: tuple[str, ...] = ()
    vcov: str = "hc1"
    pairs: Literal["directed", "symmetric"] = "directed"


@dataclass(frozen=True)
class FixedCoef:
    """A coefficient taken as given (e.g. from the literature)."""

    coef: float
    se: float | None = None
    source: str | None = None


@dataclass(frozen=True)
class MonteCarloSpec:
    """Monte Carlo settings."""

    trials: int = 100
    seed: int = 0
    level: float = 0.9


@dataclass(frozen=True)
class ScenarioSpec:
    """A parsed, validated scenario (see the module docstring for the TOML layout)."""

    name: str
    changes: tuple[Change, ...]
    year: int | None = None
    sigma: float = SIGMA
    reference: str | None = None
    convention: str = "exact"
    deficits: str = "multiplicative"
    direction: str = "counterfactual_vs_baseline"
    costs: str = "variables"
    pair: tuple[str, str] | None = None
    description: str = ""
    data: DataSpec = field(default_factory=DataSpec)
    estimation: EstimationSpec | None = None
    coefficients: Mapping[str, FixedCoef] = field(default_factory=dict)
    monte_carlo: MonteCarloSpec | None = None


def _strs(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [s for s in value.replace(";", ",").split(",") if s.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{what} must be a list of country codes; got {value!r}.")
    return tuple(v.strip() for v in value)


def _selection(d: Mapping[str, Any], where: str) -> PairSelection:
    given = [k for k in _SELECT_KEYS if k in d]
    if not given:
        raise InputError(
            f"{where}: say which pairs change.",
            hint="Add one of among = [...], between = [[...], [...]], pairs = [[exp, imp], ...], "
            "exporters/importers = [...], international = true.",
        )
    if len(set(given) - {"exporters", "importers"}) > 1 or (
        {"exporters", "importers"} & set(given) and len(set(given) - {"exporters", "importers"})
    ):
        raise InputError(f"{where}: give only one pair selection; got {given}.")
    if "among" in d:
        return PairSelection(among=_strs(d["among"], f"{where}.among"))
    if "between" in d:
        b = d["between"]
        if not isinstance(b, (list, tuple)) or len(b) != 2:
            raise InputError(f"{where}.between must be two lists, e.g. [[\"IRN\"], [\"EAEU\"]]; got {b!r}.",
                             hint='between = [["IRN"], ["ARM", "BLR"]] selects the pairs across the two lists.')
        return PairSelection(between=(_strs(b[0], f"{where}.between[0]"), _strs(b[1], f"{where}.between[1]")))
    if "pairs" in d:
        p = d["pairs"]
        if not isinstance(p, (list, tuple)) or not all(isinstance(x, (list, tuple)) and len(x) == 2 for x in p):
            raise InputError(f"{where}.pairs must be a list of [exporter, importer]; got {p!r}.")
        return PairSelection(pairs=tuple((str(a), str(b)) for a, b in p))
    if "international" in d:
        if d["international"] is not True:
            raise InputError(f"{where}.international must be true if given.",
                             hint="international = true selects every pair of different countries.")
        return PairSelection(international=True)
    return PairSelection(
        exporters=_strs(d["exporters"], f"{where}.exporters") if "exporters" in d else None,
        importers=_strs(d["importers"], f"{where}.importers") if "importers" in d else None,
    )


def _unknown_keys(d: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(d) - allowed)
    if extra:
        raise InputError(f"Unknown key(s) {extra} in {where}.", hint=f"Allowed: {sorted(allowed)}.")


def _parse_change(c: Mapping[str, Any], where: str) -> Change:
    """One ``[[change]]`` table → :class:`Change`."""
    _unknown_keys(c, {"type", "variable", "value", "percent", *_SELECT_KEYS}, where)
    typ = check_literal("type", c.get("type", ""), CHANGE_TYPES, where)
    sel = _selection(c, where) if typ != "remove_border" or any(s in c for s in _SELECT_KEYS) else \
        PairSelection(international=True)
    if typ == "set":
        if "variable" not in c or "value" not in c:
            raise InputError(f"{where}: type 'set' needs 'variable' and 'value'.")
        _check_type(c["variable"], (str,), f"{where}.variable", 'variable = "rta"')
        _check_type(c["value"], (int, float), f"{where}.value", "value = 0")
        if not np.isfinite(c["value"]):
            raise InputError(f"{where}.value must be finite; got {c['value']!r}.", hint="value = 0")
        return Change("set", sel, variable=c["variable"], value=float(c["value"]))
    if typ == "scale":
        if "percent" not in c:
            raise InputError(f"{where}: type 'scale' needs 'percent' (e.g. percent = -20).")
        _check_type(c["percent"], (int, float, str), f"{where}.percent", "percent = -20")
        try:
            p = float(str(c["percent"]).strip().rstrip("%"))
        except ValueError:
            raise InputError(f"{where}.percent must be a number such as -20; got {c['percent']!r}.",
                             hint="percent = -20 cuts the trade cost by 20%.") from None
        if not np.isfinite(p) or p > 1000:
            raise InputError(f"{where}.percent must be a finite change of at most +1000%; got {p}.",
                             hint="percent = -20 cuts the trade cost by 20%.")
        if p <= -100:
            raise InputError(f"{where}: a trade-cost change of {p}% would make costs non-positive.")
        return Change("scale", sel, percent=p)
    if "variable" not in c:
        raise InputError(f"{where}: type 'remove_border' needs the border 'variable'.")
    _check_type(c["variable"], (str,), f"{where}.variable", 'variable = "INTL_BRDR"')
    return Change("remove_border", sel, variable=str(c["variable"]), value=0.0)


def _parse_changes(d: Mapping[str, Any]) -> tuple[Change, ...]:
    raw_changes = d.get("change", [])
    if isinstance(raw_changes, dict):
        raw_changes = [raw_changes]
    if not raw_changes:
        raise InputError("The scenario has no [[change]].", hint="Add at least one [[change]] table.")
    for k, c in enumerate(raw_changes, 1):
        _check_type(c, (dict,), f"change #{k}", '[[change]] type = "set", variable = "rta", value = 0')
    return tuple(_parse_change(c, f"change #{k}") for k, c in enumerate(raw_changes, 1))


def _parse_monte_carlo(m: Mapping[str, Any]) -> MonteCarloSpec:
    """The ``[monte_carlo]`` table → :class:`MonteCarloSpec` (trials 1–MAX_TRIALS, level in (0, 1))."""
    _unknown_keys(m, {"trials", "seed", "level"}, "[monte_carlo]")
    trials = m.get("trials", MonteCarloSpec.trials)
    _check_type(trials, (int,), "[monte_carlo].trials", "trials = 100")
    if not 1 <= trials <= MAX_TRIALS:
        raise InputError(f"[monte_carlo].trials must be between 1 and {MAX_TRIALS:,}; got {trials:,}.",
                         hint="100 to 1,000 trials give stable 90% bands; each trial solves the model once.")
    seed = m.get("seed", 0)
    _check_type(seed, (int,), "[monte_carlo].seed", "seed = 0")
    level = m.get("level", MonteCarloSpec.level)
    _check_type(level, (int, float), "[monte_carlo].level", "level = 0.9")
    if not 0 < level < 1:
        raise InputError(f"[monte_carlo].level must be between 0 and 1 (exclusive); got {level}.",
                         hint="level = 0.9 gives a 90% band.")
    return MonteCarloSpec(trials=trials, seed=seed, level=float(level))


def _parse_estimation(e: Mapping[str, Any]) -> EstimationSpec:
    """The ``[estimation]`` table → :class:`EstimationSpec`."""
    _unknown_keys(e, {"method", "variables", "years", "fill", "vcov", "pairs"}, "[estimation]")
    pairs_kind = check_literal("pairs", e.get("pairs", "directed"), ("directed", "symmetric"), "[estimation]")
    method = check_literal("method", e.get("method", "gravity"), METHODS, "[estimation]")
    for key in ("variables", "fill", "years"):
        if key in e:
            _check_type(e[key], (list,), f"[estimation].{key}", f'{key} = ["ln_dist", "cntg"]'
                        if key != "years" else "years = [2000, 2005, 2010]")
            inner = (int,) if key == "years" else (str,)
            for v in e[key]:
                _check_type(v, inner, f"each of [estimation].{key}", "years = [2000, 2005]" if key == "years"
                            else 'variables = ["ln_dist"]')
    variables = tuple(e.get("variables", ()))
    if not variables:
        raise InputError("[estimation] needs 'variables' (the trade-cost regressors).",
                         hint='variables = ["ln_dist", "cntg", "rta"] (columns of the data).')
    return EstimationSpec(
        method=method,  # type: ignore[arg-type]
        variables=variables,
        years=tuple(int(y) for y in e["years"]) if "years" in e else None,
        fill=tuple(e.get("fill", ())),
        vcov=str(e.get("vcov", "hc1")),
        pairs=pairs_kind,  # type: ignore[arg-type]
    )


def _parse_coefficients(raw: Mapping[str, Any]) -> dict[str, FixedCoef]:
    """The ``[coefficients]`` table → fixed coefficients by variable."""
    coefs: dict[str, FixedCoef] = {}
    for k, v in raw.items():
        if isinstance(v, (int, float)):
            coefs[k] = FixedCoef(float(v))
        elif isinstance(v, dict):
            _unknown_keys(v, {"coef", "se", "source"}, f"[coefficients].{k}")
            if "coef" not in v:
                raise InputError(f"[coefficients].{k} needs 'coef'.")
            coefs[k] = FixedCoef(float(v["coef"]), None if v.get("se") is None else float(v["se"]), v.get("source"))
        else:
            raise InputError(f"[coefficients].{k} must be a number or a table {{coef, se, source}}; got {v!r}.",
                             hint=f'{k} = 0.557 or {k} = {{ coef = 0.557, se = 0.04, source = "..." }}')
    return coefs


def _country(raw: Any, what: str) -> str:
    """An ISO3 code from a code or a country name (never a silent default)."""
    from tradegap import countries

    _check_type(raw, (str,), f"The scenario's '{what}'", f'{what} = "DEU"')
    c = canon(raw)
    if c in GROUPS or c in ("*", "ALL", "WORLD"):
        raise InputError(f"The scenario's '{what}' must be one country; got the group {raw!r}.",
                         hint=f'{what} = "DEU"')
    try:
        return countries.to_iso3(raw)
    except UnknownCountryError as exc:
        raise InputError(f"The scenario's '{what}' is not a country tradegap knows: {exc.message}",
                         hint=exc.hint) from None


def _parse_pair(raw: Any) -> tuple[str, str]:
    p = _strs(raw, "pair")
    if len(p) != 2:
        raise InputError(f"'pair' must be two country codes; got {raw!r}.", hint='pair = ["IRN", "RUS"]')
    a, b = _country(p[0], "pair"), _country(p[1], "pair")
    if a == b:
        raise InputError(f"'pair' must be two different countries; got {raw!r}.", hint='pair = ["IRN", "RUS"]')
    return (a, b)


def parse_scenario(spec: str | Mapping[str, Any]) -> ScenarioSpec:
    """Parse and validate a scenario from TOML text or a dict.

    Raises
    ------
    InputError
        Invalid TOML, unknown keys, invalid options (σ ≤ 1, unknown convention, ...).
    """
    if isinstance(spec, str):
        try:
            d = tomllib.loads(spec)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"The scenario is not valid TOML: {exc}.") from None
    else:
        d = dict(spec)
    _unknown_keys(d, _TOP_KEYS, "the scenario")
    _check_top_types(d)
    sigma = check_sigma(d.get("sigma", SIGMA))
    convention = check_literal("convention", d.get("convention", "exact"), CONVENTIONS, "scenario")
    deficits = check_literal("deficits", d.get("deficits", "multiplicative"), DEFICITS, "scenario")
    direction = check_literal("direction", d.get("direction", DIRECTIONS[0]), DIRECTIONS, "scenario")
    costs = check_literal("costs", d.get("costs", "variables"), COSTS, "scenario")
    changes = _parse_changes(d)
    data = DataSpec()
    if "data" in d:
        _unknown_keys(d["data"], set(DataSpec.__dataclass_fields__), "[data]")
        for key, value in d["data"].items():
            _check_type(value, (str,), f"[data].{key}", f'{key} = "{DataSpec.__dataclass_fields__[key].default or key}"')
        data = DataSpec(**d["data"])
    est = _parse_estimation(d["estimation"]) if "estimation" in d else None
    coefs = _parse_coefficients(d.get("coefficients", {}))
    if est is None and not coefs and costs == "variables":
        raise InputError(
            "The scenario gives neither [estimation] nor [coefficients]: trade costs cannot be built.",
            hint="Estimate the cost coefficients ([estimation]) or fix them ([coefficients]).",
        )
    mc = None
    if "monte_carlo" in d:
        mc = _parse_monte_carlo(d["monte_carlo"])
    return ScenarioSpec(
        name=str(d.get("name", "scenario")),
        description=str(d.get("description", "")),
        changes=changes,
        year=None if d.get("year") is None else int(d["year"]),
        sigma=sigma,
        reference=None if d.get("reference") is None else _country(d["reference"], "reference"),
        convention=convention,
        deficits=deficits,
        direction=direction,
        costs=costs,
        pair=_parse_pair(d["pair"]) if "pair" in d else None,
        data=data,
        estimation=est,
        coefficients=coefs,
        monte_carlo=mc,
    )


# --------------------------------------------------------------------------- baseline from data


@dataclass(frozen=True)
class Calibration:
    """How the baseline's trade costs were obtained (estimation summary)."""

    baseline: Baseline
    coefficients: pd.DataFrame  # variable, coef, se, source
    nobs: int | None
    notes: tuple[str, ...]


def _square_frame(df: pd.DataFrame, ds: DataSpec) -> pd.DataFrame:
    """Keep exporter × importer rows of countries that appear on both sides."""
    ex = set(df[ds.exporter].astype(str))
    im = set(df[ds.importer].astype(str))
    both = ex & im
    out = df.loc[df[ds.exporter].astype(str).isin(both) & df[ds.importer].astype(str).isin(both)].copy()
    return out


def _estimate_pair_fe(panel: pd.DataFrame, cross: pd.DataFrame, est: EstimationSpec, ds: DataSpec):
    """The Guide's two-stage procedure; returns (log pair term for `cross` rows, fit, notes)."""
    from tradegap.estimate import fepois

    ex, im, yr, tr = ds.exporter, ds.importer, ds.year, ds.trade
    def pair_label(frame: pd.DataFrame) -> np.ndarray:
        a, b = frame[ex].astype(str).to_numpy(), frame[im].astype(str).to_numpy()
        if est.pairs == "symmetric":
            a, b = np.minimum(a, b), np.maximum(a, b)
        lab = np.char.add(np.char.add(a.astype(str), "^"), b.astype(str))
        return np.where(frame[ex].astype(str).to_numpy() == frame[im].astype(str).to_numpy(), "DOMESTIC", lab)

    p = panel.copy()
    p["_pair"] = pair_label(p)
    rhs = " + ".join(est.variables)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DroppedObservationsWarning)
        fit = fepois(f"{tr} ~ {rhs} | {ex}^{yr} + {im}^{yr} + _pair", p, vcov=est.vcov)
    dropped_notes = [f"Stage 1: {w.message}" for w in caught if issubclass(w.category, DroppedObservationsWarning)]
    fe = fit.fixef()["_pair"]
    c = cross.copy()
    cdom = c[ex].astype(str) == c[im].astype(str)
    c["_pair"] = pair_label(c)
    pair_fe = np.array(c["_pair"].map(fe).to_numpy(float), dtype=float, copy=True)
    notes = [
        f"Stage 1: PPML of {tr} on {', '.join(est.variables)} with {ex}-year, {im}-year and {est.pairs} pair fixed effects "
        f"(one shared fixed effect for all domestic pairs), years {sorted(set(p[yr].astype(int)))}, "
        f"N = {fit.nobs}."
    ] + dropped_notes
    missing = np.isnan(pair_fe)
    if missing.any():
        if not est.fill:
            raise InputError(
                f"{int(missing.sum())} pairs have no identified pair fixed effect (no trade in any year) and "
                "[estimation].fill is empty.",
                hint='Give fill = ["ln_dist", "cntg", "lang", "clny"] to predict them from gravity variables.',
            )
        ok = ~missing & ~cdom.to_numpy()
        s2 = c.loc[ok].copy()
        s2["_tij"] = np.exp(pair_fe[ok])
        fit2 = fepois(f"_tij ~ {' + '.join(est.fill)} | {ex} + {im}", s2, vcov="hc1")
        pred = fit2.predict(c.loc[missing])
        if np.isnan(pred).any():
            raise InputError("Some unidentified pair fixed effects could not be predicted (country without data).")
        pair_fe[missing] = np.log(pred)
        notes.append(
            f"Stage 2: {int(missing.sum())} unidentified pair fixed effects filled with the fitted values of a "
            f"PPML of exp(pair FE) on {', '.join(est.fill)} with exporter and importer fixed effects "
            f"(N = {fit2.nobs})."
        )
    return pair_fe, fit, notes


def _check_columns(df: pd.DataFrame, names: Sequence[str]) -> None:
    for v in names:
        if v not in df.columns:
            raise InputError(
                f"The model has no variable {v!r}: it is not a column of the scenario data.",
                hint=f"Columns: {list(df.columns)}",
            )


def _scenario_frames(spec: ScenarioSpec, data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int | None, bool]:
    """``(panel, cross-section of the baseline year, year, has_year)`` with canonical country codes."""
    ds = spec.data
    for col in (ds.exporter, ds.importer, ds.trade):
        if col not in data.columns:
            raise InputError(f"The scenario data have no column {col!r}.", hint=f"Columns: {list(data.columns)}")
    df = data.copy()
    df[ds.exporter] = df[ds.exporter].astype(str).map(canon)
    df[ds.importer] = df[ds.importer].astype(str).map(canon)
    has_year = ds.year in df.columns
    year = spec.year
    if year is None and has_year:
        year = int(pd.to_numeric(df[ds.year]).max())
    if has_year:
        cross = df.loc[pd.to_numeric(df[ds.year]) == year].copy()
        if cross.empty:
            years = sorted(set(pd.to_numeric(df[ds.year]).dropna().astype(int)))
            raise InputError(f"The scenario data have no rows for year {year}.",
                             hint=f"Its years: {years[0]}–{years[-1]}; set year to one of them." if years
                             else "Check the data file's year column.")
    else:
        cross = df.copy()
    cross = _square_frame(cross, ds).sort_values([ds.exporter, ds.importer]).reset_index(drop=True)
    return df, cross, year, has_year


def _estimate_costs(est: EstimationSpec, ds: DataSpec, df: pd.DataFrame, cross: pd.DataFrame, has_year: bool):
    """PPML of the cost regressors: ``(fit, notes, pair-FE residual or None)``."""
    _check_columns(df, est.variables + est.fill)
    if est.method == "pair_fe":
        if not has_year:
            raise InputError("method = 'pair_fe' needs a panel with a year column.")
        panel = df if est.years is None else df.loc[pd.to_numeric(df[ds.year]).isin(est.years)]
        pair_fe, fit, n = _estimate_pair_fe(panel, cross, est, ds)
        return fit, n, pair_fe
    from tradegap.estimate import fepois

    if est.years is not None and has_year:
        sample = df.loc[pd.to_numeric(df[ds.year]).isin(est.years)]
        fes = f"{ds.exporter}^{ds.year} + {ds.importer}^{ds.year}"
    else:
        sample = cross
        fes = f"{ds.exporter} + {ds.importer}"
    fit = fepois(f"{ds.trade} ~ {' + '.join(est.variables)} | {fes}", sample, vcov=est.vcov)
    n = [f"PPML of {ds.trade} on {', '.join(est.variables)} with {fes.replace('^', '×')} fixed effects, "
         f"N = {fit.nobs}."]
    return fit, n, None


def _cost_vcov(cost_vars: list[str], ses: dict[str, float], vc: pd.DataFrame | None,
               fixed: Mapping[str, FixedCoef]) -> pd.DataFrame:
    """Covariance of the cost coefficients: the fit's for estimated ones, the diagonal of the given SEs otherwise."""
    vcov = pd.DataFrame(np.diag([ses.get(v, 0.0) ** 2 for v in cost_vars]), index=cost_vars, columns=cost_vars)
    if vc is not None:
        common = [v for v in vc.index if v in cost_vars and fixed.get(v) is None]
        vcov.loc[common, common] = vc.loc[common, common].to_numpy()
    return vcov


def _calibrated_to_observed(b: Baseline, cost_vars: list[str], notes: list[str]) -> Baseline:
    """Baseline costs that reproduce observed flows exactly (``costs = "calibrated"``)."""
    if b.observed is None or np.isnan(b.observed).any():
        raise InputError("costs = 'calibrated' needs observed trade for every pair (domestic included).")
    r = calibrated_residual(b.observed, b.output, b.expenditure) - (
        np.tensordot(b.costs.coef, b.costs.x, axes=(0, 0)) if cost_vars else 0.0
    )
    notes.append(
        "Baseline trade costs calibrated to reproduce observed flows exactly "
        "(t^(1-sigma) = X_ij Y / (Y_i E_j)); cost variables only shift them in the counterfactual."
    )
    return b.with_costs(replace(b.costs, residual=r))


def calibrate(spec: ScenarioSpec, data: pd.DataFrame) -> Calibration:
    """Build the scenario's baseline from a bilateral frame (estimating coefficients if asked).

    Parameters
    ----------
    spec
        The parsed scenario.
    data
        Long bilateral table with the columns named in ``spec.data`` (domestic flows
        included); a panel when ``[estimation] years`` are given.

    Returns
    -------
    Calibration
    """
    ds = spec.data
    df, cross, year, has_year = _scenario_frames(spec, data)
    notes: list[str] = []
    est = spec.estimation
    table = []
    nobs = None
    cost_vars: list[str] = []
    coefs: dict[str, float] = {}
    ses: dict[str, float] = {}
    vc = None
    residual = None
    if est is not None:
        fit, n, residual = _estimate_costs(est, ds, df, cross, has_year)
        notes += n
        nobs = int(fit.nobs)
        for v in est.variables:
            if v not in fit.coef.index:
                raise InputError(f"Variable {v!r} was dropped from the PPML fit (collinear with fixed effects).")
            coefs[v] = float(fit.coef[v])
            ses[v] = float(fit.se[v])
            table.append({"variable": v, "coef": coefs[v], "se": ses[v], "source": "estimated (PPML, tradegap.estimate)"})
        cost_vars += list(est.variables)
        vc = fit.vcov.loc[list(est.variables), list(est.variables)]
    _check_columns(df, list(spec.coefficients))
    for v, fc in spec.coefficients.items():
        if v in coefs:
            notes.append(f"Coefficient of {v} fixed at {fc.coef:g} instead of the estimate {coefs[v]:.4f}.")
        else:
            cost_vars.append(v)
        coefs[v] = fc.coef
        if fc.se is not None:
            ses[v] = fc.se
        table.append({"variable": v, "coef": fc.coef, "se": fc.se, "source": fc.source or "fixed (scenario file)"})
    vcov = _cost_vcov(cost_vars, ses, vc, spec.coefficients)
    cross_b = cross.copy()
    if residual is not None:
        cross_b["_residual"] = residual
    output, expend = ds.output, ds.expenditure
    if output and expend:
        for col in (output, expend):
            if col not in cross_b.columns:
                raise InputError(f"The scenario data have no column {col!r}.")
    b = baseline_from_frame(
        cross_b,
        sigma=spec.sigma,
        reference=spec.reference or _default_reference(cross_b, ds),
        cost_variables=cost_vars,
        coefficients=coefs,
        std_errors={v: ses.get(v, 0.0) for v in cost_vars},
        vcov=vcov,
        residual="_residual" if residual is not None else None,
        exporter=ds.exporter,
        importer=ds.importer,
        trade=ds.trade,
        output=output,
        expenditure=expend,
        year=None,
    )
    if spec.costs == "calibrated":
        b = _calibrated_to_observed(b, cost_vars, notes)
    b = replace(b, year=year, notes=tuple(b.notes) + tuple(notes))
    coef_frame = pd.DataFrame(table, columns=["variable", "coef", "se", "source"])
    return Calibration(baseline=b, coefficients=coef_frame, nobs=nobs, notes=tuple(notes))


def _default_reference(df: pd.DataFrame, ds: DataSpec) -> str:
    countries = sorted(set(df[ds.exporter]))
    return "DEU" if "DEU" in countries else countries[0]


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's GE result with its calibration (and Monte Carlo bands if asked)."""

    spec: ScenarioSpec
    result: GEResult
    coefficients: pd.DataFrame
    bands: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """Per-country % changes (with Monte Carlo bands if computed)."""
        f = self.result.to_frame()
        if self.bands is not None:
            f = f.merge(self.bands, on="country", how="left")
        return f

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict."""
        d = self.result.to_dict()
        d["description"] = self.spec.description
        d["direction"] = self.spec.direction
        d["changes"] = [c.describe() for c in self.spec.changes]
        d["coefficients"] = self.coefficients.to_dict(orient="records")
        if self.bands is not None:
            d["monte_carlo"] = self.bands.to_dict(orient="records")
        return d


def run_scenario(
    spec: ScenarioSpec | str | Mapping[str, Any],
    data: pd.DataFrame | None = None,
    *,
    calibration: Calibration | None = None,
    progress: Callable[[int, int], None] | None = None,
    world: Callable[[ScenarioSpec], Calibration] | None = None,
) -> ScenarioResult:
    """Run a scenario on its data.

    This is the pure runner: the caller reads the data.  A scenario with ``[data] source = "baci"``
    (the shipped BACI totals) is run by :func:`tradegap.views.scenarios.run_scenario`, which passes
    the world calibration as ``world``.

    Parameters
    ----------
    spec
        A :class:`ScenarioSpec`, TOML text or dict.
    data
        The bilateral frame named by ``[data]`` (read by the caller).
    calibration
        A ready baseline (skips :func:`calibrate`).
    progress
        Callback ``progress(done, total)`` for Monte Carlo trials.
    world
        Calibration from tradegap's own data for ``[data] source = ...`` (set by the view).

    Returns
    -------
    ScenarioResult
    """
    if not isinstance(spec, ScenarioSpec):
        spec = parse_scenario(spec)
    if calibration is None and data is None and spec.data.source is not None:
        if world is None:
            raise InputError(
                f"[data] source = {spec.data.source!r} reads tradegap's data; this runner takes a frame.",
                hint="Use tradegap.ge.run_scenario (tradegap.views.scenarios.run_scenario) or pass data.",
            )
        calibration = world(spec)
    if calibration is None:
        if data is None:
            raise InputError("run_scenario needs the scenario's data (or a calibration).",
                             hint='Give [data] file = "..." or source = "baci" (the shipped BACI totals).')
        calibration = calibrate(spec, data)
    b = calibration.baseline
    notes: list[str] = []
    if spec.pair is not None:
        for c in spec.pair:
            b.position(c)
    new = apply_changes(b, spec.changes, notes)
    notes += [f"Change: {c.describe()}." for c in spec.changes]
    res = simulate(
        b,
        new,
        name=spec.name,
        convention=spec.convention,  # type: ignore[arg-type]
        deficits=spec.deficits,  # type: ignore[arg-type]
        pair=spec.pair,
        assumptions=tuple(notes),
    )
    bands = None
    if spec.monte_carlo is not None:
        from tradegap.ge.montecarlo import monte_carlo

        mc = monte_carlo(
            b,
            spec.changes,
            trials=spec.monte_carlo.trials,
            seed=spec.monte_carlo.seed,
            level=spec.monte_carlo.level,
            convention=spec.convention,
            deficits=spec.deficits,
            progress=progress,
        )
        bands = mc.bands
    if spec.direction == "baseline_vs_counterfactual":
        res = res.inverted()
        if bands is not None:
            bands = _invert_bands(bands)
    return ScenarioResult(spec=spec, result=res, coefficients=calibration.coefficients, bands=bands)


def _invert_bands(bands: pd.DataFrame) -> pd.DataFrame:
    out = bands.copy()
    for col in out.columns:
        if col.endswith("_pct_lo") or col.endswith("_pct_hi") or col.endswith("_pct_median"):
            out[col] = 100.0 / (1.0 + out[col] / 100.0) - 100.0
    # lower and upper swap under the decreasing transformation
    for lo in [c for c in out.columns if c.endswith("_pct_lo")]:
        hi = lo[:-3] + "_hi"
        if hi in out.columns:
            out[lo], out[hi] = out[hi].copy(), out[lo].copy()
    return out
