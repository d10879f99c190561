"""The persisted world model: equal to fresh fits, never stale, built once, never served damaged.

Most tests use a small store (BACI totals of 30 economies, 2013–2019, ingested from the embedded
data) so that a build takes seconds; the equality test also runs on the embedded data itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from _world_helpers import COUNTRIES, SPEC, small_store
from _world_helpers import write_flows as _write_flows
from tradegap import potential, world
from tradegap.store import Store

ROOT = Path(__file__).resolve().parents[1]
PAIRS = [("IRN", "RUS"), ("USA", "CHN"), ("DEU", "TUR")]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding 30 economies' BACI totals, with its world model built."""
    return small_store(tmp_path_factory.mktemp("world"))


def _copy(db: Path, to: Path) -> Path:
    to.write_bytes(db.read_bytes())
    return to


def _assert_frames(x: pd.DataFrame, y: pd.DataFrame) -> None:
    assert list(x.columns) == list(y.columns)
    assert len(x) == len(y) > 0
    for c in x.columns:
        if pd.api.types.is_numeric_dtype(y[c]) and not pd.api.types.is_bool_dtype(y[c]):
            np.testing.assert_allclose(x[c].to_numpy(float), y[c].to_numpy(float), rtol=1e-9, atol=0)
        else:
            assert x[c].astype(str).tolist() == y[c].astype(str).tolist(), c


@pytest.mark.parametrize(("a", "b"), PAIRS)
@pytest.mark.parametrize("years", [[2019], [2014, 2016, 2019]])
def test_persisted_equals_fresh_fit(small_db, a, b, years):
    with Store(small_db) as s:
        w = world.structural(a, b, years=years, store=s, n_draws=SPEC.n_draws)
        v = potential.structural(a, b, years=years, store=s, n_draws=SPEC.n_draws)
        _assert_frames(w.table, v.table)
        _assert_frames(w.coefficients, v.coefficients)
        assert (w.spec, w.notes, w.summary, w.meaning) == (v.spec, v.notes, v.summary, v.meaning)
        w = world.size_based(a, b, years=years, store=s, n_draws=SPEC.n_draws)
        v = potential.size_based(a, b, years=years, store=s, n_draws=SPEC.n_draws)
        _assert_frames(w.table, v.table)
        _assert_frames(w.gap_split, v.gap_split)
        assert json.dumps(w.spec, sort_keys=True, default=str) == json.dumps(v.spec, sort_keys=True, default=str)
        assert (w.notes, w.summary) == (v.notes, v.summary)
        w = world.decompose(a, b, year=years[-1], store=s, n_draws=SPEC.n_draws)
        v = potential.decompose(a, b, year=years[-1], store=s, n_draws=SPEC.n_draws)
        _assert_frames(w.table, v.table)
        assert w.reference == v.reference
    with Store(small_db) as s:
        w = world.untapped(a, year=years[-1], store=s, n_draws=SPEC.n_draws)
        v = potential.untapped(a, year=years[-1], store=s, n_draws=SPEC.n_draws)
        _assert_frames(w.table, v.table)


def test_world_untapped_ranks_all_pairs(small_db):
    with Store(small_db) as s:
        r = world.world_untapped(year=2019, top=5, store=s, n_draws=SPEC.n_draws)
        full = world.untapped("CHN", year=2019, top=None, store=s, n_draws=SPEC.n_draws).table
    t = r.to_frame()
    assert t["rank"].tolist() == [1, 2, 3, 4, 5]
    assert t["untapped"].is_monotonic_decreasing
    assert r.n_pairs == len(COUNTRIES) * (len(COUNTRIES) - 1)
    assert (t["potential"] - t["actual"]).sub(t["untapped"]).abs().max() < 1e-6
    assert full["partner"].nunique() == len(full) == len(COUNTRIES) - 1


