"""Answers read from the persisted world model: the same result objects as the pair views, from rows.

Each function validates its arguments exactly as its pair-view twin in
:mod:`tradegap.views.potential` does, finds (or builds once) the world model of the store's
current data (:func:`tradegap.world.model.ensure`) and assembles the answer from stored rows with
the views' own helpers, so ``world.structural(a, b, years=…)`` equals
``potential.structural(a, b, years=…)`` (tested to 1e-9) without fitting anything.

Every row read is checked against the checksums written with the model; a mismatch drops the
model and rebuilds it once (never served damaged).

Thread- and process-safe: each read opens its own read-only connection.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from tradegap.errors import CoverageError, InputError, StoreError
from tradegap.potential.results import GapDecomposition, Potential, UntappedRanking
from tradegap.views import potential as views
from tradegap.world import persist
from tradegap.world.compute import Progress
from tradegap.world.db import read_frame
from tradegap.world.model import Notify, WorldModel, ensure
from tradegap.world.results import WorldUntapped
from tradegap.world.spec import WorldSpec

__all__ = ["brief_inputs", "country_facts", "decompose", "ge_baseline", "normal_flows", "pair_rows",
           "pair_sector_fits", "scenario_baseline", "size_based", "structural", "untapped", "world_untapped"]


class DamagedModel(StoreError):
    """Stored rows do not match the checksums written with the model."""


def _model(store: Any, source: str, year: int, progress: Progress | None, notify: Notify | None,
           n_draws: int = views.DEFAULT_DRAWS) -> WorldModel:
    return ensure(store, WorldSpec(source=source, year=int(year), n_draws=n_draws), progress=progress, notify=notify)


def _read(wm: WorldModel, table: str, where: str, params: list[Any], parts: list[str] | None) -> pd.DataFrame:
    """Rows of ``table`` (this model) matching ``where``, after checking the partitions they come from."""
    sql = f"SELECT * EXCLUDE (fingerprint, spec) FROM {table} WHERE fingerprint = $fp AND spec = $spec AND {where}"
    with wm.connection() as con:
        ok = persist.verify_rows(con, table, wm.fingerprint, wm.spec.key, parts)
        if not ok:
            raise DamagedModel(f"The world model in {wm.path} is damaged ({table}).",
                               hint="It is rebuilt on the next question; or run `tradegap build --db PATH`.")
        named = {"fp": wm.fingerprint, "spec": wm.spec.key}
        named.update({f"p{i}": v for i, v in enumerate(params, start=1)})
        return read_frame(con, sql, named)


def _with_model(fn, store: Any, source: str, year: int, progress: Progress | None, notify: Notify | None,
                n_draws: int):
    """``fn(world_model)``; a damaged model is dropped, rebuilt once and read again."""
    wm = _model(store, source, year, progress, notify, n_draws)
    try:
        return fn(wm)
    except DamagedModel:
        wm = ensure(store, wm.spec, progress=progress, notify=notify, rebuild=True)
        return fn(wm)


def _countries_frame(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"exporter": codes, "importer": codes})


def pair_rows(a: str, b: str, years: list[int], wm: WorldModel, table: str = "world_structural") -> pd.DataFrame:
    """Both directions of ``a``–``b`` in ``years`` from one world table (already validated codes)."""
    return _read(wm, table, "exporter IN ($p1, $p2) AND importer IN ($p1, $p2) "
                 "AND exporter <> importer AND list_contains($p3, year)", [a, b, list(years)], [a, b])


def structural(a: str, b: str, *, years: int | Iterable[int] | None = None, store: Any = None,
               source: views.Source = "baci", n_draws: int = views.DEFAULT_DRAWS,
               progress: Progress | None = None,
               notify: Notify | None = None) -> Potential:
    """:func:`tradegap.potential.structural` (panel mode) from the world model's rows."""
    return _pair_answer(_structural, "structural", a, b, years, store, source, n_draws, progress, notify)


