"""Fixed-effects-only models (the potential's first stage): fit, recovery, prediction, group sums."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _estimate_helpers import gravity_panel

from tradegap.estimate import fepois, fepois_arrays

FES = ("exporter^year", "importer^year", "exporter^importer")


@pytest.fixture(scope="module")
def yotov_all(test_data) -> pd.DataFrame:
    """Yotov ch.1 panel with domestic flows, years 1986-2006 every 4 years."""
    return pd.read_parquet(test_data / "yotov2016_ch1.parquet")


@pytest.fixture(scope="module")
def fe_only(yotov_all):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fepois("trade ~ 1 | " + " + ".join(FES), yotov_all)


def test_fe_only_model_fits(fe_only, yotov_all):
    assert fe_only.converged
    assert fe_only.coef.empty and fe_only.se.empty
    assert fe_only.nobs + sum(fe_only.dropped.values()) == len(yotov_all)
    assert set(fe_only.fixef()) == set(FES)
    assert fe_only.to_dict()["coefficients"] == []


def test_fixef_recovery_reproduces_fitted_on_every_row(fe_only, yotov_all):
    fx = fe_only.fixef()
    sample = yotov_all[fe_only.sample]
    eta = np.zeros(len(sample))
    for term in FES:
        a, b = term.split("^")
        labels = sample[a].astype(str) + "^" + sample[b].astype(str)
        eta += fx[term].reindex(labels.to_numpy()).to_numpy()
    fitted = fe_only.fitted[fe_only.sample]
    np.testing.assert_allclose(np.exp(eta), fitted, rtol=1e-8)
    # labels follow the contract: "A^B" with the year as an integer
    assert "ARG^1986" in fx["exporter^year"].index
    assert "ARG^AUS" in fx["exporter^importer"].index


def test_predict_with_fixed_effects(fe_only, yotov_all):
    pred = fe_only.predict(yotov_all)
    s = fe_only.sample
    np.testing.assert_allclose(pred[s], fe_only.fitted[s], rtol=1e-8)
    np.testing.assert_allclose(fe_only.predict()[s], fe_only.fitted[s], rtol=0)
    # unseen level -> NaN
    new = yotov_all.head(3).copy()
    new.loc[new.index[0], "exporter"] = "XXX"
    p = fe_only.predict(new)
    assert np.isnan(p[0]) and np.isfinite(p[1:]).all()


@pytest.mark.parametrize("term", FES)
def test_fitted_sum_to_actual_within_every_group(fe_only, yotov_all, term):
    s = fe_only.sample
    df = yotov_all[s]
    a, b = term.split("^")
    grp = pd.DataFrame({"g": df[a].astype(str) + "^" + df[b].astype(str), "y": df.trade, "mu": fe_only.fitted[s]})
    sums = grp.groupby("g")[["y", "mu"]].sum()
    rel = (sums.mu - sums.y).abs() / sums.y
    assert rel.max() < 1e-6


def test_group_sums_with_regressors_default_tolerance():
    df = gravity_panel(15, 3, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fepois("trade ~ rta + ldist | exporter^year + importer^year", df)
    d = df[res.sample].assign(mu=res.fitted[res.sample])
    for key in (["exporter", "year"], ["importer", "year"]):
        sums = d.groupby(key)[["trade", "mu"]].sum()
        assert ((sums.mu - sums.trade).abs() / sums.trade).max() < 1e-6
    # score condition for the regressors
    for x in ("rta", "ldist"):
        assert abs(np.sum((d.trade - d.mu) * d[x])) / np.sum(d.trade * np.abs(d[x])) < 1e-8


def test_predict_with_regressors_matches_fitted():
    df = gravity_panel(12, 3, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fepois("trade ~ rta + log(x2_pos) | exporter^year + importer^year + pair", df.assign(x2_pos=np.exp(df.x2)))
        p = res.predict(df.assign(x2_pos=np.exp(df.x2)))
    np.testing.assert_allclose(p[res.sample], res.fitted[res.sample], rtol=1e-8)


def test_fepois_arrays_equals_formula_front_end():
    df = gravity_panel(12, 3, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = fepois("trade ~ rta + ldist | exporter + importer^year", df)
        ex = df.exporter.to_numpy()
        imy = (df.importer + "^" + df.year.astype(str)).to_numpy()
        b = fepois_arrays(df.trade.to_numpy(), df[["rta", "ldist"]].to_numpy(), [ex, imy], names=["rta", "ldist"])
    np.testing.assert_allclose(a.coef.to_numpy(), b.coef.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(a.se.to_numpy(), b.se.to_numpy(), rtol=1e-12)
    assert a.nobs == b.nobs


def test_result_object_surface():
    df = gravity_panel(10, 2, seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fepois("trade ~ rta + ldist | exporter^year + importer^year", df, vcov="cluster:pair")
    t = res.tidy()
    assert list(t.columns) == ["estimate", "std_error", "z", "p_value", "ci_low", "ci_high"]
    assert list(res.vcov.index) == ["rta", "ldist"]
    d = res.to_dict()
    assert d["nobs"] == res.nobs and set(d["dropped"]) >= {"singleton", "separation_fe"}
    assert "rta" in res.summary() and "CRV1 (pair)" in str(res)
    assert res._repr_html_().startswith("<pre>Poisson PML")
    assert 0 < res.pseudo_r2 < 1 and res.iterations > 0 and res.deviance > 0
    assert res.fitted.shape == (len(df),) and res.sample.dtype == bool
    import tradegap.estimate as est

    assert est.fepois is fepois