def test_ingest_changes_the_answer_in_process_and_in_a_new_one(small_db, tmp_path):
    db = _copy(small_db, tmp_path / "s.duckdb")
    with Store(db) as s:
        before = world.structural("IRN", "RUS", years=2019, store=s, n_draws=SPEC.n_draws).table
        fp0 = world.ensure(s, SPEC).fingerprint
    with Store(db) as s:  # the same (long-running) process ingests changed flows
        s.ingest("baci_totals", [_write_flows(tmp_path / "v2.csv", ("IRN", "RUS"), 3.0)], replace=True)
    notes: list[str] = []
    with Store(db) as s:
        after = world.structural("IRN", "RUS", years=2019, store=s, n_draws=SPEC.n_draws, notify=notes.append).table
        assert world.ensure(s, SPEC).fingerprint != fp0
    assert any("not built yet for this data" in n for n in notes)
    a0 = before.set_index("exporter")["actual"]
    a1 = after.set_index("exporter")["actual"]
    assert a1["IRN"] == pytest.approx(3 * a0["IRN"], rel=1e-12)
    assert after.set_index("exporter").loc["IRN", "potential"] != before.set_index("exporter").loc["IRN", "potential"]
    code = ("import sys; from tradegap import world; from tradegap.store import Store; "
            "t = world.structural('IRN', 'RUS', years=2019, store=Store(sys.argv[1]), n_draws=20).table; "
            "print(repr(float(t.set_index('exporter').loc['IRN', 'actual'])))")
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert float(out.stdout.strip()) == pytest.approx(a1["IRN"], rel=1e-12)
    with duckdb.connect(str(db), read_only=True) as con:  # the stale model was dropped
        assert con.execute("SELECT count(DISTINCT fingerprint) FROM world_structural").fetchall()[0][0] == 1