def _pair_answer(read: Any, where: str, a: str, b: str, years: int | Iterable[int] | None, store: Any,
                 source: views.Source, n_draws: int, progress: Progress | None, notify: Notify | None) -> Potential:
    """``read(wm, a, b, years, store)`` on the model of the latest asked year, arguments checked as the views do."""
    views._check_source(source, where)
    a, b = views._iso_pair(a, b)
    ys = views._years_arg(years, source)
    return _with_model(lambda wm: read(wm, a, b, ys, store), store, source, max(ys), progress, notify, n_draws)


def _structural(wm: WorldModel, a: str, b: str, ys: list[int], store: Any) -> Potential:
    m = wm.meta["structural"]
    anchors = tuple(m["anchors"])
    views._check_pair_data(_countries_frame(m["countries"]), a, b, ys, wm.spec.source, views._store(store))
    frame = pair_rows(a, b, ys, wm)
    notes = views._extra_year_notes(list(m["notes"]), [y for y in ys if y not in anchors], anchors, m["has_policy"])
    table = views._pair_table(frame, a, b, ys, wm.spec.source)
    coefficients = pd.DataFrame(m["coefficients"])
    return Potential(
        kind="structural", a=a, b=b, table=table, spec=views._spec_dict(m["spec"], ys, anchors, notes),
        coefficients=coefficients, meaning=views._structural_meaning(a, b),
        summary=views._summary(table, a, b, "structural"), notes=tuple(notes),
    )


def size_based(a: str, b: str, *, years: int | Iterable[int] | None = None, store: Any = None,
               source: views.Source = "baci", n_draws: int = views.DEFAULT_DRAWS,
               progress: Progress | None = None,
               notify: Notify | None = None) -> Potential:
    """:func:`tradegap.potential.size_based` from the world model's rows (gap split included)."""
    return _pair_answer(_size_based, "size_based", a, b, years, store, source, n_draws, progress, notify)


def _size_based(wm: WorldModel, a: str, b: str, ys: list[int], store: Any) -> Potential:
    m = wm.meta["size"]
    anchors = tuple(wm.meta["structural"]["anchors"])
    rows = pair_rows(a, b, ys, wm, "world_size")
    notes: list[str] = []
    tables, coefs, spec = [], [], {}
    for variant in ("size", "size_sanctions"):
        v = m["variants"].get(variant)
        if v is None:
            notes.extend(n for n in m["notes"] if n not in notes)
            continue
        views._check_pair_data(_countries_frame(v["countries"]), a, b, ys, wm.spec.source, views._store(store))
        t = rows[rows["variant"] == variant]
        for y in ys:
            if not (t["year"] == y).any():
                raise CoverageError(f"No size-based potential for {a}–{b} in {y}: GDP or distance data is missing.",
                                    hint="Try other years.")
        t = t.sort_values(["year", "exporter"], key=lambda s: s if s.name == "year" else (s != a))
        cols = ["exporter", "importer", "year", "variant", "actual", "potential", "potential_lo", "potential_hi"]
        cols += ["sanction_trade"] if variant == "size_sanctions" else []
        cols += ["ratio", "ratio_lo", "ratio_hi", "untapped"]
        tables.append(t[cols].reset_index(drop=True))
        coefs.append(pd.DataFrame(v["coefficients"]))
        if variant == "size":
            notes.extend(v["notes"])
        spec[variant] = views._size_variant_spec(v["formula"], v["nobs"], anchors, ys, wm.spec.source,
                                                 wm.spec.n_draws)
    table, spec = views._size_table(tables, spec, notes, a)
    s = _structural(wm, a, b, ys, store)
    gap = views._gap_split(table, s.table)
    spec["structural_spec"] = s.spec
    return Potential(
        kind="size_based", a=a, b=b, table=table, spec=spec, coefficients=pd.concat(coefs, ignore_index=True),
        meaning=views._size_meaning(a, b), summary=views._size_summary(table, gap, a, b), gap_split=gap,
        notes=tuple(notes),
    )


