"""Batches of independent fits: every scheduler gives the serial estimates; a failed fit is reported."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from _estimate_helpers import gravity_panel
from tradegap.batch import TextProgress, fit_batch
from tradegap.errors import InputError

FORMULA = "trade ~ ldist + rta | exporter + importer"


@pytest.fixture(scope="module")
def long_frame() -> pd.DataFrame:
    """Sector-like: every key has the same pairs and distance (shared columns), its own outcome
    and rta; the parallel schedulers send the shared columns once (see test_parts_*)."""
    base = gravity_panel(14, 1, seed=10)
    parts = []
    for k in range(4):
        d = gravity_panel(14, 1, seed=10 + k)
        d["ldist"] = base["ldist"]
        d["sector"] = f"s{k}"
        parts.append(d)
    bad = base.copy()
    bad["sector"] = "s_bad"
    bad["trade"] = 0.0  # all-zero outcome: fepois refuses it
    parts.append(bad)
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def serial(long_frame):
    return fit_batch(long_frame, FORMULA, by="sector", keep_fitted=True)


def test_serial_batch_reports_the_failed_fit_and_keeps_the_others(serial, long_frame):
    assert sorted(serial.fits) == ["s0", "s1", "s2", "s3"]
    assert list(serial.failed) == ["s_bad"]
    assert serial.failed["s_bad"].startswith("InputError: The outcome 'trade' is zero")
    # each summary is the fit of that key's rows alone
    from tradegap.estimate import fepois

    one = long_frame[long_frame.sector == "s2"].reset_index(drop=True)
    ref = fepois(FORMULA, one)
    assert serial.fits["s2"].coef == pytest.approx({k: float(v) for k, v in ref.coef.items()}, rel=1e-12)
    np.testing.assert_allclose(serial.fits["s2"].fitted, ref.fitted, rtol=1e-12)
    co = serial.coefficients()
    assert set(co["key"]) == {"s0", "s1", "s2", "s3"} and set(co["term"]) == {"ldist", "rta"}


def _same(a, b):
    assert sorted(a.fits) == sorted(b.fits) and a.failed == b.failed
    for k in a.fits:
        assert a.fits[k].coef == pytest.approx(b.fits[k].coef, rel=1e-12, abs=1e-14)
        assert a.fits[k].se == pytest.approx(b.fits[k].se, rel=1e-12, abs=1e-14)
        assert a.fits[k].nobs == b.fits[k].nobs
        np.testing.assert_allclose(a.fits[k].fitted, b.fits[k].fitted, rtol=1e-12)


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and (a.dtypes == b.dtypes).all()
    for c in a.columns:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        if x.dtype.kind == "f":
            assert x.tobytes() == y.tobytes(), c  # bit-identical, -0.0 included
        else:
            assert (x == y).all(), c


def test_parts_rebuild_every_key_frame_exactly(long_frame):
    from tradegap.batch import _join, _parts, _split

    parts = _parts(long_frame, "sector")
    assert set(parts.shared.columns) == {"exporter", "importer", "year", "ldist", "pair"}
    assert "trade" in parts.own[0][1].columns and "rta" in parts.own[0][1].columns
    for (k1, frame), (k2, own) in zip(_split(long_frame, "sector"), parts.own, strict=True):
        assert k1 == k2
        _frames_equal(_join(parts.shared, own, parts.columns), frame)


def test_parts_with_shuffled_rows_unequal_keys_and_signed_zeros(long_frame):
    from tradegap.batch import _join, _parts, _split

    d = long_frame.sample(frac=1.0, random_state=3).reset_index(drop=True)  # keys interleaved
    p = _parts(d, "sector")
    assert p.shared is not None
    for (k1, frame), (k2, own) in zip(_split(d, "sector"), p.own, strict=True):
        assert k1 == k2
        _frames_equal(_join(p.shared, own, p.columns), frame)
    z = pd.DataFrame({"k": ["a", "a", "b", "b"], "x": [0.0, 1.0, -0.0, 1.0], "y": [1.0, 2.0, 3.0, 4.0]})
    assert _parts(z, "k").shared is None  # -0.0 is not 0.0: x is not shared
    u = pd.concat([long_frame, long_frame.iloc[:5].assign(sector="s_small")], ignore_index=True)
    assert _parts(u, "sector").shared is None  # keys of different sizes share nothing
    for (k1, frame), (k2, own) in zip(_split(u, "sector"), _parts(u, "sector").own, strict=True):
        assert k1 == k2
        _frames_equal(own, frame)


def test_dask_local_cluster_with_two_workers_equals_serial(serial, long_frame):
    par = fit_batch(long_frame, FORMULA, by="sector", scheduler="dask", workers=2, keep_fitted=True)
    assert par.scheduler == "dask" and par.workers == 2
    _same(par, serial)


@pytest.mark.slow
def test_process_pool_equals_serial(serial, long_frame):
    par = fit_batch(long_frame, FORMULA, by="sector", scheduler="processes", workers=2, keep_fitted=True)
    _same(par, serial)


def test_progress_bar_counts_to_the_total_with_an_eta(long_frame):
    buf = io.StringIO()
    fit_batch(long_frame[long_frame.sector.isin(["s0", "s1"])], FORMULA, progress=TextProgress(stream=buf))
    out = buf.getvalue()
    assert "1/2 fits" in out and "2/2 fits" in out and "ETA" in out and out.endswith("\n")


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"scheduler": "threads"}, "'scheduler' parameter of fit_batch must be one of"),
        ({"scheduler": "tcp://nohost"}, "not of the form tcp://HOST:PORT"),
        ({"by": "chapter"}, "key column 'chapter' is not in the data"),
        ({"workers": 0}, "'workers' parameter of fit_batch"),
        ({"vcv": "hc1"}, "unknown fepois option"),
        ({"threads": 0}, "'threads' parameter of fit_batch"),
    ],
)
def test_bad_arguments_are_clear_errors(long_frame, kw, match):
    with pytest.raises(InputError, match=match):
        fit_batch(long_frame, FORMULA, **kw)


def test_unreachable_scheduler_is_a_clear_error(long_frame):
    with pytest.raises(InputError, match="Could not reach the Dask scheduler"):
        fit_batch(long_frame, FORMULA, scheduler="tcp://127.0.0.1:9")


@pytest.mark.slow
def test_bench_sectors_at_product_scale_meets_its_targets():
    """bench/sectors.py at full size: ~10 M BACI rows ingested, 96 chapter fits serial / pool / Dask."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "bench" / "sectors.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=3600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "targets met" in out.stdout
