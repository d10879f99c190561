"""Equality with pyfixest.fepois: coefficients 1e-6, standard errors 1e-4 (relative), same N."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _estimate_helpers import gravity_panel, pyfixest_fit

from tradegap.errors import CollinearityWarning, DroppedObservationsWarning
from tradegap.estimate import fepois

pytest.importorskip("pyfixest")

COEF_RTOL = 1e-6
SE_RTOL = 1e-4


def _fit(fml, df, vcov, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedObservationsWarning)
        return fepois(fml, df, vcov=vcov, **kw)


def assert_same(ours, ref):
    assert ours.nobs == ref._N
    names = list(ref.coef().index)
    assert list(ours.coef.index) == names
    np.testing.assert_allclose(ours.coef[names].to_numpy(), ref.coef().to_numpy(), rtol=COEF_RTOL, atol=1e-12)
    np.testing.assert_allclose(ours.se[names].to_numpy(), ref.se().to_numpy(), rtol=SE_RTOL)
    assert ours.deviance == pytest.approx(ref.deviance, rel=1e-8)
    if getattr(ref, "_pseudo_r2", None) is not None:
        assert ours.pseudo_r2 == pytest.approx(ref._pseudo_r2, rel=1e-8)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return gravity_panel(20, 4, seed=1)


@pytest.fixture(scope="module")
def yotov(test_data) -> pd.DataFrame:
    df = pd.read_parquet(test_data / "yotov2016_ch1.parquet")
    df = df[df.year.isin([1994, 2006])].copy()
    df["ln_dist"] = np.log(df["dist"])
    df["intl"] = (df.exporter != df.importer).astype(float)
    return df


@pytest.mark.parametrize(
    ("fml", "vcov", "pf_vcov"),
    [
        ("trade ~ rta + ldist + x2 | exporter", "hc1", "hetero"),
        ("trade ~ rta + ldist | exporter^year + importer^year", "iid", "iid"),
        ("trade ~ rta + ldist | exporter^year + importer^year", "cluster:pair", {"CRV1": "pair"}),
        ("trade ~ rta + x2 | exporter^year + importer^year + pair", "hc1", "hetero"),
        ("trade ~ rta + x2 | exporter^year + importer^year + pair", "cluster:pair", {"CRV1": "pair"}),
        ("trade ~ rta + x2 | exporter^year + importer^year + pair", "cluster:exporter,importer",
         {"CRV1": "exporter+importer"}),
    ],
)
def test_synthetic_panel_matches_pyfixest(panel, fml, vcov, pf_vcov):
    assert_same(_fit(fml, panel, vcov), pyfixest_fit(fml, panel, vcov=pf_vcov))


def test_weights_and_offset_match_pyfixest(panel):
    fml = "trade ~ rta + x2 | exporter^year + importer^year"
    ours = _fit(fml, panel, "hc1", weights="w", offset="off")
    assert_same(ours, pyfixest_fit(fml, panel, vcov="hetero", weights="w", offset="off"))


def test_no_fixed_effects_matches_pyfixest(panel):
    fml = "trade ~ rta + ldist + x2"
    ours = _fit(fml, panel, "hc1")
    assert_same(ours, pyfixest_fit(fml, panel, vcov="hetero"))


def test_yotov_three_way_fe_with_pair_matches_pyfixest(yotov):
    fml = "trade ~ rta + intl | exporter^year + importer^year + pair_id"
    # intl is constant within pair: collinear, dropped by both
    with pytest.warns(CollinearityWarning, match="intl"), pytest.warns(DroppedObservationsWarning):
        ours = fepois(fml, yotov, vcov="cluster:pair_id")
    assert ours.collinear == ("intl",)
    assert_same(ours, pyfixest_fit(fml, yotov, vcov={"CRV1": "pair_id"}))


def test_yotov_two_way_fe_matches_pyfixest(yotov):
    fml = "trade ~ ln_dist + cntg + lang + clny + intl | exporter^year + importer^year"
    assert_same(_fit(fml, yotov, "hc1"), pyfixest_fit(fml, yotov, vcov="hetero"))


def test_sst_with_exporter_importer_fe_matches_pyfixest(test_data):
    df = pd.read_parquet(test_data / "sst1990.parquet")
    fml = "trade ~ ldist + border + comlang + colony + comfrt_wto | s1_im + s2_ex"
    assert_same(_fit(fml, df, "hc1"), pyfixest_fit(fml, df, vcov="hetero"))


# ------------------------------------------------------------------ separation


def test_separation_by_fixed_effect_matches_pyfixest(panel):
    df = panel.copy()
    # exporter C03 never exports to anyone else: all its international flows are zero
    bad = (df.exporter == "C03") & (df.importer != "C03")
    df.loc[bad, "trade"] = 0.0
    df.loc[(df.exporter == "C03") & (df.importer == "C03"), "trade"] = 0.0
    fml = "trade ~ rta + x2 | exporter + importer^year"
    with pytest.warns(DroppedObservationsWarning, match="separation fe"):
        ours = fepois(fml, df, vcov="hc1")
    ref = pyfixest_fit(fml, df, vcov="hetero", separation_check=("fe",))
    assert ours.dropped["separation_fe"] == len(df) - ref._N
    assert_same(ours, ref)


def test_separation_by_regressor_matches_pyfixest(panel):
    df = panel.copy()
    rng = np.random.default_rng(5)
    zeros = np.flatnonzero(df.trade.to_numpy() == 0)
    chosen = rng.choice(zeros, size=12, replace=False)
    df["sep"] = 0.0
    df.loc[chosen, "sep"] = rng.uniform(0.5, 2.0, chosen.size)  # positive only where trade is zero
    fml = "trade ~ rta + x2 + sep | exporter^year + importer^year"
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ours = fepois(fml, df, vcov="hc1")
    assert ours.dropped["separation_relu"] + ours.dropped["separation_simplex"] == 12
    assert any(issubclass(w.category, DroppedObservationsWarning) for w in rec)
    assert "sep" in ours.collinear  # all zero once the separated rows are gone
    ref = pyfixest_fit(fml, df, vcov="hetero", separation_check=("fe", "ir"))
    assert_same(ours, ref)


def test_separation_by_regressor_and_fixed_effect_relu(panel):
    """A dummy that is positive on zero flows and on one exporter-year group: only ReLU sees it."""
    df = panel.copy()
    g = (df.exporter == "C05") & (df.year == 2001)
    zeros = np.flatnonzero((df.trade.to_numpy() == 0) & ~g.to_numpy())[:8]
    df["sep"] = 0.0
    df.loc[zeros, "sep"] = 1.0
    df.loc[g, "sep"] = -1.0  # absorbed by the exporter^year effect
    fml = "trade ~ rta + sep | exporter^year + importer^year"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = fepois(fml, df, vcov="hc1")
    assert ours.dropped["separation_relu"] == 8
    ref = pyfixest_fit(fml, df, vcov="hetero", separation_check=("fe", "ir"))
    assert_same(ours, ref)


def test_collinear_regressor_within_fe_dropped_like_pyfixest(panel):
    df = panel.copy()
    df["origin_size"] = df.groupby("exporter")["x2"].transform("mean")  # constant within exporter
    fml = "trade ~ rta + origin_size | exporter + importer^year"
    with pytest.warns(CollinearityWarning, match="origin_size"):
        ours = fepois(fml, df, vcov="hc1")
    ref = pyfixest_fit(fml, df, vcov="hetero")
    assert "origin_size" not in ref.coef().index
    assert_same(ours, ref)


def test_separation_simplex_without_fixed_effects():
    """No fixed effects: pyfixest skips its checks, so the reference is the fit on the cleaned sample."""
    rng = np.random.default_rng(0)
    d = pd.DataFrame({"x": rng.normal(size=300)})
    d["y"] = rng.poisson(np.exp(1 + 0.5 * d.x)).astype(float)
    zeros = np.flatnonzero(d.y.to_numpy() == 0)[:5]
    d["s"] = 0.0
    d.loc[zeros, "s"] = 1.0
    with pytest.warns(DroppedObservationsWarning, match="5 separation simplex"), pytest.warns(CollinearityWarning):
        ours = fepois("y ~ x + s", d, separation=("simplex",))
    assert ours.dropped["separation_simplex"] == 5 and ours.nobs == 295
    ref = pyfixest_fit("y ~ x", d.drop(index=zeros), vcov="hetero", separation_check=())
    assert_same(ours, ref)


def test_docstring_example_runs():
    import doctest

    import tradegap.estimate.api as api

    assert doctest.testmod(api, raise_on_error=False).failed == 0