def decompose(a: str, b: str, *, year: int | None = None, store: Any = None, source: views.Source = "baci",
              n_draws: int = views.DEFAULT_DRAWS, progress: Progress | None = None, notify: Notify | None = None) -> GapDecomposition:
    """:func:`tradegap.potential.decompose` from the world model's rows."""
    views._check_source(source, "decompose")
    a, b = views._iso_pair(a, b)
    ys = views._years_arg(year, source)
    if len(ys) != 1:
        raise InputError(f"decompose takes one year. Got {ys}.", hint="Pass year=2019.")
    return _with_model(lambda wm: _decompose(wm, a, b, ys, store), store, source, ys[0], progress, notify, n_draws)


def _decompose(wm: WorldModel, a: str, b: str, ys: list[int], store: Any) -> GapDecomposition:
    m = wm.meta["structural"]
    anchors = tuple(m["anchors"])
    views._check_pair_data(_countries_frame(m["countries"]), a, b, ys, wm.spec.source, views._store(store))
    pairs = _read(wm, "world_pairs", "exporter IN ($p1, $p2) AND importer IN ($p1, $p2)",
                  [a, b], [a, b])
    year_flows = pair_rows(a, b, ys, wm)
    yr = views._policy_year(anchors, ys[0])
    policy_rows = _read(wm, "world_stage1_policy", "year = $p1 AND (exporter = '*' OR "
                        "(exporter IN ($p2, $p3) AND importer IN ($p2, $p3)))",
                        [yr, a, b], None)

    def policy(k: str, ex: str, im: str) -> tuple[float, float]:
        r = policy_rows[policy_rows["term"] == k]
        mean = r.loc[r["exporter"] == "*", "value"]
        own = r.loc[(r["exporter"] == ex) & (r["importer"] == im), "value"]
        return (float(own.iloc[0]) if len(own) else 0.0), (float(mean.iloc[0]) if len(mean) else float("nan"))

    table = views._decomposition_table(a, b, anchors, pairs, m["cost_means"], pd.Series(m["coef"], dtype=float),
                                       pd.Series(m["stage1_coef"], dtype=float), policy, year_flows)
    notes = list(m["notes"])
    return GapDecomposition(a=a, b=b, year=ys[0], reference=views._decomposition_reference(m["n_intl_pairs"], anchors),
                            table=table, spec=views._spec_dict(m["spec"], ys, anchors, notes), notes=tuple(notes))


def _check_top(top: Any, where: str) -> int:
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1:
        raise InputError(f"The 'top' parameter of {where} must be a positive integer. Got {top!r} instead.",
                         hint="Use e.g. top=20.")
    return int(top)


def untapped(country: str, *, year: int | None = None, top: int | None = 20, store: Any = None,
             source: views.Source = "baci", n_draws: int = views.DEFAULT_DRAWS, progress: Progress | None = None,
             notify: Notify | None = None) -> UntappedRanking:
    """:func:`tradegap.potential.untapped` from the world model's rows (``top=None``: every partner)."""
    views._check_source(source, "untapped")
    if top is not None:
        top = _check_top(top, "untapped")
    c = views._iso(country)
    ys = views._years_arg(year, source)
    if len(ys) != 1:
        raise InputError(f"untapped takes one year. Got {ys}.", hint="Pass year=2019.")

    def read(wm: WorldModel) -> UntappedRanking:
        m = wm.meta["structural"]
        views._check_pair_data(_countries_frame(m["countries"]), c, c, ys, source, views._store(store))
        f = _read(wm, "world_structural", "year = $p1 AND (exporter = $p2 OR importer = $p2)", [ys[0], c], None)
        t = views._untapped_table(f, c, top)
        anchors = tuple(m["anchors"])
        return UntappedRanking(country=c, year=ys[0], table=t, spec=views._spec_dict(m["spec"], ys, anchors, []),
                               notes=(*m["notes"], views.UNTAPPED_NOTE))

    return _with_model(read, store, source, ys[0], progress, notify, n_draws)


