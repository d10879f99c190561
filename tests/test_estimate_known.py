"""Known answers: Santos Silva & Tenreyro (2006) Table 3 and Yotov et al. (2016) chapter 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradegap.estimate import fepois

SST_REGRESSORS = (
    "lypex lypim lyex lyim ldist border comlang colony landl_ex landl_im "
    "lremot_ex lremot_im comfrt_wto open_wto"
).split()


@pytest.fixture(scope="module")
def sst(test_data) -> pd.DataFrame:
    return pd.read_parquet(test_data / "sst1990.parquet")


@pytest.fixture(scope="module")
def yotov_intl(test_data) -> pd.DataFrame:
    df = pd.read_parquet(test_data / "yotov2016_ch1.parquet")
    df = df[df.exporter != df.importer].copy()
    df["ln_dist"] = np.log(df["dist"])
    return df


def test_sst_table3_ppml(sst):
    res = fepois("trade ~ " + " + ".join(SST_REGRESSORS), sst, vcov="hc1")
    assert res.nobs == 18_360
    assert res.converged
    published = {
        "ldist": -0.784,
        "border": 0.193,
        "comlang": 0.746,
        "colony": 0.025,
        "landl_ex": -0.863,
        "landl_im": -0.696,
        "comfrt_wto": 0.181,
        "lypex": 0.732,
        "lypim": 0.741,
    }
    for term, value in published.items():
        assert round(float(res.coef[term]), 3) == pytest.approx(value, abs=1e-9), term
    assert round(float(res.se["ldist"]), 3) == pytest.approx(0.055)
    assert round(float(res.se["comfrt_wto"]), 3) == pytest.approx(0.089)
    assert "Intercept" in res.coef.index


def test_yotov_ch1_ppml_exporter_importer_year_fe(yotov_intl):
    res = fepois(
        "trade ~ ln_dist + cntg + lang + clny | exporter^year + importer^year",
        yotov_intl,
        vcov="cluster:pair",
    )
    assert res.nobs == 28_152
    assert res.vcov_type == "CRV1 (pair_id)"
    assert round(float(res.coef["ln_dist"]), 3) == pytest.approx(-0.841)
    assert round(float(res.se["ln_dist"]), 3) == pytest.approx(0.032)
    assert round(float(res.coef["cntg"]), 3) == pytest.approx(0.437)
    assert round(float(res.coef["lang"]), 3) == pytest.approx(0.247)
    assert round(float(res.coef["clny"]), 3) == pytest.approx(-0.222)
    assert sum(res.dropped.values()) == 0
