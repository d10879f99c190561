"""Compute a world model in memory: every directed pair and year, from the pair views' own code.

The computation calls the same functions the pair views use (:mod:`tradegap.views.potential`
for the structural and size-based models, :mod:`tradegap.views.scenarios` for the GE baseline and the
sanction coefficient) on whole panels instead of one pair, so a persisted row equals what a
fresh in-memory fit gives for that pair (tested to 1e-9).  No estimator is reimplemented here.

Stages (:data:`STAGES`, with the seconds each took on the 2-core development machine, used for
the progress bar's ETA of a first build):

1. ``structural``: stage 1 (PPML, exporter-year, importer-year and pair effects, sanctions) and
   stage 2 (projection on trade costs) on the anchor years ending at the terminal year;
2. ``structural_years``: the structural potential of the other years (each year's exporter and
   importer terms solved from its own data, pair effects and normal costs held);
3. ``size_models``: the size-based PPML without and with the sanctions term;
4. ``size_years``: size-based potentials and bootstrap bands for every pair and year;
5. ``ge``: the sanction coefficient of the GE scenarios and each year's GE baseline
   (flows with domestic sales, output, expenditure, multilateral resistances);
6. ``facts``: country totals and ranks per year.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tradegap.progress import Progress
from tradegap.world.spec import WorldSpec, coverage

#: (stage id, description, expected seconds on 2 cores with a warm numba cache).
STAGES: tuple[tuple[str, str, float], ...] = (
    ("structural", "Structural model (stage 1 and 2)", 14.0),
    ("structural_years", "Structural potential, every year", 9.0),
    ("size_models", "Size-based models", 5.0),
    ("size_years", "Size-based potential, every year", 6.0),
    ("ge", "GE baselines and sanction coefficient", 8.0),
    ("sectors", "Sector gravity benchmarks", 5.0),
    ("facts", "Country facts", 1.0),
)

# Progress (tradegap.progress): progress(stage description, seconds of work done, seconds in total),
# in expected seconds.

STRUCTURAL_COLUMNS = ("exporter", "importer", "year", "actual", "potential", "potential_lo", "potential_hi",
                      "ratio", "ratio_lo", "ratio_hi", "untapped", "estimated")
SIZE_COLUMNS = ("variant", "exporter", "importer", "year", "actual", "potential", "potential_lo", "potential_hi",
                "ratio", "ratio_lo", "ratio_hi", "untapped", "sanction_trade")


@dataclass
class WorldFrames:
    """A computed world model: the tables to persist and the model-level facts (JSON-able ``meta``)."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def expected_seconds(spec: WorldSpec, previous: dict[str, float] | None = None) -> dict[str, float]:
    """Expected seconds per stage: the previous build's timings if known, else :data:`STAGES`."""
    lo, _ = coverage(spec.source)
    scale = max(1, spec.year - lo + 1) / 20.0
    out = {}
    for sid, _desc, sec in STAGES:
        base = sec * (scale if sid.endswith("_years") else 1.0)
        out[sid] = float(previous.get(sid, base)) if previous else base
    return out


class _Ticker:
    """Turns stage progress into the ``Progress`` callback (expected seconds done / total)."""

    def __init__(self, expected: dict[str, float], progress: Progress | None) -> None:
        self.expected = expected
        self.total = sum(expected.values())
        self.done = 0.0
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._t0 = 0.0
        self._sid = ""

    def start(self, sid: str) -> None:
        self._sid, self._t0 = sid, time.perf_counter()
        self.tell(0.0)

    def tell(self, frac: float) -> None:
        if self.progress is not None:
            desc = dict((s, d) for s, d, _ in STAGES)[self._sid]
            self.progress(desc, self.done + self.expected[self._sid] * min(max(frac, 0.0), 1.0), self.total)

    def end(self) -> None:
        self.seconds[self._sid] = time.perf_counter() - self._t0
        self.done += self.expected[self._sid]
        if self.progress is not None:
            self.progress(dict((s, d) for s, d, _ in STAGES)[self._sid], self.done, self.total)