def world_untapped(*, year: int | None = None, top: int = 50, store: Any = None, source: views.Source = "baci",
                   n_draws: int = views.DEFAULT_DRAWS, progress: Progress | None = None, notify: Notify | None = None) -> WorldUntapped:
    """The directed pairs with the largest untapped structural potential in ``year`` (the world map's view).

    Returns
    -------
    WorldUntapped
        ``rank, exporter, exporter_name, importer, importer_name, actual, potential, potential_lo,
        potential_hi, ratio, untapped`` in USD millions, largest untapped first.
    """
    views._check_source(source, "world_untapped")
    top = _check_top(top, "world_untapped")
    ys = views._years_arg(year, source)
    if len(ys) != 1:
        raise InputError(f"world_untapped takes one year. Got {ys}.", hint="Pass year=2019.")

    def read(wm: WorldModel) -> WorldUntapped:
        sql = ("SELECT exporter, importer, actual, potential, potential_lo, potential_hi, ratio, untapped "
               "FROM world_structural WHERE fingerprint = $fp AND spec = $spec AND year = $p1 "
               "AND isfinite(untapped) ORDER BY untapped DESC, exporter, importer LIMIT $p2")
        with wm.connection() as con:
            if not persist.verify_rows(con, "world_structural", wm.fingerprint, wm.spec.key, None):
                raise DamagedModel(f"The world model in {wm.path} is damaged (world_structural).")
            t = read_frame(con, sql, {"fp": wm.fingerprint, "spec": wm.spec.key, "p1": ys[0], "p2": top})
            n = con.execute("SELECT count(*) FROM world_structural WHERE fingerprint = $fp AND spec = $spec "
                            "AND year = $p1", {"fp": wm.fingerprint, "spec": wm.spec.key, "p1": ys[0]}).fetchall()
        from tradegap.countries import country_name

        def name(x: str) -> str:
            try:
                return country_name(x)
            except Exception:  # noqa: BLE001 - names are cosmetic
                return x

        t.insert(0, "rank", np.arange(1, len(t) + 1))
        t.insert(2, "exporter_name", [name(x) for x in t["exporter"]])
        t.insert(4, "importer_name", [name(x) for x in t["importer"]])
        m = wm.meta["structural"]
        spec = views._spec_dict(m["spec"], ys, tuple(m["anchors"]), [])
        return WorldUntapped(year=ys[0], table=t, n_pairs=int(n[0][0]), spec=spec,
                             notes=(*m["notes"], WORLD_NOTE))

    return _with_model(read, store, source, ys[0], progress, notify, n_draws)


WORLD_NOTE = (
    "Untapped = structural potential − actual trade of one direction (exporter → importer), USD millions; "
    "the structural potential takes each country's total exports and imports as given."
)


def ge_baseline(year: int, *, store: Any = None, source: views.Source = "baci", n_draws: int = views.DEFAULT_DRAWS,
                progress: Progress | None = None, notify: Notify | None = None) -> dict[str, Any]:
    """The stored GE baseline of ``year``: countries, observed flows ``X`` (N×N, USD millions, domestic sales
    on the diagonal), output ``Y`` and expenditure ``E`` (N,), multilateral resistances in power form
    (``omr_pow``, ``imr_pow``), the reference country and the FTA / sanction coefficients.

    The model whose sample ends at the source's latest year holds every year's baseline.
    """
    views._check_source(source, "ge_baseline")
    ys = views._years_arg(int(year), source)
    last = views.COVERAGE[source][1]

    def read(wm: WorldModel) -> dict[str, Any]:
        c = _read(wm, "world_ge_countries", "year = $p1", [ys[0]], None)
        if c.empty:
            raise CoverageError(f"No GE baseline for {ys[0]} in the world model.",
                                hint=f"Pick a year within {views.COVERAGE[source][0]}–{last}.")
        f = _read(wm, "world_ge_flows", "year = $p1", [ys[0]], [str(ys[0])])
        cs = c["iso3"].astype(str).tolist()
        pos = {k: i for i, k in enumerate(cs)}
        X = np.zeros((len(cs), len(cs)))
        X[f["exporter"].map(pos).to_numpy(), f["importer"].map(pos).to_numpy()] = f["value"].to_numpy(float)
        g = wm.meta["ge"]
        return {"year": ys[0], "countries": tuple(cs), "X": X, "Y": c["output"].to_numpy(float),
                "E": c["expenditure"].to_numpy(float), "omr_pow": c["omr_pow"].to_numpy(float),
                "imr_pow": c["imr_pow"].to_numpy(float), "reference": str(c["reference"].iloc[0]),
                "fta_coef": g["fta_coef"], "fta_se": g["fta_se"], "fta_source": g["fta_source"],
                "sanction_coef": g["sanction_coef"], "sanction_se": g["sanction_se"],
                "sanction_source": g["sanction_source"]}

    return _with_model(read, store, source, last, progress, notify, n_draws)


