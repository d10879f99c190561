"""Larger checks against pyfixest (run with `make test-all`)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _estimate_helpers import gravity_panel, pyfixest_fit

from tradegap.estimate import fepois

pytest.importorskip("pyfixest")


@pytest.mark.slow
@pytest.mark.parametrize("vcov,pf_vcov", [("hc1", "hetero"), ("cluster:pair", {"CRV1": "pair"})])
def test_three_way_fe_panel_60x8_matches_pyfixest(vcov, pf_vcov):
    df = gravity_panel(60, 8, seed=11)
    fml = "trade ~ rta + x2 | exporter^year + importer^year + pair"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = fepois(fml, df, vcov=vcov)
    ref = pyfixest_fit(fml, df, vcov=pf_vcov)
    assert ours.nobs == ref._N
    np.testing.assert_allclose(ours.coef.to_numpy(), ref.coef().to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.se.to_numpy(), ref.se().to_numpy(), rtol=1e-4)


@pytest.mark.slow
def test_fe_only_large_panel_group_sums():
    df = gravity_panel(80, 10, seed=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fepois("trade ~ 1 | exporter^year + importer^year + pair", df)
    d = df[res.sample].assign(mu=res.fitted[res.sample])
    for key in (["exporter", "year"], ["importer", "year"], ["pair"]):
        s = d.groupby(key)[["trade", "mu"]].sum()
        assert ((s.mu - s.trade).abs() / s.trade).max() < 1e-6
    np.testing.assert_allclose(res.predict(df)[res.sample], res.fitted[res.sample], rtol=1e-8)