def compute(store: Any, spec: WorldSpec, *, progress: Progress | None = None,
            previous: dict[str, float] | None = None) -> WorldFrames:
    """Compute the world model of ``spec`` on ``store`` (a :class:`tradegap.store.Store`).

    Returns
    -------
    WorldFrames
        ``frames``: ``structural``, ``size``, ``pairs``, ``stage1_policy``, ``coefficients``,
        ``ge_flows``, ``ge_countries``, ``country_year``; ``meta``: specifications and notes.
    """
    tick = _Ticker(expected_seconds(spec, previous), progress)
    out = WorldFrames()
    years = list(range(coverage(spec.source)[0], spec.year + 1))
    tick.start("structural")
    model, notes, anchors = _structural(store, spec)
    tick.end()
    tick.start("structural_years")
    out.frames["structural"] = _structural_years(model, store, spec, anchors, years, tick)
    tick.end()
    out.frames["pairs"] = _pairs_frame(model)
    out.frames["stage1_policy"] = _stage1_policy(model)
    intl = model.pairs[model.pairs["exporter"] != model.pairs["importer"]]
    out.meta["structural"] = {
        "spec": model.spec.to_dict(), "notes": list(notes), "anchors": [int(y) for y in anchors],
        "years": years, "countries": sorted(set(model.flows["exporter"]) | set(model.flows["importer"])),
        "has_policy": model.stage1 is not None and bool(len(model.stage1.coef)),
        "coefficients": _records(model.coefficients()),
        "coef": {k: float(v) for k, v in model.coef.items()},
        "stage1_coef": {k: float(v) for k, v in model.stage1_coef.items()},
        "cost_means": {k: float(intl[k].mean()) for k in model.coef.index},
        "n_intl_pairs": int(len(intl)),
    }
    coefs = [model.coefficients().assign(model="structural")]
    tick.start("size_models")
    size_models = _size_models(store, spec, anchors, tick)
    tick.end()
    tick.start("size_years")
    out.frames["size"], size_meta, size_coefs = _size_years(store, spec, size_models, years, tick)
    tick.end()
    out.meta["size"] = size_meta
    coefs += size_coefs
    tick.start("ge")
    ge_flows, ge_countries, ge_meta = _ge(store, spec, years, tick)
    out.frames["ge_flows"], out.frames["ge_countries"] = ge_flows, ge_countries
    out.meta["ge"] = ge_meta
    coefs.append(pd.DataFrame([
        {"stage": "ge", "term": "fta", "estimate": ge_meta["fta_coef"],
         "std_error": np.nan if ge_meta["fta_se"] is None else ge_meta["fta_se"], "model": "ge"},
        {"stage": "ge", "term": "sanction", "estimate": ge_meta["sanction_coef"],
         "std_error": ge_meta["sanction_se"], "model": "ge"},
    ]))
    tick.end()
    tick.start("sectors")
    out.frames["sector_fitted"], out.meta["sectors"] = _sector_fits(store)
    tick.end()
    tick.start("facts")
    out.frames["country_year"] = _country_facts(out.frames["structural"])
    tick.end()
    c = pd.concat(coefs, ignore_index=True)
    c["stage"] = c["stage"].astype(str)
    out.frames["coefficients"] = c[["model", "stage", "term", "estimate", "std_error"]]
    out.seconds = dict(tick.seconds)
    return out


# ----------------------------------------------------------------------------------------------
# structural
# ----------------------------------------------------------------------------------------------


def _structural(store: Any, spec: WorldSpec):
    from tradegap.views import potential as views

    anchors = views._anchors([spec.year], spec.source)
    model, notes = views._structural_model(store, spec.source, anchors, spec.n_draws)
    return model, notes, anchors


def _structural_years(model, store: Any, spec: WorldSpec, anchors: tuple[int, ...], years: list[int],
                      tick: _Ticker) -> pd.DataFrame:
    from tradegap.views import potential as views

    parts = [model.flows[model.flows["year"].isin(anchors)].assign(estimated=True)]
    extra = [y for y in years if y not in anchors and _has_flows(store, spec, y)]
    for k, y in enumerate(extra):
        parts.append(views._extra_year_flows(model, store, spec.source, y).assign(estimated=False))
        tick.tell((k + 1) / max(len(extra), 1))
    f = pd.concat(parts, ignore_index=True)
    f = f[f["year"].isin(years)]
    return f[list(STRUCTURAL_COLUMNS)].sort_values(["year", "exporter", "importer"]).reset_index(drop=True)


def _has_flows(store: Any, spec: WorldSpec, year: int) -> bool:
    """Whether the source has any positive international flow in ``year`` (ingested data may cover fewer years)."""
    from tradegap.views import potential as views

    f = views._flows(store, spec.source, [year])
    return bool((f["trade"] > 0).any())


def _pairs_frame(model) -> pd.DataFrame:
    """Stage-2 pairs: totals, the pair's own/normal ratio, normal-cost bands and cost covariates."""
    p = model.pairs.copy()
    keep = ["exporter", "importer", "actual_total", "normal_total", "pair_ratio", "ln_normal_cost",
            "ln_normal_cost_lo", "ln_normal_cost_hi", *[c for c in model.coef.index if c in p.columns]]
    keep = list(dict.fromkeys(c for c in keep if c in p.columns))
    return p[keep].reset_index(drop=True)