def scenario_baseline(year: int, *, store: Any = None, sigma: float | None = None, source: views.Source = "baci",
                      n_draws: int = views.DEFAULT_DRAWS, progress: Progress | None = None,
                      notify: Notify | None = None) -> Any:
    """The world GE baseline of ``year`` as :func:`tradegap.views.scenarios.world_baseline` builds it
    (sanctions in, estimated FTA effect), from the stored flows, cost variables and notes.

    Returns
    -------
    tradegap.views.scenarios.WorldBaseline
        Equal to ``world_baseline(year, store=store, sigma=sigma)`` (tested to 1e-12).
    """
    from tradegap.defaults import SIGMA
    from tradegap.views import scenarios

    sig = SIGMA if sigma is None else sigma
    views._check_source(source, "scenario_baseline")
    ys = views._years_arg(int(year), source)
    last = views.COVERAGE[source][1]

    def read(wm: WorldModel) -> Any:
        g = wm.meta["ge"]
        c = _read(wm, "world_ge_countries", "year = $p1", [ys[0]], None)
        if c.empty or str(ys[0]) not in g.get("notes", {}):
            raise CoverageError(f"No GE baseline for {ys[0]} in the world model.",
                                hint=f"Pick a year within {views.COVERAGE[source][0]}–{last}.")
        f = _read(wm, "world_ge_flows", "year = $p1", [ys[0]], [str(ys[0])])
        cs = c["iso3"].astype(str).tolist()
        pos = {k: i for i, k in enumerate(cs)}
        i, j = f["exporter"].map(pos).to_numpy(), f["importer"].map(pos).to_numpy()

        def square(col: str) -> np.ndarray:
            m = np.zeros((len(cs), len(cs)))
            m[i, j] = f[col].to_numpy(float)
            return m

        terms = g["cost_terms"]
        return scenarios.baseline_from_arrays(
            ys[0], cs, square("value"), {v: square(v) for v in terms["variables"]}, terms["coef"], terms["se"],
            g["table"], g["notes"][str(ys[0])], sigma=sig, reference=str(c["reference"].iloc[0]),
        )

    return _with_model(read, store, source, last, progress, notify, n_draws)


def normal_flows(year: int, *, store: Any = None, source: views.Source = "baci",
                 without: tuple[str, ...] = ("sanction_trade",), n_draws: int = views.DEFAULT_DRAWS,
                 progress: Progress | None = None,
                 notify: Notify | None = None) -> tuple[pd.DataFrame, dict[str, float], list[str]]:
    """:func:`tradegap.views.potential.normal_flows` from the stored structural potentials of ``year``
    (every directed pair's actual and potential, and the potential without the stage-1 terms in
    ``without``), without refitting: equal to it to 1e-9 (tested)."""
    views._check_source(source, "normal_flows")
    (y,) = views._years_arg([int(year)], source, "normal_flows", "year")

    def read(wm: WorldModel) -> tuple[pd.DataFrame, dict[str, float], list[str]]:
        m = wm.meta["structural"]
        f = _read(wm, "world_structural", "year = $p1", [y], None)
        f = f[["exporter", "importer", "year", "actual", "potential"]].copy()
        coef = {k: float(v) for k, v in m["stage1_coef"].items()}
        off = [t for t in without if t in coef]
        f["potential_without"] = f["potential"]
        if off:
            if off != ["sanction_trade"]:
                raise InputError(f"normal_flows from the world model switches off the sanction term only; got {off}.",
                                 hint="Use tradegap.views.potential.normal_flows for other terms.")
            s = views._sanctions([y], partial=True)
            key = pd.MultiIndex.from_arrays([f["exporter"], f["importer"]])
            sh = (s.set_index(["exporter", "importer"])["sanction_trade"].reindex(key).fillna(0.0).to_numpy(float)
                  if s is not None else np.zeros(len(f)))
            f["potential_without"] = f["potential"] * np.exp(-coef["sanction_trade"] * sh)
        return f.reset_index(drop=True), coef, list(m["notes"])

    return _with_model(read, store, source, y, progress, notify, n_draws)