def test_two_concurrent_builds_build_once(small_db, tmp_path):
    db = tmp_path / "c.duckdb"
    with Store(db) as s:  # the same data, no world model yet
        s.ingest("baci_totals", [_write_flows(tmp_path / "flows.csv")])
    code = ("import sys; from tradegap import world; from tradegap.store import Store; "
            "from tradegap.world.spec import WorldSpec; "
            "wm = world.ensure(Store(sys.argv[1]), WorldSpec('baci', 2019, 20), notify=lambda m: print(m, file=sys.stderr)); "
            "print(wm.built_now, wm.fingerprint)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    built = [o[0].split()[0] for o in outs]
    assert sorted(built) == ["False", "True"], outs
    assert len({o[0].split()[1] for o in outs}) == 1
    assert any("waiting" in o[1] for o in outs), outs
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM world_models").fetchall()[0][0] == 1


@pytest.mark.parametrize("damage", ["changed_row", "lost_rows", "no_completion_row"])
def test_damaged_model_is_rebuilt_not_served(small_db, tmp_path, damage):
    db = _copy(small_db, tmp_path / "d.duckdb")
    with Store(db) as s:
        good = world.structural("IRN", "RUS", years=2019, store=s, n_draws=SPEC.n_draws).table
    world.forget()
    with duckdb.connect(str(db)) as con:
        if damage == "changed_row":
            con.execute("UPDATE world_structural SET potential = potential * 2 "
                        "WHERE exporter = 'IRN' AND importer = 'RUS'").fetchall()
        elif damage == "lost_rows":
            con.execute("DELETE FROM world_structural WHERE exporter = 'RUS' AND year = 2019").fetchall()
        else:  # rows without the completion row: what a build that died would leave without its transaction
            con.execute("DELETE FROM world_models").fetchall()
    notes: list[str] = []
    with Store(db) as s:
        again = world.structural("IRN", "RUS", years=2019, store=s, n_draws=SPEC.n_draws, notify=notes.append).table
    _assert_frames(again, good)
    assert notes, "a rebuild says so"
    with Store(db) as s:
        assert world.ensure(s, SPEC).built_now is False


@pytest.mark.parametrize("year", [2015, 2019])
def test_stored_scenario_baseline_equals_fresh_one(small_db, year):
    """The GE baseline rebuilt from stored rows is the one the scenarios build from the data (1e-12),
    and the pair scenarios run on it give the same answers."""
    from tradegap.views import scenarios

    with Store(small_db) as s:
        stored = world.scenario_baseline(year, store=s, n_draws=SPEC.n_draws)
        fresh = scenarios.world_baseline(year, store=s, sanctions=True)
        b0, b1 = fresh.baseline, stored.baseline
        assert (b1.countries, b1.reference, b1.year, b1.sigma) == (b0.countries, b0.reference, b0.year, b0.sigma)
        for name in ("output", "expenditure", "observed"):
            np.testing.assert_allclose(getattr(b1, name), getattr(b0, name), rtol=1e-12, atol=0)
        assert b1.costs.variables == b0.costs.variables == ("fta", "sanction")
        np.testing.assert_array_equal(b1.costs.x, b0.costs.x)
        np.testing.assert_allclose(b1.costs.coef, b0.costs.coef, rtol=1e-12)
        np.testing.assert_allclose(b1.costs.residual, b0.costs.residual, rtol=1e-12)
        assert stored.assumptions == fresh.assumptions
        pd.testing.assert_frame_equal(stored.coefficients, fresh.coefficients)
        got = scenarios.pair_scenarios("IRN", "RUS", year=year, store=s, baseline=stored).to_frame()
        want = scenarios.pair_scenarios("IRN", "RUS", year=year, store=s).to_frame()
        pd.testing.assert_frame_equal(got, want, rtol=1e-10)
        with pytest.raises(Exception, match="baseline passed to pair_scenarios is for"):
            scenarios.pair_scenarios("IRN", "RUS", year=year, store=s, baseline=stored, sigma=5.0)


def test_stored_normal_flows_and_sanctions_lifted_equal_fresh(small_db):
    """Normal flows without the sanction term from stored rows equal the refit's (1e-9), and so does the
    sanctions-lifted scenario run on the stored baseline and normal flows."""
    from tradegap.views import potential as vp
    from tradegap.views import scenarios

    with Store(small_db) as s:
        got, coef, notes = world.normal_flows(2019, store=s, n_draws=SPEC.n_draws)
        want, coef0, _ = vp.normal_flows(2019, store=s, without=("sanction_trade",))
        assert coef == coef0
        key = ["exporter", "importer"]
        got = got.sort_values(key).reset_index(drop=True)
        want = want.sort_values(key).reset_index(drop=True)
        _assert_frames(got, want)
        assert (got["potential_without"] > got["potential"]).any(), "some sanctioned flow is lifted"
        stored = scenarios.run_sanctions_lifted(
            "IRN", year=2019, store=s, baseline=world.scenario_baseline(2019, store=s, n_draws=SPEC.n_draws),
            normal=(got, coef, notes))
        fresh = scenarios.run_sanctions_lifted("IRN", year=2019, store=s)
        pd.testing.assert_frame_equal(stored.to_frame(), fresh.to_frame(), rtol=1e-9)
        pd.testing.assert_frame_equal(stored.flows, fresh.flows, rtol=1e-9)


def test_pair_sector_fits_give_the_full_fits_answer(small_db):
    """The brief's sector benchmarks from the pair's stored rows equal those of the full fits."""
    from tradegap.views import sectors as vs

    with Store(small_db) as s:
        key, fits = world.pair_sector_fits("IRN", "RUS", year=2019, store=s, n_draws=SPEC.n_draws)
        assert key[0] == "sector_fits" and fits
        assert all(set(f.fitted["exporter"]) <= {"IRN", "RUS"} for f in fits.values())
        got = vs.pair_sectors("IRN", "RUS", store=s, fits=(key, fits))
        want = vs.pair_sectors("IRN", "RUS", store=s)
        pd.testing.assert_frame_equal(got.table, want.table, rtol=1e-12)
        pd.testing.assert_frame_equal(got.coefficients, want.coefficients)


def test_held_connection_serves_reads_and_yields_to_a_writer(small_db, tmp_path):
    """Inside world.hold the reads share one connection; a write in the process takes the file back."""
    from tradegap.world import db as wdb

    path = _copy(small_db, tmp_path / "h.duckdb")
    with Store(path) as s:
        want = world.structural("IRN", "RUS", years=2019, store=s, n_draws=SPEC.n_draws).table
    key = str(path.resolve())
    with world.hold(str(path)):
        assert key in wdb._HELD
        with world.hold(str(path)):  # nested: shared
            assert wdb._HELD[key][1] == 2
        with Store(path) as s:
            _assert_frames(world.structural("IRN", "RUS", years=2019, store=s, n_draws=SPEC.n_draws).table, want)
        with wdb.connect(str(path), write=True) as con:  # a writer: the held reader lets go
            assert key not in wdb._HELD
            con.execute("CREATE TABLE scratch AS SELECT 1 AS x").fetchall()
    assert key not in wdb._HELD


@pytest.mark.slow
def test_embedded_world_equals_fresh_fit(tmp_path):
    """The embedded data's default model (100 draws) against fresh fits, several pairs and years."""
    with Store(tmp_path / "e.duckdb") as s:
        world.ensure(s)
        for a, b, ys in (("IRN", "RUS", [2019]), ("IRN", "RUS", list(range(2010, 2020))), ("USA", "CHN", [2003, 2019])):
            _assert_frames(world.structural(a, b, years=ys, store=s).table, potential.structural(a, b, years=ys, store=s).table)
            _assert_frames(world.size_based(a, b, years=ys, store=s).table, potential.size_based(a, b, years=ys, store=s).table)