def _stage1_policy(model) -> pd.DataFrame:
    """Stage-1 policy values per pair-year (non-zero rows) and their per-year means (``exporter`` = "*")."""
    cols = list(model.stage1_coef.index)
    rows = []
    if model.stage1 is not None and cols:
        r = model.stage1.rows
        for term in cols:
            nz = r[r[term] != 0][["exporter", "importer", "year", term]].rename(columns={term: "value"})
            rows.append(nz.assign(term=term))
            means = r.groupby("year")[term].mean().reset_index().rename(columns={term: "value"})
            rows.append(means.assign(term=term, exporter="*", importer="*"))
    if not rows:
        return pd.DataFrame({"term": pd.Series(dtype=str), "exporter": pd.Series(dtype=str),
                             "importer": pd.Series(dtype=str), "year": pd.Series(dtype="int64"),
                             "value": pd.Series(dtype=float)})
    out = pd.concat(rows, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    return out[["term", "exporter", "importer", "year", "value"]]


# ----------------------------------------------------------------------------------------------
# size-based
# ----------------------------------------------------------------------------------------------


def _size_models(store: Any, spec: WorldSpec, anchors: tuple[int, ...], tick: _Ticker) -> dict[str, Any]:
    from tradegap.views import potential as views

    out = {}
    for k, (variant, with_s) in enumerate((("size", False), ("size_sanctions", True))):
        out[variant] = views._size_model(store, spec.source, anchors, with_s)
        tick.tell((k + 1) / 2)
    out["anchors"] = anchors
    return out


def _size_years(store: Any, spec: WorldSpec, models: dict[str, Any], years: list[int], tick: _Ticker):
    from tradegap.views import potential as views

    tables, coefs = [], []
    meta: dict[str, Any] = {"variants": {}, "notes": []}
    n = 2 * len(years)
    k = 0
    for variant, with_s in (("size", False), ("size_sanctions", True)):
        m = models[variant]
        if m is None:
            meta["notes"].append("Variant with sanctions omitted: the sanctions data covers 2013–2022 only.")
            k += len(years)
            continue
        model_panel, coef, vcov, se, formula, nobs, pnotes = m
        for y in years:
            if not _has_flows(store, spec, y):
                continue
            panel, _ = views._size_panel(store, spec.source, (y,))
            if with_s:
                panel = views._attach_sanctions(panel, [y], partial=True)
            rows = np.arange(len(panel))
            pot, lo, hi = views._size_predict(panel, coef, vcov, rows, spec.n_draws)
            t = panel[["exporter", "importer", "year"]].copy()
            t["variant"] = variant
            t["actual"] = panel["trade"].to_numpy(float)
            t["potential"], t["potential_lo"], t["potential_hi"] = pot, lo, hi
            t["sanction_trade"] = panel["sanction_trade"].to_numpy(float) if with_s else np.nan
            tables.append(t)
            k += 1
            tick.tell(k / n)
        cf = pd.DataFrame({"stage": variant, "term": coef.index, "estimate": coef.values,
                           "std_error": se.reindex(coef.index).values})
        coefs.append(cf.assign(model=variant))
        meta["variants"][variant] = {
            "formula": formula, "nobs": int(nobs), "notes": list(pnotes), "coefficients": _records(cf),
            "countries": sorted(set(model_panel["exporter"]) | set(model_panel["importer"])),
        }
    t = pd.concat(tables, ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["ratio"] = t["actual"] / t["potential"]
        t["ratio_lo"] = t["actual"] / t["potential_hi"]
        t["ratio_hi"] = t["actual"] / t["potential_lo"]
    t["untapped"] = t["potential"] - t["actual"]
    t = t[list(SIZE_COLUMNS)].sort_values(["variant", "year", "exporter", "importer"]).reset_index(drop=True)
    return t, meta, coefs


# ----------------------------------------------------------------------------------------------
# GE and country facts
# ----------------------------------------------------------------------------------------------


def _ge(store: Any, spec: WorldSpec, years: list[int], tick: _Ticker):
    """Each year's GE baseline (sanctions in, as ``scenario sanctions-lifted`` uses) and the coefficients."""
    from tradegap import agreements, sanctions_effect
    from tradegap.ge.solve import solve_mr
    from tradegap.views import scenarios as gepair

    sanc = sanctions_effect.long_panel_effect("pooled")
    fta = agreements.fta_effect()
    deep = agreements.deepening_effect()
    fta_b, fta_se, fta_src = gepair.fta_coefficient()
    b, se, src, fit_notes = gepair.sanction_coefficient()
    tick.tell(0.5)
    flows, countries = [], []
    notes: dict[str, list[str]] = {}
    table: list[dict[str, Any]] = []
    cost_terms: dict[str, list[Any]] = {}
    for k, y in enumerate(years):
        if not _has_flows(store, spec, y):
            continue
        try:
            w = gepair.world_baseline(y, store=store, source=spec.source, sanctions=True)
        except Exception:  # noqa: BLE001 - a year without GE data has no baseline; the scenario explains why
            continue
        base = w.baseline
        cs = list(base.countries)
        X = base.observed
        x = base.costs.x  # the cost variables (fta, sanction), stored where a flow or a cost is non-zero
        i, j = np.nonzero((X != 0) | (x != 0).any(axis=0))
        flows.append(pd.DataFrame({"year": y, "exporter": np.asarray(cs)[i], "importer": np.asarray(cs)[j],
                                   "value": X[i, j],
                                   **{v: x[k][i, j] for k, v in enumerate(base.costs.variables)}}))
        notes[str(y)] = list(w.assumptions)
        table = w.coefficients.to_dict(orient="records")
        cost_terms = {"variables": list(base.costs.variables), "coef": [float(v) for v in base.costs.coef],
                      "se": [float(v) for v in base.costs.se]}
        t = base.trade_costs()
        Y, E = base.output, base.expenditure
        mr = solve_mr(t, Y / Y.sum(), E / E.sum(), cs.index(base.reference))
        countries.append(pd.DataFrame({
            "year": y, "iso3": cs, "output": Y, "expenditure": E,
            "sanctioned": base.costs.x[base.costs.index("sanction")].any(axis=1),
            "omr_pow": np.asarray(mr.omr_pow, dtype=float), "imr_pow": np.asarray(mr.imr_pow, dtype=float),
            "reference": base.reference,
        }))
        tick.tell(0.5 + 0.5 * (k + 1) / len(years))
    meta = {"fta_coef": fta_b, "fta_se": fta_se, "fta_source": fta_src, "sanction_coef": b, "sanction_se": se,
            "sanction_source": src, "sanction_notes": list(fit_notes), "sanction_nobs": sanc.nobs,
            "sanction_years": list(sanc.years), "sanction_effect": sanc.to_dict(), "fta_effect": fta.to_dict(),
            "deepening_effect": deep.to_dict(), "notes": notes, "table": table,
            "cost_terms": cost_terms}
    return pd.concat(flows, ignore_index=True), pd.concat(countries, ignore_index=True), meta


def _sector_fits(store: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The per-sector gravity fits the brief's sector section uses (default source and scheme).

    Computed by :func:`tradegap.views.sectors.pair_sectors` itself (any pair: the fits are world-level),
    then taken from the result cache under the key that function uses.
    """
    from tradegap.cache import CACHE, MISSING, store_fingerprint
    from tradegap.views import sectors as vs

    res = vs.pair_sectors("USA", "CHN", store=store)
    key = ("sector_fits", res.source, int(res.year), res.scheme, "sitc" if res.source == "sitc" else "hs")
    fits = CACHE.get(store_fingerprint(store), key)
    if fits is MISSING:  # pragma: no cover - pair_sectors always caches its fits
        raise RuntimeError("the sector fits were not cached")
    rows, meta = [], {}
    for (sector, year), f in fits.items():
        rows.append(f.fitted.assign(sector=sector, year=int(year)))
        meta[f"{sector}|{int(year)}"] = {"sector": sector, "year": int(year), "coef": dict(f.coef), "se": dict(f.se),
                                        "nobs": int(f.nobs), "converged": bool(f.converged), "notes": list(f.notes)}
    frame = pd.concat(rows, ignore_index=True)
    cols = ["sector", "year", *[c for c in frame.columns if c not in ("sector", "year")]]
    return frame[cols], {"key": list(key), "fits": meta}


def _records(frame: pd.DataFrame) -> dict[str, list]:
    """A frame as JSON-able columns (floats round-trip exactly through JSON)."""
    return {c: [v.item() if hasattr(v, "item") else v for v in frame[c].tolist()] for c in frame.columns}


def _country_facts(structural: pd.DataFrame) -> pd.DataFrame:
    """Per country and year: exports, imports, total trade (USD millions) and rank by total trade."""
    ex = structural.groupby(["exporter", "year"])["actual"].sum().rename("exports")
    im = structural.groupby(["importer", "year"])["actual"].sum().rename("imports")
    ex.index.names = im.index.names = ["iso3", "year"]
    f = pd.concat([ex, im], axis=1).fillna(0.0).reset_index()
    f["total"] = f["exports"] + f["imports"]
    f["rank"] = f.groupby("year")["total"].rank(ascending=False, method="min").astype("int64")
    f["n_countries"] = f.groupby("year")["iso3"].transform("size").astype("int64")
    return f.sort_values(["year", "rank"]).reset_index(drop=True)