def pair_sector_fits(a: str, b: str, *, year: int | None = None, store: Any = None, source: views.Source = "baci",
                     n_draws: int = views.DEFAULT_DRAWS) -> tuple[tuple[Any, ...], dict[tuple[str, int], Any]]:
    """The stored sector gravity fits (the brief's sector benchmarks) with only the rows of ``a``–``b``.

    Returns
    -------
    key, fits
        The result-cache key :func:`tradegap.views.sectors.pair_sectors` uses for these fits, and
        ``{(sector, year): SectorFit}`` whose ``fitted`` holds the pair's two directions only (what
        the pair's benchmark reads), so a brief does not load every pair's fitted values.
    """
    from tradegap.sectors import SectorFit

    views._check_source(source, "pair_sector_fits")
    ys = views._years_arg(year, source)

    def read(wm: WorldModel) -> tuple[tuple[Any, ...], dict[tuple[str, int], Any]]:
        s = wm.meta.get("sectors")
        if not s:
            raise CoverageError("The world model holds no sector fits.", hint="Run `tradegap build` again.")
        rows = _read(wm, "world_sector_fitted", "exporter IN ($p1, $p2) AND importer IN ($p1, $p2)", [a, b], [a, b])
        groups = rows.groupby(["sector", "year"], sort=False).indices
        rest = rows.drop(columns=["sector", "year"])
        fits = {}
        for m in s["fits"].values():
            f = rest.take(groups.get((m["sector"], m["year"]), [])).reset_index(drop=True)
            fits[(m["sector"], m["year"])] = SectorFit(m["sector"], m["year"], m["coef"], m["se"], m["nobs"], f,
                                                       m["converged"], tuple(m["notes"]))
        return tuple(s["key"]), fits

    return _with_model(read, store, source, ys[-1], None, None, n_draws)


def country_facts(country: str, *, year: int | None = None, store: Any = None, source: views.Source = "baci",
                  n_draws: int = views.DEFAULT_DRAWS) -> dict[str, Any]:
    """A country's exports, imports, total trade (USD millions) and rank by total trade in ``year``."""
    views._check_source(source, "country_facts")
    c = views._iso(country)
    ys = views._years_arg(year, source)

    def read(wm: WorldModel) -> dict[str, Any]:
        f = _read(wm, "world_country_year", "year = $p1 AND iso3 = $p2", [ys[0], c], None)
        if f.empty:
            raise CoverageError(f"{c} has no {source} trade in {ys[0]}.", hint="Try another year.")
        r = f.iloc[0]
        return {"iso3": c, "year": ys[0], "exports": float(r["exports"]), "imports": float(r["imports"]),
                "total": float(r["total"]), "rank": int(r["rank"]), "n_countries": int(r["n_countries"])}

    return _with_model(read, store, source, ys[0], None, None, n_draws)


def brief_inputs(a: str, b: str, *, year: int | None = None, store: Any = None, source: views.Source = "baci",
                 window: int = 10) -> dict[str, Any]:
    """What the pair brief reads from the world model (for the web API): both potentials over the
    ``window`` years ending at ``year``, the decomposition and both countries' facts."""
    a, b = views._iso_pair(a, b)
    y = views._years_arg(year, source)[0]
    lo = views.COVERAGE[source][0]
    years = list(range(max(lo, y - window + 1), y + 1))
    return {
        "structural": structural(a, b, years=years, store=store, source=source),
        "size_based": size_based(a, b, years=years, store=store, source=source),
        "decomposition": decompose(a, b, year=y, store=store, source=source),
        "facts": {c: country_facts(c, year=y, store=store, source=source) for c in (a, b)},
    }
